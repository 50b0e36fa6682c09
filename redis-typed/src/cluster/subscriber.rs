//! [`ClusterSubscriber`]: pub/sub over a cluster, sharded channels
//! following their slot's primary.
//!
//! Every node connection is the pub/sub task of
//! [`Subscriber`](crate::pubsub::Subscriber) (reconnect, re-subscribe,
//! re-authenticate, back-pressure), all feeding one bounded queue. What is
//! added here is where channels go, and moving them:
//!
//! - `SSUBSCRIBE`: channels grouped by slot, each slot's group sent to the
//!   slot's primary in the current topology, over that node's connection
//!   (opened on first use; closed when no channel is left on it).
//! - Following: a node's task tells this one when the server unsubscribed
//!   a shard channel on its own (Redis 7 does when the slot moves away:
//!   `CLUSTER SETSLOT ... NODE`, failover), when a re-subscription was
//!   refused (`MOVED`), and when its connection drops or comes back. The
//!   follower (one background task) then refreshes the topology and
//!   subscribes the channels again on their slot's primary; while some
//!   channel is not placed, or sits on a node whose connection is down, it
//!   refreshes and tries again, with the cluster's retry backoff
//!   (`retry_base` doubling up to `retry_cap`). A node that just
//!   unsubscribed a channel is not taken for its owner again for a few
//!   seconds: a topology read right after the move may not show it yet.
//! - `SUBSCRIBE`/`PSUBSCRIBE`: a cluster broadcasts classic messages to
//!   every node, so they use one connection, to a primary, moved to
//!   another primary if that node is down and no longer a primary.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::{Arc, Weak};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_core::Stream;
use tokio::sync::{mpsc, oneshot, Mutex};

use super::redirect::Redirect;
use super::slot::hash_slot;
use super::ClusterClient;
use crate::auth::CredentialProvider;
use crate::connection::ServerAddr;
use crate::error::{Error, ErrorKind, Result};
use crate::events::Event;
use crate::pubsub::{
    request_channels, Handle, Message, Notice, RawMessage, SubKind, SubscriberConfig,
};
use crate::transport::Transport;
use crate::types::{FromRedisValue, SingleArg};

/// Pub/sub over a Redis Cluster: one stream of typed [`Message`]s from
/// every node, sharded channels (`SSUBSCRIBE`) following their slot's
/// primary across resharding and failover.
///
/// Obtained from [`ClusterClient::subscriber`] (or
/// [`ClusterSubscriber::new`] for a [`SubscriberConfig`] of your own); it
/// connects with the cluster's connection settings, transport and
/// credential provider, so nodes' connections re-authenticate when the
/// credentials rotate.
///
/// - **Sharded channels** are grouped by slot; each slot's channels are
///   subscribed with one `SSUBSCRIBE` (the server refuses one across
///   slots) on the connection to the slot's primary, opened on first use.
///   When the slot moves (the server sends `sunsubscribe`, or answers
///   `MOVED`), or the node's connection drops and the topology names
///   another primary, the channel is subscribed again on the new primary
///   and [`Event::ShardChannelMoved`] is dispatched. A connection left
///   without channels is closed. Messages published while a channel moves
///   are lost, as across any reconnect.
/// - **Classic channels and patterns** (`SUBSCRIBE`, `PSUBSCRIBE`) are
///   broadcast by the cluster to every node: one connection, to a primary,
///   carries them.
/// - **Slow consumers**: every node's messages go into one queue of
///   [`SubscriberConfig::capacity`] messages. When it is full, every node
///   connection stops reading its socket (back-pressure to the servers,
///   whose `client-output-buffer-limit pubsub` may end a consumer that
///   stays behind; the connection is then re-made). No message is dropped
///   by the client; each channel's messages keep their order, also across
///   a move (the old node's messages are queued before the channel is
///   subscribed again elsewhere).
///
/// The stream yields `Result<Message<P>>` (an `Err` is a payload that does
/// not decode as `P`) and does not end while the subscriber lives.
/// Dropping the subscriber closes its connections.
///
/// ```no_run
/// use redis_typed::cluster::ClusterClient;
///
/// # async fn demo() -> redis_typed::Result<()> {
/// let cluster = ClusterClient::open(&["redis://127.0.0.1:7000"]).await?;
/// let mut sub = cluster.subscriber::<String>();
/// sub.ssubscribe(["orders:{eu}", "orders:{us}"]).await?; // two slots, maybe two nodes
/// while let Some(message) = sub.next_message().await {
///     let message = message?;
///     println!("{:?}: {}", message.channel, message.payload);
/// }
/// # Ok(()) }
/// ```
pub struct ClusterSubscriber<P = Bytes> {
    ops: Arc<dyn Ops>,
    messages: mpsc::Receiver<RawMessage>,
    _payload: PhantomData<fn() -> P>,
}

