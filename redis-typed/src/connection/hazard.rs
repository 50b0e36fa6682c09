//! Commands a multiplexed connection must not carry.
//!
//! The multiplexed connection pairs replies with callers strictly in order:
//! one reply (or one counted run of replies) per queued request. A few
//! commands break that pairing for every caller sharing the connection:
//!
//! - `SUBSCRIBE`, `PSUBSCRIBE`, `SSUBSCRIBE` and their `UNSUBSCRIBE`s sent
//!   as ordinary commands: on RESP3 they get no regular reply (their caller
//!   waits forever and the next caller's reply goes to the wrong request);
//!   on RESP2 the connection enters subscribed mode.
//! - `MONITOR`: every frame after its `OK` is a monitored command.
//! - `CLIENT REPLY OFF` and `CLIENT REPLY SKIP`: the server stops answering.
//! - `RESET`: drops authentication and the selected database, and switches
//!   the connection back to RESP2 under a driver that reads RESP3.
//! - `HELLO`: may switch the protocol or the user under the driver's feet.
//! - `SYNC` and `PSYNC`: the server streams its replication data (an RDB
//!   payload, then every write) as if the connection were a replica.
//!
//! [`refused`] scans the bytes a request wrote, command by command
//! (`*N\r\n$L\r\nNAME\r\n...`), and names the first such command. It only
//! compares a name in full when its length `L` and its first two letters
//! are those of a refused name, so a `GET` costs a look at its first ten
//! bytes. The subscription machinery's own `(P|S)(UN)SUBSCRIBE` (confirmed
//! by the driver) is written without going through this check.

use crate::commands::encoded::{self, may_be_refused};

/// A command the multiplexed connection refuses, and what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hazard {
    /// The command's name as documented (`"SUBSCRIBE"`, `"CLIENT REPLY OFF"`).
    pub command: &'static str,
    /// The way to get the same effect without desynchronising the
    /// connection.
    pub instead: &'static str,
}

const SUBSCRIBE_INSTEAD: &str = "use Client::subscribe/psubscribe/ssubscribe (RESP3) or \
     Client::subscriber(), which has a connection of its own";
const UNSUBSCRIBE_INSTEAD: &str = "unsubscribe through what subscribed: the Subscription \
     from Client::subscribe (Subscription::unsubscribe, or drop it) or the Subscriber from \
     Client::subscriber()";
const DEDICATED_INSTEAD: &str = "send it on a connection of its own from Client::dedicated()";

/// Every refused command whose name alone is enough, upper case.
const BY_NAME: &[Hazard] = &[
    Hazard {
        command: "SUBSCRIBE",
        instead: SUBSCRIBE_INSTEAD,
    },
    Hazard {
        command: "PSUBSCRIBE",
        instead: SUBSCRIBE_INSTEAD,
    },
    Hazard {
        command: "SSUBSCRIBE",
        instead: SUBSCRIBE_INSTEAD,
    },
    Hazard {
        command: "UNSUBSCRIBE",
        instead: UNSUBSCRIBE_INSTEAD,
    },
    Hazard {
        command: "PUNSUBSCRIBE",
        instead: UNSUBSCRIBE_INSTEAD,
    },
    Hazard {
        command: "SUNSUBSCRIBE",
        instead: UNSUBSCRIBE_INSTEAD,
    },
    Hazard {
        command: "MONITOR",
        instead: "send it on a connection of its own from Client::dedicated(), and drop that \
                  connection to stop",
    },
    Hazard {
        command: "RESET",
        instead: DEDICATED_INSTEAD,
    },
    Hazard {
        command: "HELLO",
        instead: "choose the protocol, credentials and client name in the ConnectionConfig \
                  (ConnectionConfig::protocol, credentials, client_name), or send it on a \
                  connection of its own from Client::dedicated()",
    },
    Hazard {
        command: "SYNC",
        instead: REPLICATION_INSTEAD,
    },
    Hazard {
        command: "PSYNC",
        instead: REPLICATION_INSTEAD,
    },
];

