//! String commands: `GET`, `SET`, `MGET`, `MSET`, `INCR`, `INCRBY`.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, Expiry, Get, Set};
//!
//! // SET k v NX EX 60 -> bool (true when the key was set).
//! let set = Set::new("k", "v").nx().expiry(Expiry::Ex(60));
//! let mut out = BytesMut::new();
//! encode(&set, &mut out);
//! assert_eq!(
//!     &out[..],
//!     b"*6\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n$2\r\nNX\r\n$2\r\nEX\r\n$2\r\n60\r\n"
//! );
//!
//! // The reply type of GET is chosen by the caller: here `Option<String>`.
//! let get: Get<_, String> = Get::new("k");
//! # let _ = get;
//! ```

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::marker::{Conditional, ConditionalWithGet, Plain, SetReply, WithGet};
use crate::commands::options::{Condition, Expiry};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

// ------------------------------------------------------------------ GET

/// `GET key`: the value of `key`, [`None`] when it does not exist.
///
/// Reply: `Option<V>` (`V` defaults to [`Bytes`]; usually inferred from the
/// binding, e.g. `let v: Option<String> = client.send(Get::new("k")).await?`).
///
/// Only strings and byte buffers name keys:
///
/// ```compile_fail
/// # use redis_typed::commands::Get;
/// let _ = Get::<_, String>::new(1.5); // f64: RedisKey is not satisfied
/// ```
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Get<K, V = Bytes> {
    key: K,
    _reply: PhantomData<fn() -> V>,
}

