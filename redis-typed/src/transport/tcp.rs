//! Plain TCP, with `TCP_NODELAY` on (commands are small and latency-bound).

use std::io;

use tokio::net::TcpStream;

use super::{unsupported, Transport};
use crate::connection::ServerAddr;

/// TCP transport.
#[derive(Debug, Clone, Copy, Default)]
pub struct TcpTransport;

impl Transport for TcpTransport {
    type Stream = TcpStream;

    async fn connect(&self, addr: &ServerAddr) -> io::Result<TcpStream> {
        match addr {
            ServerAddr::Tcp { host, port } => {
                let stream = TcpStream::connect((host.as_str(), *port)).await?;
                stream.set_nodelay(true)?;
                Ok(stream)
            }
            other => Err(unsupported(other, "TcpTransport")),
        }
    }
}
