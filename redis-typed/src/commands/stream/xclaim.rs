//! `XCLAIM` and `XAUTOCLAIM`: take over pending messages of a consumer
//! group.

use std::marker::PhantomData;

use bytes::Bytes;

use super::entry::{StreamFields, StreamId};
use crate::commands::fields::Items;
use crate::commands::marker_data::{AutoClaimReply, ClaimReply, Entries, JustId};
use crate::commands::stream::fields::arg_bytes;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, RedisKey, SingleArg};

/// `IDLE ms` or `TIME unix-time-milliseconds`: one or the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdleReset {
    Idle(u64),
    Time(u64),
}

/// `XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
/// [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID]
/// [LASTID lastid]`: gives pending messages idle for at least
/// `min_idle_ms` to `consumer`.
///
/// | built with            | reply                                        |
/// |-----------------------|----------------------------------------------|
/// | `XClaim::new(..)`     | `Vec<StreamEntry<F>>`: the claimed messages   |
/// | `.just_id()`          | `Vec<StreamId>`: their ids only (the delivery count is not incremented) |
///
/// `F` defaults to [`StreamFields`]. Since Redis 7.0, ids deleted from the
/// stream are dropped from the pending list and not returned. `IDLE` and
/// `TIME` set the same thing, so the last of [`idle`](XClaim::idle) /
/// [`time`](XClaim::time) wins.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct XClaim<K, F = StreamFields, M = Entries> {
    key: K,
    group: Bytes,
    consumer: Bytes,
    min_idle_ms: u64,
    ids: Vec<Bytes>,
    idle: Option<IdleReset>,
    retry_count: Option<u64>,
    force: bool,
    last_id: Option<Bytes>,
    _reply: PhantomData<fn() -> (F, M)>,
}

impl<K: RedisKey, F: FromRedisValue> XClaim<K, F> {
    /// `XCLAIM key group consumer min-idle-time id [id ...]`.
    pub fn new<I: SingleArg>(
        key: K,
        group: impl SingleArg,
        consumer: impl SingleArg,
        min_idle_ms: u64,
        ids: impl IntoIterator<Item = I>,
    ) -> Self {
        XClaim {
            key,
            group: arg_bytes(&group),
            consumer: arg_bytes(&consumer),
            min_idle_ms,
            ids: ids.into_iter().map(|id| arg_bytes(&id)).collect(),
            idle: None,
            retry_count: None,
            force: false,
            last_id: None,
            _reply: PhantomData,
        }
    }

    /// `JUSTID`: reply the claimed ids only, `Vec<StreamId>`.
    pub fn just_id(self) -> XClaim<K, F, JustId> {
        XClaim {
            key: self.key,
            group: self.group,
            consumer: self.consumer,
            min_idle_ms: self.min_idle_ms,
            ids: self.ids,
            idle: self.idle,
            retry_count: self.retry_count,
            force: self.force,
            last_id: self.last_id,
            _reply: PhantomData,
        }
    }
}

impl<K, F, M> XClaim<K, F, M> {
    /// `IDLE ms`: set the messages' idle time (default 0).
    pub fn idle(mut self, ms: u64) -> Self {
        self.idle = Some(IdleReset::Idle(ms));
        self
    }

    /// `TIME unix-time-milliseconds`: set the messages' last delivery time.
    pub fn time(mut self, unix_time_ms: u64) -> Self {
        self.idle = Some(IdleReset::Time(unix_time_ms));
        self
    }

    /// `RETRYCOUNT count`: set the delivery counter.
    pub fn retry_count(mut self, count: u64) -> Self {
        self.retry_count = Some(count);
        self
    }

    /// `FORCE`: create pending entries for ids not pending yet (if they
    /// exist in the stream).
    pub fn force(mut self) -> Self {
        self.force = true;
        self
    }

