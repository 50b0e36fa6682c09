//! The default transport: TCP or Unix socket, chosen by the address.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};

use super::{TcpTransport, Transport, UnixTransport};
use crate::connection::ServerAddr;

/// TCP for `host:port` addresses, Unix sockets for paths.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultTransport;

/// The stream of [`DefaultTransport`].
#[derive(Debug)]
pub enum DefaultStream {
    /// A TCP connection.
    Tcp(TcpStream),
    /// A Unix socket connection.
    Unix(UnixStream),
}

impl Transport for DefaultTransport {
    type Stream = DefaultStream;

    async fn connect(&self, addr: &ServerAddr) -> io::Result<DefaultStream> {
        match addr {
            ServerAddr::Tcp { .. } => TcpTransport.connect(addr).await.map(DefaultStream::Tcp),
            ServerAddr::Unix(_) => UnixTransport.connect(addr).await.map(DefaultStream::Unix),
        }
    }
}

impl AsyncRead for DefaultStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DefaultStream::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            DefaultStream::Unix(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for DefaultStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            DefaultStream::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            DefaultStream::Unix(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            DefaultStream::Tcp(s) => Pin::new(s).poll_write_vectored(cx, bufs),
            DefaultStream::Unix(s) => Pin::new(s).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DefaultStream::Tcp(s) => Pin::new(s).poll_flush(cx),
            DefaultStream::Unix(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            DefaultStream::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            DefaultStream::Unix(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}
