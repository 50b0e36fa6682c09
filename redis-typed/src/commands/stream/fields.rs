//! Helpers shared by the data commands (streams, scans, geo, LCS, pops):
//! [`arg_bytes`], so a command stores an argument without a type parameter
//! each, and the unit tests' `test_support`. Structured replies are read
//! with [`crate::commands::fields`].

use bytes::Bytes;

use crate::resp::ArgWriter;
use crate::types::SingleArg;

/// Captures the one argument a [`SingleArg`] writes.
struct Capture(Vec<u8>);

impl ArgWriter for Capture {
    fn write_arg(&mut self, arg: &[u8]) {
        self.0.extend_from_slice(arg);
    }
}

/// The bytes of the one argument `arg` writes (ids, group and consumer
/// names, patterns), so a command stores them without a type parameter
/// each.
pub(crate) fn arg_bytes<A: SingleArg + ?Sized>(arg: &A) -> Bytes {
    let mut capture = Capture(Vec::new());
    arg.write_redis_args(&mut capture);
    Bytes::from(capture.0)
}

/// Helpers for the unit tests of the data commands: wire bytes, keys,
/// read-only flag, reply types and decoding.
#[cfg(test)]
pub(crate) mod test_support {
    use bytes::{Bytes, BytesMut};

    use crate::commands::{encode, keys_of, Command};
    use crate::error::Result;
    use crate::resp::Value;
    use crate::types::FromRedisValue;

    /// The command as sent, as text.
    pub(crate) fn wire<C: Command>(cmd: &C) -> String {
        let mut out = BytesMut::new();
        encode(cmd, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The RESP array of bulk strings for `args`, built independently.
    pub(crate) fn resp(args: &[&str]) -> String {
        let mut out = format!("*{}\r\n", args.len());
        for arg in args {
            out.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        out
    }

    /// Checks wire bytes, keys and the read-only flag at once.
    #[track_caller]
    pub(crate) fn check<C: Command>(cmd: &C, args: &[&str], keys: &[&str], read_only: bool) {
        assert_eq!(wire(cmd), resp(args));
        let got: Vec<String> = keys_of(cmd)
            .into_iter()
            .map(|k| String::from_utf8(k).unwrap())
            .collect();
        assert_eq!(got, keys, "keys");
        assert_eq!(cmd.read_only(), read_only, "read_only");
    }

    /// Compiles only when the reply type is exactly `R`.
    pub(crate) fn assert_response<R, C: Command<Response = R>>(_: &C) {}

    /// Decodes `value` as `cmd`'s reply.
    pub(crate) fn decode<C: Command>(_: &C, value: Value) -> Result<C::Response> {
        C::Response::from_redis_value(value)
    }

    pub(crate) fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    pub(crate) fn arr(items: Vec<Value>) -> Value {
        Value::Array(items)
    }

    pub(crate) fn int(i: i64) -> Value {
        Value::Integer(i)
    }

    pub(crate) fn double(d: f64) -> Value {
        Value::Double(d)
    }

    pub(crate) fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (bulk(k), v)).collect())
    }

    /// The RESP2 form of `map`: a flat `name value ...` array.
    pub(crate) fn flat(entries: Vec<(&str, Value)>) -> Value {
        Value::Array(
            entries
                .into_iter()
                .flat_map(|(k, v)| [bulk(k), v])
                .collect(),
        )
    }
}
