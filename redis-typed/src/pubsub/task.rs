//! The task that owns a subscriber's connection.
//!
//! One loop per connection: write the (un)subscribe commands the
//! [`Subscriber`](super::Subscriber) asks for, read frames, hand messages to
//! the bounded queue, match confirmations to requests, and re-authenticate
//! when the credentials change. When the connection fails, reconnect with
//! backoff and re-subscribe. See the module documentation for the policies.
//!
//! An owner may also ask for [`Notice`]s (the cluster's subscriber does, to
//! follow slot owners): a channel the server unsubscribed on its own, a
//! re-subscription refused, the connection lost and regained. They go on
//! an unbounded channel: at most one per subscribed channel per event, or
//! one per connection loss, so they are bounded by the subscriptions.

use std::collections::{HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, oneshot};

use super::message::{Frame, RawMessage, SubKind};
use super::SubscriberConfig;
use crate::auth::{CredentialProvider, CredentialsUpdate, CredentialsWatch};
use crate::commands::{encode, Auth};
use crate::connection::{Connection, ConnectionConfig, Protocol};
use crate::error::{Error, Result, ServerError};
use crate::events::{ConnectionInfo, ConnectionKind, Event};
use crate::resp::{Decoder, Value};
use crate::transport::Transport;

/// A request from the [`Subscriber`](super::Subscriber).
pub(crate) struct Control {
    pub kind: SubKind,
    pub subscribe: bool,
    /// Empty for "unsubscribe from all of this kind".
    pub channels: Vec<Bytes>,
    pub reply: oneshot::Sender<Result<()>>,
}

/// What a task tells its owner besides messages (used by the cluster's
/// sharded subscriber to follow slot owners; a plain
/// [`Subscriber`](super::Subscriber) asks for none).
#[derive(Debug)]
pub(crate) enum Notice {
    /// The server unsubscribed a channel on its own: a shard channel whose
    /// slot moved to another node (Redis 7 sends `sunsubscribe` pushes
    /// when a slot is reassigned, by migration or failover). Told after
    /// every message received before it has been queued.
    Unsubscribed { kind: SubKind, channel: Bytes },
    /// A re-subscription made by the task itself (after a reconnect) was
    /// refused (`MOVED`...): the channels are no longer subscribed.
    Rejected {
        kind: SubKind,
        channels: Vec<Bytes>,
        error: Error,
    },
    /// The connection failed; the task is reconnecting.
    Disconnected,
    /// The task connected again after [`Notice::Disconnected`].
    Reconnected,
}

/// Where a task sends its [`Notice`]s, tagged with the owner's number for
/// the task.
pub(crate) type Notices = (u64, mpsc::UnboundedSender<(u64, Notice)>);

/// Counters the [`Subscriber`](super::Subscriber) reads.
#[derive(Debug, Default)]
pub(crate) struct Stats {
    pub reconnects: AtomicU64,
    pub server_id: AtomicU64,
}

/// The owner's end of a running task: where requests go.
#[derive(Debug, Clone)]
pub(crate) struct Handle {
    control: mpsc::Sender<Control>,
    pub stats: Arc<Stats>,
    pub protocol: Protocol,
}

impl Handle {
    /// Makes the first connection (its failure is returned) and spawns the
    /// task, which sends messages to `messages` and, if given, notices to
    /// `notices`. Dropping the handle ends the task.
    pub(crate) async fn spawn<T: Transport, C: CredentialProvider>(
        config: ConnectionConfig,
        transport: T,
        credentials: C,
        options: SubscriberConfig,
        messages: mpsc::Sender<RawMessage>,
        notices: Option<Notices>,
    ) -> Result<Handle> {
        let (control_tx, control_rx) = mpsc::channel(16);
        let stats = Arc::new(Stats::default());
        let mut task = Task::new(
            config,
            transport,
            credentials,
            options,
            control_rx,
            messages,
            stats.clone(),
            notices,
        );
        let first = task.connect().await?;
        let protocol = first.protocol();
        tokio::spawn(task.run(first));
        Ok(Handle {
            control: control_tx,
            stats,
            protocol,
        })
    }

