//! `FUNCTION STATS`: the function currently running, if any, and the
//! libraries and functions of each engine.
//!
//! ```
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::FunctionStatsReply;
//!
//! let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
//! // RESP2: flat arrays, nil when nothing runs.
//! let reply = Value::Array(vec![
//!     s("running_script"), Value::Nil,
//!     s("engines"), Value::Array(vec![
//!         s("LUA"), Value::Array(vec![
//!             s("libraries_count"), Value::Integer(1), s("functions_count"), Value::Integer(2),
//!         ]),
//!     ]),
//! ]);
//! let stats = FunctionStatsReply::from_redis_value(reply)?;
//! assert!(stats.running_script.is_none());
//! assert_eq!(stats.engines["LUA"].functions_count, 2);
//! # Ok::<(), redis_typed::Error>(())
//! ```

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;

use crate::commands::fields::Fields;
use crate::commands::server::fields::{duration, Unit};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `FUNCTION STATS`: what is running now and what is loaded (Redis 7.0+).
///
/// Allowed while a function keeps the server busy, which is when it is
/// most useful (before a `FUNCTION KILL`).
///
/// Reply: [`FunctionStatsReply`].
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct FunctionStats;

impl FunctionStats {
    /// `FUNCTION STATS`.
    pub fn new() -> Self {
        FunctionStats
    }
}

impl Command for FunctionStats {
    type Response = FunctionStatsReply;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"FUNCTION");
        out.write_arg(b"STATS");
    }
}

/// The reply of `FUNCTION STATS`, from a RESP3 map or a RESP2 flat array.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FunctionStatsReply {
    /// The function running now, `None` when idle.
    pub running_script: Option<RunningFunction>,
    /// Per engine (`"LUA"`): how many libraries and functions are loaded.
    pub engines: HashMap<String, EngineStats>,
}

/// The function a `FUNCTION STATS` caught running.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RunningFunction {
    /// The function's name.
    pub name: String,
    /// The `FCALL` command line that started it.
    pub command: Vec<Bytes>,
    /// How long it has been running (millisecond resolution).
    pub duration: Duration,
}

/// One engine's counts in `FUNCTION STATS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EngineStats {
    /// Libraries loaded.
    pub libraries_count: u64,
    /// Functions loaded.
    pub functions_count: u64,
}

impl FromRedisValue for FunctionStatsReply {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<FunctionStatsReply>::new(value)?;
        Ok(FunctionStatsReply {
            running_script: f.optional("running_script")?,
            engines: f.required("engines")?,
        })
    }
}

impl FromRedisValue for RunningFunction {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<RunningFunction>::new(value)?;
        let name = f.required("name")?;
        let command = f.required("command")?;
        let ms: i64 = f.required("duration_ms")?;
        Ok(RunningFunction {
            name,
            command,
            duration: duration::<RunningFunction>("duration_ms", ms, Unit::Millis)?,
        })
    }
}

impl FromRedisValue for EngineStats {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<EngineStats>::new(value)?;
        Ok(EngineStats {
            libraries_count: f.required("libraries_count")?,
            functions_count: f.required("functions_count")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&FunctionStats::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$8\r\nFUNCTION\r\n$5\r\nSTATS\r\n");
        assert!(!FunctionStats::new().read_only());
    }

    #[test]
    fn decodes_a_running_function() {
        let reply = Value::Map(vec![
            (
                bulk("running_script"),
                Value::Map(vec![
                    (bulk("name"), bulk("spin")),
                    (
                        bulk("command"),
                        Value::Array(vec![bulk("FCALL"), bulk("spin"), bulk("0")]),
                    ),
                    (bulk("duration_ms"), Value::Integer(250)),
                ]),
            ),
            (
                bulk("engines"),
                Value::Map(vec![(
                    bulk("LUA"),
                    Value::Map(vec![
                        (bulk("libraries_count"), Value::Integer(1)),
                        (bulk("functions_count"), Value::Integer(1)),
                    ]),
                )]),
            ),
        ]);
        let stats = FunctionStatsReply::from_redis_value(reply).unwrap();
        let running = stats.running_script.unwrap();
        assert_eq!(running.name, "spin");
        assert_eq!(running.command, ["FCALL", "spin", "0"]);
        assert_eq!(running.duration, Duration::from_millis(250));
        assert_eq!(stats.engines["LUA"].libraries_count, 1);
    }

    #[test]
    fn a_missing_field_is_named() {
        let reply = Value::Map(vec![(bulk("running_script"), Value::Nil)]);
        let err = FunctionStatsReply::from_redis_value(reply)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("FunctionStatsReply") && err.contains("`engines`"),
            "{err}"
        );
    }
}
