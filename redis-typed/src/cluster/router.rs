//! Where a command goes: decided from its keys and, for keyless commands,
//! from its name (the first one or two arguments `write_args` writes).

use bytes::{Bytes, BytesMut};

use super::multikey;
use super::slot::hash_slot;
use crate::commands::Command;
use crate::error::{Error, Result, ServerError};
use crate::resp::{write_array_header, ArgWriter, BulkWriter};

/// Records the first two arguments a command writes (its name, and its
/// subcommand if any), upper-cased.
#[derive(Debug, Default)]
pub(crate) struct NameCapture {
    pub name: Vec<u8>,
    pub sub: Vec<u8>,
    count: usize,
}

impl ArgWriter for NameCapture {
    fn write_arg(&mut self, arg: &[u8]) {
        match self.count {
            0 => self.name = arg.to_ascii_uppercase(),
            1 => self.sub = arg.to_ascii_uppercase(),
            _ => {}
        }
        self.count += 1;
    }
}

/// Collects every argument (for splitting multi-key commands).
#[derive(Debug, Default)]
pub(crate) struct ArgCollect(pub Vec<Vec<u8>>);

impl ArgWriter for ArgCollect {
    fn write_arg(&mut self, arg: &[u8]) {
        self.0.push(arg.to_vec());
    }
}

/// How the replies of a command sent to every primary are combined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Combine {
    /// Integers summed (`DBSIZE`).
    Sum,
    /// Arrays concatenated (`KEYS`).
    Concat,
    /// The first reply, once all succeeded (`FLUSHALL`, `SCRIPT LOAD`).
    First,
}

/// How the pieces of a split multi-key command are put back together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Merge {
    /// `MGET`: reply `i` of part `p` goes to position `positions[p][i]`.
    Positions(Vec<Vec<usize>>, usize),
    /// `DEL`/`EXISTS`/`UNLINK`/`TOUCH`: counts summed.
    Sum,
    /// `MSET`: `OK` once all parts said `OK`.
    Ok,
}

/// A command, encoded once, with its route.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub plan: Plan,
    pub read_only: bool,
}

/// The route of a prepared command.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// To the shard of `slot`.
    Slot { slot: u16, bytes: Bytes },
    /// Split by slot, sent in parallel, merged.
    Split {
        parts: Vec<(u16, Bytes)>,
        merge: Merge,
    },
    /// To every primary, replies combined.
    AllPrimaries { bytes: Bytes, combine: Combine },
    /// To every node, primaries and replicas, replies combined: state each
    /// node keeps for itself and replication does not carry (the script
    /// cache).
    AllNodes { bytes: Bytes, combine: Combine },
    /// To any primary.
    Any { bytes: Bytes },
}

/// Measures the RESP encoding of a command: its argument count and its
/// size in bytes, so the buffer it is encoded into is allocated once, at
/// the right size (growing an empty buffer argument by argument costs a
/// few reallocations per command).
#[derive(Debug, Default)]
struct EncodedSize {
    args: usize,
    bytes: usize,
}

/// The number of decimal digits of `n`.
fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

impl ArgWriter for EncodedSize {
    fn write_arg(&mut self, arg: &[u8]) {
        self.args += 1;
        // `$<len>\r\n<arg>\r\n`
        self.bytes += 1 + digits(arg.len()) + 2 + arg.len() + 2;
    }
}

fn encoded<C: Command + ?Sized>(cmd: &C) -> Bytes {
    let mut size = EncodedSize::default();
    cmd.write_args(&mut size);
    // `*<count>\r\n` and the arguments.
    // (`encode` itself, with the count now known, minus its counting pass.)
    let mut out = BytesMut::with_capacity(1 + digits(size.args) + 2 + size.bytes);
    write_array_header(&mut out, size.args);
    cmd.write_args(&mut BulkWriter::new(&mut out));
    out.freeze()
}

/// Keyless commands that go to every primary, and how their replies combine.
///
/// Functions (`FUNCTION LOAD`...) are data: a replica refuses them
/// (`READONLY`) and gets them from its primary by replication.
fn fan_out(name: &[u8], sub: &[u8]) -> Option<Combine> {
    Some(match (name, sub) {
        (b"DBSIZE", _) => Combine::Sum,
        (b"KEYS", _) => Combine::Concat,
        (b"FLUSHALL" | b"FLUSHDB", _) => Combine::First,
        (b"SCRIPT", b"LOAD" | b"FLUSH" | b"KILL") => Combine::First,
        (b"FUNCTION", b"LOAD" | b"DELETE" | b"FLUSH" | b"RESTORE") => Combine::First,
        _ => return None,
    })
}

/// Keyless commands that must reach the replicas too: since Redis 7.0 the
/// script cache is not replicated (`SCRIPT LOAD` on a primary leaves its
/// replicas without the script, so an `EVALSHA_RO` balanced to a replica
/// would fail with `NOSCRIPT`), and replicas accept `SCRIPT LOAD` and
/// `SCRIPT FLUSH`.
fn every_node(name: &[u8], sub: &[u8]) -> bool {
    matches!((name, sub), (b"SCRIPT", b"LOAD" | b"FLUSH"))
}

