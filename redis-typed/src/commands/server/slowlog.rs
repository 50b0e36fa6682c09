//! `SLOWLOG GET`: the commands that ran longer than
//! `slowlog-log-slower-than` microseconds.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, SlowlogGet};
//!
//! let mut out = BytesMut::new();
//! encode(&SlowlogGet::new().count(5), &mut out);
//! assert_eq!(&out[..], b"*3\r\n$7\r\nSLOWLOG\r\n$3\r\nGET\r\n$1\r\n5\r\n");
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::commands::fields::Items;
use crate::commands::server::fields::{duration, Unit};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `SLOWLOG GET [count]`: the most recent slow log entries, newest first.
///
/// Reply: `Vec<`[`SlowLogEntry`]`>`. Without a count the server returns 10
/// entries; `count(-1)` returns all of them (Redis 7.0+).
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct SlowlogGet {
    count: Option<i64>,
}

impl SlowlogGet {
    /// `SLOWLOG GET`: the server's default number of entries (10).
    pub fn new() -> Self {
        SlowlogGet { count: None }
    }

    /// `SLOWLOG GET count`: at most `count` entries (`-1`: all).
    pub fn count(mut self, count: i64) -> Self {
        self.count = Some(count);
        self
    }
}

impl Command for SlowlogGet {
    type Response = Vec<SlowLogEntry>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"SLOWLOG");
        out.write_arg(b"GET");
        if let Some(count) = self.count {
            out.write_i64(count);
        }
    }
}

/// One slow log entry: `[id, timestamp, duration, [arg ...], addr, name]`.
///
/// Servers before 4.0 send only the first four elements; the client address
/// and name are then empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SlowLogEntry {
    /// A unique, increasing id (reset only by a restart).
    pub id: i64,
    /// When the command was processed, in Unix seconds.
    pub timestamp: i64,
    /// How long the command took to execute (to the microsecond).
    pub duration: Duration,
    /// The command and its arguments (long ones are truncated by the
    /// server, which says so in the last argument).
    pub args: Vec<Bytes>,
    /// The client's `ip:port`.
    pub client_addr: String,
    /// The client's name (`CLIENT SETNAME`), empty when unnamed.
    pub client_name: String,
}

impl SlowLogEntry {
    /// [`timestamp`](Self::timestamp) as a `SystemTime` (the Unix epoch if
    /// the server sent a negative or out-of-range time).
    pub fn time(&self) -> SystemTime {
        u64::try_from(self.timestamp)
            .ok()
            .and_then(|secs| UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
            .unwrap_or(UNIX_EPOCH)
    }
}

impl FromRedisValue for SlowLogEntry {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<SlowLogEntry>::at_least(value, 4)?;
        let id = items.required("id")?;
        let timestamp = items.required("timestamp")?;
        let micros: i64 = items.required("duration")?;
        Ok(SlowLogEntry {
            id,
            timestamp,
            duration: duration::<SlowLogEntry>("duration", micros, Unit::Micros)?,
            args: items.required("args")?,
            client_addr: items.or_default("client_addr")?,
            client_name: items.or_default("client_name")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    fn entry() -> Value {
        Value::Array(vec![
            Value::Integer(14),
            Value::Integer(1_700_000_000),
            Value::Integer(1234),
            Value::Array(vec![bulk("SET"), bulk("k"), bulk("v")]),
            bulk("127.0.0.1:5555"),
            bulk("worker"),
        ])
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&SlowlogGet::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$7\r\nSLOWLOG\r\n$3\r\nGET\r\n");
        assert!(!SlowlogGet::new().read_only());
    }

    #[test]
    fn decodes_an_entry() {
        let entries = Vec::<SlowLogEntry>::from_redis_value(Value::Array(vec![entry()])).unwrap();
        let e = &entries[0];
        assert_eq!((e.id, e.timestamp), (14, 1_700_000_000));
        assert_eq!(e.duration, Duration::from_micros(1234));
        assert_eq!(e.args, ["SET", "k", "v"]);
        assert_eq!(
            (e.client_addr.as_str(), e.client_name.as_str()),
            ("127.0.0.1:5555", "worker")
        );
        assert_eq!(e.time(), UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    }

    #[test]
    fn old_servers_send_four_elements() {
        let Value::Array(mut items) = entry() else {
            unreachable!()
        };
        items.truncate(4);
        let e = SlowLogEntry::from_redis_value(Value::Array(items)).unwrap();
        assert_eq!(e.client_addr, "");
    }

    #[test]
    fn bad_entries_are_errors() {
        let err = SlowLogEntry::from_redis_value(Value::Array(vec![Value::Integer(1)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("SlowLogEntry"), "{err}");
        let Value::Array(mut items) = entry() else {
            unreachable!()
        };
        items[2] = Value::Integer(-5);
        let err = SlowLogEntry::from_redis_value(Value::Array(items))
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"duration\""), "{err}");
    }
}