const REPLICATION_INSTEAD: &str = "a replication stream needs a connection of its own: send it \
     on one from Client::dedicated() and read the stream there";

/// A command of no arguments (a `Command` whose `write_args` wrote none):
/// the server skips it without a reply.
const EMPTY_COMMAND: Hazard = Hazard {
    command: "a command with no name",
    instead: "a command's arguments start with its name",
};

const CLIENT_REPLY_OFF: Hazard = Hazard {
    command: "CLIENT REPLY OFF",
    instead: DEDICATED_INSTEAD,
};
const CLIENT_REPLY_SKIP: Hazard = Hazard {
    command: "CLIENT REPLY SKIP",
    instead: DEDICATED_INSTEAD,
};

/// The first refused command among the first `commands` commands in
/// `bytes`, a run of whole commands as the encoder writes them.
///
/// `commands` is the request's reply count: one per command for every
/// command that is not refused, so the scan can stop at the last command's
/// name instead of walking its arguments. A single command with fewer than
/// ten arguments and a short name (nearly every request) is decided inline
/// from its first eight bytes and two letters of its name. Bytes that do
/// not parse as commands (never written by this crate) end the scan
/// without a finding; nothing here panics.
#[inline]
pub(crate) fn refused(bytes: &[u8], commands: usize) -> Option<Hazard> {
    if let [b'*', n, b'\r', b'\n', ref args @ ..] = *bytes {
        if commands == 1 && n.is_ascii_digit() && !encoded::suspect(args) {
            return None;
        }
    }
    scan(bytes, commands)
}

/// [`refused`] the long way: command by command, argument by argument.
fn scan(bytes: &[u8], commands: usize) -> Option<Hazard> {
    let mut pos = 0;
    for command in 0..commands {
        if pos >= bytes.len() {
            break;
        }
        let args;
        (args, pos) = header(bytes, pos, b'*')?;
        if args == 0 {
            // `*0`: the server answers nothing at all.
            return Some(EMPTY_COMMAND);
        }
        let (name, after) = bulk(bytes, pos)?;
        pos = after;
        if may_be_refused(name) {
            if name.eq_ignore_ascii_case(b"CLIENT") {
                if let Some(h) = client_subcommand(bytes, pos, args - 1) {
                    return Some(h);
                }
            } else if let Some(h) = by_name(name) {
                return Some(h);
            }
        }
        if command + 1 == commands {
            // The last command: its arguments need not be walked.
            break;
        }
        for _ in 1..args {
            pos = skip_bulk(bytes, pos)?;
        }
    }
    None
}

/// `CLIENT REPLY OFF|SKIP`, given the position and count of the arguments
/// after `CLIENT`.
fn client_subcommand(bytes: &[u8], pos: usize, args: usize) -> Option<Hazard> {
    if args < 2 {
        return None;
    }
    let (sub, pos) = bulk(bytes, pos)?;
    if !sub.eq_ignore_ascii_case(b"REPLY") {
        return None;
    }
    let (mode, _) = bulk(bytes, pos)?;
    if mode.eq_ignore_ascii_case(b"OFF") {
        Some(CLIENT_REPLY_OFF)
    } else if mode.eq_ignore_ascii_case(b"SKIP") {
        Some(CLIENT_REPLY_SKIP)
    } else {
        None
    }
}

fn by_name(name: &[u8]) -> Option<Hazard> {
    BY_NAME
        .iter()
        .find(|h| h.command.len() == name.len() && name.eq_ignore_ascii_case(h.command.as_bytes()))
        .copied()
}

/// The bulk string `$L\r\n<L bytes>\r\n` at `pos`, and the position after
/// it. Its closing `\r\n` is not checked here: whatever follows is parsed
/// as a header, which checks its own bytes.
#[inline(always)]
fn bulk(bytes: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let (len, start) = header(bytes, pos, b'$')?;
    let end = start.checked_add(len)?;
    let arg = bytes.get(start..end)?;
    Some((arg, end + 2))
}

