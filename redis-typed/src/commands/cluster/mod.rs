//! The `cluster` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
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
