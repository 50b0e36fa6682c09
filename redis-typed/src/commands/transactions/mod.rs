//! Transaction commands: `MULTI`/`EXEC` blocks and optimistic locking with `WATCH`.
//!
//! [`Transaction`](crate::Transaction) sends a whole block in one write; these types are for
//! building one by hand on a dedicated connection.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use redis_typed::commands::{Command, Exec, Watch};
//! use redis_typed::Value;
//!
//! // EXEC decodes the queued replies into the type you name; None when a
//! // WATCHed key changed.
//! fn replies<C: Command<Response = Option<((), i64)>>>(_: &C) {}
//! replies(&Exec::<((), i64)>::new());
//! fn raw<C: Command<Response = Option<Vec<Value>>>>(_: &C) {}
//! raw(&Exec::new());
//! let watch = Watch::new(["balance"]);
//! # let _ = watch;
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod discard;
pub use discard::*;
mod exec;
pub use exec::*;
mod multi;
pub use multi::*;
mod unwatch;
pub use unwatch::*;
mod watch;
pub use watch::*;
// </generated-modules>

// Hand-written and hand-tuned commands:
