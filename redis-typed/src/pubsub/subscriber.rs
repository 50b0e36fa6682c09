//! [`Subscriber`]: the consumer's end of a subscribed connection.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use tokio::sync::mpsc;

use super::message::{Message, RawMessage, SubKind};
use super::task::Handle;
use super::SubscriberConfig;
use crate::auth::{CredentialProvider, StaticCredentials};
use crate::commands::stream::fields::arg_bytes;
use crate::connection::{ConnectionConfig, Protocol};
use crate::error::Result;
use crate::transport::{DefaultTransport, Transport};
use crate::types::{FromRedisValue, SingleArg};

/// A connection in subscriber mode, and the stream of the messages it
/// receives, their payloads decoded as `T` (default [`Bytes`]).
///
/// The subscriber owns a dedicated connection, served by a background task
/// that reconnects, re-subscribes and re-authenticates on its own (see the
/// [module documentation](super) for the policies). Dropping the subscriber
/// closes the connection.
///
/// Read messages with [`next_message`](Subscriber::next_message) or as a
/// [`Stream`] of `Result<Message<T>>`: an `Err` item is a payload that does
/// not decode as `T`, and the stream goes on after it. The stream does not
/// end while the subscriber lives, even across reconnects.
///
/// ```no_run
/// use redis_typed::pubsub::{Subscriber, SubscriberConfig};
/// use redis_typed::ConnectionConfig;
///
/// # async fn demo() -> redis_typed::Result<()> {
/// let config = ConnectionConfig::from_url("redis://127.0.0.1:6379")?;
/// let mut sub: Subscriber<i64> =
///     Subscriber::connect(config, SubscriberConfig::default().capacity(64)).await?;
/// sub.subscribe(["counter"]).await?;
/// if let Some(Ok(message)) = sub.next_message().await {
///     println!("counter is now {}", message.payload);
/// }
/// sub.unsubscribe_all().await?;
/// # Ok(()) }
/// ```
pub struct Subscriber<T = Bytes> {
    handle: Handle,
    messages: mpsc::Receiver<RawMessage>,
    _payload: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Subscriber<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscriber")
            .field("protocol", &self.handle.protocol)
            .field("queued", &self.messages.len())
            .field("reconnects", &self.reconnects())
            .finish_non_exhaustive()
    }
}

impl<T: FromRedisValue> Subscriber<T> {
    /// Connects from a URL, with the default [`SubscriberConfig`].
    pub async fn open(url: &str) -> Result<Self> {
        Self::connect(
            ConnectionConfig::from_url(url)?,
            SubscriberConfig::default(),
        )
        .await
    }

    /// Connects with the default transport and the configuration's
    /// credentials.
    pub async fn connect(config: ConnectionConfig, options: SubscriberConfig) -> Result<Self> {
        crate::connection::require_plain(&config)?;
        let credentials = StaticCredentials::from(config.credentials.clone());
        Self::connect_with(config, DefaultTransport, credentials, options).await
    }

    /// Connects to `config.addr` through `transport`, authenticating with
    /// what `credentials` supplies (asked again at every reconnect, and
    /// watched for changes). Fails if the first connection cannot be made;
    /// later failures are retried in the background.
    ///
    /// To subscribe on one node of a cluster (sharded channels live on the
    /// node owning their slot), set `config.addr` to that node; to follow
    /// shard channels wherever their slot goes, use
    /// [`ClusterSubscriber`](crate::cluster::ClusterSubscriber).
    pub async fn connect_with<Tr: Transport, C: CredentialProvider>(
        config: ConnectionConfig,
        transport: Tr,
        credentials: C,
        options: SubscriberConfig,
    ) -> Result<Self> {
        let capacity = options.capacity.max(1);
        let (message_tx, message_rx) = mpsc::channel(capacity);
        let handle =
            Handle::spawn(config, transport, credentials, options, message_tx, None).await?;
        Ok(Subscriber {
            handle,
            messages: message_rx,
            _payload: PhantomData,
        })
    }

