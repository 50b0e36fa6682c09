//! The range commands `ZRANGE` replaced in Redis 6.2: `ZRANGEBYSCORE`,
//! `ZREVRANGEBYSCORE`, `ZREVRANGE`, `ZRANGEBYLEX`, `ZREVRANGEBYLEX`.
//!
//! They are deprecated here as they are in Redis; [`ZRange`] with
//! `by_score` / `by_lex` / `rev` sends the same query. They stay for
//! servers older than 6.2.
//!
//! [`ZRange`]: super::ZRange

// The types below are deprecated; their own impls still name them.
#![allow(deprecated)]

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::marker::{NoScores, ScoresReply, WithScores};
use crate::commands::options::{LexBound, ScoreBound};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

macro_rules! by_score {
    ($(#[$doc:meta])* $name:ident, $wire:literal, $note:literal, $from:ident, $to:ident) => {
        $(#[$doc])*
        ///
        /// Reply: `Vec<V>` (`V` defaults to [`Bytes`]); after `.with_scores()`,
        /// `Vec<(V, f64)>`, from RESP3 pairs or a RESP2 flat list alike.
        #[deprecated(note = $note)]
        #[derive(Debug, Clone)]
        #[must_use = "a command does nothing until it is sent"]
        pub struct $name<K, V = Bytes, S = NoScores> {
            key: K,
            $from: ScoreBound,
            $to: ScoreBound,
            limit: Option<(i64, i64)>,
            _reply: PhantomData<fn() -> (V, S)>,
        }

        impl<K: RedisKey, V: FromRedisValue> $name<K, V> {
            #[doc = concat!("`", $wire, " key ", stringify!($from), " ", stringify!($to), "` (a plain `f64` is an inclusive bound).")]
            pub fn new(key: K, $from: impl Into<ScoreBound>, $to: impl Into<ScoreBound>) -> Self {
                $name {
                    key,
                    $from: $from.into(),
                    $to: $to.into(),
                    limit: None,
                    _reply: PhantomData,
                }
            }
        }

        impl<K, V> $name<K, V, NoScores> {
            /// `WITHSCORES`: reply `Vec<(V, f64)>`.
            pub fn with_scores(self) -> $name<K, V, WithScores> {
                $name {
                    key: self.key,
                    $from: self.$from,
                    $to: self.$to,
                    limit: self.limit,
                    _reply: PhantomData,
                }
            }
        }

        impl<K, V, S> $name<K, V, S> {
            /// `LIMIT offset count`: skip `offset` matches, return at most
            /// `count` (negative: all from `offset`).
            pub fn limit(mut self, offset: i64, count: i64) -> Self {
                self.limit = Some((offset, count));
                self
            }
        }

        impl<K: RedisKey, V: FromRedisValue, S: ScoresReply<V>> Command for $name<K, V, S> {
            type Response = S::Response;

            fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                out.write_arg($wire.as_bytes());
                self.key.write_redis_args(out);
                self.$from.write(out);
                self.$to.write(out);
                if S::WITH_SCORES {
                    out.write_arg(b"WITHSCORES");
                }
                if let Some((offset, count)) = self.limit {
                    out.write_arg(b"LIMIT");
                    out.write_i64(offset);
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
    };
}

by_score!(
    /// `ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]`:
    /// members with scores between `min` and `max`, lowest first.
    ZRangeByScore,
    "ZRANGEBYSCORE",
    "use ZRange with BYSCORE: `ZRange::by_score(key, min, max)`",
    min,
    max
);

by_score!(
    /// `ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]`:
    /// members with scores between `max` and `min`, highest first.
    ZRevRangeByScore,
    "ZREVRANGEBYSCORE",
    "use ZRange with BYSCORE and REV: `ZRange::by_score(key, max, min).rev()`",
    max,
    min
);

/// `ZREVRANGE key start stop [WITHSCORES]`: members by rank, highest score
/// first (`0 -1` is every member).
///
/// Reply: `Vec<V>` (`V` defaults to [`Bytes`]); after
/// [`with_scores`](ZRevRange::with_scores), `Vec<(V, f64)>`.
#[deprecated(note = "use ZRange with REV: `ZRange::new(key, start, stop).rev()`")]
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ZRevRange<K, V = Bytes, S = NoScores> {
    key: K,
    start: i64,
    stop: i64,
    _reply: PhantomData<fn() -> (V, S)>,
}

impl<K: RedisKey, V: FromRedisValue> ZRevRange<K, V> {
    /// `ZREVRANGE key start stop`.
    pub fn new(key: K, start: i64, stop: i64) -> Self {
        ZRevRange {
            key,
            start,
            stop,
            _reply: PhantomData,
        }
    }
}

impl<K, V> ZRevRange<K, V, NoScores> {
    /// `WITHSCORES`: reply `Vec<(V, f64)>`.
    pub fn with_scores(self) -> ZRevRange<K, V, WithScores> {
        ZRevRange {
            key: self.key,
            start: self.start,
            stop: self.stop,
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, V: FromRedisValue, S: ScoresReply<V>> Command for ZRevRange<K, V, S> {
    type Response = S::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ZREVRANGE");
        self.key.write_redis_args(out);
        out.write_i64(self.start);
        out.write_i64(self.stop);
        if S::WITH_SCORES {
            out.write_arg(b"WITHSCORES");
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

macro_rules! by_lex {
    ($(#[$doc:meta])* $name:ident, $wire:literal, $note:literal, $from:ident, $to:ident) => {
        $(#[$doc])*
        ///
        /// Meant for sorted sets whose scores are all equal. Reply: `Vec<V>`
        /// (`V` defaults to [`Bytes`]).
        #[deprecated(note = $note)]
        #[derive(Debug, Clone)]
        #[must_use = "a command does nothing until it is sent"]
        pub struct $name<K, V = Bytes> {
            key: K,
            $from: LexBound,
            $to: LexBound,
            limit: Option<(i64, i64)>,
            _reply: PhantomData<fn() -> V>,
        }

        impl<K: RedisKey, V: FromRedisValue> $name<K, V> {
            #[doc = concat!("`", $wire, " key ", stringify!($from), " ", stringify!($to), "`.")]
            pub fn new(key: K, $from: LexBound, $to: LexBound) -> Self {
                $name {
                    key,
                    $from,
                    $to,
                    limit: None,
                    _reply: PhantomData,
                }
            }

            /// `LIMIT offset count`: skip `offset` matches, return at most
            /// `count` (negative: all from `offset`).
            pub fn limit(mut self, offset: i64, count: i64) -> Self {
                self.limit = Some((offset, count));
                self
            }
        }

        impl<K: RedisKey, V: FromRedisValue> Command for $name<K, V> {
            type Response = Vec<V>;

            fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                out.write_arg($wire.as_bytes());
                self.key.write_redis_args(out);
                out.write_arg(self.$from.as_bytes());
                out.write_arg(self.$to.as_bytes());
                if let Some((offset, count)) = self.limit {
                    out.write_arg(b"LIMIT");
                    out.write_i64(offset);
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
    };
}

by_lex!(
    /// `ZRANGEBYLEX key min max [LIMIT offset count]`: members between two
    /// lexicographic bounds, in order.
    ZRangeByLex,
    "ZRANGEBYLEX",
    "use ZRange with BYLEX: `ZRange::by_lex(key, min, max)`",
    min,
    max
);

by_lex!(
    /// `ZREVRANGEBYLEX key max min [LIMIT offset count]`: members between
    /// two lexicographic bounds, in reverse order.
    ZRevRangeByLex,
    "ZREVRANGEBYLEX",
    "use ZRange with BYLEX and REV: `ZRange::by_lex(key, max, min).rev()`",
    max,
    min
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;

    #[test]
    fn by_score_with_scores_and_limit() {
        let cmd = ZRangeByScore::<_, String>::new("z", ScoreBound::Exclusive(1.0), ScoreBound::MAX)
            .limit(0, 2)
            .with_scores();
        check(
            &cmd,
            &[
                "ZRANGEBYSCORE",
                "z",
                "(1.0",
                "inf",
                "WITHSCORES",
                "LIMIT",
                "0",
                "2",
            ],
            &["z"],
            true,
        );
        assert_response::<Vec<(String, f64)>, _>(&cmd);
        let resp3 = arr(vec![arr(vec![bulk("a"), double(2.0)])]);
        let resp2 = arr(vec![bulk("a"), bulk("2")]);
        assert_eq!(decode(&cmd, resp3).unwrap(), [("a".to_string(), 2.0)]);
        assert_eq!(decode(&cmd, resp2).unwrap(), [("a".to_string(), 2.0)]);

        let cmd = ZRevRangeByScore::<_, String>::new("z", 10.0, ScoreBound::MIN);
        check(
            &cmd,
            &["ZREVRANGEBYSCORE", "z", "10.0", "-inf"],
            &["z"],
            true,
        );
        assert_response::<Vec<String>, _>(&cmd);
    }

    #[test]
    fn rev_range_and_lex() {
        let cmd = ZRevRange::<_, String>::new("z", 0, -1);
        check(&cmd, &["ZREVRANGE", "z", "0", "-1"], &["z"], true);
        assert_response::<Vec<String>, _>(&cmd);
        let cmd = cmd.with_scores();
        check(
            &cmd,
            &["ZREVRANGE", "z", "0", "-1", "WITHSCORES"],
            &["z"],
            true,
        );
        assert_response::<Vec<(String, f64)>, _>(&cmd);

        let cmd =
            ZRangeByLex::<_, String>::new("z", LexBound::inclusive("a"), LexBound::MAX).limit(1, 1);
        check(
            &cmd,
            &["ZRANGEBYLEX", "z", "[a", "+", "LIMIT", "1", "1"],
            &["z"],
            true,
        );
        let cmd = ZRevRangeByLex::<_, String>::new("z", LexBound::MAX, LexBound::exclusive("b"));
        check(&cmd, &["ZREVRANGEBYLEX", "z", "+", "(b"], &["z"], true);
        assert_response::<Vec<String>, _>(&cmd);
    }
}