impl<P> fmt::Debug for ClusterSubscriber<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClusterSubscriber")
            .field("queued", &self.messages.len())
            .finish_non_exhaustive()
    }
}

type BoxFuture<'a, O> = Pin<Box<dyn Future<Output = O> + Send + 'a>>;

/// What the subscriber asks of its (transport-generic) shared state.
trait Ops: Send + Sync {
    fn request(
        &self,
        kind: SubKind,
        subscribe: bool,
        channels: Vec<Bytes>,
    ) -> BoxFuture<'_, Result<()>>;
    fn shard_nodes(&self) -> BoxFuture<'_, HashMap<Bytes, Option<ServerAddr>>>;
    fn connections(&self) -> BoxFuture<'_, Vec<ServerAddr>>;
}

impl<P: FromRedisValue> ClusterSubscriber<P> {
    /// A subscriber on `cluster`'s nodes, with `options` for every node
    /// connection (`capacity` is that of the one merged queue). Opens no
    /// connection yet; must be called within a Tokio runtime (it starts the
    /// follower task).
    pub fn new<T: Transport, C: CredentialProvider>(
        cluster: &ClusterClient<T, C>,
        options: SubscriberConfig,
    ) -> Self {
        let (message_tx, message_rx) = mpsc::channel(options.capacity.max(1));
        let (notice_tx, notice_rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            cluster: cluster.clone(),
            options,
            messages: message_tx,
            notices: notice_tx,
            state: Mutex::new(State::default()),
        });
        tokio::spawn(follow(Arc::downgrade(&shared), notice_rx));
        ClusterSubscriber {
            ops: shared,
            messages: message_rx,
            _payload: PhantomData,
        }
    }

    /// The next message; `None` only if the background tasks are gone.
    ///
    /// Cancel-safe: a dropped call loses no message.
    pub async fn next_message(&mut self) -> Option<Result<Message<P>>> {
        self.messages.recv().await.map(RawMessage::decode)
    }
}

impl<P> ClusterSubscriber<P> {
    /// `SSUBSCRIBE`: subscribes each channel on its slot's primary (one
    /// command per slot); returns once every node confirmed, following
    /// `MOVED` on the way. Already subscribed channels are left as they
    /// are. On error, the channels not confirmed are not followed.
    pub async fn ssubscribe<A: SingleArg>(
        &self,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Shard, true, channels).await
    }

    /// `SUNSUBSCRIBE`: stops following these shard channels (every shard
    /// channel when `channels` is empty). Messages already queued are still
    /// delivered.
    pub async fn sunsubscribe<A: SingleArg>(
        &self,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Shard, false, channels).await
    }

    /// `SUBSCRIBE` (classic channels, broadcast cluster-wide: one
    /// connection carries them).
    pub async fn subscribe<A: SingleArg>(
        &self,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Channel, true, channels).await
    }

    /// `UNSUBSCRIBE` (every classic channel when `channels` is empty).
    pub async fn unsubscribe<A: SingleArg>(
        &self,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Channel, false, channels).await
    }

    /// `PSUBSCRIBE` (glob-style patterns over classic channels).
    pub async fn psubscribe<A: SingleArg>(
        &self,
        patterns: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Pattern, true, patterns).await
    }

    /// `PUNSUBSCRIBE` (every pattern when `patterns` is empty).
    pub async fn punsubscribe<A: SingleArg>(
        &self,
        patterns: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Pattern, false, patterns).await
    }

    /// The node each followed shard channel is subscribed on now (`None`
    /// while it is being moved).
    pub async fn shard_channels(&self) -> HashMap<Bytes, Option<ServerAddr>> {
        self.ops.shard_nodes().await
    }

    /// The nodes this subscriber has a connection to.
    pub async fn connections(&self) -> Vec<ServerAddr> {
        self.ops.connections().await
    }

    /// Messages received and not yet consumed (at most the configured
    /// capacity).
    pub fn queued(&self) -> usize {
        self.messages.len()
    }

    async fn request<A: SingleArg>(
        &self,
        kind: SubKind,
        subscribe: bool,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        match request_channels(subscribe, channels) {
            Some(channels) => self.ops.request(kind, subscribe, channels).await,
            None => Ok(()),
        }
    }
}