    /// Hands a request to the task; the receiver answers once the server
    /// confirmed every channel (or refused the command).
    pub(crate) async fn send(
        &self,
        kind: SubKind,
        subscribe: bool,
        channels: Vec<Bytes>,
    ) -> Result<oneshot::Receiver<Result<()>>> {
        let (reply, rx) = oneshot::channel();
        self.control
            .send(Control {
                kind,
                subscribe,
                channels,
                reply,
            })
            .await
            .map_err(|_| gone())?;
        Ok(rx)
    }

    /// A request, answered.
    pub(crate) async fn request(
        &self,
        kind: SubKind,
        subscribe: bool,
        channels: Vec<Bytes>,
    ) -> Result<()> {
        let rx = self.send(kind, subscribe, channels).await?;
        rx.await.map_err(|_| gone())?
    }
}

/// The error of a request whose task has stopped.
pub(crate) fn gone() -> Error {
    Error::ConnectionClosed("the subscriber's task has stopped".into())
}

/// A request sent and not yet fully confirmed.
enum Pending {
    /// A (un)subscribe: done when every channel is confirmed.
    Sub {
        kind: SubKind,
        subscribe: bool,
        remaining: Vec<Bytes>,
        /// `None` for the task's own re-subscriptions.
        reply: Option<oneshot::Sender<Result<()>>>,
    },
    /// An in-band `AUTH` after a credential change.
    Auth { generation: u64 },
}

/// What the task holds aside while the queue is full: messages, and the
/// notices that must not overtake them.
enum Held {
    Message(RawMessage),
    Notice(Notice),
}

/// Why a connection's loop ended.
enum Exit {
    /// The subscriber was dropped.
    Closed,
    /// The connection failed or must be replaced: reconnect.
    Reconnect(Error),
}

/// One step of the loop, decided by `select!`.
enum Step {
    Control(Option<Control>),
    Credentials(Option<CredentialsUpdate>),
    Sent(bool),
    Read(std::io::Result<usize>),
}

struct Task<T: Transport, C: CredentialProvider> {
    config: ConnectionConfig,
    transport: T,
    credentials: C,
    options: SubscriberConfig,
    control: mpsc::Receiver<Control>,
    messages: mpsc::Sender<RawMessage>,
    stats: Arc<Stats>,
    /// Confirmed subscriptions, by [`SubKind::index`].
    subscribed: [HashSet<Bytes>; 3],
    pending: VecDeque<Pending>,
    /// Messages read while the queue was full (see the module docs).
    overflow: VecDeque<Held>,
    watch: Option<CredentialsWatch>,
    connections: u64,
    notices: Option<Notices>,
}

/// The stream of one connection and its read state.
struct Session<S> {
    stream: S,
    read_buf: BytesMut,
    decoder: Decoder,
    protocol: Protocol,
    info_id: u64,
    server_id: Option<i64>,
}

