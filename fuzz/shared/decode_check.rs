//! Shared between the `decode` fuzz target (`fuzz/fuzz_targets/`) and the
//! property tests (`tests/fuzz_props.rs`), both of which include it with
//! `#[path = ...] mod decode_check;`: feed bytes to a [`Decoder`] whole and
//! split at chosen points, and check that both give the same outcome and
//! that every decoded value respects the decoder's limits.
// Each includer uses part of this module.
#![allow(dead_code)]

use bytes::BytesMut;
use redis_typed::resp::{Decoder, DecoderLimits, ProtocolError};
use redis_typed::Value;

/// Everything a stream of bytes decoded into.
#[derive(Debug)]
pub struct Outcome {
    /// The complete top-level frames, in order.
    pub values: Vec<Value>,
    /// The error that ended decoding, if any.
    pub error: Option<ProtocolError>,
    /// Without an error: true when the input ended inside a frame.
    pub mid_frame: bool,
}

/// Small limits, so that every limit is reachable by short inputs.
pub fn small_limits(seed: u8) -> DecoderLimits {
    DecoderLimits {
        max_depth: 1 + (seed & 0x3) as usize,
        max_bulk_len: 1 + ((seed >> 2) & 0xf) as usize,
        max_aggregate_len: 1 + ((seed >> 4) & 0x7) as usize,
        max_line_len: 1 + ((seed >> 1) & 0x1f) as usize,
    }
}

/// Decodes `data`, appending it to the buffer in chunks cut at `splits`
/// (positions into `data`, in any order, out-of-range ones ignored) and
/// draining every complete frame after each chunk.
pub fn decode_in_chunks(limits: DecoderLimits, data: &[u8], splits: &[usize]) -> Outcome {
    let mut cuts: Vec<usize> = splits
        .iter()
        .copied()
        .filter(|&s| s > 0 && s < data.len())
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    cuts.push(data.len());

    let mut decoder = Decoder::with_limits(limits);
    let mut buf = BytesMut::new();
    let mut values = Vec::new();
    let mut start = 0;
    for end in cuts {
        buf.extend_from_slice(&data[start..end]);
        start = end;
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(value)) => {
                    check_within_limits(&value, &limits);
                    values.push(value);
                }
                Ok(None) => break,
                Err(error) => {
                    // Poisoned: the same error again, whatever comes next.
                    assert!(decoder.is_poisoned());
                    assert_eq!(decoder.decode(&mut buf), Err(error.clone()));
                    return Outcome {
                        values,
                        error: Some(error),
                        mid_frame: false,
                    };
                }
            }
        }
    }
    let mid_frame = decoder.is_mid_frame() || !buf.is_empty();
    Outcome {
        values,
        error: None,
        mid_frame,
    }
}

/// Decodes `data` whole and split at `splits`, and panics unless both
/// outcomes are the same. Returns the whole-input outcome.
pub fn check_split_invariance(limits: DecoderLimits, data: &[u8], splits: &[usize]) -> Outcome {
    let whole = decode_in_chunks(limits, data, &[]);
    let split = decode_in_chunks(limits, data, splits);
    assert_eq!(
        whole.values.len(),
        split.values.len(),
        "frame count differs: whole {whole:?}, split at {splits:?} {split:?}"
    );
    for (a, b) in whole.values.iter().zip(&split.values) {
        assert!(
            same_value(a, b),
            "values differ: whole {a:?}, split at {splits:?} {b:?}"
        );
    }
    assert_eq!(whole.error, split.error, "split at {splits:?}");
    assert_eq!(whole.mid_frame, split.mid_frame, "split at {splits:?}");
    whole
}

/// Structural equality, with doubles compared bit for bit (`NaN == NaN`).
pub fn same_value(a: &Value, b: &Value) -> bool {
    fn all(a: &[Value], b: &[Value]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_value(x, y))
    }
    fn pairs(a: &[(Value, Value)], b: &[(Value, Value)]) -> bool {
        a.len() == b.len()
            && a.iter()
                .zip(b)
                .all(|((k1, v1), (k2, v2))| same_value(k1, k2) && same_value(v1, v2))
    }
    match (a, b) {
        (Value::Double(x), Value::Double(y)) => x.to_bits() == y.to_bits(),
        (Value::Array(x), Value::Array(y))
        | (Value::Set(x), Value::Set(y))
        | (Value::Push(x), Value::Push(y)) => all(x, y),
        (Value::Map(x), Value::Map(y)) => pairs(x, y),
        (
            Value::Attribute {
                attributes: a1,
                value: v1,
            },
            Value::Attribute {
                attributes: a2,
                value: v2,
            },
        ) => pairs(a1, a2) && same_value(v1, v2),
        _ => a == b,
    }
}

/// Aggregate nesting of a decoded value: an aggregate (even empty) or an
/// attribute is one level above its deepest child.
pub fn depth(value: &Value) -> usize {
    let deepest = |items: &mut dyn Iterator<Item = &Value>| items.map(depth).max().unwrap_or(0);
    match value {
        Value::Array(v) | Value::Set(v) | Value::Push(v) => 1 + deepest(&mut v.iter()),
        Value::Map(p) => 1 + deepest(&mut p.iter().flat_map(|(k, v)| [k, v])),
        Value::Attribute { attributes, value } => {
            1 + deepest(
                &mut attributes
                    .iter()
                    .flat_map(|(k, v)| [k, v])
                    .chain(std::iter::once(&**value)),
            )
        }
        _ => 0,
    }
}

/// Panics unless `value` respects `limits`: nothing the decoder accepted may
/// be deeper, longer or larger than the limits allow.
pub fn check_within_limits(value: &Value, limits: &DecoderLimits) {
    assert!(
        depth(value) <= limits.max_depth,
        "depth {} over {limits:?}: {value:?}",
        depth(value)
    );
    check_sizes(value, limits);
}

fn check_sizes(value: &Value, limits: &DecoderLimits) {
    match value {
        Value::BulkString(b) => assert!(b.len() <= limits.max_bulk_len, "{value:?}"),
        Value::SimpleString(b) | Value::BigNumber(b) => {
            assert!(b.len() <= limits.max_line_len, "{value:?}")
        }
        // An error is a line (`-`) or a blob (`!`).
        Value::Error(b) => assert!(
            b.len() <= limits.max_line_len.max(limits.max_bulk_len),
            "{value:?}"
        ),
        Value::Verbatim { text, .. } => {
            assert!(text.len() + 4 <= limits.max_bulk_len, "{value:?}")
        }
        Value::Array(v) | Value::Set(v) | Value::Push(v) => {
            assert!(v.len() <= limits.max_aggregate_len, "{value:?}");
            v.iter().for_each(|x| check_sizes(x, limits));
        }
        Value::Map(p) => {
            assert!(p.len() <= limits.max_aggregate_len, "{value:?}");
            p.iter().for_each(|(k, v)| {
                check_sizes(k, limits);
                check_sizes(v, limits);
            });
        }
        Value::Attribute { attributes, value } => {
            assert!(attributes.len() <= limits.max_aggregate_len);
            attributes.iter().for_each(|(k, v)| {
                check_sizes(k, limits);
                check_sizes(v, limits);
            });
            check_sizes(value, limits);
        }
        Value::Nil | Value::Integer(_) | Value::Double(_) | Value::Boolean(_) => {}
    }
}