impl<P: FromRedisValue> Stream for ClusterSubscriber<P> {
    type Item = Result<Message<P>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        RawMessage::poll_queue(&mut self.get_mut().messages, cx)
    }
}

/// What the subscriber and its follower share.
struct Shared<T: Transport, C: CredentialProvider> {
    cluster: ClusterClient<T, C>,
    options: SubscriberConfig,
    messages: mpsc::Sender<RawMessage>,
    notices: mpsc::UnboundedSender<(u64, Notice)>,
    state: Mutex<State>,
}

/// One node connection.
struct Node {
    id: u64,
    handle: Handle,
}

/// A followed shard channel.
#[derive(Default)]
struct Want {
    /// The node it is subscribed (or being subscribed) on; `None` while it
    /// must be placed.
    node: Option<ServerAddr>,
    /// The node it was last placed on, to report moves.
    last: Option<ServerAddr>,
    /// The node that unsubscribed it (its slot moved away), and when: a
    /// topology read soon after may not know the move yet, so that node is
    /// not taken as the owner again for [`AVOID`].
    left: Option<(ServerAddr, Instant)>,
}

/// How long a node that unsubscribed a shard channel is not believed to own
/// its slot (while the other nodes learn of the move).
const AVOID: Duration = Duration::from_secs(5);

#[derive(Default)]
struct State {
    next_id: u64,
    nodes: HashMap<ServerAddr, Node>,
    shard: HashMap<Bytes, Want>,
    /// The node carrying classic channels and patterns.
    classic: Option<ServerAddr>,
    /// Classic channels (`[0]`) and patterns (`[1]`) subscribed.
    classic_wanted: [HashSet<Bytes>; 2],
    /// Nodes whose connection is down (reconnecting).
    down: HashSet<ServerAddr>,
}

impl State {
    fn addr_of(&self, id: u64) -> Option<ServerAddr> {
        self.nodes
            .iter()
            .find(|(_, n)| n.id == id)
            .map(|(a, _)| a.clone())
    }

    /// Closes the connections that carry nothing.
    fn close_idle(&mut self) {
        let used: HashSet<ServerAddr> = self
            .shard
            .values()
            .filter_map(|w| w.node.clone())
            .chain(self.classic.clone())
            .collect();
        self.nodes.retain(|addr, _| used.contains(addr));
        self.down.retain(|addr| used.contains(addr));
    }

    /// Stops following channels the server refused for good (ACL...):
    /// trying again would not help.
    fn stop_following(&mut self, channels: &[Bytes], error: &Error) {
        tracing::warn!(%error, ?channels, "shard channels refused; no longer followed");
        for c in channels {
            if self.shard.get(c).is_some_and(|w| w.node.is_none()) {
                self.shard.remove(c);
            }
        }
    }

    /// Marks `channels` as no longer subscribed on `node`.
    fn unplace(&mut self, node: &ServerAddr, channels: &[Bytes]) {
        for c in channels {
            if let Some(w) = self.shard.get_mut(c) {
                if w.node.as_ref() == Some(node) {
                    w.node = None;
                }
            }
        }
    }
}

/// A subscribe request on its way to one node.
struct Waiter {
    /// `None` when no node serves the slot.
    node: Option<ServerAddr>,
    node_id: u64,
    channels: Vec<Bytes>,
    reply: Result<oneshot::Receiver<Result<()>>>,
}

impl Waiter {
    async fn outcome(self) -> (Option<ServerAddr>, u64, Vec<Bytes>, Result<()>) {
        let result = match self.reply {
            Ok(rx) => rx.await.unwrap_or_else(|_| Err(crate::pubsub::gone())),
            Err(e) => Err(e),
        };
        (self.node, self.node_id, self.channels, result)
    }
}

