//! Side-by-side micro-benchmarks: redis-typed next to redis-rs, fred (and
//! its codec crate, redis-protocol) and rustis, each peer's equivalent in the
//! same criterion group so the report shows them together.
//!
//! Run with `cargo bench --bench micro` (one group: `cargo bench --bench
//! micro -- decode_100_bulk`).
//!
//! Groups:
//! - `pack_set_ex`: build and encode `SET key value EX 60` into a warm buffer.
//! - `decode_100_bulk`: decode `*100` of 16-byte bulk strings (an MGET of
//!   100 keys), to each codec's value type and to `Vec<Bytes>`.
//! - `typed_decode`: a decoded value to `Vec<String>` and `HashMap`.
//! - `slot_hashing`: the cluster key slot (CRC16 mod 16384, hash tags).
//!
//! Before the groups run, allocations per packed command are counted with a
//! counting global allocator and printed: redis-typed must not allocate once
//! its buffer is warm.

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use redis_typed::commands::{encode, Expiry, Set};
use redis_typed::resp::{write_value_resp2, Decoder, Value};
use redis_typed::types::decode_next;
use redis_typed::FromRedisValue;

// ------------------------------------------------------------ allocations

/// Counts every allocation, so `count_allocs` can report allocations per
/// operation. One relaxed atomic add per allocation: negligible, and the
/// same for every client measured.
struct CountingAlloc;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Average allocations per call of `f`, after a warm-up call.
fn count_allocs(mut f: impl FnMut()) -> f64 {
    const N: u64 = 1000;
    f();
    let before = ALLOCS.load(Ordering::Relaxed);
    for _ in 0..N {
        f();
    }
    (ALLOCS.load(Ordering::Relaxed) - before) as f64 / N as f64
}

// ------------------------------------------------------------ inputs

const KEY: &str = "key:000000001";
const VALUE: &str = "0123456789abcdef";

/// `*100` of 16-byte bulk strings, as an MGET of 100 keys returns.
fn array_of_100_bulks() -> Vec<u8> {
    let items = (0..100)
        .map(|i| Value::BulkString(Bytes::from(format!("value-{i:010}"))))
        .collect();
    let mut out = BytesMut::new();
    write_value_resp2(&mut out, &Value::Array(items));
    out.to_vec()
}

/// A flat RESP2 `HGETALL`-shaped reply of 50 field/value pairs.
fn flat_map_of_50() -> Vec<u8> {
    let mut items = Vec::new();
    for i in 0..50 {
        items.push(Value::BulkString(Bytes::from(format!("field-{i:04}"))));
        items.push(Value::BulkString(Bytes::from(format!("value-{i:010}"))));
    }
    let mut out = BytesMut::new();
    write_value_resp2(&mut out, &Value::Array(items));
    out.to_vec()
}

fn ours(frame: &[u8]) -> Value {
    Decoder::new()
        .decode(&mut BytesMut::from(frame))
        .expect("valid frame")
        .expect("complete frame")
}

fn redis_rs(frame: &[u8]) -> redis::Value {
    redis::parse_redis_value(frame).expect("valid frame")
}

/// fred's value type, built the way fred builds it from a RESP2 frame:
/// bulk strings become `Value::Bytes`.
fn fred_value(frame: &[u8]) -> fred::types::Value {
    fn convert(frame: redis_protocol::resp2::types::BytesFrame) -> fred::types::Value {
        use redis_protocol::resp2::types::BytesFrame as F;
        match frame {
            F::BulkString(b) => fred::types::Value::Bytes(b),
            F::Array(items) => fred::types::Value::Array(items.into_iter().map(convert).collect()),
            other => panic!("unexpected frame {other:?}"),
        }
    }
    let (frame, _, _) = redis_protocol::resp2::decode::decode_bytes_mut(&mut BytesMut::from(frame))
        .expect("valid frame")
        .expect("complete frame");
    convert(frame)
}

// ------------------------------------------------------------ groups

