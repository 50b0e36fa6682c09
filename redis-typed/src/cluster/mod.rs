//! Redis Cluster: [`ClusterClient`] routes the same typed commands,
//! pipelines and transactions as [`Client`](crate::Client) over a
//! sharded cluster.
//!
//! One concern per file:
//! - `slot.rs`: CRC16 hash slots and `{hash tags}`.
//! - `topology.rs`: the slot map, read from `CLUSTER SHARDS` / `CLUSTER SLOTS`.
//! - `router.rs`: where a command goes (keys, else its name).
//! - `multikey.rs`: splitting `MGET`/`MSET`/`DEL`... across slots, merging back.
//! - `redirect.rs`: `MOVED`/`ASK` parsing.
//! - `node.rs`: the send loop (redirects, retries, backoff).
//! - `strategy.rs`: [`LoadBalancingStrategy`] for reads.
//! - `refresh.rs`: coalesced (single-flight) topology refreshes.
//! - `pipeline.rs`: [`ClusterPipeline`], [`ClusterTransaction`].
//! - `scan.rs`: [`ClusterScan`], `SCAN` over every primary.
//! - `subscriber.rs`: [`ClusterSubscriber`], pub/sub whose sharded
//!   channels follow their slot's primary.
//! - `client.rs`, `config.rs`: [`ClusterClient`], [`ClusterConfig`].
//!
//! Errors are the crate's [`Error`](crate::Error): a cluster condition
//! detected by the client is reported as the server error the cluster
//! itself would send, with the same [`ErrorKind`](crate::ErrorKind):
//! `CROSSSLOT` for keys in several slots, `CLUSTERDOWN` for a slot no node
//! serves (after refreshes and retries), so callers match one set of kinds.

mod client;
mod config;
mod multikey;
mod node;
mod pipeline;
mod redirect;
mod refresh;
mod router;
mod scan;
mod slot;
mod strategy;
mod subscriber;
mod topology;

pub use client::ClusterClient;
pub use config::ClusterConfig;
pub use pipeline::{ClusterPipeline, ClusterTransaction, TransactionExecutor};
pub use redirect::Redirect;
pub use scan::{ClusterScan, ClusterScanStream};
pub use slot::{crc16, hash_slot, hash_tag, SLOT_COUNT};
pub use strategy::LoadBalancingStrategy;
pub use subscriber::ClusterSubscriber;
pub use topology::{Shard, Topology};
