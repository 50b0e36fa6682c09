//! `ZPOPMIN` and `ZPOPMAX`: remove and return the lowest / highest scored
//! members of a sorted set.

use std::marker::PhantomData;
use std::ops::Deref;

use bytes::Bytes;

use crate::commands::fields::{strip, Items};
use crate::commands::marker_data::{NoCount, WithCount, ZPopReply};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, RedisKey};

/// The reply of `ZPOPMIN` / `ZPOPMAX` without `COUNT`: the popped member
/// and its score, `None` when the sorted set was empty or missing.
///
/// A newtype rather than `Option<(V, f64)>` because the server says "none"
/// with an *empty array*, not nil. Read it with [`into_option`] (or
/// `Option::from`), or through `Deref` (`popped.is_some()`).
///
/// [`into_option`]: ZPopped::into_option
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ZPopped<V>(pub Option<(V, f64)>);

impl<V> ZPopped<V> {
    /// The member and its score, if one was popped.
    pub fn into_option(self) -> Option<(V, f64)> {
        self.0
    }
}

impl<V> Deref for ZPopped<V> {
    type Target = Option<(V, f64)>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<V> From<ZPopped<V>> for Option<(V, f64)> {
    fn from(popped: ZPopped<V>) -> Self {
        popped.0
    }
}

impl<V: FromRedisValue> FromRedisValue for ZPopped<V> {
    /// `[member, score]`, or an empty array (or nil) for none.
    fn from_redis_value(value: Value) -> Result<Self> {
        match strip(value) {
            Value::Nil => Ok(ZPopped(None)),
            Value::Array(items) if items.is_empty() => Ok(ZPopped(None)),
            other => {
                let mut items = Items::<Self>::new(other, 2, 2)?;
                Ok(ZPopped(Some((
                    items.required("member")?,
                    items.required("score")?,
                ))))
            }
        }
    }
}

macro_rules! zpop_command {
    ($(#[$doc:meta])* $name:ident, $wire:literal, $which:literal) => {
        $(#[$doc])*
        ///
        /// | built with   | reply                                                   |
        /// |--------------|---------------------------------------------------------|
        /// | `new(key)`   | [`ZPopped<V>`]: the member and its score, or none       |
        /// | `.count(n)`  | `Vec<(V, f64)>`: up to `n` members with their scores     |
        ///
        /// `V` defaults to [`Bytes`]. RESP3 `[[m, s], ...]` and RESP2 flat
        /// `m s m s` replies decode alike.
        #[derive(Debug, Clone)]
        #[must_use = "a command does nothing until it is sent"]
        pub struct $name<K, V = Bytes, C = NoCount> {
            key: K,
            count: Option<u64>,
            _reply: PhantomData<fn() -> (V, C)>,
        }

        impl<K: RedisKey, V: FromRedisValue> $name<K, V> {
            #[doc = concat!("`", $wire, " key`: the ", $which, " scored member.")]
            pub fn new(key: K) -> Self {
                $name {
                    key,
                    count: None,
                    _reply: PhantomData,
                }
            }

            #[doc = concat!("`", $wire, " key count`: up to `count` members, ", $which, " first; replies `Vec<(V, f64)>`.")]
            pub fn count(self, count: u64) -> $name<K, V, WithCount> {
                $name {
                    key: self.key,
                    count: Some(count),
                    _reply: PhantomData,
                }
            }
        }

        impl<K: RedisKey, V: FromRedisValue, C: ZPopReply<V>> Command for $name<K, V, C> {
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

zpop_command!(
    /// `ZPOPMIN key [count]`: removes and returns the members with the
    /// lowest scores.
    ZPopMin,
    "ZPOPMIN",
    "lowest"
);

zpop_command!(
    /// `ZPOPMAX key [count]`: removes and returns the members with the
    /// highest scores.
    ZPopMax,
    "ZPOPMAX",
    "highest"
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;

    #[test]
    fn one_scored_member_or_a_list() {
        let cmd = ZPopMin::<_, String>::new("z");
        check(&cmd, &["ZPOPMIN", "z"], &["z"], false);
        assert_response::<ZPopped<String>, _>(&cmd);
        // RESP3 double, RESP2 string score.
        let got = decode(&cmd, arr(vec![bulk("a"), double(1.5)])).unwrap();
        assert_eq!(got.into_option(), Some(("a".to_string(), 1.5)));
        let got = decode(&cmd, arr(vec![bulk("a"), bulk("1.5")])).unwrap();
        assert_eq!(got.as_ref().map(|(_, s)| *s), Some(1.5));
        // Empty or missing: an empty array.
        assert_eq!(decode(&cmd, arr(vec![])).unwrap(), ZPopped(None));

        let cmd = ZPopMax::<_, String>::new("z").count(2);
        check(&cmd, &["ZPOPMAX", "z", "2"], &["z"], false);
        assert_response::<Vec<(String, f64)>, _>(&cmd);
        let resp3 = arr(vec![
            arr(vec![bulk("b"), double(2.0)]),
            arr(vec![bulk("a"), double(1.0)]),
        ]);
        let resp2 = arr(vec![bulk("b"), bulk("2"), bulk("a"), bulk("1")]);
        let expected = vec![("b".to_string(), 2.0), ("a".to_string(), 1.0)];
        assert_eq!(decode(&cmd, resp3).unwrap(), expected);
        assert_eq!(decode(&cmd, resp2).unwrap(), expected);
        let err = decode(&ZPopMin::<_, String>::new("z"), arr(vec![bulk("a")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("ZPopped"), "{err}");
    }
}
