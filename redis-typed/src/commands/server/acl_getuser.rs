//! `ACL GETUSER`: the rules of one ACL user.
//!
//! ```
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::AclUser;
//!
//! let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
//! // RESP2, Redis 7: a flat array.
//! let reply = Value::Array(vec![
//!     s("flags"), Value::Array(vec![s("on")]),
//!     s("passwords"), Value::Array(vec![s("5e88...")]),
//!     s("commands"), s("-@all +get"),
//!     s("keys"), s("~k*"),
//!     s("channels"), s("&ch*"),
//!     s("selectors"), Value::Array(vec![]),
//! ]);
//! let user = AclUser::from_redis_value(reply)?;
//! assert!(user.is_enabled());
//! assert_eq!((user.commands.as_str(), user.keys.as_str()), ("-@all +get", "~k*"));
//! # Ok::<(), redis_typed::Error>(())
//! ```

use crate::commands::fields::{field, strip, Fields};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, SingleArg};

/// `ACL GETUSER username`: the rules of an ACL user (Redis 6.0+).
///
/// Reply: `Option<`[`AclUser`]`>`, `None` when there is no such user.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct AclGetUser<U> {
    username: U,
}

impl<U: SingleArg> AclGetUser<U> {
    /// `ACL GETUSER username`.
    pub fn new(username: U) -> Self {
        AclGetUser { username }
    }
}

impl<U: SingleArg> Command for AclGetUser<U> {
    type Response = Option<AclUser>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ACL");
        out.write_arg(b"GETUSER");
        self.username.write_redis_args(out);
    }
}

/// An ACL user's rules, from a RESP3 map or a RESP2 flat array.
///
/// `keys` and `channels` are the rule text as Redis 7 writes it (`"~k*
/// %R~ro:*"`, `"&ch*"`); Redis 6.x sends lists of patterns, which are
/// rewritten in that form (`["k*"]` becomes `"~k*"`). Passwords are listed
/// as the SHA-256 hashes the server stores, never in clear.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AclUser {
    /// `"on"`/`"off"`, `"nopass"`, `"skip-sanitize-payload"`...
    pub flags: Vec<String>,
    /// The SHA-256 hashes (hex) of the user's passwords.
    pub passwords: Vec<String>,
    /// The root selector's command rules (`"+@all -debug"`).
    pub commands: String,
    /// The root selector's key patterns (`"~*"`).
    pub keys: String,
    /// The root selector's channel patterns (`"&*"`, 6.2+).
    pub channels: String,
    /// The additional selectors (7.0+).
    pub selectors: Vec<AclSelector>,
}

/// An ACL selector: a further set of rules a command may match (7.0+).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AclSelector {
    /// The selector's command rules.
    pub commands: String,
    /// The selector's key patterns.
    pub keys: String,
    /// The selector's channel patterns.
    pub channels: String,
}

impl AclUser {
    /// True when the user is enabled (`on`).
    pub fn is_enabled(&self) -> bool {
        self.flags.iter().any(|f| f == "on")
    }
}

/// A pattern field: Redis 7 text as-is, or a 6.x list of patterns written as
/// `prefix` + pattern, space-separated.
fn patterns<T>(fields: &mut Fields<T>, name: &str, prefix: &str) -> Result<String> {
    match fields.take(name).map(strip) {
        None | Some(Value::Nil) => Ok(String::new()),
        Some(list @ (Value::Array(_) | Value::Set(_))) => {
            let patterns: Vec<String> = field::<T, _>(name, list)?;
            Ok(patterns
                .iter()
                .map(|p| format!("{prefix}{p}"))
                .collect::<Vec<_>>()
                .join(" "))
        }
        Some(text) => field::<T, _>(name, text),
    }
}

impl FromRedisValue for AclUser {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<AclUser>::new(value)?;
        Ok(AclUser {
            flags: f.required("flags")?,
            passwords: f.required("passwords")?,
            commands: f.required("commands")?,
            keys: patterns(&mut f, "keys", "~")?,
            channels: patterns(&mut f, "channels", "&")?,
            selectors: f.or_default("selectors")?,
        })
    }
}

impl FromRedisValue for AclSelector {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<AclSelector>::new(value)?;
        Ok(AclSelector {
            commands: f.or_default("commands")?,
            keys: patterns(&mut f, "keys", "~")?,
            channels: patterns(&mut f, "channels", "&")?,
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

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&AclGetUser::new("alice"), &mut out);
        assert_eq!(
            &out[..],
            b"*3\r\n$3\r\nACL\r\n$7\r\nGETUSER\r\n$5\r\nalice\r\n"
        );
        assert!(!AclGetUser::new("alice").read_only());
    }

    #[test]
    fn decodes_redis_7_with_a_selector() {
        let reply = Value::Map(vec![
            (bulk("flags"), Value::Set(vec![bulk("on")])),
            (bulk("passwords"), Value::Array(vec![bulk("30c9")])),
            (bulk("commands"), bulk("-@all +get")),
            (bulk("keys"), bulk("~k*")),
            (bulk("channels"), bulk("&ch*")),
            (
                bulk("selectors"),
                Value::Array(vec![Value::Map(vec![
                    (bulk("commands"), bulk("-@all +set")),
                    (bulk("keys"), bulk("~other*")),
                    (bulk("channels"), bulk("")),
                ])]),
            ),
        ]);
        let user = Option::<AclUser>::from_redis_value(reply).unwrap().unwrap();
        assert!(user.is_enabled());
        assert_eq!(user.passwords, ["30c9"]);
        assert_eq!(user.selectors[0].keys, "~other*");
        assert_eq!(
            Option::<AclUser>::from_redis_value(Value::Nil).unwrap(),
            None
        );
    }

    #[test]
    fn redis_6_pattern_lists_become_rule_text() {
        let reply = Value::Array(vec![
            bulk("flags"),
            Value::Array(vec![bulk("on"), bulk("allkeys")]),
            bulk("passwords"),
            Value::Array(vec![]),
            bulk("commands"),
            bulk("+@all"),
            bulk("keys"),
            Value::Array(vec![bulk("a*"), bulk("b*")]),
            bulk("channels"),
            Value::Array(vec![bulk("*")]),
        ]);
        let user = AclUser::from_redis_value(reply).unwrap();
        assert_eq!(
            (user.keys.as_str(), user.channels.as_str()),
            ("~a* ~b*", "&*")
        );
        assert!(user.selectors.is_empty());
    }

    #[test]
    fn a_missing_field_is_named() {
        let reply = Value::Map(vec![(bulk("flags"), Value::Set(vec![]))]);
        let err = AclUser::from_redis_value(reply).unwrap_err().to_string();
        assert!(
            err.contains("AclUser") && err.contains("`passwords`"),
            "{err}"
        );
    }
}
