//! `XINFO STREAM`, `XINFO GROUPS`, `XINFO CONSUMERS`: introspection of a
//! stream, its consumer groups and their consumers.
//!
//! Every reply here is a RESP3 map or a RESP2 flat `name value ...` array
//! and decodes into a named struct either way. Fields added by newer
//! servers are ignored; fields older servers leave out are `Option`s
//! (marked with the version that added them).

use std::marker::PhantomData;

use bytes::Bytes;

use super::entry::{StreamEntry, StreamFields, StreamId};
use crate::commands::fields::{Fields, Items};
use crate::commands::marker_data::{Full, StreamInfoReply, Summary};
use crate::commands::stream::fields::arg_bytes;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, RedisKey, SingleArg};

// --------------------------------------------------------- XINFO STREAM

/// `XINFO STREAM key [FULL [COUNT count]]`: a stream's length, ids and
/// groups.
///
/// | built with                 | reply                  |
/// |----------------------------|------------------------|
/// | `XInfoStream::new(key)`    | [`StreamInfo<F>`]      |
/// | `.full()`                  | [`StreamInfoFull<F>`]  |
///
/// [`count`](XInfoStream::count) exists only after `.full()`. `F` is what
/// entry fields decode into (default [`StreamFields`]).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct XInfoStream<K, F = StreamFields, M = Summary> {
    key: K,
    form: M,
    _reply: PhantomData<fn() -> F>,
}

impl<K: RedisKey, F: FromRedisValue> XInfoStream<K, F> {
    /// `XINFO STREAM key`.
    pub fn new(key: K) -> Self {
        XInfoStream {
            key,
            form: Summary,
            _reply: PhantomData,
        }
    }

    /// `FULL`: every entry, group, consumer and pending message (up to
    /// `COUNT`, default 10 of each list); replies [`StreamInfoFull<F>`].
    pub fn full(self) -> XInfoStream<K, F, Full> {
        XInfoStream {
            key: self.key,
            form: Full::default(),
            _reply: PhantomData,
        }
    }
}

impl<K, F> XInfoStream<K, F, Full> {
    /// `COUNT count`: at most `count` entries and pending messages per list
    /// (0: all).
    pub fn count(mut self, count: u64) -> Self {
        self.form.count = Some(count);
        self
    }
}

impl<K: RedisKey, F, M: StreamInfoReply<F>> Command for XInfoStream<K, F, M> {
    type Response = M::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"XINFO");
        out.write_arg(b"STREAM");
        self.key.write_redis_args(out);
        self.form.write_full(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

/// `XINFO STREAM key`: the summary of a stream.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StreamInfo<F = StreamFields> {
    /// The number of entries (`XLEN`).
    pub length: u64,
    /// Keys in the underlying radix tree.
    pub radix_tree_keys: u64,
    /// Nodes in the underlying radix tree.
    pub radix_tree_nodes: u64,
    /// The id of the last entry added.
    pub last_generated_id: StreamId,
    /// The greatest id deleted (Redis 7.0+).
    pub max_deleted_entry_id: Option<StreamId>,
    /// How many entries were ever added (Redis 7.0+).
    pub entries_added: Option<u64>,
    /// The cached id of the first entry (Redis 7.0+).
    pub recorded_first_entry_id: Option<StreamId>,
    /// The number of consumer groups.
    pub groups: u64,
    /// The first entry, `None` when the stream is empty.
    pub first_entry: Option<StreamEntry<F>>,
    /// The last entry, `None` when the stream is empty.
    pub last_entry: Option<StreamEntry<F>>,
}

impl<F: FromRedisValue> FromRedisValue for StreamInfo<F> {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<Self>::new(value)?;
        Ok(StreamInfo {
            length: fields.required("length")?,
            radix_tree_keys: fields.required("radix-tree-keys")?,
            radix_tree_nodes: fields.required("radix-tree-nodes")?,
            last_generated_id: fields.required("last-generated-id")?,
            max_deleted_entry_id: fields.optional("max-deleted-entry-id")?,
            entries_added: fields.optional("entries-added")?,
            recorded_first_entry_id: fields.optional("recorded-first-entry-id")?,
            groups: fields.required("groups")?,
            first_entry: fields.optional("first-entry")?,
            last_entry: fields.optional("last-entry")?,
        })
    }
}

