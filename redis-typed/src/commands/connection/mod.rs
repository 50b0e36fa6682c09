//! The `connection` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
mod client_info;
pub use client_info::*;
mod client_tracking_info;
pub use client_tracking_info::*;
