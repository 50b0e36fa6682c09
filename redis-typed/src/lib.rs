//! # redis-typed
//!
//! A Redis client in which every command is a type. A command is a plain
//! struct implementing [`Command`]: it writes its own arguments, names the
//! keys it touches (for cluster routing), says whether it is read-only, and
//! names the Rust type its reply decodes into. A call that compiles sends a
//! well-formed command and decodes the reply into the type the command really
//! returns.
//!
//! ```no_run
//! use redis_typed::{Client, commands::{Get, Set}};
//!
//! # async fn demo() -> redis_typed::Result<()> {
//! let client = Client::open("redis://127.0.0.1:6379").await?;
//! client.send(Set::new("greeting", "hello")).await?;          // -> ()
//! let v: Option<String> = client.send(Get::new("greeting")).await?;
//! assert_eq!(v.as_deref(), Some("hello"));
//! # Ok(()) }
//! ```
//!
//! The crate is layered, each folder one concern:
//! `resp` (bytes <-> [`Value`]) -> `types` ([`Value`] <-> Rust types) ->
//! `commands` (one module per command group) -> `transport` / `connection`
//! (byte streams, handshake, multiplexing) -> `client` (the user-facing API).
#![warn(missing_docs)]
#![forbid(unsafe_code)]

#[doc(hidden)]
#[path = "derive_support.rs"]
pub mod __private;
pub mod auth;
pub mod client;
pub mod cluster;
pub mod commands;
pub mod connection;
mod error;
pub mod events;
pub mod pool;
pub mod pubsub;
pub mod resp;
pub mod retry;
pub mod scan;
pub mod transport;
pub mod types;

pub use client::{Client, Pipeline, Transaction};
pub use cluster::ClusterClient;
pub use commands::{Cmd, Command};
pub use connection::{Connection, ConnectionConfig, Protocol, ServerAddr};
pub use error::{Error, ErrorKind, Result, ServerError};
pub use resp::Value;
pub use types::{FromRedisValue, RedisKey, SingleArg, ToRedisArgs};

#[cfg(feature = "derive")]
pub use redis_typed_derive::*;
