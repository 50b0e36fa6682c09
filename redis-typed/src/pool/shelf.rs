//! The shelf: a pool's shared state and the only code that changes its
//! counts.
//!
//! Every transition happens synchronously under one lock, and every state a
//! caller can be cancelled in is owned by a guard whose `Drop` undoes it:
//!
//! | caller state | owned by | on drop |
//! |---|---|---|
//! | queued for a slot | [`WaitTicket`] | `waiting -= 1` |
//! | opening a connection | [`ConnectTicket`] (holds the slot) | `connecting -= 1`, slot freed |
//! | holding a connection | [`PooledConnection`] (holds the slot) | `in_use -= 1`, connection idled or closed, slot freed |
//!
//! So a future dropped at any `.await` (a timeout, an aborted task) leaves
//! the counts exact, and a slot (a semaphore permit) is always released by
//! the drop of the one value that owns it.
//!
//! Slots: a FIFO-fair semaphore of `max_size` permits. A permit is held by
//! each caller that holds or is opening a connection; idle connections hold
//! none. A connection goes back on the shelf *before* its permit is
//! released, and a caller opens a new connection only when it holds a
//! permit and finds the shelf empty; together these keep
//! `idle + in_use + connecting <= max_size` (the background refill checks
//! the same bound explicitly).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use super::events::{CloseReason, ConnectionId, Listeners, PoolEvent};
use super::session::Session;
use super::{PoolStatus, PooledConnection};
use crate::connection::Connection;

/// The settings the shelf needs after construction.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) max_size: usize,
    pub(crate) min_idle: usize,
    pub(crate) max_lifetime: Option<Duration>,
    /// The connections' configured response timeout, restored on release
    /// (a holder may have changed it for a blocking command).
    pub(crate) response_timeout: Option<Duration>,
}

/// Identity and birth of a connection.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Meta {
    pub(crate) id: ConnectionId,
    pub(crate) created: Instant,
    /// The credential generation this connection is authenticated with.
    pub(crate) auth_generation: u64,
}

/// An idle connection.
pub(crate) struct Idle<S> {
    pub(crate) conn: Connection<S>,
    pub(crate) meta: Meta,
    pub(crate) since: Instant,
    pub(crate) session: Session,
}

struct State<S> {
    /// Most recently returned last (handed out first).
    idle: VecDeque<Idle<S>>,
    in_use: usize,
    connecting: usize,
    waiting: usize,
    closed: bool,
}

pub(crate) struct Shelf<S> {
    pub(crate) settings: Settings,
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) listeners: Listeners,
    /// Wakes the maintenance task (a connection was closed, or the pool).
    pub(crate) wake: Notify,
    state: Mutex<State<S>>,
    next_id: AtomicU64,
    /// The newest credential generation the pool has seen; connections
    /// authenticated with an older one are re-authenticated before reuse.
    pub(crate) auth_generation: AtomicU64,
    /// Wakes the re-authentication task (a stale connection came back).
    pub(crate) reauth: Notify,
}

/// What a caller holding a slot gets from the shelf.
// Returned once and destructured at once: boxing would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Checkout<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    /// An idle connection, now in use.
    Idle {
        conn: PooledConnection<S>,
        since: Instant,
    },
    /// The shelf is empty: open a connection with this ticket.
    Connect(ConnectTicket<S>),
    /// The pool was dropped.
    Closed,
}

