//! `ClusterClient` against a real 3-primary / 3-replica cluster.
//!
//! ONE cluster serves this whole binary, and the checks run in ONE test
//! function, phase after phase: the strategy checks read the servers'
//! command statistics (any concurrent test would skew them), and the later
//! phases change the topology (a migrated slot, an uncovered slot, a manual
//! failover, a killed primary), which must happen in a known order. The
//! cluster is owned by the test function, so it is killed even when a phase
//! panics. Starting the cluster takes a few seconds; the whole file stays
//! well under two minutes.

mod support;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use redis_typed::cluster::{hash_slot, ClusterClient, ClusterConfig, LoadBalancingStrategy};
use redis_typed::commands::{
    Del, Exists, Get, HGet, HSet, Incr, LPush, LRange, MGet, MSet, SAdd, SMembers, SSubscribe, Set,
    ZAdd, ZRange,
};
use redis_typed::events::{Event, EventDispatcher};
use redis_typed::{Cmd, ConnectionConfig, Error, ErrorKind, Value};
use support::cluster_ops::ClusterOps;
use support::RedisCluster;

async fn connect(cluster: &RedisCluster, events: EventDispatcher) -> ClusterClient {
    let mut config = ClusterConfig::from_urls(&cluster.urls()).unwrap();
    config.connection = config
        .connection
        .events(events)
        .response_timeout(Some(Duration::from_secs(5)));
    ClusterClient::connect(config).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_suite() {
    let started = Instant::now();
    let mut cluster = RedisCluster::start();
    println!("cluster ready in {:?}", started.elapsed());
    let changes = Arc::new(AtomicU64::new(0));
    let events = EventDispatcher::new();
    let counter = changes.clone();
    events.add_listener(move |e: &Event<'_>| {
        if let Event::TopologyChanged { .. } = e {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });
    let client = connect(&cluster, events).await;
    assert_eq!(client.topology().covered(), 16384);
    assert_eq!(client.topology().shards().len(), 3);
    let t = client.topology();
    assert!(t.shards().iter().all(|s| s.replicas.len() == 1), "{t:?}");

    routes_every_family(&client).await;
    println!("routing ok ({:?})", started.elapsed());
    splits_multi_key_commands(&client).await;
    pipelines_and_transactions(&client).await;
    println!("multi-key, pipelines ok ({:?})", started.elapsed());
    strategies_distribute_reads(&cluster, &client).await;
    println!("strategies ok ({:?})", started.elapsed());
    migrates_a_slot_under_load(&cluster, &client).await;
    println!("migration ok ({:?})", started.elapsed());
    heals_an_uncovered_slot(&cluster, &client).await;
    println!("uncovered slot ok ({:?})", started.elapsed());
    let before = changes.load(Ordering::Relaxed);
    survives_manual_failover(&cluster, &client).await;
    println!("manual failover ok ({:?})", started.elapsed());
    survives_killed_primary(&mut cluster, &client).await;
    println!("automatic failover ok ({:?})", started.elapsed());
    assert!(
        changes.load(Ordering::Relaxed) > before,
        "TopologyChanged was emitted"
    );
}

async fn routes_every_family(c: &ClusterClient) {
    // Strings.
    for i in 0..30 {
        c.send(Set::new(format!("s:{i}"), i)).await.unwrap();
    }
    for i in 0..30 {
        let v: Option<i64> = c.send(Get::new(format!("s:{i}"))).await.unwrap();
        assert_eq!(v, Some(i));
    }
    assert_eq!(c.send(Incr::new("counter")).await.unwrap(), 1);
    // Hashes, lists, sets, sorted sets, on keys of different slots.
    c.send(HSet::from_pairs("h:1", [("f", "v")])).await.unwrap();
    let v: Option<String> = c.send(HGet::new("h:1", "f")).await.unwrap();
    assert_eq!(v.as_deref(), Some("v"));
    c.send(LPush::new("l:1", ["a", "b"])).await.unwrap();
    let l: Vec<String> = c.send(LRange::new("l:1", 0, -1)).await.unwrap();
    assert_eq!(l, ["b", "a"]);
    c.send(SAdd::new("set:1", ["x"])).await.unwrap();
    let s: std::collections::HashSet<String> = c.send(SMembers::new("set:1")).await.unwrap();
    assert!(s.contains("x"));
    c.send(ZAdd::new("z:1", [(1.0, "one"), (2.0, "two")]))
        .await
        .unwrap();
    let z: Vec<String> = c.send(ZRange::new("z:1", 0, -1)).await.unwrap();
    assert_eq!(z, ["one", "two"]);
    // Streams, through the escape hatch with a key.
    let id: String = c
        .send(Cmd::new("XADD").key("st:1").arg("*").arg("f").arg("v"))
        .await
        .unwrap();
    assert!(id.contains('-'));
    let len: i64 = c
        .send(Cmd::new("XLEN").key("st:1").read_only())
        .await
        .unwrap();
    assert_eq!(len, 1);
    // Keyless: DBSIZE summed over the primaries, KEYS concatenated.
    let size: i64 = c.send(Cmd::new("DBSIZE")).await.unwrap();
    assert!(size >= 36, "{size}");
    let keys: Vec<String> = c.send(Cmd::new("KEYS").arg("s:*")).await.unwrap();
    assert_eq!(keys.len(), 30);
    let pong: String = c.send(Cmd::new("PING")).await.unwrap();
    assert_eq!(pong, "PONG");
    let scanned = c.scan(Some("s:*"), Some(100)).collect_all().await.unwrap();
    assert_eq!(scanned.len(), 30);
    // The same scan as one stream over all primaries.
    use futures::StreamExt;
    let mut streamed: Vec<bytes::Bytes> = c
        .scan(Some("s:*"), Some(7))
        .into_stream()
        .map(|k| k.unwrap())
        .collect()
        .await;
    streamed.sort();
    streamed.dedup();
    assert_eq!(streamed.len(), 30);
}

async fn splits_multi_key_commands(c: &ClusterClient) {
    let keys: Vec<String> = (0..20).map(|i| format!("mk:{i}")).collect();
    let slots: std::collections::HashSet<u16> =
        keys.iter().map(|k| hash_slot(k.as_bytes())).collect();
    assert!(slots.len() > 3);
    c.send(MSet::new(keys.iter().map(|k| (k.as_str(), k.as_str()))))
        .await
        .unwrap();
    let mut asked = keys.clone();
    asked.reverse();
    asked.insert(3, "mk:missing".into());
    let got: Vec<Option<String>> = c.send(MGet::new(asked.iter())).await.unwrap();
    for (k, v) in asked.iter().zip(&got) {
        match k.as_str() {
            "mk:missing" => assert_eq!(v, &None),
            _ => assert_eq!(v.as_deref(), Some(k.as_str())),
        }
    }
    let n: i64 = c.send(Exists::new(asked.iter())).await.unwrap();
    assert_eq!(n, 20);
    let n: i64 = c.send(Del::new(keys.iter().take(10))).await.unwrap();
    assert_eq!(n, 10);
    // Other multi-key commands across slots fail before sending.
    let e = c
        .send(Cmd::<redis_typed::Value>::new("SUNION").key("a").key("b"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some(ErrorKind::CrossSlot));
    assert!(e.to_string().contains(&hash_slot(b"a").to_string()), "{e}");
}

async fn pipelines_and_transactions(c: &ClusterClient) {
    let ((), (), a, b, n): ((), (), Option<String>, Option<String>, i64) = c
        .pipeline()
        .add(Set::new("p:a", "1"))
        .add(Set::new("p:b", "2"))
        .add(Get::new("p:a"))
        .add(Get::new("p:b"))
        .add(Del::new(["p:a", "p:b"]))
        .send()
        .await
        .unwrap();
    assert_eq!((a.as_deref(), b.as_deref(), n), (Some("1"), Some("2"), 2));
    let (n, v): (i64, Option<i64>) = c
        .transaction()
        .add(Incr::new("{t}:n"))
        .add(Get::new("{t}:n"))
        .send()
        .await
        .unwrap();
    assert_eq!((n, v), (1, Some(1)));
    let e = c
        .transaction()
        .add(Incr::new("t:a"))
        .add(Incr::new("t:b"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), Some(ErrorKind::CrossSlot));
    // Nothing was sent.
    let v: Option<i64> = c.send(Get::new("t:a")).await.unwrap();
    assert_eq!(v, None);

    // Node connections are multiplexed clients: they refuse what would
    // desynchronise them, keyed (SSUBSCRIBE routes by its shard channel)
    // or not, and stay usable.
    for (result, command) in [
        (c.send(SSubscribe::new(["orders"])).await, "SSUBSCRIBE"),
        (c.send(Cmd::<Value>::new("MONITOR")).await, "MONITOR"),
    ] {
        match result {
            Err(Error::NotMultiplexable { command: c, .. }) => assert_eq!(c, command),
            other => panic!("{command}: {other:?}"),
        }
    }
    let v: Option<i64> = c.send(Get::new("t:a")).await.unwrap();
    assert_eq!(v, None);
    // A cross-node pipeline holding one is refused whole, before any of its
    // parts is sent to any node.
    let e = c
        .pipeline()
        .add(Incr::new("p:a"))
        .add(Incr::new("p:b"))
        .add(Incr::new("p:c"))
        .add(Cmd::<Value>::new("MONITOR"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::NotMultiplexable {
                command: "MONITOR",
                ..
            }
        ),
        "{e:?}"
    );
    for key in ["p:a", "p:b", "p:c"] {
        let v: Option<i64> = c.send(Get::new(key)).await.unwrap();
        assert_eq!(v, None, "{key} was not incremented");
    }
}

async fn strategies_distribute_reads(cluster: &RedisCluster, c: &ClusterClient) {
    let keys: Vec<String> = (0..60).map(|i| format!("r:{i}")).collect();
    for k in &keys {
        c.send(Set::new(k.as_str(), "v")).await.unwrap();
    }
    let primaries = cluster.primaries();
    let replicas = cluster.replicas();
    for strategy in LoadBalancingStrategy::ALL {
        cluster.reset_stats();
        for _ in 0..4 {
            for k in &keys {
                let _: Option<String> = c.send_with(Get::new(k.as_str()), strategy).await.unwrap();
            }
            c.send_with(Set::new("r:w", "x"), strategy).await.unwrap();
        }
        let gets = cluster.command_calls("get");
        let sets = cluster.command_calls("set");
        let on = |ports: &[u16], stats: &HashMap<u16, u64>| -> u64 {
            ports.iter().map(|p| stats[p]).sum()
        };
        let (p, r) = (on(&primaries, &gets), on(&replicas, &gets));
        println!("{strategy:?}: GETs on primaries {p}, on replicas {r}; per node {gets:?}");
        assert_eq!(p + r, 240, "{strategy:?}");
        // Replicas count the SETs they replicate too: the writes that landed
        // are the primaries' SETs, all four of them.
        assert_eq!(
            on(&primaries, &sets),
            4,
            "writes land on primaries ({strategy:?})"
        );
        match strategy {
            LoadBalancingStrategy::PrimaryOnly => assert_eq!(r, 0),
            LoadBalancingStrategy::ReplicaOnly
            | LoadBalancingStrategy::RoundRobinReplicas
            | LoadBalancingStrategy::RandomReplica => assert_eq!(p, 0, "{strategy:?}"),
            // One replica per shard: each node of a shard serves about half.
            LoadBalancingStrategy::RoundRobin => {
                for shard in c.topology().shards() {
                    let port = |a: &redis_typed::ServerAddr| match a {
                        redis_typed::ServerAddr::Tcp { port, .. } => *port,
                        _ => 0,
                    };
                    let p = gets[&port(&shard.primary)];
                    let r: u64 = shard.replicas.iter().map(|a| gets[&port(a)]).sum();
                    let share = p * (shard.replicas.len() as u64 + 1);
                    // Each node of a shard serves its equal share, give or take one.
                    assert!(
                        share.abs_diff(p + r) <= shard.replicas.len() as u64 + 1,
                        "{strategy:?}: primary {p}, replicas {r}"
                    );
                }
                assert!(
                    (90..=150).contains(&r),
                    "{strategy:?}: {r} of 240 on replicas"
                )
            }
            _ => assert!(
                (60..=180).contains(&r),
                "{strategy:?}: {r} of 240 on replicas"
            ),
        }
    }
}

/// Runs reads and writes on `keys` until `stop`; returns (ok, errors).
fn spawn_load(
    c: &ClusterClient,
    keys: Vec<String>,
    stop: Arc<AtomicBool>,
) -> tokio::task::JoinHandle<(u64, Vec<(Duration, Error)>)> {
    let c = c.clone();
    tokio::spawn(async move {
        let started = Instant::now();
        let (mut ok, mut errors) = (0, Vec::new());
        let mut i = 0usize;
        while !stop.load(Ordering::Relaxed) {
            let k = &keys[i % keys.len()];
            i += 1;
            let r = match i % 2 {
                0 => c.send(Set::new(k.as_str(), i)).await.map(|_| ()),
                _ => c.send(Get::<_, String>::new(k.as_str())).await.map(|_| ()),
            };
            match r {
                Ok(()) => ok += 1,
                Err(e) => errors.push((started.elapsed(), e)),
            }
        }
        (ok, errors)
    })
}

async fn migrates_a_slot_under_load(cluster: &RedisCluster, c: &ClusterClient) {
    let slot = hash_slot(b"{mig}");
    let keys: Vec<String> = (0..50).map(|i| format!("{{mig}}:{i}")).collect();
    for k in &keys {
        c.send(Set::new(k.as_str(), "v")).await.unwrap();
    }
    let source = cluster.owner_of(slot);
    let target = *cluster.primaries().iter().find(|p| **p != source).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let load = spawn_load(c, keys, stop.clone());
    // The keys move 10 at a time, 20 ms apart, under the load.
    cluster.start_migration(slot, target);
    while cluster.migrate_keys(slot, source, target, 10) > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cluster.finish_migration(slot, source, target);
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let (ok, errors) = load.await.unwrap();
    println!("migration: {ok} commands ok, {} errors", errors.len());
    assert!(errors.is_empty(), "{errors:?}");
    assert!(ok > 0);
    c.refresh().await.unwrap();
    assert_eq!(
        c.topology().shard_for(slot).unwrap().primary.to_string(),
        format!("127.0.0.1:{target}")
    );
}

async fn heals_an_uncovered_slot(cluster: &RedisCluster, c: &ClusterClient) {
    let slot = hash_slot(b"{gap}");
    let owner = cluster.owner_of(slot);
    let s = slot.to_string();
    c.send(Set::new("{gap}:k", "v")).await.unwrap();
    // The owner first: once it stops claiming the slot, gossip cannot give
    // the slot back to the nodes that dropped it.
    cluster.node(owner).cli(&["CLUSTER", "DELSLOTS", &s]);
    for n in cluster
        .nodes()
        .iter()
        .filter(|n| n.is_running() && n.port() != owner)
    {
        n.cli(&["CLUSTER", "DELSLOTS", &s]);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        c.refresh().await.unwrap();
        if c.topology().shard_for(slot).is_none() {
            break;
        }
        assert!(Instant::now() < deadline, "slot {slot} still covered");
        tokio::task::yield_now().await;
    }
    // Reassign the slot shortly after the read starts: the read waits
    // (refresh, backoff) and heals by itself.
    let node = cluster.node(owner);
    let read = {
        let c = c.clone();
        tokio::spawn(async move { c.send(Get::<_, String>::new("{gap}:k")).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    node.cli(&["CLUSTER", "ADDSLOTS", &s]);
    node.cli(&["CLUSTER", "BUMPEPOCH"]);
    let v = read.await.unwrap().unwrap();
    assert_eq!(v.as_deref(), Some("v"));
    cluster.wait_ready();
}

/// Runs load through a failover and reports how long commands failed.
async fn under_load<F: std::future::Future<Output = ()>>(
    c: &ClusterClient,
    keys: Vec<String>,
    disrupt: F,
    healthy: impl Fn() -> bool,
) -> (u64, Vec<(Duration, Error)>) {
    let stop = Arc::new(AtomicBool::new(false));
    let load = spawn_load(c, keys.clone(), stop.clone());
    disrupt.await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while !healthy() {
        assert!(Instant::now() < deadline, "the cluster did not fail over");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // After the servers' own failover, every command succeeds again.
    for k in &keys {
        let _: Option<String> =
            tokio::time::timeout(Duration::from_secs(10), c.send(Get::new(k.as_str())))
                .await
                .expect("recovered within 10 s")
                .unwrap();
        c.send(Set::new(k.as_str(), "after")).await.unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    load.await.unwrap()
}

fn report(what: &str, errors: &[(Duration, Error)], ok: u64) -> Duration {
    let window = match (errors.first(), errors.last()) {
        (Some(a), Some(b)) => b.0 - a.0,
        _ => Duration::ZERO,
    };
    println!("{what}: {ok} ok, {} errors over {window:?}", errors.len());
    for (_, e) in errors.iter().take(5) {
        println!("  {e}");
        // Typed errors: connection failures, timeouts or cluster replies.
        assert!(
            e.is_connection_error() || e.is_timeout() || e.kind().is_some(),
            "untyped error {e:?}"
        );
    }
    window
}

async fn survives_manual_failover(cluster: &RedisCluster, c: &ClusterClient) {
    let slot = hash_slot(b"{fo}");
    let primary = cluster.owner_of(slot);
    let replica = cluster.replica_of(primary);
    let keys: Vec<String> = (0..20).map(|i| format!("{{fo}}:{i}")).collect();
    let node = cluster.node(replica);
    let (ok, errors) = under_load(
        c,
        keys,
        async {
            node.cli(&["CLUSTER", "FAILOVER"]);
        },
        || cluster.primaries().contains(&replica),
    )
    .await;
    let window = report("manual failover", &errors, ok);
    assert!(window < Duration::from_secs(10), "{window:?}");
    cluster.wait_ready();
}

async fn survives_killed_primary(cluster: &mut RedisCluster, c: &ClusterClient) {
    let slot = hash_slot(b"{kill}");
    let primary = cluster.owner_of(slot);
    let keys: Vec<String> = (0..20).map(|i| format!("{{kill}}:{i}")).collect();
    for k in &keys {
        c.send(Set::new(k.as_str(), "v")).await.unwrap();
    }
    let killed_at = Instant::now();
    cluster.node_mut(primary).kill();
    let cluster = &*cluster;
    let (ok, errors) = under_load(c, keys, async {}, || {
        cluster.primaries().len() == 3
            && cluster
                .try_owner_of(slot)
                .is_some_and(|owner| owner != primary)
    })
    .await;
    let window = report("killed primary", &errors, ok);
    println!(
        "killed primary: recovered {:?} after the kill",
        killed_at.elapsed()
    );
    assert!(window < Duration::from_secs(20), "{window:?}");
}

#[test]
fn config_from_urls() {
    let c =
        ClusterConfig::from_urls(&["redis://127.0.0.1:7000", "redis://127.0.0.1:7001"]).unwrap();
    assert_eq!(c.seeds.len(), 2);
    assert!(ClusterConfig::from_urls::<&str>(&[]).is_err());
    let _ = ConnectionConfig::default();
}
