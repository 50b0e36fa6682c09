//! Connection commands: they act on the connection they are sent on.
//!
//! The first set (`PING`, `ECHO`, `HELLO`, `AUTH`, `SELECT`, `CLIENT SETNAME`) is in `basic.rs`. On
//! a shared (multiplexed) client, commands that change the connection's state (`CLIENT REPLY`,
//! `CLIENT TRACKING`, `RESET`, ...) affect every user of it: send them on a dedicated connection.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, ClientKill, ClientKillFilter, ClientTracking};
//!
//! // CLIENT KILL ID 42 SKIPME yes -> i64, the number of clients killed.
//! let mut out = BytesMut::new();
//! encode(&ClientKill::new([ClientKillFilter::Id(42), ClientKillFilter::SkipMe(true)]), &mut out);
//! assert!(out.ends_with(b"$2\r\nID\r\n$2\r\n42\r\n$6\r\nSKIPME\r\n$3\r\nYES\r\n"));
//!
//! // One constructor per alternative of `<ON | OFF>`.
//! let tracking = ClientTracking::on().bcast().prefixes(["user:"]);
//! # let _ = tracking;
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod client_caching;
pub use client_caching::*;
mod client_getname;
pub use client_getname::*;
mod client_getredir;
pub use client_getredir::*;
mod client_help;
pub use client_help::*;
mod client_id;
pub use client_id::*;
mod client_kill;
pub use client_kill::*;
mod client_no_evict;
pub use client_no_evict::*;
mod client_no_touch;
pub use client_no_touch::*;
mod client_pause;
pub use client_pause::*;
mod client_reply;
pub use client_reply::*;
mod client_setinfo;
pub use client_setinfo::*;
mod client_tracking;
pub use client_tracking::*;
mod client_unblock;
pub use client_unblock::*;
mod client_unpause;
pub use client_unpause::*;
mod quit;
pub use quit::*;
mod reset;
pub use reset::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
mod client_info;
pub use client_info::*;
mod client_tracking_info;
pub use client_tracking_info::*;
