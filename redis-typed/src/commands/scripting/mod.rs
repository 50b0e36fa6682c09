//! Scripting commands: Lua scripts (`EVAL`) and functions (`FCALL`).
//!
//! A script's reply type is the caller's choice (`R`, [`Value`](crate::Value) by default);
//! `numkeys` is written from the keys given.
//!
//! Commands without a hand-written type are generated from the Redis command specs by `cargo xtask
//! gen-commands` (one file each, marked `@generated`); hand-tuned types live beside them.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, keys_of, Command, Eval};
//!
//! // EVAL "return #KEYS" 2 a b -> i64.
//! let eval = Eval::<_, _, i64>::new("return #KEYS").keys(["a", "b"]).args([1]);
//! assert_eq!(keys_of(&eval), [b"a".to_vec(), b"b".to_vec()]);
//! fn int<C: Command<Response = i64>>(_: &C) {}
//! int(&eval);
//! let mut out = BytesMut::new();
//! encode(&eval, &mut out);
//! assert!(out.ends_with(b"$1\r\n2\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n1\r\n"));
//! ```

// <generated-modules> written by `cargo xtask gen-commands`; do not edit by hand.
mod eval;
pub use eval::*;
mod eval_ro;
pub use eval_ro::*;
mod evalsha;
pub use evalsha::*;
mod evalsha_ro;
pub use evalsha_ro::*;
mod fcall;
pub use fcall::*;
mod fcall_ro;
pub use fcall_ro::*;
mod function_delete;
pub use function_delete::*;
mod function_dump;
pub use function_dump::*;
mod function_flush;
pub use function_flush::*;
mod function_help;
pub use function_help::*;
mod function_kill;
pub use function_kill::*;
mod function_load;
pub use function_load::*;
mod function_restore;
pub use function_restore::*;
mod script_debug;
pub use script_debug::*;
mod script_exists;
pub use script_exists::*;
mod script_flush;
pub use script_flush::*;
mod script_help;
pub use script_help::*;
mod script_kill;
pub use script_kill::*;
mod script_load;
pub use script_load::*;
// </generated-modules>
mod function_call;
pub use function_call::*;
mod script;
pub use script::*;
mod script_args;

// Hand-written and hand-tuned commands:
mod function_list;
pub use function_list::*;
mod function_stats;
pub use function_stats::*;
