//! Scan streams against a real server: `SCAN` (with `MATCH`, `COUNT`,
//! `TYPE`), `HSCAN`, `SSCAN`, `ZSCAN` over small (listpack / intset) and big
//! (hashtable / skiplist) collections, and a scan racing writers.

mod support;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use redis_typed::commands::Set;
use redis_typed::{scan, Client, Cmd, Connection, ConnectionConfig, Protocol};
use support::RedisServer;

async fn client(server: &RedisServer, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .protocol(protocol)
        .response_timeout(Some(Duration::from_secs(30)));
    Client::connect(config).await.unwrap()
}

fn names(prefix: &str, n: usize) -> HashSet<String> {
    (0..n).map(|i| format!("{prefix}:{i}")).collect()
}

/// Fills the database: 10 000 string keys `user:N`, 500 hashes `acct:N`.
async fn fill(client: &Client) {
    client
        .send_all((0..10_000).map(|i| Set::new(format!("user:{i}"), i)))
        .await
        .unwrap();
    let hsets = (0..500).map(|i| {
        Cmd::<i64>::new("HSET")
            .arg(&format!("acct:{i}"))
            .arg("f")
            .arg("v")
    });
    client.send_all(hsets).await.unwrap();
}

#[tokio::test]
async fn scan_reaches_every_key_with_match_count_and_type() {
    let server = RedisServer::start();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let client = client(&server, protocol).await;
        client.send(Cmd::<()>::new("FLUSHALL")).await.unwrap();
        fill(&client).await;
        let users = names("user", 10_000);
        let accts = names("acct", 500);

        // No options: every key, at least once.
        let all: HashSet<String> = scan::keys(&client).try_collect().await.unwrap();
        assert_eq!(all.len(), 10_500);
        assert!(users.is_subset(&all) && accts.is_subset(&all));

        for count in [None, Some(1), Some(100), Some(5000)] {
            let mut s = scan::keys::<String, _>(&client).pattern("user:*");
            if let Some(c) = count {
                s = s.count(c);
            }
            let got: HashSet<String> = s.try_collect().await.unwrap();
            assert_eq!(got, users, "MATCH user:* COUNT {count:?}");
        }
        let hashes: HashSet<String> = scan::keys(&client)
            .kind("hash")
            .count(1000)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(hashes, accts);
        let none: Vec<Bytes> = scan::keys(&client)
            .pattern("acct:*")
            .kind("string")
            .try_collect()
            .await
            .unwrap();
        assert!(none.is_empty());
        let one: Vec<String> = scan::keys(&client)
            .pattern("user:4242")
            .count(10_000)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(one, ["user:4242"]);
    }
}

#[tokio::test]
async fn scan_works_on_a_dedicated_connection_and_stops_on_errors() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    fill(&client).await;
    let mut conn = Connection::open(&server.url()).await.unwrap();
    let got: HashSet<String> = scan::keys(&mut conn)
        .pattern("acct:*")
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got, names("acct", 500));
    // HSCAN on a string key: one error, then the end of the stream.
    let mut wrong = scan::hash::<Bytes, Bytes, _>(&mut conn, "user:1");
    let err = wrong.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), Some(redis_typed::ErrorKind::WrongType));
    assert!(wrong.next().await.is_none());
    drop(wrong);
    // The connection is still usable.
    let n: i64 = conn.send(Cmd::new("DBSIZE")).await.unwrap();
    assert_eq!(n, 10_500);
}

async fn encoding(client: &Client, key: &str) -> String {
    client
        .send(Cmd::<String>::new("OBJECT").arg("ENCODING").arg(key))
        .await
        .unwrap()
}

