//! Reading structured replies field by field: the one reader behind every
//! hand-written reply struct, the reply structs `cargo xtask gen-commands`
//! emits, and (for the reply's shape, its names and its errors) the code
//! `#[derive(FromRedisValue)]` generates.
//!
//! - [`Fields`]: the named fields of a map-shaped reply: a RESP3 map, a
//!   RESP2 flat `name value name value` array, or an array of `[name,
//!   value]` pairs (the walk is [`crate::types::into_pairs`], the one
//!   `HashMap` and the derive use too). Names are matched as bytes against
//!   string-like names ([`crate::__private::text`]); entries whose name is
//!   not a string are never matched. Nil is a map without entries.
//! - [`Items`]: the positional elements of an array-shaped reply.
//!
//! Errors name the struct being decoded and the field at fault, with the
//! same builders the derive uses ([`missing_field`], [`field_error`]); no
//! input panics.
//!
//! ```ignore
//! let mut reply = Fields::<MyReply>::new(value)?;
//! Ok(MyReply { id: reply.required("id")?, name: reply.optional("name")? })
//! ```

use std::marker::PhantomData;

use crate::__private::{field_error, missing_field, text};
use crate::error::{Error, Result};
use crate::resp::Value;
use crate::types::{into_pairs, unexpected, FromRedisValue};

/// Looks through RESP3 attributes to the value they describe.
pub(crate) fn strip(value: Value) -> Value {
    match value {
        Value::Attribute { value, .. } => strip(*value),
        other => other,
    }
}

/// A conversion error for type `T` with a custom description of what came.
#[cold]
pub(crate) fn conversion<T>(received: impl Into<String>) -> Error {
    Error::Conversion {
        expected: std::any::type_name::<T>(),
        received: received.into(),
    }
}

/// Decodes `value` as field `name` of `T`: a conversion error names both
/// (server error replies pass through unchanged).
pub(crate) fn field<T, F: FromRedisValue>(name: &str, value: Value) -> Result<F> {
    F::from_redis_value(value).map_err(|e| field_error::<T>(name, e))
}

/// The named fields of a map-shaped reply, taken one by one while decoding
/// into `T`. Field names are compared exactly; the first of duplicated
/// names wins; names not taken are ignored (newer servers add fields).
pub(crate) struct Fields<T> {
    entries: Vec<(Value, Value)>,
    _target: PhantomData<fn() -> T>,
}

impl<T> Fields<T> {
    /// Reads a map-shaped reply (see the module docs); anything else is an
    /// error naming `T`.
    pub(crate) fn new(value: Value) -> Result<Self> {
        Ok(Fields {
            entries: into_pairs::<T>(value)?.collect(),
            _target: PhantomData,
        })
    }

    /// Removes and returns field `name`, if present.
    pub(crate) fn take(&mut self, name: &str) -> Option<Value> {
        let at = self
            .entries
            .iter()
            .position(|(k, _)| text(k) == Some(name.as_bytes()))?;
        Some(self.entries.remove(at).1)
    }

    /// A required field: absent is an error naming `T` and the field.
    pub(crate) fn required<F: FromRedisValue>(&mut self, name: &str) -> Result<F> {
        match self.take(name) {
            Some(value) => field::<T, F>(name, value),
            None => Err(missing_field::<T>(name)),
        }
    }

    /// An optional field: absent (older servers) or nil is `None`.
    pub(crate) fn optional<F: FromRedisValue>(&mut self, name: &str) -> Result<Option<F>> {
        match self.take(name).map(strip) {
            Some(Value::Nil) | None => Ok(None),
            Some(value) => field::<T, F>(name, value).map(Some),
        }
    }

    /// A field that defaults when absent or nil (lists, counters that older
    /// servers leave out).
    pub(crate) fn or_default<F: FromRedisValue + Default>(&mut self, name: &str) -> Result<F> {
        self.optional(name).map(Option::unwrap_or_default)
    }

    /// The fields not taken yet, in reply order (names that are not strings
    /// left out; invalid UTF-8 replaced by U+FFFD).
    pub(crate) fn into_rest(self) -> Vec<(String, Value)> {
        self.entries
            .into_iter()
            .filter_map(|(k, v)| Some((String::from_utf8_lossy(text(&k)?).into_owned(), v)))
            .collect()
    }
}

/// The positional elements of an array-shaped reply, taken in order while
/// decoding into `T`.
pub(crate) struct Items<T> {
    items: std::vec::IntoIter<Value>,
    index: usize,
    _target: PhantomData<fn() -> T>,
}

impl<T> Items<T> {
    /// An array (or set, push) of `min..=max` elements; anything else is an
    /// error naming `T`.
    pub(crate) fn new(value: Value, min: usize, max: usize) -> Result<Self> {
        match strip(value) {
            Value::Array(items) | Value::Set(items) | Value::Push(items)
                if (min..=max).contains(&items.len()) =>
            {
                Ok(Items {
                    items: items.into_iter(),
                    index: 0,
                    _target: PhantomData,
                })
            }
            v @ (Value::Array(_) | Value::Set(_) | Value::Push(_) | Value::Map(_)) => {
                let expected = match (min, max) {
                    (min, usize::MAX) => format!("at least {min}"),
                    (min, max) if min == max => format!("{min}"),
                    (min, max) => format!("{min} to {max}"),
                };
                Err(conversion::<T>(format!(
                    "{} (expected {expected} elements)",
                    v.summary()
                )))
            }
            other => Err(unexpected::<T>(&other)),
        }
    }

