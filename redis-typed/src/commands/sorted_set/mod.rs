//! The `sorted_set` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
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
