//! `SCAN`: iterate over the keys of the database.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, Scan};
//!
//! // SCAN 0 MATCH user:* COUNT 100 TYPE hash -> ScanPage<String>
//! let scan = Scan::<String>::new(0).pattern("user:*").count(100).of_type("hash");
//! let mut out = BytesMut::new();
//! encode(&scan, &mut out);
//! assert!(out.ends_with(b"$5\r\nMATCH\r\n$6\r\nuser:*\r\n$5\r\nCOUNT\r\n$3\r\n100\r\n$4\r\nTYPE\r\n$4\r\nhash\r\n"));
//! ```

use std::marker::PhantomData;

use bytes::Bytes;

use super::scan_page::{ScanOptions, ScanPage};
use crate::commands::stream::fields::arg_bytes;
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, SingleArg};

/// `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]`: one page of
/// the keys of the current database.
///
/// Start with cursor 0 and send the returned [`ScanPage::cursor`] until it
/// is 0 again. Reply: [`ScanPage<T>`], `T` the key type (default
/// [`Bytes`]). `SCAN` touches arbitrary keys, so it names none for routing
/// (in a cluster, send it to each primary).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Scan<T = Bytes> {
    cursor: u64,
    options: ScanOptions,
    key_type: Option<Bytes>,
    _reply: PhantomData<fn() -> T>,
}

impl<T: FromRedisValue> Scan<T> {
    /// `SCAN cursor`.
    pub fn new(cursor: u64) -> Self {
        Scan {
            cursor,
            options: ScanOptions::default(),
            key_type: None,
            _reply: PhantomData,
        }
    }
}

impl<T> Scan<T> {
    /// `MATCH pattern`: only keys matching the glob-style pattern (applied
    /// after the keys are fetched, so pages may be empty).
    pub fn pattern(mut self, pattern: impl SingleArg) -> Self {
        self.options.set_pattern(&pattern);
        self
    }

    /// `COUNT count`: a hint of how much work to do per call (default 10).
    pub fn count(mut self, count: u64) -> Self {
        self.options.set_count(count);
        self
    }

    /// `TYPE type`: only keys of this type (`"string"`, `"list"`, `"set"`,
    /// `"zset"`, `"hash"`, `"stream"`, or a module type's name).
    pub fn of_type(mut self, key_type: impl SingleArg) -> Self {
        self.key_type = Some(arg_bytes(&key_type));
        self
    }
}

impl<T: FromRedisValue> Command for Scan<T> {
    type Response = ScanPage<T>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"SCAN");
        out.write_u64(self.cursor);
        self.options.write(out);
        if let Some(key_type) = &self.key_type {
            out.write_arg(b"TYPE");
            out.write_arg(key_type);
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
    fn wire_keys_and_reply() {
        let cmd = Scan::<String>::new(0);
        check(&cmd, &["SCAN", "0"], &[], true);
        assert_response::<ScanPage<String>, _>(&cmd);
        let cmd: Scan = Scan::new(42).count(5).pattern("k*").of_type("zset");
        check(
            &cmd,
            &["SCAN", "42", "MATCH", "k*", "COUNT", "5", "TYPE", "zset"],
            &[],
            true,
        );
        assert_response::<ScanPage<Bytes>, _>(&cmd);
        let page = decode(&cmd, arr(vec![bulk("0"), arr(vec![bulk("k1")])])).unwrap();
        assert_eq!(page.items, [Bytes::from("k1")]);
    }
}
