//! The crate's error type.
//!
//! Every failure is one variant of [`Error`]. Server error replies keep their
//! message and carry a parsed [`ErrorKind`] so callers (and the retry and
//! cluster layers) can match on `MOVED`, `TRYAGAIN`, `NOAUTH`, ... without
//! string comparisons.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

use crate::resp::ProtocolError;

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong talking to Redis.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The socket failed (connect refused, reset, broken pipe...).
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The server sent bytes that are not valid RESP, or exceeded a limit.
    #[error("protocol error: {0}")]
    Protocol(#[from] ProtocolError),
    /// The server answered with an error reply.
    #[error("{0}")]
    Server(#[from] ServerError),
    /// A reply could not be converted into the requested Rust type.
    #[error("cannot decode {received} as {expected}")]
    Conversion {
        /// The Rust type that was asked for.
        expected: &'static str,
        /// A short description of the reply that was received.
        received: String,
    },
    /// No reply (or no connection) within the configured time.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The connection was closed, by the server or after an earlier failure.
    #[error("connection closed: {0}")]
    ConnectionClosed(String),
    /// A dedicated connection was left mid-request (a dropped future, a
    /// timeout) and can no longer be used: its next reply would belong to the
    /// abandoned request.
    #[error("connection is in an unknown state after an interrupted request")]
    ConnectionBroken,
    /// An `EXEC` returned nil because a `WATCH`ed key changed.
    #[error("transaction aborted: a watched key was modified")]
    WatchConflict,
    /// A URL or option was invalid.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The credential provider could not supply usable credentials (the
    /// identity provider failed, or its token expired). Never holds a secret.
    #[error("authentication failed: {0}")]
    Auth(#[from] crate::auth::AuthError),
    /// A shared [`Subscription`](crate::pubsub::Subscription) fell behind:
    /// its buffer was full and `missed` messages were dropped (never the
    /// payloads: only the count is kept). The stream goes on after it.
    #[error("subscription lagged behind: {missed} messages dropped")]
    Lagged {
        /// Messages dropped since the stream last yielded.
        missed: u64,
    },
    /// A command that would desynchronise the multiplexed connection of a
    /// [`Client`](crate::Client) (its replies would go to other callers, or
    /// it changes the protocol or the user under the connection's driver):
    /// `(P|S)SUBSCRIBE`, `(P|S)UNSUBSCRIBE`, `MONITOR`,
    /// `CLIENT REPLY OFF|SKIP`, `RESET`, `HELLO`. Nothing of the request
    /// was sent (for a pipeline or a transaction: none of its commands).
    /// Holds static text only, never an argument.
    #[error(
        "{command} cannot be sent on the multiplexed client (replies would no longer match \
         requests); nothing was sent: {instead}"
    )]
    NotMultiplexable {
        /// The refused command (`"SUBSCRIBE"`, `"CLIENT REPLY OFF"`, ...).
        command: &'static str,
        /// What to do instead.
        instead: &'static str,
    },
}

impl Error {
    /// The server error kind, when this is a server error reply.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Server(e) => Some(e.kind),
            _ => None,
        }
    }

    /// True for failures of the connection itself (I/O, closed, broken,
    /// protocol) as opposed to replies from a healthy server.
    pub fn is_connection_error(&self) -> bool {
        matches!(
            self,
            Error::Io(_)
                | Error::Protocol(_)
                | Error::ConnectionClosed(_)
                | Error::ConnectionBroken
        )
    }

    /// True when the error is a timeout.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }
}

