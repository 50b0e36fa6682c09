//! [`Pool`]: handing out dedicated connections, opening and checking them.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Weak};
use std::time::Instant;

use tokio::sync::TryAcquireError;

use super::events::{CloseReason, PoolEvent};
use super::shelf::{Checkout, Settings, Shelf};
use super::{PoolConfig, PoolStatus, PooledConnection};
use crate::auth::{CredentialProvider, Credentials, CredentialsWatch, StaticCredentials};
use crate::commands::{Auth, Command};
use crate::connection::{Connection, ConnectionConfig};
use crate::error::{Error, Result};
use crate::events::{ConnectionInfo, ConnectionKind, Event};
use crate::resp::Value;
use crate::retry::RetryEvent;
use crate::transport::{DefaultTransport, Transport};
use crate::Cmd;

/// A pool of dedicated [`Connection`]s: bounded, fair, self-healing.
///
/// [`Pool::get`] hands out a [`PooledConnection`], exclusively the caller's
/// until dropped. When all `max_size` connections are out, callers queue and
/// are served in arrival order (FIFO); one that waits longer than
/// [`PoolConfig::acquire_timeout`] gets [`Error::Timeout`] with that
/// duration. Connections idle for longer than
/// [`PoolConfig::health_check_interval`] are `PING`ed before being handed
/// out, so one killed server-side is replaced transparently; one whose
/// state is unknown after a failed or cancelled command is closed, never
/// reused. [`Pool::status`] counts exactly, whatever is cancelled where.
///
/// The pool is the home for what cannot share a multiplexed
/// [`Client`](crate::Client): blocking commands (`BLPOP`, `XREAD BLOCK`,
/// `WAIT`) — give that connection a response timeout of `None` with
/// [`Connection::set_response_timeout`] (restored when it comes back), or
/// build a pool for blocking use whose [`ConnectionConfig`] has
/// `response_timeout(None)` — and `WATCH`-based transactions.
///
/// ```no_run
/// use redis_typed::{Cmd, ConnectionConfig};
/// use redis_typed::pool::{Pool, PoolConfig};
///
/// # async fn demo() -> redis_typed::Result<()> {
/// let pool = Pool::connect(
///     ConnectionConfig::from_url("redis://127.0.0.1:6379")?,
///     PoolConfig::default().max_size(16),
/// )
/// .await?;
///
/// // One command: get, send, give back.
/// pool.send(Cmd::<()>::new("SET").key("balance").arg("100")).await?;
///
/// // An optimistic transaction: WATCH, read, MULTI/EXEC on one connection.
/// let mut conn = pool.get().await?;
/// conn.watch(["balance"]).await?;
/// let balance: i64 = conn.send(Cmd::new("GET").key("balance")).await?;
/// let (_set,): ((),) = conn
///     .transaction()
///     .add(Cmd::<()>::new("SET").key("balance").arg(&(balance - 30)))
///     .send()
///     .await?; // Err(Error::WatchConflict) if "balance" changed meanwhile
/// drop(conn);
///
/// println!("{}", pool.status()); // total 1/16 (idle 1, in use 0), connecting 0, waiting 0
/// # Ok(()) }
/// ```
pub struct Pool<T: Transport = DefaultTransport, C: CredentialProvider = StaticCredentials> {
    inner: Arc<Inner<T, C>>,
}

struct Inner<T: Transport, C> {
    config: ConnectionConfig,
    pool_config: PoolConfig,
    transport: T,
    credentials: C,
    shelf: Arc<Shelf<T::Stream>>,
    /// Follows the credential provider (`None` for fixed credentials).
    watch: Option<CredentialsWatch>,
    /// The newest usable credentials and their generation, for
    /// re-authenticating connections opened with older ones.
    latest: std::sync::Mutex<Option<(u64, Credentials)>>,
}

impl<T: Transport, C> Drop for Inner<T, C> {
    fn drop(&mut self) {
        self.shelf.close();
    }
}

impl<T: Transport, C: CredentialProvider> Clone for Pool<T, C> {
    fn clone(&self) -> Self {
        Pool {
            inner: self.inner.clone(),
        }
    }
}

