//! [`ClusterClient`]: the same typed commands as [`Client`], routed over a
//! Redis Cluster.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

use bytes::Bytes;
use rand::Rng;
use tokio::task::JoinSet;

use super::pipeline::{ClusterPipeline, ClusterTransaction};
use super::router::{prepare, Combine, Plan, Prepared};
use super::scan::ClusterScan;
use super::subscriber::ClusterSubscriber;
use super::topology::Topology;
use super::{multikey, ClusterConfig, LoadBalancingStrategy};
use crate::auth::{CredentialProvider, StaticCredentials};
use crate::client::decode_reply;
use crate::commands::{encode, ClusterInfoReply, ClusterShard, ClusterSlotRange, Command};
use crate::connection::ServerAddr;
use crate::error::{Error, Result};
use crate::events::Event;
use crate::pubsub::SubscriberConfig;
use crate::resp::Value;
use crate::transport::{DefaultTransport, Transport};
use crate::types::FromRedisValue;
use crate::Client;

/// A Redis Cluster client: cheap to clone, safe to share between tasks.
///
/// Each command is routed by its keys' hash slot (`{hash tags}` honoured)
/// to the shard that serves it; keyless commands go where their meaning
/// says (`DBSIZE` summed over the primaries, `KEYS` concatenated,
/// `FLUSHALL`, `FUNCTION LOAD` to every primary, `SCRIPT LOAD` and
/// `SCRIPT FLUSH` to every node, replicas included, anything else to one
/// primary). `MGET`, `MSET`, `DEL`, `EXISTS`, `UNLINK` and
/// `TOUCH` across slots are split and merged; other commands across slots
/// fail before sending with a `CROSSSLOT` error naming the slots.
///
/// `MOVED` updates the slot at once and schedules one (coalesced) topology
/// refresh; `ASK` is followed once with `ASKING`; `TRYAGAIN` and
/// `CLUSTERDOWN` are retried with backoff; read-only commands (and commands
/// that never left the client) are retried after a connection failure.
/// Each node gets one multiplexed [`Client`], which reconnects and
/// re-authenticates by itself.
///
/// ```no_run
/// use redis_typed::cluster::{ClusterClient, LoadBalancingStrategy};
/// use redis_typed::commands::{Get, MGet, Set};
///
/// # async fn demo() -> redis_typed::Result<()> {
/// let cluster = ClusterClient::open(&["redis://127.0.0.1:7000", "redis://127.0.0.1:7001"]).await?;
/// cluster.send(Set::new("{user:1}:name", "ada")).await?;
/// let name: Option<String> = cluster.send(Get::new("{user:1}:name")).await?;
/// // A read served by a replica, for this command only:
/// let again: Option<String> = cluster
///     .send_with(Get::new("{user:1}:name"), LoadBalancingStrategy::ReplicaOnly)
///     .await?;
/// # Ok(()) }
/// ```
pub struct ClusterClient<T: Transport = DefaultTransport, C: CredentialProvider = StaticCredentials>
{
    pub(crate) inner: Arc<Inner<T, C>>,
}

pub(crate) struct Inner<T: Transport, C: CredentialProvider> {
    pub(crate) config: ClusterConfig,
    transport: T,
    credentials: C,
    /// The current topology with its nodes' clients: replaced whole when
    /// the topology changes or a node gets its first connection.
    routes: RwLock<Arc<Routes<T, C>>>,
    nodes: Mutex<HashMap<ServerAddr, Client<T, C>>>,
    pub(crate) gate: super::refresh::RefreshGate,
    /// Round-robin counters, one per shard (indexed by the shard's dense
    /// index in the topology, so no two shards share one below 64 shards),
    /// so each shard's nodes take turns evenly.
    turns: [AtomicUsize; 64],
}

impl<T: Transport, C: CredentialProvider> Clone for ClusterClient<T, C> {
    fn clone(&self) -> Self {
        ClusterClient {
            inner: self.inner.clone(),
        }
    }
}

