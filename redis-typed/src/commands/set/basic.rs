//! Set commands: `SADD`, `SMEMBERS`.
//!
//! ```
//! use std::collections::BTreeSet;
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, SAdd, SMembers};
//!
//! let mut out = BytesMut::new();
//! encode(&SAdd::new("tags", ["red", "blue"]), &mut out);
//! assert_eq!(&out[..], b"*4\r\n$4\r\nSADD\r\n$4\r\ntags\r\n$3\r\nred\r\n$4\r\nblue\r\n");
//!
//! // The members, in whichever collection the caller prefers.
//! let members = SMembers::<_, BTreeSet<String>>::new("tags");
//! # let _ = members;
//! ```

use std::collections::HashSet;
use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

// ----------------------------------------------------------------- SADD

/// `SADD key member [member ...]`: adds members to a set.
///
/// Reply: `i64`, the number of members that were not already in the set.
/// At least one member is required.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct SAdd<K, M> {
    key: K,
    members: Vec<M>,
}

impl<K: RedisKey, M: SingleArg> SAdd<K, M> {
    /// `SADD key member [member ...]`.
    pub fn new(key: K, members: impl IntoIterator<Item = M>) -> Self {
        SAdd {
            key,
            members: members.into_iter().collect(),
        }
    }
}

impl<K: RedisKey, M: SingleArg> Command for SAdd<K, M> {
    type Response = i64;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"SADD");
        self.key.write_redis_args(out);
        for member in &self.members {
            member.write_redis_args(out);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

// ------------------------------------------------------------- SMEMBERS

/// `SMEMBERS key`: every member of a set.
///
/// Reply: `R`, any collection decodable from a RESP3 set or RESP2 array
/// (`HashSet<T>`, `BTreeSet<T>`, `Vec<T>`); defaults to `HashSet<Bytes>`.
/// Empty when the key does not exist.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct SMembers<K, R = HashSet<Bytes>> {
    key: K,
    _reply: PhantomData<fn() -> R>,
}

impl<K: RedisKey, R: FromRedisValue> SMembers<K, R> {
    /// `SMEMBERS key`.
    pub fn new(key: K) -> Self {
        SMembers {
            key,
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, R: FromRedisValue> Command for SMembers<K, R> {
    type Response = R;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"SMEMBERS");
        self.key.write_redis_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}
