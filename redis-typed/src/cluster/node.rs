//! Sending one encoded command to one node, with every cluster reply
//! handled: `MOVED`, `ASK`, `TRYAGAIN`, `CLUSTERDOWN`, lost connections and
//! uncovered slots. This is the loop every routed command goes through.

use std::sync::Arc;

use bytes::Bytes;
use tokio::task::JoinSet;

use super::client::Inner;
use super::redirect::Redirect;
use super::LoadBalancingStrategy;
use crate::auth::CredentialProvider;
use crate::client::decode_reply;
use crate::commands::encode;
use crate::connection::ServerAddr;
use crate::error::{Error, ErrorKind, Result, ServerError};
use crate::resp::Value;
use crate::transport::Transport;
use crate::Cmd;

/// The error for a slot no node serves: the one the server itself sends.
pub(crate) fn not_served(slot: Option<u16>) -> Error {
    let text = match slot {
        Some(slot) => format!("CLUSTERDOWN Hash slot not served (slot {slot}, no node known for it after refreshing the topology)"),
        None => "CLUSTERDOWN no primary known (topology is empty)".to_owned(),
    };
    Error::Server(ServerError::new(text.into()))
}

/// True when a request's error says it never reached the server: the
/// node's client failed to reconnect, and fails the requests queued for
/// that attempt with `reconnect failed: ...`, so resending cannot run them
/// twice. (Failures while a request was in flight may follow its
/// execution: only read-only commands are retried after those.)
pub(crate) fn never_sent(error: &Error) -> bool {
    matches!(error, Error::ConnectionClosed(m) if m.starts_with("reconnect failed"))
}

pub(crate) fn host_of(addr: &ServerAddr) -> &str {
    match addr {
        ServerAddr::Tcp { host, .. } => host,
        ServerAddr::Unix(_) => "127.0.0.1",
    }
}

/// Errors after which the command may simply be tried again later.
pub(crate) fn is_transient(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::TryAgain
            | ErrorKind::ClusterDown
            | ErrorKind::Loading
            | ErrorKind::MasterDown
            | ErrorKind::ReadOnly
    )
}

