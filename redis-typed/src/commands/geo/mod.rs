//! The `geo` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
// </generated-modules>

// Hand-written and hand-tuned commands:
pub(crate) mod geosearch;
pub use geosearch::*;
mod georadius;
pub use georadius::*;
mod geopos;
pub use geopos::*;
