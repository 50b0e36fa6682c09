//! Hash commands: fields and values stored under one key.
//!
//! The first set (`HSET`, `HGET`, `HGETALL`) is in `basic.rs`.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use std::collections::HashMap;
//! use redis_typed::commands::{Command, HMGet, HSetNx};
//!
//! // HMGET decodes one Option per field, in order.
//! fn reply<C: Command<Response = Vec<Option<String>>>>(_: &C) {}
//! reply(&HMGet::<_, _, String>::new("user:1", ["name", "email"]));
//!
//! // Field and value types are independent.
//! fn set<C: Command<Response = bool>>(_: &C) {}
//! set(&HSetNx::new("user:1", "visits", 0));
//! # let _: HashMap<String, String> = HashMap::new();
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod hdel;
pub use hdel::*;
mod hexists;
pub use hexists::*;
mod hincrby;
pub use hincrby::*;
mod hincrbyfloat;
pub use hincrbyfloat::*;
mod hkeys;
pub use hkeys::*;
mod hlen;
pub use hlen::*;
mod hmget;
pub use hmget::*;
mod hmset;
pub use hmset::*;
mod hsetnx;
pub use hsetnx::*;
mod hstrlen;
pub use hstrlen::*;
mod hvals;
pub use hvals::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
mod hrandfield;
pub use hrandfield::*;
mod hscan;
pub use hscan::*;
