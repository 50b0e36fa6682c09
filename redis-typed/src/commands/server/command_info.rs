//! `COMMAND INFO`: the server's metadata about commands: arity, flags, key
//! positions, ACL categories, tips and key specs.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, CommandInfo};
//!
//! let mut out = BytesMut::new();
//! encode(&CommandInfo::new().command("get"), &mut out);
//! assert_eq!(&out[..], b"*3\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n$3\r\nget\r\n");
//! ```

use crate::commands::fields::{Fields, Items};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `COMMAND INFO [command-name ...]`: metadata for the named commands, or
/// for every command when none is named (no name needs Redis 7.0+).
///
/// Reply: `Vec<Option<`[`CommandInfoReply`]`>>`, in the order asked, `None`
/// for a name the server does not know.
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct CommandInfo {
    names: Vec<String>,
}

impl CommandInfo {
    /// `COMMAND INFO`: every command.
    pub fn new() -> Self {
        CommandInfo { names: Vec::new() }
    }

    /// Adds one command name (`"get"`, `"config|get"` is not accepted: ask
    /// for `"config"` and read its subcommands).
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

impl Command for CommandInfo {
    type Response = Vec<Option<CommandInfoReply>>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"COMMAND");
        out.write_arg(b"INFO");
        for name in &self.names {
            out.write_arg(name.as_bytes());
        }
    }
}

/// One command's metadata: the 10-element array `[name, arity, flags,
/// first-key, last-key, step, acl-categories, tips, key-specs, subcommands]`.
///
/// Servers before 7.0 send the first 6 (6.x: 7) elements; the later fields
/// are then empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CommandInfoReply {
    /// The lower-case name (`"config|get"` for a subcommand).
    pub name: String,
    /// The number of arguments, the name included; negative means "at
    /// least" that many.
    pub arity: i64,
    /// `"write"`, `"readonly"`, `"denyoom"`, `"fast"`, `"admin"`...
    pub flags: Vec<String>,
    /// The position of the first key (0: no keys).
    pub first_key: i64,
    /// The position of the last key (negative: from the end).
    pub last_key: i64,
    /// The step between keys.
    pub step: i64,
    /// `"@read"`, `"@string"`, `"@fast"`... (6.0+).
    pub acl_categories: Vec<String>,
    /// Hints for clients and proxies: `"request_policy:all_nodes"`... (7.0+).
    pub tips: Vec<String>,
    /// Where the keys are in the arguments (7.0+).
    pub key_specs: Vec<KeySpec>,
    /// The subcommands of a container command (7.0+).
    pub subcommands: Vec<CommandInfoReply>,
}

impl CommandInfoReply {
    /// True when `flags` holds `flag` (`"readonly"`, `"write"`...).
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f.eq_ignore_ascii_case(flag))
    }
}

impl FromRedisValue for CommandInfoReply {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<CommandInfoReply>::at_least(value, 6)?;
        Ok(CommandInfoReply {
            name: items.required("name")?,
            arity: items.required("arity")?,
            flags: items.required("flags")?,
            first_key: items.required("first_key")?,
            last_key: items.required("last_key")?,
            step: items.required("step")?,
            acl_categories: items.or_default("acl_categories")?,
            tips: items.or_default("tips")?,
            key_specs: items.or_default("key_specs")?,
            subcommands: items.or_default("subcommands")?,
        })
    }
}

/// Where a command finds keys: a start (`begin_search`) and a rule from
/// there (`find_keys`), plus flags describing the access (`"RW"`,
/// `"access"`, `"update"`...).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct KeySpec {
    /// Free-text notes.
    pub notes: Option<String>,
    /// `"RO"`, `"RW"`, `"OW"`, `"RM"`, `"access"`, `"insert"`, `"delete"`...
    pub flags: Vec<String>,
    /// Where the search for keys begins.
    pub begin_search: BeginSearch,
    /// How keys are found from there.
    pub find_keys: FindKeys,
}

/// Where the search for a command's keys begins.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BeginSearch {
    /// At this argument index.
    Index(i64),
    /// After this keyword, searched from argument `start_from` (negative:
    /// from the end, backwards).
    Keyword {
        /// The keyword (`"STREAMS"`).
        keyword: String,
        /// Where the search for the keyword starts.
        start_from: i64,
    },
    /// Not described (or a kind this client does not know).
    Unknown,
}

/// How a command's keys are found from where the search began.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FindKeys {
    /// A range: up to `last_key` (relative; -1 is the last argument), every
    /// `key_step`, at most `limit` keys counted as a fraction (0: no limit).
    Range {
        /// The last key, relative to the start.
        last_key: i64,
        /// The step between keys.
        key_step: i64,
        /// 0, or divide the remaining arguments by this.
        limit: i64,
    },
    /// A count of keys at `key_num_index`, the first at `first_key`, every
    /// `key_step`.
    KeyNum {
        /// Where the number of keys is.
        key_num_index: i64,
        /// Where the first key is, relative to the start.
        first_key: i64,
        /// The step between keys.
        key_step: i64,
    },
    /// Not described (or a kind this client does not know).
    Unknown,
}

impl FromRedisValue for KeySpec {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<KeySpec>::new(value)?;
        Ok(KeySpec {
            notes: f.optional("notes")?,
            flags: f.or_default("flags")?,
            begin_search: f.required("begin_search")?,
            find_keys: f.required("find_keys")?,
        })
    }
}

