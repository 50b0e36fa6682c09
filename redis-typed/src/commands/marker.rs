//! Typestate markers: options that change a command's reply type.
//!
//! When an option changes what the server answers (`SET ... GET`,
//! `ZRANGE ... WITHSCORES`, `ZADD ... INCR`), the command carries a marker
//! type parameter, defaulted to the "option absent" marker. The builder
//! method that sets the option exists only on the markers where it is still
//! allowed and returns the command with the new marker, so the reply type
//! follows the options at compile time and a conflicting second call does
//! not compile. Each group of markers implements a sealed `*Reply` trait
//! that names the reply type.
//!
//! ```
//! use redis_typed::commands::{Command, Set};
//!
//! fn reply_of<C: Command>(_: &C) -> &'static str {
//!     std::any::type_name::<C::Response>()
//! }
//! assert_eq!(reply_of(&Set::new("k", "v")), "()");
//! assert_eq!(reply_of(&Set::new("k", "v").nx()), "bool");
//! assert_eq!(
//!     reply_of(&Set::new("k", "v").get::<String>()),
//!     "core::option::Option<alloc::string::String>"
//! );
//! ```
//!
//! ```compile_fail
//! use redis_typed::commands::Set;
//! // NX and XX are exclusive: `.xx()` does not exist after `.nx()`.
//! let _ = Set::new("k", "v").nx().xx();
//! ```

use std::fmt;
use std::marker::PhantomData;

use crate::resp::ArgWriter;
use crate::types::FromRedisValue;

use super::options::{LexBound, ScoreBound};

pub(crate) mod sealed {
    /// Keeps the `*Reply` traits closed: only this module implements them.
    pub trait Sealed {}
}

/// A zero-sized "decodes to `T`" tag that is `Debug`, `Clone`, `Copy`,
/// `Send` and `Sync` whatever `T` is.
struct Returns<T>(PhantomData<fn() -> T>);

impl<T> Clone for Returns<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Returns<T> {}
impl<T> Default for Returns<T> {
    fn default() -> Self {
        Returns(PhantomData)
    }
}

// ------------------------------------------------------------------ SET

/// The reply of `SET`, chosen by its markers.
pub trait SetReply: sealed::Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
    /// Whether the `GET` token is sent.
    #[doc(hidden)]
    const GET: bool;
}

/// `SET` without `NX`/`XX`/`GET`: replies `OK`, decoded as `()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Plain;

/// `SET ... NX|XX`: `OK` if the key was set (`true`), nil if not (`false`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Conditional;

/// `SET ... GET`: the old value (`None` when the key did not exist).
pub struct WithGet<T>(Returns<T>);

/// `SET ... NX|XX GET`: the old value; whether the key was set is not
/// reported (compare the old value with what `NX`/`XX` expect).
pub struct ConditionalWithGet<T>(Returns<T>);

macro_rules! generic_marker_impls {
    ($($name:ident),*) => {$(
        impl<T> fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}<{}>", stringify!($name), std::any::type_name::<T>())
            }
        }
        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<T> Copy for $name<T> {}
        impl<T> Default for $name<T> {
            fn default() -> Self {
                $name(Returns::default())
            }
        }
    )*};
}
generic_marker_impls!(WithGet, ConditionalWithGet);

impl sealed::Sealed for Plain {}
impl sealed::Sealed for Conditional {}
impl<T> sealed::Sealed for WithGet<T> {}
impl<T> sealed::Sealed for ConditionalWithGet<T> {}

impl SetReply for Plain {
    type Response = ();
    const GET: bool = false;
}
impl SetReply for Conditional {
    type Response = bool;
    const GET: bool = false;
}
impl<T: FromRedisValue> SetReply for WithGet<T> {
    type Response = Option<T>;
    const GET: bool = true;
}
impl<T: FromRedisValue> SetReply for ConditionalWithGet<T> {
    type Response = Option<T>;
    const GET: bool = true;
}

// ----------------------------------------------------------------- ZADD