impl<T: Transport, C: CredentialProvider> Task<T, C> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        config: ConnectionConfig,
        transport: T,
        credentials: C,
        options: SubscriberConfig,
        control: mpsc::Receiver<Control>,
        messages: mpsc::Sender<RawMessage>,
        stats: Arc<Stats>,
        notices: Option<Notices>,
    ) -> Self {
        let watch = credentials.subscribe();
        Task {
            config,
            transport,
            credentials,
            options,
            control,
            messages,
            stats,
            subscribed: Default::default(),
            pending: VecDeque::new(),
            overflow: VecDeque::new(),
            watch,
            connections: 0,
            notices,
        }
    }

    /// Tells the owner, if it listens.
    fn notify(&self, notice: Notice) {
        if let Some((tag, tx)) = &self.notices {
            let _ = tx.send((*tag, notice));
        }
    }

    /// Sends the notices at the head of the held-aside queue: everything
    /// received before them has been queued.
    fn release_notices(&mut self) {
        while let Some(Held::Notice(_)) = self.overflow.front() {
            if let Some(Held::Notice(n)) = self.overflow.pop_front() {
                self.notify(n);
            }
        }
    }

    /// Moves held-aside messages to the queue as far as it has room;
    /// false when the consumer is gone.
    fn drain_overflow(&mut self) -> bool {
        loop {
            self.release_notices();
            let Some(Held::Message(msg)) = self.overflow.pop_front() else {
                return true;
            };
            match self.messages.try_send(msg) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(msg)) => {
                    self.overflow.push_front(Held::Message(msg));
                    return true;
                }
                Err(mpsc::error::TrySendError::Closed(_)) => return false,
            }
        }
    }

    /// Hands the next held-aside message to a reserved slot of the queue.
    fn send_reserved(&mut self, permit: mpsc::OwnedPermit<RawMessage>) {
        self.release_notices();
        if let Some(Held::Message(msg)) = self.overflow.pop_front() {
            permit.send(msg);
        }
        self.release_notices();
    }

    /// The owner closed the task: what was held aside is still delivered
    /// (waiting for the consumer), unless the consumer is gone too.
    async fn flush(&mut self) {
        while let Some(held) = self.overflow.pop_front() {
            match held {
                Held::Notice(n) => self.notify(n),
                Held::Message(msg) => {
                    if self.messages.send(msg).await.is_err() {
                        return;
                    }
                }
            }
        }
    }

    /// Opens a connection and announces it.
    async fn connect(&mut self) -> Result<Connection<T::Stream>> {
        let conn =
            Connection::connect_with(&self.config, &self.transport, &self.credentials).await?;
        self.connections += 1;
        let info = ConnectionInfo::new(&self.config.addr, ConnectionKind::PubSub, self.connections)
            .with_server_id(conn.server_id());
        self.config
            .events
            .dispatch(&Event::PubSubConnectionCreated { connection: info });
        self.stats
            .server_id
            .store(conn.server_id().unwrap_or(0) as u64, Ordering::Relaxed);
        Ok(conn)
    }

    /// Runs until the subscriber is dropped.
    async fn run(mut self, first: Connection<T::Stream>) {
        let mut conn = Some(first);
        let mut delay = self.options.reconnect_min_delay;
        loop {
            let c = match conn.take() {
                Some(c) => c,
                None => match self.connect().await {
                    Ok(c) => {
                        self.stats.reconnects.fetch_add(1, Ordering::Relaxed);
                        delay = self.options.reconnect_min_delay;
                        self.notify(Notice::Reconnected);
                        c
                    }
                    Err(e) => {
                        tracing::debug!(addr = %self.config.addr, error = %e, "pub/sub reconnect failed");
                        if self.wait_or_closed(delay).await {
                            self.flush().await;
                            return;
                        }
                        delay = (delay * 2).min(self.options.reconnect_max_delay);
                        continue;
                    }
                },
            };
            let protocol = c.protocol();
            let server_id = c.server_id();
            let (stream, read_buf, decoder, _) = c.into_parts();
            let mut session = Session {
                stream,
                read_buf,
                decoder,
                protocol,
                info_id: self.connections,
                server_id,
            };
            let exit = self.serve(&mut session).await;
            drop(session);
            match exit {
                Exit::Closed => {
                    self.flush().await;
                    return;
                }
                Exit::Reconnect(e) => {
                    tracing::debug!(addr = %self.config.addr, error = %e, "pub/sub connection lost; reconnecting");
                    // Internal AUTHs die with their connection (the next
                    // handshake authenticates); (un)subscribes are re-sent.
                    self.pending.retain(|p| matches!(p, Pending::Sub { .. }));
                    self.notify(Notice::Disconnected);
                }
            }
        }
    }

    /// Sleeps `delay`, still answering the subscriber and handing it what
    /// was held aside; true if it was dropped meanwhile.
    async fn wait_or_closed(&mut self, delay: std::time::Duration) -> bool {
        let sleep = tokio::time::sleep(delay);
        tokio::pin!(sleep);
        loop {
            if !self.drain_overflow() {
                return true;
            }
            let waiting = !self.overflow.is_empty();
            tokio::select! {
                _ = &mut sleep => return false,
                req = self.control.recv() => match req {
                    None => return true,
                    // Queued: sent once connected.
                    Some(req) => self.queue(req),
                },
                permit = self.messages.clone().reserve_owned(), if waiting => match permit {
                    Ok(permit) => self.send_reserved(permit),
                    Err(_) => return true,
                },
            }
        }
    }

    /// Adds a request to the pending queue without writing it (it is
    /// written by `resubscribe` on the next connection). An unsubscribe
    /// needs no server while disconnected: it is done at once, and the
    /// channels are not subscribed again.
    fn queue(&mut self, req: Control) {
        let channels = self.expand(&req);
        if channels.is_empty() {
            let _ = req.reply.send(Ok(()));
            return;
        }
        if !req.subscribe {
            self.forget(req.kind, &channels);
            let _ = req.reply.send(Ok(()));
            return;
        }
        self.pending.push_back(Pending::Sub {
            kind: req.kind,
            subscribe: req.subscribe,
            remaining: channels,
            reply: Some(req.reply),
        });
    }

    /// Drops `channels` from the confirmed set and from the subscribe
    /// requests not yet sent; a request left with nothing to confirm is
    /// answered.
    fn forget(&mut self, kind: SubKind, channels: &[Bytes]) {
        for c in channels {
            self.subscribed[kind.index()].remove(c);
        }
        let mut i = 0;
        while i < self.pending.len() {
            let done = match &mut self.pending[i] {
                Pending::Sub {
                    kind: k,
                    subscribe: true,
                    remaining,
                    ..
                } if *k == kind => {
                    remaining.retain(|c| !channels.contains(c));
                    remaining.is_empty()
                }
                _ => false,
            };
            if done {
                if let Some(Pending::Sub {
                    reply: Some(reply), ..
                }) = self.pending.remove(i)
                {
                    let _ = reply.send(Ok(()));
                }
            } else {
                i += 1;
            }
        }
    }

    /// The channels a request names ("all" expanded to the confirmed set).
    fn expand(&self, req: &Control) -> Vec<Bytes> {
        if req.channels.is_empty() && !req.subscribe {
            self.subscribed[req.kind.index()].iter().cloned().collect()
        } else {
            req.channels.clone()
        }
    }

    /// Serves one connection until it fails or the subscriber is dropped.
    async fn serve(&mut self, s: &mut Session<T::Stream>) -> Exit {
        if let Err(e) = self.resubscribe(s).await {
            return Exit::Reconnect(e);
        }
        loop {
            // Hand over what is held aside, as far as the queue allows.
            if !self.drain_overflow() {
                return Exit::Closed;
            }
            // Read on while the queue has room, or while a caller awaits a
            // confirmation (which may sit behind the messages).
            let awaited = self
                .pending
                .iter()
                .any(|p| matches!(p, Pending::Sub { reply: Some(_), .. }));
            let may_read = self.overflow.is_empty() || awaited;
            if may_read {
                match s.decoder.decode(&mut s.read_buf) {
                    Ok(Some(value)) => {
                        if let Err(e) = self.on_frame(s, value) {
                            return Exit::Reconnect(e);
                        }
                        continue;
                    }
                    Ok(None) => {}
                    Err(e) => return Exit::Reconnect(e.into()),
                }
            }
            let waiting = !self.overflow.is_empty();
            let step = tokio::select! {
                biased;
                req = self.control.recv() => Step::Control(req),
                update = next_update(&mut self.watch) => Step::Credentials(update),
                permit = self.messages.clone().reserve_owned(), if waiting => match permit {
                    Ok(permit) => {
                        self.send_reserved(permit);
                        Step::Sent(true)
                    }
                    Err(_) => Step::Sent(false),
                },
                n = read_more(s), if may_read => Step::Read(n),
            };
            match step {
                Step::Control(None) | Step::Sent(false) => return Exit::Closed,
                Step::Control(Some(req)) => {
                    let channels = self.expand(&req);
                    if channels.is_empty() {
                        let _ = req.reply.send(Ok(()));
                        continue;
                    }
                    let result = write_sub(s, req.kind, req.subscribe, &channels).await;
                    self.pending.push_back(Pending::Sub {
                        kind: req.kind,
                        subscribe: req.subscribe,
                        remaining: channels,
                        reply: Some(req.reply),
                    });
                    if let Err(e) = result {
                        return Exit::Reconnect(e.into());
                    }
                }
                Step::Credentials(None) => self.watch = None,
                Step::Credentials(Some(update)) => {
                    if let Err(e) = self.reauthenticate(s, update).await {
                        return Exit::Reconnect(e);
                    }
                }
                Step::Sent(true) => {}
                Step::Read(Ok(0)) => {
                    return Exit::Reconnect(Error::ConnectionClosed(
                        "server closed the connection".into(),
                    ))
                }
                Step::Read(Ok(_)) => {}
                Step::Read(Err(e)) => return Exit::Reconnect(e.into()),
            }
        }
    }

    /// After a (re)connect: subscribe again to everything confirmed, then
    /// re-send the requests still unconfirmed.
    async fn resubscribe(&mut self, s: &mut Session<T::Stream>) -> Result<()> {
        let mut again = VecDeque::new();
        for kind in SubKind::ALL {
            let set: Vec<Bytes> = self.subscribed[kind.index()].drain().collect();
            if set.is_empty() {
                continue;
            }
            // One command per shard channel: never crosses slots.
            let groups: Vec<Vec<Bytes>> = if kind == SubKind::Shard {
                set.into_iter().map(|c| vec![c]).collect()
            } else {
                vec![set]
            };
            for channels in groups {
                again.push_back(Pending::Sub {
                    kind,
                    subscribe: true,
                    remaining: channels,
                    reply: None,
                });
            }
        }
        again.append(&mut self.pending);
        self.pending = again;
        let mut out = BytesMut::new();
        for p in &self.pending {
            if let Pending::Sub {
                kind,
                subscribe,
                remaining,
                ..
            } = p
            {
                kind.encode(&mut out, *subscribe, remaining);
            }
        }
        if !out.is_empty() {
            s.stream.write_all(&out).await?;
            s.stream.flush().await?;
        }
        Ok(())
    }

    /// Handles one frame; an error means the connection must be replaced.
    fn on_frame(&mut self, s: &Session<T::Stream>, value: Value) -> Result<()> {
        match Frame::classify(value) {
            Frame::Message(_, msg) => {
                if self.overflow.is_empty() {
                    match self.messages.try_send(msg) {
                        Ok(()) => {}
                        Err(mpsc::error::TrySendError::Full(msg)) => {
                            self.overflow.push_back(Held::Message(msg))
                        }
                        // The subscriber is gone; the control channel says so next.
                        Err(mpsc::error::TrySendError::Closed(_)) => {}
                    }
                } else {
                    self.overflow.push_back(Held::Message(msg));
                }
            }
            Frame::Confirm {
                kind,
                subscribe,
                channel,
            } => {
                let mut was_subscribed = false;
                if let Some(channel) = &channel {
                    if subscribe {
                        self.subscribed[kind.index()].insert(channel.clone());
                    } else {
                        was_subscribed = self.subscribed[kind.index()].remove(channel);
                    }
                }
                if let Some(channel) = self.confirm(kind, subscribe, channel) {
                    if was_subscribed {
                        // Nobody asked: the server unsubscribed it (a slot
                        // moved away). Told after the messages before it.
                        let notice = Notice::Unsubscribed { kind, channel };
                        if self.overflow.is_empty() {
                            self.notify(notice);
                        } else {
                            self.overflow.push_back(Held::Notice(notice));
                        }
                    }
                }
            }
            Frame::Reply(value) => return self.on_reply(s, value),
            Frame::Ignored => {}
        }
        Ok(())
    }

    /// Crosses a confirmed channel off the first request waiting for it;
    /// returns the channel when no request waited for it.
    fn confirm(&mut self, kind: SubKind, subscribe: bool, channel: Option<Bytes>) -> Option<Bytes> {
        let channel = channel?;
        let found = self.pending.iter_mut().position(|p| match p {
            Pending::Sub {
                kind: k,
                subscribe: sb,
                remaining,
                ..
            } if *k == kind && *sb == subscribe => {
                match remaining.iter().position(|c| *c == channel) {
                    Some(i) => {
                        remaining.swap_remove(i);
                        true
                    }
                    None => false,
                }
            }
            _ => false,
        });
        let Some(i) = found else {
            // A server-initiated unsubscribe (a cluster slot moved away),
            // already reflected in the confirmed set.
            return Some(channel);
        };
        {
            if let Some(Pending::Sub { remaining, .. }) = self.pending.get(i) {
                if remaining.is_empty() {
                    if let Some(Pending::Sub {
                        reply: Some(reply), ..
                    }) = self.pending.remove(i)
                    {
                        let _ = reply.send(Ok(()));
                    }
                }
            }
        }
        None
    }

    /// A reply that is not a confirmation: it answers the oldest request.
    fn on_reply(&mut self, s: &Session<T::Stream>, value: Value) -> Result<()> {
        let error = match value {
            Value::Error(message) => Some(Error::Server(ServerError::new(message))),
            _ => None,
        };
        match self.pending.pop_front() {
            Some(Pending::Sub {
                reply,
                kind,
                subscribe,
                remaining,
            }) => {
                let e = error.unwrap_or_else(|| Error::Conversion {
                    expected: "a subscription confirmation",
                    received: "another reply".into(),
                });
                match reply {
                    Some(reply) => {
                        let _ = reply.send(Err(e));
                    }
                    None => {
                        tracing::warn!(error = %e, "pub/sub re-subscription failed");
                        if subscribe {
                            self.notify(Notice::Rejected {
                                kind,
                                channels: remaining,
                                error: e,
                            });
                        }
                    }
                }
                Ok(())
            }
            Some(Pending::Auth { generation }) => {
                let info =
                    ConnectionInfo::new(&self.config.addr, ConnectionKind::PubSub, s.info_id)
                        .with_server_id(s.server_id);
                match error {
                    None => {
                        self.config.events.dispatch(&Event::ReauthSucceeded {
                            connection: info,
                            generation,
                        });
                        Ok(())
                    }
                    Some(error) => {
                        self.config.events.dispatch(&Event::ReauthFailed {
                            connection: info,
                            generation,
                            error: &error,
                        });
                        // Not used with its old credentials: replace it.
                        Err(error)
                    }
                }
            }
            None => {
                tracing::debug!("unexpected reply on a subscribed connection");
                Ok(())
            }
        }
    }

    /// New credentials: `AUTH` in band on RESP3; a fresh connection on RESP2.
    async fn reauthenticate(
        &mut self,
        s: &mut Session<T::Stream>,
        update: CredentialsUpdate,
    ) -> Result<()> {
        let credentials = match update.usable() {
            Ok(c) => c.clone(),
            // Nothing usable: keep the connection; the provider reports.
            Err(_) => return Ok(()),
        };
        if s.protocol == Protocol::Resp2 {
            return Err(Error::ConnectionClosed(
                "RESP2 subscribed connection replaced to re-authenticate".into(),
            ));
        }
        let mut out = BytesMut::new();
        encode(&Auth::from_credentials(&credentials), &mut out);
        self.pending.push_back(Pending::Auth {
            generation: update.generation,
        });
        s.stream.write_all(&out).await?;
        s.stream.flush().await?;
        Ok(())
    }
}

