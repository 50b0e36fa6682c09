//! `ZSCAN`: iterate over the members of a sorted set, with their scores.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::generic::scan_page::{ScanOptions, ScanPage};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

/// `ZSCAN key cursor [MATCH pattern] [COUNT count]`: one page of a sorted
/// set's members with their scores.
///
/// Start with cursor 0 and send the returned cursor until it is 0 again.
/// Reply: [`ScanPage<(V, f64)>`](ScanPage) (`V` defaults to [`Bytes`]),
/// read from the flat `member score ...` list the server sends.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ZScan<K, V = Bytes> {
    key: K,
    cursor: u64,
    options: ScanOptions,
    _reply: PhantomData<fn() -> V>,
}

impl<K: RedisKey, V: FromRedisValue> ZScan<K, V> {
    /// `ZSCAN key cursor`.
    pub fn new(key: K, cursor: u64) -> Self {
        ZScan {
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

impl<K: RedisKey, V: FromRedisValue> Command for ZScan<K, V> {
    type Response = ScanPage<(V, f64)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ZSCAN");
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
        let cmd = ZScan::<_, String>::new("z", 5).count(2);
        check(&cmd, &["ZSCAN", "z", "5", "COUNT", "2"], &["z"], true);
        assert_response::<ScanPage<(String, f64)>, _>(&cmd);
        let reply = arr(vec![bulk("0"), arr(vec![bulk("a"), bulk("1.5")])]);
        let page = decode(&cmd, reply).unwrap();
        assert_eq!(page.items, [("a".to_string(), 1.5)]);
    }
}