/// The position after the bulk string at `pos`, reading only its `$` and
/// its length: the cheap way past arguments nobody looks at. The line ends
/// are assumed where the encoder puts them; on other bytes the position
/// lands wherever it lands, always forward, and the next header, checked,
/// ends the scan. Lengths below 100 are read from one four-byte chunk.
#[inline(always)]
fn skip_bulk(bytes: &[u8], pos: usize) -> Option<usize> {
    let &[marker, d1, d2, d3] = bytes.get(pos..)?.first_chunk::<4>()?;
    let (d1, d2, d3) = (
        d1.wrapping_sub(b'0'),
        d2.wrapping_sub(b'0'),
        d3.wrapping_sub(b'0'),
    );
    if marker != b'$' || d1 > 9 {
        return None;
    }
    // `$`, the digits, `\r\n`, the argument, `\r\n`.
    if d2 > 9 {
        return Some(pos + 6 + usize::from(d1));
    }
    if d3 > 9 {
        return Some(pos + 7 + usize::from(d1) * 10 + usize::from(d2));
    }
    let (len, after) = long_header(&bytes[pos..], b'$')?;
    pos.checked_add(after)?.checked_add(len)?.checked_add(2)
}

/// Parses `<marker><digits>\r\n` at `pos`: the number and the position
/// after the line. `None` for anything else (a missing marker or line end,
/// no digits, a number beyond `usize`). One or two digits (nearly every
/// count and length) take the short way.
#[inline(always)]
fn header(bytes: &[u8], pos: usize, marker: u8) -> Option<(usize, usize)> {
    let line = bytes.get(pos..)?;
    match *line {
        [m, d, b'\r', b'\n', ..] if m == marker && d.is_ascii_digit() => {
            Some((usize::from(d - b'0'), pos + 4))
        }
        [m, d1, d2, b'\r', b'\n', ..]
            if m == marker && d1.is_ascii_digit() && d2.is_ascii_digit() =>
        {
            Some((
                usize::from(d1 - b'0') * 10 + usize::from(d2 - b'0'),
                pos + 5,
            ))
        }
        _ => long_header(line, marker).map(|(n, used)| (n, pos + used)),
    }
}

