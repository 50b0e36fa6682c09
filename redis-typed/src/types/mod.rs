//! Conversions between Rust types and Redis arguments / replies.
//!
//! - [`ToRedisArgs`] writes a value as one or more command arguments.
//! - [`FromRedisValue`] decodes a reply [`Value`] into a Rust type.
//! - [`RedisKey`] marks the types that can name a key (strings and bytes).
//!
//! Both directions cover the standard library: integers, floats, `bool`,
//! strings, byte buffers (`Vec<u8>`, `Bytes`, `[u8; N]` are ONE binary
//! argument / a string reply's bytes), `Option`, `Box`, `Arc`, sequences,
//! sets, maps and tuples up to 12 elements. RESP2 and RESP3 replies decode
//! alike: a map reads from a RESP3 map or a RESP2 flat `k v k v` array.
//!
//! ```
//! use std::collections::HashMap;
//! use bytes::Bytes;
//! use redis_typed::{FromRedisValue, ToRedisArgs, Value};
//! use redis_typed::resp::ArgCounter;
//!
//! // Arguments: a tuple writes each element; a Vec<u8> is one argument.
//! let mut counter = ArgCounter::default();
//! ("field", 42, 1.5, vec![0u8, 1, 2]).write_redis_args(&mut counter);
//! assert_eq!(counter.count, 4);
//!
//! // Replies: the same map from RESP3 and from RESP2.
//! let bulk = |s: &'static str| Value::BulkString(Bytes::from_static(s.as_bytes()));
//! let resp3 = Value::Map(vec![(bulk("a"), Value::Integer(1))]);
//! let resp2 = Value::Array(vec![bulk("a"), bulk("1")]);
//! let m3 = HashMap::<String, i64>::from_redis_value(resp3)?;
//! let m2 = HashMap::<String, i64>::from_redis_value(resp2)?;
//! assert_eq!(m3, m2);
//!
//! // A wrong shape is an error naming the Rust type, never a panic.
//! let err = i64::from_redis_value(bulk("not a number")).unwrap_err();
//! assert!(err.to_string().contains("i64"));
//! # Ok::<(), redis_typed::Error>(())
//! ```

mod decode_next;
mod from_value;
mod key;
mod single;
#[cfg(test)]
mod tests;
mod to_args;

pub use decode_next::{decode_next, decode_reply};
pub(crate) use from_value::into_pairs;
pub use key::RedisKey;
pub use single::SingleArg;

use crate::error::{Error, Result};
use crate::resp::{ArgWriter, Decoder, Value};
use bytes::BytesMut;

/// A value that writes itself as one or more command arguments.
///
/// ```
/// use redis_typed::ToRedisArgs;
/// use redis_typed::resp::ArgCounter;
///
/// let mut counter = ArgCounter::default();
/// vec!["a", "b", "c"].write_redis_args(&mut counter);
/// assert_eq!(counter.count, 3);
/// ```
pub trait ToRedisArgs {
    /// Writes the argument(s) to `out`.
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W);

    /// Writes a slice of `Self` (used by `[T]`, `Vec<T>` and `[T; N]`).
    ///
    /// The default writes each item; `u8` overrides it to write the whole
    /// slice as ONE binary argument, so `Vec<u8>` is a single bulk string
    /// while `Vec<String>` is one argument per element.
    #[doc(hidden)]
    #[inline]
    fn write_redis_args_slice<W: ArgWriter + ?Sized>(items: &[Self], out: &mut W)
    where
        Self: Sized,
    {
        for item in items {
            item.write_redis_args(out);
        }
    }
}

/// A Rust type a reply can be decoded into.
///
/// Decoding takes the [`Value`] by value, so bulk payloads move into `Bytes`
/// fields without copying. An error reply decodes to [`Error::Server`]; a
/// reply of the wrong shape to [`Error::Conversion`] naming the Rust type and
/// a short summary of what was received.
pub trait FromRedisValue: Sized {
    /// Decodes `value`.
    fn from_redis_value(value: Value) -> Result<Self>;

    /// Decodes `value` as a `Vec<Self>` (used by `Vec<T>`'s impl).
    ///
    /// The default decodes an array (or set, push, flattened map) element by
    /// element; `u8` overrides it to take a bulk string's bytes, so
    /// `Vec<u8>` is the binary payload.
    #[doc(hidden)]
    fn from_redis_value_vec(value: Value) -> Result<Vec<Self>> {
        from_value::decode_vec(value)
    }

    /// True when a `Vec<Self>` decodes an array element by element with
    /// [`FromRedisValue::from_redis_value`] and `Self` reads scalars (bulk
    /// strings, integers, nulls): such a vector is read straight from the
    /// reply's bytes, without a `Vec<Value>` in between (see
    /// [`Decoder::decode_leaf_array`](crate::resp::Decoder::decode_leaf_array)).
    #[doc(hidden)]
    const SCALAR_ELEMENTS: bool = false;

    /// Converts a bulk string's payload, as `from_redis_value` would
    /// (`None` where it would fail): the per-element conversion of the
    /// direct path for arrays of scalars. Overridden where a payload maps
    /// to `Self` without building a [`Value`] (`Bytes`, `Option<T>`).
    #[doc(hidden)]
    #[inline]
    fn from_bulk(payload: bytes::Bytes) -> Option<Self> {
        Self::from_redis_value(Value::BulkString(payload)).ok()
    }

    /// Reads the reply at the front of `buf` straight into `Self`, without
    /// building a [`Value`], when `Self` and the frame allow it; `None`
    /// (nothing consumed) otherwise. `Vec<T>` overrides it; callers use
    /// [`decode_next`].
    #[doc(hidden)]
    #[inline]
    fn from_frame(decoder: &mut Decoder, buf: &mut BytesMut) -> Option<Result<Self>> {
        let _ = (decoder, buf);
        None
    }
}

/// Builds the error for a reply that does not fit type `T`: the server's own
/// error when the reply is an error, a conversion error otherwise.
pub fn unexpected<T>(value: &Value) -> Error {
    match value {
        Value::Error(message) => Error::Server(crate::ServerError::new(message.clone())),
        other => Error::Conversion {
            expected: std::any::type_name::<T>(),
            received: other.summary(),
        },
    }
}