    /// An array (or set, push) of at least `min` elements.
    pub(crate) fn at_least(value: Value, min: usize) -> Result<Self> {
        Self::new(value, min, usize::MAX)
    }

    /// The next element, as field `name`: absent is an error naming its
    /// position.
    pub(crate) fn required<F: FromRedisValue>(&mut self, name: &str) -> Result<F> {
        let index = self.index;
        match self.next_raw() {
            Some(value) => field::<T, F>(name, value),
            None => Err(conversion::<T>(format!(
                "a reply without element {index} ({name})"
            ))),
        }
    }

    /// The next element, as field `name`: absent or nil is `None`.
    pub(crate) fn optional<F: FromRedisValue>(&mut self, name: &str) -> Result<Option<F>> {
        match self.next_raw().map(strip) {
            Some(Value::Nil) | None => Ok(None),
            Some(value) => field::<T, F>(name, value).map(Some),
        }
    }

    /// The next element, as field `name`: absent or nil is `F::default()`.
    pub(crate) fn or_default<F: FromRedisValue + Default>(&mut self, name: &str) -> Result<F> {
        self.optional(name).map(Option::unwrap_or_default)
    }

    /// The next element undecoded.
    pub(crate) fn next_raw(&mut self) -> Option<Value> {
        self.index += 1;
        self.items.next()
    }

    /// The elements not taken yet.
    pub(crate) fn rest(self) -> std::vec::IntoIter<Value> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    #[derive(Debug, PartialEq)]
    struct Sample {
        id: i64,
        name: Option<String>,
    }

    fn decode_sample(value: Value) -> Result<Sample> {
        let mut reply = Fields::<Sample>::new(value)?;
        Ok(Sample {
            id: reply.required("id")?,
            name: reply.optional("name")?,
        })
    }

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn resp3_map_resp2_array_and_pairs_decode_alike() {
        let resp3 = Value::Map(vec![
            (bulk("id"), Value::Integer(7)),
            (bulk("name"), bulk("a")),
        ]);
        let resp2 = Value::Array(vec![bulk("name"), bulk("a"), bulk("id"), bulk("7")]);
        let pairs = Value::Array(vec![
            Value::Array(vec![bulk("id"), bulk("7")]),
            Value::Array(vec![bulk("name"), bulk("a")]),
        ]);
        let expected = Sample {
            id: 7,
            name: Some("a".into()),
        };
        for value in [resp3, resp2, pairs] {
            assert_eq!(decode_sample(value).unwrap(), expected);
        }
    }

    #[test]
    fn first_duplicate_wins_and_the_rest_keeps_reply_order() {
        let value = Value::Array(vec![
            bulk("id"),
            bulk("1"),
            bulk("b"),
            bulk("x"),
            bulk("id"),
            bulk("2"),
        ]);
        let mut f = Fields::<Sample>::new(value).unwrap();
        assert_eq!(f.required::<i64>("id").unwrap(), 1);
        let rest: Vec<String> = f.into_rest().into_iter().map(|(k, _)| k).collect();
        assert_eq!(rest, ["b", "id"]);
    }

    #[test]
    fn missing_and_malformed_fields_are_errors_naming_the_type_and_field() {
        let only_id = Value::Map(vec![(bulk("id"), Value::Integer(1))]);
        assert_eq!(decode_sample(only_id).unwrap().name, None);
        let err = decode_sample(Value::Array(vec![bulk("name"), bulk("a")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("Sample") && err.contains("`id`"), "{err}");
        assert!(decode_sample(Value::Array(vec![bulk("id")])).is_err());
        assert!(decode_sample(Value::Integer(1)).is_err());
        let bad = decode_sample(Value::Map(vec![(bulk("id"), bulk("x"))]))
            .unwrap_err()
            .to_string();
        assert!(
            bad.contains("field `id`") && bad.contains("Sample") && bad.contains("i64"),
            "{bad}"
        );
    }

    #[test]
    fn server_errors_pass_through() {
        let value = Value::Map(vec![(
            bulk("id"),
            Value::Error(Bytes::from_static(b"ERR x")),
        )]);
        assert!(matches!(decode_sample(value), Err(Error::Server(_))));
    }

    #[test]
    fn items_check_the_length_and_name_the_element() {
        let mut items =
            Items::<Sample>::at_least(Value::Array(vec![Value::Integer(1)]), 1).unwrap();
        assert_eq!(items.required::<i64>("id").unwrap(), 1);
        let err = items.required::<i64>("time").unwrap_err().to_string();
        assert!(err.contains("element 1 (time)"), "{err}");
        assert_eq!(items.optional::<i64>("more").unwrap(), None);
        assert!(Items::<Sample>::at_least(Value::Array(vec![]), 2).is_err());
        let three = || Value::Array(vec![Value::Nil, Value::Nil, Value::Nil]);
        assert!(Items::<Sample>::new(three(), 2, 2).is_err());
        assert!(Items::<Sample>::new(three(), 2, 3).is_ok());
        assert!(Items::<Sample>::new(Value::Integer(1), 0, 3).is_err());
    }
}
