//! `XPENDING`: the messages delivered to a consumer group but not yet
//! acknowledged.

use bytes::Bytes;

use super::entry::StreamId;
use crate::commands::fields::Items;
use crate::commands::marker_data::{Extended, PendingReply, Summary};
use crate::commands::stream::fields::arg_bytes;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, RedisKey, SingleArg};

/// `XPENDING key group [[IDLE min-idle-time] start end count [consumer]]`:
/// the pending entries list of a consumer group.
///
/// Two forms, two constructors:
///
/// | built with                                     | reply                |
/// |------------------------------------------------|----------------------|
/// | `XPending::new(key, group)`                    | [`PendingSummary`]   |
/// | `XPending::range(key, group, start, end, count)` | `Vec<PendingEntry>` |
///
/// [`idle`](XPending::idle) and [`consumer`](XPending::consumer) exist only
/// on the range form.
///
/// ```compile_fail
/// # use redis_typed::commands::XPending;
/// let _ = XPending::new("s", "g").consumer("c1");
/// ```
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct XPending<K, M = Summary> {
    key: K,
    group: Bytes,
    form: M,
}

impl<K: RedisKey> XPending<K> {
    /// `XPENDING key group`: the summary.
    pub fn new(key: K, group: impl SingleArg) -> Self {
        XPending {
            key,
            group: arg_bytes(&group),
            form: Summary,
        }
    }

    /// `XPENDING key group start end count`: up to `count` pending entries
    /// with ids from `start` to `end` (`"-"` and `"+"` for all; `"("`
    /// prefixes an exclusive id).
    pub fn range(
        key: K,
        group: impl SingleArg,
        start: impl SingleArg,
        end: impl SingleArg,
        count: u64,
    ) -> XPending<K, Extended> {
        XPending {
            key,
            group: arg_bytes(&group),
            form: Extended {
                idle: None,
                start: arg_bytes(&start),
                end: arg_bytes(&end),
                count,
                consumer: None,
            },
        }
    }
}

impl<K> XPending<K, Extended> {
    /// `IDLE min-idle-time`: only entries idle at least this many
    /// milliseconds (Redis 6.2+).
    pub fn idle(mut self, min_idle_ms: u64) -> Self {
        self.form.idle = Some(min_idle_ms);
        self
    }

    /// `consumer`: only the entries pending for this consumer.
    pub fn consumer(mut self, consumer: impl SingleArg) -> Self {
        self.form.consumer = Some(arg_bytes(&consumer));
        self
    }
}

impl<K: RedisKey, M: PendingReply> Command for XPending<K, M> {
    type Response = M::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"XPENDING");
        self.key.write_redis_args(out);
        out.write_arg(&self.group);
        self.form.write_range(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

/// The summary form of `XPENDING`.
///
/// Decoded from `[count, min-id, max-id, [[consumer, count], ...]]`; with
/// nothing pending the ids are `None` and `consumers` is empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct PendingSummary {
    /// How many messages are pending.
    pub count: u64,
    /// The smallest pending id.
    pub min_id: Option<StreamId>,
    /// The greatest pending id.
    pub max_id: Option<StreamId>,
    /// Each consumer with pending messages, and how many.
    pub consumers: Vec<(Bytes, u64)>,
}

impl FromRedisValue for PendingSummary {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 4, 4)?;
        Ok(PendingSummary {
            count: items.required("count")?,
            min_id: items.required("min_id")?,
            max_id: items.required("max_id")?,
            consumers: items.required("consumers")?,
        })
    }
}

/// One pending message, as the range form of `XPENDING` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct PendingEntry {
    /// The message's id.
    pub id: StreamId,
    /// The consumer it was delivered to.
    pub consumer: Bytes,
    /// Milliseconds since it was last delivered.
    pub idle: u64,
    /// How many times it was delivered.
    pub deliveries: u64,
}

impl FromRedisValue for PendingEntry {
    /// `[id, consumer, idle, deliveries]`.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 4, 4)?;
        Ok(PendingEntry {
            id: items.required("id")?,
            consumer: items.required("consumer")?,
            idle: items.required("idle")?,
            deliveries: items.required("deliveries")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;

    #[test]
    fn summary_form() {
        let cmd = XPending::new("s", "g");
        check(&cmd, &["XPENDING", "s", "g"], &["s"], true);
        assert_response::<PendingSummary, _>(&cmd);
        let reply = arr(vec![
            int(3),
            bulk("1-0"),
            bulk("3-0"),
            arr(vec![
                arr(vec![bulk("c1"), bulk("2")]),
                arr(vec![bulk("c2"), bulk("1")]),
            ]),
        ]);
        let got = decode(&cmd, reply).unwrap();
        assert_eq!(got.count, 3);
        assert_eq!(got.min_id, Some(StreamId::new(1, 0)));
        assert_eq!(got.max_id, Some(StreamId::new(3, 0)));
        assert_eq!(
            got.consumers,
            [(Bytes::from("c1"), 2), (Bytes::from("c2"), 1)]
        );
        let none = arr(vec![int(0), Value::Nil, Value::Nil, Value::Nil]);
        assert_eq!(decode(&cmd, none).unwrap(), PendingSummary::default());
    }

    #[test]
    fn extended_form() {
        let cmd = XPending::range("s", "g", "-", "+", 10)
            .idle(5000)
            .consumer("c1");
        check(
            &cmd,
            &["XPENDING", "s", "g", "IDLE", "5000", "-", "+", "10", "c1"],
            &["s"],
            true,
        );
        assert_response::<Vec<PendingEntry>, _>(&cmd);
        let reply = arr(vec![arr(vec![bulk("1-0"), bulk("c1"), int(7), int(2)])]);
        let got = decode(&cmd, reply).unwrap();
        assert_eq!(
            got,
            [PendingEntry {
                id: StreamId::new(1, 0),
                consumer: Bytes::from("c1"),
                idle: 7,
                deliveries: 2
            }]
        );
        let err = decode(
            &cmd,
            arr(vec![arr(vec![bulk("1-0"), bulk("c1"), bulk("x"), int(2)])]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("PendingEntry") && err.contains("`idle`"),
            "{err}"
        );
    }
}