    /// `LASTID lastid`: update the group's last delivered id.
    pub fn last_id(mut self, id: impl SingleArg) -> Self {
        self.last_id = Some(arg_bytes(&id));
        self
    }
}

impl<K: RedisKey, F, M: ClaimReply<F>> Command for XClaim<K, F, M> {
    type Response = M::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"XCLAIM");
        self.key.write_redis_args(out);
        out.write_arg(&self.group);
        out.write_arg(&self.consumer);
        out.write_u64(self.min_idle_ms);
        for id in &self.ids {
            out.write_arg(id);
        }
        match self.idle {
            Some(IdleReset::Idle(ms)) => {
                out.write_arg(b"IDLE");
                out.write_u64(ms);
            }
            Some(IdleReset::Time(ms)) => {
                out.write_arg(b"TIME");
                out.write_u64(ms);
            }
            None => {}
        }
        if let Some(count) = self.retry_count {
            out.write_arg(b"RETRYCOUNT");
            out.write_u64(count);
        }
        if self.force {
            out.write_arg(b"FORCE");
        }
        if M::JUST_ID {
            out.write_arg(b"JUSTID");
        }
        if let Some(id) = &self.last_id {
            out.write_arg(b"LASTID");
            out.write_arg(id);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

/// `XAUTOCLAIM key group consumer min-idle-time start [COUNT count]
/// [JUSTID]`: claims pending messages idle for at least `min_idle_ms`,
/// scanning the pending list from `start` like a cursor (Redis 6.2+).
///
/// | built with              | reply                                        |
/// |-------------------------|----------------------------------------------|
/// | `XAutoClaim::new(..)`   | [`AutoClaimed<StreamEntry<F>>`](AutoClaimed)  |
/// | `.just_id()`            | [`AutoClaimed<StreamId>`](AutoClaimed)        |
///
/// Send [`AutoClaimed::next`] as the next `start` until it is `0-0`.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct XAutoClaim<K, F = StreamFields, M = Entries> {
    key: K,
    group: Bytes,
    consumer: Bytes,
    min_idle_ms: u64,
    start: Bytes,
    count: Option<u64>,
    _reply: PhantomData<fn() -> (F, M)>,
}

impl<K: RedisKey, F: FromRedisValue> XAutoClaim<K, F> {
    /// `XAUTOCLAIM key group consumer min-idle-time start` (`start` `"0"`
    /// or `"0-0"` for the beginning).
    pub fn new(
        key: K,
        group: impl SingleArg,
        consumer: impl SingleArg,
        min_idle_ms: u64,
        start: impl SingleArg,
    ) -> Self {
        XAutoClaim {
            key,
            group: arg_bytes(&group),
            consumer: arg_bytes(&consumer),
            min_idle_ms,
            start: arg_bytes(&start),
            count: None,
            _reply: PhantomData,
        }
    }

    /// `JUSTID`: reply the claimed ids only.
    pub fn just_id(self) -> XAutoClaim<K, F, JustId> {
        XAutoClaim {
            key: self.key,
            group: self.group,
            consumer: self.consumer,
            min_idle_ms: self.min_idle_ms,
            start: self.start,
            count: self.count,
            _reply: PhantomData,
        }
    }
}

impl<K, F, M> XAutoClaim<K, F, M> {
    /// `COUNT count`: claim at most `count` messages (default 100).
    pub fn count(mut self, count: u64) -> Self {
        self.count = Some(count);
        self
    }
}

