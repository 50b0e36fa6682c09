//! Sorted set commands: members ordered by score.
//!
//! The first set (`ZADD`, `ZRANGE`) is in `basic.rs`.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, Aggregate, Command, ScoreBound, ZCount, ZRank};
//!
//! // ZCOUNT z (1 +inf -> i64, with the shared score bounds.
//! let mut out = BytesMut::new();
//! encode(&ZCount::new("z", ScoreBound::Exclusive(1.0), ScoreBound::MAX), &mut out);
//! assert!(out.ends_with(b"$4\r\n(1.0\r\n$3\r\ninf\r\n"));
//!
//! // WITHSCORE changes the reply, so it changes the type (Redis 7.2+).
//! fn rank<C: Command<Response = Option<(i64, f64)>>>(_: &C) {}
//! rank(&ZRank::new("z", "m").with_score());
//! # let _ = Aggregate::Max;
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod zcard;
pub use zcard::*;
mod zcount;
pub use zcount::*;
mod zdiffstore;
pub use zdiffstore::*;
mod zincrby;
pub use zincrby::*;
mod zintercard;
pub use zintercard::*;
mod zinterstore;
pub use zinterstore::*;
mod zlexcount;
pub use zlexcount::*;
mod zmscore;
pub use zmscore::*;
mod zrangestore;
pub use zrangestore::*;
mod zrank;
pub use zrank::*;
mod zrem;
pub use zrem::*;
mod zremrangebylex;
pub use zremrangebylex::*;
mod zremrangebyrank;
pub use zremrangebyrank::*;
mod zremrangebyscore;
pub use zremrangebyscore::*;
mod zrevrank;
pub use zrevrank::*;
mod zscore;
pub use zscore::*;
mod zunionstore;
pub use zunionstore::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
mod zpop;
pub use zpop::*;
mod bzpop;
pub use bzpop::*;
mod zmpop;
pub use zmpop::*;
mod zrandmember;
pub use zrandmember::*;
mod zrange_legacy;
pub use zrange_legacy::*;
mod zsetop;
pub use zsetop::*;
mod zscan;
pub use zscan::*;
