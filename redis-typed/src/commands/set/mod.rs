//! Set commands: unordered collections of unique members.
//!
//! The first set (`SADD`, `SMEMBERS`) is in `basic.rs`.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use std::collections::BTreeSet;
//! use redis_typed::commands::{Command, SInter, SMIsMember};
//!
//! // SINTER decodes like SMEMBERS: into the collection you name.
//! fn sorted<C: Command<Response = BTreeSet<String>>>(_: &C) {}
//! sorted(&SInter::<_, BTreeSet<String>>::new(["a", "b"]));
//!
//! // SMISMEMBER: one bool per member, in order.
//! fn flags<C: Command<Response = Vec<bool>>>(_: &C) {}
//! flags(&SMIsMember::new("s", ["x", "y"]));
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod scard;
pub use scard::*;
mod sdiff;
pub use sdiff::*;
mod sdiffstore;
pub use sdiffstore::*;
mod sinter;
pub use sinter::*;
mod sintercard;
pub use sintercard::*;
mod sinterstore;
pub use sinterstore::*;
mod sismember;
pub use sismember::*;
mod smismember;
pub use smismember::*;
mod smove;
pub use smove::*;
mod srem;
pub use srem::*;
mod sunion;
pub use sunion::*;
mod sunionstore;
pub use sunionstore::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
mod spop;
pub use spop::*;
mod srandmember;
pub use srandmember::*;
mod sscan;
pub use sscan::*;