impl<T: Transport, C: CredentialProvider> fmt::Debug for Pool<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("addr", &self.inner.config.addr)
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// A pool with default settings for the server at `url`.
    pub async fn open(url: &str) -> Result<Self> {
        Pool::connect(ConnectionConfig::from_url(url)?, PoolConfig::default()).await
    }

    /// A pool of connections made with `config`, the default transport and
    /// the configuration's credentials.
    pub async fn connect(config: ConnectionConfig, pool_config: PoolConfig) -> Result<Self> {
        crate::connection::require_plain(&config)?;
        let credentials = StaticCredentials::from(config.credentials.clone());
        Pool::connect_with(config, pool_config, DefaultTransport, credentials).await
    }
}

impl<T: Transport, C: CredentialProvider> Pool<T, C> {
    /// A pool of connections opened through `transport`, authenticating
    /// with what `credentials` supplies (asked again for every new
    /// connection).
    ///
    /// With [`Creation::Eager`](super::Creation::Eager) this opens
    /// `min_idle` connections first and fails if it cannot; with
    /// [`Creation::Lazy`](super::Creation::Lazy) it does no I/O. Must be
    /// called within a Tokio runtime (the pool may spawn its maintenance
    /// task).
    pub async fn connect_with(
        config: ConnectionConfig,
        pool_config: PoolConfig,
        transport: T,
        credentials: C,
    ) -> Result<Self> {
        pool_config.validate()?;
        let settings = Settings {
            max_size: pool_config.max_size,
            min_idle: pool_config.min_idle,
            max_lifetime: pool_config.max_lifetime,
            response_timeout: config.response_timeout,
        };
        let shelf = Shelf::new(settings, pool_config.listeners.clone());
        let watch = credentials.subscribe();
        let pool = Pool {
            inner: Arc::new(Inner {
                config,
                pool_config,
                transport,
                credentials,
                shelf,
                watch,
                latest: std::sync::Mutex::new(None),
            }),
        };
        let inner = &pool.inner;
        if inner.pool_config.creation == super::Creation::Eager {
            inner.refill().await?;
        }
        if inner.pool_config.min_idle > 0 || inner.pool_config.max_lifetime.is_some() {
            tokio::spawn(maintain(Arc::downgrade(inner)));
        }
        if let Some(watch) = inner.credentials.subscribe() {
            tokio::spawn(reauthenticate(Arc::downgrade(inner), watch));
        }
        inner.config.events.dispatch(&Event::PoolCreated {
            addr: &inner.config.addr,
            max_size: inner.pool_config.max_size,
        });
        Ok(pool)
    }

    /// A connection, exclusively the caller's until the guard is dropped.
    ///
    /// Takes the most recently returned idle connection (checking it first
    /// if it sat idle for the health-check interval, closing it if it is
    /// past its lifetime), or opens a new one if there is room. When the
    /// pool is full, waits in FIFO order for a slot; after
    /// [`PoolConfig::acquire_timeout`] fails with
    /// `Error::Timeout(acquire_timeout)`. A failure to open a connection is
    /// returned as is (its slot is freed).
    ///
    /// Cancel-safe: dropping the future at any point leaves the pool's
    /// counts exact and frees any slot it held.
    pub async fn get(&self) -> Result<PooledConnection<T::Stream>> {
        self.acquire().await.map_err(AcquireError::into_error)
    }

