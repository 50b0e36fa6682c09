//! Generic key commands: existence, expiry, renaming, copying, dumping and scanning keys of any type.
//!
//! The first set (`DEL`, `EXISTS`, `EXPIRE`, `TTL`) is in `basic.rs`.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, keys_of, Command, CopyKey, PExpire};
//!
//! // COPY src dst DB 2 REPLACE -> bool; both keys are routed.
//! let copy = CopyKey::new("src", "dst").db(2).replace();
//! assert_eq!(keys_of(&copy), [b"src".to_vec(), b"dst".to_vec()]);
//! fn flag<C: Command<Response = bool>>(_: &C) {}
//! flag(&copy);
//!
//! // The NX | XX | GT | LT condition is one choice: the last call wins.
//! let mut out = BytesMut::new();
//! encode(&PExpire::new("k", 1500).nx().gt(), &mut out);
//! assert!(out.ends_with(b"$4\r\n1500\r\n$2\r\nGT\r\n"));
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod copy;
pub use copy::*;
mod dump;
pub use dump::*;
mod expireat;
pub use expireat::*;
mod expiretime;
pub use expiretime::*;
mod keys;
pub use keys::*;
mod migrate;
pub use migrate::*;
mod move_;
pub use move_::*;
mod object_encoding;
pub use object_encoding::*;
mod object_freq;
pub use object_freq::*;
mod object_help;
pub use object_help::*;
mod object_idletime;
pub use object_idletime::*;
mod object_refcount;
pub use object_refcount::*;
mod persist;
pub use persist::*;
mod pexpire;
pub use pexpire::*;
mod pexpireat;
pub use pexpireat::*;
mod pexpiretime;
pub use pexpiretime::*;
mod pttl;
pub use pttl::*;
mod randomkey;
pub use randomkey::*;
mod rename;
pub use rename::*;
mod renamenx;
pub use renamenx::*;
mod restore;
pub use restore::*;
mod sort;
pub use sort::*;
mod sort_ro;
pub use sort_ro::*;
mod touch;
pub use touch::*;
mod type_;
pub use type_::*;
mod unlink;
pub use unlink::*;
mod wait;
pub use wait::*;
mod waitaof;
pub use waitaof::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
pub(crate) mod scan_page;
pub use scan_page::*;
mod scan;
pub use scan::*;
