//! The latency monitor: `LATENCY LATEST`, `LATENCY HISTORY` and
//! `LATENCY HISTOGRAM`.
//!
//! Events are recorded only once `latency-monitor-threshold` (milliseconds)
//! is set above 0; the per-command histograms are always kept (7.0+).
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, LatencyHistogram, LatencyHistory};
//!
//! let mut out = BytesMut::new();
//! encode(&LatencyHistory::new("command"), &mut out);
//! assert_eq!(&out[..], b"*3\r\n$7\r\nLATENCY\r\n$7\r\nHISTORY\r\n$7\r\ncommand\r\n");
//!
//! let mut out = BytesMut::new();
//! encode(&LatencyHistogram::new().command("set"), &mut out);
//! assert_eq!(&out[..], b"*3\r\n$7\r\nLATENCY\r\n$9\r\nHISTOGRAM\r\n$3\r\nset\r\n");
//! ```

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use crate::commands::fields::{Fields, Items};
use crate::commands::server::fields::{duration, Unit};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, SingleArg};

// ------------------------------------------------------- LATENCY LATEST

/// `LATENCY LATEST`: the latest and the worst latency of every event the
/// monitor recorded.
///
/// Reply: `Vec<`[`LatencyEvent`]`>` (empty while nothing was recorded).
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct LatencyLatest;

impl LatencyLatest {
    /// `LATENCY LATEST`.
    pub fn new() -> Self {
        LatencyLatest
    }
}

impl Command for LatencyLatest {
    type Response = Vec<LatencyEvent>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"LATENCY");
        out.write_arg(b"LATEST");
    }
}

/// One event of `LATENCY LATEST`: `[event, timestamp, latest, max]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LatencyEvent {
    /// The event's name: `"command"`, `"fast-command"`, `"fork"`,
    /// `"expire-cycle"`...
    pub event: String,
    /// When the latest spike happened, in Unix seconds.
    pub timestamp: i64,
    /// The latest spike (millisecond resolution).
    pub latest: Duration,
    /// The worst spike ever recorded (millisecond resolution).
    pub max: Duration,
}

impl FromRedisValue for LatencyEvent {
    fn from_redis_value(value: Value) -> Result<Self> {
        type E = LatencyEvent;
        let mut items = Items::<E>::at_least(value, 4)?;
        let event = items.required("event")?;
        let timestamp = items.required("timestamp")?;
        let latest: i64 = items.required("latest")?;
        let max: i64 = items.required("max")?;
        Ok(LatencyEvent {
            event,
            timestamp,
            latest: duration::<E>("latest", latest, Unit::Millis)?,
            max: duration::<E>("max", max, Unit::Millis)?,
        })
    }
}

// ------------------------------------------------------ LATENCY HISTORY

/// `LATENCY HISTORY event`: the recorded spikes of one event (up to 160).
///
/// Reply: `Vec<(i64, i64)>`: `(Unix seconds, latency in milliseconds)`,
/// oldest first.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct LatencyHistory<E> {
    event: E,
}

impl<E: SingleArg> LatencyHistory<E> {
    /// `LATENCY HISTORY event`.
    pub fn new(event: E) -> Self {
        LatencyHistory { event }
    }
}

impl<E: SingleArg> Command for LatencyHistory<E> {
    type Response = Vec<(i64, i64)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"LATENCY");
        out.write_arg(b"HISTORY");
        self.event.write_redis_args(out);
    }
}

// ---------------------------------------------------- LATENCY HISTOGRAM

/// `LATENCY HISTOGRAM [command ...]`: the latency distribution of each
/// command run since the last `CONFIG RESETSTAT`, or of the named ones
/// (Redis 7.0+).
///
/// Reply: `HashMap<String, `[`CommandHistogram`]`>` keyed by command name
/// (`"client|list"` for subcommands); commands never run are left out.
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct LatencyHistogram {
    commands: Vec<String>,
}