    /// [`Pool::get`], telling an exhausted pool from a failed connect.
    async fn acquire(&self) -> Result<PooledConnection<T::Stream>, AcquireError> {
        let started = Instant::now();
        let shelf = &self.inner.shelf;
        let (permit, waited) = match shelf.slots.clone().try_acquire_owned() {
            Ok(permit) => (permit, None),
            Err(TryAcquireError::Closed) => return Err(AcquireError::Exhausted(pool_closed())),
            Err(TryAcquireError::NoPermits) => {
                let ticket = shelf.start_waiting();
                let limit = self.inner.pool_config.acquire_timeout;
                let acquire = shelf.slots.clone().acquire_owned();
                let queued = on_queued(acquire, || shelf.listeners.emit(&PoolEvent::Waiting));
                match tokio::time::timeout(limit, queued).await {
                    Ok(Ok(permit)) => (permit, Some(ticket)),
                    Ok(Err(_)) => return Err(AcquireError::Exhausted(pool_closed())),
                    Err(_) => {
                        drop(ticket);
                        let waited = started.elapsed();
                        shelf.listeners.emit(&PoolEvent::TimedOut { waited });
                        tracing::debug!(?waited, "no pooled connection within the acquire timeout");
                        return Err(AcquireError::Exhausted(Error::Timeout(limit)));
                    }
                }
            }
        };
        let mut permit = Some(permit);
        let mut waited = waited;
        loop {
            let slot = permit.take().expect("the caller holds a slot in this loop");
            match shelf.checkout(slot, waited.take()) {
                Checkout::Closed => return Err(AcquireError::Exhausted(pool_closed())),
                Checkout::Idle { mut conn, since } => {
                    if shelf.expired(conn.meta()) {
                        permit = conn.close(CloseReason::Expired);
                        continue;
                    }
                    let due = self
                        .inner
                        .pool_config
                        .health_check_interval
                        .is_some_and(|interval| since.elapsed() >= interval);
                    // Safety net: the re-authentication task normally got to
                    // it first, but no caller gets stale credentials.
                    if shelf.stale(conn.meta()) {
                        if let Err(error) = self.inner.reauth(&mut conn).await {
                            tracing::debug!(id = %conn.id(), %error, "pooled connection failed re-authentication");
                            permit = conn.close(CloseReason::HealthCheckFailed);
                            continue;
                        }
                    }
                    if due || conn.session().watching {
                        if let Err(error) = self.check(&mut conn).await {
                            tracing::debug!(id = %conn.id(), %error, "pooled connection failed its health check");
                            permit = conn.close(CloseReason::HealthCheckFailed);
                            continue;
                        }
                    }
                    self.acquired(&conn, started);
                    return Ok(conn);
                }
                Checkout::Connect(ticket) => {
                    let inner = &self.inner;
                    let generation = inner.generation_before_connect();
                    match Connection::connect_with(
                        &inner.config,
                        &inner.transport,
                        &inner.credentials,
                    )
                    .await
                    {
                        Ok(conn) => {
                            let conn = ticket.into_in_use(conn, generation);
                            self.acquired(&conn, started);
                            return Ok(conn);
                        }
                        Err(error) => {
                            drop(ticket);
                            shelf
                                .listeners
                                .emit(&PoolEvent::ConnectFailed { error: &error });
                            tracing::warn!(addr = %inner.config.addr, %error, "pool could not open a connection");
                            return Err(AcquireError::Connect(error));
                        }
                    }
                }
            }
        }
    }

    /// Gets a connection, sends `cmd`, and gives the connection back.
    ///
    /// With a [`PoolConfig::retry`] policy, failures are retried as it
    /// says: a read-only command on any failure the policy accepts; a
    /// write only when it cannot have run — no connection could be had to
    /// send it on, or the server refused it (`LOADING`, `BUSY`,
    /// `TRYAGAIN`, `CLUSTERDOWN`) — unless the policy
    /// [retries writes](crate::retry::Retry::retry_writes). Each retry is
    /// a `tracing` event and a [`PoolEvent::Retrying`]. A full pool's
    /// acquire timeout is not retried: the caller already waited as long as
    /// it was willing to.
    pub async fn send<Q: Command>(&self, cmd: Q) -> Result<Q::Response> {
        let Some(retry) = &self.inner.pool_config.retry else {
            return self.get().await?.send(cmd).await;
        };
        // How far the last attempt got decides what may be retried.
        const EXHAUSTED: u8 = 0;
        const NOT_SENT: u8 = 1;
        const SENT: u8 = 2;
        let read_only = cmd.read_only();
        let stage = AtomicU8::new(EXHAUSTED);
        let (cmd, stage) = (&cmd, &stage);
        let shelf = &self.inner.shelf;
        let notify = |event: &RetryEvent<'_>| shelf.listeners.emit(&PoolEvent::Retrying(event));
        retry
            .run_with(
                |error| match stage.load(Ordering::Relaxed) {
                    NOT_SENT => retry.accepts(error),
                    SENT => retry.allows(error, read_only),
                    _ => false,
                },
                &notify,
                move || async move {
                    let mut conn = match self.acquire().await {
                        Ok(conn) => conn,
                        Err(AcquireError::Exhausted(error)) => {
                            stage.store(EXHAUSTED, Ordering::Relaxed);
                            return Err(error);
                        }
                        Err(AcquireError::Connect(error)) => {
                            stage.store(NOT_SENT, Ordering::Relaxed);
                            return Err(error);
                        }
                    };
                    stage.store(SENT, Ordering::Relaxed);
                    conn.send(cmd).await
                },
            )
            .await
    }