impl<T: Transport, C: CredentialProvider> fmt::Debug for ClusterClient<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let topology = self.topology();
        f.debug_struct("ClusterClient")
            .field("shards", &topology.shards().len())
            .field("covered_slots", &topology.covered())
            .field("strategy", &self.inner.config.strategy)
            .finish_non_exhaustive()
    }
}

impl ClusterClient {
    /// Connects from seed URLs (`redis://host:port`, the first one's
    /// credentials and options used for every node).
    pub async fn open<S: AsRef<str>>(urls: &[S]) -> Result<Self> {
        Self::connect(ClusterConfig::from_urls(urls)?).await
    }

    /// Connects with the default transport and the configuration's
    /// credentials.
    pub async fn connect(config: ClusterConfig) -> Result<Self> {
        crate::connection::require_plain(&config.connection)?;
        let credentials = StaticCredentials::from(config.connection.credentials.clone());
        ClusterClient::connect_with(config, DefaultTransport, credentials).await
    }
}

impl<T: Transport, C: CredentialProvider> ClusterClient<T, C> {
    /// Connects through `transport` with `credentials`: reads the topology
    /// from the seeds (fails if none answers with a usable one) and starts
    /// the periodic refresh, if configured.
    pub async fn connect_with(config: ClusterConfig, transport: T, credentials: C) -> Result<Self> {
        let interval = config.refresh_interval;
        let inner = Arc::new(Inner {
            config,
            transport,
            credentials,
            routes: RwLock::new(Arc::new(Routes::empty())),
            nodes: Mutex::new(HashMap::new()),
            gate: Default::default(),
            turns: std::array::from_fn(|_| AtomicUsize::new(0)),
        });
        inner.refresh_now().await?;
        if let Some(every) = interval {
            tokio::spawn(periodic(Arc::downgrade(&inner), every));
        }
        Ok(ClusterClient { inner })
    }

    /// Sends one command with the configured read strategy and decodes its
    /// reply.
    pub async fn send<Cmd: Command>(&self, cmd: Cmd) -> Result<Cmd::Response> {
        self.send_with(cmd, self.inner.config.strategy).await
    }

    /// Sends one command, balancing it (if read-only) with `strategy`.
    pub async fn send_with<Cmd: Command>(
        &self,
        cmd: Cmd,
        strategy: LoadBalancingStrategy,
    ) -> Result<Cmd::Response> {
        let prepared = prepare(&cmd)?;
        drop(cmd);
        let value = self.inner.run(prepared, strategy).await?;
        decode_reply(value)
    }

    /// A pipeline: commands grouped by node, sent in parallel, replies
    /// decoded in order into a typed tuple.
    pub fn pipeline(&self) -> ClusterPipeline<'_, T, C> {
        ClusterPipeline::new(self, self.inner.config.strategy)
    }

    /// A `MULTI`/`EXEC` transaction. Its keys must all hash to one slot:
    /// this is checked before anything is sent.
    pub fn transaction(&self) -> ClusterTransaction<T, C> {
        ClusterTransaction::new(self.clone())
    }

    /// `SCAN` over every primary, as one sequence of key batches.
    pub fn scan(&self, pattern: Option<&str>, count: Option<u64>) -> ClusterScan<T, C> {
        ClusterScan::new(self.clone(), pattern, count)
    }

    /// The current slot map.
    pub fn topology(&self) -> Arc<Topology> {
        self.inner.topology()
    }

    /// Reads the topology again now (still coalesced with any refresh in
    /// progress).
    pub async fn refresh(&self) -> Result<()> {
        let seen = self.inner.gate.generation();
        let inner = self.inner.clone();
        let mut outcome = Ok(());
        self.inner
            .gate
            .run(seen, async {
                outcome = inner.refresh_now().await.map(|_| ())
            })
            .await;
        outcome
    }

    /// The multiplexed client of one node (connecting to it if needed).
    pub async fn node(&self, addr: &ServerAddr) -> Result<Client<T, C>> {
        self.inner.client_for(addr).await
    }

    /// A subscriber for this cluster, with the default
    /// [`SubscriberConfig`]: sharded channels follow their slot's primary;
    /// see [`ClusterSubscriber`]. Connections are opened on first use.
    pub fn subscriber<P: FromRedisValue>(&self) -> ClusterSubscriber<P> {
        ClusterSubscriber::new(self, SubscriberConfig::default())
    }
}

