//! Test support shared by every integration test (`mod support;` at the top
//! of each `tests/*.rs`).
//!
//! The tests talk to real `redis-server` processes that they start themselves:
//! each [`RedisServer`] runs on a free loopback port, in a fresh temporary
//! directory, keeps nothing on disk, and is killed when it is dropped. The
//! server on 127.0.0.1:6379, if any, is never touched.
//!
//! ```ignore
//! mod support;
//! use support::RedisServer;
//!
//! #[tokio::test]
//! async fn get_after_set() {
//!     let server = RedisServer::start();
//!     let client = redis_typed::Client::open(&server.url()).await.unwrap();
//!     // ...
//! }
//!
//! #[tokio::test]
//! async fn acl_login() {
//!     let server = RedisServer::builder()
//!         .requirepass("pw")
//!         .acl_user("alice on >secret ~* &* +@all")
//!         .unix_socket()
//!         .start();
//!     let url = server.url_with("alice", "secret");
//!     // ...
//! }
//! ```
//!
//! `redis-server` (and `redis-cli`) must be on PATH: a missing binary fails the
//! test with an install hint, it never skips silently.
//!
//! TODO(cluster): `RedisCluster::start()` goes here, in `cluster.rs`: six
//! [`RedisServer`]s started with `--cluster-enabled yes --cluster-config-file
//! nodes.conf --cluster-node-timeout <short>` (3 primaries, 3 replicas), joined
//! with `redis-cli --cluster create <addrs> --cluster-replicas 1 --cluster-yes`,
//! then waited on until every node's `CLUSTER INFO` says `cluster_state:ok`.
//! Ports for cluster nodes must stay at or below 55535, since the cluster bus
//! listens on port + 10000; `free_port` will need a variant for that.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

pub mod acl;
pub mod admin;
pub mod certs;
mod cluster;
pub mod cluster_ops;
pub mod keyspace;
mod server;

#[allow(unused_imports)] // only the cluster tests use it
pub use cluster::RedisCluster;
pub use server::RedisServer;
