//! Typestate markers of the data commands whose options change the reply.
//!
//! The same pattern as [`marker`](super::marker): a command carries a
//! marker type parameter, defaulted to "option absent"; the builder method
//! that sets the option exists only where it is still allowed and returns
//! the command with another marker; a sealed `*Reply` trait on the markers
//! names the reply type.
//!
//! | option                               | markers                                           | reply                              |
//! |--------------------------------------|---------------------------------------------------|------------------------------------|
//! | `COUNT` (`SPOP`, `LPOP`, `LPOS`, ...) | [`NoCount`] → [`WithCount`]                      | `Option<V>` → `Vec<V>`             |
//! | `ZRANDMEMBER ... WITHSCORES`         | [`WithCount`] → [`CountWithScores`]               | `Vec<V>` → `Vec<(V, f64)>`         |
//! | `HRANDFIELD ... WITHVALUES`          | [`WithCount`] → [`CountWithValues<T>`]            | `Vec<F>` → `Vec<(F, T)>`           |
//! | `ZPOPMIN`/`ZPOPMAX` `COUNT`          | [`NoCount`] → [`WithCount`]                       | [`ZPopped<V>`] → `Vec<(V, f64)>`   |
//! | `WITHCOORD`/`WITHDIST`/`WITHHASH`    | [`GeoNames`] → [`GeoWithInfo`]                    | `Vec<V>` → `Vec<GeoMatch<V>>`      |
//! | `GEORADIUS ... STORE`                | [`GeoNames`] → [`GeoStored`]                      | `Vec<V>` → `i64`                   |
//! | `LCS ... LEN` / `IDX`                | [`LcsString`] → [`LcsLen`] / [`LcsIdx`]           | `V` → `i64` / [`LcsMatches`]       |
//! | `XPENDING` range                     | [`Summary`] / [`Extended`] (constructors)         | [`PendingSummary`] / `Vec<PendingEntry>` |
//! | `XCLAIM`/`XAUTOCLAIM` `JUSTID`       | [`Entries`] → [`JustId`]                          | entries → ids                      |
//! | `XINFO STREAM ... FULL`              | [`Summary`] → [`Full`]                            | [`StreamInfo`] → [`StreamInfoFull`] |
//!
//! [`ZPopped<V>`]: super::ZPopped
//! [`LcsMatches`]: super::LcsMatches
//! [`PendingSummary`]: super::PendingSummary
//! [`StreamInfo`]: super::StreamInfo
//! [`StreamInfoFull`]: super::StreamInfoFull
//!
//! ```
//! use redis_typed::commands::{Command, LPop, LPos};
//!
//! fn reply_of<C: Command>(_: &C) -> &'static str {
//!     std::any::type_name::<C::Response>()
//! }
//! assert_eq!(reply_of(&LPop::<_, String>::new("l")), "core::option::Option<alloc::string::String>");
//! assert_eq!(reply_of(&LPop::<_, String>::new("l").count(2)), "alloc::vec::Vec<alloc::string::String>");
//! assert_eq!(reply_of(&LPos::new("l", "x").count(0)), "alloc::vec::Vec<i64>");
//! ```
//!
//! ```compile_fail
//! use redis_typed::commands::SPop;
//! // COUNT once: `.count()` does not exist after `.count()`.
//! let _ = SPop::<_, String>::new("s").count(1).count(2);
//! ```

use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;

use super::marker::sealed::Sealed;
use super::{
    AutoClaimed, GeoMatch, LcsMatches, PendingEntry, PendingSummary, StreamEntry, StreamId,
    StreamInfo, StreamInfoFull, ZPopped,
};
use crate::types::FromRedisValue;

// ---------------------------------------------------------------- COUNT

/// The reply of a command whose `COUNT` (and `WITHSCORES`/`WITHVALUES`)
/// turns one optional element into a list.
pub trait CountReply<V>: Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
    /// The `WITHSCORES` / `WITHVALUES` token, if sent.
    #[doc(hidden)]
    const WITH: Option<&'static [u8]>;
}

/// No `COUNT`: one element, `None` when there is none.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCount;

/// `COUNT`: a list (empty when there is nothing).
#[derive(Debug, Clone, Copy, Default)]
pub struct WithCount;

