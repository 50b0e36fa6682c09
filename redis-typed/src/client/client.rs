//! [`Client`]: one multiplexed connection shared by any number of tasks.

use std::fmt;
use std::sync::Arc;

use bytes::BytesMut;

use super::supervisor::Supervisor;
use super::{decode_reply, Executor, Pipeline, Transaction};
use crate::auth::{CredentialProvider, StaticCredentials};
use crate::commands::{encode, Command};
use crate::connection::{
    Connection, ConnectionConfig, Protocol, Reply, ReplyReceiver, Shared, Status,
};
use crate::error::Result;
use crate::resp::Value;
use crate::transport::{DefaultTransport, Transport};

/// A multiplexed client: cheap to clone, safe to share between tasks.
///
/// Every clone sends through the same connection. Commands issued while a
/// write is in flight are batched into the next write (automatic
/// pipelining) and replies are matched to callers in order. A caller that
/// drops its future loses only its own reply.
///
/// When the connection fails, callers with commands in flight get
/// [`Error::ConnectionClosed`](crate::Error::ConnectionClosed); the next
/// command reconnects (with a short backoff between failed attempts).
/// Blocking commands (`BLPOP`, ...) and `WATCH` belong on a dedicated
/// connection: see [`Client::dedicated`].
///
/// Commands that would make replies stop matching requests for every
/// caller are refused before anything is sent, with
/// [`Error::NotMultiplexable`](crate::Error::NotMultiplexable) naming the
/// way to do it instead: `(P|S)SUBSCRIBE` and `(P|S)UNSUBSCRIBE` as
/// plain commands (use [`Client::subscribe`] or [`Client::subscriber`]),
/// `MONITOR`, `CLIENT REPLY OFF|SKIP` and `RESET` (use
/// [`Client::dedicated`]), and `HELLO` (choose the protocol in the
/// [`ConnectionConfig`]). A pipeline or transaction holding one of them is
/// refused whole.
///
/// ```no_run
/// use redis_typed::{Client, commands::{Get, Set}};
/// # async fn demo() -> redis_typed::Result<()> {
/// let client = Client::open("redis://127.0.0.1:6379").await?;
/// client.send(Set::new("k", 42)).await?;
/// let v: Option<i64> = client.send(Get::new("k")).await?;
/// assert_eq!(v, Some(42));
/// # Ok(()) }
/// ```
pub struct Client<T: Transport = DefaultTransport, C: CredentialProvider = StaticCredentials> {
    inner: Arc<Inner<T, C>>,
}

struct Inner<T, C> {
    shared: Arc<Shared>,
    config: ConnectionConfig,
    transport: T,
    credentials: C,
    protocol: Protocol,
}

impl<T, C> Drop for Inner<T, C> {
    fn drop(&mut self) {
        self.shared.close();
    }
}

impl<T: Transport, C: CredentialProvider> Clone for Client<T, C> {
    fn clone(&self) -> Self {
        Client {
            inner: self.inner.clone(),
        }
    }
}

impl<T: Transport, C: CredentialProvider> fmt::Debug for Client<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("addr", &self.inner.config.addr)
            .field("protocol", &self.inner.protocol)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Connects from a URL: `redis://[user[:pass]@]host[:port][/db]` or
    /// `unix:///path?db=N`.
    pub async fn open(url: &str) -> Result<Self> {
        Self::connect(ConnectionConfig::from_url(url)?).await
    }

    /// Connects with the default transport and the configuration's
    /// credentials.
    pub async fn connect(config: ConnectionConfig) -> Result<Self> {
        crate::connection::require_plain(&config)?;
        let credentials = StaticCredentials::from(config.credentials.clone());
        Client::connect_with(config, DefaultTransport, credentials).await
    }
}

#[cfg(feature = "tls")]
impl Client<crate::transport::TlsTransport> {
    /// Connects to a `rediss://` URL over TLS with the given settings
    /// (`TlsConfig::new()` verifies the server against the system roots).
    ///
    /// ```no_run
    /// use redis_typed::Client;
    /// use redis_typed::transport::TlsConfig;
    /// # async fn demo(ca_pem: &str) -> redis_typed::Result<()> {
    /// let tls = TlsConfig::new().ca_pem(ca_pem);
    /// let client = Client::open_tls("rediss://cache.example.com:6380", tls).await?;
    /// # Ok(()) }
    /// ```
    pub async fn open_tls(url: &str, tls: crate::transport::TlsConfig) -> Result<Self> {
        let (config, transport) = crate::transport::TlsTransport::from_url_with(url, tls)?;
        let credentials = StaticCredentials::from(config.credentials.clone());
        Client::connect_with(config, transport, credentials).await
    }
}

impl<T: Transport, C: CredentialProvider> Client<T, C> {
    /// Connects through `transport`, authenticating with what `credentials`
    /// supplies (asked again at every reconnect). Fails if the first
    /// connection cannot be made.
    pub async fn connect_with(
        config: ConnectionConfig,
        transport: T,
        credentials: C,
    ) -> Result<Self> {
        let established = Supervisor::connect(&config, &transport, &credentials).await?;
        let protocol = established.conn.protocol();
        let shared = Shared::new(Status::Connected, config.response_timeout);
        Supervisor::new(
            shared.clone(),
            config.clone(),
            transport.clone(),
            credentials.clone(),
        )
        .spawn(established);
        Ok(Client {
            inner: Arc::new(Inner {
                shared,
                config,
                transport,
                credentials,
                protocol,
            }),
        })
    }

