//! The user-facing client. (Being written.)

/// The multiplexed client.
#[derive(Debug, Clone)]
pub struct Client {}
/// A typed pipeline.
#[derive(Debug)]
pub struct Pipeline {}
/// A typed MULTI/EXEC transaction.
#[derive(Debug)]
pub struct Transaction {}
