//! String commands: values read and written whole or in part, and counters.
//!
//! The first set (`GET`, `SET`, `MGET`, `MSET`, `INCR`, `INCRBY`) is in `basic.rs`.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, Command, GetEx, IncrByFloat};
//!
//! // GETEX session PX 30000 -> Option<String>: the value, with a new expiry.
//! let mut out = BytesMut::new();
//! encode(&GetEx::<_, String>::new("session").px(30_000), &mut out);
//! assert_eq!(
//!     &out[..],
//!     b"*4\r\n$5\r\nGETEX\r\n$7\r\nsession\r\n$2\r\nPX\r\n$5\r\n30000\r\n"
//! );
//!
//! // INCRBYFLOAT replies the new value as a string; it decodes to f64.
//! fn float_reply<C: Command<Response = f64>>(_: &C) {}
//! float_reply(&IncrByFloat::new("price", 0.5));
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod append;
pub use append::*;
mod decr;
pub use decr::*;
mod decrby;
pub use decrby::*;
mod getdel;
pub use getdel::*;
mod getex;
pub use getex::*;
mod getrange;
pub use getrange::*;
mod getset;
pub use getset::*;
mod incrbyfloat;
pub use incrbyfloat::*;
mod msetnx;
pub use msetnx::*;
mod psetex;
pub use psetex::*;
mod setex;
pub use setex::*;
mod setnx;
pub use setnx::*;
mod setrange;
pub use setrange::*;
mod strlen;
pub use strlen::*;
mod substr;
pub use substr::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
mod lcs;
pub use lcs::*;
