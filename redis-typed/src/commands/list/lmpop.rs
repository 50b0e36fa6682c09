//! `LMPOP` and `BLMPOP`: pop from the first non-empty list among several.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::multi_pop::MultiPop;
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

/// `LMPOP numkeys key [key ...] LEFT | RIGHT [COUNT count]`: pops up to
/// `count` elements (default 1) from the first of `keys` that holds a
/// non-empty list (Redis 7.0+).
///
/// The side is the constructor: [`LMPop::left`] or [`LMPop::right`].
/// Reply: `Option<(Bytes, Vec<V>)>`, the name of the list popped from and
/// its popped elements; `None` when every list is empty. `V` defaults to
/// [`Bytes`]. In a cluster all keys must hash to the same slot.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct LMPop<K, V = Bytes> {
    pop: MultiPop<K>,
    _reply: PhantomData<fn() -> V>,
}

impl<K: RedisKey, V: FromRedisValue> LMPop<K, V> {
    /// `LMPOP numkeys key [key ...] LEFT`: from the head.
    pub fn left(keys: impl IntoIterator<Item = K>) -> Self {
        Self::with_side(keys, b"LEFT")
    }

    /// `LMPOP numkeys key [key ...] RIGHT`: from the tail.
    pub fn right(keys: impl IntoIterator<Item = K>) -> Self {
        Self::with_side(keys, b"RIGHT")
    }

    fn with_side(keys: impl IntoIterator<Item = K>, side: &'static [u8]) -> Self {
        LMPop {
            pop: MultiPop::new(keys, side),
            _reply: PhantomData,
        }
    }

    /// `COUNT count`: pop up to `count` elements (from one list).
    pub fn count(mut self, count: u64) -> Self {
        self.pop.count(count);
        self
    }
}

impl<K: RedisKey, V: FromRedisValue> Command for LMPop<K, V> {
    type Response = Option<(Bytes, Vec<V>)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"LMPOP");
        self.pop.write_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        self.pop.for_each_key(f)
    }
}

/// `BLMPOP timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]`:
/// [`LMPop`] that blocks until a list has elements or `timeout` seconds
/// pass (0: forever). Redis 7.0+.
///
/// Reply: `Option<(Bytes, Vec<V>)>`, `None` on timeout. Send it on a
/// dedicated connection (`Client::dedicated`): it holds the connection
/// while it waits.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct BLMPop<K, V = Bytes> {
    timeout: f64,
    inner: LMPop<K, V>,
}

impl<K: RedisKey, V: FromRedisValue> BLMPop<K, V> {
    /// `BLMPOP timeout numkeys key [key ...] LEFT`.
    pub fn left(keys: impl IntoIterator<Item = K>, timeout: f64) -> Self {
        BLMPop {
            timeout,
            inner: LMPop::left(keys),
        }
    }

    /// `BLMPOP timeout numkeys key [key ...] RIGHT`.
    pub fn right(keys: impl IntoIterator<Item = K>, timeout: f64) -> Self {
        BLMPop {
            timeout,
            inner: LMPop::right(keys),
        }
    }

    /// `COUNT count`: pop up to `count` elements (from one list).
    pub fn count(mut self, count: u64) -> Self {
        self.inner.pop.count(count);
        self
    }
}

impl<K: RedisKey, V: FromRedisValue> Command for BLMPop<K, V> {
    type Response = Option<(Bytes, Vec<V>)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"BLMPOP");
        out.write_f64(self.timeout);
        self.inner.pop.write_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        self.inner.for_each_key(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::resp::Value;

    #[test]
    fn numkeys_keys_side_count() {
        let cmd = LMPop::<_, String>::left(["a", "b"]).count(2);
        check(
            &cmd,
            &["LMPOP", "2", "a", "b", "LEFT", "COUNT", "2"],
            &["a", "b"],
            false,
        );
        assert_response::<Option<(Bytes, Vec<String>)>, _>(&cmd);
        let reply = arr(vec![bulk("b"), arr(vec![bulk("x"), bulk("y")])]);
        let (key, items) = decode(&cmd, reply).unwrap().unwrap();
        assert_eq!((&key[..], items), (&b"b"[..], vec!["x".into(), "y".into()]));
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);

        let cmd = BLMPop::<_, String>::right(["a"], 0.5);
        check(&cmd, &["BLMPOP", "0.5", "1", "a", "RIGHT"], &["a"], false);
        assert_response::<Option<(Bytes, Vec<String>)>, _>(&cmd);
    }
}
