//! Unix domain sockets.

use std::io;

use tokio::net::UnixStream;

use super::{unsupported, Transport};
use crate::connection::ServerAddr;

/// Unix socket transport.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnixTransport;

impl Transport for UnixTransport {
    type Stream = UnixStream;

    async fn connect(&self, addr: &ServerAddr) -> io::Result<UnixStream> {
        match addr {
            ServerAddr::Unix(path) => UnixStream::connect(path).await,
            other => Err(unsupported(other, "UnixTransport")),
        }
    }
}
