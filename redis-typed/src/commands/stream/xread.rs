//! `XREAD` and `XREADGROUP`: read new entries from one or more streams,
//! optionally waiting for them.

use std::marker::PhantomData;

use bytes::Bytes;

use super::entry::{StreamEntry, StreamFields};
use crate::commands::stream::fields::arg_bytes;
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

/// What `XREAD` / `XREADGROUP` reply: for each stream that had entries, its
/// key and the entries; `None` when there was nothing to read (`BLOCK`
/// timed out, or no stream had entries past the given ids).
///
/// RESP3 sends a map `{key: entries}`, RESP2 an array of `[key, entries]`;
/// both decode to this, in the server's order.
pub type StreamReads<F = StreamFields> = Option<Vec<(Bytes, Vec<StreamEntry<F>>)>>;

/// `[COUNT count] [BLOCK milliseconds]` and the `STREAMS key ... id ...`
/// tail both commands share.
#[derive(Debug, Clone)]
struct Streams<K> {
    streams: Vec<(K, Bytes)>,
    count: Option<u64>,
    block: Option<u64>,
}

impl<K: RedisKey> Streams<K> {
    fn new<I: SingleArg>(streams: impl IntoIterator<Item = (K, I)>) -> Self {
        Streams {
            streams: streams
                .into_iter()
                .map(|(key, id)| (key, arg_bytes(&id)))
                .collect(),
            count: None,
            block: None,
        }
    }

    fn write_count_block<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        if let Some(count) = self.count {
            out.write_arg(b"COUNT");
            out.write_u64(count);
        }
        if let Some(block) = self.block {
            out.write_arg(b"BLOCK");
            out.write_u64(block);
        }
    }

    fn write_streams<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"STREAMS");
        for (key, _) in &self.streams {
            key.write_redis_args(out);
        }
        for (_, id) in &self.streams {
            out.write_arg(id);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        for (key, _) in &self.streams {
            f(key.key_bytes());
        }
    }
}

/// `XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id
/// [id ...]`: the entries after each given id.
///
/// Streams are `(key, id)` pairs, so keys and ids cannot mismatch. An id
/// is any [`SingleArg`]: a [`StreamId`](super::StreamId), `"0"` (from the
/// start), `"$"` (only entries added from now on, with `BLOCK`), or `"+"`
/// (the last entry, Redis 7.4+).
///
/// Reply: [`StreamReads<F>`] — `Option<Vec<(Bytes, Vec<StreamEntry<F>>)>>`.
/// With [`block`](XRead::block), send it on a dedicated connection
/// (`Client::dedicated`). In a cluster all keys must hash to the same slot.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct XRead<K, F = StreamFields> {
    inner: Streams<K>,
    _reply: PhantomData<fn() -> F>,
}

impl<K: RedisKey, F: FromRedisValue> XRead<K, F> {
    /// `XREAD STREAMS key [key ...] id [id ...]`.
    pub fn new<I: SingleArg>(streams: impl IntoIterator<Item = (K, I)>) -> Self {
        XRead {
            inner: Streams::new(streams),
            _reply: PhantomData,
        }
    }

    /// `COUNT count`: at most `count` entries per stream.
    pub fn count(mut self, count: u64) -> Self {
        self.inner.count = Some(count);
        self
    }

    /// `BLOCK milliseconds`: wait up to this long for an entry when there
    /// is none (0: forever).
    pub fn block(mut self, milliseconds: u64) -> Self {
        self.inner.block = Some(milliseconds);
        self
    }
}

impl<K: RedisKey, F: FromRedisValue> Command for XRead<K, F> {
    type Response = StreamReads<F>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"XREAD");
        self.inner.write_count_block(out);
        self.inner.write_streams(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        self.inner.for_each_key(f)
    }

    fn read_only(&self) -> bool {
        true
    }
}

/// `XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds]
/// [NOACK] STREAMS key [key ...] id [id ...]`: reads entries as `consumer`
/// of a consumer group.
///
/// The id `">"` reads entries never delivered to the group (and adds them
/// to the consumer's pending list, unless [`noack`](XReadGroup::noack));
/// any other id re-reads the consumer's own pending entries after it. A
/// pending entry deleted from the stream comes back with nil fields:
/// choose an `F` that reads nil (a map or `Vec` reads it as empty,
/// `Option<T>` as `None`).
///
/// Reply: [`StreamReads<F>`]. With [`block`](XReadGroup::block), send it on
/// a dedicated connection.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct XReadGroup<K, F = StreamFields> {
    group: Bytes,
    consumer: Bytes,
    noack: bool,
    inner: Streams<K>,
    _reply: PhantomData<fn() -> F>,
}

