//! `ClusterClient` on a cluster of 3 primaries with TWO replicas each:
//! what every [`LoadBalancingStrategy`] promises over more than one replica,
//! for `GET` and for the other read-only commands (`FCALL_RO`, `EVAL_RO`,
//! `EVALSHA_RO`, a `Cmd` marked read-only); scripts and functions present
//! on every node after a load through the client; replica reads still
//! served by the replica after its connections are killed.
//!
//! ONE cluster serves this binary and the checks run in ONE test function,
//! phase after phase: they read the servers' command statistics (`INFO
//! commandstats` after `CONFIG RESETSTAT`), which any concurrent test would
//! skew. The cluster is owned by the test function, so it is killed even
//! when a phase panics.

mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use redis_typed::cluster::{hash_slot, ClusterClient, ClusterConfig, LoadBalancingStrategy, Shard};
use redis_typed::commands::{
    Eval, EvalRo, EvalShaRo, FCall, FCallRo, Get, LuaLibrary, Script, ScriptFlush, Set,
};
use redis_typed::{Cmd, ServerAddr};
use support::RedisCluster;

/// A library with a read-only function (`no-writes`) and a writing one.
/// The scripts read with `GETRANGE`, not `GET`: the commands a script runs
/// count in `INFO commandstats` too, and the `GET`s counted must be the
/// client's own.
const LIBRARY: &str = "#!lua name=ballib
redis.register_function{function_name='ro_get', callback=function(keys, args) return redis.call('GETRANGE', keys[1], 0, -1) end, flags={'no-writes'}}
redis.register_function('rw_set', function(keys, args) return redis.call('SET', keys[1], args[1]) end)";
const READ_SCRIPT: &str = "return redis.call('GETRANGE', KEYS[1], 0, -1)";
const WRITE_SCRIPT: &str = "return redis.call('SET', KEYS[1], ARGV[1])";

/// Keys read per round, all in one shard.
const KEYS: usize = 60;
/// Rounds over the keys per read command: 120 reads of each command.
const ROUNDS: usize = 2;
/// The read-only commands, by their `INFO commandstats` names.
const READS: [&str; 5] = ["get", "fcall_ro", "eval_ro", "evalsha_ro", "strlen"];

/// Longest wait for replication to bring a function library to (or remove
/// it from) the replicas.
const REPLICATION: Duration = Duration::from_secs(10);

fn port(addr: &ServerAddr) -> u16 {
    match addr {
        ServerAddr::Tcp { port, .. } => *port,
        other => panic!("a TCP node, not {other:?}"),
    }
}

