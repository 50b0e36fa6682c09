//! Connections: configuration, handshake, the dedicated [`Connection`] and
//! the multiplexed driver behind [`crate::Client`].

mod config;
mod dedicated;
mod driver;
mod handshake;
pub(crate) mod hazard;
mod reply;
mod shared;

pub use config::{ConnectionConfig, Protocol, ServerAddr};
pub use dedicated::Connection;
pub(crate) use driver::Driver;
pub(crate) use shared::{Confirm, Reply, ReplyReceiver, Shared, State, Status};

use crate::error::{Error, Result};

/// The default transport speaks plain TCP or Unix sockets: a `rediss://`
/// configuration needs a TLS transport passed explicitly.
pub(crate) fn require_plain(config: &ConnectionConfig) -> Result<()> {
    if config.tls {
        return Err(Error::Config(
            "rediss:// needs a TLS transport: use Client::open_tls / Connection::open_tls, \
             or connect_with(config, TlsTransport::new(tls)?, credentials)"
                .into(),
        ));
    }
    Ok(())
}
