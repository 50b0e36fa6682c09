//! `LCS`: the longest common subsequence of two strings.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::fields::{Fields, Items};
use crate::commands::marker_data::{LcsIdx, LcsLen, LcsReply, LcsString};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, RedisKey};

/// `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]`:
/// the longest common subsequence of the strings at two keys (Redis 7.0+;
/// a missing key reads as the empty string).
///
/// | built with                          | reply                                 |
/// |-------------------------------------|---------------------------------------|
/// | `Lcs::new(k1, k2)`                  | `V`: the subsequence (default [`Bytes`]) |
/// | `.len()`                            | `i64`: its length                     |
/// | `.idx()`                            | [`LcsMatches`]: the matching ranges   |
///
/// `LEN` and `IDX` exclude each other; `MINMATCHLEN` and `WITHMATCHLEN`
/// exist only after `.idx()`.
///
/// ```compile_fail
/// # use redis_typed::commands::Lcs;
/// let _ = Lcs::<_, String>::new("a", "b").len().idx();
/// ```
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Lcs<K, V = Bytes, M = LcsString> {
    key1: K,
    key2: K,
    min_match_len: Option<u64>,
    with_match_len: bool,
    _reply: PhantomData<fn() -> (V, M)>,
}

impl<K: RedisKey, V: FromRedisValue> Lcs<K, V> {
    /// `LCS key1 key2`: replies the subsequence, `V`.
    pub fn new(key1: K, key2: K) -> Self {
        Lcs {
            key1,
            key2,
            min_match_len: None,
            with_match_len: false,
            _reply: PhantomData,
        }
    }

    /// `LEN`: replies the subsequence's length, `i64`.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> Lcs<K, V, LcsLen> {
        self.into_mode()
    }

    /// `IDX`: replies the matching ranges, [`LcsMatches`].
    pub fn idx(self) -> Lcs<K, V, LcsIdx> {
        self.into_mode()
    }
}

impl<K, V, M> Lcs<K, V, M> {
    fn into_mode<N>(self) -> Lcs<K, V, N> {
        Lcs {
            key1: self.key1,
            key2: self.key2,
            min_match_len: self.min_match_len,
            with_match_len: self.with_match_len,
            _reply: PhantomData,
        }
    }
}

impl<K, V> Lcs<K, V, LcsIdx> {
    /// `MINMATCHLEN len`: only report matches at least `len` long.
    pub fn min_match_len(mut self, len: u64) -> Self {
        self.min_match_len = Some(len);
        self
    }

    /// `WITHMATCHLEN`: report each match's length ([`LcsMatch::len`]).
    pub fn with_match_len(mut self) -> Self {
        self.with_match_len = true;
        self
    }
}

impl<K: RedisKey, V, M: LcsReply<V>> Command for Lcs<K, V, M> {
    type Response = M::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"LCS");
        self.key1.write_redis_args(out);
        self.key2.write_redis_args(out);
        if let Some(token) = M::TOKEN {
            out.write_arg(token);
        }
        if let Some(len) = self.min_match_len {
            out.write_arg(b"MINMATCHLEN");
            out.write_u64(len);
        }
        if self.with_match_len {
            out.write_arg(b"WITHMATCHLEN");
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        f(self.key1.key_bytes());
        f(self.key2.key_bytes());
    }

    fn read_only(&self) -> bool {
        true
    }
}

/// The reply of `LCS ... IDX`: where the common subsequence is in both
/// strings.
///
/// Decoded from a RESP3 map or a RESP2 flat `matches [...] len n` array.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct LcsMatches {
    /// The matching ranges, last match (highest offsets) first, as Redis
    /// sends them.
    pub matches: Vec<LcsMatch>,
    /// The length of the longest common subsequence.
    pub len: i64,
}

/// One match of `LCS ... IDX`: the same run of bytes in both strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct LcsMatch {
    /// The run's `(start, end)` offsets in the first string, both inclusive.
    pub first: (i64, i64),
    /// The run's `(start, end)` offsets in the second string, both
    /// inclusive.
    pub second: (i64, i64),
    /// The run's length, with `WITHMATCHLEN` (`None` otherwise).
    pub len: Option<i64>,
}

impl FromRedisValue for LcsMatches {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<Self>::new(value)?;
        Ok(LcsMatches {
            matches: fields.required("matches")?,
            len: fields.required("len")?,
        })
    }
}

impl FromRedisValue for LcsMatch {
    /// `[[start1, end1], [start2, end2]]`, plus the length with
    /// `WITHMATCHLEN`.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 2, 3)?;
        Ok(LcsMatch {
            first: items.required("first")?,
            second: items.required("second")?,
            len: items.optional("len")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::stream::fields::test_support::*;

    #[test]
    fn plain_len_and_idx() {
        let cmd = Lcs::<_, String>::new("a", "b");
        check(&cmd, &["LCS", "a", "b"], &["a", "b"], true);
        assert_response::<String, _>(&cmd);
        let cmd = Lcs::<_, String>::new("a", "b").len();
        check(&cmd, &["LCS", "a", "b", "LEN"], &["a", "b"], true);
        assert_response::<i64, _>(&cmd);
        let cmd = Lcs::<_, String>::new("a", "b")
            .idx()
            .min_match_len(2)
            .with_match_len();
        check(
            &cmd,
            &["LCS", "a", "b", "IDX", "MINMATCHLEN", "2", "WITHMATCHLEN"],
            &["a", "b"],
            true,
        );
        assert_response::<LcsMatches, _>(&cmd);

        let matches = || {
            arr(vec![
                arr(vec![
                    arr(vec![int(4), int(7)]),
                    arr(vec![int(5), int(8)]),
                    int(4),
                ]),
                arr(vec![arr(vec![int(2), int(3)]), arr(vec![int(0), int(1)])]),
            ])
        };
        let expected = LcsMatches {
            matches: vec![
                LcsMatch {
                    first: (4, 7),
                    second: (5, 8),
                    len: Some(4),
                },
                LcsMatch {
                    first: (2, 3),
                    second: (0, 1),
                    len: None,
                },
            ],
            len: 6,
        };
        let resp3 = map(vec![("matches", matches()), ("len", int(6))]);
        let resp2 = flat(vec![("matches", matches()), ("len", int(6))]);
        assert_eq!(decode(&cmd, resp3).unwrap(), expected);
        assert_eq!(decode(&cmd, resp2).unwrap(), expected);

        let err = decode(&cmd, map(vec![("matches", arr(vec![]))]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("LcsMatches") && err.contains("`len`"), "{err}");
    }
}