    /// Sends one command and decodes its reply into the command's
    /// response type. A command the multiplexed connection cannot carry
    /// fails at once with
    /// [`Error::NotMultiplexable`](crate::Error::NotMultiplexable) (see
    /// [`Client`]).
    pub async fn send<Cmd: Command>(&self, cmd: Cmd) -> Result<Cmd::Response> {
        let rx = self.inner.shared.enqueue(|out| {
            encode(&cmd, out);
            1
        })?;
        drop(cmd);
        match self.wait(rx).await? {
            Reply::One(value) => decode_reply(value),
            Reply::Many(mut values) => decode_reply(values.pop().unwrap_or(Value::Nil)),
        }
    }

    /// Sends many commands of one type in one write and returns their
    /// replies in order.
    pub async fn send_all<Cmd: Command>(
        &self,
        cmds: impl IntoIterator<Item = Cmd>,
    ) -> Result<Vec<Cmd::Response>> {
        let rx = self.inner.shared.enqueue(|out| {
            let mut count = 0;
            for cmd in cmds {
                encode(&cmd, out);
                count += 1;
            }
            count
        })?;
        self.wait(rx)
            .await?
            .into_vec()
            .into_iter()
            .map(decode_reply)
            .collect()
    }

    /// A pipeline: commands sent in one write, replies in a typed tuple.
    pub fn pipeline(&self) -> Pipeline<&Self> {
        Pipeline::new(self)
    }

    /// A `MULTI`/`EXEC` transaction sent in one write. (`WATCH` needs a
    /// dedicated connection: [`Client::dedicated`].)
    pub fn transaction(&self) -> Transaction<&Self> {
        Transaction::new(self)
    }

    /// Opens a new dedicated connection with the same settings, transport
    /// and credentials: for blocking commands and `WATCH`.
    pub async fn dedicated(&self) -> Result<Connection<T::Stream>> {
        Connection::connect_with(
            &self.inner.config,
            &self.inner.transport,
            &self.inner.credentials,
        )
        .await
    }

    /// A pub/sub [`Subscriber`](crate::pubsub::Subscriber) with the same
    /// settings, transport and credentials (it opens a connection of its
    /// own: a subscribed connection cannot serve other commands).
    pub async fn subscriber<M: crate::FromRedisValue>(
        &self,
        options: crate::pubsub::SubscriberConfig,
    ) -> Result<crate::pubsub::Subscriber<M>> {
        crate::pubsub::Subscriber::connect_with(
            self.inner.config.clone(),
            self.inner.transport.clone(),
            self.inner.credentials.clone(),
            options,
        )
        .await
    }

    /// `SUBSCRIBE channel [channel ...]` on this client's own connection
    /// (RESP3 only), returning once the server confirmed every channel; the
    /// connection keeps serving every other command meanwhile. See
    /// [`Subscription`](crate::pubsub::Subscription) for delivery, lag and
    /// reconnects; on RESP2 this is an [`Error::Config`](crate::Error::Config):
    /// use [`subscriber`](Client::subscriber) there.
    ///
    /// ```no_run
    /// # async fn demo(client: redis_typed::Client) -> redis_typed::Result<()> {
    /// let mut orders = client.subscribe::<String>(["orders", "refunds"]).await?;
    /// while let Some(message) = orders.next_message().await {
    ///     let message = message?;
    ///     println!("{:?}: {}", message.channel, message.payload);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn subscribe<M>(
        &self,
        channels: impl IntoIterator<Item = impl crate::types::SingleArg>,
    ) -> Result<crate::pubsub::Subscription<M>> {
        self.subscription().subscribe(channels).await
    }

    /// `PSUBSCRIBE pattern [pattern ...]` on this client's own connection
    /// (RESP3 only); see [`subscribe`](Client::subscribe).
    pub async fn psubscribe<M>(
        &self,
        patterns: impl IntoIterator<Item = impl crate::types::SingleArg>,
    ) -> Result<crate::pubsub::Subscription<M>> {
        self.subscription().psubscribe(patterns).await
    }

    /// `SSUBSCRIBE shardchannel [shardchannel ...]` on this client's own
    /// connection (RESP3 only; Redis 7.0+); see [`subscribe`](Client::subscribe).
    pub async fn ssubscribe<M>(
        &self,
        channels: impl IntoIterator<Item = impl crate::types::SingleArg>,
    ) -> Result<crate::pubsub::Subscription<M>> {
        self.subscription().ssubscribe(channels).await
    }

    /// A shared subscription with options (the buffer's capacity).
    pub fn subscription(&self) -> crate::pubsub::SubscriptionBuilder {
        crate::pubsub::SubscriptionBuilder::new(self.inner.shared.clone(), self.inner.protocol)
    }

    /// The protocol negotiated by the first connection.
    pub fn protocol(&self) -> Protocol {
        self.inner.protocol
    }

    /// The configuration this client connects with.
    pub fn config(&self) -> &ConnectionConfig {
        &self.inner.config
    }

    /// Waits for the replies. The response timeout is enforced by the
    /// connection's driver (one timer per connection, not one per request),
    /// which answers a late request with `Error::Timeout`.
    async fn wait(&self, rx: ReplyReceiver) -> Result<Reply> {
        rx.await
    }

    pub(crate) async fn request(
        &self,
        encode: impl FnOnce(&mut BytesMut),
        replies: usize,
    ) -> Result<Vec<Value>> {
        let rx = self.inner.shared.enqueue(|out| {
            encode(out);
            replies
        })?;
        Ok(self.wait(rx).await?.into_vec())
    }
}

impl<T: Transport, C: CredentialProvider> Executor for &Client<T, C> {
    async fn execute(
        &mut self,
        encode: impl FnOnce(&mut BytesMut) + Send,
        replies: usize,
    ) -> Result<Vec<Value>> {
        self.request(encode, replies).await
    }
}
