//! List commands: pushing, popping, moving and indexing elements.
//!
//! The first set (`LPUSH`, `LRANGE`) is in `basic.rs`.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, LInsert, LMove, ListDirection};
//!
//! // One constructor per alternative of `<BEFORE | AFTER>`.
//! let mut out = BytesMut::new();
//! encode(&LInsert::before("l", "pivot", "x"), &mut out);
//! assert_eq!(
//!     &out[..],
//!     b"*5\r\n$7\r\nLINSERT\r\n$1\r\nl\r\n$6\r\nBEFORE\r\n$5\r\npivot\r\n$1\r\nx\r\n"
//! );
//!
//! // LMOVE src dst RIGHT LEFT -> Option<String> (None when src is empty).
//! let mv = LMove::<_, String>::new("src", "dst", ListDirection::Right, ListDirection::Left);
//! # let _ = mv;
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod blmove;
pub use blmove::*;
mod blpop;
pub use blpop::*;
mod brpop;
pub use brpop::*;
mod brpoplpush;
pub use brpoplpush::*;
mod lindex;
pub use lindex::*;
mod linsert;
pub use linsert::*;
mod list_direction;
pub use list_direction::*;
mod llen;
pub use llen::*;
mod lmove;
pub use lmove::*;
mod lpushx;
pub use lpushx::*;
mod lrem;
pub use lrem::*;
mod lset;
pub use lset::*;
mod ltrim;
pub use ltrim::*;
mod rpoplpush;
pub use rpoplpush::*;
mod rpush;
pub use rpush::*;
mod rpushx;
pub use rpushx::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
mod lpop;
pub use lpop::*;
mod lpos;
pub use lpos::*;
mod lmpop;
pub use lmpop::*;
