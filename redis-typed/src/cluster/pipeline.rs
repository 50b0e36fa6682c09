//! Cluster pipelines and transactions.
//!
//! A [`ClusterPipeline`] groups its commands by node and sends each
//! group in one write, all groups in parallel; replies come back in the
//! order the commands were added, and a command redirected (`MOVED`,
//! `ASK`) or told to wait (`TRYAGAIN`) is retried alone. Split multi-key
//! commands and fan-out commands act as barriers: the commands before them
//! complete first, so the order of commands is the order of effects.
//!
//! A [`ClusterTransaction`] must keep to one slot: that is checked before
//! anything is sent.

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use tokio::task::JoinSet;

use super::client::ClusterClient;
use super::node::{is_transient, never_sent};
use super::redirect::Redirect;
use super::router::{cross_slot, prepare, Plan, Prepared};
use super::slot::hash_slot;
use super::LoadBalancingStrategy;
use crate::auth::CredentialProvider;
use crate::client::{Append, CommandList, Executor, Transaction};
use crate::commands::Command;
use crate::connection::ServerAddr;
use crate::error::{Error, Result, ServerError};
use crate::resp::Value;
use crate::transport::Transport;

/// A typed pipeline over a cluster: commands grouped by node, one write per
/// node, all nodes in parallel; replies in the order the commands were added,
/// redirects handled per command.
///
/// ```no_run
/// use redis_typed::cluster::ClusterClient;
/// use redis_typed::commands::{Get, Incr, Set};
/// # async fn demo(cluster: ClusterClient) -> redis_typed::Result<()> {
/// let ((), n, v): ((), i64, Option<String>) = cluster
///     .pipeline()
///     .add(Set::new("a", "x"))
///     .add(Incr::new("counter"))
///     .add(Get::new("a"))
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a pipeline does nothing until `send` is awaited"]
pub struct ClusterPipeline<'a, T: Transport, C: CredentialProvider, Cmds = ()> {
    client: &'a ClusterClient<T, C>,
    strategy: LoadBalancingStrategy,
    prepared: Vec<Prepared>,
    error: Option<Error>,
    _cmds: PhantomData<fn() -> Cmds>,
}

impl<T: Transport, C: CredentialProvider, Cmds> fmt::Debug for ClusterPipeline<'_, T, C, Cmds> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClusterPipeline")
            .field("commands", &self.prepared.len())
            .field("strategy", &self.strategy)
            .finish_non_exhaustive()
    }
}

impl<'a, T: Transport, C: CredentialProvider> ClusterPipeline<'a, T, C, ()> {
    pub(crate) fn new(client: &'a ClusterClient<T, C>, strategy: LoadBalancingStrategy) -> Self {
        ClusterPipeline {
            client,
            strategy,
            prepared: Vec::new(),
            error: None,
            _cmds: PhantomData,
        }
    }
}

