//! The supervisor: the task that owns a client's connection over time.
//!
//! It runs the driver of the current stream; when the stream fails it waits
//! until a request needs a connection, reconnects (asking the credential
//! provider again), and starts a new driver. Requests queued meanwhile are
//! written by the new driver: they were never sent, so sending them now is
//! safe. When an attempt fails, the requests waiting for it get the error,
//! and further attempts are spaced by an exponential backoff (capped), so a
//! dead server is not hammered while callers still get prompt, typed errors.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::CredentialProvider;
use crate::connection::{Connection, ConnectionConfig, Driver, Shared, Status};
use crate::error::Error;
use crate::transport::Transport;

const BACKOFF_BASE: Duration = Duration::from_millis(10);
const BACKOFF_CAP: Duration = Duration::from_secs(1);

pub(crate) struct Supervisor<T, C> {
    shared: Arc<Shared>,
    config: ConnectionConfig,
    transport: T,
    credentials: C,
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

    /// Spawns the supervisor, starting with an established connection.
    pub(crate) fn spawn(self, first: Connection<T::Stream>) {
        tokio::spawn(self.run(first));
    }

    async fn run(self, first: Connection<T::Stream>) {
        let mut conn = Some(first);
        let mut failures: u32 = 0;
        loop {
            if let Some(c) = conn.take() {
                let protocol = c.protocol();
                let (stream, read_buf, decoder, _) = c.into_parts();
                self.shared.set_status(Status::Connected);
                let stopped =
                    Driver::new(stream, read_buf, decoder, protocol, self.shared.clone()).await;
                tracing::debug!(addr = %self.config.addr, ?stopped, "driver stopped");
                // Unsent requests stay queued for the next connection; a new
                // request while disconnected wakes us (see `Shared::enqueue`).
                let mut state = self.shared.lock();
                match state.status {
                    Status::Closed => return,
                    _ if !state.queued.is_empty() => state.status = Status::Connecting,
                    _ => state.status = Status::Disconnected,
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
                let delay = BACKOFF_BASE
                    .saturating_mul(1u32 << failures.min(16))
                    .min(BACKOFF_CAP);
                tokio::time::sleep(delay).await;
            }
            match Connection::connect_with(&self.config, &self.transport, &self.credentials).await {
                Ok(c) => {
                    tracing::info!(addr = %self.config.addr, "reconnected");
                    failures = 0;
                    conn = Some(c);
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::warn!(addr = %self.config.addr, error = %e, failures, "reconnect failed");
                    let reason = e.to_string();
                    let connect_error = move || match &e {
                        Error::Timeout(d) => Error::Timeout(*d),
                        _ => Error::ConnectionClosed(format!("reconnect failed: {reason}")),
                    };
                    self.shared.fail_queued(connect_error, Status::Disconnected);
                }
            }
        }
    }
}