/// `XINFO STREAM key FULL`: the stream with its entries and its groups in
/// detail.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StreamInfoFull<F = StreamFields> {
    /// The number of entries (`XLEN`).
    pub length: u64,
    /// Keys in the underlying radix tree.
    pub radix_tree_keys: u64,
    /// Nodes in the underlying radix tree.
    pub radix_tree_nodes: u64,
    /// The id of the last entry added.
    pub last_generated_id: StreamId,
    /// The greatest id deleted (Redis 7.0+).
    pub max_deleted_entry_id: Option<StreamId>,
    /// How many entries were ever added (Redis 7.0+).
    pub entries_added: Option<u64>,
    /// The cached id of the first entry (Redis 7.0+).
    pub recorded_first_entry_id: Option<StreamId>,
    /// The entries, oldest first (up to `COUNT`).
    pub entries: Vec<StreamEntry<F>>,
    /// The consumer groups.
    pub groups: Vec<StreamGroupFull>,
}

impl<F: FromRedisValue> FromRedisValue for StreamInfoFull<F> {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<Self>::new(value)?;
        Ok(StreamInfoFull {
            length: fields.required("length")?,
            radix_tree_keys: fields.required("radix-tree-keys")?,
            radix_tree_nodes: fields.required("radix-tree-nodes")?,
            last_generated_id: fields.required("last-generated-id")?,
            max_deleted_entry_id: fields.optional("max-deleted-entry-id")?,
            entries_added: fields.optional("entries-added")?,
            recorded_first_entry_id: fields.optional("recorded-first-entry-id")?,
            entries: fields.or_default("entries")?,
            groups: fields.or_default("groups")?,
        })
    }
}

/// A consumer group in `XINFO STREAM ... FULL`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StreamGroupFull {
    /// The group's name.
    pub name: Bytes,
    /// The last id delivered to the group.
    pub last_delivered_id: StreamId,
    /// How many entries the group read (Redis 7.0+; `None` when unknown).
    pub entries_read: Option<u64>,
    /// Entries not yet delivered to the group (Redis 7.0+; `None` when it
    /// cannot be computed).
    pub lag: Option<u64>,
    /// How many messages are pending.
    pub pel_count: u64,
    /// The pending messages (up to `COUNT`).
    pub pending: Vec<GroupPendingEntry>,
    /// The group's consumers.
    pub consumers: Vec<StreamConsumerFull>,
}

impl FromRedisValue for StreamGroupFull {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<Self>::new(value)?;
        Ok(StreamGroupFull {
            name: fields.required("name")?,
            last_delivered_id: fields.required("last-delivered-id")?,
            entries_read: fields.optional("entries-read")?,
            lag: fields.optional("lag")?,
            pel_count: fields.required("pel-count")?,
            pending: fields.or_default("pending")?,
            consumers: fields.or_default("consumers")?,
        })
    }
}

/// A pending message of a group in `XINFO STREAM ... FULL`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct GroupPendingEntry {
    /// The message's id.
    pub id: StreamId,
    /// The consumer it was delivered to.
    pub consumer: Bytes,
    /// When it was last delivered, Unix time in milliseconds.
    pub delivery_time: u64,
    /// How many times it was delivered.
    pub deliveries: u64,
}

impl FromRedisValue for GroupPendingEntry {
    /// `[id, consumer, delivery-time, deliveries]`.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 4, 4)?;
        Ok(GroupPendingEntry {
            id: items.required("id")?,
            consumer: items.required("consumer")?,
            delivery_time: items.required("delivery_time")?,
            deliveries: items.required("deliveries")?,
        })
    }
}

/// A consumer in `XINFO STREAM ... FULL`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct StreamConsumerFull {
    /// The consumer's name.
    pub name: Bytes,
    /// Its last interaction, Unix time in milliseconds.
    pub seen_time: u64,
    /// Its last successful read or claim, Unix time in milliseconds
    /// (Redis 7.2+).
    pub active_time: Option<u64>,
    /// How many messages are pending for it.
    pub pel_count: u64,
    /// Its pending messages (up to `COUNT`).
    pub pending: Vec<ConsumerPendingEntry>,
}

impl FromRedisValue for StreamConsumerFull {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<Self>::new(value)?;
        Ok(StreamConsumerFull {
            name: fields.required("name")?,
            seen_time: fields.required("seen-time")?,
            active_time: fields.optional("active-time")?,
            pel_count: fields.required("pel-count")?,
            pending: fields.or_default("pending")?,
        })
    }
}

/// A pending message of a consumer in `XINFO STREAM ... FULL`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct ConsumerPendingEntry {
    /// The message's id.
    pub id: StreamId,
    /// When it was last delivered, Unix time in milliseconds.
    pub delivery_time: u64,
    /// How many times it was delivered.
    pub deliveries: u64,
}

