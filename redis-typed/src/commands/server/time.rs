//! `TIME`: the server's clock.
//!
//! ```
//! use std::time::{Duration, UNIX_EPOCH};
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::ServerTime;
//!
//! let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
//! let time = ServerTime::from_redis_value(Value::Array(vec![s("1700000000"), s("250000")]))?;
//! assert_eq!(time.as_system_time(), UNIX_EPOCH + Duration::from_millis(1_700_000_000_250));
//! # Ok::<(), redis_typed::Error>(())
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::commands::fields::{conversion, Items};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `TIME`: the server's current time.
///
/// Reply: [`ServerTime`]. Scripts and transactions that need a clock should
/// use this one rather than the client's.
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct Time;

impl Time {
    /// `TIME`.
    pub fn new() -> Self {
        Time
    }
}

impl Command for Time {
    type Response = ServerTime;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"TIME");
    }
}

/// The reply of `TIME`: `[unix-seconds, microseconds]`, both as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[non_exhaustive]
pub struct ServerTime {
    /// Whole seconds since the Unix epoch.
    pub seconds: u64,
    /// Microseconds into the current second (below 1 000 000).
    pub micros: u32,
}

impl ServerTime {
    /// The time since the Unix epoch.
    pub fn since_epoch(&self) -> Duration {
        Duration::from_secs(self.seconds)
            .saturating_add(Duration::from_micros(u64::from(self.micros)))
    }

    /// The time as a `SystemTime` (a decoded reply always fits; a time
    /// beyond what `SystemTime` holds reads as the Unix epoch).
    pub fn as_system_time(&self) -> SystemTime {
        UNIX_EPOCH
            .checked_add(self.since_epoch())
            .unwrap_or(UNIX_EPOCH)
    }
}

impl From<ServerTime> for SystemTime {
    fn from(time: ServerTime) -> SystemTime {
        time.as_system_time()
    }
}

impl FromRedisValue for ServerTime {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<ServerTime>::at_least(value, 2)?;
        let seconds = items.required("seconds")?;
        let micros: u32 = items.required("micros")?;
        if micros >= 1_000_000 {
            return Err(conversion::<ServerTime>(format!(
                "field \"micros\": {micros} (expected below 1000000)"
            )));
        }
        let time = ServerTime { seconds, micros };
        if UNIX_EPOCH.checked_add(time.since_epoch()).is_none() {
            return Err(conversion::<ServerTime>(format!(
                "field \"seconds\": {seconds} (beyond what SystemTime holds)"
            )));
        }
        Ok(time)
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
        crate::commands::encode(&Time::new(), &mut out);
        assert_eq!(&out[..], b"*1\r\n$4\r\nTIME\r\n");
        assert!(!Time::new().read_only());
    }

    #[test]
    fn decodes_and_rejects() {
        let t = ServerTime::from_redis_value(Value::Array(vec![bulk("12"), bulk("5")])).unwrap();
        assert_eq!(t.since_epoch(), Duration::from_micros(12_000_005));
        assert_eq!(
            SystemTime::from(t),
            UNIX_EPOCH + Duration::from_micros(12_000_005)
        );
        for bad in [
            Value::Array(vec![bulk("12")]),
            Value::Array(vec![bulk("-1"), bulk("0")]),
            Value::Array(vec![bulk("1"), bulk("1000000")]),
            Value::Array(vec![bulk(&u64::MAX.to_string()), bulk("999999")]),
            Value::Nil,
        ] {
            let err = ServerTime::from_redis_value(bad).unwrap_err().to_string();
            assert!(err.contains("ServerTime"), "{err}");
        }
    }
}
