//! The `list` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
mod lpop;
pub use lpop::*;
mod lpos;
pub use lpos::*;
mod lmpop;
pub use lmpop::*;
