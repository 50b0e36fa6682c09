//! Pub/sub commands: publishing, and inspecting channels.
//!
//! `SUBSCRIBE` and friends put a connection in subscribed mode: send them on a dedicated RESP2
//! connection (see their docs).
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, keys_of, Publish, SPublish};
//!
//! // PUBLISH news hello -> i64, the number of receivers.
//! let mut out = BytesMut::new();
//! encode(&Publish::new("news", "hello"), &mut out);
//! assert_eq!(&out[..], b"*3\r\n$7\r\nPUBLISH\r\n$4\r\nnews\r\n$5\r\nhello\r\n");
//!
//! // A shard channel is routed like a key.
//! assert_eq!(keys_of(&SPublish::new("orders", "x")), [b"orders".to_vec()]);
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod psubscribe;
pub use psubscribe::*;
mod publish;
pub use publish::*;
mod pubsub_channels;
pub use pubsub_channels::*;
mod pubsub_help;
pub use pubsub_help::*;
mod pubsub_numpat;
pub use pubsub_numpat::*;
mod pubsub_shardchannels;
pub use pubsub_shardchannels::*;
mod punsubscribe;
pub use punsubscribe::*;
mod spublish;
pub use spublish::*;
mod ssubscribe;
pub use ssubscribe::*;
mod subscribe;
pub use subscribe::*;
mod sunsubscribe;
pub use sunsubscribe::*;
mod unsubscribe;
pub use unsubscribe::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod numsub;
pub use numsub::*;
