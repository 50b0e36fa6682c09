//! `BZPOPMIN` and `BZPOPMAX`: blocking pops of the lowest / highest scored
//! member among several sorted sets.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

macro_rules! bzpop_command {
    ($(#[$doc:meta])* $name:ident, $wire:literal) => {
        $(#[$doc])*
        ///
        /// Reply: `Option<(Bytes, V, f64)>`: the key popped from, the member
        /// and its score; `None` when `timeout` seconds passed (0: wait
        /// forever). `V` defaults to [`Bytes`]. Send it on a dedicated
        /// connection (`Client::dedicated`): it holds the connection while it
        /// waits. In a cluster all keys must hash to the same slot.
        #[derive(Debug, Clone)]
        #[must_use = "a command does nothing until it is sent"]
        pub struct $name<K, V = Bytes> {
            keys: Vec<K>,
            timeout: f64,
            _reply: PhantomData<fn() -> V>,
        }

        impl<K: RedisKey, V: FromRedisValue> $name<K, V> {
            #[doc = concat!("`", $wire, " key [key ...] timeout`.")]
            pub fn new(keys: impl IntoIterator<Item = K>, timeout: f64) -> Self {
                $name {
                    keys: keys.into_iter().collect(),
                    timeout,
                    _reply: PhantomData,
                }
            }
        }

        impl<K: RedisKey, V: FromRedisValue> Command for $name<K, V> {
            type Response = Option<(Bytes, V, f64)>;

            fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                out.write_arg($wire.as_bytes());
                for key in &self.keys {
                    key.write_redis_args(out);
                }
                out.write_f64(self.timeout);
            }

            fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
                for key in &self.keys {
                    f(key.key_bytes());
                }
            }
        }
    };
}

bzpop_command!(
    /// `BZPOPMIN key [key ...] timeout`: pops the lowest scored member of
    /// the first non-empty sorted set, waiting for one if all are empty.
    BZPopMin,
    "BZPOPMIN"
);

bzpop_command!(
    /// `BZPOPMAX key [key ...] timeout`: pops the highest scored member of
    /// the first non-empty sorted set, waiting for one if all are empty.
    BZPopMax,
    "BZPOPMAX"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::resp::Value;

    #[test]
    fn keys_then_timeout() {
        let cmd = BZPopMin::<_, String>::new(["a", "b"], 1.5);
        check(&cmd, &["BZPOPMIN", "a", "b", "1.5"], &["a", "b"], false);
        assert_response::<Option<(Bytes, String, f64)>, _>(&cmd);
        let reply = arr(vec![bulk("b"), bulk("m"), double(2.5)]);
        assert_eq!(
            decode(&cmd, reply).unwrap(),
            Some((Bytes::from("b"), "m".to_string(), 2.5))
        );
        let reply = arr(vec![bulk("b"), bulk("m"), bulk("2.5")]);
        assert_eq!(decode(&cmd, reply).unwrap().unwrap().2, 2.5);
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);
        let cmd = BZPopMax::<_, String>::new(["a"], 0.0);
        check(&cmd, &["BZPOPMAX", "a", "0.0"], &["a"], false);
    }
}
