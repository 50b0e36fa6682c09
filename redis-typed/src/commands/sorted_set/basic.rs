//! Sorted set commands: `ZADD`, `ZRANGE`.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, ScoreBound, ZAdd, ZRange};
//!
//! // ZADD board 10 ann 20 bob -> i64 (members added).
//! let mut out = BytesMut::new();
//! encode(&ZAdd::new("board", [(10.0, "ann"), (20.0, "bob")]), &mut out);
//! assert_eq!(
//!     &out[..],
//!     b"*6\r\n$4\r\nZADD\r\n$5\r\nboard\r\n$4\r\n10.0\r\n$3\r\nann\r\n$4\r\n20.0\r\n$3\r\nbob\r\n"
//! );
//!
//! // The top 3 by score, highest first, with their scores:
//! // ZRANGE board +inf -inf BYSCORE REV LIMIT 0 3 WITHSCORES -> Vec<(String, f64)>
//! let top = ZRange::<_, String>::by_score("board", ScoreBound::MAX, ScoreBound::MIN)
//!     .rev()
//!     .limit(0, 3)
//!     .with_scores();
//! let mut out = BytesMut::new();
//! encode(&top, &mut out);
//! assert!(out.ends_with(b"$3\r\nREV\r\n$5\r\nLIMIT\r\n$1\r\n0\r\n$1\r\n3\r\n$10\r\nWITHSCORES\r\n"));
//! ```

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::marker::{
    ByIndex, ByLex, ByScore, Count, Increment, NoScores, RangeBy, ScoresReply, WithScores,
    ZAddReply,
};
use crate::commands::options::{Comparison, Condition, LexBound, ScoreBound};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

// ----------------------------------------------------------------- ZADD

/// `ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member
/// ...]`: adds members with scores, or updates their scores.
///
/// Members are `(score, member)` pairs, in wire order. The reply type
/// follows the marker `I`:
///
/// - [`ZAdd::new`] ([`Count`]): `i64`, the number of members added (with
///   [`ch`](ZAdd::ch): added or updated).
/// - [`ZAdd::incr`] ([`Increment`]): `Option<f64>`, the member's new score,
///   `None` when a condition stopped the update. `INCR` takes exactly one
///   member, so it is a constructor rather than a flag.
///
/// `NX`/`XX` are one choice and `GT`/`LT` another (the last call in each
/// group wins). Redis rejects `NX` together with `GT` or `LT`.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ZAdd<K, M, I = Count> {
    key: K,
    members: Vec<(f64, M)>,
    condition: Option<Condition>,
    comparison: Option<Comparison>,
    ch: bool,
    _mode: PhantomData<I>,
}

impl<K: RedisKey, M: SingleArg> ZAdd<K, M> {
    /// `ZADD key score member [score member ...]`: replies the number of
    /// members added.
    pub fn new(key: K, members: impl IntoIterator<Item = (f64, M)>) -> Self {
        ZAdd {
            key,
            members: members.into_iter().collect(),
            condition: None,
            comparison: None,
            ch: false,
            _mode: PhantomData,
        }
    }

    /// `ZADD key INCR increment member`: adds `increment` to the member's
    /// score (like `ZINCRBY`) and replies the new score, `Option<f64>`.
    pub fn incr(key: K, increment: f64, member: M) -> ZAdd<K, M, Increment> {
        ZAdd {
            key,
            members: vec![(increment, member)],
            condition: None,
            comparison: None,
            ch: false,
            _mode: PhantomData,
        }
    }

    /// `CH`: count updated members as well as added ones in the reply.
    pub fn ch(mut self) -> Self {
        self.ch = true;
        self
    }
}

impl<K, M, I> ZAdd<K, M, I> {
    /// `NX`: only add new members, never update existing ones.
    pub fn nx(mut self) -> Self {
        self.condition = Some(Condition::Nx);
        self
    }

    /// `XX`: only update existing members, never add new ones.
    pub fn xx(mut self) -> Self {
        self.condition = Some(Condition::Xx);
        self
    }

    /// `GT`: only update a score if the new one is greater (new members are
    /// still added unless `XX`).
    pub fn gt(mut self) -> Self {
        self.comparison = Some(Comparison::Gt);
        self
    }

    /// `LT`: only update a score if the new one is less (new members are
    /// still added unless `XX`).
    pub fn lt(mut self) -> Self {
        self.comparison = Some(Comparison::Lt);
        self
    }
}

