//! `ZMPOP` and `BZMPOP`: pop scored members from the first non-empty
//! sorted set among several.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::multi_pop::MultiPop;
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

/// `ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]`: pops up to
/// `count` members (default 1) with the lowest or highest scores from the
/// first of `keys` that is non-empty (Redis 7.0+).
///
/// The side is the constructor: [`ZMPop::min`] or [`ZMPop::max`]. Reply:
/// `Option<(Bytes, Vec<(V, f64)>)>`, the key popped from and its popped
/// members with their scores; `None` when all are empty. `V` defaults to
/// [`Bytes`]. In a cluster all keys must hash to the same slot.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ZMPop<K, V = Bytes> {
    pop: MultiPop<K>,
    _reply: PhantomData<fn() -> V>,
}

impl<K: RedisKey, V: FromRedisValue> ZMPop<K, V> {
    /// `ZMPOP numkeys key [key ...] MIN`: the lowest scores.
    pub fn min(keys: impl IntoIterator<Item = K>) -> Self {
        Self::with_side(keys, b"MIN")
    }

    /// `ZMPOP numkeys key [key ...] MAX`: the highest scores.
    pub fn max(keys: impl IntoIterator<Item = K>) -> Self {
        Self::with_side(keys, b"MAX")
    }

    fn with_side(keys: impl IntoIterator<Item = K>, side: &'static [u8]) -> Self {
        ZMPop {
            pop: MultiPop::new(keys, side),
            _reply: PhantomData,
        }
    }

    /// `COUNT count`: pop up to `count` members (from one sorted set).
    pub fn count(mut self, count: u64) -> Self {
        self.pop.count(count);
        self
    }
}

impl<K: RedisKey, V: FromRedisValue> Command for ZMPop<K, V> {
    type Response = Option<(Bytes, Vec<(V, f64)>)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ZMPOP");
        self.pop.write_args(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        self.pop.for_each_key(f)
    }
}

/// `BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count]`:
/// [`ZMPop`] that blocks until a sorted set has members or `timeout`
/// seconds pass (0: forever). Redis 7.0+.
///
/// Reply: `Option<(Bytes, Vec<(V, f64)>)>`, `None` on timeout. Send it on a
/// dedicated connection (`Client::dedicated`).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct BZMPop<K, V = Bytes> {
    timeout: f64,
    inner: ZMPop<K, V>,
}

impl<K: RedisKey, V: FromRedisValue> BZMPop<K, V> {
    /// `BZMPOP timeout numkeys key [key ...] MIN`.
    pub fn min(keys: impl IntoIterator<Item = K>, timeout: f64) -> Self {
        BZMPop {
            timeout,
            inner: ZMPop::min(keys),
        }
    }

    /// `BZMPOP timeout numkeys key [key ...] MAX`.
    pub fn max(keys: impl IntoIterator<Item = K>, timeout: f64) -> Self {
        BZMPop {
            timeout,
            inner: ZMPop::max(keys),
        }
    }

    /// `COUNT count`: pop up to `count` members (from one sorted set).
    pub fn count(mut self, count: u64) -> Self {
        self.inner.pop.count(count);
        self
    }
}

impl<K: RedisKey, V: FromRedisValue> Command for BZMPop<K, V> {
    type Response = Option<(Bytes, Vec<(V, f64)>)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"BZMPOP");
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
    fn numkeys_keys_side_count_and_both_reply_shapes() {
        let cmd = ZMPop::<_, String>::max(["a", "b"]).count(2);
        check(
            &cmd,
            &["ZMPOP", "2", "a", "b", "MAX", "COUNT", "2"],
            &["a", "b"],
            false,
        );
        assert_response::<Option<(Bytes, Vec<(String, f64)>)>, _>(&cmd);
        let resp3 = arr(vec![
            bulk("a"),
            arr(vec![arr(vec![bulk("m"), double(3.0)])]),
        ]);
        let resp2 = arr(vec![bulk("a"), arr(vec![arr(vec![bulk("m"), bulk("3")])])]);
        for reply in [resp3, resp2] {
            let (key, members) = decode(&cmd, reply).unwrap().unwrap();
            assert_eq!(key, "a");
            assert_eq!(members, [("m".to_string(), 3.0)]);
        }
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);

        let cmd = BZMPop::<_, String>::min(["a"], 0.25);
        check(&cmd, &["BZMPOP", "0.25", "1", "a", "MIN"], &["a"], false);
    }
}
