//! `COMMAND GETKEYSANDFLAGS`: asks the server which arguments of a command
//! line are keys, and how each key is used.
//!
//! Useful to check a command's own key extraction against the server's:
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, CommandGetKeysAndFlags, Set};
//!
//! let cmd = CommandGetKeysAndFlags::of(&Set::new("k", "v"));
//! let mut out = BytesMut::new();
//! encode(&cmd, &mut out);
//! assert_eq!(
//!     &out[..],
//!     &b"*5\r\n$7\r\nCOMMAND\r\n$15\r\nGETKEYSANDFLAGS\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"[..]
//! );
//! ```

use bytes::Bytes;

use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::SingleArg;

/// `COMMAND GETKEYSANDFLAGS command [arg ...]`: the keys of a full command
/// line and their flags (Redis 7.0+).
///
/// Reply: `Vec<(Bytes, Vec<String>)>`: each key, in order, with its flags
/// (`"RW"`, `"access"`, `"insert"`...). A command without key arguments is
/// an error reply (`ERR The command has no key arguments`).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct CommandGetKeysAndFlags<A = Bytes> {
    line: Vec<A>,
}

impl<A: SingleArg> CommandGetKeysAndFlags<A> {
    /// `COMMAND GETKEYSANDFLAGS` for the command line `line` (its name
    /// first: `["LMOVE", "a", "b", "LEFT", "RIGHT"]`).
    pub fn new(line: impl IntoIterator<Item = A>) -> Self {
        CommandGetKeysAndFlags {
            line: line.into_iter().collect(),
        }
    }
}

impl CommandGetKeysAndFlags<Bytes> {
    /// `COMMAND GETKEYSANDFLAGS` for the line a typed command would send.
    pub fn of<C: Command + ?Sized>(cmd: &C) -> Self {
        struct Collect(Vec<Bytes>);
        impl ArgWriter for Collect {
            fn write_arg(&mut self, arg: &[u8]) {
                self.0.push(Bytes::copy_from_slice(arg));
            }
        }
        let mut line = Collect(Vec::new());
        cmd.write_args(&mut line);
        CommandGetKeysAndFlags { line: line.0 }
    }
}

impl<A: SingleArg> Command for CommandGetKeysAndFlags<A> {
    type Response = Vec<(Bytes, Vec<String>)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"COMMAND");
        out.write_arg(b"GETKEYSANDFLAGS");
        for arg in &self.line {
            arg.write_redis_args(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resp::Value;
    use crate::types::FromRedisValue;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&CommandGetKeysAndFlags::new(["GET", "k"]), &mut out);
        assert_eq!(
            &out[..],
            b"*4\r\n$7\r\nCOMMAND\r\n$15\r\nGETKEYSANDFLAGS\r\n$3\r\nGET\r\n$1\r\nk\r\n"
        );
        assert!(!CommandGetKeysAndFlags::new(["GET", "k"]).read_only());
    }

    #[test]
    fn decodes_keys_with_flag_sets() {
        let status = |s: &str| Value::SimpleString(Bytes::copy_from_slice(s.as_bytes()));
        let reply = Value::Array(vec![
            Value::Array(vec![
                bulk("a"),
                Value::Set(vec![status("RW"), status("access"), status("delete")]),
            ]),
            Value::Array(vec![
                bulk("b"),
                Value::Set(vec![status("RW"), status("insert")]),
            ]),
        ]);
        let keys = <Vec<(Bytes, Vec<String>)>>::from_redis_value(reply).unwrap();
        assert_eq!(keys[0].0, "a");
        assert_eq!(keys[0].1, ["RW", "access", "delete"]);
        assert_eq!(keys[1].1, ["RW", "insert"]);
    }
}