impl FromRedisValue for BeginSearch {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<BeginSearch>::new(value)?;
        let kind: String = f.required("type")?;
        let mut spec =
            Fields::<BeginSearch>::new(f.take("spec").unwrap_or(Value::Map(Vec::new())))?;
        Ok(match kind.as_str() {
            "index" => BeginSearch::Index(spec.required("index")?),
            "keyword" => BeginSearch::Keyword {
                keyword: spec.required("keyword")?,
                start_from: spec.required("startfrom")?,
            },
            _ => BeginSearch::Unknown,
        })
    }
}

impl FromRedisValue for FindKeys {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<FindKeys>::new(value)?;
        let kind: String = f.required("type")?;
        let mut spec = Fields::<FindKeys>::new(f.take("spec").unwrap_or(Value::Map(Vec::new())))?;
        Ok(match kind.as_str() {
            "range" => FindKeys::Range {
                last_key: spec.required("lastkey")?,
                key_step: spec.required("keystep")?,
                limit: spec.required("limit")?,
            },
            "keynum" => FindKeys::KeyNum {
                key_num_index: spec.required("keynumidx")?,
                first_key: spec.required("firstkey")?,
                key_step: spec.required("keystep")?,
            },
            _ => FindKeys::Unknown,
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

    fn map(pairs: Vec<(&str, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (bulk(k), v)).collect())
    }

    /// `COMMAND INFO get nosuch` as Redis 7.0 sends it in RESP3.
    fn get_resp3() -> Value {
        let spec = map(vec![
            ("flags", Value::Set(vec![status("RO"), status("access")])),
            (
                "begin_search",
                map(vec![
                    ("type", bulk("index")),
                    ("spec", map(vec![("index", Value::Integer(1))])),
                ]),
            ),
            (
                "find_keys",
                map(vec![
                    ("type", bulk("range")),
                    (
                        "spec",
                        map(vec![
                            ("lastkey", Value::Integer(0)),
                            ("keystep", Value::Integer(1)),
                            ("limit", Value::Integer(0)),
                        ]),
                    ),
                ]),
            ),
        ]);
        Value::Array(vec![
            Value::Array(vec![
                bulk("get"),
                Value::Integer(2),
                Value::Set(vec![status("readonly"), status("fast")]),
                Value::Integer(1),
                Value::Integer(1),
                Value::Integer(1),
                Value::Set(vec![status("@read"), status("@string"), status("@fast")]),
                Value::Set(vec![]),
                Value::Array(vec![spec]),
                Value::Set(vec![]),
            ]),
            Value::Nil,
        ])
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&CommandInfo::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$7\r\nCOMMAND\r\n$4\r\nINFO\r\n");
        assert!(!CommandInfo::new().read_only());
    }

    #[test]
    fn decodes_known_and_unknown_commands() {
        let infos = Vec::<Option<CommandInfoReply>>::from_redis_value(get_resp3()).unwrap();
        assert_eq!(infos.len(), 2);
        assert!(infos[1].is_none());
        let get = infos[0].as_ref().unwrap();
        assert_eq!((get.name.as_str(), get.arity), ("get", 2));
        assert!(get.has_flag("readonly") && !get.has_flag("write"));
        assert_eq!((get.first_key, get.last_key, get.step), (1, 1, 1));
        assert_eq!(get.acl_categories, ["@read", "@string", "@fast"]);
        let spec = &get.key_specs[0];
        assert_eq!(spec.flags, ["RO", "access"]);
        assert_eq!(spec.begin_search, BeginSearch::Index(1));
        assert_eq!(
            spec.find_keys,
            FindKeys::Range {
                last_key: 0,
                key_step: 1,
                limit: 0
            }
        );
    }

    #[test]
    fn old_servers_send_six_elements() {
        let reply = Value::Array(vec![
            bulk("get"),
            Value::Integer(2),
            Value::Array(vec![status("readonly")]),
            Value::Integer(1),
            Value::Integer(1),
            Value::Integer(1),
        ]);
        let info = CommandInfoReply::from_redis_value(reply).unwrap();
        assert!(info.key_specs.is_empty() && info.subcommands.is_empty());
        let short = Value::Array(vec![bulk("get"), Value::Integer(2)]);
        let err = CommandInfoReply::from_redis_value(short)
            .unwrap_err()
            .to_string();
        assert!(err.contains("CommandInfoReply"), "{err}");
    }

    #[test]
    fn unknown_key_spec_kinds_are_kept_as_unknown() {
        let begin = map(vec![("type", bulk("unknown")), ("spec", map(vec![]))]);
        assert_eq!(
            BeginSearch::from_redis_value(begin).unwrap(),
            BeginSearch::Unknown
        );
        let find = map(vec![("type", bulk("someday"))]);
        assert_eq!(FindKeys::from_redis_value(find).unwrap(), FindKeys::Unknown);
        let keyword = map(vec![
            ("type", bulk("keyword")),
            (
                "spec",
                map(vec![
                    ("keyword", bulk("STREAMS")),
                    ("startfrom", Value::Integer(1)),
                ]),
            ),
        ]);
        assert_eq!(
            BeginSearch::from_redis_value(keyword).unwrap(),
            BeginSearch::Keyword {
                keyword: "STREAMS".into(),
                start_from: 1
            }
        );
    }
}
