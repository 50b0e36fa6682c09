//! The `hash` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
mod hrandfield;
pub use hrandfield::*;
mod hscan;
pub use hscan::*;
