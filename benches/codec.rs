//! Codec micro-benchmarks for the foundation: packing a command and decoding
//! a reply. Run with `cargo bench --bench codec`.
//!
//! The side-by-side comparison with other clients lives in `benches/micro.rs`.

#[path = "common/frames.rs"]
mod frames;

use bytes::{Bytes, BytesMut};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use redis_typed::commands::{encode, Expiry, Set};
use redis_typed::resp::{Decoder, Value};
use redis_typed::FromRedisValue;

use frames::array_of_100_bulks;

fn pack_set_ex(c: &mut Criterion) {
    let mut out = BytesMut::with_capacity(4096);
    c.bench_function("pack SET key value EX 60", |b| {
        b.iter(|| {
            out.clear();
            let cmd = Set::new(black_box("key:000000001"), black_box("0123456789abcdef"))
                .expiry(Expiry::Ex(60));
            encode(&cmd, &mut out);
            black_box(&out);
        })
    });
}

fn decode_100_bulks(c: &mut Criterion) {
    let frame = array_of_100_bulks();
    let mut group = c.benchmark_group("decode array of 100 16-byte bulk strings");
    group.bench_function("to Value", |b| {
        let mut decoder = Decoder::new();
        b.iter(|| {
            let mut buf = BytesMut::from(&frame[..]);
            black_box(decoder.decode(&mut buf).unwrap().unwrap())
        })
    });
    group.bench_function("to Vec<Bytes>", |b| {
        let mut decoder = Decoder::new();
        b.iter(|| {
            let mut buf = BytesMut::from(&frame[..]);
            let value: Value = decoder.decode(&mut buf).unwrap().unwrap();
            black_box(Vec::<Bytes>::from_redis_value(value).unwrap())
        })
    });
    group.finish();
}

criterion_group!(benches, pack_set_ex, decode_100_bulks);
criterion_main!(benches);