impl LatencyHistogram {
    /// `LATENCY HISTOGRAM`: every command run.
    pub fn new() -> Self {
        LatencyHistogram {
            commands: Vec::new(),
        }
    }

    /// Adds one command name (`"set"`, `"client|list"`).
    pub fn command(mut self, name: impl Into<String>) -> Self {
        self.commands.push(name.into());
        self
    }

    /// Adds several command names.
    pub fn commands<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        self.commands.extend(names.into_iter().map(Into::into));
        self
    }
}

impl Command for LatencyHistogram {
    type Response = HashMap<String, CommandHistogram>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"LATENCY");
        out.write_arg(b"HISTOGRAM");
        for name in &self.commands {
            out.write_arg(name.as_bytes());
        }
    }
}

/// One command's latency histogram.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CommandHistogram {
    /// How many times the command ran.
    pub calls: u64,
    /// Bucket upper bound in microseconds (powers of two) -> the number of
    /// calls that took up to that long (cumulative, as the server sends
    /// it). Empty buckets are left out.
    pub histogram_usec: BTreeMap<u64, u64>,
}

impl FromRedisValue for CommandHistogram {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<CommandHistogram>::new(value)?;
        Ok(CommandHistogram {
            calls: f.required("calls")?,
            histogram_usec: f.required("histogram_usec")?,
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
    fn wire_format_and_flags() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&LatencyLatest::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$7\r\nLATENCY\r\n$6\r\nLATEST\r\n");
        assert!(!LatencyLatest::new().read_only());
        assert!(!LatencyHistory::new("command").read_only());
        assert!(!LatencyHistogram::new().read_only());
    }

    #[test]
    fn decodes_latest() {
        let reply = Value::Array(vec![Value::Array(vec![
            bulk("command"),
            Value::Integer(1_700_000_000),
            Value::Integer(51),
            Value::Integer(120),
        ])]);
        let events = Vec::<LatencyEvent>::from_redis_value(reply).unwrap();
        assert_eq!(events[0].event, "command");
        assert_eq!(events[0].latest, Duration::from_millis(51));
        assert_eq!(events[0].max, Duration::from_millis(120));
        let short = Value::Array(vec![Value::Array(vec![bulk("command")])]);
        let err = Vec::<LatencyEvent>::from_redis_value(short)
            .unwrap_err()
            .to_string();
        assert!(err.contains("LatencyEvent"), "{err}");
    }

    #[test]
    fn decodes_history_pairs() {
        let reply = Value::Array(vec![
            Value::Array(vec![Value::Integer(1_700_000_000), Value::Integer(51)]),
            Value::Array(vec![Value::Integer(1_700_000_005), Value::Integer(7)]),
        ]);
        let history = <Vec<(i64, i64)>>::from_redis_value(reply).unwrap();
        assert_eq!(history, [(1_700_000_000, 51), (1_700_000_005, 7)]);
    }

    #[test]
    fn decodes_histograms_from_resp3_and_resp2() {
        let resp3 = Value::Map(vec![(
            bulk("set"),
            Value::Map(vec![
                (bulk("calls"), Value::Integer(3)),
                (
                    bulk("histogram_usec"),
                    Value::Map(vec![
                        (Value::Integer(8), Value::Integer(1)),
                        (Value::Integer(33), Value::Integer(3)),
                    ]),
                ),
            ]),
        )]);
        let resp2 = Value::Array(vec![
            bulk("set"),
            Value::Array(vec![
                bulk("calls"),
                Value::Integer(3),
                bulk("histogram_usec"),
                Value::Array(vec![
                    Value::Integer(8),
                    Value::Integer(1),
                    Value::Integer(33),
                    Value::Integer(3),
                ]),
            ]),
        ]);
        let h3 = HashMap::<String, CommandHistogram>::from_redis_value(resp3).unwrap();
        let h2 = HashMap::<String, CommandHistogram>::from_redis_value(resp2).unwrap();
        assert_eq!(h3, h2);
        assert_eq!(h3["set"].calls, 3);
        assert_eq!(h3["set"].histogram_usec[&33], 3);
    }
}
