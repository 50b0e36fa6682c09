//! `COMMAND DOCS`: the documentation of commands, as the server knows it
//! (summary, complexity, history, the argument tree, subcommands).
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, CommandDocs};
//!
//! let mut out = BytesMut::new();
//! encode(&CommandDocs::new().command("get"), &mut out);
//! assert_eq!(&out[..], b"*3\r\n$7\r\nCOMMAND\r\n$4\r\nDOCS\r\n$3\r\nget\r\n");
//! ```

use std::collections::HashMap;

use crate::commands::fields::Fields;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `COMMAND DOCS [command-name ...]`: documentation for the named commands,
/// or for every command when none is named (Redis 7.0+).
///
/// Reply: `HashMap<String, `[`CommandDoc`]`>` keyed by lower-case command
/// name; unknown names are left out. Subcommands are documented inside their
/// container ([`CommandDoc::subcommands`]), keyed `"config|get"`.
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct CommandDocs {
    names: Vec<String>,
}

impl CommandDocs {
    /// `COMMAND DOCS`: every command.
    pub fn new() -> Self {
        CommandDocs { names: Vec::new() }
    }

    /// Adds one command name (`"get"`, `"config"`).
    pub fn command(mut self, name: impl Into<String>) -> Self {
        self.names.push(name.into());
        self
    }

    /// Adds several command names.
    pub fn commands<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.names.extend(names.into_iter().map(Into::into));
        self
    }
}

impl Command for CommandDocs {
    type Response = HashMap<String, CommandDoc>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"COMMAND");
        out.write_arg(b"DOCS");
        for name in &self.names {
            out.write_arg(name.as_bytes());
        }
    }
}

/// The documentation of one command (a RESP3 map or a RESP2 flat array).
///
/// Only `group` is always sent; every other field is absent for some
/// commands (module commands in particular), hence the `Option`s and empty
/// defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CommandDoc {
    /// A one-line description.
    pub summary: Option<String>,
    /// The Redis (or module) version that added the command.
    pub since: Option<String>,
    /// The group: `"string"`, `"server"`, `"sorted-set"`, `"module"`...
    pub group: String,
    /// The time complexity, in words.
    pub complexity: Option<String>,
    /// The module that provides the command.
    pub module: Option<String>,
    /// `"deprecated"`, `"syscmd"`.
    pub doc_flags: Vec<String>,
    /// The version that deprecated the command.
    pub deprecated_since: Option<String>,
    /// What to use instead of a deprecated command.
    pub replaced_by: Option<String>,
    /// `(version, change)` notes, oldest first.
    pub history: Vec<(String, String)>,
    /// The argument tree.
    pub arguments: Vec<CommandArgDoc>,
    /// The subcommands of a container command, keyed `"container|sub"`.
    pub subcommands: HashMap<String, CommandDoc>,
}

impl CommandDoc {
    /// True when the command is deprecated.
    pub fn is_deprecated(&self) -> bool {
        self.doc_flags.iter().any(|f| f == "deprecated")
    }
}

impl FromRedisValue for CommandDoc {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<CommandDoc>::new(value)?;
        Ok(CommandDoc {
            summary: f.optional("summary")?,
            since: f.optional("since")?,
            group: f.required("group")?,
            complexity: f.optional("complexity")?,
            module: f.optional("module")?,
            doc_flags: f.or_default("doc_flags")?,
            deprecated_since: f.optional("deprecated_since")?,
            replaced_by: f.optional("replaced_by")?,
            history: f.or_default("history")?,
            arguments: f.or_default("arguments")?,
            subcommands: f.or_default("subcommands")?,
        })
    }
}

/// The type of a documented argument.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ArgType {
    /// `string`.
    String,
    /// `integer`.
    Integer,
    /// `double`.
    Double,
    /// `key`: a key name (see `key_spec_index`).
    Key,
    /// `pattern`: a glob-style pattern.
    Pattern,
    /// `unix-time`: a Unix timestamp.
    UnixTime,
    /// `pure-token`: the token alone, no value.
    PureToken,
    /// `oneof`: exactly one of the nested arguments.
    OneOf,
    /// `block`: the nested arguments, together.
    Block,
    /// A type this client does not know, as sent.
    Other(String),
}

impl From<String> for ArgType {
    fn from(name: String) -> Self {
        match name.as_str() {
            "string" => ArgType::String,
            "integer" => ArgType::Integer,
            "double" => ArgType::Double,
            "key" => ArgType::Key,
            "pattern" => ArgType::Pattern,
            "unix-time" => ArgType::UnixTime,
            "pure-token" => ArgType::PureToken,
            "oneof" => ArgType::OneOf,
            "block" => ArgType::Block,
            _ => ArgType::Other(name),
        }
    }
}

/// One node of a command's argument tree.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommandArgDoc {
    /// The argument's name (unique among its siblings).
    pub name: String,
    /// Its type.
    pub arg_type: ArgType,
    /// The name shown in syntax summaries (`display_text`; `value` in 7.0).
    pub display_text: Option<String>,
    /// For keys: the index of the key spec (in `COMMAND INFO`) it matches.
    pub key_spec_index: Option<i64>,
    /// The literal token that precedes the value (`"EX"`), if any.
    pub token: Option<String>,
    /// A short description.
    pub summary: Option<String>,
    /// The version that added the argument.
    pub since: Option<String>,
    /// The version that deprecated the argument.
    pub deprecated_since: Option<String>,
    /// `"optional"`, `"multiple"`, `"multiple_token"`.
    pub flags: Vec<String>,
    /// The nested arguments of a `oneof` or `block`.
    pub arguments: Vec<CommandArgDoc>,
}

