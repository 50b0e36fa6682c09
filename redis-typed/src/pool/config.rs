//! [`PoolConfig`]: sizes, timeouts, health checks and lifetimes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::events::{Listeners, PoolListener};
use crate::error::{Error, Result};
use crate::retry::Retry;

/// When a pool opens its first connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Creation {
    /// The constructor never touches the network: connections open on
    /// demand, and `min_idle` is filled in the background.
    #[default]
    Lazy,
    /// The constructor opens `min_idle` connections and fails if it cannot
    /// (fail fast at start-up).
    Eager,
}

/// How a [`Pool`](super::Pool) manages its connections. Every field has a
/// default; set the ones you need with the chained setters.
///
/// ```
/// use std::time::Duration;
/// use redis_typed::pool::{Creation, PoolConfig};
///
/// let config = PoolConfig::default()
///     .max_size(32)
///     .min_idle(4)
///     .creation(Creation::Eager)
///     .acquire_timeout(Duration::from_secs(2))
///     .max_lifetime(Some(Duration::from_secs(3600)));
/// assert_eq!(config.max_size, 32);
/// ```
#[derive(Clone)]
pub struct PoolConfig {
    /// Connections open at most, idle and in use together (and connections
    /// being opened). Default 10.
    pub max_size: usize,
    /// Idle connections the pool keeps ready (refilled in the background
    /// after connections are closed). Default 0.
    pub min_idle: usize,
    /// How long [`Pool::get`](super::Pool::get) waits for a free slot when
    /// the pool is full before it fails with
    /// [`Error::Timeout`](crate::Error::Timeout) carrying this duration.
    /// Callers are served in the order they arrived. Opening a connection
    /// is bounded separately, by the connection's `connect_timeout`.
    /// Default 10 s.
    pub acquire_timeout: Duration,
    /// A connection idle for at least this long is checked with `PING`
    /// before it is handed out (bounded by the connection's
    /// `connect_timeout`); one that fails is closed and another taken.
    /// `Some(Duration::ZERO)` checks every time, `None` never. Default 1 s.
    pub health_check_interval: Option<Duration>,
    /// Connections older than this are closed when they come back or are
    /// found idle, never handed out. Default `None` (no limit).
    pub max_lifetime: Option<Duration>,
    /// Lazy (default) or eager creation.
    pub creation: Creation,
    /// How often the background task (run only with `min_idle > 0` or a
    /// `max_lifetime`) closes expired idle connections and refills
    /// `min_idle`; a closed connection wakes it early. Default 1 s.
    pub maintenance_interval: Duration,
    /// The retry policy of [`Pool::send`](super::Pool::send); `None`
    /// (default) sends once.
    pub retry: Option<Retry>,
    pub(crate) listeners: Listeners,
}

impl Default for PoolConfig {
    fn default() -> Self {
        PoolConfig {
            max_size: 10,
            min_idle: 0,
            acquire_timeout: Duration::from_secs(10),
            health_check_interval: Some(Duration::from_secs(1)),
            max_lifetime: None,
            creation: Creation::Lazy,
            maintenance_interval: Duration::from_secs(1),
            retry: None,
            listeners: Listeners::default(),
        }
    }
}

impl fmt::Debug for PoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PoolConfig")
            .field("max_size", &self.max_size)
            .field("min_idle", &self.min_idle)
            .field("acquire_timeout", &self.acquire_timeout)
            .field("health_check_interval", &self.health_check_interval)
            .field("max_lifetime", &self.max_lifetime)
            .field("creation", &self.creation)
            .field("maintenance_interval", &self.maintenance_interval)
            .field("retry", &self.retry)
            .field("listeners", &self.listeners.len())
            .finish()
    }
}

impl PoolConfig {
    /// Sets [`PoolConfig::max_size`].
    pub fn max_size(mut self, max_size: usize) -> Self {
        self.max_size = max_size;
        self
    }

    /// Sets [`PoolConfig::min_idle`].
    pub fn min_idle(mut self, min_idle: usize) -> Self {
        self.min_idle = min_idle;
        self
    }

    /// Sets [`PoolConfig::acquire_timeout`].
    pub fn acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// Sets [`PoolConfig::health_check_interval`].
    pub fn health_check_interval(mut self, interval: Option<Duration>) -> Self {
        self.health_check_interval = interval;
        self
    }

    /// Sets [`PoolConfig::max_lifetime`].
    pub fn max_lifetime(mut self, lifetime: Option<Duration>) -> Self {
        self.max_lifetime = lifetime;
        self
    }

    /// Sets [`PoolConfig::creation`].
    pub fn creation(mut self, creation: Creation) -> Self {
        self.creation = creation;
        self
    }

    /// Sets [`PoolConfig::maintenance_interval`].
    pub fn maintenance_interval(mut self, interval: Duration) -> Self {
        self.maintenance_interval = interval;
        self
    }

    /// Sets [`PoolConfig::retry`]: [`Pool::send`](super::Pool::send) retries
    /// as `retry` says.
    pub fn retry(mut self, retry: Retry) -> Self {
        self.retry = Some(retry);
        self
    }

    /// Adds a listener that hears every [`PoolEvent`](super::PoolEvent).
    pub fn listener(mut self, listener: impl PoolListener + 'static) -> Self {
        self.listeners.push(Arc::new(listener));
        self
    }

    /// Adds a shared listener (one dispatcher serving several pools).
    pub fn shared_listener(mut self, listener: Arc<dyn PoolListener>) -> Self {
        self.listeners.push(listener);
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        let bad = |why: &str| Err(Error::Config(format!("pool: {why}")));
        if self.max_size == 0 {
            return bad("max_size must be at least 1");
        }
        if self.min_idle > self.max_size {
            return bad("min_idle cannot exceed max_size");
        }
        if self.maintenance_interval.is_zero() {
            return bad("maintenance_interval must be positive");
        }
        Ok(())
    }
}
