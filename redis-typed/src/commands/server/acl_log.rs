//! `ACL LOG`: recent security events (denied commands, keys, channels,
//! failed authentications), and `ACL LOG RESET` to clear them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, AclLog, AclLogReset};
//!
//! let mut out = BytesMut::new();
//! encode(&AclLog::new().count(2), &mut out);
//! assert_eq!(&out[..], b"*3\r\n$3\r\nACL\r\n$3\r\nLOG\r\n$1\r\n2\r\n");
//!
//! // RESET replies OK, so it is its own type, with `()` as its reply.
//! let mut out = BytesMut::new();
//! encode(&AclLogReset::new(), &mut out);
//! assert_eq!(&out[..], b"*3\r\n$3\r\nACL\r\n$3\r\nLOG\r\n$5\r\nRESET\r\n");
//! ```

use std::time::Duration;

use crate::commands::fields::Fields;
use crate::commands::{ClientInfoReply, Command};
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `ACL LOG [count]`: the most recent ACL security events, newest first
/// (Redis 6.0+).
///
/// Reply: `Vec<`[`AclLogEntry`]`>`. Without a count the server returns 10
/// entries. To clear the log, send [`AclLogReset`].
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct AclLog {
    count: Option<i64>,
}

impl AclLog {
    /// `ACL LOG`: up to 10 entries.
    pub fn new() -> Self {
        AclLog { count: None }
    }

    /// `ACL LOG count`: up to `count` entries.
    pub fn count(mut self, count: i64) -> Self {
        self.count = Some(count);
        self
    }
}

impl Command for AclLog {
    type Response = Vec<AclLogEntry>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ACL");
        out.write_arg(b"LOG");
        if let Some(count) = self.count {
            out.write_i64(count);
        }
    }
}

/// `ACL LOG RESET`: clears the ACL log.
///
/// Reply: `()` (`OK`).
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct AclLogReset;

impl AclLogReset {
    /// `ACL LOG RESET`.
    pub fn new() -> Self {
        AclLogReset
    }
}

impl Command for AclLogReset {
    type Response = ();

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ACL");
        out.write_arg(b"LOG");
        out.write_arg(b"RESET");
    }
}

/// One ACL security event, from a RESP3 map or a RESP2 flat array.
///
/// Repeated events (same reason, context, object and user) are merged into
/// one entry whose `count` grows.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct AclLogEntry {
    /// How many times the event happened (merged within 60 s).
    pub count: i64,
    /// `"command"`, `"key"`, `"channel"` or `"auth"`.
    pub reason: String,
    /// `"toplevel"`, `"multi"`, `"lua"` or `"module"`.
    pub context: String,
    /// The command, key or channel denied (`"AUTH"` for a failed login).
    pub object: String,
    /// The user involved (for `auth`: the user that failed to log in).
    pub username: String,
    /// Seconds since the entry was last updated, to the millisecond.
    pub age_seconds: f64,
    /// The `CLIENT LIST` line of the client at fault, as text (see
    /// [`client`](Self::client)).
    pub client_info: String,
    /// A unique id (7.2+).
    pub entry_id: Option<i64>,
    /// When the entry was created, in Unix milliseconds (7.2+).
    pub timestamp_created: Option<i64>,
    /// When it was last updated, in Unix milliseconds (7.2+).
    pub timestamp_last_updated: Option<i64>,
}

impl AclLogEntry {
    /// [`age_seconds`](Self::age_seconds) as a `Duration` (zero if the
    /// server sent a negative or unreadable age).
    pub fn age(&self) -> Duration {
        Duration::try_from_secs_f64(self.age_seconds).unwrap_or_default()
    }

    /// [`client_info`](Self::client_info), parsed.
    pub fn client(&self) -> Result<ClientInfoReply> {
        self.client_info.parse()
    }
}

impl FromRedisValue for AclLogEntry {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<AclLogEntry>::new(value)?;
        Ok(AclLogEntry {
            count: f.required("count")?,
            reason: f.required("reason")?,
            context: f.required("context")?,
            object: f.required("object")?,
            username: f.required("username")?,
            age_seconds: f.required("age-seconds")?,
            client_info: f.required("client-info")?,
            entry_id: f.optional("entry-id")?,
            timestamp_created: f.optional("timestamp-created")?,
            timestamp_last_updated: f.optional("timestamp-last-updated")?,
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

    fn entry(age: Value) -> Vec<(Value, Value)> {
        vec![
            (bulk("count"), Value::Integer(1)),
            (bulk("reason"), bulk("auth")),
            (bulk("context"), bulk("toplevel")),
            (bulk("object"), bulk("AUTH")),
            (bulk("username"), bulk("alice")),
            (bulk("age-seconds"), age),
            (
                bulk("client-info"),
                bulk("id=22 addr=127.0.0.1:42102 laddr=127.0.0.1:6379 fd=8 name= age=0"),
            ),
        ]
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&AclLog::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$3\r\nACL\r\n$3\r\nLOG\r\n");
        assert!(!AclLog::new().read_only() && !AclLogReset::new().read_only());
    }

    #[test]
    fn decodes_resp3_and_resp2() {
        let resp3 = Value::Map(entry(Value::Double(0.609)));
        let resp2 = Value::Array(
            entry(bulk("0.60899999999999999"))
                .into_iter()
                .flat_map(|(k, v)| [k, v])
                .collect(),
        );
        for value in [resp3, resp2] {
            let e = AclLogEntry::from_redis_value(value).unwrap();
            assert_eq!(
                (e.count, e.reason.as_str(), e.username.as_str()),
                (1, "auth", "alice")
            );
            assert!((e.age_seconds - 0.609).abs() < 1e-9);
            assert!((e.age().as_secs_f64() - 0.609).abs() < 1e-6);
            assert_eq!(e.client().unwrap().id, 22);
            assert_eq!(e.entry_id, None);
        }
    }

    #[test]
    fn redis_7_2_fields_and_errors() {
        let mut pairs = entry(Value::Double(1.0));
        pairs.push((bulk("entry-id"), Value::Integer(4)));
        pairs.push((bulk("timestamp-created"), Value::Integer(1_700_000_000_000)));
        let e = AclLogEntry::from_redis_value(Value::Map(pairs)).unwrap();
        assert_eq!(
            (e.entry_id, e.timestamp_created),
            (Some(4), Some(1_700_000_000_000))
        );

        let mut pairs = entry(Value::Double(1.0));
        pairs.remove(1);
        let err = AclLogEntry::from_redis_value(Value::Map(pairs))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("AclLogEntry") && err.contains("`reason`"),
            "{err}"
        );
    }
}