/// The first word of a server error reply, parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// `ERR`: generic error.
    Err,
    /// `WRONGTYPE`: operation against a key holding the wrong kind of value.
    WrongType,
    /// `MOVED slot host:port`: cluster redirection.
    Moved,
    /// `ASK slot host:port`: one-shot cluster redirection during migration.
    Ask,
    /// `TRYAGAIN`: multi-key command during resharding.
    TryAgain,
    /// `CLUSTERDOWN`: the cluster cannot serve the request.
    ClusterDown,
    /// `CROSSSLOT`: keys in different hash slots.
    CrossSlot,
    /// `NOSCRIPT`: no script with that SHA1.
    NoScript,
    /// `LOADING`: the server is loading its dataset.
    Loading,
    /// `BUSY`: a script or function is running.
    Busy,
    /// `MASTERDOWN`: the replica lost its primary.
    MasterDown,
    /// `READONLY`: a write sent to a replica.
    ReadOnly,
    /// `NOAUTH`: authentication required.
    NoAuth,
    /// `WRONGPASS`: invalid username/password pair.
    WrongPass,
    /// `NOPERM`: the ACL user lacks permission.
    NoPerm,
    /// `EXECABORT`: a transaction was discarded because of earlier errors.
    ExecAbort,
    /// `OOM`: the server is out of memory.
    Oom,
    /// `NOPROTO`: the requested protocol version is not supported.
    NoProto,
    /// Any other error code.
    Other,
}

impl ErrorKind {
    /// Parses the error code (the first word of the message).
    pub fn from_code(code: &[u8]) -> ErrorKind {
        match code {
            b"ERR" => ErrorKind::Err,
            b"WRONGTYPE" => ErrorKind::WrongType,
            b"MOVED" => ErrorKind::Moved,
            b"ASK" => ErrorKind::Ask,
            b"TRYAGAIN" => ErrorKind::TryAgain,
            b"CLUSTERDOWN" => ErrorKind::ClusterDown,
            b"CROSSSLOT" => ErrorKind::CrossSlot,
            b"NOSCRIPT" => ErrorKind::NoScript,
            b"LOADING" => ErrorKind::Loading,
            b"BUSY" => ErrorKind::Busy,
            b"MASTERDOWN" => ErrorKind::MasterDown,
            b"READONLY" => ErrorKind::ReadOnly,
            b"NOAUTH" => ErrorKind::NoAuth,
            b"WRONGPASS" => ErrorKind::WrongPass,
            b"NOPERM" => ErrorKind::NoPerm,
            b"EXECABORT" => ErrorKind::ExecAbort,
            b"OOM" => ErrorKind::Oom,
            b"NOPROTO" => ErrorKind::NoProto,
            _ => ErrorKind::Other,
        }
    }
}

/// An error reply from the server (`-ERR unknown command ...`).
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
pub struct ServerError {
    /// The parsed error code.
    pub kind: ErrorKind,
    message: Bytes,
}

impl ServerError {
    /// Builds a server error from the raw reply text (`"ERR something"`).
    pub fn new(message: Bytes) -> ServerError {
        let code_end = message
            .iter()
            .position(|b| *b == b' ')
            .unwrap_or(message.len());
        ServerError {
            kind: ErrorKind::from_code(&message[..code_end]),
            message,
        }
    }

    /// The whole error text, code included (`"WRONGTYPE Operation against..."`).
    pub fn message(&self) -> &str {
        std::str::from_utf8(&self.message).unwrap_or("<non-UTF-8 error message>")
    }

    /// The error code as sent (`"ERR"`, `"MOVED"`, ...).
    pub fn code(&self) -> &str {
        self.message().split(' ').next().unwrap_or("")
    }

    /// The text after the code.
    pub fn detail(&self) -> &str {
        let m = self.message();
        m.split_once(' ').map(|(_, d)| d).unwrap_or("")
    }

    /// For `MOVED`/`ASK`: the slot and the `host:port` of the target node.
    pub fn redirect(&self) -> Option<(u16, &str)> {
        if !matches!(self.kind, ErrorKind::Moved | ErrorKind::Ask) {
            return None;
        }
        let mut parts = self.detail().split(' ');
        let slot = parts.next()?.parse().ok()?;
        let addr = parts.next()?;
        Some((slot, addr))
    }
}

impl fmt::Display for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "server error: {}", self.message())
    }
}

impl fmt::Debug for ServerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerError")
            .field("kind", &self.kind)
            .field("message", &self.message())
            .finish()
    }
}
