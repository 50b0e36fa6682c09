//! Decoding map-shaped replies field by field, for the reply structs that
//! `cargo xtask gen-commands` emits for `object`-typed reply schemas.
//!
//! A map reply is a RESP3 map on RESP3 and a flat `name value name value`
//! array on RESP2; [`for_each_pair`] walks both alike, and [`Fields`]
//! collects the pairs so a struct can take its fields by name:
//!
//! ```ignore
//! let mut reply = Fields::<MyReply>::new();
//! fields::for_each_pair::<MyReply>(value, |name, value| reply.put(name, value))?;
//! Ok(MyReply { id: reply.required("id")?, name: reply.optional("name")? })
//! ```
//!
//! Every reply schema with known properties is hand-tuned in the current
//! catalogue, so no generated file uses this yet: it is the target of the
//! generator's struct emission (and the tool's own unit tests).
#![cfg_attr(not(test), allow(dead_code))]

use std::collections::HashMap;
use std::marker::PhantomData;

use crate::error::{Error, Result};
use crate::resp::Value;
use crate::types::{unexpected, FromRedisValue};

/// Calls `f` with each `(name, value)` pair of a map-shaped reply: a RESP3
/// map, or a RESP2 flat array of even length. Nil is an empty map; names
/// must be strings. Errors name `T`, the type being decoded.
pub(crate) fn for_each_pair<T>(
    value: Value,
    mut f: impl FnMut(String, Value) -> Result<()>,
) -> Result<()> {
    let pairs: Vec<(Value, Value)> = match value {
        Value::Attribute { value, .. } => return for_each_pair::<T>(*value, f),
        Value::Map(pairs) => pairs,
        Value::Array(items) if items.len() % 2 == 0 => {
            let mut items = items.into_iter();
            let mut pairs = Vec::new();
            while let (Some(k), Some(v)) = (items.next(), items.next()) {
                pairs.push((k, v));
            }
            pairs
        }
        Value::Nil => Vec::new(),
        other => return Err(unexpected::<T>(&other)),
    };
    for (name, value) in pairs {
        let name = String::from_redis_value(name)
            .map_err(|_| conversion::<T>("a non-string field name"))?;
        f(name, value)?;
    }
    Ok(())
}

/// The fields of a map-shaped reply by name, for decoding into `T`.
pub(crate) struct Fields<T> {
    map: HashMap<String, Value>,
    _target: PhantomData<fn() -> T>,
}

impl<T> Fields<T> {
    pub(crate) fn new() -> Self {
        Fields {
            map: HashMap::new(),
            _target: PhantomData,
        }
    }

    /// Keeps one pair (a repeated name keeps the last value).
    pub(crate) fn put(&mut self, name: String, value: Value) -> Result<()> {
        self.map.insert(name, value);
        Ok(())
    }

    /// A field that must be present.
    pub(crate) fn required<F: FromRedisValue>(&mut self, name: &str) -> Result<F> {
        match self.map.remove(name) {
            Some(value) => decode::<T, F>(name, value),
            None => Err(conversion::<T>(&format!("a map without {name:?}"))),
        }
    }

    /// A field that may be absent (or nil).
    pub(crate) fn optional<F: FromRedisValue>(&mut self, name: &str) -> Result<Option<F>> {
        match self.map.remove(name) {
            Some(value) if !value.is_nil() => decode::<T, F>(name, value).map(Some),
            _ => Ok(None),
        }
    }
}

fn decode<T, F: FromRedisValue>(name: &str, value: Value) -> Result<F> {
    F::from_redis_value(value).map_err(|e| match e {
        Error::Conversion { expected, received } => {
            conversion::<T>(&format!("field {name:?}: {received} (expected {expected})"))
        }
        other => other,
    })
}

fn conversion<T>(received: &str) -> Error {
    Error::Conversion {
        expected: std::any::type_name::<T>(),
        received: received.to_owned(),
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
        let mut reply = Fields::<Sample>::new();
        for_each_pair::<Sample>(value, |name, value| reply.put(name, value))?;
        Ok(Sample {
            id: reply.required("id")?,
            name: reply.optional("name")?,
        })
    }

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn resp3_map_and_resp2_array_decode_alike() {
        let resp3 = Value::Map(vec![
            (bulk("id"), Value::Integer(7)),
            (bulk("name"), bulk("a")),
        ]);
        let resp2 = Value::Array(vec![bulk("name"), bulk("a"), bulk("id"), bulk("7")]);
        let expected = Sample {
            id: 7,
            name: Some("a".into()),
        };
        assert_eq!(decode_sample(resp3).unwrap(), expected);
        assert_eq!(decode_sample(resp2).unwrap(), expected);
    }

    #[test]
    fn missing_and_malformed_fields_are_errors_naming_the_type() {
        let no_id = Value::Array(vec![bulk("name"), bulk("a")]);
        assert_eq!(
            decode_sample(Value::Map(vec![(bulk("id"), Value::Integer(1))]))
                .unwrap()
                .name,
            None
        );
        let err = decode_sample(no_id).unwrap_err().to_string();
        assert!(err.contains("Sample") && err.contains("\"id\""), "{err}");
        let odd = Value::Array(vec![bulk("id")]);
        assert!(decode_sample(odd).is_err());
        let bad = Value::Map(vec![(bulk("id"), bulk("x"))]);
        assert!(decode_sample(bad)
            .unwrap_err()
            .to_string()
            .contains("field \"id\""));
    }
}
