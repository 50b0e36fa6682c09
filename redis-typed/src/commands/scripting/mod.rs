//! The `scripting` command group.

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
// </generated-modules>

// Hand-written and hand-tuned commands:
mod function_list;
pub use function_list::*;
mod function_stats;
pub use function_stats::*;
mod function_call;
pub use function_call::*;
mod script;
pub use script::*;
