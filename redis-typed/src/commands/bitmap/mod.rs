//! Bitmap commands: strings used as arrays of bits, and bit fields.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, BitCount, BitField, BitFieldOperation, BitFieldWrite, BitUnit};
//!
//! // BITCOUNT k 0 7 BIT (the unit needs Redis 7.0+).
//! let mut out = BytesMut::new();
//! encode(&BitCount::new("k").range(0, 7, Some(BitUnit::Bit)), &mut out);
//! assert!(out.ends_with(b"$1\r\n0\r\n$1\r\n7\r\n$3\r\nBIT\r\n"));
//!
//! // BITFIELD k INCRBY u8 0 1 -> Vec<Option<i64>>.
//! let ops = BitField::new("k").operations([BitFieldOperation::Write(
//!     None,
//!     BitFieldWrite::IncrBy("u8".into(), 0, 1),
//! )]);
//! # let _ = ops;
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod bit_unit;
pub use bit_unit::*;
mod bitcount;
pub use bitcount::*;
mod bitfield;
pub use bitfield::*;
mod bitfield_ro;
pub use bitfield_ro::*;
mod bitop;
pub use bitop::*;
mod bitpos;
pub use bitpos::*;
mod getbit;
pub use getbit::*;
mod setbit;
pub use setbit::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
