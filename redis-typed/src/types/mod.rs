//! Conversions between Rust types and Redis arguments / replies.
//!
//! - [`ToRedisArgs`] writes a value as one or more command arguments.
//! - [`FromRedisValue`] decodes a reply [`Value`] into a Rust type.
//! - [`RedisKey`] marks the types that can name a key (strings and bytes).

mod from_value;
mod key;
mod to_args;

pub use key::RedisKey;

use crate::error::{Error, Result};
use crate::resp::{ArgWriter, Value};

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