impl<T: Transport, C: CredentialProvider> Shared<T, C> {
    /// The connection to `addr`, opened if needed.
    async fn open<'s>(&self, st: &'s mut State, addr: &ServerAddr) -> Result<&'s Node> {
        if !st.nodes.contains_key(addr) {
            st.next_id += 1;
            let id = st.next_id;
            let inner = &self.cluster.inner;
            let handle = Handle::spawn(
                inner.node_config(addr),
                inner.transport().clone(),
                inner.credentials().clone(),
                self.options.clone(),
                self.messages.clone(),
                Some((id, self.notices.clone())),
            )
            .await?;
            st.nodes.insert(addr.clone(), Node { id, handle });
        }
        st.nodes
            .get(addr)
            .ok_or_else(|| Error::ConnectionClosed("subscriber node vanished".into()))
    }

    /// Sends `SSUBSCRIBE` for the followed channels among `channels` that
    /// are not placed, one command per slot, to the slot's primary.
    async fn place(&self, st: &mut State, channels: &[Bytes]) -> Vec<Waiter> {
        let topology = self.cluster.topology();
        let mut groups: HashMap<(ServerAddr, u16), Vec<Bytes>> = HashMap::new();
        let mut waiters = Vec::new();
        for c in channels {
            let Some(want) = st.shard.get(c).filter(|w| w.node.is_none()) else {
                continue;
            };
            let slot = hash_slot(c);
            match topology.shard_for(slot) {
                // The map is older than the move that node told of: wait
                // for a fresher one.
                Some(shard)
                    if want.left.as_ref().is_some_and(|(node, at)| {
                        *node == shard.primary && at.elapsed() < AVOID
                    }) => {}
                Some(shard) => groups
                    .entry((shard.primary.clone(), slot))
                    .or_default()
                    .push(c.clone()),
                None => waiters.push(Waiter {
                    node: None,
                    node_id: 0,
                    channels: vec![c.clone()],
                    reply: Err(super::node::not_served(Some(slot))),
                }),
            }
        }
        for ((addr, _slot), group) in groups {
            let reply = match self.open(st, &addr).await {
                Ok(node) => {
                    let id = node.id;
                    let handle = node.handle.clone();
                    let reply = handle.send(SubKind::Shard, true, group.clone()).await;
                    if reply.is_ok() {
                        self.record(st, &addr, &group);
                    }
                    (id, reply)
                }
                Err(e) => (0, Err(e)),
            };
            waiters.push(Waiter {
                node: Some(addr),
                node_id: reply.0,
                channels: group,
                reply: reply.1,
            });
        }
        waiters
    }

    /// Notes `channels` as placed on `addr`, reporting moves.
    fn record(&self, st: &mut State, addr: &ServerAddr, channels: &[Bytes]) {
        for c in channels {
            let Some(w) = st.shard.get_mut(c) else {
                continue;
            };
            if let Some(from) = w.last.as_ref().filter(|from| *from != addr) {
                tracing::debug!(channel = ?c, %from, to = %addr, "shard channel moved");
                self.cluster
                    .inner
                    .config
                    .connection
                    .events
                    .dispatch(&Event::ShardChannelMoved {
                        channel: c,
                        from,
                        to: addr,
                    });
            }
            w.node = Some(addr.clone());
            w.last = Some(addr.clone());
            w.left = None;
        }
    }

    /// What a refused `SSUBSCRIBE` teaches: a `MOVED` updates the slot map.
    /// `from` is the node that answered (its host stands for an empty one).
    fn learn(&self, error: &Error, from: Option<&ServerAddr>) {
        if let Error::Server(e) = error {
            let host = match from.or(self.cluster.inner.config.seeds.first()) {
                Some(a) => super::node::host_of(a).to_owned(),
                None => String::new(),
            };
            if let Some(Redirect::Moved { slot, addr }) = Redirect::parse(e, &host) {
                self.cluster.inner.apply_moved(slot, &addr);
            }
        }
    }

    async fn shard_request(&self, subscribe: bool, channels: Vec<Bytes>) -> Result<()> {
        if !subscribe {
            return self.shard_unsubscribe(channels).await;
        }
        let mut todo = channels;
        let attempts = self.cluster.inner.config.max_attempts.max(1);
        let mut last_error = None;
        for attempt in 0..attempts {
            if attempt > 0 {
                tokio::time::sleep(self.cluster.inner.config.backoff(attempt - 1)).await;
                if !last_error.as_ref().is_some_and(is_moved) {
                    let _ = self.cluster.refresh().await;
                }
            }
            let waiters = {
                let mut st = self.state.lock().await;
                if attempt == 0 {
                    for c in &todo {
                        st.shard.entry(c.clone()).or_default();
                    }
                }
                self.place(&mut st, &todo).await
            };
            let mut retry = Vec::new();
            let mut fatal = None;
            for w in waiters {
                let (node, _, channels, result) = w.outcome().await;
                let Err(e) = result else { continue };
                if let Some(node) = &node {
                    self.state.lock().await.unplace(node, &channels);
                }
                self.learn(&e, node.as_ref());
                if retryable(&e) {
                    retry.extend(channels);
                    last_error = Some(e);
                } else {
                    self.give_up(&channels).await;
                    fatal.get_or_insert(e);
                }
            }
            if let Some(e) = fatal {
                self.give_up(&retry).await;
                return Err(e);
            }
            if retry.is_empty() {
                // A node that only answered MOVED carries nothing.
                self.state.lock().await.close_idle();
                return Ok(());
            }
            todo = retry;
        }
        self.give_up(&todo).await;
        Err(last_error.unwrap_or_else(|| super::node::not_served(None)))
    }

    /// Stops following channels that could not be subscribed.
    async fn give_up(&self, channels: &[Bytes]) {
        let mut st = self.state.lock().await;
        for c in channels {
            if st.shard.get(c).is_some_and(|w| w.node.is_none()) {
                st.shard.remove(c);
            }
        }
        st.close_idle();
    }

    async fn shard_unsubscribe(&self, channels: Vec<Bytes>) -> Result<()> {
        let mut waiting = Vec::new();
        {
            let mut st = self.state.lock().await;
            let channels: Vec<Bytes> = if channels.is_empty() {
                st.shard.keys().cloned().collect()
            } else {
                channels
            };
            let mut by_node: HashMap<ServerAddr, Vec<Bytes>> = HashMap::new();
            for c in channels {
                if let Some(Want {
                    node: Some(node), ..
                }) = st.shard.remove(&c)
                {
                    by_node.entry(node).or_default().push(c);
                }
            }
            for (addr, group) in by_node {
                if let Some(node) = st.nodes.get(&addr) {
                    waiting.push(node.handle.send(SubKind::Shard, false, group).await);
                }
            }
        }
        let mut first_error = None;
        for rx in waiting {
            let result = match rx {
                Ok(rx) => rx.await.unwrap_or(Ok(())),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                first_error.get_or_insert(e);
            }
        }
        self.state.lock().await.close_idle();
        first_error.map_or(Ok(()), Err)
    }

    async fn classic_request(
        &self,
        kind: SubKind,
        subscribe: bool,
        channels: Vec<Bytes>,
    ) -> Result<()> {
        let i = kind.index();
        let named = channels.clone();
        let rx = {
            let mut st = self.state.lock().await;
            let channels = if channels.is_empty() {
                st.classic_wanted[i].iter().cloned().collect()
            } else {
                channels
            };
            if subscribe {
                if st.classic.is_none() {
                    let addr = self.classic_target(&st)?;
                    self.open(&mut st, &addr).await?;
                    st.classic = Some(addr);
                }
                st.classic_wanted[i].extend(channels.iter().cloned());
            } else {
                for c in &channels {
                    st.classic_wanted[i].remove(c);
                }
            }
            let node = st.classic.as_ref().and_then(|a| st.nodes.get(a));
            match node {
                Some(node) if !channels.is_empty() => {
                    Some(node.handle.send(kind, subscribe, channels).await)
                }
                _ => None,
            }
        };
        let result = match rx {
            Some(Ok(rx)) => rx.await.unwrap_or_else(|_| Err(crate::pubsub::gone())),
            Some(Err(e)) => Err(e),
            None => Ok(()),
        };
        if result.is_err() && subscribe {
            // Not subscribed after all: not followed either.
            let mut st = self.state.lock().await;
            for c in &named {
                st.classic_wanted[i].remove(c);
            }
        }
        let mut st = self.state.lock().await;
        if st.classic_wanted.iter().all(HashSet::is_empty) {
            st.classic = None;
            st.close_idle();
        }
        result
    }

    /// A primary for classic subscriptions: one already connected if any,
    /// else the first primary of the topology.
    fn classic_target(&self, st: &State) -> Result<ServerAddr> {
        let topology = self.cluster.topology();
        let mut primaries = topology.primaries().filter(|a| !st.down.contains(*a));
        let first = primaries.next().cloned();
        let connected = topology
            .primaries()
            .find(|a| st.nodes.contains_key(*a) && !st.down.contains(*a))
            .cloned();
        connected
            .or(first)
            .ok_or_else(|| super::node::not_served(None))
    }

    /// Brings the subscriptions in line with the topology: channels on a
    /// node that is no longer their slot's primary are moved, channels not
    /// placed are placed, classic subscriptions leave a node that is down
    /// and no longer a primary. Returns true when nothing is left to do.
    async fn reconcile(self: &Arc<Self>) -> bool {
        let mut st = self.state.lock().await;
        let topology = self.cluster.topology();
        let mut forget: HashMap<ServerAddr, Vec<Bytes>> = HashMap::new();
        for (c, w) in st.shard.iter_mut() {
            let Some(node) = &w.node else { continue };
            let Some(shard) = topology.shard_for(hash_slot(c)) else {
                continue;
            };
            if &shard.primary != node {
                forget.entry(node.clone()).or_default().push(c.clone());
                w.node = None;
            }
        }
        for (addr, channels) in forget {
            if let Some(node) = st.nodes.get(&addr) {
                // Not awaited: the old node may be unreachable.
                let handle = node.handle.clone();
                tokio::spawn(async move {
                    let _ = handle.send(SubKind::Shard, false, channels).await;
                });
            }
        }
        let unplaced: Vec<Bytes> = st
            .shard
            .iter()
            .filter(|(_, w)| w.node.is_none())
            .map(|(c, _)| c.clone())
            .collect();
        let waiters = self.place(&mut st, &unplaced).await;
        for w in waiters {
            let tx = self.notices.clone();
            tokio::spawn(async move {
                let (node, node_id, channels, result) = w.outcome().await;
                if let Err(error) = result {
                    tracing::debug!(?node, %error, "shard channel subscription refused");
                    // Told to the follower as if the node's task had.
                    let _ = tx.send((
                        node_id,
                        Notice::Rejected {
                            kind: SubKind::Shard,
                            channels,
                            error,
                        },
                    ));
                }
            });
        }
        let classic_moved = self.move_classic(&mut st, &topology).await;
        st.close_idle();
        let placed = st.shard.values().all(|w| w.node.is_some());
        let on_down = st
            .shard
            .values()
            .filter_map(|w| w.node.as_ref())
            .chain(st.classic.as_ref())
            .any(|a| st.down.contains(a));
        placed && !on_down && classic_moved
    }

    /// Moves classic subscriptions off a node that is down and no longer a
    /// primary; false if that is needed and not possible yet.
    async fn move_classic(&self, st: &mut State, topology: &super::Topology) -> bool {
        let Some(current) = st.classic.clone() else {
            return true;
        };
        if !st.down.contains(&current) || topology.primaries().any(|p| p == &current) {
            return true;
        }
        let Ok(target) = self.classic_target(st) else {
            return false;
        };
        if target == current {
            return false;
        }
        let node = match self.open(st, &target).await {
            Ok(node) => node.handle.clone(),
            Err(_) => return false,
        };
        for kind in [SubKind::Channel, SubKind::Pattern] {
            let set: Vec<Bytes> = st.classic_wanted[kind.index()].iter().cloned().collect();
            if !set.is_empty() && node.send(kind, true, set).await.is_err() {
                return false;
            }
        }
        if let Some(old) = st.nodes.get(&current) {
            let old = old.handle.clone();
            tokio::spawn(async move {
                for kind in [SubKind::Channel, SubKind::Pattern] {
                    let _ = old.send(kind, false, Vec::new()).await;
                }
            });
        }
        st.classic = Some(target);
        true
    }

    /// Takes in what a node's task told; true if the topology should be
    /// read again.
    async fn on_notice(&self, id: u64, notice: Notice) -> bool {
        let mut st = self.state.lock().await;
        let Some(addr) = st.addr_of(id) else {
            // A closed node, or a subscription that never reached one.
            if let Notice::Rejected {
                kind: SubKind::Shard,
                channels,
                error,
            } = &notice
            {
                if !retryable(error) {
                    st.stop_following(channels, error);
                    return false;
                }
                self.learn(error, None);
            }
            return true;
        };
        match notice {
            Notice::Unsubscribed {
                kind: SubKind::Shard,
                channel,
            } => {
                st.unplace(&addr, std::slice::from_ref(&channel));
                if let Some(w) = st.shard.get_mut(&channel) {
                    w.left = Some((addr, Instant::now()));
                }
                true
            }
            Notice::Unsubscribed { .. } => false,
            Notice::Rejected {
                kind: SubKind::Shard,
                channels,
                error,
            } => {
                st.unplace(&addr, &channels);
                if !retryable(&error) {
                    st.stop_following(&channels, &error);
                    return false;
                }
                self.learn(&error, Some(&addr));
                !is_moved(&error)
            }
            Notice::Rejected { error, .. } => {
                tracing::warn!(%error, "cluster pub/sub re-subscription refused");
                false
            }
            Notice::Disconnected => {
                st.down.insert(addr);
                true
            }
            Notice::Reconnected => {
                st.down.remove(&addr);
                // It may be back as a replica.
                true
            }
        }
    }
}