impl FromRedisValue for ConsumerPendingEntry {
    /// `[id, delivery-time, deliveries]`.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 3, 3)?;
        Ok(ConsumerPendingEntry {
            id: items.required("id")?,
            delivery_time: items.required("delivery_time")?,
            deliveries: items.required("deliveries")?,
        })
    }
}

// --------------------------------------------------------- XINFO GROUPS

/// `XINFO GROUPS key`: the consumer groups of a stream.
///
/// Reply: `Vec<StreamGroupInfo>`.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct XInfoGroups<K> {
    key: K,
}

impl<K: RedisKey> XInfoGroups<K> {
    /// `XINFO GROUPS key`.
    pub fn new(key: K) -> Self {
        XInfoGroups { key }
    }
}

impl<K: RedisKey> Command for XInfoGroups<K> {
    type Response = Vec<StreamGroupInfo>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"XINFO");
        out.write_arg(b"GROUPS");
        self.key.write_redis_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

/// One consumer group, as `XINFO GROUPS` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct StreamGroupInfo {
    /// The group's name.
    pub name: Bytes,
    /// How many consumers it has.
    pub consumers: u64,
    /// How many messages are pending.
    pub pending: u64,
    /// The last id delivered to the group.
    pub last_delivered_id: StreamId,
    /// How many entries the group read (Redis 7.0+; `None` when unknown).
    pub entries_read: Option<u64>,
    /// Entries not yet delivered to the group (Redis 7.0+; `None` when it
    /// cannot be computed).
    pub lag: Option<u64>,
}

impl FromRedisValue for StreamGroupInfo {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<Self>::new(value)?;
        Ok(StreamGroupInfo {
            name: fields.required("name")?,
            consumers: fields.required("consumers")?,
            pending: fields.required("pending")?,
            last_delivered_id: fields.required("last-delivered-id")?,
            entries_read: fields.optional("entries-read")?,
            lag: fields.optional("lag")?,
        })
    }
}

// ------------------------------------------------------ XINFO CONSUMERS

/// `XINFO CONSUMERS key group`: the consumers of a group.
///
/// Reply: `Vec<StreamConsumerInfo>`.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct XInfoConsumers<K> {
    key: K,
    group: Bytes,
}

impl<K: RedisKey> XInfoConsumers<K> {
    /// `XINFO CONSUMERS key group`.
    pub fn new(key: K, group: impl SingleArg) -> Self {
        XInfoConsumers {
            key,
            group: arg_bytes(&group),
        }
    }
}

impl<K: RedisKey> Command for XInfoConsumers<K> {
    type Response = Vec<StreamConsumerInfo>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"XINFO");
        out.write_arg(b"CONSUMERS");
        self.key.write_redis_args(out);
        out.write_arg(&self.group);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

/// One consumer, as `XINFO CONSUMERS` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct StreamConsumerInfo {
    /// The consumer's name.
    pub name: Bytes,
    /// How many messages are pending for it.
    pub pending: u64,
    /// Milliseconds since its last interaction.
    pub idle: u64,
    /// Milliseconds since its last successful read or claim, -1 if never
    /// (Redis 7.2+).
    pub inactive: Option<i64>,
}

