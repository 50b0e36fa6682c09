//! The `generic` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
// </generated-modules>

// Hand-written and hand-tuned commands:
mod basic;
pub use basic::*;
pub(crate) mod scan_page;
pub use scan_page::*;
mod scan;
pub use scan::*;