/// The reply of `ZADD`, chosen by its marker.
pub trait ZAddReply: sealed::Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
    /// Whether the `INCR` token is sent.
    #[doc(hidden)]
    const INCR: bool;
}

/// `ZADD` adding members: the number of members added (or, with `CH`,
/// added or updated).
#[derive(Debug, Clone, Copy, Default)]
pub struct Count;

/// `ZADD ... INCR`: the member's new score, `None` when `NX`/`XX`/`GT`/`LT`
/// stopped the update.
#[derive(Debug, Clone, Copy, Default)]
pub struct Increment;

impl sealed::Sealed for Count {}
impl sealed::Sealed for Increment {}

impl ZAddReply for Count {
    type Response = i64;
    const INCR: bool = false;
}
impl ZAddReply for Increment {
    type Response = Option<f64>;
    const INCR: bool = true;
}

// ----------------------------------------------------------- WITHSCORES

/// The reply of a sorted-set read of members of type `V`, with or without
/// `WITHSCORES`.
pub trait ScoresReply<V>: sealed::Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
    /// Whether the `WITHSCORES` token is sent.
    #[doc(hidden)]
    const WITH_SCORES: bool;
}

/// Members only: `Vec<V>`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoScores;

/// `WITHSCORES`: `Vec<(V, f64)>`, decoded from RESP3 `[member, score]`
/// pairs or a RESP2 flat `member score member score` array alike.
#[derive(Debug, Clone, Copy, Default)]
pub struct WithScores;

impl sealed::Sealed for NoScores {}
impl sealed::Sealed for WithScores {}

impl<V: FromRedisValue> ScoresReply<V> for NoScores {
    type Response = Vec<V>;
    const WITH_SCORES: bool = false;
}
impl<V: FromRedisValue> ScoresReply<V> for WithScores {
    type Response = Vec<(V, f64)>;
    const WITH_SCORES: bool = true;
}

// ------------------------------------------------------ ZRANGE by what

/// How a `ZRANGE` selects members: by rank, by score or lexicographically.
/// The range is stored in the marker, so `LIMIT` (meaningful only by score
/// or by lex) exists only on those.
pub trait RangeBy: sealed::Sealed {
    /// Writes `start stop [BYSCORE|BYLEX]`.
    #[doc(hidden)]
    fn write_range<W: ArgWriter + ?Sized>(&self, out: &mut W);
    /// The `LIMIT offset count`, if any.
    #[doc(hidden)]
    fn limit(&self) -> Option<(i64, i64)> {
        None
    }
}

/// By rank: `start` and `stop` are 0-based indexes, negative from the end.
#[derive(Debug, Clone, Copy)]
pub struct ByIndex {
    pub(crate) start: i64,
    pub(crate) stop: i64,
}

/// `BYSCORE`: members with scores between two bounds.
#[derive(Debug, Clone, Copy)]
pub struct ByScore {
    pub(crate) start: ScoreBound,
    pub(crate) stop: ScoreBound,
    pub(crate) limit: Option<(i64, i64)>,
}

/// `BYLEX`: members between two lexicographic bounds (all scores equal).
#[derive(Debug, Clone)]
pub struct ByLex {
    pub(crate) start: LexBound,
    pub(crate) stop: LexBound,
    pub(crate) limit: Option<(i64, i64)>,
}

impl sealed::Sealed for ByIndex {}
impl sealed::Sealed for ByScore {}
impl sealed::Sealed for ByLex {}

impl RangeBy for ByIndex {
    fn write_range<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_i64(self.start);
        out.write_i64(self.stop);
    }
}

impl RangeBy for ByScore {
    fn write_range<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        self.start.write(out);
        self.stop.write(out);
        out.write_arg(b"BYSCORE");
    }
    fn limit(&self) -> Option<(i64, i64)> {
        self.limit
    }
}

impl RangeBy for ByLex {
    fn write_range<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(self.start.as_bytes());
        out.write_arg(self.stop.as_bytes());
        out.write_arg(b"BYLEX");
    }
    fn limit(&self) -> Option<(i64, i64)> {
        self.limit
    }
}
