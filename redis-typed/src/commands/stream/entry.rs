//! Stream ids and entries: the values every stream read replies with.
//!
//! ```
//! use bytes::Bytes;
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::{StreamEntry, StreamId};
//!
//! let id: StreamId = "1526919030474-55".parse().unwrap();
//! assert_eq!((id.ms, id.seq), (1526919030474, 55));
//! assert_eq!(id.to_string(), "1526919030474-55");
//!
//! // An entry as XRANGE sends it: [id, [field, value, ...]].
//! let s = |t: &'static str| Value::BulkString(Bytes::from_static(t.as_bytes()));
//! let reply = Value::Array(vec![s("1-2"), Value::Array(vec![s("temp"), s("21.5")])]);
//! // The fields decode into any map-like type: here a Vec of pairs.
//! let entry = StreamEntry::<Vec<(String, f64)>>::from_redis_value(reply)?;
//! assert_eq!(entry.id, StreamId::new(1, 2));
//! assert_eq!(entry.fields, vec![("temp".to_string(), 21.5)]);
//! # Ok::<(), redis_typed::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use bytes::Bytes;

use crate::commands::fields::{strip, Items};
use crate::error::{Error, Result};
use crate::resp::{ArgWriter, Value};
use crate::types::{unexpected, FromRedisValue, SingleArg, ToRedisArgs};

/// The default type of a stream entry's fields: `(field, value)` pairs in
/// the order the entry was written (duplicates kept, as Redis keeps them).
pub type StreamFields = Vec<(Bytes, Bytes)>;

/// A stream entry id: `<milliseconds>-<sequence>`.
///
/// Ids order like the entries they name. As an argument an id writes
/// `ms-seq`; any [`SingleArg`] (`"$"`, `">"`, `"-"`, `"(1-2"`) is accepted
/// where a command takes an id, so special ids stay strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    /// The Unix time in milliseconds the entry was added at (or given).
    pub ms: u64,
    /// The sequence number among entries of the same millisecond.
    pub seq: u64,
}

impl StreamId {
    /// `0-0`, below every entry.
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    /// The largest possible id.
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    /// `ms-seq`.
    pub const fn new(ms: u64, seq: u64) -> Self {
        StreamId { ms, seq }
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// The error of parsing a [`StreamId`] from text that is not `ms-seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseStreamIdError(String);

impl fmt::Display for ParseStreamIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid stream id {:?} (expected ms-seq)", self.0)
    }
}

impl std::error::Error for ParseStreamIdError {}

impl StreamId {
    fn parse_bytes(text: &[u8]) -> Option<StreamId> {
        let text = std::str::from_utf8(text).ok()?;
        let (ms, seq) = text.split_once('-')?;
        // `u64::from_str` accepts a leading '+', Redis ids never have one.
        if ms.starts_with('+') || seq.starts_with('+') {
            return None;
        }
        Some(StreamId {
            ms: ms.parse().ok()?,
            seq: seq.parse().ok()?,
        })
    }
}

impl FromStr for StreamId {
    type Err = ParseStreamIdError;

    /// Parses `ms-seq` (both parts decimal).
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        StreamId::parse_bytes(s.as_bytes()).ok_or_else(|| ParseStreamIdError(s.to_string()))
    }
}

impl FromRedisValue for StreamId {
    /// A string reply `ms-seq`.
    fn from_redis_value(value: Value) -> Result<Self> {
        let value = strip(value);
        let parsed = match &value {
            Value::BulkString(b) | Value::SimpleString(b) => StreamId::parse_bytes(b),
            _ => None,
        };
        parsed.ok_or_else(|| match &value {
            Value::BulkString(_) | Value::SimpleString(_) => Error::Conversion {
                expected: std::any::type_name::<StreamId>(),
                received: format!("{} (not ms-seq)", value.summary()),
            },
            other => unexpected::<StreamId>(other),
        })
    }
}

impl ToRedisArgs for StreamId {
    /// One argument, `ms-seq`.
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        let mut ms = itoa::Buffer::new();
        let mut seq = itoa::Buffer::new();
        let (ms, seq) = (ms.format(self.ms), seq.format(self.seq));
        let mut buf = [0u8; 41];
        buf[..ms.len()].copy_from_slice(ms.as_bytes());
        buf[ms.len()] = b'-';
        buf[ms.len() + 1..=ms.len() + seq.len()].copy_from_slice(seq.as_bytes());
        out.write_arg(&buf[..=ms.len() + seq.len()]);
    }
}

impl SingleArg for StreamId {}

/// One stream entry: its id and its fields.
///
/// `F` is what the fields decode into (they arrive as a flat
/// `field value field value` array on both protocols): the default
/// [`StreamFields`] keeps every pair in order; `HashMap<String, String>`,
/// `Vec<(String, i64)>` or a struct deriving `FromRedisValue` work too.
/// An entry deleted while still pending is read back by `XREADGROUP` with
/// nil fields: choose `Option<MyStruct>` there (maps and vectors read nil
/// as empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct StreamEntry<F = StreamFields> {
    /// The entry's id.
    pub id: StreamId,
    /// The entry's fields.
    pub fields: F,
}

impl<F: FromRedisValue> FromRedisValue for StreamEntry<F> {
    /// A two-element array `[id, fields]`.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 2, 2)?;
        Ok(StreamEntry {
            id: items.required("id")?,
            fields: items.required("fields")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::commands::stream::fields::arg_bytes;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn ids_parse_print_order_and_write_one_argument() {
        let id: StreamId = "1526919030474-55".parse().unwrap();
        assert_eq!(id, StreamId::new(1526919030474, 55));
        assert_eq!(id.to_string(), "1526919030474-55");
        assert!(StreamId::new(1, 9) < StreamId::new(2, 0));
        assert!("12".parse::<StreamId>().is_err());
        assert!("+1-2".parse::<StreamId>().is_err());
        assert!("a-b".parse::<StreamId>().is_err());
        assert_eq!(&arg_bytes(&id)[..], b"1526919030474-55");
        assert_eq!(
            &arg_bytes(&StreamId::MAX)[..],
            b"18446744073709551615-18446744073709551615"
        );
        let err = StreamId::from_redis_value(bulk("nope")).unwrap_err();
        assert!(err.to_string().contains("StreamId"), "{err}");
    }

    #[test]
    fn entries_decode_fields_into_the_chosen_type() {
        let reply = || {
            Value::Array(vec![
                bulk("5-1"),
                Value::Array(vec![bulk("a"), bulk("1"), bulk("b"), bulk("2")]),
            ])
        };
        let e = StreamEntry::<StreamFields>::from_redis_value(reply()).unwrap();
        assert_eq!(e.id, StreamId::new(5, 1));
        assert_eq!(e.fields[1], (Bytes::from("b"), Bytes::from("2")));
        let e = StreamEntry::<HashMap<String, i64>>::from_redis_value(reply()).unwrap();
        assert_eq!(e.fields["a"], 1);
        // A deleted pending entry: nil fields.
        let deleted = Value::Array(vec![bulk("5-2"), Value::Nil]);
        let e = StreamEntry::<Option<HashMap<String, i64>>>::from_redis_value(deleted).unwrap();
        assert_eq!(e.fields, None);
        // A wrong shape names the struct and the element.
        let err = StreamEntry::<StreamFields>::from_redis_value(Value::Array(vec![
            bulk("x"),
            Value::Nil,
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("StreamEntry") && err.contains("`id`"), "{err}");
    }
}