/// Polls `check` until it holds, failing with `what` after `limit`.
fn wait_for(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !check() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Calls of `command` on the node on `port` since the last reset.
fn calls(stats: &HashMap<u16, u64>, port: u16) -> u64 {
    stats.get(&port).copied().unwrap_or(0)
}

/// Hoeffding: `n` independent picks each landing on a node with
/// probability `p` leave that node's count more than `t` away from `n * p`
/// with probability at most `2 exp(-2 t^2 / n)`. The `t` for which that is
/// one in a billion (per node and strategy: a false failure is out of the
/// question, while a strategy that ignores a node or favours one by a
/// fifth is still caught at `n = 600`).
fn hoeffding_bound(n: u64) -> u64 {
    let delta: f64 = 1e-9;
    ((n as f64) * (2.0 / delta).ln() / 2.0).sqrt().ceil() as u64
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_with_two_replicas_per_shard() {
    let started = Instant::now();
    let mut cluster = RedisCluster::start_with(2);
    println!("9-node cluster ready in {:?}", started.elapsed());
    let mut config = ClusterConfig::from_urls(&cluster.urls()).unwrap();
    config.connection = config
        .connection
        .response_timeout(Some(Duration::from_secs(5)));
    let client = ClusterClient::connect(config).await.unwrap();
    let topology = client.topology();
    assert_eq!(topology.covered(), 16384);
    assert_eq!(topology.shards().len(), 3);
    assert!(
        topology.shards().iter().all(|s| s.replicas.len() == 2),
        "{topology:?}"
    );

    // Keys of one shard, in several slots.
    let shard: Shard = topology
        .shard_for(hash_slot(b"bal:0"))
        .expect("slot covered")
        .clone();
    let keys: Vec<String> = (0..)
        .map(|i| format!("bal:{i}"))
        .filter(|k| {
            topology
                .shard_for(hash_slot(k.as_bytes()))
                .is_some_and(|s| s.primary == shard.primary)
        })
        .take(KEYS)
        .collect();
    // The map agrees with the servers' own roles.
    assert!(cluster.primaries().contains(&port(&shard.primary)));
    for r in &shard.replicas {
        assert!(cluster.replicas().contains(&port(r)));
    }
    for k in &keys {
        client.send(Set::new(k.as_str(), "v")).await.unwrap();
    }

    let script = Script::new(READ_SCRIPT);
    let library = LuaLibrary::new(LIBRARY);
    scripts_and_functions_reach_every_node(&cluster, &client, &shard, &keys, &script, &library)
        .await;
    println!("fan-out ok ({:?})", started.elapsed());
    strategies_over_two_replicas(&cluster, &client, &shard, &keys, &script).await;
    println!("strategies ok ({:?})", started.elapsed());
    round_robin_across_shards(&cluster, &client).await;
    println!("round robin across shards ok ({:?})", started.elapsed());
    replica_reads_survive_killed_connections(&mut cluster, &client, &shard, &keys).await;
    println!("READONLY after reconnect ok ({:?})", started.elapsed());
}

/// `SCRIPT LOAD`, `SCRIPT FLUSH`, `FUNCTION LOAD` and `FUNCTION DELETE`
/// sent through the client: seen on all nine nodes, replicas included (the
/// script cache on each node directly; functions on the primaries at once,
/// on the replicas by replication), and an `FCALL_RO` balanced to a
/// replica runs there.
async fn scripts_and_functions_reach_every_node(
    cluster: &RedisCluster,
    client: &ClusterClient,
    shard: &Shard,
    keys: &[String],
    script: &Script,
    library: &LuaLibrary,
) {
    let has_script = |port: u16| cluster.node(port).cli(&["SCRIPT", "EXISTS", script.sha1()]);
    let has_library = |port: u16| {
        cluster
            .node(port)
            .cli(&["FUNCTION", "LIST", "LIBRARYNAME", "ballib"])
            .contains("ballib")
    };
    let all: Vec<u16> = cluster.nodes().iter().map(|n| n.port()).collect();
    assert_eq!(all.len(), 9);
    let primaries = cluster.primaries();
    let replicas = cluster.replicas();
    assert_eq!((primaries.len(), replicas.len()), (3, 6));

    // SCRIPT LOAD: on every node when the reply comes (Redis 7 does not
    // replicate the script cache: only the client can put it there).
    let sha: String = client.send(script.load()).await.unwrap();
    assert_eq!(sha, script.sha1());
    for &p in &all {
        assert_eq!(has_script(p), "1", "script on node {p}");
    }
    // SCRIPT FLUSH: gone from every node.
    client.send(ScriptFlush::new()).await.unwrap();
    for &p in &all {
        assert_eq!(has_script(p), "0", "script flushed on node {p}");
    }
    let sha: String = client.send(script.load()).await.unwrap();
    assert_eq!(sha, script.sha1());
    assert!(all.iter().all(|&p| has_script(p) == "1"));

    // FUNCTION LOAD: on every primary when the reply comes, on every
    // replica once replicated.
    let name: String = client.send(library.load()).await.unwrap();
    assert_eq!(name, "ballib");
    for &p in &primaries {
        assert!(has_library(p), "library on primary {p}");
    }
    wait_for("library replicated", REPLICATION, || {
        replicas.iter().all(|&p| has_library(p))
    });
    // FUNCTION DELETE: gone everywhere the same way.
    client.send(library.delete().unwrap()).await.unwrap();
    for &p in &primaries {
        assert!(!has_library(p), "library deleted on primary {p}");
    }
    wait_for("library deletion replicated", REPLICATION, || {
        replicas.iter().all(|&p| !has_library(p))
    });
    client.send(library.load()).await.unwrap();
    wait_for("library replicated again", REPLICATION, || {
        all.iter().all(|&p| has_library(p))
    });

    // FCALL_RO and EVALSHA_RO balanced to the replicas run there.
    cluster.reset_stats();
    for k in &keys[..4] {
        let v: Option<String> = client
            .send_with(
                FCallRo::new("ro_get").keys([k.as_str()]),
                LoadBalancingStrategy::ReplicaOnly,
            )
            .await
            .unwrap();
        assert_eq!(v.as_deref(), Some("v"));
        let v: Option<String> = client
            .send_with(
                EvalShaRo::new(script.sha1()).keys([k.as_str()]),
                LoadBalancingStrategy::ReplicaOnly,
            )
            .await
            .unwrap();
        assert_eq!(v.as_deref(), Some("v"));
    }
    // The two commands alternate with the replicas (one turn counter per
    // shard): each command stays on one replica, each replica runs four.
    let mut per_replica = vec![0; shard.replicas.len()];
    for command in ["fcall_ro", "evalsha_ro"] {
        let stats = cluster.command_calls(command);
        for (n, r) in per_replica.iter_mut().zip(&shard.replicas) {
            *n += calls(&stats, port(r));
        }
        let on_replicas: u64 = shard.replicas.iter().map(|r| calls(&stats, port(r))).sum();
        assert_eq!(on_replicas, 4, "{command} on the replicas: {stats:?}");
        assert_eq!(stats.values().sum::<u64>(), 4, "{command}: {stats:?}");
    }
    assert_eq!(per_replica, [4, 4]);
}

/// Each strategy, with each read-only command run `ROUNDS * KEYS` times
/// over keys of one shard, and writes (`FCALL`, `EVAL`) in between.
async fn strategies_over_two_replicas(
    cluster: &RedisCluster,
    client: &ClusterClient,
    shard: &Shard,
    keys: &[String],
    script: &Script,
) {
    let primary = port(&shard.primary);
    let replicas: Vec<u16> = shard.replicas.iter().map(port).collect();
    let shard_nodes: Vec<u16> = std::iter::once(primary)
        .chain(replicas.iter().copied())
        .collect();
    let per_command = (ROUNDS * KEYS) as u64;
    let writes = 10u64;
    for strategy in LoadBalancingStrategy::ALL {
        cluster.reset_stats();
        for command in READS {
            for _ in 0..ROUNDS {
                for k in keys {
                    let k = k.as_str();
                    let v: Option<String> = match command {
                        "get" => client.send_with(Get::new(k), strategy).await,
                        "fcall_ro" => {
                            client
                                .send_with(FCallRo::new("ro_get").keys([k]), strategy)
                                .await
                        }
                        "eval_ro" => {
                            client
                                .send_with(EvalRo::new(READ_SCRIPT).keys([k]), strategy)
                                .await
                        }
                        "evalsha_ro" => {
                            client
                                .send_with(EvalShaRo::new(script.sha1()).keys([k]), strategy)
                                .await
                        }
                        _ => client
                            .send_with(Cmd::<i64>::new("STRLEN").key(k).read_only(), strategy)
                            .await
                            // "v" is one byte long.
                            .map(|n| (n == 1).then(|| "v".to_owned())),
                    }
                    .unwrap_or_else(|e| panic!("{strategy:?} {command} {k}: {e}"));
                    assert_eq!(v.as_deref(), Some("v"), "{strategy:?} {command} {k}");
                }
            }
        }
        // Writes go to the primary, whatever the strategy.
        for k in &keys[..writes as usize] {
            let k = k.as_str();
            let _: String = client
                .send_with(FCall::new("rw_set").keys([k]).args(["v"]), strategy)
                .await
                .unwrap();
            let _: String = client
                .send_with(Eval::new(WRITE_SCRIPT).keys([k]).args(["v"]), strategy)
                .await
                .unwrap();
        }

        let mut served: HashMap<u16, u64> = HashMap::new();
        for command in READS {
            let stats = cluster.command_calls(command);
            let counts: Vec<u64> = shard_nodes.iter().map(|&p| calls(&stats, p)).collect();
            println!("{strategy:?} {command}: primary, replica, replica = {counts:?}");
            assert_eq!(
                stats.values().sum::<u64>(),
                per_command,
                "{strategy:?} {command}: every read counted once, in the shard: {stats:?}"
            );
            for (&p, &c) in shard_nodes.iter().zip(&counts) {
                *served.entry(p).or_default() += c;
            }
            let (p, r) = (counts[0], &counts[1..]);
            match strategy {
                LoadBalancingStrategy::PrimaryOnly => assert_eq!(p, per_command),
                // The replicas in turn: exactly half each.
                LoadBalancingStrategy::ReplicaOnly | LoadBalancingStrategy::RoundRobinReplicas => {
                    assert_eq!(
                        (p, r),
                        (0, &[per_command / 2, per_command / 2][..]),
                        "{strategy:?} {command}"
                    )
                }
                // The primary and each replica in turn: exactly a third each.
                LoadBalancingStrategy::RoundRobin => {
                    assert_eq!(counts, [per_command / 3; 3], "{strategy:?} {command}")
                }
                LoadBalancingStrategy::RandomReplica => assert_eq!(p, 0, "{strategy:?}"),
                // Checked over all commands below.
                _ => {}
            }
        }
        // Random picks: a uniform choice per read, checked on the total of
        // the five commands per node (n = 600 reads).
        let n = per_command * READS.len() as u64;
        let bound = hoeffding_bound(n);
        let check = |nodes: &[u16], share: u64| {
            for p in nodes {
                let got = served[p];
                assert!(
                    got.abs_diff(n / share) <= bound,
                    "{strategy:?}: node {p} served {got} of {n}, expected {} +- {bound}",
                    n / share
                );
            }
        };
        match strategy {
            LoadBalancingStrategy::Random => check(&shard_nodes, 3),
            LoadBalancingStrategy::RandomReplica => check(&replicas, 2),
            _ => {}
        }

        for command in ["fcall", "eval"] {
            let stats = cluster.command_calls(command);
            assert_eq!(
                calls(&stats, primary),
                writes,
                "{strategy:?} {command} on the primary: {stats:?}"
            );
            assert_eq!(
                stats.values().sum::<u64>(),
                writes,
                "{strategy:?} {command} nowhere else: {stats:?}"
            );
        }
    }
}

/// Reads that alternate between the three shards: each shard still takes
/// its own turns, so every node of every shard serves exactly a third of
/// its shard's reads (each shard has its own counter).
async fn round_robin_across_shards(cluster: &RedisCluster, client: &ClusterClient) {
    const TURNS: u64 = 60;
    let topology = client.topology();
    // One key per shard.
    let mut keys: Vec<(String, Shard)> = Vec::new();
    for i in 0.. {
        let key = format!("rr:{i}");
        let shard = topology.shard_for(hash_slot(key.as_bytes())).unwrap();
        if keys.iter().all(|(_, s)| s.primary != shard.primary) {
            keys.push((key, shard.clone()));
        }
        if keys.len() == 3 {
            break;
        }
    }
    for (k, _) in &keys {
        client.send(Set::new(k.as_str(), "v")).await.unwrap();
    }
    cluster.reset_stats();
    for _ in 0..TURNS {
        for (k, _) in &keys {
            let v: Option<String> = client
                .send_with(Get::new(k.as_str()), LoadBalancingStrategy::RoundRobin)
                .await
                .unwrap();
            assert_eq!(v.as_deref(), Some("v"));
        }
    }
    let stats = cluster.command_calls("get");
    for (k, shard) in &keys {
        let nodes: Vec<u16> = std::iter::once(&shard.primary)
            .chain(&shard.replicas)
            .map(port)
            .collect();
        let counts: Vec<u64> = nodes.iter().map(|&p| calls(&stats, p)).collect();
        assert_eq!(counts, [TURNS / 3; 3], "shard of {k}: {stats:?}");
    }
}

/// Replica reads (round robin over both replicas), then every client
/// connection of one replica killed server-side, then more reads: all are
/// answered, none by the primary, the killed replica serves its turn again
/// and counts a new `READONLY`. The same for a pipeline after another
/// kill, and after the replica process itself is restarted.
async fn replica_reads_survive_killed_connections(
    cluster: &mut RedisCluster,
    client: &ClusterClient,
    shard: &Shard,
    keys: &[String],
) {
    let strategy = LoadBalancingStrategy::RoundRobinReplicas;
    let primary = port(&shard.primary);
    let victim = port(&shard.replicas[0]);
    let other = port(&shard.replicas[1]);
    let read_all = || async {
        for k in keys {
            let v: Option<String> = client
                .send_with(Get::new(k.as_str()), strategy)
                .await
                .unwrap();
            assert_eq!(v.as_deref(), Some("v"), "{k}");
        }
    };

    cluster.reset_stats();
    read_all().await;
    let gets = cluster.command_calls("get");
    assert_eq!(calls(&gets, victim), KEYS as u64 / 2, "{gets:?}");
    assert_eq!(calls(&gets, other), KEYS as u64 / 2, "{gets:?}");

    let killed = cluster
        .node(victim)
        .cli(&["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]);
    println!("CLIENT KILL TYPE normal on replica {victim}: {killed} connection(s)");
    assert_ne!(killed.trim(), "0", "the client's connection was killed");

    cluster.reset_stats();
    read_all().await;
    served_again(cluster, [primary, victim, other], "after the kill");

    // A pipeline whose replica group meets the killed connection.
    let killed = cluster
        .node(victim)
        .cli(&["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]);
    assert_ne!(killed.trim(), "0", "the client's connection was killed");
    cluster.reset_stats();
    let k = |i: usize| keys[i].as_str();
    let replies: [Option<String>; 4] = client
        .pipeline()
        .strategy(strategy)
        .add(Get::new(k(0)))
        .add(Get::new(k(1)))
        .add(Get::new(k(2)))
        .add(Get::new(k(3)))
        .send()
        .await
        .map(|(a, b, c, d)| [a, b, c, d])
        .unwrap();
    assert!(
        replies.iter().all(|v| v.as_deref() == Some("v")),
        "{replies:?}"
    );
    let gets = cluster.command_calls("get");
    println!("pipeline after the kill: GET per node {gets:?}");
    assert_eq!(calls(&gets, primary), 0, "no pipelined read on the primary");
    assert_eq!(calls(&gets, victim) + calls(&gets, other), 4);
    assert!(calls(&gets, victim) >= 1, "{gets:?}");

    // The replica process restarted (its data back by a full resync).
    cluster.node_mut(victim).restart();
    cluster.wait_ready();
    cluster.reset_stats();
    read_all().await;
    served_again(cluster, [primary, victim, other], "after the restart");
}

/// What `KEYS` reads after the replica `victim` lost its connections
/// show (`[primary, victim, other replica]` ports), from the nodes' stats
/// since the reads began: none on the primary, the victim back to its turns
/// and in READONLY mode again. `what` names the loss in the printout.
fn served_again(cluster: &RedisCluster, [primary, victim, other]: [u16; 3], what: &str) {
    let gets = &cluster.command_calls("get");
    let readonly = &cluster.command_calls("readonly");
    let rejected = rejected_calls(cluster, victim, "get");
    println!(
        "{what}: GET per node {gets:?}, READONLY per node {readonly:?}, \
         GETs the victim redirected: {rejected}"
    );
    assert_eq!(calls(gets, primary), 0, "no read fell back to the primary");
    assert_eq!(calls(gets, victim) + calls(gets, other), KEYS as u64);
    // The victim serves its turns again: half, give or take the one read
    // whose connection failed under it (retried on the next replica).
    assert!(
        calls(gets, victim) + 1 >= KEYS as u64 / 2,
        "killed replica served {} of {KEYS}",
        calls(gets, victim)
    );
    assert!(calls(readonly, victim) >= 1, "READONLY sent again");
    // READONLY was restored after at most one redirected read (it is sent
    // again on the MOVED, never blindly on reconnect: a reconnected node may
    // have been demoted meanwhile).
    assert!(rejected <= 1, "{rejected} GETs redirected by the replica");
}

/// `rejected_calls` of `command` on the node on `port` (commands refused
/// before running, e.g. with a `MOVED`).
fn rejected_calls(cluster: &RedisCluster, port: u16, command: &str) -> u64 {
    let stats = cluster.node(port).cli(&["INFO", "commandstats"]);
    let prefix = format!("cmdstat_{command}:");
    stats
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .and_then(|rest| {
            rest.split(',')
                .find_map(|f| f.strip_prefix("rejected_calls="))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}
