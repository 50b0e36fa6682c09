//! `ClusterClient::scan` (`ClusterScan`, `ClusterScanStream`) over 10 000
//! keys of every type spread over a real 3-primary / 3-replica cluster.
//!
//! What is checked, phase after phase on ONE cluster (later phases change
//! the topology, so they run in a known order, last the one that kills a
//! node):
//! - every key is returned at least once, and nothing else: no options,
//!   `MATCH`, `COUNT`, `TYPE`, `MATCH` with `TYPE`, batches and stream;
//! - a scan racing writers that add and delete other keys on every shard
//!   returns every key present for the whole scan;
//! - what `ClusterScan`'s documentation says of a changing cluster: a slot
//!   migrated from a primary already scanned to one not yet scanned loses
//!   no key; a manual failover of the primary being scanned does not stop
//!   the scan (the former primary is scanned on, as a replica) nor lose a
//!   key; a primary killed before its turn ends the scan with an error,
//!   never a silent early end.

mod support;

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::{StreamExt, TryStreamExt};
use redis_typed::cluster::{hash_slot, ClusterClient, ClusterConfig, Topology};
use redis_typed::{Cmd, ServerAddr, Value};
use support::cluster_ops::ClusterOps;
use support::keyspace::{all_keys, assert_exactly, create, create_all, keys_of, TOTAL, TYPES};
use support::RedisCluster;

/// Commands in flight while loading.
const LOAD_CONCURRENCY: usize = 200;

async fn connect(cluster: &RedisCluster) -> ClusterClient {
    let mut config = ClusterConfig::from_urls(&cluster.urls()).unwrap();
    config.connection = config
        .connection
        .response_timeout(Some(Duration::from_secs(10)));
    ClusterClient::connect(config).await.unwrap()
}

/// Loads the 10 000 keys, `LOAD_CONCURRENCY` commands at a time.
async fn load(c: &ClusterClient) {
    futures::stream::iter(create_all())
        .map(|cmd| c.send(cmd))
        .buffer_unordered(LOAD_CONCURRENCY)
        .try_for_each(|_| async { Ok(()) })
        .await
        .unwrap();
}

fn text(keys: impl IntoIterator<Item = Bytes>) -> Vec<String> {
    keys.into_iter()
        .map(|k| String::from_utf8(k.to_vec()).unwrap())
        .collect()
}

