//! The supervisor: the task that owns a client's connection over time.
//!
//! It runs the driver of the current stream; when the stream fails it waits
//! until a request needs a connection, reconnects (asking the credential
//! provider again), and starts a new driver. Requests queued meanwhile are
//! written by the new driver: they were never sent, so sending them now is
//! safe. When an attempt fails, the requests waiting for it get the error,
//! and further attempts are spaced by an exponential backoff (capped), so a
//! dead server is not hammered while callers still get prompt, typed errors.
//!
//! While a stream is live, the supervisor also follows the credential
//! provider: when the credentials change it slips `AUTH user password` into
//! the stream, in order with everyone's commands (those queued before it run
//! as the old identity, those after it as the new one). A failed
//! re-authentication is reported and the stream is dropped: the next
//! connection authenticates from scratch, and nothing keeps running on
//! credentials the provider no longer vouches for.

use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::auth::{CredentialProvider, CredentialsUpdate, CredentialsWatch};
use crate::client::decode_reply;
use crate::commands::{encode, Auth};
use crate::connection::{
    Confirm, Connection, ConnectionConfig, Driver, Protocol, Reply, Shared, State, Status,
};
use crate::error::{Error, ServerError};
use crate::events::{ConnectionInfo, ConnectionKind, Event};
use crate::pubsub::{Routes, SubKind};
use crate::resp::Value;
use crate::retry::{Backoff, EqualJitter};
use crate::transport::Transport;

/// Reconnect delays: equal jitter between 10 ms and 1 s, so that many
/// clients of a restarted server do not all come back in lockstep.
fn reconnect_backoff() -> EqualJitter {
    EqualJitter::new(Duration::from_millis(10), Duration::from_secs(1))
}

/// Numbers the connections of all clients, for events and logs.
static NEXT_CONNECTION_ID: AtomicU64 = AtomicU64::new(1);

pub(crate) fn next_connection_id() -> u64 {
    NEXT_CONNECTION_ID.fetch_add(1, Ordering::Relaxed)
}

pub(crate) struct Supervisor<T, C> {
    shared: Arc<Shared>,
    config: ConnectionConfig,
    transport: T,
    credentials: C,
}

/// A live stream and what the supervisor knows about it.
pub(crate) struct Established<S> {
    pub conn: Connection<S>,
    /// The credential generation the handshake used.
    pub auth_generation: u64,
    pub id: u64,
}

impl<T: Transport, C: CredentialProvider> Supervisor<T, C> {
    pub(crate) fn new(
        shared: Arc<Shared>,
        config: ConnectionConfig,
        transport: T,
        credentials: C,
    ) -> Self {
        Supervisor {
            shared,
            config,
            transport,
            credentials,
        }
    }

    /// Opens a stream and performs the handshake, noting which credential
    /// generation it used.
    pub(crate) async fn connect(
        config: &ConnectionConfig,
        transport: &T,
        credentials: &C,
    ) -> crate::Result<Established<T::Stream>> {
        let auth_generation = crate::auth::handshake_generation(credentials.subscribe().as_ref());
        let conn = Connection::connect_with(config, transport, credentials).await?;
        let id = next_connection_id();
        config.events.dispatch(&Event::ConnectionCreated {
            connection: ConnectionInfo::new(&config.addr, ConnectionKind::Multiplexed, id)
                .with_server_id(conn.server_id()),
        });
        Ok(Established {
            conn,
            auth_generation,
            id,
        })
    }

    /// Spawns the supervisor, starting with an established connection.
    pub(crate) fn spawn(self, first: Established<T::Stream>) {
        tokio::spawn(self.run(first));
    }

