//! `ZUNION`, `ZINTER`, `ZDIFF`: set algebra over sorted sets, replied
//! directly (the `*STORE` variants store the result instead).

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::marker::{NoScores, ScoresReply, WithScores};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

/// `AGGREGATE SUM | MIN | MAX`: how `ZUNION` / `ZINTER` combine the scores
/// of a member present in several sets (default: sum).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Aggregate {
    /// `SUM`: add the (weighted) scores.
    #[default]
    Sum,
    /// `MIN`: keep the lowest.
    Min,
    /// `MAX`: keep the highest.
    Max,
}

impl Aggregate {
    fn token(self) -> &'static [u8] {
        match self {
            Aggregate::Sum => b"SUM",
            Aggregate::Min => b"MIN",
            Aggregate::Max => b"MAX",
        }
    }
}

/// Writes `numkeys key [key ...]`.
fn write_keys<K: RedisKey, W: ArgWriter + ?Sized>(out: &mut W, keys: &[K]) {
    out.write_u64(keys.len() as u64);
    for key in keys {
        key.write_redis_args(out);
    }
}

macro_rules! weighted_op {
    ($(#[$doc:meta])* $name:ident, $wire:literal) => {
        $(#[$doc])*
        ///
        /// Reply: `Vec<V>` (`V` defaults to [`Bytes`]); after `.with_scores()`,
        /// `Vec<(V, f64)>`. In a cluster all keys must hash to the same slot.
        #[derive(Debug, Clone)]
        #[must_use = "a command does nothing until it is sent"]
        pub struct $name<K, V = Bytes, S = NoScores> {
            keys: Vec<K>,
            weights: Vec<f64>,
            aggregate: Option<Aggregate>,
            _reply: PhantomData<fn() -> (V, S)>,
        }

        impl<K: RedisKey, V: FromRedisValue> $name<K, V> {
            #[doc = concat!("`", $wire, " numkeys key [key ...]`.")]
            pub fn new(keys: impl IntoIterator<Item = K>) -> Self {
                $name {
                    keys: keys.into_iter().collect(),
                    weights: Vec::new(),
                    aggregate: None,
                    _reply: PhantomData,
                }
            }
        }

        impl<K, V> $name<K, V, NoScores> {
            /// `WITHSCORES`: reply `Vec<(V, f64)>`.
            pub fn with_scores(self) -> $name<K, V, WithScores> {
                $name {
                    keys: self.keys,
                    weights: self.weights,
                    aggregate: self.aggregate,
                    _reply: PhantomData,
                }
            }
        }

        impl<K, V, S> $name<K, V, S> {
            /// `WEIGHTS weight [weight ...]`: one multiplier per key, in key
            /// order (the server rejects a different count).
            pub fn weights(mut self, weights: impl IntoIterator<Item = f64>) -> Self {
                self.weights = weights.into_iter().collect();
                self
            }

            /// `AGGREGATE SUM | MIN | MAX`.
            pub fn aggregate(mut self, aggregate: Aggregate) -> Self {
                self.aggregate = Some(aggregate);
                self
            }
        }

        impl<K: RedisKey, V: FromRedisValue, S: ScoresReply<V>> Command for $name<K, V, S> {
            type Response = S::Response;

            fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                out.write_arg($wire.as_bytes());
                write_keys(out, &self.keys);
                if !self.weights.is_empty() {
                    out.write_arg(b"WEIGHTS");
                    for weight in &self.weights {
                        out.write_f64(*weight);
                    }
                }
                if let Some(aggregate) = self.aggregate {
                    out.write_arg(b"AGGREGATE");
                    out.write_arg(aggregate.token());
                }
                if S::WITH_SCORES {
                    out.write_arg(b"WITHSCORES");
                }
            }

            fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
                for key in &self.keys {
                    f(key.key_bytes());
                }
            }

            fn read_only(&self) -> bool {
                true
            }
        }
    };
}

weighted_op!(
    /// `ZUNION numkeys key [key ...] [WEIGHTS weight [weight ...]]
    /// [AGGREGATE SUM | MIN | MAX] [WITHSCORES]`: the members of any of the
    /// sets (Redis 6.2+).
    ZUnion,
    "ZUNION"
);

weighted_op!(
    /// `ZINTER numkeys key [key ...] [WEIGHTS weight [weight ...]]
    /// [AGGREGATE SUM | MIN | MAX] [WITHSCORES]`: the members of all of the
    /// sets (Redis 6.2+).
    ZInter,
    "ZINTER"
);

/// `ZDIFF numkeys key [key ...] [WITHSCORES]`: the members of the first set
/// that are in none of the others, with the first set's scores (Redis
/// 6.2+).
///
/// Reply: `Vec<V>` (`V` defaults to [`Bytes`]); after
/// [`with_scores`](ZDiff::with_scores), `Vec<(V, f64)>`. In a cluster all
/// keys must hash to the same slot.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ZDiff<K, V = Bytes, S = NoScores> {
    keys: Vec<K>,
    _reply: PhantomData<fn() -> (V, S)>,
}

impl<K: RedisKey, V: FromRedisValue> ZDiff<K, V> {
    /// `ZDIFF numkeys key [key ...]`.
    pub fn new(keys: impl IntoIterator<Item = K>) -> Self {
        ZDiff {
            keys: keys.into_iter().collect(),
            _reply: PhantomData,
        }
    }
}

impl<K, V> ZDiff<K, V, NoScores> {
    /// `WITHSCORES`: reply `Vec<(V, f64)>`.
    pub fn with_scores(self) -> ZDiff<K, V, WithScores> {
        ZDiff {
            keys: self.keys,
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, V: FromRedisValue, S: ScoresReply<V>> Command for ZDiff<K, V, S> {
    type Response = S::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ZDIFF");
        write_keys(out, &self.keys);
        if S::WITH_SCORES {
            out.write_arg(b"WITHSCORES");
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        for key in &self.keys {
            f(key.key_bytes());
        }
    }

    fn read_only(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;

    #[test]
    fn numkeys_then_keys_then_options() {
        let cmd = ZUnion::<_, String>::new(["a", "b"])
            .weights([1.0, 2.5])
            .aggregate(Aggregate::Max)
            .with_scores();
        check(
            &cmd,
            &[
                "ZUNION",
                "2",
                "a",
                "b",
                "WEIGHTS",
                "1.0",
                "2.5",
                "AGGREGATE",
                "MAX",
                "WITHSCORES",
            ],
            &["a", "b"],
            true,
        );
        assert_response::<Vec<(String, f64)>, _>(&cmd);

        let cmd = ZInter::<_, String>::new(["a", "b"]);
        check(&cmd, &["ZINTER", "2", "a", "b"], &["a", "b"], true);
        assert_response::<Vec<String>, _>(&cmd);

        let cmd = ZDiff::<_, String>::new(["a", "b", "c"]).with_scores();
        check(
            &cmd,
            &["ZDIFF", "3", "a", "b", "c", "WITHSCORES"],
            &["a", "b", "c"],
            true,
        );
        let resp3 = arr(vec![arr(vec![bulk("x"), double(1.0)])]);
        let resp2 = arr(vec![bulk("x"), bulk("1")]);
        assert_eq!(decode(&cmd, resp3).unwrap(), [("x".to_string(), 1.0)]);
        assert_eq!(decode(&cmd, resp2).unwrap(), [("x".to_string(), 1.0)]);
    }
}