    /// The next message; `None` only if the background task is gone.
    ///
    /// Cancel-safe: a dropped call loses no message.
    pub async fn next_message(&mut self) -> Option<Result<Message<T>>> {
        self.messages.recv().await.map(RawMessage::decode)
    }
}

impl<T> Subscriber<T> {
    /// `SUBSCRIBE channel [channel ...]`; returns once the server confirmed
    /// every channel.
    pub async fn subscribe<A: SingleArg>(
        &self,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Channel, true, channels).await
    }

    /// `PSUBSCRIBE pattern [pattern ...]` (glob-style patterns).
    pub async fn psubscribe<A: SingleArg>(
        &self,
        patterns: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Pattern, true, patterns).await
    }

    /// `SSUBSCRIBE shardchannel [shardchannel ...]` (Redis 7.0+). In a
    /// cluster the channels must hash to one slot, owned by this
    /// subscriber's node (a [`ClusterSubscriber`](crate::cluster::ClusterSubscriber)
    /// groups and routes them itself).
    pub async fn ssubscribe<A: SingleArg>(
        &self,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Shard, true, channels).await
    }

    /// `UNSUBSCRIBE channel [channel ...]`.
    pub async fn unsubscribe<A: SingleArg>(
        &self,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Channel, false, channels).await
    }

    /// `PUNSUBSCRIBE pattern [pattern ...]`.
    pub async fn punsubscribe<A: SingleArg>(
        &self,
        patterns: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Pattern, false, patterns).await
    }

    /// `SUNSUBSCRIBE shardchannel [shardchannel ...]`.
    pub async fn sunsubscribe<A: SingleArg>(
        &self,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        self.request(SubKind::Shard, false, channels).await
    }

    /// Unsubscribes from every channel, pattern and shard channel.
    /// Messages already buffered are still delivered.
    pub async fn unsubscribe_all(&self) -> Result<()> {
        for kind in [SubKind::Channel, SubKind::Pattern, SubKind::Shard] {
            self.request(kind, false, std::iter::empty::<&str>())
                .await?;
        }
        Ok(())
    }

    /// How many times the connection was replaced (after a failure, or to
    /// re-authenticate on RESP2). Each is a gap: messages published while
    /// disconnected are not received.
    pub fn reconnects(&self) -> u64 {
        self.handle.stats.reconnects.load(Ordering::Relaxed)
    }

    /// The server's id for the current connection (`CLIENT ID`), when the
    /// handshake learned it (RESP3).
    pub fn server_id(&self) -> Option<i64> {
        match self.handle.stats.server_id.load(Ordering::Relaxed) {
            0 => None,
            id => Some(id as i64),
        }
    }

    /// Messages received and not yet consumed (at most the configured
    /// capacity).
    pub fn queued(&self) -> usize {
        self.messages.len()
    }

    /// The protocol negotiated by the first connection.
    pub fn protocol(&self) -> Protocol {
        self.handle.protocol
    }

    async fn request<A: SingleArg>(
        &self,
        kind: SubKind,
        subscribe: bool,
        channels: impl IntoIterator<Item = A>,
    ) -> Result<()> {
        match request_channels(subscribe, channels) {
            Some(channels) => self.handle.request(kind, subscribe, channels).await,
            None => Ok(()),
        }
    }
}

/// The channels (or patterns) a (un)subscribe request sends, or `None` when
/// it has nothing to send: a subscribe to no channel does nothing, while an
/// unsubscribe from none means from every one. Shared by [`Subscriber`] and
/// the cluster's subscriber.
pub(crate) fn request_channels<A: SingleArg>(
    subscribe: bool,
    channels: impl IntoIterator<Item = A>,
) -> Option<Vec<Bytes>> {
    let channels: Vec<Bytes> = channels.into_iter().map(|c| arg_bytes(&c)).collect();
    (!subscribe || !channels.is_empty()).then_some(channels)
}

impl<T: FromRedisValue> Stream for Subscriber<T> {
    type Item = Result<Message<T>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        RawMessage::poll_queue(&mut self.get_mut().messages, cx)
    }
}
