//! Connection pooling: a bounded, fair pool of dedicated connections.
//!
//! A multiplexed [`Client`](crate::Client) serves most traffic from one
//! connection. A [`Pool`] is for what needs a connection of its own for a
//! while: blocking commands (`BLPOP`, `BRPOPLPUSH`, `XREAD BLOCK`, `WAIT`),
//! `WATCH`/`MULTI`/`EXEC` transactions, and workloads that want several
//! sockets.
//!
//! - `config.rs`: [`PoolConfig`] (sizes, timeouts, health checks).
//! - `pool.rs`: [`Pool`] — acquiring, opening, checking connections.
//! - `pooled.rs`: [`PooledConnection`], the guard that gives a connection
//!   back (or closes it) on drop.
//! - `shelf.rs`: the shared state and the accounting that keeps
//!   [`PoolStatus`] exact under cancellation.
//! - `session.rs`: what commands do to a connection's session (`WATCH`,
//!   `SELECT`...), so the next caller gets a clean one.
//! - `events.rs`: [`PoolEvent`]s and [`PoolListener`]s, the hook for
//!   metrics and event dispatchers.
//! - `status.rs`: [`PoolStatus`].

mod config;
mod events;
#[allow(clippy::module_inception)]
mod pool;
mod pooled;
mod session;
mod shelf;
mod status;

pub use config::{Creation, PoolConfig};
pub use events::{CloseReason, ConnectionId, PoolEvent, PoolListener};
pub use pool::Pool;
pub use pooled::PooledConnection;
pub use status::PoolStatus;