impl<K: RedisKey, F, M: AutoClaimReply<F>> Command for XAutoClaim<K, F, M> {
    type Response = M::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"XAUTOCLAIM");
        self.key.write_redis_args(out);
        out.write_arg(&self.group);
        out.write_arg(&self.consumer);
        out.write_u64(self.min_idle_ms);
        out.write_arg(&self.start);
        if let Some(count) = self.count {
            out.write_arg(b"COUNT");
            out.write_u64(count);
        }
        if M::JUST_ID {
            out.write_arg(b"JUSTID");
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

/// The reply of `XAUTOCLAIM`: where to continue, what was claimed, and
/// which pending ids no longer existed.
///
/// `T` is [`StreamEntry<F>`](super::StreamEntry), or [`StreamId`] with
/// `JUSTID`. Decoded from `[next, claimed, deleted]` (Redis 6.2 sends no
/// `deleted`; it reads as empty).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct AutoClaimed<T> {
    /// The `start` of the next call; `0-0` when the whole pending list was
    /// scanned.
    pub next: StreamId,
    /// The claimed messages.
    pub claimed: Vec<T>,
    /// Pending ids whose entries were deleted from the stream (removed
    /// from the pending list by this call; Redis 7.0+).
    pub deleted: Vec<StreamId>,
}

impl<T> AutoClaimed<T> {
    /// True when the scan of the pending list is complete.
    pub fn is_last(&self) -> bool {
        self.next == StreamId::MIN
    }
}

impl<T: FromRedisValue> FromRedisValue for AutoClaimed<T> {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 2, 3)?;
        Ok(AutoClaimed {
            next: items.required("next")?,
            claimed: items.required("claimed")?,
            deleted: items.or_default("deleted")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::commands::StreamEntry;

    #[test]
    fn xclaim_entries_or_ids() {
        let cmd = XClaim::<_>::new("s", "g", "c2", 1000, ["1-0", "2-0"])
            .idle(5)
            .time(99)
            .retry_count(3)
            .force()
            .last_id("2-0");
        check(
            &cmd,
            &[
                "XCLAIM",
                "s",
                "g",
                "c2",
                "1000",
                "1-0",
                "2-0",
                "TIME",
                "99",
                "RETRYCOUNT",
                "3",
                "FORCE",
                "LASTID",
                "2-0",
            ],
            &["s"],
            false,
        );
        assert_response::<Vec<StreamEntry<StreamFields>>, _>(&cmd);
        let cmd = cmd.just_id();
        assert!(wire(&cmd).contains("JUSTID"));
        assert_response::<Vec<StreamId>, _>(&cmd);
        let got = decode(&cmd, arr(vec![bulk("1-0")])).unwrap();
        assert_eq!(got, [StreamId::new(1, 0)]);
    }

    #[test]
    fn xautoclaim_entries_or_ids() {
        let cmd = XAutoClaim::<_>::new("s", "g", "c2", 0, "0-0").count(5);
        check(
            &cmd,
            &["XAUTOCLAIM", "s", "g", "c2", "0", "0-0", "COUNT", "5"],
            &["s"],
            false,
        );
        assert_response::<AutoClaimed<StreamEntry<StreamFields>>, _>(&cmd);
        let reply = arr(vec![
            bulk("0-0"),
            arr(vec![arr(vec![
                bulk("1-0"),
                arr(vec![bulk("f"), bulk("v")]),
            ])]),
            arr(vec![bulk("2-0")]),
        ]);
        let got = decode(&cmd, reply).unwrap();
        assert!(got.is_last());
        assert_eq!(got.claimed[0].id, StreamId::new(1, 0));
        assert_eq!(got.deleted, [StreamId::new(2, 0)]);

        let cmd = cmd.just_id();
        check(
            &cmd,
            &[
                "XAUTOCLAIM",
                "s",
                "g",
                "c2",
                "0",
                "0-0",
                "COUNT",
                "5",
                "JUSTID",
            ],
            &["s"],
            false,
        );
        assert_response::<AutoClaimed<StreamId>, _>(&cmd);
        // Redis 6.2: two elements.
        let got = decode(&cmd, arr(vec![bulk("3-0"), arr(vec![bulk("1-0")])])).unwrap();
        assert_eq!(
            (got.next, got.claimed, got.deleted),
            (StreamId::new(3, 0), vec![StreamId::new(1, 0)], vec![])
        );
    }
}
