//! Fixed codec workloads for instruction counting: each runs an exact number
//! of iterations and nothing else, so `valgrind --tool=callgrind` gives the
//! same instruction count whatever else the machine is doing (wall-clock
//! benchmarks are in `benches/codec.rs` and `benches/micro.rs`).
//!
//! ```sh
//! cargo bench --bench instructions --no-run
//! valgrind --tool=callgrind target/release/deps/instructions-* decode_value 10000
//! ```
//!
//! Workloads: `decode_value` (`*100` of 16-byte bulks to `Value`),
//! `decode_vec_bytes` (the same, to `Value` then `Vec<Bytes>`),
//! `decode_next_vec_bytes` (straight into `Vec<Bytes>`),
//! `decode_next_vec_option_bytes` (into `Vec<Option<Bytes>>`, MGET's type),
//! `fred_decode`
//! (fred's codec, redis-protocol's RESP2 `decode_bytes_mut`), `pack_set_ex`
//! (`SET key value EX 60` into a reused buffer). Divide the total by the
//! iteration count (callgrind's total includes start-up: subtract a run
//! with 0 iterations).

#[path = "common/frames.rs"]
mod frames;

use std::hint::black_box;
use std::process::ExitCode;

use bytes::{Bytes, BytesMut};
use redis_typed::commands::{encode, Expiry, Set};
use redis_typed::resp::{Decoder, Value};
use redis_typed::types::decode_next;
use redis_typed::FromRedisValue;

use frames::array_of_100_bulks;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let (Some(workload), Some(Ok(n))) = (args.first(), args.get(1).map(|n| n.parse::<u64>()))
    else {
        eprintln!("usage: instructions decode_value|decode_vec_bytes|decode_next_vec_bytes|decode_next_vec_option_bytes|fred_decode|pack_set_ex ITERATIONS");
        return ExitCode::FAILURE;
    };
    let frame = array_of_100_bulks();
    let mut decoder = Decoder::new();
    // One read buffer, refilled each iteration the way the driver refills
    // its own: the copy is part of every iteration of every workload that
    // decodes, as in the criterion benchmarks.
    let mut buf = BytesMut::with_capacity(64 * 1024);
    match workload.as_str() {
        "decode_value" => {
            for _ in 0..n {
                buf.extend_from_slice(&frame);
                let value: Value = decoder.decode(&mut buf).unwrap().unwrap();
                black_box(value);
            }
        }
        "decode_vec_bytes" => {
            for _ in 0..n {
                buf.extend_from_slice(&frame);
                let value: Value = decoder.decode(&mut buf).unwrap().unwrap();
                black_box(Vec::<Bytes>::from_redis_value(value).unwrap());
            }
        }
        "decode_next_vec_bytes" => {
            for _ in 0..n {
                buf.extend_from_slice(&frame);
                let v: Vec<Bytes> = decode_next(&mut decoder, &mut buf).unwrap().unwrap();
                black_box(v);
            }
        }
        "decode_next_vec_option_bytes" => {
            for _ in 0..n {
                buf.extend_from_slice(&frame);
                let v: Vec<Option<Bytes>> = decode_next(&mut decoder, &mut buf).unwrap().unwrap();
                black_box(v);
            }
        }
        "fred_decode" => {
            for _ in 0..n {
                buf.extend_from_slice(&frame);
                black_box(redis_protocol::resp2::decode::decode_bytes_mut(&mut buf).unwrap());
            }
        }
        "pack_set_ex" => {
            let mut out = BytesMut::with_capacity(4096);
            for _ in 0..n {
                out.clear();
                let cmd = Set::new(black_box("key:000000001"), black_box("0123456789abcdef"))
                    .expiry(Expiry::Ex(60));
                encode(&cmd, &mut out);
                black_box(&out);
            }
        }
        other => {
            eprintln!("unknown workload {other}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