    async fn run(self, first: Established<T::Stream>) {
        // Every later connection must speak what the first one negotiated:
        // the client's callers, its driver and its shared subscriptions
        // were set up for it (a server that stopped offering RESP3 is
        // refused like a failed connection, and tried again).
        let protocol = first.conn.protocol();
        let mut watch = self.credentials.subscribe();
        let mut next = Some(first);
        let mut failures: u32 = 0;
        let backoff = reconnect_backoff();
        let mut previous = Duration::ZERO;
        loop {
            if let Some(established) = next.take() {
                if self.drive(established, &mut watch).await {
                    return;
                }
            }
            // Wait for demand.
            loop {
                match self.shared.status() {
                    Status::Closed => return,
                    Status::Connecting => break,
                    _ => self.shared.demand.notified().await,
                }
            }
            if failures > 0 {
                previous = backoff.delay(failures - 1, previous, &mut rand::rng());
                tokio::time::sleep(previous).await;
            }
            let attempt = Self::connect(&self.config, &self.transport, &self.credentials)
                .await
                .and_then(|established| same_protocol(established, protocol));
            match attempt {
                Ok(established) => {
                    tracing::info!(addr = %self.config.addr, "reconnected");
                    self.shared.router.note_reconnect();
                    failures = 0;
                    previous = Duration::ZERO;
                    next = Some(established);
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::warn!(addr = %self.config.addr, error = %e, failures, "reconnect failed");
                    let reason = e.to_string();
                    let connect_error = move || match &e {
                        Error::Timeout(d) => Error::Timeout(*d),
                        _ => Error::ConnectionClosed(format!("reconnect failed: {reason}")),
                    };
                    // Live subscriptions are demand enough: keep trying.
                    let routes = self.shared.router.lock();
                    let then = match routes.is_empty() {
                        true => Status::Disconnected,
                        false => Status::Connecting,
                    };
                    self.shared.fail_queued(connect_error, then);
                    drop(routes);
                }
            }
        }
    }

    /// Runs one stream until it fails (false) or the client closes (true),
    /// re-authenticating it whenever the credentials change.
    async fn drive(
        &self,
        established: Established<T::Stream>,
        watch: &mut Option<CredentialsWatch>,
    ) -> bool {
        let Established {
            conn,
            mut auth_generation,
            id,
        } = established;
        let protocol = conn.protocol();
        let server_id = conn.server_id();
        let (stream, read_buf, decoder, _) = conn.into_parts();
        {
            // Routes before the queue (the router's lock order).
            let routes = self.shared.router.lock();
            let mut state = self.shared.lock();
            state.abort = None;
            if state.status != Status::Closed {
                state.status = Status::Connected;
            }
            self.resubscribe(&routes, &mut state, protocol);
        }
        let mut driver = pin!(Driver::new(
            stream,
            read_buf,
            decoder,
            protocol,
            self.shared.clone()
        ));
        let stopped = loop {
            // Credentials that changed while the handshake ran.
            if let Some(w) = watch.as_mut() {
                if w.generation() > auth_generation {
                    if let Some(update) = w.latest() {
                        auth_generation = update.generation;
                        self.reauthenticate(&update, id, server_id);
                    }
                }
            }
            tokio::select! {
                stopped = &mut driver => break stopped,
                changed = async { watch.as_mut().expect("guarded").changed().await }, if watch.is_some() => {
                    match changed {
                        Some(update) => {
                            auth_generation = update.generation;
                            self.reauthenticate(&update, id, server_id);
                        }
                        None => *watch = None,
                    }
                }
            }
        };
        tracing::debug!(addr = %self.config.addr, ?stopped, "driver stopped");
        // Unsent requests stay queued for the next connection; a new request
        // while disconnected wakes the supervisor (see `Shared::enqueue`).
        // Live subscriptions need a connection too: reconnect at once.
        let routes = self.shared.router.lock();
        let mut state = self.shared.lock();
        match state.status {
            Status::Closed => true,
            _ if !state.queued.is_empty() || !routes.is_empty() => {
                state.status = Status::Connecting;
                false
            }
            _ => {
                state.status = Status::Disconnected;
                false
            }
        }
    }

