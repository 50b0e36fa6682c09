//! The generated string, bitmap and HyperLogLog commands against a real
//! server: each is sent at least once on RESP3 and its reply decodes into
//! the type the command names; replies with structure are checked on RESP2
//! too.

#[path = "catalogue/mod.rs"]
mod catalogue;
mod support;

use bytes::Bytes;
use redis_typed::commands::*;
use redis_typed::{Client, ConnectionConfig, Protocol, Value};

use catalogue::Run;
use support::RedisServer;

async fn client(server: &RedisServer, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .protocol(protocol);
    Client::connect(config).await.unwrap()
}

#[tokio::test]
#[allow(deprecated)] // GETSET, PSETEX, SETEX, SETNX, SUBSTR are deprecated by Redis, typed all the same.
async fn strings_bitmaps_hyperloglogs() {
    let server = RedisServer::start();
    let run = Run::new();
    let c = client(&server, Protocol::Resp3).await;

    // ------------------------------------------------------------ string
    assert_eq!(run.ok(&c, Append::new("s", "Hello")).await, 5);
    assert_eq!(run.ok(&c, Append::new("s", " World")).await, 11);
    assert_eq!(run.ok(&c, StrLen::new("s")).await, 11);
    let range: String = run.ok(&c, GetRange::new("s", 0, 4)).await;
    assert_eq!(range, "Hello");
    let sub: Bytes = run.ok(&c, Substr::new("s", -5, -1)).await;
    assert_eq!(&sub[..], b"World");
    assert_eq!(run.ok(&c, SetRange::new("s", 6, "Redis")).await, 11);

    let old: Option<String> = run.ok(&c, GetSet::new("s", "new")).await;
    assert_eq!(old.as_deref(), Some("Hello Redis"));
    let none: Option<String> = run.ok(&c, GetSet::new("fresh", "x")).await;
    assert_eq!(none, None);

    run.ok(&c, SetEx::new("ex", 100, "v")).await;
    run.ok(&c, PSetEx::new("px", 100_000, "v")).await;
    assert!(run.ok(&c, SetNx::new("nx", 1)).await);
    assert!(!run.ok(&c, SetNx::new("nx", 2)).await);
    assert!(run.ok(&c, MSetNx::new([("m1", "a"), ("m2", "b")])).await);
    assert!(!run.ok(&c, MSetNx::new([("m2", "c"), ("m3", "d")])).await);

    let v: Option<String> = run.ok(&c, GetEx::new("ex").persist()).await;
    assert_eq!(v.as_deref(), Some("v"));
    let v: Option<i64> = run.ok(&c, GetEx::new("nx").px(50_000)).await;
    assert_eq!(v, Some(1));
    let far = 4_102_444_800; // 2100-01-01
    let v: Option<Bytes> = run.ok(&c, GetEx::new("px").ex_at(far)).await;
    assert_eq!(v.as_deref(), Some(&b"v"[..]));
    let missing: Option<String> = run.ok(&c, GetEx::new("missing").ex(10)).await;
    assert_eq!(missing, None);

    let gone: Option<String> = run.ok(&c, GetDel::new("m1")).await;
    assert_eq!(gone.as_deref(), Some("a"));
    let gone: Option<String> = run.ok(&c, GetDel::new("m1")).await;
    assert_eq!(gone, None);

    assert_eq!(run.ok(&c, Decr::new("n")).await, -1);
    assert_eq!(run.ok(&c, DecrBy::new("n", 9)).await, -10);
    assert_eq!(run.ok(&c, IncrByFloat::new("f", 2.5)).await, 2.5);
    assert_eq!(run.ok(&c, IncrByFloat::new("f", -0.25)).await, 2.25);
    let err = run.err(&c, Decr::new("s"), "not an integer").await;
    assert_eq!(err.kind(), Some(redis_typed::ErrorKind::Err));

    // ------------------------------------------------------------ bitmap
    assert!(!run.ok(&c, SetBit::new("b", 7, 1)).await);
    assert!(run.ok(&c, SetBit::new("b", 7, 0)).await);
    run.ok(&c, SetBit::new("b", 9, 1)).await;
    assert!(run.ok(&c, GetBit::new("b", 9)).await);
    assert!(!run.ok(&c, GetBit::new("b", 100)).await);
    assert_eq!(run.ok(&c, BitCount::new("b")).await, 1);
    assert_eq!(run.ok(&c, BitCount::new("b").range(0, 0, None)).await, 0);
    assert_eq!(
        run.ok(&c, BitCount::new("b").range(8, 9, Some(BitUnit::Bit)))
            .await,
        1
    );
    assert_eq!(run.ok(&c, BitPos::new("b", 1)).await, 9);
    assert_eq!(run.ok(&c, BitPos::new("b", 1).range(1, None)).await, 9);
    assert_eq!(
        run.ok(
            &c,
            BitPos::new("b", 1).range(0, Some((0, Some(BitUnit::Byte))))
        )
        .await,
        -1
    );

    c.send(redis_typed::commands::Set::new("x1", "ab"))
        .await
        .unwrap();
    c.send(redis_typed::commands::Set::new("x2", "a"))
        .await
        .unwrap();
    assert_eq!(run.ok(&c, BitOp::and("x3", ["x1", "x2"])).await, 2);
    assert_eq!(run.ok(&c, BitOp::or("x3", ["x1", "x2"])).await, 2);
    assert_eq!(run.ok(&c, BitOp::xor("x3", ["x1", "x2"])).await, 2);
    assert_eq!(run.ok(&c, BitOp::not("x3", ["x2"])).await, 1);

    let ops = [
        BitFieldOperation::Write(None, BitFieldWrite::Set("u8".into(), 0, 200)),
        BitFieldOperation::Write(
            Some(BitFieldOverflow::Fail),
            BitFieldWrite::IncrBy("u8".into(), 0, 100),
        ),
        BitFieldOperation::Write(
            Some(BitFieldOverflow::Sat),
            BitFieldWrite::IncrBy("u8".into(), 0, 100),
        ),
        BitFieldOperation::Get("u8".into(), 0),
    ];
    let replies = run
        .ok(&c, BitField::new("bf").operations(ops.clone()))
        .await;
    assert_eq!(replies, [Some(0), None, Some(255), Some(255)]);
    let ro = run
        .ok(&c, BitFieldRo::new("bf").get_blocks([("u8", 0), ("u4", 0)]))
        .await;
    assert_eq!(ro, [255, 15]);

    // ------------------------------------------------------- hyperloglog
    assert!(run.ok(&c, PfAdd::new("h1").elements(["a", "b", "c"])).await);
    assert!(!run.ok(&c, PfAdd::new("h1").elements(["a"])).await);
    assert!(run.ok(&c, PfAdd::new("h0")).await); // creates an empty one
    run.ok(&c, PfAdd::new("h2").elements([1, 2, 3])).await;
    assert_eq!(run.ok(&c, PfCount::new(["h1"])).await, 3);
    assert_eq!(run.ok(&c, PfCount::new(["h1", "h2"])).await, 6);
    run.ok(&c, PfMerge::new("h3").source_keys(["h1", "h2"]))
        .await;
    run.ok(&c, PfMerge::new("h3")).await;
    assert_eq!(run.ok(&c, PfCount::new(["h3"])).await, 6);
    let encoding = run.ok(&c, PfDebug::new("ENCODING", "h3")).await;
    assert!(
        matches!(&encoding, Value::SimpleString(s) | Value::BulkString(s) if &s[..] == b"sparse" || &s[..] == b"dense"),
        "{encoding:?}"
    );
    run.ok(&c, PfSelfTest::new()).await;

    // ------------------------------------------------ structure on RESP2
    let c2 = client(&server, Protocol::Resp2).await;
    let replies = c2.send(BitField::new("bf2").operations(ops)).await.unwrap();
    assert_eq!(replies, [Some(0), None, Some(255), Some(255)]);
    assert_eq!(c2.send(IncrByFloat::new("f", 0.75)).await.unwrap(), 3.0);
    let v: Option<String> = c2.send(GetEx::new("missing")).await.unwrap();
    assert_eq!(v, None);

    run.assert_covers(&["string", "bitmap", "hyperloglog"]);
}
