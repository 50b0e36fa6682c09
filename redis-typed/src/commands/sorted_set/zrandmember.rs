//! `ZRANDMEMBER`: random members of a sorted set.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::marker_data::{CountReply, CountWithScores, NoCount, WithCount};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

/// `ZRANDMEMBER key [count [WITHSCORES]]`: random members of a sorted set.
///
/// | built with                   | reply                                               |
/// |------------------------------|-----------------------------------------------------|
/// | `ZRandMember::new(key)`      | `Option<V>`: one member, `None` for a missing key    |
/// | `.count(n)`                  | `Vec<V>`: `n > 0` distinct members, `n < 0` exactly `-n` possibly repeated |
/// | `.count(n).with_scores()`    | `Vec<(V, f64)>`: the same, with scores               |
///
/// `WITHSCORES` needs a count, so [`with_scores`](ZRandMember::with_scores)
/// exists only after [`count`](ZRandMember::count). `V` defaults to
/// [`Bytes`].
///
/// ```compile_fail
/// # use redis_typed::commands::ZRandMember;
/// let _ = ZRandMember::<_, String>::new("z").with_scores();
/// ```
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ZRandMember<K, V = Bytes, C = NoCount> {
    key: K,
    count: Option<i64>,
    _reply: PhantomData<fn() -> (V, C)>,
}

impl<K: RedisKey, V: FromRedisValue> ZRandMember<K, V> {
    /// `ZRANDMEMBER key`: one random member.
    pub fn new(key: K) -> Self {
        ZRandMember {
            key,
            count: None,
            _reply: PhantomData,
        }
    }

    /// `count`: several members (negative: repetitions allowed); replies
    /// `Vec<V>`.
    pub fn count(self, count: i64) -> ZRandMember<K, V, WithCount> {
        ZRandMember {
            key: self.key,
            count: Some(count),
            _reply: PhantomData,
        }
    }
}

impl<K, V> ZRandMember<K, V, WithCount> {
    /// `WITHSCORES`: replies `Vec<(V, f64)>`.
    pub fn with_scores(self) -> ZRandMember<K, V, CountWithScores> {
        ZRandMember {
            key: self.key,
            count: self.count,
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, V: FromRedisValue, C: CountReply<V>> Command for ZRandMember<K, V, C> {
    type Response = C::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ZRANDMEMBER");
        self.key.write_redis_args(out);
        if let Some(count) = self.count {
            out.write_i64(count);
        }
        if let Some(token) = C::WITH {
            out.write_arg(token);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::resp::Value;

    #[test]
    fn three_reply_shapes() {
        let cmd = ZRandMember::<_, String>::new("z");
        check(&cmd, &["ZRANDMEMBER", "z"], &["z"], true);
        assert_response::<Option<String>, _>(&cmd);
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);

        let cmd = ZRandMember::<_, String>::new("z").count(-2);
        check(&cmd, &["ZRANDMEMBER", "z", "-2"], &["z"], true);
        assert_response::<Vec<String>, _>(&cmd);

        let cmd = ZRandMember::<_, String>::new("z").count(2).with_scores();
        check(&cmd, &["ZRANDMEMBER", "z", "2", "WITHSCORES"], &["z"], true);
        assert_response::<Vec<(String, f64)>, _>(&cmd);
        let resp3 = arr(vec![arr(vec![bulk("a"), double(1.0)])]);
        let resp2 = arr(vec![bulk("a"), bulk("1")]);
        assert_eq!(decode(&cmd, resp3).unwrap(), [("a".to_string(), 1.0)]);
        assert_eq!(decode(&cmd, resp2).unwrap(), [("a".to_string(), 1.0)]);
    }
}
