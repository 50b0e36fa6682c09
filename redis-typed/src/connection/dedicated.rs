//! A dedicated connection: one caller at a time, request then reply.
//!
//! This is the connection for blocking commands (`BLPOP`, `XREAD BLOCK`),
//! `WATCH`-based transactions and anything else that must not share a
//! socket. It is also the first stage of every multiplexed connection: the
//! handshake runs here before the stream is handed to the driver.
//!
//! A request interrupted half-way (its future dropped, or timed out) leaves
//! the socket holding a reply nobody will read, so the connection marks
//! itself broken and refuses further use; pools discard broken connections.

use std::time::Duration;

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use super::handshake::{handshake, Negotiated};
use super::{ConnectionConfig, Protocol};
use crate::auth::{CredentialProvider, StaticCredentials};
use crate::client::{decode_reply, Executor, Pipeline, Transaction};
use crate::commands::{encode, Command};
use crate::error::{Error, Result};
use crate::resp::{Decoder, Value};
use crate::transport::{DefaultStream, DefaultTransport, Transport};
use crate::FromRedisValue;

/// An exclusive connection to one server.
///
/// ```no_run
/// use redis_typed::{Connection, commands::{Get, Set}};
/// # async fn demo() -> redis_typed::Result<()> {
/// let mut conn = Connection::open("redis://127.0.0.1:6379").await?;
/// conn.send(Set::new("k", "v")).await?;
/// let v: Option<String> = conn.send(Get::new("k")).await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct Connection<S = DefaultStream> {
    stream: S,
    read_buf: BytesMut,
    write_buf: BytesMut,
    decoder: Decoder,
    negotiated: Negotiated,
    response_timeout: Option<Duration>,
    /// Set while a request is in progress; still set afterwards means the
    /// request was interrupted and the stream is out of sync.
    busy: bool,
    /// Set once an I/O or protocol error happened.
    failed: bool,
}

impl Connection<DefaultStream> {
    /// Opens a connection from a URL (`redis://`, `unix://`).
    pub async fn open(url: &str) -> Result<Self> {
        Self::connect(ConnectionConfig::from_url(url)?).await
    }

    /// Opens a connection with the default transport and the credentials of
    /// the configuration.
    pub async fn connect(config: ConnectionConfig) -> Result<Self> {
        super::require_plain(&config)?;
        let credentials = StaticCredentials::from(config.credentials.clone());
        Self::connect_with(&config, &DefaultTransport, &credentials).await
    }
}

#[cfg(feature = "tls")]
impl Connection<crate::transport::TlsStream> {
    /// Opens a connection to a `rediss://` URL over TLS with the given
    /// settings.
    pub async fn open_tls(url: &str, tls: crate::transport::TlsConfig) -> Result<Self> {
        let (config, transport) = crate::transport::TlsTransport::from_url_with(url, tls)?;
        let credentials = StaticCredentials::from(config.credentials.clone());
        Self::connect_with(&config, &transport, &credentials).await
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> Connection<S> {
    /// Opens a stream with `transport` and performs the handshake
    /// (`HELLO`, `AUTH`, `CLIENT SETNAME`, `SELECT`) with the credentials
    /// `credentials` supplies, all within `config.connect_timeout`.
    pub async fn connect_with<T, C>(
        config: &ConnectionConfig,
        transport: &T,
        credentials: &C,
    ) -> Result<Self>
    where
        T: Transport<Stream = S>,
        C: CredentialProvider,
    {
        let setup = async {
            let stream = transport.connect(&config.addr).await?;
            let mut conn = Connection::from_stream(stream, config.response_timeout);
            let creds = credentials.credentials().await?;
            conn.negotiated = handshake(&mut conn, config, creds.as_ref()).await?;
            tracing::debug!(addr = %config.addr, protocol = ?conn.negotiated.protocol, "connection established");
            Ok(conn)
        };
        match tokio::time::timeout(config.connect_timeout, setup).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout(config.connect_timeout)),
        }
    }

    /// Wraps an already open stream, without any handshake (RESP2 until a
    /// `HELLO 3` is sent through it).
    pub fn from_stream(stream: S, response_timeout: Option<Duration>) -> Self {
        Connection {
            stream,
            read_buf: BytesMut::with_capacity(16 * 1024),
            write_buf: BytesMut::with_capacity(4 * 1024),
            decoder: Decoder::new(),
            negotiated: Negotiated::default(),
            response_timeout,
            busy: false,
            failed: false,
        }
    }

    /// Sends one command and decodes its reply, straight from the read
    /// buffer into the response type where the type allows (an array of
    /// scalars into a `Vec`: see [`decode_next`](crate::types::decode_next)).
    pub async fn send<C: Command>(&mut self, cmd: C) -> Result<C::Response> {
        self.begin(|out| encode(&cmd, out))?;
        let outcome = within(self.response_timeout, self.exchange_one::<C::Response>()).await;
        self.settle(&outcome);
        outcome?
    }

    /// A pipeline on this connection: commands sent in one write.
    pub fn pipeline(&mut self) -> Pipeline<&mut Self> {
        Pipeline::new(self)
    }

    /// A `MULTI`/`EXEC` transaction on this connection. Call
    /// [`Connection::watch`] first for optimistic locking.
    pub fn transaction(&mut self) -> Transaction<&mut Self> {
        Transaction::new(self)
    }

