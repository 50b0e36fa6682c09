//! `LPOS`: the positions of an element in a list.

use std::marker::PhantomData;

use crate::commands::marker_data::{CountReply, NoCount, WithCount};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{RedisKey, SingleArg};

/// `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]`: the
/// 0-based index of matching elements.
///
/// | built with         | reply                                                |
/// |--------------------|------------------------------------------------------|
/// | `LPos::new(k, e)`  | `Option<i64>`: the first match, `None` if none       |
/// | `.count(n)`        | `Vec<i64>`: up to `n` matches (0: all), empty if none |
///
/// [`rank`](LPos::rank) picks which match comes first (2: skip the first
/// one; negative: search from the tail); [`max_len`](LPos::max_len) bounds
/// how many elements are compared.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct LPos<K, E, C = NoCount> {
    key: K,
    element: E,
    rank: Option<i64>,
    count: Option<u64>,
    max_len: Option<u64>,
    _reply: PhantomData<fn() -> C>,
}

impl<K: RedisKey, E: SingleArg> LPos<K, E> {
    /// `LPOS key element`.
    pub fn new(key: K, element: E) -> Self {
        LPos {
            key,
            element,
            rank: None,
            count: None,
            max_len: None,
            _reply: PhantomData,
        }
    }

    /// `COUNT num-matches`: up to `num_matches` positions (0: every match);
    /// replies `Vec<i64>`.
    pub fn count(self, num_matches: u64) -> LPos<K, E, WithCount> {
        LPos {
            key: self.key,
            element: self.element,
            rank: self.rank,
            count: Some(num_matches),
            max_len: self.max_len,
            _reply: PhantomData,
        }
    }
}

impl<K, E, C> LPos<K, E, C> {
    /// `RANK rank`: start from the `rank`-th match (1 is the first;
    /// negative counts from the tail). 0 is rejected by the server.
    pub fn rank(mut self, rank: i64) -> Self {
        self.rank = Some(rank);
        self
    }

    /// `MAXLEN len`: compare at most `len` elements (0: no limit).
    pub fn max_len(mut self, len: u64) -> Self {
        self.max_len = Some(len);
        self
    }
}

impl<K: RedisKey, E: SingleArg, C: CountReply<i64>> Command for LPos<K, E, C> {
    type Response = C::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"LPOS");
        self.key.write_redis_args(out);
        self.element.write_redis_args(out);
        if let Some(rank) = self.rank {
            out.write_arg(b"RANK");
            out.write_i64(rank);
        }
        if let Some(count) = self.count {
            out.write_arg(b"COUNT");
            out.write_u64(count);
        }
        if let Some(len) = self.max_len {
            out.write_arg(b"MAXLEN");
            out.write_u64(len);
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
    fn position_or_positions() {
        let cmd = LPos::new("l", "x");
        check(&cmd, &["LPOS", "l", "x"], &["l"], true);
        assert_response::<Option<i64>, _>(&cmd);
        assert_eq!(decode(&cmd, int(3)).unwrap(), Some(3));
        assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);

        let cmd = LPos::new("l", 7).max_len(100).count(0).rank(-1);
        check(
            &cmd,
            &[
                "LPOS", "l", "7", "RANK", "-1", "COUNT", "0", "MAXLEN", "100",
            ],
            &["l"],
            true,
        );
        assert_response::<Vec<i64>, _>(&cmd);
        assert_eq!(decode(&cmd, arr(vec![int(1), int(4)])).unwrap(), [1, 4]);
    }
}
