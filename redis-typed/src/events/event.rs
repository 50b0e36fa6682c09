//! [`Event`]: one thing that happened.

use std::fmt;
use std::time::Duration;

use crate::auth::{AuthError, Credentials, Token};
use crate::connection::ServerAddr;
use crate::error::Error;

/// What a connection is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectionKind {
    /// The multiplexed connection of a [`Client`](crate::Client).
    Multiplexed,
    /// A dedicated connection outside any pool.
    Dedicated,
    /// A connection of a [`Pool`](crate::pool::Pool).
    Pooled,
    /// A connection in subscriber (pub/sub) mode.
    PubSub,
}

impl fmt::Display for ConnectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectionKind::Multiplexed => "multiplexed",
            ConnectionKind::Dedicated => "dedicated",
            ConnectionKind::Pooled => "pooled",
            ConnectionKind::PubSub => "pubsub",
        })
    }
}

/// Which connection an event is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionInfo<'a> {
    /// The server it is connected to.
    pub addr: &'a ServerAddr,
    /// What it is used for.
    pub kind: ConnectionKind,
    /// Its number, unique among the connections of the component that
    /// reports it (a pool's [`ConnectionId`](crate::pool::ConnectionId),
    /// the count of a client's connections): `(kind, id)` tells
    /// connections of one client or pool apart.
    pub id: u64,
    /// The server's id for it (`CLIENT ID`), when the handshake learned it.
    pub server_id: Option<i64>,
}

impl<'a> ConnectionInfo<'a> {
    /// A connection to `addr`, of `kind`, numbered `id`.
    pub fn new(addr: &'a ServerAddr, kind: ConnectionKind, id: u64) -> Self {
        ConnectionInfo {
            addr,
            kind,
            id,
            server_id: None,
        }
    }

    /// Adds the server's id for the connection.
    pub fn with_server_id(mut self, server_id: Option<i64>) -> Self {
        self.server_id = server_id;
        self
    }
}

impl fmt::Display for ConnectionInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} connection #{} to {}", self.kind, self.id, self.addr)
    }
}

/// One thing that happened, as an [`EventDispatcher`](super::EventDispatcher)
/// tells its listeners.
///
/// Events borrow what they describe (no allocation to report one), so a
/// listener that keeps something copies it out. Secrets stay secret:
/// credentials and tokens print as `<redacted>`. New variants and new
/// fields may come (match with `..` and a `_` arm).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Event<'a> {
    /// A connection was opened and its handshake completed.
    #[non_exhaustive]
    ConnectionCreated {
        /// The connection.
        connection: ConnectionInfo<'a>,
    },
    /// A pooled connection was given back to its pool, usable.
    #[non_exhaustive]
    ConnectionReleased {
        /// The connection.
        connection: ConnectionInfo<'a>,
    },
    /// A connection for pub/sub was opened.
    #[non_exhaustive]
    PubSubConnectionCreated {
        /// The connection.
        connection: ConnectionInfo<'a>,
    },
    /// A connection pool was created.
    #[non_exhaustive]
    PoolCreated {
        /// The server its connections go to.
        addr: &'a ServerAddr,
        /// Its maximum number of connections.
        max_size: usize,
    },
    /// New credentials were published (by a token manager: a new token).
    #[non_exhaustive]
    CredentialsRefreshed {
        /// The new credentials.
        credentials: &'a Credentials,
        /// The token they come from, when a token manager published them.
        token: Option<&'a Token>,
        /// Their generation (see [`CredentialsUpdate`](crate::auth::CredentialsUpdate)).
        generation: u64,
    },
    /// Obtaining new credentials failed. Told for every failed attempt, and
    /// once more when a token expires without a replacement (`error` is
    /// then [`AuthError::Expired`]).
    #[non_exhaustive]
    CredentialsRefreshFailed {
        /// Why.
        error: &'a AuthError,
        /// Failed attempts in a row so far, this one included.
        attempt: u32,
        /// When the next attempt is due; `None` when none is scheduled.
        retry_in: Option<Duration>,
    },
    /// A live connection authenticated again (`AUTH user token`) with new
    /// credentials.
    #[non_exhaustive]
    ReauthSucceeded {
        /// The connection.
        connection: ConnectionInfo<'a>,
        /// The generation of the credentials it now uses.
        generation: u64,
    },
    /// Re-authenticating a live connection failed; the connection is not
    /// used with its old credentials.
    #[non_exhaustive]
    ReauthFailed {
        /// The connection.
        connection: ConnectionInfo<'a>,
        /// The generation of the credentials it tried.
        generation: u64,
        /// Why.
        error: &'a Error,
    },
    /// An operation is about to be tried again.
    #[non_exhaustive]
    RetryAttempted {
        /// The retry number, from 1 (the second attempt).
        attempt: u32,
        /// The wait before it.
        delay: Duration,
        /// The failure that caused it.
        error: &'a Error,
    },
    /// The cluster's topology (slot map, nodes) changed.
    #[non_exhaustive]
    TopologyChanged {},
    /// A sharded pub/sub channel of a
    /// [`ClusterSubscriber`](crate::cluster::ClusterSubscriber) was
    /// subscribed again on another node: its slot moved (resharding,
    /// failover). Messages published between the move and the new
    /// subscription are lost.
    #[non_exhaustive]
    ShardChannelMoved {
        /// The shard channel.
        channel: &'a [u8],
        /// The node it was subscribed on.
        from: &'a ServerAddr,
        /// The node it is subscribed on now (the slot's primary).
        to: &'a ServerAddr,
    },
}

impl Event<'_> {
    /// A short, stable name for the event (`"reauth_succeeded"`...), for
    /// metric labels and log fields.
    pub fn name(&self) -> &'static str {
        match self {
            Event::ConnectionCreated { .. } => "connection_created",
            Event::ConnectionReleased { .. } => "connection_released",
            Event::PubSubConnectionCreated { .. } => "pubsub_connection_created",
            Event::PoolCreated { .. } => "pool_created",
            Event::CredentialsRefreshed { .. } => "credentials_refreshed",
            Event::CredentialsRefreshFailed { .. } => "credentials_refresh_failed",
            Event::ReauthSucceeded { .. } => "reauth_succeeded",
            Event::ReauthFailed { .. } => "reauth_failed",
            Event::RetryAttempted { .. } => "retry_attempted",
            Event::TopologyChanged { .. } => "topology_changed",
            Event::ShardChannelMoved { .. } => "shard_channel_moved",
        }
    }
}