impl<K: RedisKey, V: FromRedisValue> Get<K, V> {
    /// `GET key`.
    pub fn new(key: K) -> Self {
        Get {
            key,
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, V: FromRedisValue> Command for Get<K, V> {
    type Response = Option<V>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"GET");
        self.key.write_redis_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

// ------------------------------------------------------------------ SET

/// `SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
/// EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]`.
///
/// The reply type follows the options, at compile time (marker `M`):
///
/// | built with                  | marker                          | reply        |
/// |-----------------------------|---------------------------------|--------------|
/// | `Set::new(k, v)`            | [`Plain`]                       | `()`         |
/// | `.nx()` or `.xx()`          | [`Conditional`]                 | `bool` (`OK` = set, nil = not set) |
/// | `.get::<T>()`               | [`WithGet<T>`]                  | `Option<T>` (the old value) |
/// | both                        | [`ConditionalWithGet<T>`]       | `Option<T>` (the old value) |
///
/// `NX`/`XX` can be chosen once and `GET` once; the expiration is one
/// [`Expiry`] (the last `.expiry(..)` call wins).
///
/// ```compile_fail
/// # use redis_typed::commands::Set;
/// let _ = Set::new("k", "v").nx().nx();
/// ```
///
/// ```compile_fail
/// # use redis_typed::commands::Set;
/// let _ = Set::new("k", "v").get::<String>().get::<String>();
/// ```
///
/// `value` must write exactly one argument (a string, number or byte
/// buffer): a collection would make the server reject the command.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Set<K, V, M = Plain> {
    key: K,
    value: V,
    condition: Option<Condition>,
    expiry: Option<Expiry>,
    _mode: PhantomData<M>,
}

impl<K: RedisKey, V: SingleArg> Set<K, V> {
    /// `SET key value`: replies `()`.
    pub fn new(key: K, value: V) -> Self {
        Set {
            key,
            value,
            condition: None,
            expiry: None,
            _mode: PhantomData,
        }
    }
}

impl<K, V, M> Set<K, V, M> {
    /// The expiration (`EX`, `PX`, `EXAT`, `PXAT` or `KEEPTTL`). Replaces
    /// any expiration set before.
    pub fn expiry(mut self, expiry: Expiry) -> Self {
        self.expiry = Some(expiry);
        self
    }

    fn into_mode<N>(self, condition: Option<Condition>) -> Set<K, V, N> {
        Set {
            key: self.key,
            value: self.value,
            condition: condition.or(self.condition),
            expiry: self.expiry,
            _mode: PhantomData,
        }
    }
}

impl<K, V> Set<K, V, Plain> {
    /// `NX`: set only if the key does not exist. Replies `bool`.
    pub fn nx(self) -> Set<K, V, Conditional> {
        self.into_mode(Some(Condition::Nx))
    }

    /// `XX`: set only if the key already exists. Replies `bool`.
    pub fn xx(self) -> Set<K, V, Conditional> {
        self.into_mode(Some(Condition::Xx))
    }

    /// `GET`: reply with the old value, decoded as `Option<T>` (Redis
    /// 6.2+). Fails with `WRONGTYPE` if the old value is not a string.
    pub fn get<T: FromRedisValue>(self) -> Set<K, V, WithGet<T>> {
        self.into_mode(None)
    }
}

impl<K, V> Set<K, V, Conditional> {
    /// `GET`: reply with the old value, decoded as `Option<T>` (with `NX`:
    /// Redis 7.0+).
    pub fn get<T: FromRedisValue>(self) -> Set<K, V, ConditionalWithGet<T>> {
        self.into_mode(None)
    }
}

impl<K, V, T> Set<K, V, WithGet<T>> {
    /// `NX`: set only if the key does not exist (Redis 7.0+ with `GET`).
    pub fn nx(self) -> Set<K, V, ConditionalWithGet<T>> {
        self.into_mode(Some(Condition::Nx))
    }

    /// `XX`: set only if the key already exists.
    pub fn xx(self) -> Set<K, V, ConditionalWithGet<T>> {
        self.into_mode(Some(Condition::Xx))
    }
}

impl<K: RedisKey, V: SingleArg, M: SetReply> Command for Set<K, V, M> {
    type Response = M::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"SET");
        self.key.write_redis_args(out);
        self.value.write_redis_args(out);
        if let Some(condition) = self.condition {
            out.write_arg(condition.token());
        }
        if M::GET {
            out.write_arg(b"GET");
        }
        if let Some(expiry) = &self.expiry {
            expiry.write(out);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

// ----------------------------------------------------------------- MGET

/// `MGET key [key ...]`: the values of several keys, `None` for each key
/// that does not exist (or does not hold a string).
///
/// Reply: `Vec<Option<V>>`, one element per key, in order. At least one key
/// is required (the server rejects an empty `MGET`). In a cluster all keys
/// must hash to the same slot.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct MGet<K, V = Bytes> {
    keys: Vec<K>,
    _reply: PhantomData<fn() -> V>,
}

impl<K: RedisKey, V: FromRedisValue> MGet<K, V> {
    /// `MGET key [key ...]`.
    pub fn new(keys: impl IntoIterator<Item = K>) -> Self {
        MGet {
            keys: keys.into_iter().collect(),
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, V: FromRedisValue> Command for MGet<K, V> {
    type Response = Vec<Option<V>>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"MGET");
        for key in &self.keys {
            key.write_redis_args(out);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        for key in &self.keys {
            f(key.key_bytes());
        }
    }

    fn read_only(&self) -> bool {
        true
    }
}

// ----------------------------------------------------------------- MSET

/// `MSET key value [key value ...]`: sets several keys at once
/// (atomically).
///
/// Reply: `()`. At least one pair is required. In a cluster all keys must
/// hash to the same slot.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct MSet<K, V> {
    pairs: Vec<(K, V)>,
}

impl<K: RedisKey, V: SingleArg> MSet<K, V> {
    /// `MSET key value [key value ...]` from `(key, value)` pairs.
    pub fn new(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        MSet {
            pairs: pairs.into_iter().collect(),
        }
    }
}

impl<K: RedisKey, V: SingleArg> Command for MSet<K, V> {
    type Response = ();

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"MSET");
        for (key, value) in &self.pairs {
            key.write_redis_args(out);
            value.write_redis_args(out);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        for (key, _) in &self.pairs {
            f(key.key_bytes());
        }
    }
}

// ----------------------------------------------------------------- INCR

/// `INCR key`: adds 1 to the integer stored at `key` (a missing key counts
/// as 0).
///
/// Reply: `i64`, the new value.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Incr<K> {
    key: K,
}

impl<K: RedisKey> Incr<K> {
    /// `INCR key`.
    pub fn new(key: K) -> Self {
        Incr { key }
    }
}

impl<K: RedisKey> Command for Incr<K> {
    type Response = i64;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"INCR");
        self.key.write_redis_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

// --------------------------------------------------------------- INCRBY

/// `INCRBY key increment`: adds `increment` (possibly negative) to the
/// integer stored at `key`.
///
/// Reply: `i64`, the new value.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct IncrBy<K> {
    key: K,
    increment: i64,
}

impl<K: RedisKey> IncrBy<K> {
    /// `INCRBY key increment`.
    pub fn new(key: K, increment: i64) -> Self {
        IncrBy { key, increment }
    }
}

impl<K: RedisKey> Command for IncrBy<K> {
    type Response = i64;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"INCRBY");
        self.key.write_redis_args(out);
        out.write_i64(self.increment);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}
