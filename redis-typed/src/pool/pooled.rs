//! [`PooledConnection`]: a connection borrowed from a pool, given back on
//! drop.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::OwnedSemaphorePermit;

use super::events::{CloseReason, ConnectionId};
use super::session::Session;
use super::shelf::{Meta, Shelf};
use crate::commands::Command;
use crate::connection::Connection;
use crate::error::Result;
use crate::transport::DefaultStream;
use crate::types::RedisKey;

/// A connection taken from a [`Pool`](super::Pool), returned when this
/// guard is dropped.
///
/// It dereferences to [`Connection`], so everything a dedicated connection
/// does works on it: `send`, `pipeline()`, `transaction()`, `watch()`,
/// `set_response_timeout()`, blocking commands.
///
/// On drop the connection goes back to the pool only if it is fit for the
/// next caller: it is closed instead (and its slot freed) when its state is
/// unknown (a command failed on it or was cancelled half-way, see
/// [`Connection::is_usable`]), when a command changed its session in a way
/// the pool does not undo (`SELECT`, `SUBSCRIBE`, an open `MULTI`...), or
/// when it is past the pool's `max_lifetime`. A response timeout changed
/// with `set_response_timeout` is restored; keys left `WATCH`ed are
/// `UNWATCH`ed before the next caller gets the connection.
///
/// ```no_run
/// use std::time::Duration;
/// use redis_typed::{Cmd, pool::Pool};
/// # async fn demo(pool: Pool) -> redis_typed::Result<()> {
/// let mut conn = pool.get().await?;
/// // Blocking pop: wait as long as it takes on this connection only.
/// conn.set_response_timeout(None);
/// let popped: Option<(String, String)> = conn.send(Cmd::new("BLPOP").key("jobs").arg(&0)).await?;
/// drop(conn); // back to the pool, with the pool's response timeout
/// # Ok(()) }
/// ```
pub struct PooledConnection<S = DefaultStream>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    /// `None` only after `discard`/`detach`/`close` took it.
    conn: Option<Connection<S>>,
    meta: Meta,
    session: Session,
    shelf: Arc<Shelf<S>>,
    /// The slot; released after the connection is back on the shelf.
    permit: Option<OwnedSemaphorePermit>,
}

impl<S> PooledConnection<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    pub(crate) fn new(
        conn: Connection<S>,
        meta: Meta,
        session: Session,
        shelf: Arc<Shelf<S>>,
        permit: OwnedSemaphorePermit,
    ) -> Self {
        PooledConnection {
            conn: Some(conn),
            meta,
            session,
            shelf,
            permit: Some(permit),
        }
    }

    /// The pool-local number of this connection.
    pub fn id(&self) -> ConnectionId {
        self.meta.id
    }

    /// Time since the connection was opened.
    pub fn age(&self) -> Duration {
        self.meta.created.elapsed()
    }

    /// Sends one command and decodes its reply, as [`Connection::send`]
    /// does, noting what the command does to the session (`WATCH`,
    /// `SELECT`, `MULTI`...) so the connection is cleaned up or closed
    /// before another caller gets it.
    pub async fn send<C: Command>(&mut self, cmd: C) -> Result<C::Response> {
        self.session.note(&cmd);
        self.connection_mut().send(cmd).await
    }

    /// `WATCH key [key ...]`, as [`Connection::watch`]; the pool sends
    /// `UNWATCH` before this connection serves another caller.
    pub async fn watch<K: RedisKey>(&mut self, keys: impl IntoIterator<Item = K>) -> Result<()> {
        self.session.watching = true;
        self.connection_mut().watch(keys).await
    }

    /// `UNWATCH`, as [`Connection::unwatch`].
    pub async fn unwatch(&mut self) -> Result<()> {
        self.connection_mut().unwatch().await?;
        self.session.watching = false;
        Ok(())
    }

    /// Closes the connection instead of returning it; its slot is freed.
    pub fn discard(mut self) {
        self.close(CloseReason::Discarded);
    }

    /// Takes the connection out of the pool for good: its slot is freed
    /// and the pool no longer counts it.
    pub fn detach(mut self) -> Connection<S> {
        let conn = self.conn.take().expect("a live guard holds its connection");
        self.shelf.detach(self.meta.id);
        conn
    }

    /// Closes the connection and gives its slot to the caller (who keeps
    /// looking for a connection with it).
    pub(crate) fn close(&mut self, reason: CloseReason) -> Option<OwnedSemaphorePermit> {
        if let Some(conn) = self.conn.take() {
            self.shelf.close_in_use(conn, self.meta.id, reason);
        }
        self.permit.take()
    }

    pub(crate) fn session(&self) -> Session {
        self.session
    }

    pub(crate) fn set_session(&mut self, session: Session) {
        self.session = session;
    }

    pub(crate) fn meta(&self) -> &Meta {
        &self.meta
    }

    pub(crate) fn set_auth_generation(&mut self, generation: u64) {
        self.meta.auth_generation = generation;
    }

    fn connection_mut(&mut self) -> &mut Connection<S> {
        self.conn
            .as_mut()
            .expect("a live guard holds its connection")
    }
}

impl<S> Deref for PooledConnection<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    type Target = Connection<S>;

    fn deref(&self) -> &Connection<S> {
        self.conn
            .as_ref()
            .expect("a live guard holds its connection")
    }
}

impl<S> DerefMut for PooledConnection<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    fn deref_mut(&mut self) -> &mut Connection<S> {
        self.connection_mut()
    }
}

impl<S> Drop for PooledConnection<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.shelf
                .check_in(conn, self.meta, self.session, self.permit.take());
        }
    }
}

impl<S> fmt::Debug for PooledConnection<S>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PooledConnection")
            .field("id", &self.meta.id)
            .field("age", &self.meta.created.elapsed())
            .field(
                "usable",
                &self.conn.as_ref().is_some_and(Connection::is_usable),
            )
            .finish_non_exhaustive()
    }
}
