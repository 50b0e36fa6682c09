//! [`ScanPage`]: one page of a `SCAN`, `SSCAN`, `HSCAN` or `ZSCAN`
//! iteration, and the `MATCH` / `COUNT` options they share.

use bytes::Bytes;

use crate::commands::fields::Items;
use crate::commands::stream::fields::arg_bytes;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, SingleArg};

/// One page of a cursor iteration: the cursor to send next and the items
/// of this page.
///
/// The iteration is over when the returned cursor is 0 ([`ScanPage::is_last`]).
/// A page may be empty while the iteration goes on, and an item may be
/// returned more than once across pages (Redis guarantees only that every
/// item present for the whole iteration is returned at least once).
///
/// Decoded from `[cursor, [item, ...]]` on both protocols (the cursor comes
/// as a string). `T` is what one item decodes into: a key for `SCAN`, a
/// member for `SSCAN`, `(field, value)` for `HSCAN`, `(member, score)` for
/// `ZSCAN` (read from the flat `a b a b` list the server sends).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ScanPage<T> {
    /// The cursor for the next call; 0 when the iteration is complete.
    pub cursor: u64,
    /// The items of this page.
    pub items: Vec<T>,
}

impl<T> ScanPage<T> {
    /// True when this is the last page (the server returned cursor 0).
    pub fn is_last(&self) -> bool {
        self.cursor == 0
    }
}

impl<T: FromRedisValue> FromRedisValue for ScanPage<T> {
    /// `[cursor, items]`.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<Self>::new(value, 2, 2)?;
        Ok(ScanPage {
            cursor: items.required("cursor")?,
            items: items.required("items")?,
        })
    }
}

/// `[MATCH pattern] [COUNT count]`, shared by the scan commands.
#[derive(Debug, Clone, Default)]
pub(crate) struct ScanOptions {
    pattern: Option<Bytes>,
    count: Option<u64>,
}

impl ScanOptions {
    pub(crate) fn set_pattern<P: SingleArg + ?Sized>(&mut self, pattern: &P) {
        self.pattern = Some(arg_bytes(pattern));
    }

    pub(crate) fn set_count(&mut self, count: u64) {
        self.count = Some(count);
    }

    pub(crate) fn write<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        if let Some(pattern) = &self.pattern {
            out.write_arg(b"MATCH");
            out.write_arg(pattern);
        }
        if let Some(count) = self.count {
            out.write_arg(b"COUNT");
            out.write_u64(count);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn pages_decode_cursor_text_and_items() {
        let page = ScanPage::<String>::from_redis_value(Value::Array(vec![
            bulk("17"),
            Value::Array(vec![bulk("a"), bulk("b")]),
        ]))
        .unwrap();
        assert_eq!(page.cursor, 17);
        assert!(!page.is_last());
        assert_eq!(page.items, ["a", "b"]);

        // HSCAN / ZSCAN: a flat list of pairs.
        let page = ScanPage::<(String, f64)>::from_redis_value(Value::Array(vec![
            bulk("0"),
            Value::Array(vec![bulk("m"), bulk("1.5"), bulk("n"), bulk("2")]),
        ]))
        .unwrap();
        assert!(page.is_last());
        assert_eq!(page.items, [("m".into(), 1.5), ("n".into(), 2.0)]);

        let err = ScanPage::<String>::from_redis_value(Value::Array(vec![bulk("x")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("ScanPage"), "{err}");
        let err = ScanPage::<String>::from_redis_value(Value::Array(vec![
            bulk("x"),
            Value::Array(vec![]),
        ]))
        .unwrap_err()
        .to_string();
        assert!(err.contains("`cursor`"), "{err}");
    }
}
