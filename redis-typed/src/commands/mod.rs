//! Commands as types.
//!
//! Every command is a plain struct implementing [`Command`]: it writes its
//! own arguments (name first), names its keys for cluster routing, says
//! whether it is read-only, and names the Rust type its reply decodes into.
//!
//! ```
//! use redis_typed::commands::{Command, Get, Set};
//!
//! // `Get<K, V>` decodes to `Option<V>`; plain `SET` to `()`.
//! fn reply_of<C: Command>(_: &C) -> &'static str { std::any::type_name::<C::Response>() }
//! assert_eq!(reply_of(&Get::<_, String>::new("k")), "core::option::Option<alloc::string::String>");
//! assert_eq!(reply_of(&Set::new("k", 1)), "()");
//! ```
//!
//! Commands not typed yet go through the escape hatch [`Cmd`].

mod cmd;
pub(crate) mod encoded;
pub(crate) mod fields;
pub mod marker;
pub mod marker_data;
mod multi_pop;
mod options;
pub mod registry;
#[cfg(test)]
mod tests;

pub mod bitmap;
pub mod cluster;
pub mod connection;
pub mod generic;
pub mod geo;
pub mod hash;
pub mod hyperloglog;
pub mod list;
pub mod pubsub;
pub mod scripting;
pub mod server;
pub mod set;
pub mod sorted_set;
pub mod stream;
pub mod string;
pub mod transactions;

pub use bitmap::*;
pub use cluster::*;
pub use cmd::Cmd;
pub use connection::*;
pub use generic::*;
pub use geo::*;
pub use hash::*;
pub use hyperloglog::*;
pub use list::*;
pub use options::*;
pub use pubsub::*;
pub use scripting::*;
pub use server::*;
pub use set::*;
pub use sorted_set::*;
pub use stream::*;
pub use string::*;
pub use transactions::*;

use bytes::BytesMut;

use crate::resp::{write_array_header, ArgCounter, ArgWriter, BulkWriter};
use crate::types::FromRedisValue;

/// A Redis command whose reply decodes into [`Command::Response`].
///
/// Implementing it by hand takes a few lines:
///
/// ```
/// use redis_typed::{Command, ToRedisArgs};
/// use redis_typed::resp::ArgWriter;
///
/// /// `STRLEN key`
/// struct StrLen<'a>(&'a str);
///
/// impl Command for StrLen<'_> {
///     type Response = i64;
///     fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
///         out.write_arg(b"STRLEN");
///         self.0.write_redis_args(out);
///     }
///     fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
///         f(self.0.as_bytes())
///     }
///     fn read_only(&self) -> bool { true }
/// }
/// ```
pub trait Command {
    /// The type the reply decodes into.
    type Response: FromRedisValue;

    /// Writes the command name and its arguments.
    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W);

    /// Calls `f` with each key the command touches, in order (used for
    /// cluster routing). The default is a keyless command.
    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        let _ = f;
    }

    /// True when the command never writes (it may be served by a replica).
    fn read_only(&self) -> bool {
        false
    }
}

impl<C: Command + ?Sized> Command for &C {
    type Response = C::Response;
    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        (**self).write_args(out)
    }
    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        (**self).for_each_key(f)
    }
    fn read_only(&self) -> bool {
        (**self).read_only()
    }
}

/// Encodes `cmd` as a RESP array of bulk strings appended to `out`.
///
/// ```
/// use bytes::BytesMut;
/// use redis_typed::commands::{encode, Get};
///
/// let mut out = BytesMut::new();
/// encode(&Get::<_, String>::new("k"), &mut out);
/// assert_eq!(&out[..], b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
/// ```
#[inline]
pub fn encode<C: Command + ?Sized>(cmd: &C, out: &mut BytesMut) {
    let mut counter = ArgCounter::default();
    cmd.write_args(&mut counter);
    write_array_header(out, counter.count);
    let args = out.len();
    cmd.write_args(&mut BulkWriter::new(out));
    encoded::note(&out[args..]);
}

/// The keys of a command, collected (for diagnostics and tests).
pub fn keys_of<C: Command + ?Sized>(cmd: &C) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    cmd.for_each_key(&mut |k| keys.push(k.to_vec()));
    keys
}
