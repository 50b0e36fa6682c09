//! Multi-key commands whose keys span several slots: `MGET`, `MSET`,
//! `DEL`, `EXISTS`, `UNLINK`, `TOUCH` are split into one command per slot
//! (the server refuses keys of two slots even on the same node), sent in
//! parallel, and their replies merged back in the caller's order.

use bytes::{Bytes, BytesMut};

use super::router::Merge;
use super::slot::hash_slot;
use crate::commands::encode;
use crate::resp::Value;
use crate::Cmd;

/// Splits `args` (the name first) by slot. `None` for a command that
/// cannot be split.
pub(crate) fn split(name: &[u8], args: Vec<Vec<u8>>) -> Option<(Vec<(u16, Bytes)>, Merge)> {
    let step = match name {
        b"MGET" | b"DEL" | b"EXISTS" | b"UNLINK" | b"TOUCH" => 1,
        b"MSET" => 2,
        _ => return None,
    };
    let name = std::str::from_utf8(name).ok()?;
    let items = &args[1..];
    if !items.len().is_multiple_of(step) {
        return None;
    }
    // Slots in order of first appearance; per slot, the original positions.
    let mut groups: Vec<(u16, Vec<usize>)> = Vec::new();
    for (i, item) in items.chunks(step).enumerate() {
        let slot = hash_slot(&item[0]);
        match groups.iter_mut().find(|(s, _)| *s == slot) {
            Some((_, positions)) => positions.push(i),
            None => groups.push((slot, vec![i])),
        }
    }
    let parts = groups
        .iter()
        .map(|(slot, positions)| {
            let mut cmd = Cmd::<Value>::new(name);
            for &i in positions {
                let item = &items[i * step..(i + 1) * step];
                cmd = cmd.key(&item[0][..]);
                if step == 2 {
                    cmd = cmd.arg(&item[1][..]);
                }
            }
            let mut out = BytesMut::new();
            encode(&cmd, &mut out);
            (*slot, out.freeze())
        })
        .collect();
    let merge = match name {
        "MGET" => Merge::Positions(groups.into_iter().map(|(_, p)| p).collect(), items.len()),
        "MSET" => Merge::Ok,
        _ => Merge::Sum,
    };
    Some((parts, merge))
}

/// Merges the replies of the parts (in part order).
pub(crate) fn merge(merge: &Merge, replies: Vec<Value>) -> Value {
    match merge {
        Merge::Positions(positions, len) => {
            let mut out = vec![Value::Nil; *len];
            for (reply, positions) in replies.into_iter().zip(positions) {
                let items = match reply {
                    Value::Array(items) | Value::Set(items) => items,
                    other => return other,
                };
                for (item, &i) in items.into_iter().zip(positions) {
                    out[i] = item;
                }
            }
            Value::Array(out)
        }
        Merge::Sum => {
            let mut sum = 0;
            for reply in replies {
                match reply {
                    Value::Integer(n) => sum += n,
                    other => return other,
                }
            }
            Value::Integer(sum)
        }
        Merge::Ok => replies
            .into_iter()
            .find(|r| !matches!(r, Value::SimpleString(_)))
            .unwrap_or(Value::SimpleString(Bytes::from_static(b"OK"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mget_positions_round_trip() {
        let args: Vec<Vec<u8>> = ["MGET", "a", "b", "{a}x"]
            .iter()
            .map(|s| s.as_bytes().to_vec())
            .collect();
        let (parts, m) = split(b"MGET", args).unwrap();
        assert_eq!(parts.len(), 2);
        let replies = vec![
            Value::Array(vec![Value::Integer(1), Value::Integer(3)]),
            Value::Array(vec![Value::Integer(2)]),
        ];
        assert_eq!(
            merge(&m, replies),
            Value::Array(vec![
                Value::Integer(1),
                Value::Integer(2),
                Value::Integer(3)
            ])
        );
    }
}