/// `COUNT ... WITHSCORES`: `(member, score)` pairs.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountWithScores;

/// `COUNT ... WITHVALUES`: `(field, value)` pairs, values decoded as `T`.
pub struct CountWithValues<T>(PhantomData<fn() -> T>);

impl<T> fmt::Debug for CountWithValues<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountWithValues<{}>", std::any::type_name::<T>())
    }
}
impl<T> Clone for CountWithValues<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for CountWithValues<T> {}
impl<T> Default for CountWithValues<T> {
    fn default() -> Self {
        CountWithValues(PhantomData)
    }
}

impl Sealed for NoCount {}
impl Sealed for WithCount {}
impl Sealed for CountWithScores {}
impl<T> Sealed for CountWithValues<T> {}

impl<V: FromRedisValue> CountReply<V> for NoCount {
    type Response = Option<V>;
    const WITH: Option<&'static [u8]> = None;
}
impl<V: FromRedisValue> CountReply<V> for WithCount {
    type Response = Vec<V>;
    const WITH: Option<&'static [u8]> = None;
}
impl<V: FromRedisValue> CountReply<V> for CountWithScores {
    type Response = Vec<(V, f64)>;
    const WITH: Option<&'static [u8]> = Some(b"WITHSCORES");
}
impl<F: FromRedisValue, T: FromRedisValue> CountReply<F> for CountWithValues<T> {
    type Response = Vec<(F, T)>;
    const WITH: Option<&'static [u8]> = Some(b"WITHVALUES");
}

/// The reply of `ZPOPMIN` / `ZPOPMAX`: one scored member without `COUNT`
/// ([`ZPopped`]), a list of them with it.
pub trait ZPopReply<V>: Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
}
impl<V: FromRedisValue> ZPopReply<V> for NoCount {
    type Response = ZPopped<V>;
}
impl<V: FromRedisValue> ZPopReply<V> for WithCount {
    type Response = Vec<(V, f64)>;
}

// ------------------------------------------------------------------ GEO

/// The reply of `GEOSEARCH` / `GEORADIUS*`, chosen by the `WITH*` and
/// `STORE` options.
pub trait GeoReply<V>: Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
}

/// No `WITH*` option: member names only.
#[derive(Debug, Clone, Copy, Default)]
pub struct GeoNames;

/// At least one of `WITHCOORD`, `WITHDIST`, `WITHHASH`: one [`GeoMatch`]
/// per member, with the requested parts set.
#[derive(Debug, Clone, Copy, Default)]
pub struct GeoWithInfo;

/// `STORE` / `STOREDIST`: the number of members stored.
#[derive(Debug, Clone, Copy, Default)]
pub struct GeoStored;

impl Sealed for GeoNames {}
impl Sealed for GeoWithInfo {}
impl Sealed for GeoStored {}

impl<V: FromRedisValue> GeoReply<V> for GeoNames {
    type Response = Vec<V>;
}
impl<V: FromRedisValue> GeoReply<V> for GeoWithInfo {
    type Response = Vec<GeoMatch<V>>;
}
impl<V> GeoReply<V> for GeoStored {
    type Response = i64;
}

// ------------------------------------------------------------------ LCS

/// The reply of `LCS`, chosen by `LEN` / `IDX`.
pub trait LcsReply<V>: Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
    /// The `LEN` or `IDX` token, if sent.
    #[doc(hidden)]
    const TOKEN: Option<&'static [u8]>;
}

/// Plain `LCS`: the common subsequence itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct LcsString;

/// `LCS ... LEN`: its length.
#[derive(Debug, Clone, Copy, Default)]
pub struct LcsLen;

/// `LCS ... IDX`: the matching ranges ([`LcsMatches`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct LcsIdx;

impl Sealed for LcsString {}
impl Sealed for LcsLen {}
impl Sealed for LcsIdx {}

impl<V: FromRedisValue> LcsReply<V> for LcsString {
    type Response = V;
    const TOKEN: Option<&'static [u8]> = None;
}
impl<V> LcsReply<V> for LcsLen {
    type Response = i64;
    const TOKEN: Option<&'static [u8]> = Some(b"LEN");
}
impl<V> LcsReply<V> for LcsIdx {
    type Response = LcsMatches;
    const TOKEN: Option<&'static [u8]> = Some(b"IDX");
}