impl FromRedisValue for StreamConsumerInfo {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<Self>::new(value)?;
        Ok(StreamConsumerInfo {
            name: fields.required("name")?,
            pending: fields.required("pending")?,
            idle: fields.required("idle")?,
            inactive: fields.optional("inactive")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;

    fn entry(id: &str) -> Value {
        arr(vec![bulk(id), arr(vec![bulk("f"), bulk("v")])])
    }

    fn stream_fields() -> Vec<(&'static str, Value)> {
        vec![
            ("length", int(2)),
            ("radix-tree-keys", int(1)),
            ("radix-tree-nodes", int(2)),
            ("last-generated-id", bulk("2-0")),
            ("max-deleted-entry-id", bulk("0-0")),
            ("entries-added", int(2)),
            ("recorded-first-entry-id", bulk("1-0")),
            ("groups", int(1)),
            ("first-entry", entry("1-0")),
            ("last-entry", entry("2-0")),
            ("some-future-field", int(9)),
        ]
    }

    #[test]
    fn stream_summary_from_map_and_flat_array() {
        let cmd = XInfoStream::<_>::new("s");
        check(&cmd, &["XINFO", "STREAM", "s"], &["s"], true);
        assert_response::<StreamInfo, _>(&cmd);
        for reply in [map(stream_fields()), flat(stream_fields())] {
            let info = decode(&cmd, reply).unwrap();
            assert_eq!(info.length, 2);
            assert_eq!(info.last_generated_id, StreamId::new(2, 0));
            assert_eq!(info.entries_added, Some(2));
            assert_eq!(info.groups, 1);
            assert_eq!(info.first_entry.unwrap().id, StreamId::new(1, 0));
        }
        // An older server (6.2): no 7.0 fields, and an empty stream.
        let old = flat(vec![
            ("length", int(0)),
            ("radix-tree-keys", int(0)),
            ("radix-tree-nodes", int(1)),
            ("last-generated-id", bulk("0-0")),
            ("groups", int(0)),
            ("first-entry", Value::Nil),
            ("last-entry", Value::Nil),
        ]);
        let info = decode(&cmd, old).unwrap();
        assert_eq!((info.entries_added, info.first_entry), (None, None));
        // A missing required field names the struct and the field.
        let err = decode(&cmd, map(vec![("length", int(0))]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("StreamInfo") && err.contains("radix-tree-keys"),
            "{err}"
        );
    }

    #[test]
    fn stream_full() {
        let cmd = XInfoStream::<_>::new("s").full().count(5);
        check(
            &cmd,
            &["XINFO", "STREAM", "s", "FULL", "COUNT", "5"],
            &["s"],
            true,
        );
        assert_response::<StreamInfoFull, _>(&cmd);
        let consumer = vec![
            ("name", bulk("c1")),
            ("seen-time", int(1700)),
            ("pel-count", int(1)),
            (
                "pending",
                arr(vec![arr(vec![bulk("1-0"), int(1700), int(1)])]),
            ),
        ];
        let group = |consumer: Value| {
            vec![
                ("name", bulk("g")),
                ("last-delivered-id", bulk("1-0")),
                ("entries-read", int(1)),
                ("lag", Value::Nil),
                ("pel-count", int(1)),
                (
                    "pending",
                    arr(vec![arr(vec![bulk("1-0"), bulk("c1"), int(1700), int(1)])]),
                ),
                ("consumers", arr(vec![consumer])),
            ]
        };
        let full = |group: Value| {
            vec![
                ("length", int(2)),
                ("radix-tree-keys", int(1)),
                ("radix-tree-nodes", int(2)),
                ("last-generated-id", bulk("2-0")),
                ("entries", arr(vec![entry("1-0"), entry("2-0")])),
                ("groups", arr(vec![group])),
            ]
        };
        let resp3 = map(full(map(group(map(consumer.clone())))));
        let resp2 = flat(full(flat(group(flat(consumer)))));
        for reply in [resp3, resp2] {
            let info = decode(&cmd, reply).unwrap();
            assert_eq!(info.entries.len(), 2);
            let g = &info.groups[0];
            assert_eq!((g.entries_read, g.lag, g.pel_count), (Some(1), None, 1));
            assert_eq!(g.pending[0].consumer, "c1");
            assert_eq!(g.consumers[0].pending[0].delivery_time, 1700);
            assert_eq!(g.consumers[0].active_time, None);
        }
    }

    #[test]
    fn groups_and_consumers() {
        let cmd = XInfoGroups::new("s");
        check(&cmd, &["XINFO", "GROUPS", "s"], &["s"], true);
        assert_response::<Vec<StreamGroupInfo>, _>(&cmd);
        let group = || {
            vec![
                ("name", bulk("g")),
                ("consumers", int(2)),
                ("pending", int(3)),
                ("last-delivered-id", bulk("5-0")),
                ("entries-read", int(5)),
                ("lag", int(0)),
            ]
        };
        for reply in [arr(vec![map(group())]), arr(vec![flat(group())])] {
            let groups = decode(&cmd, reply).unwrap();
            assert_eq!(groups[0].name, "g");
            assert_eq!((groups[0].consumers, groups[0].lag), (2, Some(0)));
        }

        let cmd = XInfoConsumers::new("s", "g");
        check(&cmd, &["XINFO", "CONSUMERS", "s", "g"], &["s"], true);
        assert_response::<Vec<StreamConsumerInfo>, _>(&cmd);
        let consumer = || vec![("name", bulk("c1")), ("pending", int(1)), ("idle", int(10))];
        for reply in [arr(vec![map(consumer())]), arr(vec![flat(consumer())])] {
            let consumers = decode(&cmd, reply).unwrap();
            assert_eq!((consumers[0].pending, consumers[0].idle), (1, 10));
            assert_eq!(consumers[0].inactive, None);
        }
    }
}
