//! Option values shared by several commands: expirations, score and
//! lexicographic range bounds, and the `NX`/`XX`/`GT`/`LT` condition tokens.
//!
//! ```
//! use std::time::Duration;
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, Expiry, LexBound, ScoreBound, Set, ZRange};
//!
//! let mut out = BytesMut::new();
//! encode(&Set::new("k", "v").expiry(Expiry::after(Duration::from_secs(2))), &mut out);
//! assert!(out.ends_with(b"$2\r\nPX\r\n$4\r\n2000\r\n"));
//!
//! // Scores above 1.5 (exclusive), up to +inf.
//! let mut out = BytesMut::new();
//! encode(&ZRange::<_, String>::by_score("z", ScoreBound::Exclusive(1.5), ScoreBound::MAX), &mut out);
//! assert!(out.ends_with(b"$4\r\n(1.5\r\n$3\r\ninf\r\n$7\r\nBYSCORE\r\n"));
//!
//! // Members from "a" (inclusive) to the end.
//! assert_eq!(LexBound::inclusive("a").as_bytes(), b"[a");
//! assert_eq!(LexBound::MAX.as_bytes(), b"+");
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::resp::ArgWriter;

/// When a key set by `SET` expires: one choice among `EX`, `PX`, `EXAT`,
/// `PXAT` and `KEEPTTL`, so two can never be sent together.
///
/// Redis rejects a zero or out-of-range time with an error reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Expiry {
    /// `EX seconds`: expire after this many seconds.
    Ex(u64),
    /// `PX milliseconds`: expire after this many milliseconds.
    Px(u64),
    /// `EXAT unix-time-seconds`: expire at this Unix time, in seconds.
    ExAt(u64),
    /// `PXAT unix-time-milliseconds`: expire at this Unix time, in
    /// milliseconds.
    PxAt(u64),
    /// `KEEPTTL`: keep the key's current time to live (Redis 6.0+).
    KeepTtl,
}

impl Expiry {
    /// `PX`: expire after `duration`, to the millisecond (rounded down;
    /// saturates at `u64::MAX` ms).
    pub fn after(duration: Duration) -> Self {
        Expiry::Px(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
    }

    /// `PXAT`: expire at `time`, to the millisecond (a time before the Unix
    /// epoch is sent as 0, which Redis rejects).
    pub fn at(time: SystemTime) -> Self {
        let ms = time
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        Expiry::PxAt(ms)
    }

    pub(crate) fn write<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        let (token, value): (&[u8], Option<u64>) = match *self {
            Expiry::Ex(s) => (b"EX", Some(s)),
            Expiry::Px(ms) => (b"PX", Some(ms)),
            Expiry::ExAt(s) => (b"EXAT", Some(s)),
            Expiry::PxAt(ms) => (b"PXAT", Some(ms)),
            Expiry::KeepTtl => (b"KEEPTTL", None),
        };
        out.write_arg(token);
        if let Some(value) = value {
            out.write_u64(value);
        }
    }
}

/// One end of a score range (`ZRANGE ... BYSCORE`, `ZCOUNT`, ...).
///
/// A plain `f64` converts to an inclusive bound; infinities are sent as
/// `-inf` / `inf`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScoreBound {
    /// The score itself is in range (`1.5`).
    Inclusive(f64),
    /// The score itself is out of range (`(1.5`).
    Exclusive(f64),
}

impl ScoreBound {
    /// `-inf`: no lower limit.
    pub const MIN: ScoreBound = ScoreBound::Inclusive(f64::NEG_INFINITY);
    /// `inf`: no upper limit.
    pub const MAX: ScoreBound = ScoreBound::Inclusive(f64::INFINITY);

    pub(crate) fn write<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        match *self {
            ScoreBound::Inclusive(score) => out.write_f64(score),
            ScoreBound::Exclusive(score) => {
                // "(" followed by the score, formatted on the stack.
                let mut ryu = ryu::Buffer::new();
                let text: &[u8] = if score.is_nan() {
                    b"nan"
                } else if score.is_infinite() {
                    if score > 0.0 {
                        b"inf"
                    } else {
                        b"-inf"
                    }
                } else {
                    ryu.format_finite(score).as_bytes()
                };
                let mut buf = [0u8; 48];
                buf[0] = b'(';
                buf[1..=text.len()].copy_from_slice(text);
                out.write_arg(&buf[..=text.len()]);
            }
        }
    }
}

impl From<f64> for ScoreBound {
    /// An inclusive bound.
    fn from(score: f64) -> Self {
        ScoreBound::Inclusive(score)
    }
}

/// One end of a lexicographic range (`ZRANGE ... BYLEX`, `ZLEXCOUNT`, ...):
/// `[member` (inclusive), `(member` (exclusive), `-` or `+`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LexBound(Bytes);

impl LexBound {
    /// `-`: before every member.
    pub const MIN: LexBound = LexBound(Bytes::from_static(b"-"));
    /// `+`: after every member.
    pub const MAX: LexBound = LexBound(Bytes::from_static(b"+"));

    /// `[member`: `member` itself is in range.
    pub fn inclusive(member: impl AsRef<[u8]>) -> Self {
        Self::prefixed(b'[', member.as_ref())
    }

    /// `(member`: `member` itself is out of range.
    pub fn exclusive(member: impl AsRef<[u8]>) -> Self {
        Self::prefixed(b'(', member.as_ref())
    }

    fn prefixed(prefix: u8, member: &[u8]) -> Self {
        let mut bytes = Vec::with_capacity(1 + member.len());
        bytes.push(prefix);
        bytes.extend_from_slice(member);
        LexBound(Bytes::from(bytes))
    }

    /// The bound as sent (`[a`, `(a`, `-`, `+`).
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// `NX` / `XX`: act only if the key (or member) does not / does exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Condition {
    Nx,
    Xx,
}

impl Condition {
    pub(crate) fn token(self) -> &'static [u8] {
        match self {
            Condition::Nx => b"NX",
            Condition::Xx => b"XX",
        }
    }
}

/// `GT` / `LT`: act only if the new value is greater / less than the
/// current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Comparison {
    Gt,
    Lt,
}

impl Comparison {
    pub(crate) fn token(self) -> &'static [u8] {
        match self {
            Comparison::Gt => b"GT",
            Comparison::Lt => b"LT",
        }
    }
}