    /// `WATCH key [key ...]`: the next `EXEC` on this connection fails with
    /// [`Error::WatchConflict`] if any of these keys changes before it.
    pub async fn watch<K: crate::RedisKey>(
        &mut self,
        keys: impl IntoIterator<Item = K>,
    ) -> Result<()> {
        let mut cmd = crate::Cmd::<()>::new("WATCH");
        for key in keys {
            cmd = cmd.key(&key);
        }
        self.send(cmd).await
    }

    /// `UNWATCH`.
    pub async fn unwatch(&mut self) -> Result<()> {
        self.send(crate::Cmd::<()>::new("UNWATCH")).await
    }

    /// The protocol negotiated during the handshake.
    pub fn protocol(&self) -> Protocol {
        self.negotiated.protocol
    }

    /// The server's connection id, when the handshake learned it.
    pub fn server_id(&self) -> Option<i64> {
        self.negotiated.client_id
    }

    /// False once the connection failed or a request was interrupted: its
    /// state is unknown and it must be closed, never reused.
    pub fn is_usable(&self) -> bool {
        !self.busy && !self.failed
    }

    /// Changes the response timeout (`None`: wait as long as the
    /// connection lives, as blocking commands need).
    pub fn set_response_timeout(&mut self, timeout: Option<Duration>) {
        self.response_timeout = timeout;
    }

    /// Sends what `encode` writes and reads `replies` replies.
    pub(crate) async fn request(
        &mut self,
        encode: impl FnOnce(&mut BytesMut),
        replies: usize,
    ) -> Result<Vec<Value>> {
        self.begin(encode)?;
        let outcome = within(self.response_timeout, self.exchange(replies)).await;
        self.settle(&outcome);
        outcome
    }

    /// Starts a request: refuses a connection in an unknown state, marks it
    /// busy (a request dropped half-way leaves it so), encodes the request.
    fn begin(&mut self, encode: impl FnOnce(&mut BytesMut)) -> Result<()> {
        if !self.is_usable() {
            return Err(Error::ConnectionBroken);
        }
        self.busy = true;
        self.write_buf.clear();
        encode(&mut self.write_buf);
        Ok(())
    }

    /// Ends a request: usable again when its replies were read; broken when
    /// the stream failed; still busy (so unusable) after a timeout, with a
    /// reply unread.
    fn settle<T>(&mut self, outcome: &Result<T>) {
        match outcome {
            Ok(_) => self.busy = false,
            Err(e) if e.is_timeout() => {}
            Err(_) => self.failed = true,
        }
    }

    async fn exchange(&mut self, replies: usize) -> Result<Vec<Value>> {
        self.stream.write_all(&self.write_buf).await?;
        self.stream.flush().await?;
        let mut out = Vec::with_capacity(replies);
        while out.len() < replies {
            match self.read_frame().await? {
                // Out-of-band pushes (RESP3 invalidations) are not replies.
                value if value.is_push() => skipped_push(),
                value => out.push(value),
            }
        }
        Ok(out)
    }

    /// Writes the request and reads its one reply into `R`. The outer error
    /// is the stream's (the connection is then broken); the inner one the
    /// reply's own (a server error, a conversion), which leaves the
    /// connection in step.
    async fn exchange_one<R: FromRedisValue>(&mut self) -> Result<Result<R>> {
        self.stream.write_all(&self.write_buf).await?;
        self.stream.flush().await?;
        loop {
            if !self.read_buf.is_empty() {
                if let Some(reply) = R::from_frame(&mut self.decoder, &mut self.read_buf) {
                    return Ok(reply);
                }
                match self.decoder.decode(&mut self.read_buf)? {
                    Some(value) if value.is_push() => {
                        skipped_push();
                        continue;
                    }
                    Some(value) => return Ok(decode_reply(value)),
                    None => {}
                }
            }
            self.fill().await?;
        }
    }

    async fn read_frame(&mut self) -> Result<Value> {
        loop {
            if let Some(value) = self.decoder.decode(&mut self.read_buf)? {
                return Ok(value);
            }
            self.fill().await?;
        }
    }

    /// Reads more bytes from the stream into the read buffer.
    async fn fill(&mut self) -> Result<()> {
        self.read_buf.reserve(16 * 1024);
        if self.stream.read_buf(&mut self.read_buf).await? == 0 {
            return Err(Error::ConnectionClosed(
                "server closed the connection".into(),
            ));
        }
        Ok(())
    }

    /// Gives up the stream and its unread bytes (for the multiplexed driver).
    pub(crate) fn into_parts(self) -> (S, BytesMut, Decoder, Negotiated) {
        (self.stream, self.read_buf, self.decoder, self.negotiated)
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> Executor for &mut Connection<S> {
    async fn execute(
        &mut self,
        encode: impl FnOnce(&mut BytesMut) + Send,
        replies: usize,
    ) -> Result<Vec<Value>> {
        self.request(encode, replies).await
    }
}

/// Runs `request` within `limit`, when there is one.
async fn within<T>(
    limit: Option<Duration>,
    request: impl std::future::Future<Output = Result<T>>,
) -> Result<T> {
    match limit {
        Some(limit) => tokio::time::timeout(limit, request)
            .await
            .unwrap_or(Err(Error::Timeout(limit))),
        None => request.await,
    }
}

/// Out-of-band pushes (RESP3 invalidations) are not replies.
fn skipped_push() {
    tracing::trace!("push frame on dedicated connection ignored");
}
