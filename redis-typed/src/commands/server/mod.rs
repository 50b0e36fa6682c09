//! The `server` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
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
