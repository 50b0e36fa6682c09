//! [`Executor`]: anything that can send encoded commands and return their
//! replies. Pipelines and transactions are written once against it and work
//! on the multiplexed client and on dedicated connections alike.

use std::future::Future;

use bytes::BytesMut;

use crate::error::{Result, ServerError};
use crate::resp::Value;
use crate::types::FromRedisValue;

/// Sends what `encode` writes and returns `replies` replies, in order.
pub trait Executor {
    /// Executes one batch.
    fn execute(
        &mut self,
        encode: impl FnOnce(&mut BytesMut) + Send,
        replies: usize,
    ) -> impl Future<Output = Result<Vec<Value>>> + Send;
}

/// Decodes one reply: an error reply is always `Err(Error::Server)`, even
/// when the response type is [`Value`].
#[inline]
pub fn decode_reply<R: FromRedisValue>(value: Value) -> Result<R> {
    match value {
        Value::Error(message) => Err(ServerError::new(message).into()),
        value => R::from_redis_value(value),
    }
}