impl<S> Shelf<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    pub(crate) fn new(settings: Settings, listeners: Listeners) -> Arc<Self> {
        Arc::new(Shelf {
            slots: Arc::new(Semaphore::new(settings.max_size)),
            settings,
            listeners,
            wake: Notify::new(),
            state: Mutex::new(State {
                idle: VecDeque::new(),
                in_use: 0,
                connecting: 0,
                waiting: 0,
                closed: false,
            }),
            next_id: AtomicU64::new(1),
            auth_generation: AtomicU64::new(0),
            reauth: Notify::new(),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State<S>> {
        // Listeners never run under the lock and nothing in it panics, so a
        // poisoned lock still holds consistent counts.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn status(&self) -> PoolStatus {
        let state = self.lock();
        PoolStatus {
            max_size: self.settings.max_size,
            total: state.idle.len() + state.in_use,
            idle: state.idle.len(),
            in_use: state.in_use,
            connecting: state.connecting,
            waiting: state.waiting,
        }
    }

    pub(crate) fn expired(&self, meta: &Meta) -> bool {
        self.settings
            .max_lifetime
            .is_some_and(|limit| meta.created.elapsed() >= limit)
    }

    /// Counts a caller as waiting until the ticket is used or dropped.
    pub(crate) fn start_waiting(self: &Arc<Self>) -> WaitTicket<S> {
        self.lock().waiting += 1;
        WaitTicket {
            shelf: self.clone(),
            armed: true,
        }
    }

    /// A caller holding `permit` takes an idle connection, or a ticket to
    /// open one. `waited` ends its wait in the same step.
    pub(crate) fn checkout(
        self: &Arc<Self>,
        permit: OwnedSemaphorePermit,
        waited: Option<WaitTicket<S>>,
    ) -> Checkout<S> {
        let mut state = self.lock();
        if let Some(mut ticket) = waited {
            ticket.armed = false;
            state.waiting -= 1;
        }
        if state.closed {
            return Checkout::Closed;
        }
        if let Some(idle) = state.idle.pop_back() {
            state.in_use += 1;
            drop(state);
            let conn =
                PooledConnection::new(idle.conn, idle.meta, idle.session, self.clone(), permit);
            return Checkout::Idle {
                conn,
                since: idle.since,
            };
        }
        state.connecting += 1;
        debug_assert!(state.idle.len() + state.in_use + state.connecting <= self.settings.max_size);
        Checkout::Connect(ConnectTicket {
            shelf: self.clone(),
            permit: Some(permit),
        })
    }

    /// A ticket for the background refill, if `min_idle` is short and a
    /// slot is free right now.
    pub(crate) fn reserve_refill(self: &Arc<Self>) -> Option<ConnectTicket<S>> {
        let mut state = self.lock();
        let open = state.idle.len() + state.in_use + state.connecting;
        if state.closed
            || state.idle.len() >= self.settings.min_idle
            || open >= self.settings.max_size
        {
            return None;
        }
        let permit = self.slots.clone().try_acquire_owned().ok()?;
        state.connecting += 1;
        Some(ConnectTicket {
            shelf: self.clone(),
            permit: Some(permit),
        })
    }

    fn next_meta(&self, auth_generation: u64) -> Meta {
        Meta {
            id: ConnectionId(self.next_id.fetch_add(1, Ordering::Relaxed)),
            created: Instant::now(),
            auth_generation,
        }
    }

    /// True when `meta`'s connection authenticated with older credentials
    /// than the newest the pool knows.
    pub(crate) fn stale(&self, meta: &Meta) -> bool {
        meta.auth_generation < self.auth_generation.load(Ordering::Acquire)
    }

    /// Takes an idle connection with stale credentials, with a slot of its
    /// own, for the re-authentication task (counted as in use meanwhile).
    pub(crate) fn checkout_stale(self: &Arc<Self>) -> Option<PooledConnection<S>> {
        let mut state = self.lock();
        let index = state.idle.iter().position(|idle| self.stale(&idle.meta))?;
        let permit = self.slots.clone().try_acquire_owned().ok()?;
        let idle = state.idle.remove(index)?;
        state.in_use += 1;
        drop(state);
        Some(PooledConnection::new(
            idle.conn,
            idle.meta,
            idle.session,
            self.clone(),
            permit,
        ))
    }

    /// A connection comes back from its holder (the guard's `Drop`): idled
    /// if it is fit for the next caller, closed otherwise. The permit is
    /// released last, after the connection is on the shelf.
    pub(crate) fn check_in(
        &self,
        mut conn: Connection<S>,
        meta: Meta,
        session: Session,
        permit: Option<OwnedSemaphorePermit>,
    ) {
        let mut reason = if !conn.is_usable() {
            Some(CloseReason::Broken)
        } else if !session.reusable() {
            Some(CloseReason::SessionChanged)
        } else if self.expired(&meta) {
            Some(CloseReason::Expired)
        } else {
            None
        };
        let closing = {
            let mut state = self.lock();
            state.in_use -= 1;
            if state.closed {
                reason = reason.or(Some(CloseReason::PoolClosed));
            }
            match reason {
                Some(reason) => Some((conn, reason)),
                None => {
                    conn.set_response_timeout(self.settings.response_timeout);
                    state.idle.push_back(Idle {
                        conn,
                        meta,
                        since: Instant::now(),
                        session,
                    });
                    None
                }
            }
        };
        drop(permit);
        match closing {
            None => {
                self.listeners.emit(&PoolEvent::Released { id: meta.id });
                if self.stale(&meta) {
                    // Re-authenticate it now, before anyone else gets it.
                    self.reauth.notify_one();
                }
            }
            Some((conn, reason)) => self.closed(conn, meta.id, reason),
        }
    }

    /// A held connection is closed (`discard`, failed health check, too
    /// old): its slot stays with the holder.
    pub(crate) fn close_in_use(&self, conn: Connection<S>, id: ConnectionId, reason: CloseReason) {
        self.lock().in_use -= 1;
        self.closed(conn, id, reason);
    }

    /// A held connection leaves the pool for good.
    pub(crate) fn detach(&self, id: ConnectionId) {
        self.lock().in_use -= 1;
        self.listeners.emit(&PoolEvent::Detached { id });
        self.wake.notify_one();
    }

    /// Closes idle connections past their lifetime.
    pub(crate) fn evict_expired(&self) {
        if self.settings.max_lifetime.is_none() {
            return;
        }
        let expired: VecDeque<Idle<S>> = {
            let mut state = self.lock();
            let (keep, expired) = std::mem::take(&mut state.idle)
                .into_iter()
                .partition(|idle| !self.expired(&idle.meta));
            state.idle = keep;
            expired
        };
        for idle in expired {
            self.closed(idle.conn, idle.meta.id, CloseReason::Expired);
        }
    }

    /// Marks the pool closed and closes its idle connections; connections
    /// in use are closed when they come back.
    pub(crate) fn close(&self) {
        let idle = {
            let mut state = self.lock();
            state.closed = true;
            std::mem::take(&mut state.idle)
        };
        self.slots.close();
        for idle in idle {
            self.closed(idle.conn, idle.meta.id, CloseReason::PoolClosed);
        }
        self.wake.notify_one();
    }

    /// Drops `conn` (closing its socket) outside the lock and reports it.
    fn closed(&self, conn: Connection<S>, id: ConnectionId, reason: CloseReason) {
        drop(conn);
        tracing::debug!(%id, ?reason, "pooled connection closed");
        self.listeners.emit(&PoolEvent::Closed { id, reason });
        self.wake.notify_one();
    }
}

/// A caller counted in `waiting`; dropping it (a cancelled or timed-out
/// `get`) uncounts it.
pub(crate) struct WaitTicket<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    shelf: Arc<Shelf<S>>,
    armed: bool,
}

impl<S> Drop for WaitTicket<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    fn drop(&mut self) {
        if self.armed {
            self.shelf.lock().waiting -= 1;
        }
    }
}

