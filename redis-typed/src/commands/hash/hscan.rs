//! `HSCAN`: iterate over the fields and values of a hash.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::generic::scan_page::{ScanOptions, ScanPage};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, SingleArg};

/// `HSCAN key cursor [MATCH pattern] [COUNT count]`: one page of a hash's
/// fields with their values.
///
/// Start with cursor 0 and send the returned cursor until it is 0 again.
/// Reply: [`ScanPage<(F, V)>`](ScanPage) (both default to [`Bytes`]), read
/// from the flat `field value ...` list the server sends.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct HScan<K, F = Bytes, V = Bytes> {
    key: K,
    cursor: u64,
    options: ScanOptions,
    _reply: PhantomData<fn() -> (F, V)>,
}

impl<K: RedisKey, F: FromRedisValue, V: FromRedisValue> HScan<K, F, V> {
    /// `HSCAN key cursor`.
    pub fn new(key: K, cursor: u64) -> Self {
        HScan {
            key,
            cursor,
            options: ScanOptions::default(),
            _reply: PhantomData,
        }
    }

    /// `MATCH pattern`: only fields matching the glob-style pattern.
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

impl<K: RedisKey, F: FromRedisValue, V: FromRedisValue> Command for HScan<K, F, V> {
    type Response = ScanPage<(F, V)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"HSCAN");
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
        let cmd = HScan::<_, String, i64>::new("h", 0).pattern("f*");
        check(&cmd, &["HSCAN", "h", "0", "MATCH", "f*"], &["h"], true);
        assert_response::<ScanPage<(String, i64)>, _>(&cmd);
        let reply = arr(vec![
            bulk("0"),
            arr(vec![bulk("f1"), bulk("1"), bulk("f2"), bulk("2")]),
        ]);
        let page = decode(&cmd, reply).unwrap();
        assert_eq!(page.items, [("f1".to_string(), 1), ("f2".to_string(), 2)]);
    }
}
