//! [`Subscription`]: channels subscribed on a [`Client`](crate::Client)'s
//! multiplexed RESP3 connection, their messages a stream of typed
//! [`Message`]s.
//!
//! ```text
//! SUBSCRIBE a b      ->  >3 subscribe a 1   >3 subscribe b 2     (or one -NOPERM ...)
//! (any time after)   ->  >3 message a <payload>
//! ```
//!
//! The request is written like any other command, in order with everyone's;
//! the connection's driver counts the confirmation pushes toward it and
//! hands the messages to the [`Router`](super::Router), which copies them
//! into the bounded [`Inbox`] of every subscription holding the channel.

use std::collections::HashSet;
use std::fmt;
use std::future::poll_fn;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

use super::inbox::Inbox;
use super::message::{Message, RawMessage, SubKind};
use crate::commands::stream::fields::arg_bytes;
use crate::connection::{Confirm, Protocol, Reply, ReplyReceiver, Shared};
use crate::error::{Error, Result, ServerError};
use crate::resp::Value;
use crate::types::{FromRedisValue, SingleArg};

/// Messages a [`Subscription`] buffers by default.
const DEFAULT_CAPACITY: usize = 1024;

/// Options for a shared subscription: `client.subscription()`.
///
/// ```no_run
/// # async fn demo(client: redis_typed::Client) -> redis_typed::Result<()> {
/// // SUBSCRIBE prices, with room for 64 unread messages.
/// let mut prices = client.subscription().capacity(64).subscribe::<f64>(["prices"]).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct SubscriptionBuilder {
    shared: Arc<Shared>,
    protocol: Protocol,
    capacity: usize,
}

impl fmt::Debug for SubscriptionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubscriptionBuilder")
            .field("protocol", &self.protocol)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl SubscriptionBuilder {
    pub(crate) fn new(shared: Arc<Shared>, protocol: Protocol) -> Self {
        SubscriptionBuilder {
            shared,
            protocol,
            capacity: DEFAULT_CAPACITY,
        }
    }

    /// Messages held for the consumer (default 1024, at
    /// least 1). Beyond it, messages are dropped and counted: see
    /// [`Subscription`].
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = capacity.max(1);
        self
    }

    /// `SUBSCRIBE channel [channel ...]`; returns once the server confirmed
    /// every channel.
    pub async fn subscribe<T>(
        self,
        channels: impl IntoIterator<Item = impl SingleArg>,
    ) -> Result<Subscription<T>> {
        self.start(SubKind::Channel, channels).await
    }

    /// `PSUBSCRIBE pattern [pattern ...]` (glob-style patterns).
    pub async fn psubscribe<T>(
        self,
        patterns: impl IntoIterator<Item = impl SingleArg>,
    ) -> Result<Subscription<T>> {
        self.start(SubKind::Pattern, patterns).await
    }

    /// `SSUBSCRIBE shardchannel [shardchannel ...]` (Redis 7.0+), on this
    /// client's server.
    pub async fn ssubscribe<T>(
        self,
        channels: impl IntoIterator<Item = impl SingleArg>,
    ) -> Result<Subscription<T>> {
        self.start(SubKind::Shard, channels).await
    }

    async fn start<T>(
        self,
        kind: SubKind,
        channels: impl IntoIterator<Item = impl SingleArg>,
    ) -> Result<Subscription<T>> {
        if self.protocol != Protocol::Resp3 {
            return Err(Error::Config(
                "a subscription shared with the client's connection needs RESP3 (push frames), \
                 and this client speaks RESP2: use client.subscriber() (pubsub::Subscriber), \
                 which subscribes on a connection of its own"
                    .into(),
            ));
        }
        let mut seen = HashSet::new();
        let channels: Vec<Bytes> = channels
            .into_iter()
            .map(|c| arg_bytes(&c))
            .filter(|c| seen.insert(c.clone()))
            .collect();
        if channels.is_empty() {
            return Err(Error::Config(
                "a subscription needs at least one channel or pattern".into(),
            ));
        }
        let inbox = Arc::new(Inbox::new(self.capacity));
        let rx = {
            let mut routes = self.shared.router.lock();
            if !routes.add(kind, &channels, &inbox) {
                return Err(Error::ConnectionClosed("client was closed".into()));
            }
            let confirm = Confirm {
                kind,
                subscribe: true,
            };
            match self.shared.enqueue_sub(confirm, &channels, true) {
                Ok(Some(rx)) => rx,
                outcome => {
                    routes.remove(kind, &channels, &inbox);
                    return Err(outcome
                        .err()
                        .unwrap_or_else(|| Error::ConnectionClosed("client was closed".into())));
                }
            }
        };
        // From here the subscription is its own guard: if the confirmation
        // fails, or this future is dropped before it, dropping it releases
        // the routes and unsubscribes what nobody else holds.
        let mut subscription = Subscription {
            shared: self.shared,
            inbox,
            kind,
            channels,
            reconnects_at: 0,
            held: true,
            _payload: PhantomData,
        };
        confirmed(rx.await)?;
        subscription.reconnects_at = subscription.shared.router.reconnects();
        Ok(subscription)
    }
}