fn pack_set_ex(c: &mut Criterion) {
    let mut out = BytesMut::with_capacity(4096);
    let mut ours_pack = move || {
        out.clear();
        let cmd = Set::new(black_box(KEY), black_box(VALUE)).expiry(Expiry::Ex(60));
        encode(&cmd, &mut out);
        black_box(&out);
    };
    let redis_rs_packed = || {
        black_box(
            redis::cmd("SET")
                .arg(black_box(KEY))
                .arg(black_box(VALUE))
                .arg("EX")
                .arg(60)
                .get_packed_command(),
        );
    };
    let mut dst = Vec::with_capacity(4096);
    let mut redis_rs_write = move || {
        dst.clear();
        redis::cmd("SET")
            .arg(black_box(KEY))
            .arg(black_box(VALUE))
            .arg("EX")
            .arg(60)
            .write_packed_command(&mut dst);
        black_box(&dst);
    };
    println!(
        "allocations per packed SET key value EX 60: redis-typed {:.1}, \
         redis-rs get_packed_command {:.1}, redis-rs write_packed_command {:.1}",
        count_allocs(&mut ours_pack),
        count_allocs(redis_rs_packed),
        count_allocs(&mut redis_rs_write),
    );

    let mut group = c.benchmark_group("pack_set_ex");
    group.bench_function("redis-typed encode (warm BytesMut)", |b| {
        b.iter(&mut ours_pack)
    });
    group.bench_function("redis-rs get_packed_command", |b| b.iter(redis_rs_packed));
    group.bench_function("redis-rs write_packed_command (warm Vec)", |b| {
        b.iter(&mut redis_rs_write)
    });
    group.finish();
}

/// Each decoder reads the frame the way a connection reads replies: from
/// one warm read buffer, refilled with the frame's bytes every iteration
/// (the copy is timed, for every codec alike), and the decoded result is
/// dropped inside the iteration, as a caller drops it. A fresh `BytesMut`
/// per iteration would time an allocation, cold memory and the buffer's
/// first promotion to shared, the same for every codec, which no
/// connection pays per reply.
fn decode_100_bulk(c: &mut Criterion) {
    let frame = array_of_100_bulks();
    let mut group = c.benchmark_group("decode_100_bulk");
    let mut buf = BytesMut::with_capacity(64 * 1024);
    group.bench_function("redis-typed to Value", |b| {
        let mut decoder = Decoder::new();
        b.iter(|| {
            buf.extend_from_slice(&frame);
            black_box(decoder.decode(&mut buf).unwrap().unwrap())
        })
    });
    group.bench_function("redis-typed straight into Vec<Bytes>", |b| {
        let mut decoder = Decoder::new();
        b.iter(|| {
            buf.extend_from_slice(&frame);
            let v: Vec<Bytes> = decode_next(&mut decoder, &mut buf).unwrap().unwrap();
            black_box(v)
        })
    });
    group.bench_function(
        "redis-typed straight into Vec<Option<Bytes>> (MGET's reply type)",
        |b| {
            let mut decoder = Decoder::new();
            b.iter(|| {
                buf.extend_from_slice(&frame);
                let v: Vec<Option<Bytes>> = decode_next(&mut decoder, &mut buf).unwrap().unwrap();
                black_box(v)
            })
        },
    );
    group.bench_function("redis-typed to Value, then Vec<Bytes>", |b| {
        let mut decoder = Decoder::new();
        b.iter(|| {
            buf.extend_from_slice(&frame);
            let value = decoder.decode(&mut buf).unwrap().unwrap();
            black_box(Vec::<Bytes>::from_redis_value(value).unwrap())
        })
    });
    group.bench_function("redis-rs parse_redis_value", |b| {
        b.iter(|| redis::parse_redis_value(black_box(&frame)).unwrap())
    });
    group.bench_function("redis-rs to Vec<Vec<u8>>", |b| {
        b.iter(|| {
            let value = redis::parse_redis_value(black_box(&frame)).unwrap();
            redis::from_redis_value::<Vec<Vec<u8>>>(value).unwrap()
        })
    });
    group.bench_function("fred codec (redis-protocol resp2, BytesFrame)", |b| {
        b.iter(|| {
            buf.extend_from_slice(&frame);
            black_box(redis_protocol::resp2::decode::decode_bytes_mut(&mut buf).unwrap())
        })
    });
    group.bench_function("fred codec (redis-protocol resp3, BytesFrame)", |b| {
        b.iter(|| {
            buf.extend_from_slice(&frame);
            black_box(redis_protocol::resp3::decode::complete::decode_bytes_mut(&mut buf).unwrap())
        })
    });
    group.finish();
}

