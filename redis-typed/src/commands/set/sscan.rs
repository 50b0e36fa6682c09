//! `SSCAN`: iterate over the members of a set.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::generic::scan_page::{ScanOptions, ScanPage};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

/// `SSCAN key cursor [MATCH pattern] [COUNT count]`: one page of a set's
/// members.
///
/// Start with cursor 0 and send the returned cursor until it is 0 again.
/// Reply: [`ScanPage<V>`] (`V` defaults to [`Bytes`]).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct SScan<K, V = Bytes> {
    key: K,
    cursor: u64,
    options: ScanOptions,
    _reply: PhantomData<fn() -> V>,
}

impl<K: RedisKey, V: FromRedisValue> SScan<K, V> {
    /// `SSCAN key cursor`.
    pub fn new(key: K, cursor: u64) -> Self {
        SScan {
            key,
            cursor,
            options: ScanOptions::default(),
            _reply: PhantomData,
        }
    }

    /// `MATCH pattern`: only members matching the glob-style pattern.
    pub fn pattern(mut self, pattern: impl SingleArg) -> Self {
        self.options.set_pattern(&pattern);
        self
    }

    /// `COUNT count`: a hint of how much work to do per call.
    pub fn count(mut self, count: u64) -> Self {
        self.options.set_count(count);
        self
    }
}

impl<K: RedisKey, V: FromRedisValue> Command for SScan<K, V> {
    type Response = ScanPage<V>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"SSCAN");
        self.key.write_redis_args(out);
        out.write_u64(self.cursor);
        self.options.write(out);
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

    #[test]
    fn wire_and_reply() {
        let cmd = SScan::<_, String>::new("s", 0).pattern("a*").count(10);
        check(
            &cmd,
            &["SSCAN", "s", "0", "MATCH", "a*", "COUNT", "10"],
            &["s"],
            true,
        );
        assert_response::<ScanPage<String>, _>(&cmd);
        let page = decode(&cmd, arr(vec![bulk("3"), arr(vec![bulk("ab")])])).unwrap();
        assert_eq!((page.cursor, page.items), (3, vec!["ab".to_string()]));
    }
}
