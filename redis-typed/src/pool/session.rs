//! What a command does to the session of the connection it runs on, so a
//! pooled connection is handed to the next caller as the pool made it.
//!
//! Tracked through [`PooledConnection`](super::PooledConnection)'s own
//! `send`, `watch` and `unwatch` (pipelines and transactions are not
//! inspected; a `MULTI`/`EXEC` sent by [`crate::Transaction`] leaves no
//! state behind):
//!
//! - `WATCH` leaves keys watched: the next checkout sends `UNWATCH` first
//!   (instead of the health-check `PING`). `UNWATCH`, `EXEC` and `DISCARD`
//!   clear it.
//! - A raw `MULTI` left without `EXEC`/`DISCARD` would queue the next
//!   caller's commands: the connection is closed on release.
//! - `SELECT`, `SUBSCRIBE` and friends, `MONITOR`, `HELLO`, `AUTH`,
//!   `RESET`, `READONLY`/`READWRITE` and the `CLIENT` subcommands that set
//!   connection state change what the next caller would see: the connection
//!   is closed on release rather than undone.

use crate::commands::Command;
use crate::resp::ArgWriter;

/// The session flags of one pooled connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Session {
    /// Keys may be watched.
    pub(crate) watching: bool,
    /// A `MULTI` was sent raw and not ended.
    pub(crate) in_multi: bool,
    /// Some other state changed; the connection must not be reused.
    pub(crate) changed: bool,
}

impl Session {
    /// Updates the flags for `cmd`, about to be sent.
    pub(crate) fn note<C: Command + ?Sized>(&mut self, cmd: &C) {
        let mut head = Head::default();
        cmd.write_args(&mut head);
        let name = head.name.as_slice();
        let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
        if is("WATCH") {
            self.watching = true;
        } else if is("UNWATCH") {
            self.watching = false;
        } else if is("EXEC") || is("DISCARD") {
            self.watching = false;
            self.in_multi = false;
        } else if is("MULTI") {
            self.in_multi = true;
        } else if changes_session(name, head.sub.as_slice()) {
            self.changed = true;
        }
    }

    /// False when the connection must be closed rather than returned.
    pub(crate) fn reusable(&self) -> bool {
        !self.in_multi && !self.changed
    }
}

fn changes_session(name: &[u8], sub: &[u8]) -> bool {
    const COMMANDS: &[&str] = &[
        "SELECT",
        "SUBSCRIBE",
        "PSUBSCRIBE",
        "SSUBSCRIBE",
        "MONITOR",
        "HELLO",
        "AUTH",
        "RESET",
        "READONLY",
        "READWRITE",
    ];
    const CLIENT: &[&str] = &[
        "SETNAME", "SETINFO", "TRACKING", "REPLY", "CACHING", "NO-EVICT", "NO-TOUCH",
    ];
    let any =
        |list: &[&str], word: &[u8]| list.iter().any(|c| word.eq_ignore_ascii_case(c.as_bytes()));
    any(COMMANDS, name) || (name.eq_ignore_ascii_case(b"CLIENT") && any(CLIENT, sub))
}

/// Keeps the first two arguments of a command: its name and subcommand.
#[derive(Default)]
struct Head {
    name: Vec<u8>,
    sub: Vec<u8>,
    seen: usize,
}

impl ArgWriter for Head {
    fn write_arg(&mut self, arg: &[u8]) {
        match self.seen {
            0 => self.name.extend_from_slice(arg),
            1 => self.sub.extend_from_slice(arg),
            _ => {}
        }
        self.seen += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cmd;

    fn after(cmds: &[&[&str]]) -> Session {
        let mut s = Session::default();
        for words in cmds {
            let mut cmd = Cmd::<()>::new(words[0]);
            for w in &words[1..] {
                cmd = cmd.arg(*w);
            }
            s.note(&cmd);
        }
        s
    }

    #[test]
    fn watch_is_tracked_until_cleared() {
        assert!(after(&[&["WATCH", "k"]]).watching);
        assert!(after(&[&["watch", "k"]]).watching);
        assert!(!after(&[&["WATCH", "k"], &["UNWATCH"]]).watching);
        assert!(!after(&[&["WATCH", "k"], &["EXEC"]]).watching);
        assert!(after(&[&["WATCH", "k"], &["GET", "k"]]).reusable());
    }

    #[test]
    fn open_multi_and_session_changes_are_not_reusable() {
        assert!(!after(&[&["MULTI"]]).reusable());
        assert!(after(&[&["MULTI"], &["INCR", "k"], &["EXEC"]]).reusable());
        assert!(after(&[&["MULTI"], &["DISCARD"]]).reusable());
        for cmd in [
            &["SELECT", "1"][..],
            &["subscribe", "ch"],
            &["CLIENT", "setname", "x"],
            &["HELLO", "2"],
        ] {
            assert!(!after(&[cmd]).reusable(), "{cmd:?}");
        }
    }

    #[test]
    fn ordinary_commands_leave_the_session_alone() {
        for cmd in [
            &["GET", "k"][..],
            &["CLIENT", "ID"],
            &["CLIENT", "LIST"],
            &["BLPOP", "k", "0"],
            &["PING"],
        ] {
            assert_eq!(after(&[cmd]), Session::default(), "{cmd:?}");
        }
    }
}
