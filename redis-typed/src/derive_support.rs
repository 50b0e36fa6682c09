//! Support for the code `redis-typed-derive` generates. Not public API: the
//! names here may change in any release.
//!
//! - [`FieldValue`]: what a hash field's value must be (one argument).
//! - [`WriteFields`] / [`ReadFields`]: what a named-field struct derives so
//!   that another struct can `#[redis(flatten)]` it. Reading builds the
//!   struct in one pass over the reply's entries: each entry's name is
//!   matched against the struct's fields (a `match` on byte strings), a name
//!   that is not one of them is offered to each flattened struct in turn,
//!   and one nobody takes is ignored.
//! - [`read_fields`], [`sequence`], [`text`]: the reply shapes the derived
//!   impls accept (RESP3 map or RESP2 flat array; array of exactly N
//!   elements; a string).
//! - [`missing_field`], [`field_error`]: errors naming the struct and field.
//! - [`key_bytes`]: the key of a `#[redis(key)]` field, checked to be a
//!   [`RedisKey`] at the field's type.
//! - [`json`]: `#[redis(json)]` values, through serde (feature `json`).

use crate::error::{Error, Result};
use crate::resp::{ArgWriter, Value};
use crate::types::{into_pairs, unexpected, RedisKey, SingleArg};

/// A value that can be a hash field's value: it writes exactly one
/// argument, so names and values stay paired. Every [`SingleArg`] is one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the value of a hash field: it does not write exactly one argument",
    label = "not a single argument",
    note = "a field's value must be one argument: a string, bytes, a number, a bool, or a unit-variant enum or newtype deriving `ToRedisArgs`",
    note = "store other values as JSON with `#[redis(json)]`, or inline a struct's fields with `#[redis(flatten)]`"
)]
pub trait FieldValue {
    /// Writes the value's one argument.
    fn write_field_value<W: ArgWriter + ?Sized>(&self, out: &mut W);
}

impl<T: SingleArg + ?Sized> FieldValue for T {
    #[inline]
    fn write_field_value<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        self.write_redis_args(out)
    }
}

/// A struct whose fields can be written inline into another struct's
/// field/value pairs (`#[redis(flatten)]`). Derived by `ToRedisArgs` on
/// structs with named fields.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be flattened: it is not a struct with named fields deriving `ToRedisArgs`",
    label = "`#[redis(flatten)]` needs `#[derive(ToRedisArgs)]` on this type",
    note = "only structs with named fields, derived with redis-typed, can be flattened"
)]
pub trait WriteFields {
    /// Writes `name value` for each field.
    fn write_fields<W: ArgWriter + ?Sized>(&self, out: &mut W);
}

/// A struct whose fields can be read from the entries of another struct's
/// map (`#[redis(flatten)]`). Derived by `FromRedisValue` on structs with
/// named fields.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be flattened: it is not a struct with named fields deriving `FromRedisValue`",
    label = "`#[redis(flatten)]` needs `#[derive(FromRedisValue)]` on this type",
    note = "only structs with named fields, derived with redis-typed, can be flattened"
)]
pub trait ReadFields: Sized {
    /// The fields read so far, each an `Option` (flattened structs: their
    /// own builder).
    type Builder;

    /// A builder with no field read yet.
    fn builder() -> Self::Builder;

    /// Reads the entry `name` into the builder if it is one of this
    /// struct's fields (or of a struct it flattens); hands `value` back
    /// otherwise.
    fn take_field(builder: &mut Self::Builder, name: &[u8], value: Value) -> Result<Option<Value>>;

    /// The struct, or an error naming the first required field missing.
    fn finish(builder: Self::Builder) -> Result<Self>;
}

/// Decodes a named-field struct from a map-shaped reply: a RESP3 map, a
/// RESP2 flat `name value name value` array, or an array of `[name, value]`
/// pairs (nil is an empty map, as for `HashMap`: the same walk as
/// `HashMap`'s). Entries whose name is not a string, or
/// not a field, are ignored. One pass; nothing is allocated.
pub fn read_fields<T: ReadFields>(value: Value) -> Result<T> {
    let mut builder = T::builder();
    for (name, value) in into_pairs::<T>(value)? {
        if let Some(name) = text(&name) {
            T::take_field(&mut builder, name, value)?;
        }
    }
    T::finish(builder)
}

/// The elements of a tuple struct's reply: an array (or set, push) of
/// exactly `N` elements, or a map of `N / 2` entries flattened to
/// `k, v, k, v`.
pub fn sequence<T, const N: usize>(value: Value) -> Result<[Value; N]> {
    let items = match strip(value) {
        Value::Array(items) | Value::Set(items) | Value::Push(items) => items,
        Value::Map(entries) if entries.len() * 2 == N => {
            let mut flat = Vec::with_capacity(N);
            for (k, v) in entries {
                flat.push(k);
                flat.push(v);
            }
            flat
        }
        Value::Map(entries) => {
            return Err(Error::Conversion {
                expected: std::any::type_name::<T>(),
                received: format!("map of {} entries (expected {N} elements)", entries.len()),
            })
        }
        other => return Err(unexpected::<T>(&other)),
    };
    let len = items.len();
    <[Value; N]>::try_from(items).map_err(|_| Error::Conversion {
        expected: std::any::type_name::<T>(),
        received: format!("array of {len} elements (expected {N})"),
    })
}