// -------------------------------------------------------------- streams

/// The summary form: `XPENDING key group` ([`PendingSummary`]),
/// `XINFO STREAM key` ([`StreamInfo`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary;

/// `XPENDING key group [IDLE min-idle-time] start end count [consumer]`:
/// one [`PendingEntry`] per pending message.
#[derive(Debug, Clone)]
pub struct Extended {
    pub(crate) idle: Option<u64>,
    pub(crate) start: Bytes,
    pub(crate) end: Bytes,
    pub(crate) count: u64,
    pub(crate) consumer: Option<Bytes>,
}

/// `XINFO STREAM key FULL [COUNT count]`: [`StreamInfoFull`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Full {
    pub(crate) count: Option<u64>,
}

/// Claimed messages with their fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct Entries;

/// `JUSTID`: claimed message ids only (the delivery count is not
/// incremented).
#[derive(Debug, Clone, Copy, Default)]
pub struct JustId;

impl Sealed for Summary {}
impl Sealed for Extended {}
impl Sealed for Full {}
impl Sealed for Entries {}
impl Sealed for JustId {}

/// The reply of `XPENDING`: summary or extended form.
pub trait PendingReply: Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
    /// Writes the extended form's arguments.
    #[doc(hidden)]
    fn write_range<W: crate::resp::ArgWriter + ?Sized>(&self, out: &mut W);
}
impl PendingReply for Summary {
    type Response = PendingSummary;
    fn write_range<W: crate::resp::ArgWriter + ?Sized>(&self, _out: &mut W) {}
}
impl PendingReply for Extended {
    type Response = Vec<PendingEntry>;
    fn write_range<W: crate::resp::ArgWriter + ?Sized>(&self, out: &mut W) {
        if let Some(idle) = self.idle {
            out.write_arg(b"IDLE");
            out.write_u64(idle);
        }
        out.write_arg(&self.start);
        out.write_arg(&self.end);
        out.write_u64(self.count);
        if let Some(consumer) = &self.consumer {
            out.write_arg(consumer);
        }
    }
}

/// The reply of `XCLAIM`: entries, or ids with `JUSTID`.
pub trait ClaimReply<F>: Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
    /// Whether `JUSTID` is sent.
    #[doc(hidden)]
    const JUST_ID: bool;
}
impl<F: FromRedisValue> ClaimReply<F> for Entries {
    type Response = Vec<StreamEntry<F>>;
    const JUST_ID: bool = false;
}
impl<F> ClaimReply<F> for JustId {
    type Response = Vec<StreamId>;
    const JUST_ID: bool = true;
}

/// The reply of `XAUTOCLAIM`: [`AutoClaimed`] entries, or ids with
/// `JUSTID`.
pub trait AutoClaimReply<F>: Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
    /// Whether `JUSTID` is sent.
    #[doc(hidden)]
    const JUST_ID: bool;
}
impl<F: FromRedisValue> AutoClaimReply<F> for Entries {
    type Response = AutoClaimed<StreamEntry<F>>;
    const JUST_ID: bool = false;
}
impl<F> AutoClaimReply<F> for JustId {
    type Response = AutoClaimed<StreamId>;
    const JUST_ID: bool = true;
}

/// The reply of `XINFO STREAM`: summary or `FULL`.
pub trait StreamInfoReply<F>: Sealed {
    /// What the reply decodes into.
    type Response: FromRedisValue;
    /// Writes `FULL [COUNT count]`.
    #[doc(hidden)]
    fn write_full<W: crate::resp::ArgWriter + ?Sized>(&self, out: &mut W);
}
impl<F: FromRedisValue> StreamInfoReply<F> for Summary {
    type Response = StreamInfo<F>;
    fn write_full<W: crate::resp::ArgWriter + ?Sized>(&self, _out: &mut W) {}
}
impl<F: FromRedisValue> StreamInfoReply<F> for Full {
    type Response = StreamInfoFull<F>;
    fn write_full<W: crate::resp::ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"FULL");
        if let Some(count) = self.count {
            out.write_arg(b"COUNT");
            out.write_u64(count);
        }
    }
}
