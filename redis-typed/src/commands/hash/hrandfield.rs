//! `HRANDFIELD`: random fields of a hash.

use std::marker::PhantomData;

use bytes::Bytes;

use crate::commands::marker_data::{CountReply, CountWithValues, NoCount, WithCount};
use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey};

/// `HRANDFIELD key [count [WITHVALUES]]`: random fields of a hash.
///
/// | built with                       | reply                                            |
/// |----------------------------------|--------------------------------------------------|
/// | `HRandField::new(key)`           | `Option<F>`: one field, `None` for a missing key  |
/// | `.count(n)`                      | `Vec<F>`: `n > 0` distinct fields, `n < 0` exactly `-n` possibly repeated |
/// | `.count(n).with_values::<T>()`   | `Vec<(F, T)>`: the same, with their values        |
///
/// `WITHVALUES` needs a count, so [`with_values`](HRandField::with_values)
/// exists only after [`count`](HRandField::count). `F` defaults to
/// [`Bytes`]; the value type `T` is chosen by `with_values` (inferred from
/// the binding when not written).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct HRandField<K, F = Bytes, C = NoCount> {
    key: K,
    count: Option<i64>,
    _reply: PhantomData<fn() -> (F, C)>,
}

impl<K: RedisKey, F: FromRedisValue> HRandField<K, F> {
    /// `HRANDFIELD key`: one random field.
    pub fn new(key: K) -> Self {
        HRandField {
            key,
            count: None,
            _reply: PhantomData,
        }
    }

    /// `count`: several fields (negative: repetitions allowed); replies
    /// `Vec<F>`.
    pub fn count(self, count: i64) -> HRandField<K, F, WithCount> {
        HRandField {
            key: self.key,
            count: Some(count),
            _reply: PhantomData,
        }
    }
}

impl<K, F> HRandField<K, F, WithCount> {
    /// `WITHVALUES`: replies `Vec<(F, T)>`.
    pub fn with_values<T: FromRedisValue>(self) -> HRandField<K, F, CountWithValues<T>> {
        HRandField {
            key: self.key,
            count: self.count,
            _reply: PhantomData,
        }
    }
}

impl<K: RedisKey, F: FromRedisValue, C: CountReply<F>> Command for HRandField<K, F, C> {
    type Response = C::Response;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"HRANDFIELD");
        self.key.write_redis_args(out);
        if let Some(count) = self.count {
            out.write_i64(count);
        }
        if let Some(token) = C::WITH {
            out.write_arg(token);
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

    #[test]
    fn three_reply_shapes() {
        let cmd = HRandField::<_, String>::new("h");
        check(&cmd, &["HRANDFIELD", "h"], &["h"], true);
        assert_response::<Option<String>, _>(&cmd);

        let cmd = HRandField::<_, String>::new("h").count(3);
        check(&cmd, &["HRANDFIELD", "h", "3"], &["h"], true);
        assert_response::<Vec<String>, _>(&cmd);

        let cmd = HRandField::<_, String>::new("h")
            .count(3)
            .with_values::<i64>();
        check(&cmd, &["HRANDFIELD", "h", "3", "WITHVALUES"], &["h"], true);
        assert_response::<Vec<(String, i64)>, _>(&cmd);
        let resp3 = arr(vec![arr(vec![bulk("f"), bulk("7")])]);
        let resp2 = arr(vec![bulk("f"), bulk("7")]);
        assert_eq!(decode(&cmd, resp3).unwrap(), [("f".to_string(), 7)]);
        assert_eq!(decode(&cmd, resp2).unwrap(), [("f".to_string(), 7)]);
    }
}
