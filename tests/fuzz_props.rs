//! The fuzz targets of `fuzz/` as property tests in the normal test suite:
//!
//! - arbitrary [`Value`]s decode as every response type of the catalogue
//!   without a panic, failing only with typed decoding errors;
//! - arbitrary bytes (raw, and RESP-shaped) split at arbitrary points decode
//!   without a panic and to the same frames as when fed whole, within the
//!   decoder's limits;
//! - the decoder's memory is bounded by what has arrived, whatever lengths
//!   the input declares: measured with a per-thread counting allocator.
//!
//! The value builder, the type list and the split check are shared with the
//! fuzz targets (`fuzz/shared/*.rs`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bytes::BytesMut;
use proptest::prelude::*;
use redis_typed::resp::{Decoder, DecoderLimits, ProtocolError};

#[path = "../fuzz/shared/catalogue.rs"]
mod catalogue;
#[path = "../fuzz/shared/decode_check.rs"]
mod decode_check;

use catalogue::{arbitrary_value, decode_every_response_type, Choices};
use decode_check::{check_split_invariance, small_limits};

// ---------------------------------------------------------------------------
// A counting allocator: live bytes and their peak, per thread, so that tests
// running in parallel do not see each other's allocations.

struct Counting;

thread_local! {
    static LIVE: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn track(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator; the
// bookkeeping touches only const-initialized thread-locals without
// destructors, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            track(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        track(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            track(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns its result with the peak of bytes it allocated on
/// this thread above what was live when it started.
fn peak_allocation<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(start));
    let out = f();
    let peak = PEAK.with(Cell::get);
    (out, (peak - start).max(0) as usize)
}

/// Decodes everything `data` holds (fed whole), returning the outcome and
/// the peak allocation of the decoding alone (the input buffer excluded).
fn decode_all_measured(
    limits: DecoderLimits,
    data: &[u8],
) -> (Result<usize, ProtocolError>, usize) {
    let mut buf = BytesMut::from(data);
    let mut decoder = Decoder::with_limits(limits);
    peak_allocation(move || {
        let mut frames = 0;
        loop {
            match decoder.decode(&mut buf) {
                Ok(Some(_)) => frames += 1,
                Ok(None) => return Ok(frames),
                Err(e) => return Err(e),
            }
        }
    })
}

/// What decoding may allocate for `input_len` bytes of input with at most
/// `depth` aggregates open: each open aggregate reserves room for at most
/// as many elements as the buffered bytes could hold (a decoded element is
/// at least 3 bytes on the wire, its `Value` 40 bytes, a map pair 80), and
/// never more than 1024, plus a constant for the frame stack.
///
/// Note the factor `depth`: nested headers each reserve for the same
/// buffered bytes (see the report in `fuzz/README.md`).
fn memory_bound(input_len: usize, depth: usize) -> usize {
    let per_level = (input_len / 3).min(1024) * 2 * std::mem::size_of::<redis_typed::Value>();
    64 * 1024 + 48 * input_len + depth.max(1) * per_level
}

// ---------------------------------------------------------------------------
// Typed decoding.

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Any value decodes as every response type: a value or a typed error.
    #[test]
    fn arbitrary_values_decode_as_every_response_type(
        choices in proptest::collection::vec(any::<u8>(), 0..512),
        depth in 0usize..6,
    ) {
        let value = arbitrary_value(&mut Choices::new(&choices), depth);
        decode_every_response_type(&value);
    }
}

/// The builder reaches every kind of value and the type list really decodes
/// something: a smoke test that the property above is not vacuous.
#[test]
fn typed_decoding_property_is_not_vacuous() {
    use redis_typed::Value;
    let ok = decode_every_response_type(&Value::Array(vec![]));
    assert!(ok > 10, "only {ok} types decoded an empty array");
    let mut kinds = std::collections::BTreeSet::new();
    for seed in 0u8..=255 {
        let data: Vec<u8> = (0..64)
            .map(|i| seed.wrapping_mul(31).wrapping_add(i))
            .collect();
        kinds.insert(arbitrary_value(&mut Choices::new(&data), 3).kind_name());
    }
    assert!(kinds.len() >= 12, "builder reached only {kinds:?}");
}