impl<K: RedisKey, F: FromRedisValue> XReadGroup<K, F> {
    /// `XREADGROUP GROUP group consumer STREAMS key [key ...] id [id ...]`.
    pub fn new<I: SingleArg>(
        group: impl SingleArg,
        consumer: impl SingleArg,
        streams: impl IntoIterator<Item = (K, I)>,
    ) -> Self {
        XReadGroup {
            group: arg_bytes(&group),
            consumer: arg_bytes(&consumer),
            noack: false,
            inner: Streams::new(streams),
            _reply: PhantomData,
        }
    }

    /// `COUNT count`: at most `count` entries per stream.
    pub fn count(mut self, count: u64) -> Self {
        self.inner.count = Some(count);
        self
    }

    /// `BLOCK milliseconds`: wait up to this long for an entry when there
    /// is none (0: forever).
    pub fn block(mut self, milliseconds: u64) -> Self {
        self.inner.block = Some(milliseconds);
        self
    }

    /// `NOACK`: do not add the entries to the pending list (they count as
    /// acknowledged when delivered).
    pub fn noack(mut self) -> Self {
        self.noack = true;
        self
    }
}

impl<K: RedisKey, F: FromRedisValue> Command for XReadGroup<K, F> {
    type Response = StreamReads<F>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"XREADGROUP");
        out.write_arg(b"GROUP");
        out.write_arg(&self.group);
        out.write_arg(&self.consumer);
        self.inner.write_count_block(out);
        if self.noack {
            out.write_arg(b"NOACK");
        }
        self.inner.write_streams(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        self.inner.for_each_key(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::commands::StreamId;
    use crate::resp::Value;

    fn entries(id: &str) -> Value {
        arr(vec![arr(vec![bulk(id), arr(vec![bulk("f"), bulk("v")])])])
    }

    #[test]
    fn keys_then_ids_and_both_reply_shapes() {
        let cmd = XRead::<_>::new([("a", "0"), ("b", "$")])
            .count(2)
            .block(100);
        check(
            &cmd,
            &[
                "XREAD", "COUNT", "2", "BLOCK", "100", "STREAMS", "a", "b", "0", "$",
            ],
            &["a", "b"],
            true,
        );
        assert_response::<StreamReads, _>(&cmd);
        let resp3 = Value::Map(vec![
            (bulk("a"), entries("1-0")),
            (bulk("b"), entries("2-0")),
        ]);
        let resp2 = arr(vec![
            arr(vec![bulk("a"), entries("1-0")]),
            arr(vec![bulk("b"), entries("2-0")]),
        ]);
        for reply in [resp3, resp2] {
            let got = decode(&cmd, reply).unwrap().unwrap();
            assert_eq!(got.len(), 2);
            assert_eq!(got[1].0, "b");
            assert_eq!(got[1].1[0].id, StreamId::new(2, 0));
            assert_eq!(got[0].1[0].fields, [(Bytes::from("f"), Bytes::from("v"))]);
        }
        // One stream on RESP2: still [[key, entries]].
        let one = arr(vec![arr(vec![bulk("a"), entries("1-0")])]);
        assert_eq!(decode(&cmd, one).unwrap().unwrap().len(), 1);
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);
    }

    #[test]
    fn group_read() {
        let cmd = XReadGroup::<_>::new("g", "c1", [("s", ">")])
            .noack()
            .block(0)
            .count(1);
        check(
            &cmd,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "c1",
                "COUNT",
                "1",
                "BLOCK",
                "0",
                "NOACK",
                "STREAMS",
                "s",
                ">",
            ],
            &["s"],
            false,
        );
        assert_response::<StreamReads, _>(&cmd);
        // A deleted pending entry: nil fields.
        let reply = arr(vec![arr(vec![
            bulk("s"),
            arr(vec![arr(vec![bulk("1-0"), Value::Nil])]),
        ])]);
        let got = decode(&cmd, reply).unwrap().unwrap();
        assert!(got[0].1[0].fields.is_empty());
    }
}