impl<T: Transport, C: CredentialProvider> Inner<T, C> {
    /// Sends `bytes` (one encoded command) to the node serving `slot` (any
    /// primary when `None`) and follows redirections until a final reply.
    /// Server error replies come back as `Err(Error::Server)`.
    pub(crate) async fn run_one(
        self: &Arc<Self>,
        slot: Option<u16>,
        bytes: &Bytes,
        read_only: bool,
        strategy: LoadBalancingStrategy,
    ) -> Result<Value> {
        let mut ask: Option<Arc<ServerAddr>> = None;
        // The node to ask again, bypassing the strategy (a replica that was
        // just sent READONLY).
        let mut again: Option<Arc<ServerAddr>> = None;
        let mut readonly_resent = false;
        let mut last_error = None;
        for attempt in 0..self.config.max_attempts {
            let generation = self.gate.generation();
            let asking = ask.take();
            // The routed case takes the node's client from the routes
            // table; redirections, and nodes not connected yet, go through
            // `client_for`. `to_replica`: the strategy chose one of the
            // shard's replicas (in the map this attempt was routed with).
            let (addr, routed, to_replica) = match (&asking, again.take()) {
                (Some(a), _) => (a.clone(), None, false),
                (None, Some(a)) => (a, None, true),
                (None, None) => match self.route(slot, read_only, strategy) {
                    Some(r) => r,
                    None => {
                        last_error = Some(not_served(slot));
                        self.refresh_after(generation).await;
                        self.backoff(attempt).await;
                        continue;
                    }
                },
            };
            let client = match routed {
                Some(c) => c,
                None => match self.client_for(&addr).await {
                    Ok(c) => c,
                    Err(e) => {
                        last_error = Some(e);
                        self.refresh_after(generation).await;
                        self.backoff(attempt).await;
                        continue;
                    }
                },
            };
            let reply = match &asking {
                Some(_) => client
                    .request(
                        |out| {
                            encode(&Cmd::<()>::new("ASKING"), out);
                            out.extend_from_slice(bytes);
                        },
                        2,
                    )
                    .await
                    .map(|mut v| v.pop().unwrap_or(Value::Nil)),
                None => client
                    .request(|out| out.extend_from_slice(bytes), 1)
                    .await
                    .map(|mut v| v.pop().unwrap_or(Value::Nil)),
            };
            let error = match reply {
                Ok(Value::Error(message)) => ServerError::new(message),
                Ok(value) => return Ok(value),
                Err(e) if e.is_connection_error() || e.is_timeout() => {
                    self.schedule_refresh();
                    if !(read_only || never_sent(&e)) {
                        return Err(e);
                    }
                    last_error = Some(e);
                    self.backoff(attempt).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            match Redirect::parse(&error, host_of(&addr)) {
                Some(Redirect::Moved {
                    slot: s,
                    addr: target,
                }) => {
                    // A replica picked for a read, on a connection without
                    // READONLY (fresh or re-established), redirects to its
                    // primary: send READONLY once and ask the replica again.
                    // Only when a replica was picked: a read meant for the
                    // primary that reached a node demoted since (the map
                    // was older than the reply) must follow the MOVED, or a
                    // replica still resyncing would serve it.
                    if read_only
                        && to_replica
                        && !readonly_resent
                        && self.is_replica_of(&addr, s, &target)
                    {
                        readonly_resent = true;
                        let _ = client.send(Cmd::<()>::new("READONLY")).await;
                        again = Some(addr);
                        continue;
                    }
                    self.apply_moved(s, &target);
                    self.schedule_refresh();
                    last_error = Some(error.into());
                }
                Some(Redirect::Ask { addr: target, .. }) => {
                    ask = Some(Arc::new(target));
                    last_error = Some(error.into());
                }
                None if is_transient(error.kind) => {
                    if error.kind != ErrorKind::TryAgain {
                        self.schedule_refresh();
                    }
                    last_error = Some(error.into());
                    self.backoff(attempt).await;
                }
                None => return Err(error.into()),
            }
        }
        Err(last_error.unwrap_or_else(|| not_served(slot)))
    }

    /// Sends `bytes` to every node of the map, primaries and replicas, in
    /// parallel, and returns the replies, the primaries' first. A server
    /// error from any node fails the command, and so does a primary that
    /// cannot be reached. A replica that cannot be reached is skipped (and
    /// a refresh scheduled): it serves no read until it is back, and a
    /// replica that restarts comes back with an empty script cache anyway,
    /// which the `NOSCRIPT` fallback of `Script` covers.
    pub(crate) async fn run_on_every_node(self: &Arc<Self>, bytes: &Bytes) -> Result<Vec<Value>> {
        let topology = self.topology();
        let primaries: Vec<ServerAddr> = topology.primaries().cloned().collect();
        if primaries.is_empty() {
            return Err(not_served(None));
        }
        let mut tasks = JoinSet::new();
        // `nodes()` lists the primaries first.
        for (i, addr) in topology.nodes().into_iter().cloned().enumerate() {
            let me = self.clone();
            let bytes = bytes.clone();
            let primary = primaries.contains(&addr);
            tasks.spawn(async move {
                let outcome = async {
                    let client = me.client_for(&addr).await?;
                    let mut reply = client
                        .request(|out| out.extend_from_slice(&bytes), 1)
                        .await?;
                    decode_reply::<Value>(reply.pop().unwrap_or(Value::Nil))
                }
                .await;
                (i, addr, primary, outcome)
            });
        }
        let mut replies = Vec::new();
        let mut first_error = None;
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok((i, _, _, Ok(value))) => replies.push((i, value)),
                Ok((_, addr, false, Err(e))) if e.is_connection_error() || e.is_timeout() => {
                    tracing::warn!(error = %e, node = ?addr, "replica skipped: unreachable");
                    self.schedule_refresh();
                }
                Ok((_, _, _, Err(e))) => {
                    first_error.get_or_insert(e);
                }
                Err(e) => {
                    first_error.get_or_insert(Error::ConnectionClosed(format!(
                        "cluster task failed: {e}"
                    )));
                }
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        replies.sort_by_key(|(i, _)| *i);
        Ok(replies.into_iter().map(|(_, v)| v).collect())
    }

    async fn backoff(&self, attempt: u32) {
        tokio::time::sleep(self.config.backoff(attempt)).await;
    }
}