fn typed_decode(c: &mut Criterion) {
    let list = array_of_100_bulks();
    let map = flat_map_of_50();
    let mut group = c.benchmark_group("typed_decode");

    let v = ours(&list);
    group.bench_function("redis-typed Value -> Vec<String> (100)", |b| {
        b.iter_batched(
            || v.clone(),
            |v| black_box(Vec::<String>::from_redis_value(v).unwrap()),
            BatchSize::SmallInput,
        )
    });
    let v = redis_rs(&list);
    group.bench_function("redis-rs Value -> Vec<String> (100)", |b| {
        b.iter_batched(
            || v.clone(),
            |v| black_box(redis::from_redis_value::<Vec<String>>(v).unwrap()),
            BatchSize::SmallInput,
        )
    });
    let v = fred_value(&list);
    group.bench_function("fred Value -> Vec<String> (100)", |b| {
        b.iter_batched(
            || v.clone(),
            |v| black_box(v.convert::<Vec<String>>().unwrap()),
            BatchSize::SmallInput,
        )
    });

    let v = ours(&map);
    group.bench_function("redis-typed Value -> HashMap<String, String> (50)", |b| {
        b.iter_batched(
            || v.clone(),
            |v| black_box(HashMap::<String, String>::from_redis_value(v).unwrap()),
            BatchSize::SmallInput,
        )
    });
    let v = redis_rs(&map);
    group.bench_function("redis-rs Value -> HashMap<String, String> (50)", |b| {
        b.iter_batched(
            || v.clone(),
            |v| black_box(redis::from_redis_value::<HashMap<String, String>>(v).unwrap()),
            BatchSize::SmallInput,
        )
    });
    let v = fred_value(&map);
    group.bench_function("fred Value -> HashMap<String, String> (50)", |b| {
        b.iter_batched(
            || v.clone(),
            |v| black_box(v.convert::<HashMap<String, String>>().unwrap()),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn slot_hashing(c: &mut Criterion) {
    let keys: Vec<String> = (0..100)
        .map(|i| {
            if i % 4 == 0 {
                format!("{{user:{i}}}:profile")
            } else {
                format!("key:{i:09}")
            }
        })
        .collect();
    for key in &keys {
        let ours = redis_typed::cluster::hash_slot(key.as_bytes());
        assert_eq!(ours, fred::util::redis_keyslot(key.as_bytes()), "{key}");
        assert_eq!(
            redis::cluster_routing::Slot::for_key(key.as_bytes()),
            redis::cluster_routing::Slot::new(ours).unwrap(),
            "{key}"
        );
    }
    let mut group = c.benchmark_group("slot_hashing (100 keys)");
    group.bench_function("redis-typed hash_slot", |b| {
        b.iter(|| {
            for key in &keys {
                black_box(redis_typed::cluster::hash_slot(black_box(key.as_bytes())));
            }
        })
    });
    group.bench_function("redis-rs Slot::for_key", |b| {
        b.iter(|| {
            for key in &keys {
                black_box(redis::cluster_routing::Slot::for_key(black_box(
                    key.as_bytes(),
                )));
            }
        })
    });
    group.bench_function("fred redis_keyslot", |b| {
        b.iter(|| {
            for key in &keys {
                black_box(fred::util::redis_keyslot(black_box(key.as_bytes())));
            }
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = pack_set_ex, decode_100_bulk, typed_decode, slot_hashing
}
criterion_main!(benches);
