//! Retrying failed operations: [`Backoff`] strategies (how long to wait)
//! and the [`Retry`] policy (how often, and which failures).
//!
//! - `backoff.rs`: the [`Backoff`] trait and seven strategies, each with its
//!   formula.
//! - `retry.rs`: [`Retry`], its run loop, and the default classification of
//!   failures ([`is_transient`], [`is_rejection`]).
//!
//! A [`crate::pool::Pool`] applies a [`Retry`] to [`crate::pool::Pool::send`]
//! when its configuration has one; anything else can be wrapped with
//! [`Retry::run`].
//!
//! ```no_run
//! use std::time::Duration;
//! use redis_typed::{ConnectionConfig, commands::Get};
//! use redis_typed::pool::{Pool, PoolConfig};
//! use redis_typed::retry::{Retry, DecorrelatedJitter};
//!
//! # async fn demo() -> redis_typed::Result<()> {
//! let retry = Retry::new(4, DecorrelatedJitter::new(Duration::from_millis(10), Duration::from_secs(1)));
//! let pool = Pool::connect(
//!     ConnectionConfig::from_url("redis://127.0.0.1:6379")?,
//!     PoolConfig::default().retry(retry),
//! )
//! .await?;
//! // A read: retried on connection errors and timeouts.
//! let v: Option<String> = pool.send(Get::new("k")).await?;
//! # Ok(()) }
//! ```

mod backoff;
#[allow(clippy::module_inception)]
mod retry;

pub use backoff::{
    Backoff, Constant, DecorrelatedJitter, EqualJitter, Exponential, ExponentialWithJitter,
    FullJitter, NoBackoff,
};
/// The random number generator interface [`Backoff::delay`] draws from
/// (re-exported from `rand` 0.9, so strategies can be written without
/// depending on `rand` directly).
pub use rand::RngCore;
pub use retry::{is_rejection, is_transient, Retry, RetryEvent};
