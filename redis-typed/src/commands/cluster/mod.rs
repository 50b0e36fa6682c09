//! Cluster commands: slots, nodes and failover of a Redis Cluster.
//!
//! On a server without cluster support they fail with `ERR This instance has cluster support
//! disabled`. Topology replies (`CLUSTER SHARDS`, `SLOTS`, `NODES`, ...) are hand-tuned.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, ClusterKeySlot, ClusterSetSlot};
//!
//! // One constructor per alternative: CLUSTER SETSLOT 42 IMPORTING <node-id>.
//! let mut out = BytesMut::new();
//! encode(&ClusterSetSlot::importing(42, "a1b2"), &mut out);
//! assert!(out.ends_with(b"$2\r\n42\r\n$9\r\nIMPORTING\r\n$4\r\na1b2\r\n"));
//! let slot = ClusterKeySlot::new("user:1"); // -> i64
//! # let _ = slot;
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod asking;
pub use asking::*;
mod cluster_addslots;
pub use cluster_addslots::*;
mod cluster_addslotsrange;
pub use cluster_addslotsrange::*;
mod cluster_bumpepoch;
pub use cluster_bumpepoch::*;
mod cluster_count_failure_reports;
pub use cluster_count_failure_reports::*;
mod cluster_countkeysinslot;
pub use cluster_countkeysinslot::*;
mod cluster_delslots;
pub use cluster_delslots::*;
mod cluster_delslotsrange;
pub use cluster_delslotsrange::*;
mod cluster_failover;
pub use cluster_failover::*;
mod cluster_flushslots;
pub use cluster_flushslots::*;
mod cluster_forget;
pub use cluster_forget::*;
mod cluster_getkeysinslot;
pub use cluster_getkeysinslot::*;
mod cluster_help;
pub use cluster_help::*;
mod cluster_keyslot;
pub use cluster_keyslot::*;
mod cluster_meet;
pub use cluster_meet::*;
mod cluster_myid;
pub use cluster_myid::*;
mod cluster_myshardid;
pub use cluster_myshardid::*;
mod cluster_replicate;
pub use cluster_replicate::*;
mod cluster_reset;
pub use cluster_reset::*;
mod cluster_saveconfig;
pub use cluster_saveconfig::*;
mod cluster_set_config_epoch;
pub use cluster_set_config_epoch::*;
mod cluster_setslot;
pub use cluster_setslot::*;
mod readonly;
pub use readonly::*;
mod readwrite;
pub use readwrite::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
mod shards;
pub use shards::*;
mod slots;
pub use slots::*;
mod nodes;
pub use nodes::*;
mod info;
pub use info::*;
mod links;
pub use links::*;