/// The bytes of a string-like reply (bulk, simple, verbatim), looking
/// through attributes.
#[inline]
pub fn text(value: &Value) -> Option<&[u8]> {
    match strip_ref(value) {
        Value::BulkString(b) | Value::SimpleString(b) => Some(b),
        Value::Verbatim { text, .. } => Some(text),
        _ => None,
    }
}

/// The error for a map without the required field `field` of `T`.
#[cold]
pub fn missing_field<T>(field: &str) -> Error {
    Error::Conversion {
        expected: std::any::type_name::<T>(),
        received: format!("map without required field `{field}`"),
    }
}

/// Adds the field's name to a conversion error from decoding field `field`
/// of `T`; other errors (a server error reply) are returned unchanged.
#[cold]
pub fn field_error<T>(field: &str, err: Error) -> Error {
    match err {
        Error::Conversion { expected, received } => Error::Conversion {
            expected,
            received: format!(
                "{received} (field `{field}` of {})",
                std::any::type_name::<T>()
            ),
        },
        other => other,
    }
}

/// The bytes of a `#[redis(key)]` field. Generated as
/// `key_bytes::<FieldType>(&self.field)`, so a field type that is not a key
/// is reported at the field.
#[inline]
pub fn key_bytes<K: ?Sized + RedisKey>(key: &K) -> &[u8] {
    key.key_bytes()
}

#[inline]
fn strip(value: Value) -> Value {
    match value {
        Value::Attribute { value, .. } => strip(*value),
        other => other,
    }
}

#[inline]
fn strip_ref(value: &Value) -> &Value {
    match value {
        Value::Attribute { value, .. } => strip_ref(value),
        other => other,
    }
}

/// `#[redis(json)]`: values stored as one JSON string, through serde.
#[cfg(feature = "json")]
pub mod json {
    use crate::error::{Error, Result};
    use crate::resp::{ArgWriter, Value};
    use crate::types::unexpected;

    pub use serde::de::DeserializeOwned;
    pub use serde::Serialize;

    /// Writes `value` as one JSON argument.
    ///
    /// # Panics
    ///
    /// When `value`'s `Serialize` impl fails (serde_json fails only on maps
    /// whose keys are not strings, or on an error raised by the impl):
    /// `ToRedisArgs` cannot return an error, and writing anything else would
    /// store a corrupt value.
    pub fn write<T: ?Sized + Serialize, W: ?Sized + ArgWriter>(value: &T, out: &mut W) {
        match serde_json::to_vec(value) {
            Ok(json) => out.write_arg(&json),
            Err(err) => panic!(
                "#[redis(json)]: cannot serialize {} as JSON: {err}",
                std::any::type_name::<T>()
            ),
        }
    }

    /// Parses a string reply as JSON; nil reads as JSON `null` (so an
    /// `Option` field is `None`).
    pub fn decode<T: DeserializeOwned>(value: Value) -> Result<T> {
        let parsed = match &value {
            Value::Nil => serde_json::from_slice(b"null"),
            other => match super::text(other) {
                Some(text) => serde_json::from_slice(text),
                None => return Err(unexpected::<T>(&value)),
            },
        };
        parsed.map_err(|err| Error::Conversion {
            expected: std::any::type_name::<T>(),
            received: format!("{} (invalid JSON: {err})", value.summary()),
        })
    }
}

/// `#[redis(json)]` without the `json` feature: every use fails to compile
/// with a message saying which feature to enable.
#[cfg(not(feature = "json"))]
pub mod json {
    use crate::error::Result;
    use crate::resp::{ArgWriter, Value};

    /// Implemented by nothing.
    #[diagnostic::on_unimplemented(
        message = "`#[redis(json)]` needs the `json` feature of redis-typed",
        label = "stored as JSON here",
        note = "enable it in Cargo.toml: `redis-typed = {{ version = \"...\", features = [\"json\"] }}`"
    )]
    pub trait JsonFeatureDisabled {}

    pub use JsonFeatureDisabled as DeserializeOwned;
    pub use JsonFeatureDisabled as Serialize;

    /// Never callable: no type implements [`JsonFeatureDisabled`].
    pub fn write<T: ?Sized + JsonFeatureDisabled, W: ?Sized + ArgWriter>(_: &T, _: &mut W) {
        unreachable!("no type implements JsonFeatureDisabled")
    }

    /// Never callable: no type implements [`JsonFeatureDisabled`].
    pub fn decode<T: JsonFeatureDisabled>(_: Value) -> Result<T> {
        unreachable!("no type implements JsonFeatureDisabled")
    }
}