/// [`header`] for any number of digits: the number and the bytes used.
#[cold]
fn long_header(line: &[u8], marker: u8) -> Option<(usize, usize)> {
    let (&m, rest) = line.split_first()?;
    if m != marker {
        return None;
    }
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || rest.get(digits..digits + 2)? != b"\r\n" {
        return None;
    }
    let mut n: usize = 0;
    for &d in &rest[..digits] {
        n = n.checked_mul(10)?.checked_add(usize::from(d - b'0'))?;
    }
    Some((n, digits + 3))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes commands the way the encoder does: `*N` then `$L` bulks.
    fn wire(commands: &[&[&str]]) -> Vec<u8> {
        let mut out = Vec::new();
        for args in commands {
            out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
            for a in *args {
                out.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
            }
        }
        out
    }

    fn refused_name(commands: &[&[&str]]) -> Option<&'static str> {
        refused(&wire(commands), commands.len()).map(|h| h.command)
    }

    fn cases(name: &str) -> [String; 3] {
        let mixed: String = name
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_lowercase()
                } else {
                    c
                }
            })
            .collect();
        [name.to_string(), name.to_ascii_lowercase(), mixed]
    }

    #[test]
    fn every_refused_name_is_found_in_any_case() {
        assert!(may_be_refused(b"CLIENT") && may_be_refused(b"client"));
        for h in BY_NAME {
            assert!(may_be_refused(h.command.as_bytes()), "{}", h.command);
            for name in cases(h.command) {
                assert_eq!(refused_name(&[&[&name]]), Some(h.command), "{name}");
                assert_eq!(
                    refused_name(&[&[&name, "news", "orders"]]),
                    Some(h.command),
                    "{name} with arguments"
                );
            }
        }
    }

    #[test]
    fn client_reply_off_and_skip_are_refused_on_is_not() {
        for client in cases("CLIENT") {
            for reply in cases("REPLY") {
                for off in cases("OFF") {
                    assert_eq!(
                        refused_name(&[&[&client, &reply, &off]]),
                        Some("CLIENT REPLY OFF")
                    );
                }
                for skip in cases("SKIP") {
                    assert_eq!(
                        refused_name(&[&[&client, &reply, &skip]]),
                        Some("CLIENT REPLY SKIP")
                    );
                }
                for on in cases("ON") {
                    assert_eq!(refused_name(&[&[&client, &reply, &on]]), None);
                }
            }
        }
        // A bare CLIENT REPLY gets an error reply: harmless.
        assert_eq!(refused_name(&[&["CLIENT", "REPLY"]]), None);
    }

    #[test]
    fn look_alikes_pass() {
        for args in [
            &["SUBSCRIBERS"][..],
            &["SUBSCRIB"],
            &["HELLOWORLD"],
            &["HELL"],
            &["RESETSTAT"],
            &["MONITORS"],
            &["CLIENT", "LIST"],
            &["CLIENT", "INFO"],
            &["CLIENT", "SETNAME", "REPLY"],
            &["CLIENT", "KILL", "REPLY", "OFF"],
            &["CLIENTS", "REPLY", "OFF"],
            &["PUBLISH", "SUBSCRIBE", "HELLO"],
            &["SET", "RESET", "MONITOR"],
            &["CONFIG", "RESETSTAT"],
            &["PUBSUB", "CHANNELS"],
            &["ACL", "RESET"],
            &["GET", "k"],
            &["AUTH", "user", "HELLO"],
        ] {
            assert_eq!(refused_name(&[args]), None, "{args:?}");
        }
        // An argument that looks like a refused command does not hide the
        // command after it.
        assert_eq!(
            refused_name(&[&["SET", "SUBSCRIBE", "MONITOR"], &["subscribe", "x"]]),
            Some("SUBSCRIBE")
        );
    }

    #[test]
    fn a_refused_command_anywhere_in_a_pipeline_is_found() {
        let get: &[&str] = &["GET", "k"];
        let set: &[&str] = &["SET", "k", "a value\r\n*1\r\n$7\r\nMONITOR"];
        assert_eq!(refused_name(&[get, set, get]), None);
        assert_eq!(
            refused_name(&[get, set, &["monitor"], get]),
            Some("MONITOR")
        );
        assert_eq!(refused_name(&[set, get, &["reset"]]), Some("RESET"));
        // A transaction is MULTI, the commands, EXEC.
        assert_eq!(
            refused_name(&[&["MULTI"], get, &["Subscribe", "news"], &["EXEC"]]),
            Some("SUBSCRIBE")
        );
        assert_eq!(
            refused_name(&[&["MULTI"], get, &["CLIENT", "REPLY", "ON"], &["EXEC"]]),
            None
        );
        // The first of several is named.
        assert_eq!(
            refused_name(&[&["HELLO", "3"], &["MONITOR"]]),
            Some("HELLO")
        );
    }

    #[test]
    fn the_scan_covers_as_many_commands_as_replies_are_expected() {
        let bytes = wire(&[&["GET", "k"], &["SET", "k", "v"], &["MONITOR"]]);
        assert_eq!(refused(&bytes, 3).map(|h| h.command), Some("MONITOR"));
        assert_eq!(
            refused(&bytes, usize::MAX).map(|h| h.command),
            Some("MONITOR")
        );
        // Fewer replies than commands never happens for commands that are
        // not refused; the scan stops where the count says.
        assert_eq!(refused(&bytes, 2), None);
        assert_eq!(refused(&bytes, 0), None);
        // A CLIENT last in the scan still has its subcommand checked.
        let bytes = wire(&[&["GET", "k"], &["CLIENT", "REPLY", "SKIP"]]);
        assert_eq!(
            refused(&bytes, 2).map(|h| h.command),
            Some("CLIENT REPLY SKIP")
        );
        // An empty command is refused itself (the server would answer
        // nothing), before whatever follows it.
        let mut bytes = b"*0\r\n".to_vec();
        bytes.extend_from_slice(&wire(&[&["RESET"]]));
        assert_eq!(refused(&bytes, 2), Some(EMPTY_COMMAND));
    }

    #[test]
    fn arguments_of_every_length_class_are_skipped_exactly() {
        // 0, one digit, two digits, three and more: the skip's short ways
        // and its long way, each followed by a refused command.
        for len in [0, 1, 9, 10, 99, 100, 101, 1000] {
            let arg = "x".repeat(len);
            let set: &[&str] = &["SET", &arg, &arg];
            for at in 0..3 {
                let mut commands = vec![set; 3];
                commands.insert(at, &["MONITOR"]);
                assert_eq!(refused_name(&commands), Some("MONITOR"), "{len} {at}");
                commands[at] = &["GET", "k"];
                assert_eq!(refused_name(&commands), None, "{len} {at}");
            }
        }
    }

    #[test]
    fn long_arguments_are_skipped_by_length() {
        let big = "SUBSCRIBE".repeat(1000);
        assert_eq!(refused_name(&[&["SET", "k", &big], &["GET", "k"]]), None);
        assert_eq!(
            refused_name(&[&["SET", "k", &big], &["SSUBSCRIBE", "k"]]),
            Some("SSUBSCRIBE")
        );
        // Lengths of 10 and more take more than one digit.
        let ten = "0123456789";
        assert_eq!(
            refused_name(&[&["SET", ten, ten], &["PUNSUBSCRIBE"]]),
            Some("PUNSUBSCRIBE")
        );
    }

    #[test]
    fn malformed_bytes_end_the_scan_without_panicking() {
        let good = wire(&[&["GET", "k"], &["MONITOR"]]);
        // Every truncation, and every single-byte corruption, of a run
        // of commands.
        for end in 0..good.len() {
            let _ = refused(&good[..end], usize::MAX);
            let _ = refused(&good[..end], 2);
        }
        for i in 0..good.len() {
            for b in [0u8, b'*', b'$', b'\r', b'\n', b'9', b'-', 0xff] {
                let mut bad = good.clone();
                bad[i] = b;
                let _ = refused(&bad, usize::MAX);
                let _ = refused(&bad, 2);
            }
        }
        for bad in [
            &b"*"[..],
            b"*\r\n",
            b"*1\r\n",
            b"*1\r\n$",
            b"*1\r\n$7\r\nMONI",
            b"*1\r\n$99999999999999999999999999\r\nMONITOR\r\n",
            b"*99999999999999999999999999\r\n",
            b"*1\r\n$18446744073709551615\r\nMONITOR\r\n",
            b"+OK\r\n",
            b"*1\r\n$-1\r\n",
            b"*1\n$7\nMONITOR\n",
        ] {
            for commands in [1, 2, usize::MAX] {
                let shown = String::from_utf8_lossy(bad);
                assert_eq!(refused(bad, commands), None, "{shown:?}");
            }
        }
        // An empty command (`*0`: no reply from the server) is refused,
        // alone or in a run.
        assert_eq!(refused(b"*0\r\n", 1), Some(EMPTY_COMMAND));
        let mut run = wire(&[&["GET", "k"]]);
        run.extend_from_slice(b"*0\r\n");
        assert_eq!(refused(&run, 2), Some(EMPTY_COMMAND));
        // A complete refused command before the damage is still found.
        let mut tail = wire(&[&["MONITOR"]]);
        tail.extend_from_slice(b"*1\r\n$");
        assert_eq!(refused(&tail, 2).map(|h| h.command), Some("MONITOR"));
    }

    #[test]
    fn the_advice_never_repeats_an_argument() {
        // The error is built from static text only: a password inside
        // `HELLO 3 AUTH user secret` cannot reach it.
        let h = refused(&wire(&[&["HELLO", "3", "AUTH", "user", "s3cret"]]), 1).unwrap();
        assert!(!h.command.contains("s3cret") && !h.instead.contains("s3cret"));
    }
}
