//! Stream commands: append-only logs of entries, read directly or through consumer groups.
//!
//! Reads, claims and `XINFO` are hand-tuned (structured replies); the generated ones append, trim,
//! acknowledge and manage groups.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, StreamTrimOperator, StreamTrimStrategy, XAdd, XTrim};
//!
//! // XADD events MAXLEN ~ 1000 * kind click -> Option<String> (the new ID).
//! let add = XAdd::new("events", [("kind", "click")]).trim(
//!     StreamTrimStrategy::MaxLen,
//!     Some(StreamTrimOperator::Approximately),
//!     "1000",
//!     None,
//! );
//! let mut out = BytesMut::new();
//! encode(&add, &mut out);
//! assert!(out.ends_with(b"$6\r\nMAXLEN\r\n$1\r\n~\r\n$4\r\n1000\r\n$1\r\n*\r\n$4\r\nkind\r\n$5\r\nclick\r\n"));
//!
//! // The strategy is chosen by the constructor: XTRIM events MINID 1-0.
//! let trim = XTrim::min_id("events", "1-0");
//! # let _ = trim;
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod stream_trim_operator;
pub use stream_trim_operator::*;
mod stream_trim_strategy;
pub use stream_trim_strategy::*;
mod xack;
pub use xack::*;
mod xadd;
pub use xadd::*;
mod xdel;
pub use xdel::*;
mod xgroup_create;
pub use xgroup_create::*;
mod xgroup_createconsumer;
pub use xgroup_createconsumer::*;
mod xgroup_delconsumer;
pub use xgroup_delconsumer::*;
mod xgroup_destroy;
pub use xgroup_destroy::*;
mod xgroup_help;
pub use xgroup_help::*;
mod xgroup_setid;
pub use xgroup_setid::*;
mod xinfo_help;
pub use xinfo_help::*;
mod xlen;
pub use xlen::*;
mod xsetid;
pub use xsetid::*;
mod xtrim;
pub use xtrim::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod entry;
pub(crate) mod fields;
pub use entry::*;
mod xrange;
pub use xrange::*;
mod xread;
pub use xread::*;
mod xpending;
pub use xpending::*;
mod xclaim;
pub use xclaim::*;
mod xinfo;
pub use xinfo::*;
