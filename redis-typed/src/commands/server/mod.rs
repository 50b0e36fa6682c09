//! Server commands: administration, configuration, persistence, replication and introspection.
//!
//! Many are administrative (`ADMIN`): they change the whole server. Structured replies (`INFO`,
//! `ROLE`, `SLOWLOG GET`, `MEMORY STATS`, ...) are hand-tuned.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, ConfigSet, FlushAll};
//!
//! // CONFIG SET maxmemory 100mb maxmemory-policy allkeys-lru -> ().
//! let mut out = BytesMut::new();
//! encode(&ConfigSet::new([("maxmemory", "100mb"), ("maxmemory-policy", "allkeys-lru")]), &mut out);
//! assert!(out.starts_with(b"*6\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n"));
//!
//! // FLUSHALL ASYNC: `async` is a keyword, so the method is `async_`.
//! let mut out = BytesMut::new();
//! encode(&FlushAll::new().async_(), &mut out);
//! assert_eq!(&out[..], b"*2\r\n$8\r\nFLUSHALL\r\n$5\r\nASYNC\r\n");
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod acl_cat;
pub use acl_cat::*;
mod acl_deluser;
pub use acl_deluser::*;
mod acl_dryrun;
pub use acl_dryrun::*;
mod acl_genpass;
pub use acl_genpass::*;
mod acl_help;
pub use acl_help::*;
mod acl_list;
pub use acl_list::*;
mod acl_load;
pub use acl_load::*;
mod acl_save;
pub use acl_save::*;
mod acl_setuser;
pub use acl_setuser::*;
mod acl_users;
pub use acl_users::*;
mod acl_whoami;
pub use acl_whoami::*;
mod bgrewriteaof;
pub use bgrewriteaof::*;
mod bgsave;
pub use bgsave::*;
mod command_count;
pub use command_count::*;
mod command_get_keys;
pub use command_get_keys::*;
mod command_help;
pub use command_help::*;
mod command_list;
pub use command_list::*;
mod config_help;
pub use config_help::*;
mod config_resetstat;
pub use config_resetstat::*;
mod config_rewrite;
pub use config_rewrite::*;
mod config_set;
pub use config_set::*;
mod dbsize;
pub use dbsize::*;
mod debug;
pub use debug::*;
mod failover;
pub use failover::*;
mod flushall;
pub use flushall::*;
mod flushdb;
pub use flushdb::*;
mod lastsave;
pub use lastsave::*;
mod latency_doctor;
pub use latency_doctor::*;
mod latency_graph;
pub use latency_graph::*;
mod latency_help;
pub use latency_help::*;
mod latency_reset;
pub use latency_reset::*;
mod lolwut;
pub use lolwut::*;
mod memory_doctor;
pub use memory_doctor::*;
mod memory_help;
pub use memory_help::*;
mod memory_malloc_stats;
pub use memory_malloc_stats::*;
mod memory_purge;
pub use memory_purge::*;
mod memory_usage;
pub use memory_usage::*;
mod module_help;
pub use module_help::*;
mod module_load;
pub use module_load::*;
mod module_loadex;
pub use module_loadex::*;
mod module_unload;
pub use module_unload::*;
mod monitor;
pub use monitor::*;
mod psync;
pub use psync::*;
mod replconf;
pub use replconf::*;
mod replicaof;
pub use replicaof::*;
mod restore_asking;
pub use restore_asking::*;
mod save;
pub use save::*;
mod shutdown;
pub use shutdown::*;
mod slaveof;
pub use slaveof::*;
mod slowlog_help;
pub use slowlog_help::*;
mod slowlog_len;
pub use slowlog_len::*;
mod slowlog_reset;
pub use slowlog_reset::*;
mod swapdb;
pub use swapdb::*;
mod sync;
pub use sync::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
pub(crate) mod fields;
mod slowlog;
pub use slowlog::*;
mod command_docs;
pub use command_docs::*;
mod command_info;
pub use command_info::*;
mod command_getkeys;
pub use command_getkeys::*;
mod memory_stats;
pub use memory_stats::*;
mod info;
pub use info::*;
mod role;
pub use role::*;
mod acl_getuser;
pub use acl_getuser::*;
mod acl_log;
pub use acl_log::*;
mod latency;
pub use latency::*;
mod module_list;
pub use module_list::*;
mod time;
pub use time::*;
mod config_get;
pub use config_get::*;
