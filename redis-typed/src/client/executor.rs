//! [`Executor`]: anything that can send encoded commands and return their
//! replies. Pipelines and transactions are written once against it and work
//! on the multiplexed client and on dedicated connections alike.

use std::future::Future;

use bytes::BytesMut;

use crate::error::Result;
use crate::resp::Value;

/// Sends what `encode` writes and returns `replies` replies, in order.
pub trait Executor {
    /// Executes one batch.
    fn execute(
        &mut self,
        encode: impl FnOnce(&mut BytesMut) + Send,
        replies: usize,
    ) -> impl Future<Output = Result<Vec<Value>>> + Send;
}
