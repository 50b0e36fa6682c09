//! Generic key commands: `DEL`, `EXISTS`, `EXPIRE`, `TTL`.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, keys_of, Del, Expire};
//!
//! let del = Del::new(["a", "b"]);
//! assert_eq!(keys_of(&del), [b"a".to_vec(), b"b".to_vec()]);
//!
//! // EXPIRE session 30 NX -> bool (true when the timeout was set).
//! let mut out = BytesMut::new();
//! encode(&Expire::new("session", 30).nx(), &mut out);
//! assert_eq!(
//!     &out[..],
//!     b"*4\r\n$6\r\nEXPIRE\r\n$7\r\nsession\r\n$2\r\n30\r\n$2\r\nNX\r\n"
//! );
//! ```

use std::time::Duration;

use crate::commands::options::{Comparison, Condition};
use crate::commands::Command;
use crate::error::{Error, Result};
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, RedisKey};

// ------------------------------------------------------------------ DEL

/// `DEL key [key ...]`: removes keys.
///
/// Reply: `i64`, the number of keys that existed and were removed. At least
/// one key is required. In a cluster all keys must hash to the same slot.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Del<K> {
    keys: Vec<K>,
}

impl<K: RedisKey> Del<K> {
    /// `DEL key [key ...]`.
    pub fn new(keys: impl IntoIterator<Item = K>) -> Self {
        Del {
            keys: keys.into_iter().collect(),
        }
    }
}

impl<K: RedisKey> Command for Del<K> {
    type Response = i64;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"DEL");
        for key in &self.keys {
            key.write_redis_args(out);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        for key in &self.keys {
            f(key.key_bytes());
        }
    }
}

// --------------------------------------------------------------- EXISTS

/// `EXISTS key [key ...]`: counts the given keys that exist.
///
/// Reply: `i64`; a key named twice is counted twice. At least one key is
/// required. In a cluster all keys must hash to the same slot.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Exists<K> {
    keys: Vec<K>,
}

impl<K: RedisKey> Exists<K> {
    /// `EXISTS key [key ...]`.
    pub fn new(keys: impl IntoIterator<Item = K>) -> Self {
        Exists {
            keys: keys.into_iter().collect(),
        }
    }
}

impl<K: RedisKey> Command for Exists<K> {
    type Response = i64;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"EXISTS");
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

// --------------------------------------------------------------- EXPIRE

/// `EXPIRE key seconds [NX | XX | GT | LT]`: sets a timeout on `key`.
///
/// A zero or negative `seconds` deletes the key. The conditions (Redis
/// 7.0+) are one choice: the last of `.nx()`, `.xx()`, `.gt()`, `.lt()`
/// wins.
///
/// Reply: `bool`, `true` when the timeout was set, `false` when the key does
/// not exist or the condition was not met.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Expire<K> {
    key: K,
    seconds: i64,
    condition: Option<ExpireCondition>,
}

/// The `NX | XX | GT | LT` choice of `EXPIRE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExpireCondition {
    Exists(Condition),
    Compare(Comparison),
}

impl<K: RedisKey> Expire<K> {
    /// `EXPIRE key seconds`.
    pub fn new(key: K, seconds: i64) -> Self {
        Expire {
            key,
            seconds,
            condition: None,
        }
    }
}

impl<K> Expire<K> {
    /// `NX`: only if the key has no timeout yet.
    pub fn nx(mut self) -> Self {
        self.condition = Some(ExpireCondition::Exists(Condition::Nx));
        self
    }

    /// `XX`: only if the key already has a timeout.
    pub fn xx(mut self) -> Self {
        self.condition = Some(ExpireCondition::Exists(Condition::Xx));
        self
    }

    /// `GT`: only if the new timeout is greater than the current one (a key
    /// without timeout counts as an infinite one).
    pub fn gt(mut self) -> Self {
        self.condition = Some(ExpireCondition::Compare(Comparison::Gt));
        self
    }

    /// `LT`: only if the new timeout is less than the current one (a key
    /// without timeout counts as an infinite one).
    pub fn lt(mut self) -> Self {
        self.condition = Some(ExpireCondition::Compare(Comparison::Lt));
        self
    }
}

impl<K: RedisKey> Command for Expire<K> {
    type Response = bool;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"EXPIRE");
        self.key.write_redis_args(out);
        out.write_i64(self.seconds);
        match self.condition {
            Some(ExpireCondition::Exists(c)) => out.write_arg(c.token()),
            Some(ExpireCondition::Compare(c)) => out.write_arg(c.token()),
            None => {}
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

// ------------------------------------------------------------------ TTL

/// `TTL key`: the remaining time to live of `key`.
///
/// Reply: [`KeyTtl`], decoded from the integer reply (`-2`: no such key,
/// `-1`: no timeout, otherwise seconds).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Ttl<K> {
    key: K,
}

impl<K: RedisKey> Ttl<K> {
    /// `TTL key`.
    pub fn new(key: K) -> Self {
        Ttl { key }
    }
}

impl<K: RedisKey> Command for Ttl<K> {
    type Response = KeyTtl;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"TTL");
        self.key.write_redis_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

/// The reply of `TTL`: the three cases Redis encodes in one integer.
///
/// ```
/// use std::time::Duration;
/// use redis_typed::{FromRedisValue, Value};
/// use redis_typed::commands::KeyTtl;
///
/// assert_eq!(KeyTtl::from_redis_value(Value::Integer(-2)).unwrap(), KeyTtl::Missing);
/// assert_eq!(KeyTtl::from_redis_value(Value::Integer(-1)).unwrap(), KeyTtl::Persistent);
/// assert_eq!(
///     KeyTtl::from_redis_value(Value::Integer(30)).unwrap(),
///     KeyTtl::ExpiresIn(Duration::from_secs(30))
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyTtl {
    /// `-2`: the key does not exist.
    Missing,
    /// `-1`: the key exists and has no timeout.
    Persistent,
    /// The key expires after this long (whole seconds).
    ExpiresIn(Duration),
}

impl KeyTtl {
    /// The remaining time, when the key exists and has a timeout.
    pub fn remaining(self) -> Option<Duration> {
        match self {
            KeyTtl::ExpiresIn(d) => Some(d),
            _ => None,
        }
    }
}

impl FromRedisValue for KeyTtl {
    /// An integer in seconds: `-2`, `-1` or a non-negative count.
    fn from_redis_value(value: Value) -> Result<Self> {
        match i64::from_redis_value(value)? {
            -2 => Ok(KeyTtl::Missing),
            -1 => Ok(KeyTtl::Persistent),
            secs if secs >= 0 => Ok(KeyTtl::ExpiresIn(Duration::from_secs(secs.unsigned_abs()))),
            other => Err(Error::Conversion {
                expected: std::any::type_name::<KeyTtl>(),
                received: format!("integer {other}"),
            }),
        }
    }
}
