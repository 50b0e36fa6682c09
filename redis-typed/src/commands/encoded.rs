//! What [`encode`](super::encode) noted about the commands it wrote on this
//! thread: how many, and whether one of them has a name that may break a
//! shared connection's reply order (`SUBSCRIBE`, `MONITOR`, `CLIENT`...).
//!
//! The multiplexed connection must refuse such commands before they are
//! sent, and checks every request's bytes for them (connection/hazard.rs).
//! Walking every argument of every command of a pipeline costs about 90
//! instructions per command; `encode` already holds each name as it writes
//! it, so it notes here whether the name may be a refused one (its length
//! and two letters). A request whose every command went through `encode`
//! with an ordinary name needs no walk; anything else (a name that may be
//! refused, bytes written some other way) gets the full check. The note is
//! a hint that can only spare work, never a verdict.

use std::cell::Cell;

thread_local! {
    /// Commands encoded on this thread since [`watch`], and whether one of
    /// them may be refused.
    static SEEN: Cell<Seen> = const { Cell::new(Seen { commands: 0, suspect: false }) };
}

/// What [`encode`](super::encode) wrote between [`watch`] and [`seen`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Seen {
    /// Commands encoded.
    pub commands: usize,
    /// True when one of them has a name that may be refused.
    pub suspect: bool,
}

/// Starts counting (on this thread).
#[inline]
pub(crate) fn watch() {
    SEEN.with(|s| {
        s.set(Seen {
            commands: 0,
            suspect: false,
        })
    });
}

/// What was encoded on this thread since [`watch`].
#[inline]
pub(crate) fn seen() -> Seen {
    SEEN.with(Cell::get)
}

/// Notes one encoded command; `args` is its bytes after the array header
/// (`$L\r\nNAME\r\n...`).
#[inline]
pub(super) fn note(args: &[u8]) {
    let suspect = suspect(args);
    SEEN.with(|s| {
        let before = s.get();
        s.set(Seen {
            commands: before.commands + 1,
            suspect: before.suspect | suspect,
        })
    });
}

/// Whether the command whose arguments (after its array header) are
/// `args` may be one the multiplexed connection refuses: its name may be
/// (see [`may_be_refused`]), or it has none this quick look can read (a
/// name of 100 bytes or more, no name, bytes cut short), which the full
/// check then examines.
#[inline]
pub(crate) fn suspect(args: &[u8]) -> bool {
    match *args {
        [b'$', l @ b'0'..=b'9', b'\r', b'\n', ref rest @ ..] => {
            rest.get(..usize::from(l - b'0')).is_none_or(may_be_refused)
        }
        [b'$', a @ b'0'..=b'9', b @ b'0'..=b'9', b'\r', b'\n', ref rest @ ..] => rest
            .get(..usize::from(a - b'0') * 10 + usize::from(b - b'0'))
            .is_none_or(may_be_refused),
        _ => true,
    }
}

/// Whether `name` may be a name the multiplexed connection refuses (or
/// `CLIENT`, whose `REPLY OFF|SKIP` it refuses): its length and its first
/// two letters, in any case, are those of one. Only a name that passes is
/// compared in full.
#[inline]
pub(crate) fn may_be_refused(name: &[u8]) -> bool {
    let [a, b, ..] = *name else {
        return false;
    };
    // ASCII letters to lower case; other bytes may map onto letters, which
    // only costs a full comparison that fails.
    let start = [a | 0x20, b | 0x20];
    matches!(
        (name.len(), &start),
        (4, b"sy")
            | (5, b"re" | b"he" | b"ps")
            | (6, b"cl")
            | (7, b"mo")
            | (9, b"su")
            | (10, b"ps" | b"ss")
            | (11, b"un")
            | (12, b"pu" | b"su")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::{encode, Get, Set};
    use crate::Cmd;
    use bytes::BytesMut;

    #[test]
    fn encode_notes_every_command_and_suspect_names() {
        let mut out = BytesMut::new();
        watch();
        encode(&Get::<_, String>::new("k"), &mut out);
        encode(&Set::new("k", "v"), &mut out);
        assert_eq!(
            seen(),
            Seen {
                commands: 2,
                suspect: false
            }
        );
        encode(&Cmd::<()>::new("monitor"), &mut out);
        assert_eq!(
            seen(),
            Seen {
                commands: 3,
                suspect: true
            }
        );
        watch();
        // CLIENT may be CLIENT REPLY OFF: suspect, for the full check.
        encode(&Cmd::<()>::new("CLIENT").arg("LIST"), &mut out);
        assert!(seen().suspect);
        watch();
        // A long name is left to the full check.
        encode(&Cmd::<()>::new("X".repeat(120).as_str()), &mut out);
        assert!(seen().suspect);
        watch();
        assert_eq!(seen().commands, 0);
    }
}