    /// The pool's counts, consistent with each other.
    pub fn status(&self) -> PoolStatus {
        self.inner.shelf.status()
    }

    /// The pool's settings.
    pub fn pool_config(&self) -> &PoolConfig {
        &self.inner.pool_config
    }

    /// The settings each connection is opened with.
    pub fn connection_config(&self) -> &ConnectionConfig {
        &self.inner.config
    }

    /// `UNWATCH` if keys may be watched, else `PING`, within the connect
    /// timeout. On failure or timeout the connection is left unusable.
    async fn check(&self, conn: &mut PooledConnection<T::Stream>) -> Result<()> {
        let limit = self.inner.config.connect_timeout;
        let watching = conn.session().watching;
        let probe = Cmd::<Value>::new(if watching { "UNWATCH" } else { "PING" });
        let conn_ref: &mut Connection<T::Stream> = conn;
        match tokio::time::timeout(limit, conn_ref.send(probe)).await {
            Ok(Ok(_)) => {
                let mut session = conn.session();
                session.watching = false;
                conn.set_session(session);
                Ok(())
            }
            Ok(Err(error)) => Err(error),
            Err(_) => Err(Error::Timeout(limit)),
        }
    }

    fn acquired(&self, conn: &PooledConnection<T::Stream>, started: Instant) {
        self.inner.shelf.listeners.emit(&PoolEvent::Acquired {
            id: conn.id(),
            waited: started.elapsed(),
        });
    }
}

impl<T: Transport, C: CredentialProvider> Inner<T, C> {
    /// Opens connections until `min_idle` are idle (or the pool is full).
    async fn refill(&self) -> Result<()> {
        while let Some(ticket) = self.shelf.reserve_refill() {
            let generation = self.generation_before_connect();
            match Connection::connect_with(&self.config, &self.transport, &self.credentials).await {
                Ok(conn) => ticket.into_idle(conn, generation),
                Err(error) => {
                    drop(ticket);
                    self.shelf
                        .listeners
                        .emit(&PoolEvent::ConnectFailed { error: &error });
                    return Err(error);
                }
            }
        }
        Ok(())
    }
}

impl<T: Transport, C: CredentialProvider> Inner<T, C> {
    /// The credential generation a handshake starting now will use: the
    /// current one, or the first (1) when nothing was published yet, since
    /// the handshake waits for it.
    fn generation_before_connect(&self) -> u64 {
        crate::auth::handshake_generation(self.watch.as_ref())
    }