// ---------------------------------------------------------------------------
// The decoder on arbitrary bytes.

/// RESP-shaped input: well-formed pieces, broken pieces and random bytes.
fn resp_pieces() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        Just(b"+OK\r\n".to_vec()),
        Just(b"-ERR bad\r\n".to_vec()),
        Just(b":-42\r\n".to_vec()),
        Just(b"$5\r\nhello\r\n".to_vec()),
        Just(b"$-1\r\n".to_vec()),
        Just(b"*-1\r\n".to_vec()),
        Just(b"$0\r\n\r\n".to_vec()),
        Just(b"_\r\n".to_vec()),
        Just(b",1.5e3\r\n".to_vec()),
        Just(b",-inf\r\n".to_vec()),
        Just(b"#t\r\n".to_vec()),
        Just(b"(-123456789012345678901234567890\r\n".to_vec()),
        Just(b"=7\r\ntxt:abc\r\n".to_vec()),
        Just(b"!3\r\nERR\r\n".to_vec()),
        Just(b"*?\r\n".to_vec()),
        Just(b"$18446744073709551615\r\n".to_vec()),
        (0u64..6).prop_map(|n| format!("*{n}\r\n").into_bytes()),
        (0u64..4).prop_map(|n| format!("%{n}\r\n").into_bytes()),
        (0u64..4).prop_map(|n| format!("~{n}\r\n").into_bytes()),
        (0u64..4).prop_map(|n| format!(">{n}\r\n").into_bytes()),
        (0u64..3).prop_map(|n| format!("|{n}\r\n").into_bytes()),
        any::<u64>().prop_map(|n| format!("*{n}\r\n").into_bytes()),
        any::<u64>().prop_map(|n| format!("${n}\r\n").into_bytes()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

fn limits_strategy() -> impl Strategy<Value = DecoderLimits> {
    prop_oneof![
        Just(DecoderLimits::default()),
        any::<u8>().prop_map(small_limits),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Raw bytes: no panic, and whole vs split give the same outcome.
    #[test]
    fn arbitrary_bytes_split_anywhere_decode_alike(
        data in proptest::collection::vec(any::<u8>(), 0..256),
        splits in proptest::collection::vec(0usize..256, 0..12),
        limits in limits_strategy(),
    ) {
        check_split_invariance(limits, &data, &splits);
    }

    /// RESP-shaped bytes (mostly valid, sometimes broken): the same, and
    /// also fed one byte at a time.
    #[test]
    fn resp_shaped_bytes_split_anywhere_decode_alike(
        data in resp_pieces(),
        splits in proptest::collection::vec(0usize..512, 0..12),
        limits in limits_strategy(),
    ) {
        check_split_invariance(limits, &data, &splits);
        let every: Vec<usize> = (1..data.len()).collect();
        check_split_invariance(limits, &data, &every);
    }

    /// Whatever lengths the input declares, decoding allocates in proportion
    /// to the bytes that arrived, not to the declared lengths.
    #[test]
    fn decoder_memory_is_bounded_by_input_not_declarations(
        data in resp_pieces(),
        limits in limits_strategy(),
    ) {
        let (_, peak) = decode_all_measured(limits, &data);
        let open = data.iter().filter(|b| b"*%~>|".contains(b)).count();
        prop_assert!(
            peak <= memory_bound(data.len(), open.min(limits.max_depth)),
            "decoding {} bytes allocated {peak} bytes", data.len()
        );
    }
}

/// The replies read from `data` (fed in pieces cut at `splits`) as `T`,
/// each as its `Debug` text or its error's: through `decode_next` (which
/// reads arrays of scalars straight from the bytes) when `direct`, through
/// `Value` and `FromRedisValue` otherwise. Stops at the first protocol
/// error (the decoder is then poisoned).
fn typed_outcomes<T: redis_typed::FromRedisValue + std::fmt::Debug>(
    limits: DecoderLimits,
    data: &[u8],
    splits: &[usize],
    direct: bool,
) -> Vec<String> {
    let mut cuts: Vec<usize> = splits.iter().map(|s| s % (data.len() + 1)).collect();
    cuts.push(data.len());
    cuts.sort_unstable();
    let mut decoder = Decoder::with_limits(limits);
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut from = 0;
    for cut in cuts {
        buf.extend_from_slice(&data[from..cut]);
        from = cut;
        loop {
            let next: redis_typed::Result<Option<T>> = if direct {
                redis_typed::types::decode_next(&mut decoder, &mut buf)
            } else {
                match decoder.decode(&mut buf) {
                    Err(e) => Err(e.into()),
                    Ok(None) => Ok(None),
                    Ok(Some(v)) => redis_typed::client::decode_reply::<T>(v).map(Some),
                }
            };
            match next {
                Ok(None) => break,
                Ok(Some(t)) => out.push(format!("{t:?}")),
                Err(e) => {
                    let fatal = matches!(e, redis_typed::Error::Protocol(_));
                    out.push(format!("error: {e}"));
                    if fatal {
                        return out;
                    }
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Arrays of scalars read straight into `Vec`s give exactly what going
    /// through `Value` gives, however the bytes arrive, whatever the limits.
    #[test]
    fn direct_typed_decoding_agrees_with_value_decoding(
        data in resp_pieces(),
        splits in proptest::collection::vec(0usize..512, 0..12),
        limits in limits_strategy(),
    ) {
        use bytes::Bytes;
        use redis_typed::resp::Value;
        prop_assert_eq!(
            typed_outcomes::<Vec<Option<Bytes>>>(limits, &data, &splits, true),
            typed_outcomes::<Vec<Option<Bytes>>>(limits, &data, &splits, false)
        );
        prop_assert_eq!(
            typed_outcomes::<Vec<i64>>(limits, &data, &splits, true),
            typed_outcomes::<Vec<i64>>(limits, &data, &splits, false)
        );
        prop_assert_eq!(
            typed_outcomes::<Vec<Value>>(limits, &data, &splits, true),
            typed_outcomes::<Vec<Value>>(limits, &data, &splits, false)
        );
        prop_assert_eq!(
            typed_outcomes::<Vec<String>>(limits, &data, &[], true),
            typed_outcomes::<Vec<String>>(limits, &data, &[], false)
        );
    }
}

// ---------------------------------------------------------------------------
// Memory bounds and limits, on the worst declarations.

/// A bulk string may declare up to `max_bulk_len` (512 MiB by default): the
/// decoder allocates nothing for it before the payload arrives.
#[test]
fn huge_declared_bulk_within_limit_allocates_nothing_up_front() {
    let limits = DecoderLimits::default();
    let data = format!("${}\r\nabc", limits.max_bulk_len).into_bytes();
    let (outcome, peak) = decode_all_measured(limits, &data);
    assert_eq!(outcome, Ok(0), "incomplete, no frame yet");
    assert!(
        peak < 4096,
        "allocated {peak} bytes for a 3-byte partial bulk"
    );
}

/// An aggregate may declare up to `max_aggregate_len` (2^28) elements: the
/// decoder reserves room only for what the buffered bytes could hold.
#[test]
fn huge_declared_aggregates_within_limit_allocate_in_proportion_to_input() {
    let limits = DecoderLimits::default();
    for header in ['*', '%', '~', '>', '|'] {
        let data = format!("{header}{}\r\n:1\r\n:2\r\n", limits.max_aggregate_len).into_bytes();
        let (outcome, peak) = decode_all_measured(limits, &data);
        assert_eq!(outcome, Ok(0), "{header}: incomplete");
        assert!(
            peak <= memory_bound(data.len(), 1),
            "{header}: allocated {peak} bytes for {} bytes of input",
            data.len()
        );
    }
    // Nested to the depth limit, each level declaring the maximum.
    let mut data = Vec::new();
    for _ in 0..limits.max_depth {
        data.extend_from_slice(format!("*{}\r\n", limits.max_aggregate_len).as_bytes());
    }
    let (outcome, peak) = decode_all_measured(limits, &data);
    assert_eq!(outcome, Ok(0));
    assert!(
        peak <= memory_bound(data.len(), limits.max_depth),
        "allocated {peak} bytes"
    );
    // And whatever the input, the limits bound it: at most 1024 reserved
    // elements (pairs) per level, `max_depth` levels.
    assert!(
        peak <= 64 * 1024 + limits.max_depth * 1024 * 2 * std::mem::size_of::<redis_typed::Value>()
    );
}

/// Over-limit declarations are rejected from the header alone, before any
/// payload arrives.
#[test]
fn over_limit_headers_fail_from_the_header_alone() {
    let limits = DecoderLimits {
        max_depth: 3,
        max_bulk_len: 100,
        max_aggregate_len: 10,
        max_line_len: 32,
    };
    let decode = |data: &[u8]| {
        let mut decoder = Decoder::with_limits(limits);
        let mut buf = BytesMut::from(data);
        let (out, peak) = peak_allocation(|| decoder.decode(&mut buf));
        assert!(peak < 4096, "{data:?}: allocated {peak} bytes");
        out
    };
    assert_eq!(
        decode(b"$101\r\n"),
        Err(ProtocolError::BulkTooLarge {
            declared: 101,
            limit: 100
        })
    );
    assert_eq!(
        decode(b"$18446744073709551615\r\n"),
        Err(ProtocolError::BulkTooLarge {
            declared: u64::MAX,
            limit: 100
        })
    );
    for header in ["*11\r\n", "%11\r\n", "~11\r\n", ">11\r\n", "|11\r\n"] {
        assert_eq!(
            decode(header.as_bytes()),
            Err(ProtocolError::AggregateTooLarge {
                declared: 11,
                limit: 10
            }),
            "{header}"
        );
    }
    assert_eq!(
        decode(b"*1\r\n*1\r\n*1\r\n*1\r\n"),
        Err(ProtocolError::TooDeep { limit: 3 })
    );
    // A line that never ends is rejected once it outgrows the limit,
    // without waiting for its `\r\n`.
    assert_eq!(
        decode(&[b'+'; 64]),
        Err(ProtocolError::LineTooLong { limit: 32 })
    );
    // A header line too: a length with endless digits.
    let mut endless = b"$".to_vec();
    endless.extend_from_slice(&[b'1'; 64]);
    assert!(decode(&endless).is_err());
}

/// The buffered-but-unparsed part of a frame is the caller's buffer; what
/// the decoder holds itself (completed elements) is bounded by the input
/// consumed, even fed one byte at a time.
#[test]
fn trickled_input_keeps_memory_proportional() {
    let limits = DecoderLimits::default();
    let mut data = format!("*{}\r\n", limits.max_aggregate_len).into_bytes();
    for i in 0..200 {
        data.extend_from_slice(format!("${}\r\n{}\r\n", i.to_string().len(), i).as_bytes());
    }
    let mut decoder = Decoder::with_limits(limits);
    let mut buf = BytesMut::with_capacity(data.len());
    let (frames, peak) = peak_allocation(|| {
        let mut frames = 0;
        for b in &data {
            buf.extend_from_slice(&[*b]);
            while decoder.decode(&mut buf).unwrap().is_some() {
                frames += 1;
            }
        }
        frames
    });
    assert_eq!(frames, 0);
    assert!(decoder.is_mid_frame());
    assert!(
        peak <= memory_bound(data.len(), 1),
        "allocated {peak} bytes for {} bytes trickled in",
        data.len()
    );
}
