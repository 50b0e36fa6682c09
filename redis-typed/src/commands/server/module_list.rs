//! `MODULE LIST`: the loaded modules.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, ModuleList};
//!
//! let mut out = BytesMut::new();
//! encode(&ModuleList::new(), &mut out);
//! assert_eq!(&out[..], b"*2\r\n$6\r\nMODULE\r\n$4\r\nLIST\r\n");
//! ```

use crate::commands::{Command, ModuleInfo};
use crate::resp::ArgWriter;

/// `MODULE LIST`: the modules the server has loaded (Redis 4.0+).
///
/// Reply: `Vec<`[`ModuleInfo`]`>` (the struct `HELLO` uses too), each
/// decoded from a RESP3 map or a RESP2 flat array: `name`, `ver`, and on
/// 7.0+ `path` and `args`.
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct ModuleList;

impl ModuleList {
    /// `MODULE LIST`.
    pub fn new() -> Self {
        ModuleList
    }
}

impl Command for ModuleList {
    type Response = Vec<ModuleInfo>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"MODULE");
        out.write_arg(b"LIST");
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::resp::Value;
    use crate::types::FromRedisValue;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn decodes_modules_from_resp2() {
        assert!(!ModuleList::new().read_only());
        let reply = Value::Array(vec![Value::Array(vec![
            bulk("name"),
            bulk("search"),
            bulk("ver"),
            Value::Integer(20612),
            bulk("path"),
            bulk("/lib/redisearch.so"),
            bulk("args"),
            Value::Array(vec![]),
        ])]);
        let modules = Vec::<ModuleInfo>::from_redis_value(reply).unwrap();
        assert_eq!(
            (modules[0].name.as_str(), modules[0].version),
            ("search", 20612)
        );
        assert_eq!(modules[0].path.as_deref(), Some("/lib/redisearch.so"));
    }
}
