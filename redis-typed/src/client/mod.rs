//! The user-facing API: the multiplexed [`Client`], typed [`Pipeline`]s and
//! [`Transaction`]s.

#[allow(clippy::module_inception)]
mod client;
mod command_list;
mod executor;
mod pipeline;
mod supervisor;
mod transaction;

pub use crate::types::decode_reply;
pub use client::Client;
pub use command_list::{Append, CommandList};
pub use executor::Executor;
pub use pipeline::Pipeline;
pub use transaction::Transaction;
