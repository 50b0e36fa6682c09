//! `XRANGE` and `XREVRANGE`: the entries of a stream between two ids.

use std::marker::PhantomData;

use bytes::Bytes;

use super::entry::{StreamEntry, StreamFields};
use crate::commands::stream::fields::arg_bytes;
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

macro_rules! range_command {
    ($(#[$doc:meta])* $name:ident, $wire:literal, $from:ident, $to:ident) => {
        $(#[$doc])*
        ///
        /// Ids are any [`SingleArg`]: a [`StreamId`](super::StreamId),
        /// `"-"` / `"+"` (the first / last entry), a bare millisecond time
        /// (`"1526985054069"`), or an exclusive bound (`"(1526985054069-0"`,
        /// Redis 6.2+).
        ///
        /// Reply: `Vec<StreamEntry<F>>`, each entry's fields decoded as `F`
        /// (default [`StreamFields`], `(field, value)` pairs).
        #[derive(Debug, Clone)]
        #[must_use = "a command does nothing until it is sent"]
        pub struct $name<K, F = StreamFields> {
            key: K,
            $from: Bytes,
            $to: Bytes,
            count: Option<u64>,
            _reply: PhantomData<fn() -> F>,
        }

        impl<K: RedisKey, F: FromRedisValue> $name<K, F> {
            #[doc = concat!("`", $wire, " key ", stringify!($from), " ", stringify!($to), "`.")]
            pub fn new(key: K, $from: impl SingleArg, $to: impl SingleArg) -> Self {
                $name {
                    key,
                    $from: arg_bytes(&$from),
                    $to: arg_bytes(&$to),
                    count: None,
                    _reply: PhantomData,
                }
            }

            /// `COUNT count`: at most `count` entries.
            pub fn count(mut self, count: u64) -> Self {
                self.count = Some(count);
                self
            }
        }

        impl<K: RedisKey, F: FromRedisValue> Command for $name<K, F> {
            type Response = Vec<StreamEntry<F>>;

            fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                out.write_arg($wire.as_bytes());
                self.key.write_redis_args(out);
                out.write_arg(&self.$from);
                out.write_arg(&self.$to);
                if let Some(count) = self.count {
                    out.write_arg(b"COUNT");
                    out.write_u64(count);
                }
            }

            fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
                f(self.key.key_bytes());
            }

            fn read_only(&self) -> bool {
                true
            }
        }
    };
}

range_command!(
    /// `XRANGE key start end [COUNT count]`: the entries with ids from
    /// `start` to `end`, oldest first.
    XRange,
    "XRANGE",
    start,
    end
);

range_command!(
    /// `XREVRANGE key end start [COUNT count]`: the entries with ids from
    /// `end` down to `start`, newest first.
    XRevRange,
    "XREVRANGE",
    end,
    start
);

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::commands::stream::fields::test_support::*;
    use crate::commands::StreamId;

    #[test]
    fn ranges_and_entries() {
        let cmd = XRange::<_>::new("s", "-", StreamId::new(5, 0)).count(10);
        check(
            &cmd,
            &["XRANGE", "s", "-", "5-0", "COUNT", "10"],
            &["s"],
            true,
        );
        assert_response::<Vec<StreamEntry<StreamFields>>, _>(&cmd);
        let cmd = XRevRange::<_, HashMap<String, i64>>::new("s", "+", "(1-0");
        check(&cmd, &["XREVRANGE", "s", "+", "(1-0"], &["s"], true);
        let reply = arr(vec![
            arr(vec![bulk("3-0"), arr(vec![bulk("n"), bulk("3")])]),
            arr(vec![bulk("2-0"), arr(vec![bulk("n"), bulk("2")])]),
        ]);
        let entries = decode(&cmd, reply).unwrap();
        assert_eq!(entries[0].id, StreamId::new(3, 0));
        assert_eq!(entries[1].fields["n"], 2);
    }
}
