//! The generated generic (key) commands against a real server: each is sent
//! at least once on RESP3 and its reply decodes into the type the command
//! names; `MIGRATE` moves keys to a second throwaway server.

#[path = "catalogue/mod.rs"]
mod catalogue;
mod support;

use std::collections::HashSet;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use redis_typed::commands::*;
use redis_typed::{Client, ConnectionConfig, Protocol};

use catalogue::Run;
use support::RedisServer;

async fn client(server: &RedisServer, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .protocol(protocol);
    Client::connect(config).await.unwrap()
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn generic_key_commands() {
    let server = RedisServer::start();
    let target = RedisServer::start();
    let run = Run::new();
    let c = client(&server, Protocol::Resp3).await;
    let set = |k: &'static str, v: &'static str| redis_typed::commands::Set::new(k, v);
    for (k, v) in [("a", "1"), ("b", "2"), ("c", "3")] {
        c.send(set(k, v)).await.unwrap();
    }

    // Existence, type, encoding, random key.
    assert_eq!(run.ok(&c, Touch::new(["a", "b", "nope"])).await, 2);
    assert_eq!(run.ok(&c, Type::new("a")).await, "string");
    assert_eq!(run.ok(&c, Type::new("nope")).await, "none");
    let encoding = run.ok(&c, ObjectEncoding::new("a")).await;
    assert_eq!(encoding.as_deref(), Some("int"));
    assert_eq!(run.ok(&c, ObjectEncoding::new("nope")).await, None);
    assert!(run.ok(&c, ObjectRefCount::new("a")).await >= 1);
    assert!(run.ok(&c, ObjectIdleTime::new("a")).await >= 0);
    let help = run.ok(&c, ObjectHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("FREQ")), "{help:?}");
    run.err(&c, ObjectFreq::new("a"), "LFU").await;
    server.cli(&["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"]);
    assert!(run.ok(&c, ObjectFreq::new("a")).await >= 0);
    server.cli(&["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
    let random: Option<String> = run.ok(&c, RandomKey::new()).await;
    assert!(
        matches!(random.as_deref(), Some("a" | "b" | "c")),
        "{random:?}"
    );
    let mut keys: Vec<String> = run.ok(&c, Keys::new("[ab]")).await;
    keys.sort();
    assert_eq!(keys, ["a", "b"]);

    // Expiry, in seconds and milliseconds, relative and absolute.
    assert!(run.ok(&c, PExpire::new("a", 100_000)).await);
    assert!(!run.ok(&c, PExpire::new("a", 200_000).nx()).await);
    assert!(run.ok(&c, PExpire::new("a", 200_000).gt()).await);
    let pttl = run.ok(&c, PTtl::new("a")).await;
    assert!((100_000..=200_000).contains(&pttl), "{pttl}");
    assert_eq!(run.ok(&c, PTtl::new("nope")).await, -2);
    let at = now_secs() + 3600;
    assert!(run.ok(&c, ExpireAt::new("b", at)).await);
    assert!(!run.ok(&c, ExpireAt::new("b", at + 10).lt()).await);
    assert!(run.ok(&c, ExpireAt::new("b", at + 10).xx()).await);
    assert_eq!(run.ok(&c, ExpireTime::new("b")).await, (at + 10) as i64);
    assert!(run.ok(&c, PExpireAt::new("c", (at + 20) * 1000)).await);
    assert!(!run.ok(&c, PExpireAt::new("nope", 1).xx()).await);
    assert_eq!(
        run.ok(&c, PExpireTime::new("c")).await,
        ((at + 20) * 1000) as i64
    );
    assert_eq!(run.ok(&c, ExpireTime::new("nope")).await, -2);
    assert!(run.ok(&c, Persist::new("c")).await);
    assert!(!run.ok(&c, Persist::new("c")).await);
    assert_eq!(run.ok(&c, PExpireTime::new("c")).await, -1);

    // Renaming, copying, moving between databases.
    run.ok(&c, Rename::new("c", "c2")).await;
    run.err(&c, Rename::new("nope", "x"), "no such key").await;
    assert!(run.ok(&c, RenameNx::new("c2", "c3")).await);
    assert!(!run.ok(&c, RenameNx::new("c3", "b")).await);
    assert!(run.ok(&c, CopyKey::new("c3", "c4")).await);
    assert!(!run.ok(&c, CopyKey::new("c3", "c4")).await);
    assert!(run.ok(&c, CopyKey::new("c3", "c4").replace()).await);
    assert!(run.ok(&c, CopyKey::new("c3", "c3").db(1)).await);
    assert!(run.ok(&c, Move::new("c4", 2)).await);
    assert!(!run.ok(&c, Move::new("c4", 2)).await);

    // DUMP and RESTORE.
    let dump = run.ok(&c, Dump::new("c3")).await.expect("c3 exists");
    assert_eq!(run.ok(&c, Dump::new("nope")).await, None);
    run.ok(&c, Restore::new("r1", 0, dump.clone())).await;
    run.err(&c, Restore::new("r1", 0, dump.clone()), "BUSYKEY")
        .await;
    let abs = (now_secs() + 3600) * 1000;
    run.ok(
        &c,
        Restore::new("r1", abs as i64, dump.clone())
            .replace()
            .abs_ttl()
            .idle_time(10),
    )
    .await;
    assert!(run.ok(&c, PTtl::new("r1")).await > 0);
    run.ok(&c, Restore::new("r2", 0, &dump[..]).freq(5)).await;
    let restored: Option<String> = c.send(Get::new("r2")).await.unwrap();
    assert_eq!(restored.as_deref(), Some("3"));

    // SORT and SORT_RO.
    c.send(RPush::new("nums", [3, 1, 2])).await.unwrap();
    for (k, v) in [
        ("w_1", "30"),
        ("w_2", "20"),
        ("w_3", "10"),
        ("o_1", "one"),
        ("o_3", "three"),
    ] {
        c.send(set(k, v)).await.unwrap();
    }
    let sorted: Vec<Option<i64>> = run.ok(&c, Sort::new("nums")).await;
    assert_eq!(sorted, [Some(1), Some(2), Some(3)]);
    let sorted: Vec<Option<String>> = run
        .ok(
            &c,
            Sort::new("nums")
                .by("w_*")
                .get_patterns(["o_*", "#"])
                .limit(0, 2),
        )
        .await;
    assert_eq!(
        sorted,
        [
            Some("three".into()),
            Some("3".into()),
            None,
            Some("2".into())
        ]
    );
    let stored = run
        .ok(&c, Sort::<_, Bytes>::new("nums").desc().store("sorted"))
        .await;
    assert_eq!(stored, 3);
    let sorted: Vec<Option<String>> = run.ok(&c, SortRo::new("sorted").alpha().asc()).await;
    assert_eq!(
        sorted,
        [Some("1".into()), Some("2".into()), Some("3".into())]
    );
    run.err(&c, Sort::<_, Bytes>::new("a"), "WRONGTYPE").await;

    // UNLINK, WAIT (no replicas: 0), WAITAOF (7.2+).
    assert_eq!(run.ok(&c, Unlink::new(["sorted", "nums", "nope"])).await, 2);
    assert_eq!(run.ok(&c, Wait::new(0, 100)).await, 0);
    if RedisServer::version_at_least((7, 2, 0), "WAITAOF") {
        let (local, replicas) = run.ok(&c, WaitAof::new(0, 0, 100)).await;
        assert_eq!((local, replicas), (0, 0));
    } else {
        run.skipped("WAITAOF");
    }

    // MIGRATE to the second server: one key, then several with KEYS.
    let port = target.port() as i64;
    for (k, v) in [("m1", "x"), ("m2", "y"), ("m3", "z")] {
        c.send(set(k, v)).await.unwrap();
    }
    assert_eq!(
        run.ok(&c, Migrate::new("127.0.0.1", port, "m1", 0, 5000))
            .await,
        "OK"
    );
    assert_eq!(
        run.ok(&c, Migrate::new("127.0.0.1", port, "m1", 0, 5000))
            .await,
        "NOKEY"
    );
    let reply = run
        .ok(
            &c,
            Migrate::multiple("127.0.0.1", port, 0, 5000)
                .copy()
                .replace()
                .keys(["m2", "m3"]),
        )
        .await;
    assert_eq!(reply, "OK");
    run.err(
        &c,
        Migrate::new("127.0.0.1", port, "m2", 0, 5000)
            .replace()
            .auth("wrong"),
        "AUTH",
    )
    .await;
    run.err(
        &c,
        Migrate::new("127.0.0.1", port, "m2", 0, 5000)
            .replace()
            .auth2("nobody", "wrong"),
        "",
    )
    .await;
    let there = client(&target, Protocol::Resp3).await;
    let moved: HashSet<String> = there
        .send(Keys::new("m*"))
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(
        moved,
        HashSet::from(["m1".into(), "m2".into(), "m3".into()])
    );

    // Structured replies on RESP2.
    let c2 = client(&server, Protocol::Resp2).await;
    let sorted: Vec<Option<Bytes>> = c2.send(SortRo::new("missing")).await.unwrap();
    assert!(sorted.is_empty());
    assert_eq!(
        c2.send(ExpireTime::new("b")).await.unwrap(),
        (at + 10) as i64
    );
    let keys: Vec<Bytes> = c2.send(Keys::new("r*")).await.unwrap();
    assert_eq!(keys.len(), 2);

    run.assert_covers(&["generic"]);
}
