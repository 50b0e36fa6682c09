//! The RESP decoder on arbitrary bytes, fed whole and split at
//! fuzzer-chosen points: never a panic, the same frames and the same error
//! either way, and nothing decoded beyond the limits (default or small).
//!
//! Input layout: byte 0 picks the limits (odd: small limits seeded by
//! byte 1), byte 2 the number of split points (mod 16), then two bytes per
//! split point (little-endian offsets into the data), then the data.
#![no_main]

use libfuzzer_sys::fuzz_target;
use redis_typed::resp::DecoderLimits;

#[path = "../shared/decode_check.rs"]
mod decode_check;

fuzz_target!(|input: &[u8]| {
    let [mode, seed, count, rest @ ..] = input else {
        return;
    };
    let limits = if mode & 1 == 1 {
        decode_check::small_limits(*seed)
    } else {
        DecoderLimits::default()
    };
    let count = (*count as usize % 16).min(rest.len() / 2);
    let (raw_splits, data) = rest.split_at(count * 2);
    let splits: Vec<usize> = raw_splits
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]) as usize)
        .collect();
    decode_check::check_split_invariance(limits, data, &splits);
    // One byte at a time: the hardest split of all.
    if mode & 2 == 2 {
        let every: Vec<usize> = (1..data.len()).collect();
        decode_check::check_split_invariance(limits, data, &every);
    }
});