#[tokio::test]
async fn collection_scans_over_small_and_big_encodings() {
    let server = RedisServer::start();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let client = client(&server, protocol).await;
        client.send(Cmd::<()>::new("FLUSHALL")).await.unwrap();
        for (n, small) in [(50usize, true), (20_000, false)] {
            let (h, s, z) = (format!("h{n}"), format!("s{n}"), format!("z{n}"));
            let mut hset = Cmd::<i64>::new("HSET").arg(&h);
            let mut sadd = Cmd::<i64>::new("SADD").arg(&s);
            let mut zadd = Cmd::<i64>::new("ZADD").arg(&z);
            for i in 0..n {
                hset = hset.arg(&format!("f{i}")).arg(&(i as i64));
                sadd = sadd.arg(&format!("m{i}"));
                zadd = zadd.arg(&(i as f64 + 0.5)).arg(&format!("m{i}"));
            }
            client.send(hset).await.unwrap();
            client.send(sadd).await.unwrap();
            client.send(zadd).await.unwrap();
            let encodings = (
                encoding(&client, &h).await,
                encoding(&client, &s).await,
                encoding(&client, &z).await,
            );
            if small {
                // Small string sets are listpacks from 7.2 only.
                assert_eq!(encodings.0, "listpack");
                assert_eq!(encodings.2, "listpack");
            } else {
                assert_eq!(
                    encodings,
                    ("hashtable".into(), "hashtable".into(), "skiplist".into())
                );
            }

            let fields: HashMap<String, i64> = scan::hash(&client, &h)
                .count(500)
                .try_collect()
                .await
                .unwrap();
            assert_eq!(fields.len(), n);
            assert!((0..n).all(|i| fields[&format!("f{i}")] == i as i64));

            let members: HashSet<String> = scan::set(&client, &s).try_collect().await.unwrap();
            assert_eq!(
                members,
                names("m", n).iter().map(|m| m.replace(':', "")).collect()
            );

            let scored: HashMap<String, f64> = scan::sorted_set(&client, &z)
                .count(1000)
                .try_collect()
                .await
                .unwrap();
            assert_eq!(scored.len(), n);
            assert!((0..n).all(|i| scored[&format!("m{i}")] == i as f64 + 0.5));

            // Integer sets: intset when small.
            let ints = format!("ints{n}");
            let mut sadd = Cmd::<i64>::new("SADD").arg(&ints);
            for i in 0..n {
                sadd = sadd.arg(&(i as i64));
            }
            client.send(sadd).await.unwrap();
            if small {
                assert_eq!(encoding(&client, &ints).await, "intset");
            }
            let got: HashSet<i64> = scan::set::<i64, _>(&client, &ints)
                .try_collect()
                .await
                .unwrap();
            assert_eq!(got, (0..n as i64).collect());

            // MATCH on a collection.
            let ones: HashSet<String> = scan::set(&client, &s)
                .pattern("m1*")
                .try_collect()
                .await
                .unwrap();
            assert!(ones.iter().all(|m| m.starts_with("m1")));
            assert_eq!(
                ones.len(),
                (0..n).filter(|i| i.to_string().starts_with('1')).count()
            );
        }
    }
}

#[tokio::test]
async fn scan_during_writes_returns_every_key_present_throughout() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    client
        .send_all((0..5000).map(|i| Set::new(format!("stable:{i}"), i)))
        .await
        .unwrap();
    // A writer adds and deletes other keys (forcing rehashes) while the scan
    // runs, until told to stop.
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let writer = {
        let client = client.clone();
        tokio::spawn(async move {
            let mut round = 0u64;
            loop {
                if stop_rx.try_recv().is_ok() {
                    return round;
                }
                let base = round * 500;
                client
                    .send_all((base..base + 500).map(|i| Set::new(format!("churn:{i}"), i)))
                    .await
                    .unwrap();
                if round > 0 {
                    let mut del = Cmd::<i64>::new("DEL");
                    for i in base - 500..base {
                        del = del.arg(&format!("churn:{i}"));
                    }
                    client.send(del).await.unwrap();
                }
                round += 1;
            }
        })
    };
    let mut seen = HashSet::new();
    let mut pages = scan::keys::<String, _>(&client).count(20);
    while let Some(key) = pages.next().await {
        seen.insert(key.unwrap());
        tokio::task::yield_now().await;
    }
    stop_tx.send(()).unwrap();
    let rounds = writer.await.unwrap();
    assert!(rounds > 0, "the writer ran during the scan");
    let stable = names("stable", 5000);
    let missing: Vec<_> = stable.difference(&seen).collect();
    assert!(missing.is_empty(), "{} stable keys missed", missing.len());
}