/// Channels, patterns or shard channels subscribed on a
/// [`Client`](crate::Client)'s own multiplexed connection (RESP3), and the
/// stream of their messages, payloads decoded as `T` (default [`Bytes`]).
///
/// Made by `client.subscribe(..)`, `client.psubscribe(..)`,
/// `client.ssubscribe(..)` or `client.subscription().capacity(n)...`.
/// Several subscriptions may hold the same channel: each receives every
/// message. Dropping a subscription unsubscribes (fire and forget) the
/// channels no other subscription of the client holds.
///
/// Read it with [`next_message`](Subscription::next_message) or as a
/// [`Stream`] of `Result<Message<T>>`. The stream goes on after an `Err`
/// item, which is one of:
/// - [`Error::Lagged`]: the consumer fell behind, its buffer was full and
///   that many messages were dropped (see the
///   [module documentation](super) for this policy and when to prefer a
///   [`Subscriber`](super::Subscriber));
/// - a payload that does not decode as `T`;
/// - the server refused to subscribe again after a reconnect (an ACL
///   changed meanwhile): nothing arrives unless a later reconnect
///   subscribes again successfully.
///
/// The stream ends (`None`) once every clone of the client is dropped.
///
/// ```no_run
/// use redis_typed::Client;
///
/// # async fn demo() -> redis_typed::Result<()> {
/// let client = Client::open("redis://127.0.0.1:6379").await?;
/// let mut news = client.subscribe::<String>(["news"]).await?;
/// // The same client keeps serving ordinary commands.
/// let _: Option<String> = client.send(redis_typed::commands::Get::new("k")).await?;
/// if let Some(message) = news.next_message().await {
///     println!("{}", message?.payload);
/// }
/// news.unsubscribe().await?;
/// # Ok(()) }
/// ```
pub struct Subscription<T = Bytes> {
    shared: Arc<Shared>,
    inbox: Arc<Inbox>,
    kind: SubKind,
    channels: Vec<Bytes>,
    /// The client's reconnect count when the subscription was confirmed.
    reconnects_at: u64,
    /// False once the routes were released.
    held: bool,
    _payload: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Subscription<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("kind", &self.kind)
            .field("channels", &self.channels.len())
            .field("queued", &self.queued())
            .field("reconnects", &self.reconnects())
            .finish_non_exhaustive()
    }
}

impl<T: FromRedisValue> Subscription<T> {
    /// The next message, or why there is none (see [`Subscription`]);
    /// `None` once the client is closed and the buffer drained.
    ///
    /// Cancel-safe: a dropped call loses no message.
    pub async fn next_message(&mut self) -> Option<Result<Message<T>>> {
        poll_fn(|cx| self.poll_message(cx)).await
    }

    fn poll_message(&self, cx: &mut Context<'_>) -> Poll<Option<Result<Message<T>>>> {
        self.inbox
            .poll_next(cx)
            .map(|item| item.map(|m| m.and_then(RawMessage::decode)))
    }
}

impl<T> Subscription<T> {
    /// The channels (or patterns) this subscription holds.
    pub fn channels(&self) -> &[Bytes] {
        &self.channels
    }

    /// Messages buffered and not yet read (at most the capacity).
    pub fn queued(&self) -> usize {
        self.inbox.len()
    }

    /// How many times the client's connection was replaced since this
    /// subscription was confirmed. Each is a gap: the subscription is
    /// restored on the new connection, but messages published while
    /// disconnected are lost.
    pub fn reconnects(&self) -> u64 {
        self.shared.router.reconnects() - self.reconnects_at
    }

    /// Unsubscribes the channels no other subscription of the client holds
    /// and waits for the server's confirmation. Messages still buffered are
    /// lost with the subscription.
    pub async fn unsubscribe(mut self) -> Result<()> {
        match self.release()? {
            Some(rx) => confirmed(rx.await),
            None => Ok(()),
        }
    }

    /// Stops routing messages here; queues `(P|S)UNSUBSCRIBE` for the
    /// channels nobody else holds (nothing while there is no connection: a
    /// new one subscribes only what is still held).
    fn release(&mut self) -> Result<Option<ReplyReceiver>> {
        if !std::mem::take(&mut self.held) {
            return Ok(None);
        }
        let mut routes = self.shared.router.lock();
        let orphans = routes.remove(self.kind, &self.channels, &self.inbox);
        if orphans.is_empty() {
            return Ok(None);
        }
        let confirm = Confirm {
            kind: self.kind,
            subscribe: false,
        };
        let rx = self.shared.enqueue_sub(confirm, &orphans, false);
        drop(routes);
        rx
    }
}

impl<T> Drop for Subscription<T> {
    fn drop(&mut self) {
        if let Err(e) = self.release() {
            tracing::debug!(error = %e, "unsubscribe on drop not sent");
        }
    }
}

impl<T: FromRedisValue> Stream for Subscription<T> {
    type Item = Result<Message<T>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.poll_message(cx)
    }
}

/// The outcome of a subscription request: the confirmations, or the
/// server's refusal.
fn confirmed(reply: Result<Reply>) -> Result<()> {
    match reply? {
        Reply::Many(_) => Ok(()),
        Reply::One(Value::Error(message)) => Err(ServerError::new(message).into()),
        Reply::One(other) => Err(Error::Conversion {
            expected: "subscription confirmations",
            received: other.kind_name().into(),
        }),
    }
}