/// A slot reserved for a connection being opened, counted in
/// `connecting`; dropping it (failed or cancelled connect) frees both.
pub(crate) struct ConnectTicket<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    shelf: Arc<Shelf<S>>,
    permit: Option<OwnedSemaphorePermit>,
}

impl<S> ConnectTicket<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    /// The connection is open: it is handed to the caller.
    pub(crate) fn into_in_use(
        mut self,
        conn: Connection<S>,
        auth_generation: u64,
    ) -> PooledConnection<S> {
        let meta = self.shelf.next_meta(auth_generation);
        {
            let mut state = self.shelf.lock();
            state.connecting -= 1;
            state.in_use += 1;
        }
        let permit = self
            .permit
            .take()
            .expect("a ticket holds its permit until used");
        let conn =
            PooledConnection::new(conn, meta, Session::default(), self.shelf.clone(), permit);
        self.shelf
            .listeners
            .emit(&PoolEvent::Created { id: meta.id });
        conn
    }

    /// The connection is open: it goes on the shelf (background refill).
    pub(crate) fn into_idle(mut self, conn: Connection<S>, auth_generation: u64) {
        let meta = self.shelf.next_meta(auth_generation);
        let closed = {
            let mut state = self.shelf.lock();
            state.connecting -= 1;
            if state.closed {
                Some(conn)
            } else {
                state.idle.push_back(Idle {
                    conn,
                    meta,
                    since: Instant::now(),
                    session: Session::default(),
                });
                None
            }
        };
        drop(self.permit.take());
        self.shelf
            .listeners
            .emit(&PoolEvent::Created { id: meta.id });
        if let Some(conn) = closed {
            self.shelf.closed(conn, meta.id, CloseReason::PoolClosed);
        }
    }
}

impl<S> Drop for ConnectTicket<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    fn drop(&mut self) {
        if self.permit.is_some() {
            self.shelf.lock().connecting -= 1;
            // The permit is released after the count (field drop order).
        }
    }
}
