//! The `stream` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
// </generated-modules>

// Hand-written and hand-tuned commands:
mod entry;
pub(crate) mod fields;
pub use entry::*;
mod xrange;
pub use xrange::*;
mod xread;
pub use xread::*;
mod xpending;
pub use xpending::*;
mod xclaim;
pub use xclaim::*;
mod xinfo;
pub use xinfo::*;