/// The CROSSSLOT error the server would send, raised before sending.
pub(crate) fn cross_slot(name: &[u8], slots: &[u16]) -> Error {
    let mut slots = slots.to_vec();
    slots.sort_unstable();
    slots.dedup();
    let list: Vec<String> = slots.iter().map(u16::to_string).collect();
    let text = format!(
        "CROSSSLOT Keys in request don't hash to the same slot (client-side check: {} \
         touches slots {}; use {{hash tags}} to keep them in one slot)",
        String::from_utf8_lossy(name),
        list.join(", ")
    );
    Error::Server(ServerError::new(text.into()))
}

/// Prepares a command: encodes it and decides its route.
/// Refuses, before anything is routed or sent, a command that would
/// desynchronise the multiplexed node connections (`SSUBSCRIBE`,
/// `MONITOR`, ...): a pipeline holding one then fails whole, rather than
/// after its parts for other nodes went out.
fn refuse_hazard(bytes: &[u8]) -> Result<()> {
    match crate::connection::hazard::refused(bytes, 1) {
        None => Ok(()),
        Some(hazard) => Err(crate::Error::NotMultiplexable {
            command: hazard.command,
            instead: hazard.instead,
        }),
    }
}

pub(crate) fn prepare<C: Command + ?Sized>(cmd: &C) -> Result<Prepared> {
    let read_only = cmd.read_only();
    // The common case (one slot) allocates nothing: the slots are only
    // collected again when they differ.
    let mut first: Option<u16> = None;
    let mut mixed = false;
    cmd.for_each_key(&mut |k| {
        let slot = hash_slot(k);
        match first {
            None => first = Some(slot),
            Some(f) => mixed |= f != slot,
        }
    });
    let plan = match first {
        Some(slot) if !mixed => {
            let bytes = encoded(cmd);
            refuse_hazard(&bytes)?;
            Plan::Slot { slot, bytes }
        }
        Some(_) => {
            let mut slots: Vec<u16> = Vec::new();
            cmd.for_each_key(&mut |k| slots.push(hash_slot(k)));
            let mut name = NameCapture::default();
            cmd.write_args(&mut name);
            let mut args = ArgCollect::default();
            cmd.write_args(&mut args);
            match multikey::split(&name.name, args.0) {
                Some((parts, merge)) => Plan::Split { parts, merge },
                None => return Err(cross_slot(&name.name, &slots)),
            }
        }
        None => {
            let mut name = NameCapture::default();
            cmd.write_args(&mut name);
            let bytes = encoded(cmd);
            refuse_hazard(&bytes)?;
            match fan_out(&name.name, &name.sub) {
                Some(combine) if every_node(&name.name, &name.sub) => {
                    Plan::AllNodes { bytes, combine }
                }
                Some(combine) => Plan::AllPrimaries { bytes, combine },
                None => Plan::Any { bytes },
            }
        }
    };
    Ok(Prepared { plan, read_only })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::encode;
    use crate::Cmd;

    #[test]
    fn routes_by_key_and_name() {
        let p = prepare(&Cmd::<()>::new("GET").key("foo")).unwrap();
        assert!(matches!(p.plan, Plan::Slot { slot: 12182, .. }));
        let p = prepare(&Cmd::<i64>::new("dbsize")).unwrap();
        assert!(matches!(
            p.plan,
            Plan::AllPrimaries {
                combine: Combine::Sum,
                ..
            }
        ));
        let p = prepare(&Cmd::<()>::new("script").arg("load").arg("return 1")).unwrap();
        assert!(matches!(p.plan, Plan::AllNodes { .. }));
        let p = prepare(&Cmd::<()>::new("SCRIPT").arg("FLUSH")).unwrap();
        assert!(matches!(p.plan, Plan::AllNodes { .. }));
        let p = prepare(&Cmd::<()>::new("SCRIPT").arg("KILL")).unwrap();
        assert!(matches!(p.plan, Plan::AllPrimaries { .. }));
        let p = prepare(&Cmd::<()>::new("FUNCTION").arg("LOAD").arg("code")).unwrap();
        assert!(matches!(p.plan, Plan::AllPrimaries { .. }));
        let p = prepare(&Cmd::<()>::new("PING")).unwrap();
        assert!(matches!(p.plan, Plan::Any { .. }));
        let e = prepare(&Cmd::<()>::new("SUNION").key("a").key("b")).unwrap_err();
        assert_eq!(e.kind(), Some(crate::ErrorKind::CrossSlot));
        assert!(e.to_string().contains("15495"), "{e}");
    }

    /// The buffer is sized exactly: no reallocation while encoding, and no
    /// byte left over.
    #[test]
    fn encoded_buffers_are_sized_exactly() {
        let long = "v".repeat(1234);
        let cmds = [
            Cmd::<()>::new("GET").key("foo"),
            Cmd::<()>::new("PING"),
            Cmd::<()>::new("SET")
                .key("k")
                .arg(long.as_str())
                .arg("EX")
                .arg("60"),
            Cmd::<()>::new("MSET")
                .key("a")
                .arg("1")
                .key("b")
                .arg("2")
                .key("c")
                .arg("3")
                .key("d")
                .arg("4")
                .key("e")
                .arg("5"),
        ];
        for cmd in &cmds {
            let mut plain = BytesMut::new();
            encode(cmd, &mut plain);
            let mut size = EncodedSize::default();
            cmd.write_args(&mut size);
            assert_eq!(1 + digits(size.args) + 2 + size.bytes, plain.len());
            assert_eq!(encoded(cmd), plain.freeze());
        }
        assert_eq!(
            (digits(0), digits(9), digits(10), digits(1234)),
            (1, 1, 2, 4)
        );
    }
}
