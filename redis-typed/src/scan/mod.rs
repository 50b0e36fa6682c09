//! Cursor iterations as streams: `SCAN`, `HSCAN`, `SSCAN`, `ZSCAN`.
//!
//! Each function returns a builder that is also a
//! [`Stream`](futures_core::Stream) of typed
//! items: set the `MATCH` pattern, the `COUNT` hint (and for keys the
//! `TYPE`) first, then poll. Pages are fetched one at a time, each when the
//! previous one is consumed, through any [`Executor`]: `&Client` or
//! `&mut Connection`.
//!
//! ```no_run
//! use std::future::poll_fn;
//! use std::pin::Pin;
//! use futures_core::Stream;
//! use redis_typed::{scan, Client};
//!
//! # async fn demo() -> redis_typed::Result<()> {
//! let client = Client::open("redis://127.0.0.1:6379").await?;
//! // SCAN 0 MATCH user:* COUNT 100 TYPE string, then each returned cursor
//! let mut keys = scan::keys::<String, _>(&client)
//!     .pattern("user:*")
//!     .count(100)
//!     .kind("string");
//! while let Some(key) = poll_fn(|cx| Pin::new(&mut keys).poll_next(cx)).await {
//!     println!("{}", key?);
//! }
//! // HSCAN profile 0 ... -> (field, value)
//! let mut fields = scan::hash::<String, i64, _>(&client, "profile");
//! while let Some(pair) = poll_fn(|cx| Pin::new(&mut fields).poll_next(cx)).await {
//!     let (field, value) = pair?;
//!     println!("{field} = {value}");
//! }
//! # Ok(()) }
//! ```
//!
//! (With `futures::StreamExt`, `keys.next().await` and
//! `keys.try_collect::<Vec<_>>().await` read the same streams.)
//!
//! What the server promises, the streams keep: every item present from the
//! start to the end of the iteration is returned at least once; items added
//! or removed meanwhile may or may not be; an item may be returned more
//! than once (deduplicate if it matters).
//!
//! - `stream.rs`: [`ScanStream`], the page-by-page engine shared by all four.

mod stream;

use bytes::Bytes;

pub use stream::ScanStream;

use crate::client::Executor;
use crate::commands::stream::fields::arg_bytes;
use crate::types::{FromRedisValue, RedisKey, SingleArg};
use stream::Target;

/// Iterates over the keys of the database (`SCAN`), each decoded as `K`.
///
/// Set [`kind`](ScanStream::kind) to keep only keys of one type.
pub fn keys<'a, K, E>(executor: E) -> ScanStream<'a, E, K>
where
    K: FromRedisValue + Send + 'static,
    E: Executor + Send + 'a,
{
    ScanStream::new(executor, Target::Keys { kind: None })
}

/// Iterates over the fields of the hash at `key` (`HSCAN`), as
/// `(field, value)` pairs.
pub fn hash<'a, F, V, E>(executor: E, key: impl RedisKey) -> ScanStream<'a, E, (F, V)>
where
    F: FromRedisValue + Send + 'static,
    V: FromRedisValue + Send + 'static,
    E: Executor + Send + 'a,
{
    ScanStream::new(executor, Target::Hash(key_of(&key)))
}

/// Iterates over the members of the set at `key` (`SSCAN`).
pub fn set<'a, M, E>(executor: E, key: impl RedisKey) -> ScanStream<'a, E, M>
where
    M: FromRedisValue + Send + 'static,
    E: Executor + Send + 'a,
{
    ScanStream::new(executor, Target::Set(key_of(&key)))
}

/// Iterates over the members of the sorted set at `key` (`ZSCAN`), as
/// `(member, score)` pairs.
pub fn sorted_set<'a, M, E>(executor: E, key: impl RedisKey) -> ScanStream<'a, E, (M, f64)>
where
    M: FromRedisValue + Send + 'static,
    E: Executor + Send + 'a,
{
    ScanStream::new(executor, Target::SortedSet(key_of(&key)))
}

fn key_of<K: RedisKey>(key: &K) -> Bytes {
    Bytes::copy_from_slice(key.key_bytes())
}

fn single<A: SingleArg>(arg: &A) -> Bytes {
    arg_bytes(arg)
}
