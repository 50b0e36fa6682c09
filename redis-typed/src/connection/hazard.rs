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
//!
//! [`refused`] scans the bytes a request wrote, command by command
//! (`*N\r\n$L\r\nNAME\r\n...`), and names the first such command. It only
//! compares a name whose length `L` is the length of some refused name, so
//! a `GET` costs two header parses and a bit test. The subscription
//! machinery's own `(P|S)(UN)SUBSCRIBE` (confirmed by the driver) is
//! written without going through this check.

/// A command the multiplexed connection refuses, and what to do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hazard {
    /// The command's name as documented (`"SUBSCRIBE"`, `"CLIENT REPLY OFF"`).
    pub command: &'static str,
    /// The way to get the same effect without desynchronising the
    /// connection.
    pub instead: &'static str,
}

const SUBSCRIBE_INSTEAD: &str = "use Client::subscribe/psubscribe/ssubscribe (RESP3), \
     Client::subscriber(), or a connection of its own from Client::dedicated()";
const UNSUBSCRIBE_INSTEAD: &str = "unsubscribe through the Subscription or Subscriber that \
     subscribed (Subscription::unsubscribe, or drop it), or use a connection of its own from \
     Client::dedicated()";
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
];

const CLIENT_REPLY_OFF: Hazard = Hazard {
    command: "CLIENT REPLY OFF",
    instead: DEDICATED_INSTEAD,
};
const CLIENT_REPLY_SKIP: Hazard = Hazard {
    command: "CLIENT REPLY SKIP",
    instead: DEDICATED_INSTEAD,
};

/// Bit `L` is set when some refused name (or `CLIENT`) is `L` bytes long:
/// 5 (`RESET`, `HELLO`), 6 (`CLIENT`), 7 (`MONITOR`), 9 to 12 (the
/// subscribe family). Checked by `suspect_length` against [`BY_NAME`].
const SUSPECT_LENGTHS: u16 = (1 << 5) | (1 << 6) | (1 << 7) | (0b1111 << 9);

#[inline]
fn suspect_length(len: usize) -> bool {
    len < 16 && SUSPECT_LENGTHS & (1 << len) != 0
}

/// The first refused command in `bytes`, a run of whole commands as the
/// encoder writes them. Bytes that do not parse as commands (never written
/// by this crate) end the scan without a finding; nothing here panics.
pub(crate) fn refused(mut bytes: &[u8]) -> Option<Hazard> {
    while !bytes.is_empty() {
        let (args, rest) = header(bytes, b'*')?;
        bytes = rest;
        // What the first argument (the name) made of this command.
        let mut client = false;
        let mut reply = false;
        for i in 0..args {
            let (len, rest) = header(bytes, b'$')?;
            let arg = rest.get(..len)?;
            bytes = rest.get(len.checked_add(2)?..)?;
            match i {
                0 if suspect_length(len) => {
                    if arg.eq_ignore_ascii_case(b"CLIENT") {
                        client = true;
                    } else if let Some(h) = by_name(arg) {
                        return Some(h);
                    }
                }
                1 if client => reply = arg.eq_ignore_ascii_case(b"REPLY"),
                2 if reply => {
                    if arg.eq_ignore_ascii_case(b"OFF") {
                        return Some(CLIENT_REPLY_OFF);
                    }
                    if arg.eq_ignore_ascii_case(b"SKIP") {
                        return Some(CLIENT_REPLY_SKIP);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

fn by_name(name: &[u8]) -> Option<Hazard> {
    BY_NAME
        .iter()
        .find(|h| h.command.len() == name.len() && name.eq_ignore_ascii_case(h.command.as_bytes()))
        .copied()
}

/// Parses `<marker><digits>\r\n` at the start of `bytes`: the number and
/// what follows the line. `None` for anything else (a missing marker or
/// line end, no digits, a number beyond `usize`).
#[inline]
fn header(bytes: &[u8], marker: u8) -> Option<(usize, &[u8])> {
    let (&first, rest) = bytes.split_first()?;
    if first != marker {
        return None;
    }
    let mut n: usize = 0;
    let mut digits = 0;
    for &b in rest {
        if !b.is_ascii_digit() {
            break;
        }
        n = n.checked_mul(10)?.checked_add(usize::from(b - b'0'))?;
        digits += 1;
    }
    if digits == 0 {
        return None;
    }
    match rest.get(digits..digits + 2)? {
        b"\r\n" => Some((n, &rest[digits + 2..])),
        _ => None,
    }
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
        refused(&wire(commands)).map(|h| h.command)
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
        for h in BY_NAME {
            assert!(suspect_length(h.command.len()), "{}", h.command);
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
            let _ = refused(&good[..end]);
        }
        for i in 0..good.len() {
            for b in [0u8, b'*', b'$', b'\r', b'\n', b'9', b'-', 0xff] {
                let mut bad = good.clone();
                bad[i] = b;
                let _ = refused(&bad);
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
            assert_eq!(refused(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        // A complete refused command before the damage is still found.
        let mut tail = wire(&[&["MONITOR"]]);
        tail.extend_from_slice(b"*1\r\n$");
        assert_eq!(refused(&tail).map(|h| h.command), Some("MONITOR"));
    }

    #[test]
    fn the_advice_never_repeats_an_argument() {
        // The error is built from static text only: a password inside
        // `HELLO 3 AUTH user secret` cannot reach it.
        let h = refused(&wire(&[&["HELLO", "3", "AUTH", "user", "s3cret"]])).unwrap();
        assert!(!h.command.contains("s3cret") && !h.instead.contains("s3cret"));
    }
}