/// Asserts that `got` (with duplicates) covers `want` exactly, and says
/// how many items the scan returned.
fn assert_same(got: Vec<String>, want: &HashSet<String>, what: &str) {
    let n = got.len();
    assert_exactly(got, want, what);
    println!("{what}: {} keys ({} returned)", want.len(), n);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_scan_suite() {
    let started = Instant::now();
    let mut cluster = RedisCluster::start();
    let c = connect(&cluster).await;
    load(&c).await;
    println!(
        "cluster ready, 10 000 keys loaded in {:?}",
        started.elapsed()
    );
    spread_over_every_primary(&cluster);

    reaches_every_key_with_filters(&c).await;
    println!("filters ok ({:?})", started.elapsed());
    scan_during_writes(&c).await;
    println!("concurrent writes ok ({:?})", started.elapsed());
    slot_moving_to_a_primary_not_yet_scanned(&cluster, &c).await;
    println!("slot move ok ({:?})", started.elapsed());
    manual_failover_of_the_primary_being_scanned(&cluster, &c).await;
    println!("manual failover ok ({:?})", started.elapsed());
    killed_primary_ends_the_scan_with_an_error(&mut cluster, &c).await;
    println!("killed primary ok ({:?})", started.elapsed());
}

/// Each primary holds a share of the keys (the scan must visit all three).
fn spread_over_every_primary(cluster: &RedisCluster) {
    let sizes: Vec<u64> = cluster
        .primaries()
        .iter()
        .map(|p| cluster.node(*p).cli(&["DBSIZE"]).parse().unwrap())
        .collect();
    assert_eq!(sizes.len(), 3);
    assert!(sizes.iter().all(|n| *n > 2000), "{sizes:?}");
    assert_eq!(sizes.iter().sum::<u64>(), TOTAL as u64, "{sizes:?}");
}

async fn reaches_every_key_with_filters(c: &ClusterClient) {
    let all = all_keys();
    assert_eq!(all.len(), TOTAL);

    // No options (COUNT 10 by default), batch by batch.
    let got = text(c.scan(None, None).collect_all().await.unwrap());
    assert_same(got, &all, "SCAN");

    // MATCH, with several COUNTs.
    for count in [None, Some(3), Some(1000), Some(20_000)] {
        let got = text(c.scan(Some("string:*"), count).collect_all().await.unwrap());
        assert_same(
            got,
            &keys_of("string"),
            &format!("MATCH string:* COUNT {count:?}"),
        );
    }

    // TYPE, for every type, as a stream.
    for (kind, _) in TYPES {
        let got: Vec<Bytes> = c
            .scan(None, Some(500))
            .kind(kind)
            .into_stream()
            .try_collect()
            .await
            .unwrap();
        assert_same(text(got), &keys_of(kind), &format!("TYPE {kind}"));
    }

    // MATCH and TYPE together.
    let want: HashSet<String> = keys_of("hash")
        .into_iter()
        .filter(|k| k.starts_with("hash:1"))
        .collect();
    assert_eq!(want.len(), 111);
    let got = c
        .scan(Some("hash:1*"), Some(100))
        .kind("hash")
        .collect_all()
        .await
        .unwrap();
    assert_same(text(got), &want, "MATCH hash:1* TYPE hash");
    let none = c
        .scan(Some("string:*"), Some(1000))
        .kind("zset")
        .collect_all()
        .await
        .unwrap();
    assert!(none.is_empty(), "{} keys", none.len());
    let one = c
        .scan(Some("list:42"), Some(5000))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(text(one), ["list:42"]);
}

/// A writer adds and deletes `churn:N` keys (strings and hashes, every
/// shard) for the whole scan; every loaded key must come back.
async fn scan_during_writes(c: &ClusterClient) {
    let rounds = Arc::new(AtomicU64::new(0));
    let (stop_tx, mut stop_rx) = tokio::sync::oneshot::channel::<()>();
    let (first_tx, first_rx) = tokio::sync::oneshot::channel::<()>();
    let writer = {
        let (c, rounds) = (c.clone(), rounds.clone());
        tokio::spawn(async move {
            let mut first = Some(first_tx);
            let mut round = 0u64;
            while stop_rx.try_recv().is_err() {
                let base = round * 200;
                let adds = (base..base + 200).map(|i| {
                    let key = format!("churn:{i}");
                    if i % 2 == 0 {
                        create("string", &key)
                    } else {
                        create("hash", &key)
                    }
                });
                futures::stream::iter(adds)
                    .map(|cmd| c.send(cmd))
                    .buffer_unordered(50)
                    .try_for_each(|_| async { Ok(()) })
                    .await
                    .unwrap();
                if round > 0 {
                    let dels = (base - 200..base)
                        .map(|i| Cmd::<Value>::new("DEL").key(format!("churn:{i}").as_str()));
                    futures::stream::iter(dels)
                        .map(|cmd| c.send(cmd))
                        .buffer_unordered(50)
                        .try_for_each(|_| async { Ok(()) })
                        .await
                        .unwrap();
                }
                round += 1;
                rounds.store(round, Ordering::Release);
                if let Some(tx) = first.take() {
                    let _ = tx.send(());
                }
            }
            round
        })
    };
    first_rx.await.unwrap();
    let rounds_before = rounds.load(Ordering::Acquire);
    let mut stream = c.scan(None, Some(20)).into_stream();
    let mut got = Vec::new();
    while let Some(key) = stream.next().await {
        got.push(key.unwrap());
    }
    let during = rounds.load(Ordering::Acquire) - rounds_before;
    stop_tx.send(()).unwrap();
    writer.await.unwrap();
    assert!(during > 0, "the writer completed no round during the scan");
    let got = text(got);
    let stable: Vec<String> = got
        .iter()
        .filter(|k| !k.starts_with("churn:"))
        .cloned()
        .collect();
    assert_same(stable, &all_keys(), "SCAN during writes");
    println!("{during} write rounds during the scan");
    // Clean up the churn, so later phases count exactly the loaded keys.
    let left = c
        .scan(Some("churn:*"), Some(1000))
        .collect_all()
        .await
        .unwrap();
    for key in left {
        c.send(Cmd::<Value>::new("DEL").key(key.as_ref()))
            .await
            .unwrap();
    }
}

/// The port of a node address.
fn port_of(addr: &ServerAddr) -> u16 {
    match addr {
        ServerAddr::Tcp { port, .. } => *port,
        other => panic!("not a TCP address: {other}"),
    }
}

/// The primary serving `key` in the topology `t`.
fn owner(t: &Topology, key: &str) -> u16 {
    port_of(&t.shard_for(hash_slot(key.as_bytes())).unwrap().primary)
}

/// The primaries in the order a new scan visits them.
fn scan_order(c: &ClusterClient) -> Vec<u16> {
    c.topology().primaries().map(port_of).collect()
}

/// The slot holding the most loaded keys on `primary` (per `t`), and how
/// many.
fn busiest_slot_of(t: &Topology, primary: u16) -> (u16, usize) {
    let mut per_slot: HashMap<u16, usize> = HashMap::new();
    for key in all_keys().iter().filter(|k| owner(t, k) == primary) {
        *per_slot.entry(hash_slot(key.as_bytes())).or_default() += 1;
    }
    per_slot.into_iter().max_by_key(|(_, n)| *n).unwrap()
}

/// Once the first primary is fully scanned (a key of the second one
/// arrives), one of its slots moves, keys and all, to the third primary,
/// not yet scanned: those keys come back twice, none is lost.
async fn slot_moving_to_a_primary_not_yet_scanned(cluster: &RedisCluster, c: &ClusterClient) {
    let order = scan_order(c);
    let t = c.topology();
    let (slot, n) = busiest_slot_of(&t, order[0]);
    assert!(n > 0);
    let mut scan = c.scan(None, Some(50));
    let mut got = Vec::new();
    let mut moved = false;
    while let Some(batch) = scan.next_batch().await.unwrap() {
        let batch = text(batch);
        let second = batch.iter().any(|k| owner(&t, k) == order[1]);
        if second && !moved {
            cluster.migrate_slot(slot, order[2]);
            moved = true;
        }
        got.extend(batch);
    }
    assert!(moved, "the scan never reached the second primary");
    assert_eq!(cluster.owner_of(slot), order[2]);
    let twice = got
        .iter()
        .filter(|k| hash_slot(k.as_bytes()) == slot)
        .count();
    assert_eq!(twice, 2 * n, "the moved slot's keys, from both primaries");
    assert_same(got, &all_keys(), "SCAN across a slot migration");
    c.refresh().await.unwrap();
}

/// The replica of the primary being scanned takes over (`CLUSTER
/// FAILOVER`) between two batches; the scan goes on, on the former primary
/// (now a replica), and loses no key.
async fn manual_failover_of_the_primary_being_scanned(cluster: &RedisCluster, c: &ClusterClient) {
    let order = scan_order(c);
    let primary = order[0];
    let replica_addr = c.topology().shards()[0].replicas[0].clone();
    let replica = port_of(&replica_addr);
    let mut scan = c.scan(None, Some(20));
    let mut got = text(scan.next_batch().await.unwrap().unwrap());
    let t = c.topology();
    assert!(got.iter().all(|k| owner(&t, k) == primary));

    cluster.node(replica).cli(&["CLUSTER", "FAILOVER"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while !(cluster.primaries().contains(&replica) && cluster.replicas().contains(&primary)) {
        assert!(Instant::now() < deadline, "the failover did not complete");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    cluster.wait_ready();

    while let Some(batch) = scan.next_batch().await.unwrap() {
        got.extend(text(batch));
    }
    assert_same(got, &all_keys(), "SCAN across a manual failover");
    c.refresh().await.unwrap();
}

/// A primary killed before its turn: the keys of the primaries before it
/// arrive, then the scan fails with the connection error.
async fn killed_primary_ends_the_scan_with_an_error(cluster: &mut RedisCluster, c: &ClusterClient) {
    let order = scan_order(c);
    let t = c.topology();
    let mut scan = c.scan(None, Some(100));
    let first = text(scan.next_batch().await.unwrap().unwrap());
    assert!(first.iter().all(|k| owner(&t, k) == order[0]));
    cluster.node_mut(order[1]).kill();
    let outcome = loop {
        match scan.next_batch().await {
            Ok(Some(batch)) => {
                let batch = text(batch);
                assert!(
                    batch.iter().all(|k| owner(&t, k) == order[0]),
                    "keys from past the killed primary"
                );
            }
            other => break other,
        }
    };
    let err = outcome.expect_err("the scan must not end quietly");
    assert!(err.is_connection_error(), "{err:?}");
    println!("killed primary: the scan ended with {err}");
}
