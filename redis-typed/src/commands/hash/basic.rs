//! Hash commands: `HSET`, `HGET`, `HGETALL`.
//!
//! ```
//! use std::collections::HashMap;
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, HGetAll, HSet};
//!
//! // Fields from any `ToRedisArgs` that writes `field value field value ...`
//! // (a map, a tuple, a `#[derive(ToRedisArgs)]` struct) or from pairs.
//! let mut out = BytesMut::new();
//! encode(&HSet::new("user:1", ("name", "Ann")), &mut out);
//! encode(&HSet::from_pairs("user:1", [("age", 42)]), &mut out);
//! assert_eq!(
//!     &out[..],
//!     b"*4\r\n$4\r\nHSET\r\n$6\r\nuser:1\r\n$4\r\nname\r\n$3\r\nAnn\r\n\
//!       *4\r\n$4\r\nHSET\r\n$6\r\nuser:1\r\n$3\r\nage\r\n$2\r\n42\r\n"
//! );
//!
//! // HGETALL decodes into the type named first: a map here, or a struct
//! // deriving `FromRedisValue` (`HGetAll::<User>::new("user:1")`).
//! let all = HGetAll::<HashMap<String, String>>::new("user:1");
//! # let _ = all;
//! ```

use std::collections::HashMap;
use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg, ToRedisArgs};

// ----------------------------------------------------------------- HSET

/// `HSET key field value [field value ...]`: sets fields of a hash.
///
/// `fields` is anything that writes `field value field value ...`: a tuple
/// `(field, value)`, a `HashMap`/`BTreeMap`, a `Vec<(F, V)>` (see
/// [`HSet::from_pairs`]) or a struct deriving `ToRedisArgs`. It must write
/// at least one pair, and an even number of arguments, or the server rejects
/// the command.
///
/// Reply: `i64`, the number of fields that were added (not updated).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct HSet<K, F> {
    key: K,
    fields: F,
}

impl<K: RedisKey, F: ToRedisArgs> HSet<K, F> {
    /// `HSET key fields...`, `fields` writing `field value` pairs.
    pub fn new(key: K, fields: F) -> Self {
        HSet { key, fields }
    }
}

impl<K: RedisKey, F: SingleArg, V: SingleArg> HSet<K, Vec<(F, V)>> {
    /// `HSET key field value [field value ...]` from `(field, value)` pairs.
    pub fn from_pairs(key: K, pairs: impl IntoIterator<Item = (F, V)>) -> Self {
        HSet {
            key,
            fields: pairs.into_iter().collect(),
        }
    }
}

impl<K: RedisKey, F: ToRedisArgs> Command for HSet<K, F> {
    type Response = i64;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"HSET");
        self.key.write_redis_args(out);
        self.fields.write_redis_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

// ----------------------------------------------------------------- HGET

/// `HGET key field`: the value of one field of a hash.
///
/// Reply: `Option<V>` (`V` defaults to [`Bytes`]), `None` when the field or
/// the key does not exist.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct HGet<K, F, V = Bytes> {
    key: K,
    field: F,
    _reply: PhantomData<fn() -> V>,
}

impl<K: RedisKey, F: SingleArg, V: FromRedisValue> HGet<K, F, V> {
    /// `HGET key field`.
    pub fn new(key: K, field: F) -> Self {
        HGet {
            key,
            field,
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, F: SingleArg, V: FromRedisValue> Command for HGet<K, F, V> {
    type Response = Option<V>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"HGET");
        self.key.write_redis_args(out);
        self.field.write_redis_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

// -------------------------------------------------------------- HGETALL

/// `HGETALL key`: every field and value of a hash.
///
/// Reply: `R`, decoded from a RESP3 map or a RESP2 flat
/// `field value field value` array: a `HashMap`/`BTreeMap`, a
/// `Vec<(F, V)>`, or a struct deriving `FromRedisValue`. A missing key is an
/// empty hash. `R` defaults to `HashMap<Bytes, Bytes>`.
///
/// The reply type comes FIRST so that naming it alone works; the key type is
/// inferred from the argument:
///
/// ```
/// use std::collections::BTreeMap;
/// use redis_typed::commands::{Command, HGetAll};
///
/// let cmd = HGetAll::<BTreeMap<String, i64>>::new("scores");
/// fn reply<C: Command<Response = BTreeMap<String, i64>>>(_: C) {}
/// reply(cmd);
/// ```
///
/// (`K` defaults to `String` only so that `HGetAll::<R>` names a type;
/// [`HGetAll::new`] accepts any key.)
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct HGetAll<R = HashMap<Bytes, Bytes>, K = String> {
    key: K,
    _reply: PhantomData<fn() -> R>,
}

impl<R: FromRedisValue> HGetAll<R> {
    /// `HGETALL key`.
    pub fn new<K: RedisKey>(key: K) -> HGetAll<R, K> {
        HGetAll {
            key,
            _reply: PhantomData,
        }
    }
}

impl<R: FromRedisValue, K: RedisKey> Command for HGetAll<R, K> {
    type Response = R;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"HGETALL");
        self.key.write_redis_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}