async fn next_update(watch: &mut Option<CredentialsWatch>) -> Option<CredentialsUpdate> {
    match watch {
        Some(w) => w.changed().await,
        None => std::future::pending().await,
    }
}

async fn read_more<S: tokio::io::AsyncRead + Unpin>(s: &mut Session<S>) -> std::io::Result<usize> {
    s.read_buf.reserve(16 * 1024);
    s.stream.read_buf(&mut s.read_buf).await
}

async fn write_sub<S: tokio::io::AsyncWrite + Unpin>(
    s: &mut Session<S>,
    kind: SubKind,
    subscribe: bool,
    channels: &[Bytes],
) -> std::io::Result<()> {
    let mut out = BytesMut::new();
    kind.encode(&mut out, subscribe, channels);
    s.stream.write_all(&out).await?;
    s.stream.flush().await
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;
    use crate::auth::StaticCredentials;
    use crate::transport::MemoryTransport;

    type NoticeRx = mpsc::UnboundedReceiver<(u64, Notice)>;

    /// A task on an in-memory RESP2 connection (no handshake), its queue of
    /// `capacity`, its notices tagged 7.
    async fn spawn(
        transport: MemoryTransport,
        capacity: usize,
    ) -> (Handle, mpsc::Receiver<RawMessage>, NoticeRx) {
        let config = ConnectionConfig::default().protocol(Protocol::Resp2);
        let (msg_tx, msg_rx) = mpsc::channel(capacity);
        let (notice_tx, notice_rx) = mpsc::unbounded_channel();
        let options = SubscriberConfig::default()
            .reconnect_delay(Duration::from_millis(5), Duration::from_millis(20));
        let handle = Handle::spawn(
            config,
            transport,
            StaticCredentials::default(),
            options,
            msg_tx,
            Some((7, notice_tx)),
        )
        .await
        .unwrap();
        (handle, msg_rx, notice_rx)
    }

    fn frame(items: &[&str]) -> Vec<u8> {
        let mut out = format!("*{}\r\n", items.len());
        for i in items {
            match i.strip_prefix(':') {
                Some(n) => out.push_str(&format!(":{n}\r\n")),
                None => out.push_str(&format!("${}\r\n{i}\r\n", i.len())),
            }
        }
        out.into_bytes()
    }

    /// Reads from the client until `expected` arrived.
    async fn expect(end: &mut tokio::io::DuplexStream, expected: &[u8]) {
        let mut got = vec![0; expected.len()];
        end.read_exact(&mut got).await.unwrap();
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(expected)
        );
    }

    /// Has the task send a shard subscribe (or unsubscribe) of `channel`,
    /// checks the command the server end reads, confirms it (count 1 for a
    /// subscribe, 0 for an unsubscribe) and waits for the request to succeed.
    async fn shard_request(
        handle: &Handle,
        end: &mut tokio::io::DuplexStream,
        subscribe: bool,
        channel: &str,
    ) {
        let request = tokio::spawn({
            let handle = handle.clone();
            let channels = vec![Bytes::copy_from_slice(channel.as_bytes())];
            async move { handle.request(SubKind::Shard, subscribe, channels).await }
        });
        let (command, count) = match subscribe {
            true => ("SSUBSCRIBE", ":1"),
            false => ("SUNSUBSCRIBE", ":0"),
        };
        expect(end, &frame(&[command, channel])).await;
        end.write_all(&frame(&[&command.to_lowercase(), channel, count]))
            .await
            .unwrap();
        request.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn a_server_unsubscribe_is_told_after_the_messages_before_it() {
        let (transport, mut server) = MemoryTransport::new();
        let (handle, mut messages, mut notices) = spawn(transport, 1).await;
        let mut end = server.accept().await.unwrap();
        shard_request(&handle, &mut end, true, "a").await;
        // Three messages, then the slot moves away: more than the queue
        // (capacity 1) holds, so the task holds some aside.
        let mut out = Vec::new();
        for i in 1..=3 {
            out.extend(frame(&["smessage", "a", &i.to_string()]));
        }
        out.extend(frame(&["sunsubscribe", "a", ":0"]));
        end.write_all(&out).await.unwrap();
        // A caller awaiting a confirmation that sits behind all that makes
        // the task read on while messages are held aside.
        shard_request(&handle, &mut end, true, "c").await;
        assert!(notices.try_recv().is_err(), "held behind the messages");
        let mut consumed = 0;
        loop {
            tokio::select! {
                biased;
                notice = notices.recv() => {
                    match notice.unwrap() {
                        (7, Notice::Unsubscribed { kind: SubKind::Shard, channel }) => {
                            assert_eq!(&channel[..], b"a");
                        }
                        other => panic!("{other:?}"),
                    }
                    assert_eq!(consumed + messages.len(), 3, "every message queued first");
                    break;
                }
                m = messages.recv() => {
                    consumed += 1;
                    let m = m.unwrap().decode::<i64>().unwrap();
                    assert_eq!(m.payload, consumed as i64);
                }
            }
        }
        // A requested unsubscribe is not reported.
        shard_request(&handle, &mut end, false, "b").await;
        assert!(notices.try_recv().is_err());
    }

    #[tokio::test]
    async fn a_lost_connection_is_told_and_unsubscribes_need_no_server() {
        let (transport, mut server) = MemoryTransport::new();
        let (handle, _messages, mut notices) = spawn(transport, 8).await;
        let mut end = server.accept().await.unwrap();
        shard_request(&handle, &mut end, true, "a").await;
        // The server goes away for good: reconnecting fails.
        drop(end);
        drop(server);
        let notice = tokio::time::timeout(Duration::from_secs(5), notices.recv())
            .await
            .unwrap();
        assert!(
            matches!(notice, Some((7, Notice::Disconnected))),
            "{notice:?}"
        );
        let unsubscribed = tokio::time::timeout(
            Duration::from_secs(5),
            handle.request(SubKind::Shard, false, vec![Bytes::from_static(b"a")]),
        )
        .await;
        assert!(matches!(unsubscribed, Ok(Ok(()))), "{unsubscribed:?}");
    }
}