impl<'a, T: Transport, C: CredentialProvider, Cmds: CommandList> ClusterPipeline<'a, T, C, Cmds> {
    /// Balances the pipeline's reads with `strategy`.
    pub fn strategy(mut self, strategy: LoadBalancingStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Adds a command; its response joins the result tuple. A command that
    /// cannot be routed (keys in several slots that cannot be split) makes
    /// `send` fail before sending anything.
    #[allow(clippy::should_implement_trait)]
    pub fn add<Cm: Command>(mut self, cmd: Cm) -> ClusterPipeline<'a, T, C, Cmds::Output>
    where
        Cmds: Append<Cm>,
    {
        match prepare(&cmd) {
            Ok(p) => self.prepared.push(p),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        ClusterPipeline {
            client: self.client,
            strategy: self.strategy,
            prepared: self.prepared,
            error: self.error,
            _cmds: PhantomData,
        }
    }

    /// Sends the commands and decodes the replies in order. The first
    /// error (in command order) is returned as the error.
    pub async fn send(self) -> Result<Cmds::Responses> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let inner = &self.client.inner;
        let mut results: Vec<Option<Result<Value>>> =
            (0..self.prepared.len()).map(|_| None).collect();
        let mut batch = Vec::new();
        for (i, p) in self.prepared.iter().enumerate() {
            if let Plan::Slot { .. } = p.plan {
                batch.push(i);
            } else {
                self.flush(std::mem::take(&mut batch), &mut results).await;
                results[i] = Some(inner.run(p.clone(), self.strategy).await);
            }
        }
        self.flush(batch, &mut results).await;
        let mut values = Vec::with_capacity(results.len());
        for r in results {
            values.push(r.unwrap_or_else(|| Err(Error::ConnectionClosed("no reply".into())))?);
        }
        Cmds::decode_all(values)
    }

    /// Sends single-slot commands, one write per node, nodes in parallel.
    async fn flush(&self, batch: Vec<usize>, results: &mut [Option<Result<Value>>]) {
        if batch.is_empty() {
            return;
        }
        let inner = &self.client.inner;
        let mut groups: HashMap<ServerAddr, Vec<usize>> = HashMap::new();
        let mut retry = Vec::new();
        for i in batch {
            let p = &self.prepared[i];
            let Plan::Slot { slot, .. } = p.plan else {
                continue;
            };
            match inner.pick(Some(slot), p.read_only, self.strategy) {
                Some(addr) => groups.entry(addr).or_default().push(i),
                None => retry.push(i),
            }
        }
        let mut tasks = JoinSet::new();
        for (addr, indexes) in groups {
            let me = inner.clone();
            let bytes: Vec<Bytes> = indexes
                .iter()
                .map(|&i| match &self.prepared[i].plan {
                    Plan::Slot { bytes, .. } => bytes.clone(),
                    _ => Bytes::new(),
                })
                .collect();
            tasks.spawn(async move {
                // A failed connect means nothing was sent: all may retry.
                let outcome = match me.client_for(&addr).await {
                    Ok(client) => client
                        .request(
                            |out| bytes.iter().for_each(|b| out.extend_from_slice(b)),
                            bytes.len(),
                        )
                        .await
                        .map_err(|e| (never_sent(&e), e)),
                    Err(e) => Err((true, e)),
                };
                (addr, indexes, outcome)
            });
        }
        while let Some(done) = tasks.join_next().await {
            let Ok((addr, indexes, outcome)) = done else {
                continue;
            };
            match outcome {
                Ok(values) => {
                    for (i, v) in indexes.into_iter().zip(values) {
                        match v {
                            Value::Error(m) => {
                                let e = ServerError::new(m);
                                let host = super::node::host_of(&addr);
                                if let Some(Redirect::Moved { slot, addr }) =
                                    Redirect::parse(&e, host)
                                {
                                    inner.apply_moved(slot, &addr);
                                    inner.schedule_refresh();
                                }
                                if e.redirect().is_some() || is_transient(e.kind) {
                                    retry.push(i);
                                } else {
                                    results[i] = Some(Err(e.into()));
                                }
                            }
                            v => results[i] = Some(Ok(v)),
                        }
                    }
                }
                Err((unsent, e)) => {
                    inner.schedule_refresh();
                    for i in indexes {
                        if self.prepared[i].read_only || unsent {
                            retry.push(i);
                        } else {
                            results[i] = Some(Err(Error::ConnectionClosed(e.to_string())));
                        }
                    }
                }
            }
        }
        retry.sort_unstable();
        for i in retry {
            let p = &self.prepared[i];
            if let Plan::Slot { slot, bytes } = &p.plan {
                results[i] = Some(
                    inner
                        .run_one(Some(*slot), bytes, p.read_only, self.strategy)
                        .await,
                );
            }
        }
    }
}

/// The slots a transaction's keys hash to, shared with its executor.
type SlotCheck = Arc<Mutex<Vec<u16>>>;

/// Sends a transaction to the primary of its slot, following `MOVED`
/// (which makes `EXEC` abort, so nothing ran and resending is safe).
#[derive(Debug)]
pub struct TransactionExecutor<T: Transport, C: CredentialProvider> {
    client: ClusterClient<T, C>,
    slots: SlotCheck,
}

impl<T: Transport, C: CredentialProvider> Executor for TransactionExecutor<T, C> {
    async fn execute(
        &mut self,
        encode: impl FnOnce(&mut BytesMut) + Send,
        replies: usize,
    ) -> Result<Vec<Value>> {
        let mut out = BytesMut::new();
        encode(&mut out);
        let bytes = out.freeze();
        let slot = self
            .slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .first()
            .copied();
        let inner = &self.client.inner;
        let mut last_error = None;
        for attempt in 0..inner.config.max_attempts {
            let Some(addr) = inner.pick(slot, false, LoadBalancingStrategy::PrimaryOnly) else {
                inner.refresh_after(inner.gate.generation()).await;
                tokio::time::sleep(inner.config.backoff(attempt)).await;
                last_error = Some(super::node::not_served(slot));
                continue;
            };
            let client = inner.client_for(&addr).await?;
            let values = client
                .request(|o| o.extend_from_slice(&bytes), replies)
                .await?;
            let moved = values.iter().find_map(|v| match v {
                Value::Error(m) => {
                    match Redirect::parse(&ServerError::new(m.clone()), super::node::host_of(&addr))
                    {
                        Some(Redirect::Moved { slot, addr }) => Some((slot, addr)),
                        _ => None,
                    }
                }
                _ => None,
            });
            match moved {
                Some((s, a)) => {
                    inner.apply_moved(s, &a);
                    inner.schedule_refresh();
                    last_error = Some(Error::Server(ServerError::new(
                        format!("MOVED {s} {a}").into(),
                    )));
                }
                None => return Ok(values),
            }
        }
        Err(last_error.unwrap_or_else(|| super::node::not_served(slot)))
    }
}

/// A `MULTI`/`EXEC` transaction on a cluster: typed like
/// [`Transaction`], and refused before sending when its keys span
/// several slots.
///
/// ```no_run
/// use redis_typed::cluster::ClusterClient;
/// use redis_typed::commands::{Get, Incr};
/// # async fn demo(cluster: ClusterClient) -> redis_typed::Result<()> {
/// let (n, v): (i64, Option<i64>) = cluster
///     .transaction()
///     .add(Incr::new("{acct:1}:n"))
///     .add(Get::new("{acct:1}:n"))
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a transaction does nothing until `send` is awaited"]
#[derive(Debug)]
pub struct ClusterTransaction<T: Transport, C: CredentialProvider, Cmds = ()> {
    inner: Transaction<TransactionExecutor<T, C>, Cmds>,
    slots: SlotCheck,
}

impl<T: Transport, C: CredentialProvider> ClusterTransaction<T, C, ()> {
    pub(crate) fn new(client: ClusterClient<T, C>) -> Self {
        let slots = SlotCheck::default();
        ClusterTransaction {
            inner: Transaction::new(TransactionExecutor {
                client,
                slots: slots.clone(),
            }),
            slots,
        }
    }
}

impl<T: Transport, C: CredentialProvider, Cmds: CommandList> ClusterTransaction<T, C, Cmds> {
    /// Adds a command; its response joins the result tuple.
    #[allow(clippy::should_implement_trait)]
    pub fn add<Cm: Command>(self, cmd: Cm) -> ClusterTransaction<T, C, Cmds::Output>
    where
        Cmds: Append<Cm>,
    {
        {
            let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
            cmd.for_each_key(&mut |k| {
                let slot = hash_slot(k);
                if !slots.contains(&slot) {
                    slots.push(slot);
                }
            });
        }
        ClusterTransaction {
            inner: self.inner.add(cmd),
            slots: self.slots,
        }
    }

    /// Checks that every key hashes to one slot, then sends `MULTI`, the
    /// commands and `EXEC` in one write to that slot's primary.
    pub async fn send(self) -> Result<Cmds::Responses>
    where
        Cmds: Sync,
    {
        let slots = self.slots.lock().unwrap_or_else(|p| p.into_inner()).clone();
        if slots.len() > 1 {
            return Err(cross_slot(b"MULTI", &slots));
        }
        self.inner.send().await
    }
}
