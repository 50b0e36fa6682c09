//! `LPOP` and `RPOP`: remove and return elements from either end of a list.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::marker_data::{CountReply, NoCount, WithCount};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

macro_rules! pop_command {
    ($(#[$doc:meta])* $name:ident, $wire:literal) => {
        $(#[$doc])*
        ///
        /// | built with            | reply                                                  |
        /// |-----------------------|--------------------------------------------------------|
        /// | `new(key)`            | `Option<V>`: the element, `None` for a missing key      |
        /// | `.count(n)`           | `Vec<V>`: up to `n` elements (Redis 6.2+); empty for a missing key (the server's nil) |
        ///
        /// `V` defaults to [`Bytes`].
        #[derive(Debug, Clone)]
        #[must_use = "a command does nothing until it is sent"]
        pub struct $name<K, V = Bytes, C = NoCount> {
            key: K,
            count: Option<u64>,
            _reply: PhantomData<fn() -> (V, C)>,
        }

        impl<K: RedisKey, V: FromRedisValue> $name<K, V> {
            #[doc = concat!("`", $wire, " key`: one element.")]
            pub fn new(key: K) -> Self {
                $name {
                    key,
                    count: None,
                    _reply: PhantomData,
                }
            }

            #[doc = concat!("`", $wire, " key count`: up to `count` elements; replies `Vec<V>`.")]
            pub fn count(self, count: u64) -> $name<K, V, WithCount> {
                $name {
                    key: self.key,
                    count: Some(count),
                    _reply: PhantomData,
                }
            }
        }

        impl<K: RedisKey, V: FromRedisValue, C: CountReply<V>> Command for $name<K, V, C> {
            type Response = C::Response;

            fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                out.write_arg($wire.as_bytes());
                self.key.write_redis_args(out);
                if let Some(count) = self.count {
                    out.write_u64(count);
                }
            }

            fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
                f(self.key.key_bytes());
            }
        }
    };
}

pop_command!(
    /// `LPOP key [count]`: removes and returns the first element(s) of a
    /// list (the key is deleted when the list empties).
    LPop,
    "LPOP"
);

pop_command!(
    /// `RPOP key [count]`: removes and returns the last element(s) of a
    /// list, last first (the key is deleted when the list empties).
    RPop,
    "RPOP"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::resp::Value;

    #[test]
    fn one_element_or_a_list() {
        let cmd = LPop::<_, String>::new("l");
        check(&cmd, &["LPOP", "l"], &["l"], false);
        assert_response::<Option<String>, _>(&cmd);
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);

        let cmd = RPop::<_, i64>::new("l").count(2);
        check(&cmd, &["RPOP", "l", "2"], &["l"], false);
        assert_response::<Vec<i64>, _>(&cmd);
        assert_eq!(
            decode(&cmd, arr(vec![bulk("3"), bulk("2")])).unwrap(),
            [3, 2]
        );
        // A missing key with COUNT: nil, read as empty.
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), Vec::<i64>::new());
        let default: LPop<&str> = LPop::new("l");
        assert_response::<Option<Bytes>, _>(&default);
    }
}
