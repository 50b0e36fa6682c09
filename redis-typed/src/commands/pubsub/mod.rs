//! The `pubsub` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
// </generated-modules>

// Hand-written and hand-tuned commands:
mod numsub;
pub use numsub::*;
