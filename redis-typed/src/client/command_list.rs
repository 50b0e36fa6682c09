//! Type-level lists of commands: a pipeline of `(Set, Get)` returns
//! `((), Option<V>)`.

use bytes::BytesMut;

use crate::client::decode_reply;
use crate::commands::{encode, Command};
use crate::error::{Error, Result};
use crate::resp::Value;

/// A tuple of commands sent together; its replies decode into the tuple of
/// their responses.
pub trait CommandList {
    /// The tuple of responses.
    type Responses;
    /// How many commands.
    const LEN: usize;
    /// Encodes every command, in order.
    fn encode_all(&self, out: &mut BytesMut);
    /// Decodes `LEN` replies, in order.
    fn decode_all(replies: Vec<Value>) -> Result<Self::Responses>;
    /// Calls `f` with every key of every command (for cluster routing).
    fn for_each_key(&self, f: &mut dyn FnMut(&[u8]));
    /// True when every command is read-only.
    fn read_only(&self) -> bool;
}

/// Appends a command to a tuple: `(A, B)` + `C` = `(A, B, C)`.
pub trait Append<C> {
    /// The longer tuple.
    type Output;
    /// Appends `cmd`.
    fn append(self, cmd: C) -> Self::Output;
}

impl CommandList for () {
    type Responses = ();
    const LEN: usize = 0;
    fn encode_all(&self, _out: &mut BytesMut) {}
    fn decode_all(_replies: Vec<Value>) -> Result<()> {
        Ok(())
    }
    fn for_each_key(&self, _f: &mut dyn FnMut(&[u8])) {}
    fn read_only(&self) -> bool {
        true
    }
}

impl<C> Append<C> for () {
    type Output = (C,);
    fn append(self, cmd: C) -> (C,) {
        (cmd,)
    }
}

fn missing(len: usize) -> Error {
    Error::Conversion {
        expected: "pipeline replies",
        received: format!("{len} replies"),
    }
}

macro_rules! command_tuples {
    ($( ($($name:ident $idx:tt),+) ),+ $(,)?) => {$(
        impl<$($name: Command),+> CommandList for ($($name,)+) {
            type Responses = ($($name::Response,)+);
            const LEN: usize = [$(stringify!($name)),+].len();
            fn encode_all(&self, out: &mut BytesMut) {
                $( encode(&self.$idx, out); )+
            }
            fn decode_all(replies: Vec<Value>) -> Result<Self::Responses> {
                let len = replies.len();
                if len != Self::LEN {
                    return Err(missing(len));
                }
                let mut it = replies.into_iter();
                Ok(($(decode_reply::<$name::Response>(it.next().ok_or_else(|| missing(len))?)?,)+))
            }
            fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
                $( self.$idx.for_each_key(f); )+
            }
            fn read_only(&self) -> bool {
                true $( && self.$idx.read_only() )+
            }
        }
    )+};
}

macro_rules! append_tuples {
    ($( ($($name:ident $idx:tt),+) ),+ $(,)?) => {$(
        impl<$($name,)+ Next> Append<Next> for ($($name,)+) {
            type Output = ($($name,)+ Next,);
            fn append(self, cmd: Next) -> Self::Output {
                ($(self.$idx,)+ cmd,)
            }
        }
    )+};
}

command_tuples!(
    (A 0),
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14, P 15),
);

append_tuples!(
    (A 0),
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13),
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11, M 12, N 13, O 14),
);
