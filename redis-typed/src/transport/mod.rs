//! Transports: how a byte stream to a server is opened.
//!
//! The connection, pool and cluster layers are generic over [`Transport`],
//! so tests and users can plug in their own (TLS, an in-memory pipe for
//! fault injection, a SOCKS proxy...) without a feature flag.

mod memory;
mod tcp;
mod unix;

use std::future::Future;
use std::io;

use tokio::io::{AsyncRead, AsyncWrite};

pub use memory::{MemoryServerEnd, MemoryTransport};
pub use tcp::TcpTransport;
pub use unix::UnixTransport;

use crate::connection::ServerAddr;

mod default;
pub use default::{DefaultStream, DefaultTransport};

#[cfg(feature = "tls")]
mod tls;
#[cfg(feature = "tls")]
pub use tls::{TlsConfig, TlsHandshakeError, TlsStream, TlsTransport};

/// Opens byte streams to servers.
pub trait Transport: Clone + Send + Sync + 'static {
    /// The stream type this transport produces.
    type Stream: AsyncRead + AsyncWrite + Unpin + Send + 'static;

    /// Opens a stream to `addr`.
    fn connect(&self, addr: &ServerAddr) -> impl Future<Output = io::Result<Self::Stream>> + Send;

    /// True when the streams speak TLS. A hint for layers that choose
    /// between a server's plain and TLS ports: the cluster client connects
    /// to each node's TLS port (`tls-port` in `CLUSTER SHARDS`) when it is
    /// true. Default `false`.
    fn is_tls(&self) -> bool {
        false
    }
}

pub(crate) fn unsupported(addr: &ServerAddr, transport: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::Unsupported,
        format!("{transport} cannot connect to {addr}"),
    )
}