impl<K: RedisKey, M: SingleArg, I: ZAddReply> Command for ZAdd<K, M, I> {
    type Response = I::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ZADD");
        self.key.write_redis_args(out);
        if let Some(condition) = self.condition {
            out.write_arg(condition.token());
        }
        if let Some(comparison) = self.comparison {
            out.write_arg(comparison.token());
        }
        if self.ch {
            out.write_arg(b"CH");
        }
        if I::INCR {
            out.write_arg(b"INCR");
        }
        for (score, member) in &self.members {
            out.write_f64(*score);
            member.write_redis_args(out);
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key.key_bytes());
    }
}

// --------------------------------------------------------------- ZRANGE

/// `ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count]
/// [WITHSCORES]`: members in a range, by rank, score or lexicographically.
///
/// The constructor chooses the kind of range (marker `R`): [`ZRange::new`]
/// by rank, [`ZRange::by_score`], [`ZRange::by_lex`]; [`limit`] exists only
/// on the latter two. With [`rev`](ZRange::rev), `start` is the high end
/// (`by_score(key, ScoreBound::MAX, ScoreBound::MIN)`).
///
/// Reply: `Vec<V>` (`V` defaults to [`Bytes`]); after
/// [`with_scores`](ZRange::with_scores), `Vec<(V, f64)>` (marker `S`).
///
/// ```compile_fail
/// # use redis_typed::commands::ZRange;
/// // LIMIT needs BYSCORE or BYLEX.
/// let _ = ZRange::<_, String>::new("z", 0, -1).limit(0, 10);
/// ```
///
/// [`limit`]: ZRange::limit
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ZRange<K, V = Bytes, S = NoScores, R = ByIndex> {
    key: K,
    range: R,
    rev: bool,
    _reply: PhantomData<fn() -> (V, S)>,
}

impl<K: RedisKey, V: FromRedisValue> ZRange<K, V> {
    /// `ZRANGE key start stop`: by rank, 0-based, both inclusive, negative
    /// from the end (`0 -1` is every member).
    pub fn new(key: K, start: i64, stop: i64) -> Self {
        ZRange {
            key,
            range: ByIndex { start, stop },
            rev: false,
            _reply: PhantomData,
        }
    }

    /// `ZRANGE key min max BYSCORE`: members whose score is in range (a
    /// plain `f64` is an inclusive bound).
    pub fn by_score(
        key: K,
        start: impl Into<ScoreBound>,
        stop: impl Into<ScoreBound>,
    ) -> ZRange<K, V, NoScores, ByScore> {
        ZRange {
            key,
            range: ByScore {
                start: start.into(),
                stop: stop.into(),
                limit: None,
            },
            rev: false,
            _reply: PhantomData,
        }
    }

    /// `ZRANGE key min max BYLEX`: members in lexicographic range (for a
    /// sorted set whose scores are all equal).
    pub fn by_lex(key: K, start: LexBound, stop: LexBound) -> ZRange<K, V, NoScores, ByLex> {
        ZRange {
            key,
            range: ByLex {
                start,
                stop,
                limit: None,
            },
            rev: false,
            _reply: PhantomData,
        }
    }
}

impl<K, V, S, R> ZRange<K, V, S, R> {
    /// `REV`: from the highest score (or rank, or member) down.
    pub fn rev(mut self) -> Self {
        self.rev = true;
        self
    }
}

impl<K, V, R> ZRange<K, V, NoScores, R> {
    /// `WITHSCORES`: reply `Vec<(V, f64)>`.
    pub fn with_scores(self) -> ZRange<K, V, WithScores, R> {
        ZRange {
            key: self.key,
            range: self.range,
            rev: self.rev,
            _reply: PhantomData,
        }
    }
}

impl<K, V, S> ZRange<K, V, S, ByScore> {
    /// `LIMIT offset count`: skip `offset` matches, return at most `count`
    /// (a negative `count` returns all from `offset`).
    pub fn limit(mut self, offset: i64, count: i64) -> Self {
        self.range.limit = Some((offset, count));
        self
    }
}

impl<K, V, S> ZRange<K, V, S, ByLex> {
    /// `LIMIT offset count`: skip `offset` matches, return at most `count`
    /// (a negative `count` returns all from `offset`).
    pub fn limit(mut self, offset: i64, count: i64) -> Self {
        self.range.limit = Some((offset, count));
        self
    }
}

impl<K, V, S, R> Command for ZRange<K, V, S, R>
where
    K: RedisKey,
    V: FromRedisValue,
    S: ScoresReply<V>,
    R: RangeBy,
{
    type Response = S::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ZRANGE");
        self.key.write_redis_args(out);
        self.range.write_range(out);
        if self.rev {
            out.write_arg(b"REV");
        }
        if let Some((offset, count)) = self.range.limit() {
            out.write_arg(b"LIMIT");
            out.write_i64(offset);
            out.write_i64(count);
        }
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
