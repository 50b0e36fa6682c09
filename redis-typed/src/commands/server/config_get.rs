//! `CONFIG GET`: read configuration parameters.
//!
//! ```
//! use std::collections::BTreeMap;
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, ConfigGet};
//!
//! let mut out = BytesMut::new();
//! encode(&ConfigGet::new("maxmemory").parameter("slowlog-*"), &mut out);
//! assert_eq!(
//!     &out[..],
//!     &b"*4\r\n$6\r\nCONFIG\r\n$3\r\nGET\r\n$9\r\nmaxmemory\r\n$9\r\nslowlog-*\r\n"[..]
//! );
//!
//! // Any map type: here, sorted.
//! let _sorted: ConfigGet<BTreeMap<String, String>> = ConfigGet::new("*").reply_as();
//! ```

use std::collections::HashMap;
use std::marker::PhantomData;

use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::FromRedisValue;

/// `CONFIG GET parameter [parameter ...]`: the values of the parameters
/// matching each glob pattern (several patterns need Redis 7.0+).
///
/// Reply: `R`, by default `HashMap<String, String>` (name -> value) read
/// from a RESP3 map or a RESP2 flat array; [`reply_as`](Self::reply_as)
/// picks another map type. Patterns matching nothing add nothing.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ConfigGet<R = HashMap<String, String>> {
    parameters: Vec<String>,
    _reply: PhantomData<fn() -> R>,
}

impl ConfigGet {
    /// `CONFIG GET parameter` (a name or a glob pattern: `"maxmemory*"`).
    pub fn new(parameter: impl Into<String>) -> Self {
        ConfigGet {
            parameters: vec![parameter.into()],
            _reply: PhantomData,
        }
    }
}

impl<R> ConfigGet<R> {
    /// Adds another parameter (name or pattern).
    pub fn parameter(mut self, parameter: impl Into<String>) -> Self {
        self.parameters.push(parameter.into());
        self
    }

    /// Adds several parameters.
    pub fn parameters<I: IntoIterator<Item = S>, S: Into<String>>(mut self, parameters: I) -> Self {
        self.parameters
            .extend(parameters.into_iter().map(Into::into));
        self
    }

    /// The same command, decoding its reply as `R2` (`BTreeMap<String,
    /// String>`, `Vec<(String, String)>`, `HashMap<String, Bytes>`...).
    pub fn reply_as<R2: FromRedisValue>(self) -> ConfigGet<R2> {
        ConfigGet {
            parameters: self.parameters,
            _reply: PhantomData,
        }
    }
}

impl<R: FromRedisValue> Command for ConfigGet<R> {
    type Response = R;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CONFIG");
        out.write_arg(b"GET");
        for parameter in &self.parameters {
            out.write_arg(parameter.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use bytes::Bytes;

    use super::*;
    use crate::resp::Value;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn reply_types() {
        let cmd = ConfigGet::new("maxmemory").parameters(["a", "b"]);
        assert_eq!(cmd.parameters, ["maxmemory", "a", "b"]);
        assert!(!cmd.read_only());
        let resp2 = Value::Array(vec![bulk("maxmemory"), bulk("0")]);
        let resp3 = Value::Map(vec![(bulk("maxmemory"), bulk("0"))]);
        for value in [resp2, resp3] {
            let map = <ConfigGet as Command>::Response::from_redis_value(value.clone()).unwrap();
            assert_eq!(map["maxmemory"], "0");
            let sorted = BTreeMap::<String, i64>::from_redis_value(value).unwrap();
            assert_eq!(sorted["maxmemory"], 0);
        }
    }
}
