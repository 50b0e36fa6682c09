//! HyperLogLog commands: approximate counting of distinct elements.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, PfAdd, PfCount};
//!
//! // Elements are optional: PFADD hll creates an empty HyperLogLog.
//! let mut out = BytesMut::new();
//! encode(&PfAdd::new("hll").elements(["a", "b"]), &mut out);
//! assert_eq!(&out[..], b"*4\r\n$5\r\nPFADD\r\n$3\r\nhll\r\n$1\r\na\r\n$1\r\nb\r\n");
//! let count = PfCount::new(["hll", "other"]);
//! # let _ = count;
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod pfadd;
pub use pfadd::*;
mod pfcount;
pub use pfcount::*;
mod pfdebug;
pub use pfdebug::*;
mod pfmerge;
pub use pfmerge::*;
mod pfselftest;
pub use pfselftest::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