impl<T: Transport, C: CredentialProvider> Ops for Shared<T, C> {
    fn request(
        &self,
        kind: SubKind,
        subscribe: bool,
        channels: Vec<Bytes>,
    ) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            match kind {
                SubKind::Shard => self.shard_request(subscribe, channels).await,
                _ => self.classic_request(kind, subscribe, channels).await,
            }
        })
    }

    fn shard_nodes(&self) -> BoxFuture<'_, HashMap<Bytes, Option<ServerAddr>>> {
        Box::pin(async move {
            let st = self.state.lock().await;
            st.shard
                .iter()
                .map(|(c, w)| (c.clone(), w.node.clone()))
                .collect()
        })
    }

    fn connections(&self) -> BoxFuture<'_, Vec<ServerAddr>> {
        Box::pin(async move { self.state.lock().await.nodes.keys().cloned().collect() })
    }
}

/// The follower: takes in the nodes' notices, refreshes the topology when
/// they call for it, and re-places channels until everything is settled.
/// Ends when the subscriber is dropped.
async fn follow<T: Transport, C: CredentialProvider>(
    shared: Weak<Shared<T, C>>,
    mut notices: mpsc::UnboundedReceiver<(u64, Notice)>,
) {
    let mut settled = true;
    let mut attempt = 0;
    loop {
        let (retry_every, periodic) = match shared.upgrade() {
            Some(s) => (
                s.cluster.inner.config.backoff(attempt),
                s.cluster.inner.config.refresh_interval,
            ),
            None => return,
        };
        // Settled, with a periodic refresh configured: look at the map it
        // keeps fresh as often (a move nobody told of, a replica promoted).
        let wait = match (settled, periodic) {
            (false, _) => Some(retry_every),
            (true, every) => every,
        };
        let first = tokio::select! {
            n = notices.recv() => match n {
                Some(n) => Some(n),
                None => return,
            },
            _ = tokio::time::sleep(wait.unwrap_or_default()), if wait.is_some() => None,
        };
        let Some(shared) = shared.upgrade() else {
            return;
        };
        // A slot move unsubscribes many channels at once: take every notice
        // already there, then refresh once.
        let mut refresh = first.is_none() && !settled;
        let mut next = first;
        while let Some((id, notice)) = next {
            refresh |= shared.on_notice(id, notice).await;
            next = notices.try_recv().ok();
        }
        if refresh {
            if let Err(e) = shared.cluster.refresh().await {
                tracing::debug!(error = %e, "topology refresh for pub/sub failed");
            }
        }
        settled = shared.reconcile().await;
        attempt = if settled {
            0
        } else {
            attempt.saturating_add(1)
        };
    }
}

fn is_moved(error: &Error) -> bool {
    error.kind() == Some(ErrorKind::Moved)
}

/// Errors after which a subscription is tried again (after a refresh):
/// redirects, a cluster in transition, a node that could not be reached.
fn retryable(error: &Error) -> bool {
    match error.kind() {
        Some(kind) => {
            matches!(kind, ErrorKind::Moved | ErrorKind::Ask) || super::node::is_transient(kind)
        }
        None => error.is_connection_error() || matches!(error, Error::Timeout(_)),
    }
}
