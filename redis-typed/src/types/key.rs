//! [`RedisKey`]: the types that can name a key.

use bytes::Bytes;

use super::ToRedisArgs;

/// A type that can be used as a key: it has a byte representation the
/// cluster router can hash. Strings and byte buffers are keys; numbers,
/// floats and collections are not, so passing one where a key is required
/// does not compile.
pub trait RedisKey: ToRedisArgs {
    /// The key's bytes, as sent.
    fn key_bytes(&self) -> &[u8];
}

impl RedisKey for str {
    fn key_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}
impl RedisKey for String {
    fn key_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}
impl RedisKey for [u8] {
    fn key_bytes(&self) -> &[u8] {
        self
    }
}
impl RedisKey for Vec<u8> {
    fn key_bytes(&self) -> &[u8] {
        self
    }
}
impl RedisKey for Bytes {
    fn key_bytes(&self) -> &[u8] {
        self
    }
}
impl<const N: usize> RedisKey for [u8; N] {
    fn key_bytes(&self) -> &[u8] {
        self
    }
}
impl<K: RedisKey + ?Sized> RedisKey for &K {
    fn key_bytes(&self) -> &[u8] {
        (**self).key_bytes()
    }
}

impl RedisKey for std::borrow::Cow<'_, str> {
    fn key_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}
impl RedisKey for std::borrow::Cow<'_, [u8]> {
    fn key_bytes(&self) -> &[u8] {
        self
    }
}
impl<K: RedisKey + ?Sized> RedisKey for Box<K> {
    fn key_bytes(&self) -> &[u8] {
        (**self).key_bytes()
    }
}
impl<K: RedisKey + ?Sized> RedisKey for std::sync::Arc<K> {
    fn key_bytes(&self) -> &[u8] {
        (**self).key_bytes()
    }
}
