//! List commands: `LPUSH`, `LRANGE`.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, LPush, LRange};
//!
//! let mut out = BytesMut::new();
//! encode(&LPush::new("jobs", ["a", "b"]), &mut out);
//! assert_eq!(&out[..], b"*4\r\n$5\r\nLPUSH\r\n$4\r\njobs\r\n$1\r\na\r\n$1\r\nb\r\n");
//!
//! // The whole list, each element decoded as a `String`.
//! let all = LRange::<_, String>::new("jobs", 0, -1);
//! # let _ = all;
//! ```

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

// ---------------------------------------------------------------- LPUSH

/// `LPUSH key element [element ...]`: inserts elements at the head of a
/// list, one after the other (so the last one ends up first).
///
/// Reply: `i64`, the length of the list afterwards. At least one element is
/// required.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct LPush<K, E> {
    key: K,
    elements: Vec<E>,
}

impl<K: RedisKey, E: SingleArg> LPush<K, E> {
    /// `LPUSH key element [element ...]`.
    pub fn new(key: K, elements: impl IntoIterator<Item = E>) -> Self {
        LPush {
            key,
            elements: elements.into_iter().collect(),
        }
    }
}

impl<K: RedisKey, E: SingleArg> Command for LPush<K, E> {
    type Response = i64;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"LPUSH");
        self.key.write_redis_args(out);
        for element in &self.elements {
            element.write_redis_args(out);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

// --------------------------------------------------------------- LRANGE

/// `LRANGE key start stop`: the elements from index `start` to `stop`,
/// both inclusive, 0-based, negative counting from the end (`0 -1` is the
/// whole list).
///
/// Reply: `Vec<V>` (`V` defaults to [`Bytes`]); empty when the key does not
/// exist.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct LRange<K, V = Bytes> {
    key: K,
    start: i64,
    stop: i64,
    _reply: PhantomData<fn() -> V>,
}

impl<K: RedisKey, V: FromRedisValue> LRange<K, V> {
    /// `LRANGE key start stop`.
    pub fn new(key: K, start: i64, stop: i64) -> Self {
        LRange {
            key,
            start,
            stop,
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, V: FromRedisValue> Command for LRange<K, V> {
    type Response = Vec<V>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"LRANGE");
        self.key.write_redis_args(out);
        out.write_i64(self.start);
        out.write_i64(self.stop);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}
