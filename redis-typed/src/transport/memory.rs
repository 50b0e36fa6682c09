//! An in-memory transport for fault-injection tests.
//!
//! Each `connect` creates an in-memory pipe and hands its far end to the
//! test, which plays the server: it can answer correctly, tear replies at
//! any byte, send garbage, stall, or hang up.
//!
//! ```
//! use redis_typed::transport::{MemoryTransport, Transport};
//! use redis_typed::ServerAddr;
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let (transport, mut server) = MemoryTransport::new();
//! let mut client = transport.connect(&ServerAddr::tcp("memory", 0)).await.unwrap();
//! let mut end = server.accept().await.unwrap();
//! client.write_all(b"PING\r\n").await.unwrap();
//! let mut buf = [0u8; 6];
//! end.read_exact(&mut buf).await.unwrap();
//! assert_eq!(&buf, b"PING\r\n");
//! # });
//! ```

use std::io;
use std::sync::Arc;

use tokio::io::DuplexStream;
use tokio::sync::mpsc;

use super::Transport;
use crate::connection::ServerAddr;

/// Connects to an in-memory peer. Clones share the same peer.
#[derive(Debug, Clone)]
pub struct MemoryTransport {
    accept: Arc<mpsc::UnboundedSender<DuplexStream>>,
    buffer: usize,
}

/// The test's side: yields the far end of every connection made.
#[derive(Debug)]
pub struct MemoryServerEnd {
    incoming: mpsc::UnboundedReceiver<DuplexStream>,
}

impl MemoryTransport {
    /// A transport and the server end that receives its connections.
    pub fn new() -> (MemoryTransport, MemoryServerEnd) {
        Self::with_buffer(64 * 1024)
    }

    /// Like [`MemoryTransport::new`], with the pipe's buffer size in bytes
    /// (a small buffer makes writes block, to test back-pressure).
    pub fn with_buffer(buffer: usize) -> (MemoryTransport, MemoryServerEnd) {
        let (tx, rx) = mpsc::unbounded_channel();
        (
            MemoryTransport {
                accept: Arc::new(tx),
                buffer,
            },
            MemoryServerEnd { incoming: rx },
        )
    }
}

impl MemoryServerEnd {
    /// Waits for the next connection; `None` once every transport is gone.
    pub async fn accept(&mut self) -> Option<DuplexStream> {
        self.incoming.recv().await
    }
}

impl Transport for MemoryTransport {
    type Stream = DuplexStream;

    async fn connect(&self, _addr: &ServerAddr) -> io::Result<DuplexStream> {
        let (client, server) = tokio::io::duplex(self.buffer);
        self.accept
            .send(server)
            .map_err(|_| io::Error::new(io::ErrorKind::ConnectionRefused, "memory server gone"))?;
        Ok(client)
    }
}
