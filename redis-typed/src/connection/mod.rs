//! Connections: configuration, handshake, the dedicated [`Connection`] and
//! the multiplexed driver behind [`crate::Client`].

mod config;
mod dedicated;

pub use config::{ConnectionConfig, Protocol, ServerAddr};
pub use dedicated::Connection;