    /// Subscribes the new connection again to everything the client's
    /// shared subscriptions hold, ahead of the requests that waited for the
    /// connection: one request per channel, because the server refuses a
    /// whole command for one channel it denies (an ACL changed meanwhile;
    /// shard channels of different slots on a cluster node), and such a
    /// refusal must reach only the subscriptions of that channel (through
    /// their streams). A connection lost meanwhile will try again.
    fn resubscribe(&self, routes: &Routes, state: &mut State, protocol: Protocol) {
        let held: Vec<(Confirm, Vec<Bytes>)> = SubKind::ALL
            .into_iter()
            .flat_map(|kind| {
                let confirm = Confirm {
                    kind,
                    subscribe: true,
                };
                routes
                    .held(kind)
                    .into_iter()
                    .map(move |channel| (confirm, vec![channel]))
            })
            .collect();
        if held.is_empty() {
            return;
        }
        if protocol != Protocol::Resp3 {
            tracing::warn!("reconnected with RESP2: shared subscriptions cannot be restored");
            for (confirm, channels) in &held {
                routes.fail(confirm.kind, channels, || {
                    Error::ConnectionClosed(
                        "the client reconnected with RESP2: this subscription cannot be restored"
                            .into(),
                    )
                });
            }
            return;
        }
        let receivers = state.requeue_first(held.clone());
        for ((confirm, channels), rx) in held.into_iter().zip(receivers) {
            let shared = self.shared.clone();
            tokio::spawn(async move {
                let refusal = match rx.await {
                    Ok(Reply::One(Value::Error(message))) => ServerError::new(message),
                    // Confirmed; or the connection was lost again, and the
                    // next one subscribes again.
                    _ => return,
                };
                tracing::warn!(error = %refusal, kind = ?confirm.kind, "re-subscription refused");
                let routes = shared.router.lock();
                routes.fail(confirm.kind, &channels, || Error::Server(refusal.clone()));
            });
        }
    }

    /// Queues `AUTH` with the new credentials and reports the outcome.
    fn reauthenticate(&self, update: &CredentialsUpdate, id: u64, server_id: Option<i64>) {
        let credentials = match update.usable() {
            Ok(c) => c.clone(),
            // Expired or unavailable: the provider has reported it; the
            // connection stays authenticated as before until it can be
            // re-authenticated or is replaced.
            Err(e) => {
                tracing::warn!(error = %e, "credentials unusable; not re-authenticating");
                return;
            }
        };
        let auth = Auth::from_credentials(&credentials);
        let rx = self.shared.enqueue(|out| {
            encode(&auth, out);
            1
        });
        let shared = self.shared.clone();
        let events = self.config.events.clone();
        let addr = self.config.addr.clone();
        let generation = update.generation;
        tokio::spawn(async move {
            let outcome = match rx {
                Ok(rx) => match rx.await {
                    Ok(Reply::One(v)) => decode_reply::<()>(v),
                    Ok(Reply::Many(_)) => Ok(()),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            let connection = ConnectionInfo::new(&addr, ConnectionKind::Multiplexed, id)
                .with_server_id(server_id);
            match outcome {
                Ok(()) => {
                    tracing::debug!(%connection, generation, "re-authenticated");
                    events.dispatch(&Event::ReauthSucceeded {
                        connection,
                        generation,
                    });
                }
                Err(error) => {
                    tracing::warn!(%connection, generation, %error, "re-authentication failed");
                    events.dispatch(&Event::ReauthFailed {
                        connection,
                        generation,
                        error: &error,
                    });
                    // A connection closed anyway needs no abort.
                    if !error.is_connection_error() {
                        shared.abort_connection(format!("re-authentication failed: {error}"));
                    }
                }
            }
        });
    }
}

/// `established`, when it speaks `protocol`; otherwise an error (the
/// connection is dropped, closing it).
fn same_protocol<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static>(
    established: Established<S>,
    protocol: Protocol,
) -> crate::Result<Established<S>> {
    let got = established.conn.protocol();
    if got == protocol {
        return Ok(established);
    }
    Err(Error::ConnectionClosed(format!(
        "the server negotiated {got:?} on reconnect, but this client speaks {protocol:?}"
    )))
}