impl CommandArgDoc {
    /// True when the argument may be left out.
    pub fn is_optional(&self) -> bool {
        self.flags.iter().any(|f| f == "optional")
    }

    /// True when the argument may repeat.
    pub fn is_multiple(&self) -> bool {
        self.flags.iter().any(|f| f == "multiple")
    }
}

impl FromRedisValue for CommandArgDoc {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<CommandArgDoc>::new(value)?;
        let display_text = match f.optional("display_text")? {
            Some(text) => Some(text),
            None => f.optional("value")?,
        };
        Ok(CommandArgDoc {
            name: f.required("name")?,
            arg_type: ArgType::from(f.required::<String>("type")?),
            display_text,
            key_spec_index: f.optional("key_spec_index")?,
            token: f.optional("token")?,
            summary: f.optional("summary")?,
            since: f.optional("since")?,
            deprecated_since: f.optional("deprecated_since")?,
            flags: f.or_default("flags")?,
            arguments: f.or_default("arguments")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    fn status(s: &str) -> Value {
        Value::SimpleString(Bytes::copy_from_slice(s.as_bytes()))
    }

    /// `COMMAND DOCS slaveof` as Redis 7.0 sends it in RESP3 (trimmed).
    fn slaveof_resp3() -> Value {
        let arg = |name: &str, ty: &str| {
            Value::Map(vec![(bulk("name"), bulk(name)), (bulk("type"), bulk(ty))])
        };
        Value::Map(vec![(
            bulk("slaveof"),
            Value::Map(vec![
                (bulk("summary"), bulk("Make the server a replica.")),
                (bulk("since"), bulk("1.0.0")),
                (bulk("group"), bulk("server")),
                (bulk("complexity"), bulk("O(1)")),
                (bulk("doc_flags"), Value::Set(vec![status("deprecated")])),
                (bulk("deprecated_since"), bulk("5.0.0")),
                (bulk("replaced_by"), bulk("`REPLICAOF`")),
                (
                    bulk("history"),
                    Value::Set(vec![Value::Array(vec![bulk("5.0.0"), bulk("Renamed.")])]),
                ),
                (
                    bulk("arguments"),
                    Value::Array(vec![Value::Map(vec![
                        (bulk("name"), bulk("args")),
                        (bulk("type"), bulk("oneof")),
                        (bulk("flags"), Value::Set(vec![status("optional")])),
                        (
                            bulk("arguments"),
                            Value::Array(vec![arg("host", "string"), arg("port", "integer")]),
                        ),
                    ])]),
                ),
                (bulk("future_field"), Value::Integer(1)),
            ]),
        )])
    }

    /// The RESP2 rendering of a value: maps and sets become flat arrays.
    fn to_resp2(value: Value) -> Value {
        match value {
            Value::Map(pairs) => Value::Array(
                pairs
                    .into_iter()
                    .flat_map(|(k, v)| [to_resp2(k), to_resp2(v)])
                    .collect(),
            ),
            Value::Set(items) | Value::Array(items) => {
                Value::Array(items.into_iter().map(to_resp2).collect())
            }
            Value::SimpleString(s) => Value::BulkString(s),
            other => other,
        }
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&CommandDocs::new().commands(["get", "set"]), &mut out);
        assert_eq!(
            &out[..],
            b"*4\r\n$7\r\nCOMMAND\r\n$4\r\nDOCS\r\n$3\r\nget\r\n$3\r\nset\r\n"
        );
        assert!(!CommandDocs::new().read_only());
    }

    #[test]
    fn decodes_resp3_and_resp2_alike() {
        let docs3 = HashMap::<String, CommandDoc>::from_redis_value(slaveof_resp3()).unwrap();
        let docs2 =
            HashMap::<String, CommandDoc>::from_redis_value(to_resp2(slaveof_resp3())).unwrap();
        assert_eq!(docs3, docs2);
        let doc = &docs3["slaveof"];
        assert_eq!(doc.group, "server");
        assert!(doc.is_deprecated());
        assert_eq!(doc.replaced_by.as_deref(), Some("`REPLICAOF`"));
        assert_eq!(doc.history, [("5.0.0".to_string(), "Renamed.".to_string())]);
        let args = &doc.arguments[0];
        assert_eq!(args.arg_type, ArgType::OneOf);
        assert!(args.is_optional() && !args.is_multiple());
        let nested: Vec<_> = args
            .arguments
            .iter()
            .map(|a| (&a.name[..], &a.arg_type))
            .collect();
        assert_eq!(
            nested,
            [("host", &ArgType::String), ("port", &ArgType::Integer)]
        );
    }

    #[test]
    fn group_is_required() {
        let reply = Value::Map(vec![(bulk("summary"), bulk("x"))]);
        let err = CommandDoc::from_redis_value(reply).unwrap_err().to_string();
        assert!(
            err.contains("CommandDoc") && err.contains("`group`"),
            "{err}"
        );
    }
}
