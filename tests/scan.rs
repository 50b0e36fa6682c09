//! Scan streams against a real server: `SCAN` (with `MATCH`, `COUNT`,
//! `TYPE`) over 10 000 keys of every type, `HSCAN`, `SSCAN`, `ZSCAN` over
//! small (listpack / intset) and big (hashtable / skiplist, 20 000
//! members) collections, and scans racing writers (keys and members added
//! and removed meanwhile). Each check asserts that every item is returned
//! at least once and that nothing outside the filter is.

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use redis_typed::{scan, Client, Cmd, Connection, ConnectionConfig, Protocol};
use support::keyspace::{all_keys, assert_exactly, create, create_all, keys_of, names, TYPES};
use support::RedisServer;

async fn client(server: &RedisServer, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .protocol(protocol)
        .response_timeout(Some(Duration::from_secs(30)));
    Client::connect(config).await.unwrap()
}

/// Fills the database with the 10 000 keys of the mixed keyspace, in one
/// write.
async fn fill(client: &Client) {
    client.send_all(create_all()).await.unwrap();
}

#[tokio::test]
async fn scan_reaches_every_key_with_match_count_and_type() {
    let server = RedisServer::start();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let client = client(&server, protocol).await;
        client.send(Cmd::<()>::new("FLUSHALL")).await.unwrap();
        fill(&client).await;
        let all = all_keys();
        assert_eq!(all.len(), 10_000);

        // No options: every key, at least once, nothing else.
        let got: Vec<String> = scan::keys(&client).try_collect().await.unwrap();
        assert_exactly(got, &all, "SCAN");

        // MATCH with several COUNTs.
        for count in [None, Some(1), Some(100), Some(20_000)] {
            let mut s = scan::keys::<String, _>(&client).pattern("string:*");
            if let Some(c) = count {
                s = s.count(c);
            }
            let got: Vec<String> = s.try_collect().await.unwrap();
            assert_exactly(got, &keys_of("string"), &format!("MATCH COUNT {count:?}"));
        }

        // TYPE, for every type.
        for (kind, _) in TYPES {
            let got: Vec<String> = scan::keys(&client)
                .kind(kind)
                .count(1000)
                .try_collect()
                .await
                .unwrap();
            assert_exactly(got, &keys_of(kind), &format!("TYPE {kind}"));
        }

        // MATCH and TYPE together.
        let want: HashSet<String> = keys_of("zset")
            .into_iter()
            .filter(|k| k.starts_with("zset:9"))
            .collect();
        assert_eq!(want.len(), 111);
        let got: Vec<String> = scan::keys(&client)
            .pattern("zset:9*")
            .kind("zset")
            .count(500)
            .try_collect()
            .await
            .unwrap();
        assert_exactly(got, &want, "MATCH zset:9* TYPE zset");
        let none: Vec<Bytes> = scan::keys(&client)
            .pattern("hash:*")
            .kind("string")
            .try_collect()
            .await
            .unwrap();
        assert!(none.is_empty());
        let one: Vec<String> = scan::keys(&client)
            .pattern("string:4242")
            .count(10_000)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(one, ["string:4242"]);
    }
}

#[tokio::test]
async fn scan_works_on_a_dedicated_connection_and_stops_on_errors() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    fill(&client).await;
    let mut conn = Connection::open(&server.url()).await.unwrap();
    let got: Vec<String> = scan::keys(&mut conn)
        .pattern("hash:*")
        .try_collect()
        .await
        .unwrap();
    assert_exactly(got, &keys_of("hash"), "SCAN on a Connection");
    // HSCAN on a string key: one error, then the end of the stream.
    let mut wrong = scan::hash::<Bytes, Bytes, _>(&mut conn, "string:1");
    let err = wrong.next().await.unwrap().unwrap_err();
    assert_eq!(err.kind(), Some(redis_typed::ErrorKind::WrongType));
    assert!(wrong.next().await.is_none());
    drop(wrong);
    // The connection is still usable.
    let n: i64 = conn.send(Cmd::new("DBSIZE")).await.unwrap();
    assert_eq!(n, 10_000);
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

            // MATCH on each kind of collection: exactly the members whose
            // number starts with 1.
            let ones: HashSet<usize> = (0..n).filter(|i| i.to_string().starts_with('1')).collect();
            let members: Vec<String> = scan::set(&client, &s)
                .pattern("m1*")
                .try_collect()
                .await
                .unwrap();
            let want = ones.iter().map(|i| format!("m{i}")).collect();
            assert_exactly(members, &want, "SSCAN MATCH");
            let fields: Vec<(String, i64)> = scan::hash(&client, &h)
                .pattern("f1*")
                .count(100)
                .try_collect()
                .await
                .unwrap();
            let want = ones.iter().map(|i| (format!("f{i}"), *i as i64)).collect();
            assert_exactly(fields, &want, "HSCAN MATCH");
            let scored: Vec<(String, f64)> = scan::sorted_set(&client, &z)
                .pattern("m1*")
                .count(100)
                .try_collect()
                .await
                .unwrap();
            let scored = scored.into_iter().map(|(m, s)| (m, s.to_bits())).collect();
            let want = ones
                .iter()
                .map(|i| (format!("m{i}"), (*i as f64 + 0.5).to_bits()))
                .collect();
            assert_exactly(scored, &want, "ZSCAN MATCH");
        }
    }
}