async fn periodic<T: Transport, C: CredentialProvider>(inner: Weak<Inner<T, C>>, every: Duration) {
    loop {
        tokio::time::sleep(every).await;
        let Some(inner) = inner.upgrade() else { return };
        let seen = inner.gate.generation();
        let me = inner.clone();
        inner
            .gate
            .run(seen, async {
                let _ = me.refresh_now().await;
            })
            .await;
    }
}

impl<T: Transport, C: CredentialProvider> Inner<T, C> {
    /// The settings of a connection to `addr`: the cluster's, that address.
    pub(crate) fn node_config(&self, addr: &ServerAddr) -> crate::ConnectionConfig {
        let mut config = self.config.connection.clone();
        config.addr = addr.clone();
        config
    }

    /// The transport every node connection uses.
    pub(crate) fn transport(&self) -> &T {
        &self.transport
    }

    /// The credentials every node connection uses (watched for rotation).
    pub(crate) fn credentials(&self) -> &C {
        &self.credentials
    }

    pub(crate) fn topology(&self) -> Arc<Topology> {
        self.routes().topology.clone()
    }

    fn routes(&self) -> Arc<Routes<T, C>> {
        self.routes
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn set_topology(&self, next: Topology) -> bool {
        let mut current = self.routes.write().unwrap_or_else(|p| p.into_inner());
        if *current.topology == next {
            return false;
        }
        let nodes = self.nodes.lock().unwrap_or_else(|p| p.into_inner());
        *current = Arc::new(Routes::build(Arc::new(next), &nodes));
        true
    }

    /// Rebuilds the routes of the current topology from the node clients
    /// (after a node's first connection).
    fn rebuild_routes(&self) {
        let mut current = self.routes.write().unwrap_or_else(|p| p.into_inner());
        let nodes = self.nodes.lock().unwrap_or_else(|p| p.into_inner());
        *current = Arc::new(Routes::build(current.topology.clone(), &nodes));
    }

    /// [`pick`](Self::pick) with the node's client when it is connected:
    /// no lock held beyond one read, no allocation, no address hashing.
    /// The client is `None` when the node has no connection yet
    /// ([`client_for`](Self::client_for) makes it).
    pub(crate) fn route(
        &self,
        slot: Option<u16>,
        read_only: bool,
        strategy: LoadBalancingStrategy,
    ) -> Option<Routed<T, C>> {
        let routes = self.routes();
        let (index, shard) = match slot {
            Some(slot) => routes.topology.indexed_shard_for(slot)?,
            None => {
                let shards = routes.topology.shards();
                if shards.is_empty() {
                    return None;
                }
                let index = rand::rng().random_range(0..shards.len());
                (index, &shards[index])
            }
        };
        let node = match slot {
            Some(_) => {
                let turn = &self.turns[index % self.turns.len()];
                strategy.pick_index(shard.replicas.len(), read_only, turn)
            }
            None => 0,
        };
        let entry = routes.shards.get(index)?.get(node)?;
        Some((entry.addr.clone(), entry.client.clone(), node > 0))
    }

    /// The node for a command: the shard of `slot` balanced by `strategy`,
    /// or a random primary for a keyless command ([`route`](Self::route)'s
    /// choice, without the client).
    pub(crate) fn pick(
        &self,
        slot: Option<u16>,
        read_only: bool,
        strategy: LoadBalancingStrategy,
    ) -> Option<ServerAddr> {
        self.route(slot, read_only, strategy)
            .map(|(addr, _, _)| (*addr).clone())
    }

    /// True when `addr` is a replica of the shard of `slot` whose primary is
    /// `primary`.
    pub(crate) fn is_replica_of(&self, addr: &ServerAddr, slot: u16, primary: &ServerAddr) -> bool {
        self.topology()
            .shard_for(slot)
            .is_some_and(|s| &s.primary == primary && s.replicas.contains(addr))
    }

    pub(crate) fn apply_moved(&self, slot: u16, addr: &ServerAddr) {
        let current = self.topology();
        if let Some(next) = current.with_moved(slot, addr) {
            self.set_topology(next);
        }
    }

    /// The multiplexed client of `addr`, connected on first use.
    ///
    /// No connection starts in `READONLY` mode: a connection in that mode to
    /// a node that has meanwhile been demoted answers reads for its new
    /// primary's slots from its own dataset instead of redirecting. After a
    /// hard failover the old primary restarts empty and resyncs as a
    /// replica; a primary read routed to it by a map not yet refreshed would
    /// read missing keys (the chaos soak caught exactly that). Without
    /// `READONLY` it answers `MOVED` and the client follows. A read the
    /// strategy sends to a replica gets `MOVED` once on a fresh connection;
    /// the client then sends `READONLY` on that connection and asks the same
    /// replica again (`node.rs`), so only connections that really serve
    /// replica reads are in that mode.
    pub(crate) async fn client_for(&self, addr: &ServerAddr) -> Result<Client<T, C>> {
        if let Some(c) = self
            .nodes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(addr)
        {
            return Ok(c.clone());
        }
        let client = Client::connect_with(
            self.node_config(addr),
            self.transport.clone(),
            self.credentials.clone(),
        )
        .await?;
        let client = self
            .nodes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(addr.clone())
            .or_insert(client)
            .clone();
        self.rebuild_routes();
        Ok(client)
    }

    /// Refreshes now unless a refresh finished since `seen`.
    pub(crate) async fn refresh_after(self: &Arc<Self>, seen: u64) {
        let me = self.clone();
        self.gate
            .run(seen, async move {
                if let Err(e) = me.refresh_now().await {
                    tracing::warn!(error = %e, "cluster topology refresh failed");
                }
            })
            .await;
    }

    /// Starts a background refresh unless one is already scheduled.
    pub(crate) fn schedule_refresh(self: &Arc<Self>) {
        if !self.gate.try_schedule() {
            return;
        }
        let me = self.clone();
        let seen = self.gate.generation();
        tokio::spawn(async move {
            me.refresh_after(seen).await;
            me.gate.done_scheduled();
        });
    }

    /// Asks up to `sample_nodes` nodes for the topology, in parallel, and
    /// keeps the freshest answer: the highest `cluster_current_epoch`, then
    /// the most slots covered. Returns whether the map changed.
    pub(crate) async fn refresh_now(self: &Arc<Self>) -> Result<bool> {
        let current = self.topology();
        let mut candidates: Vec<ServerAddr> = current.nodes().into_iter().cloned().collect();
        for seed in &self.config.seeds {
            if !candidates.contains(seed) {
                candidates.push(seed.clone());
            }
        }
        let mut best: Option<(u64, usize, Topology)> = None;
        let mut last_error = None;
        let sample = self.config.sample_nodes.max(1);
        for batch in candidates.chunks(sample) {
            let mut tasks = JoinSet::new();
            for addr in batch {
                let me = self.clone();
                let addr = addr.clone();
                let limit = self.config.connection.connect_timeout;
                tasks.spawn(async move {
                    match tokio::time::timeout(limit, me.fetch(&addr)).await {
                        Ok(r) => r,
                        Err(_) => Err(Error::Timeout(limit)),
                    }
                });
            }
            while let Some(done) = tasks.join_next().await {
                match done {
                    Ok(Ok((epoch, topology))) => {
                        let key = (epoch, topology.covered());
                        if best.as_ref().is_none_or(|(e, c, _)| key > (*e, *c)) {
                            best = Some((key.0, key.1, topology));
                        }
                    }
                    Ok(Err(e)) => last_error = Some(e),
                    Err(e) => last_error = Some(Error::ConnectionClosed(e.to_string())),
                }
            }
            if best.as_ref().is_some_and(|(_, c, _)| *c > 0) {
                break;
            }
        }
        let Some((_, _, next)) = best else {
            return Err(last_error.unwrap_or_else(|| {
                Error::Config("no cluster node to ask for the topology".into())
            }));
        };
        let known: Vec<ServerAddr> = next.nodes().into_iter().cloned().collect();
        let changed = self.set_topology(next);
        if changed {
            // Connections to nodes that left the map are closed (their
            // clients drop once no command holds them; the new routes hold
            // only the nodes of the new map).
            self.nodes
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .retain(|addr, _| known.contains(addr));
            tracing::debug!("cluster topology changed");
            self.config
                .connection
                .events
                .dispatch(&Event::TopologyChanged {});
        }
        Ok(changed)
    }

    /// `CLUSTER INFO` and `CLUSTER SHARDS` (or `CLUSTER SLOTS` before 7.0)
    /// from one node.
    async fn fetch(&self, addr: &ServerAddr) -> Result<(u64, Topology)> {
        let client = self.client_for(addr).await?;
        let host = super::node::host_of(addr).to_owned();
        let mut replies = client
            .request(
                |out| {
                    encode(&crate::commands::ClusterInfo::new(), out);
                    encode(&crate::commands::ClusterShards::new(), out);
                },
                2,
            )
            .await?;
        let shards = replies.pop().unwrap_or(Value::Nil);
        let info: ClusterInfoReply = decode_reply(replies.pop().unwrap_or(Value::Nil))?;
        let topology = match decode_reply::<Vec<ClusterShard>>(shards) {
            Ok(shards) => {
                let tls = self.transport.is_tls() || self.config.connection.tls;
                Topology::from_shards(&shards, &host, tls)
            }
            Err(Error::Server(_)) => {
                let ranges: Vec<ClusterSlotRange> =
                    client.send(crate::commands::ClusterSlots::new()).await?;
                Topology::from_slots(&ranges, &host)
            }
            Err(e) => return Err(e),
        };
        Ok((info.current_epoch, topology))
    }

    /// Runs a prepared command to its final reply.
    pub(crate) async fn run(
        self: &Arc<Self>,
        prepared: Prepared,
        strategy: LoadBalancingStrategy,
    ) -> Result<Value> {
        let read_only = prepared.read_only;
        match prepared.plan {
            Plan::Slot { slot, bytes } => {
                self.run_one(Some(slot), &bytes, read_only, strategy).await
            }
            Plan::Any { bytes } => self.run_one(None, &bytes, read_only, strategy).await,
            Plan::Split { parts, merge } => {
                let parts = parts.into_iter().map(|(slot, bytes)| (Some(slot), bytes));
                let replies = self.run_parallel(parts, read_only, strategy).await?;
                Ok(multikey::merge(&merge, replies))
            }
            Plan::AllPrimaries { bytes, combine } => {
                let primaries: Vec<ServerAddr> = self.topology().primaries().cloned().collect();
                if primaries.is_empty() {
                    return Err(super::node::not_served(None));
                }
                let mut tasks = JoinSet::new();
                for (i, addr) in primaries.into_iter().enumerate() {
                    let me = self.clone();
                    let bytes = bytes.clone();
                    tasks.spawn(async move {
                        let client = me.client_for(&addr).await?;
                        let mut reply = client
                            .request(|out| out.extend_from_slice(&bytes), 1)
                            .await?;
                        Ok::<_, Error>((
                            i,
                            decode_reply::<Value>(reply.pop().unwrap_or(Value::Nil))?,
                        ))
                    });
                }
                let replies = collect(tasks).await?;
                combine_replies(combine, replies)
            }
            Plan::AllNodes { bytes, combine } => {
                combine_replies(combine, self.run_on_every_node(&bytes).await?)
            }
        }
    }

    /// Runs single-slot commands in parallel; replies in input order.
    pub(crate) async fn run_parallel(
        self: &Arc<Self>,
        parts: impl Iterator<Item = (Option<u16>, Bytes)>,
        read_only: bool,
        strategy: LoadBalancingStrategy,
    ) -> Result<Vec<Value>> {
        let mut tasks = JoinSet::new();
        for (i, (slot, bytes)) in parts.enumerate() {
            let me = self.clone();
            tasks.spawn(async move {
                Ok::<_, Error>((i, me.run_one(slot, &bytes, read_only, strategy).await?))
            });
        }
        collect(tasks).await
    }
}

/// A routed command's node, its client when connected, and whether the
/// strategy picked one of the shard's replicas (not its primary).
pub(crate) type Routed<T, C> = (Arc<ServerAddr>, Option<Client<T, C>>, bool);

/// One node of a [`Routes`] table.
struct NodeRoute<T: Transport, C: CredentialProvider> {
    addr: Arc<ServerAddr>,
    /// `None` until the node's first connection.
    client: Option<Client<T, C>>,
}

/// A topology with, for each shard (by its index in the topology), the
/// client of each node: the primary first, then the replicas in the
/// topology's order (the positions
/// [`LoadBalancingStrategy::pick_index`] returns). Immutable: rebuilt when
/// the topology changes or a node gets its first connection.
pub(crate) struct Routes<T: Transport, C: CredentialProvider> {
    topology: Arc<Topology>,
    shards: Vec<Vec<NodeRoute<T, C>>>,
}

impl<T: Transport, C: CredentialProvider> Routes<T, C> {
    fn empty() -> Self {
        Routes {
            topology: Arc::new(Topology::default()),
            shards: Vec::new(),
        }
    }

