//! What happens in a pool, told to listeners: the hook for metrics, logs
//! and the client-wide event dispatcher.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::error::Error;
use crate::retry::RetryEvent;

/// A pool-local connection number, unique for the life of the pool (not
/// the server's `CLIENT ID`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectionId(pub(crate) u64);

impl ConnectionId {
    /// The number.
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Why a pool closed a connection instead of keeping it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CloseReason {
    /// Its state was unknown when it came back: a command failed on it or
    /// was interrupted (cancelled, timed out), see
    /// [`Connection::is_usable`](crate::Connection::is_usable).
    Broken,
    /// The `PING` (or `UNWATCH`) before handing it out failed or timed out.
    HealthCheckFailed,
    /// It outlived [`PoolConfig::max_lifetime`](super::PoolConfig::max_lifetime).
    Expired,
    /// A command changed its session in a way the pool does not undo
    /// (`SELECT`, `SUBSCRIBE`, `CLIENT SETNAME`, a `MULTI` left open...).
    SessionChanged,
    /// Its holder called [`PooledConnection::discard`](super::PooledConnection::discard).
    Discarded,
    /// The pool was dropped.
    PoolClosed,
}

/// One thing that happened in a pool.
///
/// Events are delivered synchronously, in the task where they happen (a
/// release is reported from the `Drop` of the guard), never while the pool
/// holds its lock.
#[derive(Debug)]
#[non_exhaustive]
pub enum PoolEvent<'a> {
    /// A caller found every slot taken and is now queued (counted in
    /// [`PoolStatus::waiting`](super::PoolStatus::waiting)). Reported once
    /// the caller really is in the queue, so a listener can rely on the
    /// order of these events being the order of service.
    Waiting,
    /// A queued caller gave up after the acquire timeout.
    TimedOut {
        /// How long it waited.
        waited: Duration,
    },
    /// A new connection was opened (by a caller or to keep `min_idle`).
    Created {
        /// Its number.
        id: ConnectionId,
    },
    /// Opening a connection failed.
    ConnectFailed {
        /// Why.
        error: &'a Error,
    },
    /// A caller got a connection.
    Acquired {
        /// Its number.
        id: ConnectionId,
        /// Time from the call to `get` until now (queueing, health check
        /// and connecting included).
        waited: Duration,
    },
    /// A connection came back usable and is idle again.
    Released {
        /// Its number.
        id: ConnectionId,
    },
    /// A connection was closed and its slot freed.
    Closed {
        /// Its number.
        id: ConnectionId,
        /// Why.
        reason: CloseReason,
    },
    /// A connection was taken out of the pool for good
    /// ([`PooledConnection::detach`](super::PooledConnection::detach)).
    Detached {
        /// Its number.
        id: ConnectionId,
    },
    /// [`Pool::send`](super::Pool::send) is about to retry a command.
    Retrying(&'a RetryEvent<'a>),
}

/// Hears every [`PoolEvent`] of a pool. Closures `Fn(&PoolEvent)` are
/// listeners.
///
/// Listeners run inline on the pool's hot path: they must be quick, must
/// not block, and must not panic (a release is reported from `Drop`).
pub trait PoolListener: Send + Sync {
    /// Called for each event.
    fn on_event(&self, event: &PoolEvent<'_>);
}

impl<F: Fn(&PoolEvent<'_>) + Send + Sync> PoolListener for F {
    fn on_event(&self, event: &PoolEvent<'_>) {
        self(event)
    }
}

/// The listeners of one pool.
#[derive(Clone, Default)]
pub(crate) struct Listeners(Vec<Arc<dyn PoolListener>>);

impl Listeners {
    pub(crate) fn push(&mut self, listener: Arc<dyn PoolListener>) {
        self.0.push(listener);
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn emit(&self, event: &PoolEvent<'_>) {
        for listener in &self.0 {
            listener.on_event(event);
        }
    }
}
