//! `SRANDMEMBER`: random members of a set, without removing them.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::marker_data::{CountReply, NoCount, WithCount};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

/// `SRANDMEMBER key [count]`: random members of a set.
///
/// | built with                 | reply                                            |
/// |----------------------------|--------------------------------------------------|
/// | `SRandMember::new(key)`    | `Option<V>`: one member, `None` for a missing key |
/// | `.count(n)`                | `Vec<V>`: `n > 0` distinct members (at most the set's size); `n < 0` exactly `-n` members, possibly repeated; empty for a missing key |
///
/// `V` defaults to [`Bytes`].
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct SRandMember<K, V = Bytes, C = NoCount> {
    key: K,
    count: Option<i64>,
    _reply: PhantomData<fn() -> (V, C)>,
}

impl<K: RedisKey, V: FromRedisValue> SRandMember<K, V> {
    /// `SRANDMEMBER key`: one random member.
    pub fn new(key: K) -> Self {
        SRandMember {
            key,
            count: None,
            _reply: PhantomData,
        }
    }

    /// `count`: several members (negative: repetitions allowed); replies
    /// `Vec<V>`.
    pub fn count(self, count: i64) -> SRandMember<K, V, WithCount> {
        SRandMember {
            key: self.key,
            count: Some(count),
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, V: FromRedisValue, C: CountReply<V>> Command for SRandMember<K, V, C> {
    type Response = C::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"SRANDMEMBER");
        self.key.write_redis_args(out);
        if let Some(count) = self.count {
            out.write_i64(count);
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
    fn one_member_or_a_list() {
        let cmd = SRandMember::<_, String>::new("s");
        check(&cmd, &["SRANDMEMBER", "s"], &["s"], true);
        assert_response::<Option<String>, _>(&cmd);
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);

        let cmd = SRandMember::<_, i64>::new("s").count(-3);
        check(&cmd, &["SRANDMEMBER", "s", "-3"], &["s"], true);
        assert_response::<Vec<i64>, _>(&cmd);
        assert_eq!(
            decode(&cmd, arr(vec![bulk("1"), bulk("1"), bulk("2")])).unwrap(),
            [1, 1, 2]
        );
        assert_eq!(decode(&cmd, arr(vec![])).unwrap(), Vec::<i64>::new());
    }
}