/// Runs `churn(round)` over and over in a task until the returned guard
/// stops it; `rounds` counts the rounds completed. Returns once the first
/// round is done, so that the writes are under way before a scan starts.
async fn churning<F, Fut>(churn: F) -> Churn
where
    F: Fn(u64) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let rounds = Arc::new(AtomicU64::new(0));
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (first_tx, first_rx) = tokio::sync::oneshot::channel::<()>();
    let task = {
        let rounds = rounds.clone();
        tokio::spawn(async move {
            let mut first = Some(first_tx);
            let mut round = 0;
            while stop_rx.try_recv().is_err() {
                churn(round).await;
                round += 1;
                rounds.store(round, Ordering::Release);
                if let Some(tx) = first.take() {
                    let _ = tx.send(());
                }
            }
        })
    };
    first_rx.await.unwrap();
    Churn {
        rounds,
        stop: stop_tx,
        task,
    }
}

struct Churn {
    rounds: Arc<AtomicU64>,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Churn {
    fn rounds(&self) -> u64 {
        self.rounds.load(Ordering::Acquire)
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_during_writes_returns_every_key_present_throughout() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    fill(&client).await;
    // A writer adds 500 `churn:N` keys (strings and hashes) and deletes the
    // previous 500, round after round, forcing rehashes, while the scan
    // runs.
    let writer = client.clone();
    let churn = churning(move |round| {
        let client = writer.clone();
        async move {
            let base = round * 500;
            let adds = (base..base + 500).map(|i| {
                let kind = if i % 2 == 0 { "string" } else { "hash" };
                create(kind, &format!("churn:{i}"))
            });
            client.send_all(adds).await.unwrap();
            if round > 0 {
                let mut del = Cmd::<i64>::new("DEL");
                for i in base - 500..base {
                    del = del.arg(&format!("churn:{i}"));
                }
                client.send(del).await.unwrap();
            }
        }
    })
    .await;
    let before = churn.rounds();
    let mut got = Vec::new();
    let mut pages = scan::keys::<String, _>(&client).count(20);
    while let Some(key) = pages.next().await {
        got.push(key.unwrap());
    }
    let during = churn.rounds() - before;
    churn.stop().await;
    assert!(during > 0, "no write round completed during the scan");
    println!(
        "{during} write rounds during the scan of {} keys",
        got.len()
    );
    let stable: Vec<String> = got
        .into_iter()
        .filter(|k| !k.starts_with("churn:"))
        .collect();
    assert_exactly(stable, &all_keys(), "SCAN during writes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collection_scans_during_writes_return_every_member_present_throughout() {
    const N: usize = 10_000;
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    let mut hset = Cmd::<i64>::new("HSET").arg("h");
    let mut sadd = Cmd::<i64>::new("SADD").arg("s");
    let mut zadd = Cmd::<i64>::new("ZADD").arg("z");
    for i in 0..N {
        hset = hset.arg(&format!("stable{i}")).arg(&(i as i64));
        sadd = sadd.arg(&format!("stable{i}"));
        zadd = zadd.arg(&(i as f64)).arg(&format!("stable{i}"));
    }
    client.send(hset).await.unwrap();
    client.send(sadd).await.unwrap();
    client.send(zadd).await.unwrap();
    // A writer adds 500 `churnN` members to each collection and removes the
    // previous 500, round after round, while the three scans run.
    let writer = client.clone();
    let churn = churning(move |round| {
        let client = writer.clone();
        async move {
            let base = round * 500;
            let (mut hset, mut sadd, mut zadd) = (
                Cmd::<i64>::new("HSET").arg("h"),
                Cmd::<i64>::new("SADD").arg("s"),
                Cmd::<i64>::new("ZADD").arg("z"),
            );
            for i in base..base + 500 {
                let m = format!("churn{i}");
                hset = hset.arg(&m).arg(&-1i64);
                sadd = sadd.arg(&m);
                zadd = zadd.arg(&-1.0f64).arg(&m);
            }
            client.send_all([hset, sadd, zadd]).await.unwrap();
            if round > 0 {
                let (mut hdel, mut srem, mut zrem) = (
                    Cmd::<i64>::new("HDEL").arg("h"),
                    Cmd::<i64>::new("SREM").arg("s"),
                    Cmd::<i64>::new("ZREM").arg("z"),
                );
                for i in base - 500..base {
                    let m = format!("churn{i}");
                    hdel = hdel.arg(&m);
                    srem = srem.arg(&m);
                    zrem = zrem.arg(&m);
                }
                client.send_all([hdel, srem, zrem]).await.unwrap();
            }
        }
    })
    .await;
    let before = churn.rounds();
    let fields: Vec<(String, i64)> = scan::hash(&client, "h")
        .count(20)
        .try_collect()
        .await
        .unwrap();
    let members: Vec<String> = scan::set(&client, "s")
        .count(20)
        .try_collect()
        .await
        .unwrap();
    let scored: Vec<(String, f64)> = scan::sorted_set(&client, "z")
        .count(20)
        .try_collect()
        .await
        .unwrap();
    let during = churn.rounds() - before;
    churn.stop().await;
    assert!(during > 0, "no write round completed during the scans");
    println!("{during} write rounds during the three scans");

    let stable = |m: &String| m.starts_with("stable");
    let want: HashSet<(String, i64)> = (0..N).map(|i| (format!("stable{i}"), i as i64)).collect();
    let fields = fields.into_iter().filter(|(f, _)| stable(f)).collect();
    assert_exactly(fields, &want, "HSCAN during writes");
    let want: HashSet<String> = names("stable", N)
        .iter()
        .map(|m| m.replace(':', ""))
        .collect();
    let members = members.into_iter().filter(stable).collect();
    assert_exactly(members, &want, "SSCAN during writes");
    let want: HashSet<(String, u64)> = (0..N)
        .map(|i| (format!("stable{i}"), (i as f64).to_bits()))
        .collect();
    let scored = scored
        .into_iter()
        .filter(|(m, _)| stable(m))
        .map(|(m, s)| (m, s.to_bits()))
        .collect();
    assert_exactly(scored, &want, "ZSCAN during writes");
}