    /// Sends `AUTH` with the newest credentials on `conn`; reports the
    /// outcome as an event.
    async fn reauth(&self, conn: &mut PooledConnection<T::Stream>) -> Result<()> {
        let Some((generation, credentials)) = self
            .latest
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
        else {
            return Ok(());
        };
        if conn.meta().auth_generation >= generation {
            return Ok(());
        }
        let auth = Auth::from_credentials(&credentials);
        let limit = self.config.connect_timeout;
        let conn_ref: &mut Connection<T::Stream> = conn;
        let outcome = match tokio::time::timeout(limit, conn_ref.send(auth)).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout(limit)),
        };
        let connection =
            ConnectionInfo::new(&self.config.addr, ConnectionKind::Pooled, conn.id().get())
                .with_server_id(conn.server_id());
        match outcome {
            Ok(()) => {
                conn.set_auth_generation(generation);
                self.config.events.dispatch(&Event::ReauthSucceeded {
                    connection,
                    generation,
                });
                Ok(())
            }
            Err(error) => {
                tracing::warn!(%connection, generation, %error, "re-authentication failed");
                self.config.events.dispatch(&Event::ReauthFailed {
                    connection,
                    generation,
                    error: &error,
                });
                Err(error)
            }
        }
    }
}

/// The re-authentication task: when the credentials change, sends `AUTH`
/// on every idle connection at once, and on every connection returned with
/// older credentials right after it comes back (before anyone else gets
/// it). A connection that fails re-authentication is closed. Ends when the
/// pool is dropped or the provider goes away.
async fn reauthenticate<T: Transport, C: CredentialProvider>(
    pool: Weak<Inner<T, C>>,
    mut watch: CredentialsWatch,
) {
    loop {
        let Some(shelf) = pool.upgrade().map(|inner| inner.shelf.clone()) else {
            return;
        };
        tokio::select! {
            update = watch.changed() => {
                let Some(update) = update else { return };
                let Some(inner) = pool.upgrade() else { return };
                match update.usable() {
                    Ok(credentials) => {
                        *inner.latest.lock().unwrap_or_else(|p| p.into_inner()) =
                            Some((update.generation, credentials.clone()));
                        inner
                            .shelf
                            .auth_generation
                            .store(update.generation, Ordering::Release);
                    }
                    // Expired or unavailable: reported by the provider; new
                    // connections will fail their handshake with the error.
                    Err(error) => tracing::warn!(%error, "credentials unusable; not re-authenticating"),
                }
            }
            _ = shelf.reauth.notified() => {}
        }
        drop(shelf);
        let Some(inner) = pool.upgrade() else { return };
        while let Some(mut conn) = inner.shelf.checkout_stale() {
            if inner.reauth(&mut conn).await.is_err() {
                let _ = conn.close(CloseReason::HealthCheckFailed);
            }
            // Dropping the guard puts it back on the shelf, fresh.
        }
    }
}

/// The maintenance task: closes expired idle connections and keeps
/// `min_idle`, every `maintenance_interval` or when a connection closes.
/// Ends when the pool is dropped.
async fn maintain<T: Transport, C: CredentialProvider>(pool: Weak<Inner<T, C>>) {
    loop {
        let (shelf, interval) = {
            let Some(inner) = pool.upgrade() else { return };
            inner.shelf.evict_expired();
            if let Err(error) = inner.refill().await {
                tracing::warn!(addr = %inner.config.addr, %error, "pool could not refill min_idle");
            }
            (inner.shelf.clone(), inner.pool_config.maintenance_interval)
        };
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shelf.wake.notified() => {}
        }
    }
}

/// Polls `fut`, calling `queued` once right after the first poll that left
/// it pending: for a semaphore acquire, once the caller is in the queue.
async fn on_queued<F: Future>(fut: F, queued: impl FnOnce()) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let mut queued = Some(queued);
    std::future::poll_fn(|cx| {
        let poll = fut.as_mut().poll(cx);
        if poll.is_pending() {
            if let Some(queued) = queued.take() {
                queued();
            }
        }
        poll
    })
    .await
}

/// Why [`Pool::acquire`] failed.
enum AcquireError {
    /// No slot within the acquire timeout, or the pool is closed: retrying
    /// would only wait again.
    Exhausted(Error),
    /// A slot was had but the connection could not be opened: nothing was
    /// sent.
    Connect(Error),
}

impl AcquireError {
    fn into_error(self) -> Error {
        match self {
            AcquireError::Exhausted(error) | AcquireError::Connect(error) => error,
        }
    }
}

fn pool_closed() -> Error {
    Error::ConnectionClosed("the pool is closed".into())
}
