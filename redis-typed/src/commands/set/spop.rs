//! `SPOP`: remove and return random members of a set.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::marker_data::{CountReply, NoCount, WithCount};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

/// `SPOP key [count]`: removes random members from a set and replies with
/// them (the set is deleted when its last member goes).
///
/// | built with                | reply                                             |
/// |---------------------------|---------------------------------------------------|
/// | `SPop::new(key)`          | `Option<V>`: the member, `None` for a missing key  |
/// | `.count(n)`               | `Vec<V>`: up to `n` distinct members (empty for a missing key) |
///
/// `V` defaults to [`Bytes`].
///
/// ```
/// use redis_typed::commands::{Command, SPop};
/// fn reply_of<C: Command>(_: &C) -> &'static str { std::any::type_name::<C::Response>() }
/// assert_eq!(reply_of(&SPop::<_, String>::new("s")), "core::option::Option<alloc::string::String>");
/// assert_eq!(reply_of(&SPop::<_, String>::new("s").count(3)), "alloc::vec::Vec<alloc::string::String>");
/// ```
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct SPop<K, V = Bytes, C = NoCount> {
    key: K,
    count: Option<u64>,
    _reply: PhantomData<fn() -> (V, C)>,
}

impl<K: RedisKey, V: FromRedisValue> SPop<K, V> {
    /// `SPOP key`: one random member.
    pub fn new(key: K) -> Self {
        SPop {
            key,
            count: None,
            _reply: PhantomData,
        }
    }

    /// `count`: up to `count` distinct members; replies `Vec<V>`.
    pub fn count(self, count: u64) -> SPop<K, V, WithCount> {
        SPop {
            key: self.key,
            count: Some(count),
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, V: FromRedisValue, C: CountReply<V>> Command for SPop<K, V, C> {
    type Response = C::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"SPOP");
        self.key.write_redis_args(out);
        if let Some(count) = self.count {
            out.write_u64(count);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::resp::Value;

    #[test]
    fn one_member_or_a_list() {
        let cmd = SPop::<_, String>::new("s");
        check(&cmd, &["SPOP", "s"], &["s"], false);
        assert_response::<Option<String>, _>(&cmd);
        assert_eq!(decode(&cmd, bulk("a")).unwrap().as_deref(), Some("a"));
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);

        let cmd = SPop::<_, String>::new("s").count(2);
        check(&cmd, &["SPOP", "s", "2"], &["s"], false);
        assert_response::<Vec<String>, _>(&cmd);
        // RESP3 may send a set, RESP2 an array.
        let set = Value::Set(vec![bulk("a"), bulk("b")]);
        assert_eq!(decode(&cmd, set).unwrap(), ["a", "b"]);
        assert_eq!(decode(&cmd, arr(vec![bulk("a")])).unwrap(), ["a"]);
        let default: SPop<&str> = SPop::new("s");
        assert_response::<Option<Bytes>, _>(&default);
    }
}
