//! The arguments `LMPOP`, `BLMPOP`, `ZMPOP` and `BZMPOP` share:
//! `numkeys key [key ...] side [COUNT count]`.

use crate::resp::ArgWriter;
use crate::types::RedisKey;

/// The keys, side and count of a pop from the first non-empty of several
/// keys.
#[derive(Debug, Clone)]
pub(crate) struct MultiPop<K> {
    keys: Vec<K>,
    side: &'static [u8],
    count: Option<u64>,
}

impl<K: RedisKey> MultiPop<K> {
    /// `keys` popped from `side` (`LEFT`, `RIGHT`, `MIN`, `MAX`), no count.
    pub(crate) fn new(keys: impl IntoIterator<Item = K>, side: &'static [u8]) -> Self {
        MultiPop {
            keys: keys.into_iter().collect(),
            side,
            count: None,
        }
    }

    /// `COUNT count`.
    pub(crate) fn count(&mut self, count: u64) {
        self.count = Some(count);
    }

    /// Writes `numkeys key [key ...] side [COUNT count]`.
    pub(crate) fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_u64(self.keys.len() as u64);
        for key in &self.keys {
            key.write_redis_args(out);
        }
        out.write_arg(self.side);
        if let Some(count) = self.count {
            out.write_arg(b"COUNT");
            out.write_u64(count);
        }
    }

    /// Names every key.
    pub(crate) fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        for key in &self.keys {
            f(key.key_bytes());
        }
    }
}