    fn build(topology: Arc<Topology>, nodes: &HashMap<ServerAddr, Client<T, C>>) -> Self {
        let shards = topology
            .shards()
            .iter()
            .map(|shard| {
                std::iter::once(&shard.primary)
                    .chain(&shard.replicas)
                    .map(|addr| NodeRoute {
                        addr: Arc::new(addr.clone()),
                        client: nodes.get(addr).cloned(),
                    })
                    .collect()
            })
            .collect();
        Routes { topology, shards }
    }
}

/// Waits for every task; the values in index order, or the first error.
pub(crate) async fn collect(mut tasks: JoinSet<Result<(usize, Value)>>) -> Result<Vec<Value>> {
    let mut out = Vec::with_capacity(tasks.len());
    let mut first_error = None;
    while let Some(done) = tasks.join_next().await {
        match done {
            Ok(Ok(item)) => out.push(item),
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(e) => {
                first_error
                    .get_or_insert(Error::ConnectionClosed(format!("cluster task failed: {e}")));
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    out.sort_by_key(|(i, _)| *i);
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

fn combine_replies(combine: Combine, replies: Vec<Value>) -> Result<Value> {
    Ok(match combine {
        Combine::Sum => {
            let mut sum = 0;
            for r in replies {
                sum += i64::from_redis_value(r)?;
            }
            Value::Integer(sum)
        }
        Combine::Concat => {
            let mut all = Vec::new();
            for r in replies {
                match r {
                    Value::Array(items) | Value::Set(items) => all.extend(items),
                    other => all.push(other),
                }
            }
            Value::Array(all)
        }
        Combine::First => replies.into_iter().next().unwrap_or(Value::Nil),
    })
}
