//! The generated server and cluster commands against real servers. The ones
//! that end or re-role a server (`SHUTDOWN`, `REPLICAOF`, `SYNC`, ...) run
//! against their own throwaway servers, in a way that cannot succeed where
//! success would hurt, and assert the documented error reply. Cluster
//! commands run against a single cluster-enabled node, and against a plain
//! server where they fail with `cluster support disabled`.

#[path = "catalogue/mod.rs"]
mod catalogue;
mod support;

use std::net::TcpListener;
use std::time::Duration;

use bytes::Bytes;

use redis_typed::commands::*;
use redis_typed::{Client, ConnectionConfig, Protocol, Value};

use catalogue::{assert_cluster_disabled, assert_server_error, Run};
use support::RedisServer;

async fn client(url: &str, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(url).unwrap().protocol(protocol);
    Client::connect(config).await.unwrap()
}

fn is_ok(value: &Value) -> bool {
    matches!(value, Value::SimpleString(s) if &s[..] == b"OK")
}

#[tokio::test]
#[allow(deprecated)] // SLAVEOF is deprecated by Redis, typed all the same.
async fn server_commands() {
    // MODULE LOAD is refused unless enabled; enabled, loading a missing file
    // fails as documented.
    let server = RedisServer::builder()
        .args(["--enable-module-command", "yes"])
        .start();
    let run = Run::new();
    let c = client(&server.url(), Protocol::Resp3).await;
    let c2 = client(&server.url(), Protocol::Resp2).await;

    // ACL.
    let cats = run.ok(&c, AclCat::new()).await;
    assert!(cats.iter().any(|x| x == "keyspace"), "{cats:?}");
    let cmds = run.ok(&c, AclCat::new().category("hyperloglog")).await;
    assert!(cmds.iter().any(|x| x == "pfadd"), "{cmds:?}");
    run.ok(
        &c,
        AclSetUser::new("alice").rules(["on", ">secret", "~app:*", "+get"]),
    )
    .await;
    run.ok(&c, AclSetUser::new("bob")).await;
    let users = run.ok(&c, AclUsers::new()).await;
    assert_eq!(users, ["alice", "bob", "default"]);
    let rules = run.ok(&c, AclList::new()).await;
    assert!(
        rules.iter().any(|r| r.starts_with("user alice on")),
        "{rules:?}"
    );
    assert_eq!(
        run.ok(&c, AclDryRun::new("alice", "get").args(["app:1"]))
            .await,
        "OK"
    );
    let denied = run
        .ok(&c, AclDryRun::new("alice", "set").args(["app:1", "x"]))
        .await;
    assert!(denied.contains("no permissions"), "{denied}");
    assert_eq!(run.ok(&c, AclGenPass::new()).await.len(), 64);
    assert_eq!(run.ok(&c, AclGenPass::new().bits(32)).await.len(), 8);
    assert_eq!(run.ok(&c, AclWhoAmI::new()).await, "default");
    assert_eq!(
        run.ok(&c, AclDelUser::new(["alice", "bob", "nobody"]))
            .await,
        2
    );
    let help = run.ok(&c, AclHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("DRYRUN")), "{help:?}");
    run.err(&c, AclLoad::new(), "ACL file").await;
    run.err(&c, AclSave::new(), "ACL file").await;
    // ACL rules (passwords) never show in Debug output.
    let debug = format!("{:?}", AclSetUser::new("x").rules([">hunter2"]));
    assert!(!debug.contains("hunter2"), "{debug}");

    // COMMAND introspection.
    assert!(run.ok(&c, CommandCount::new()).await > 200);
    let keys = run
        .ok(&c, CommandGetKeys::new("MSET").args(["a", "1", "b", "2"]))
        .await;
    assert_eq!(keys, ["a", "b"]);
    let help = run.ok(&c, CommandHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("GETKEYS")), "{help:?}");
    let all = run.ok(&c, CommandList::new()).await;
    assert!(all.iter().any(|n| n == "get"), "{}", all.len());
    let lists = run
        .ok(&c, CommandList::new().filter_by_acl_cat("list"))
        .await;
    assert!(lists.iter().any(|n| n == "lpush"), "{lists:?}");
    let z = run
        .ok(&c, CommandList::new().filter_by_pattern("zrangeby*"))
        .await;
    assert_eq!(z.len(), 2, "{z:?}");
    assert!(run
        .ok(&c, CommandList::new().filter_by_module("nomodule"))
        .await
        .is_empty());

    // CONFIG.
    run.ok(
        &c,
        ConfigSet::new([("maxmemory-samples", "7"), ("slowlog-max-len", "64")]),
    )
    .await;
    let help = run.ok(&c, ConfigHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("REWRITE")), "{help:?}");
    run.ok(&c, ConfigResetStat::new()).await;
    run.ok(&c, ConfigRewrite::new()).await;
    assert!(std::fs::read_to_string(server.dir().join("redis.conf"))
        .unwrap()
        .contains("maxmemory-samples 7"));

    // Keyspace, persistence.
    c.send(redis_typed::commands::Set::new("k", "v"))
        .await
        .unwrap();
    assert_eq!(run.ok(&c, DbSize::new()).await, 1);
    run.ok(&c, SwapDb::new(0, 1)).await;
    assert_eq!(c.send(DbSize::new()).await.unwrap(), 0);
    c.send(SwapDb::new(0, 1)).await.unwrap();
    let usage = run.ok(&c, MemoryUsage::new("k")).await;
    assert!(usage.unwrap() > 0);
    assert!(run.ok(&c, MemoryUsage::new("k").samples(0)).await.is_some());
    assert_eq!(run.ok(&c, MemoryUsage::new("nope")).await, None);
    run.ok(&c, Save::new()).await;
    assert!(run.ok(&c, LastSave::new()).await > 1_600_000_000);
    let started = run.ok(&c, BgSave::new()).await;
    assert!(started.starts_with("Background saving"), "{started}");
    let scheduled = c.send(BgSave::new().schedule()).await;
    match scheduled {
        Ok(s) => assert!(s.starts_with("Background saving"), "{s}"),
        Err(e) => assert_server_error("BGSAVE SCHEDULE", &e, "in progress"),
    }
    let rewrite = run.ok(&c, BgRewriteAof::new()).await;
    assert!(rewrite.contains("rewriting"), "{rewrite}");
    run.ok(&c, FlushDb::new().sync()).await;
    run.ok(&c, FlushDb::new().async_()).await;
    run.ok(&c, FlushDb::new()).await;
    run.ok(&c, FlushAll::new().sync()).await;
    run.ok(&c, FlushAll::new().async_()).await;
    run.ok(&c, FlushAll::new()).await;

    // Latency, memory, slowlog, debug, LOLWUT.
    server.cli(&["CONFIG", "SET", "latency-monitor-threshold", "1"]);
    let debug = run.ok(&c, Debug::new("SLEEP").args(["0.01"])).await;
    assert!(is_ok(&debug), "{debug:?}");
    let doctor = run.ok(&c, LatencyDoctor::new()).await;
    assert!(!doctor.is_empty());
    let graph = run.ok(&c, LatencyGraph::new("command")).await;
    assert!(graph.contains("command"), "{graph}");
    run.err(&c, LatencyGraph::new("no-such-event"), "No samples")
        .await;
    assert!(run.ok(&c, LatencyReset::new().events(["command"])).await <= 1);
    assert!(run.ok(&c, LatencyReset::new()).await >= 0);
    let help = run.ok(&c, LatencyHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("DOCTOR")), "{help:?}");
    assert!(!run.ok(&c, MemoryDoctor::new()).await.is_empty());
    assert!(!run.ok(&c, MemoryMallocStats::new()).await.is_empty());
    run.ok(&c, MemoryPurge::new()).await;
    let help = run.ok(&c, MemoryHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("USAGE")), "{help:?}");
    assert!(run.ok(&c, SlowlogLen::new()).await >= 0);
    run.ok(&c, SlowlogReset::new()).await;
    let help = run.ok(&c, SlowlogHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("RESET")), "{help:?}");
    assert!(run.ok(&c, Lolwut::new()).await.contains("Redis ver."));
    assert!(run
        .ok(&c, Lolwut::new().version(5))
        .await
        .contains("Redis ver."));

    // Modules: none can be loaded here, so each fails as documented.
    let help = run.ok(&c, ModuleHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("LOADEX")), "{help:?}");
    run.err(
        &c,
        ModuleLoad::new("/nonexistent/module.so").args(["a"]),
        "Error loading the extension",
    )
    .await;
    run.err(
        &c,
        ModuleLoadEx::new("/nonexistent/module.so")
            .configs([("name", "value")])
            .args(["a"]),
        "Error loading the extension",
    )
    .await;
    run.err(&c, ModuleUnload::new("nosuchmodule"), "no such module")
        .await;

    // Replication commands that need a replica: refused on a lone primary.
    run.err(&c, Failover::new(), "requires connected replicas")
        .await;
    run.err(&c, Failover::new().abort(), "No failover in progress")
        .await;
    run.err(
        &c,
        Failover::new().to("127.0.0.1", 1, true).timeout(100),
        "",
    )
    .await;
    run.ok(&c, ReplConf::new()).await;
    let dump = c.send(Dump::new("nope")).await.unwrap();
    assert_eq!(dump, None);
    c.send(redis_typed::commands::Set::new("src", "x"))
        .await
        .unwrap();
    let payload = c.send(Dump::new("src")).await.unwrap().unwrap();
    run.ok(&c, RestoreAsking::new("copy", 0, payload.clone()))
        .await;
    run.ok(
        &c,
        RestoreAsking::new("copy", 0, payload)
            .replace()
            .abs_ttl()
            .idle_time(1),
    )
    .await;

    // MONITOR on a connection of its own, dropped afterwards.
    let mut monitor = c.dedicated().await.unwrap();
    let cmd = Monitor::new();
    run.note(&cmd);
    monitor.send(cmd).await.unwrap();
    drop(monitor);

    // Structured replies on RESP2.
    let cats = c2.send(AclCat::new()).await.unwrap();
    assert!(cats.len() > 10);
    assert_eq!(
        c2.send(CommandGetKeys::new("GET").args(["x"]))
            .await
            .unwrap(),
        ["x"]
    );
    assert!(c2.send(MemoryUsage::new("copy")).await.unwrap().is_some());

    // A server of its own becomes a replica of nothing: SYNC and PSYNC are
    // refused there; REPLICAOF / SLAVEOF NO ONE bring it back.
    let lonely = RedisServer::start();
    let l = client(&lonely.url(), Protocol::Resp3).await;
    let reply = run.ok(&l, ReplicaOf::new("127.0.0.1", 1)).await;
    assert!(reply.starts_with("OK"), "{reply}");
    let mut conn = l.dedicated().await.unwrap();
    for (cmd_name, result) in [
        ("SYNC", {
            let cmd = ReplicaSync::new();
            run.note(&cmd);
            conn.send(cmd).await
        }),
        ("PSYNC", {
            let cmd = PSync::new("?", -1);
            run.note(&cmd);
            conn.send(cmd).await
        }),
    ] {
        assert_server_error(cmd_name, &result.unwrap_err(), "NOMASTERLINK");
    }
    assert!(run.ok(&l, ReplicaOf::no_one()).await.starts_with("OK"));
    assert!(run
        .ok(&l, SlaveOf::new("127.0.0.1", 1))
        .await
        .starts_with("OK"));
    assert!(run.ok(&l, SlaveOf::no_one()).await.starts_with("OK"));

    // SHUTDOWN, on a server of its own: ABORT with nothing to abort is an
    // error; a real shutdown closes the connection.
    let doomed = RedisServer::start();
    let d = client(&doomed.url(), Protocol::Resp3).await;
    run.err(&d, Shutdown::new().abort(), "No shutdown in progress")
        .await;
    let cmd = Shutdown::new().no_save().now().force();
    run.note(&cmd);
    let err = d.send(cmd).await.unwrap_err();
    assert!(err.is_connection_error(), "{err}");
    run.note(&Shutdown::new().save());

    run.assert_covers(&["server"]);
}

/// A free port whose cluster bus port (+10000) is valid too.
fn cluster_port() -> u16 {
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if port <= 55_535 && TcpListener::bind(("127.0.0.1", port + 10_000)).is_ok() {
            return port;
        }
    }
}

#[tokio::test]
async fn cluster_commands() {
    let run = Run::new();

    // A plain server: every cluster command fails the same way.
    let plain = RedisServer::start();
    let p = client(&plain.url(), Protocol::Resp3).await;
    macro_rules! disabled {
        ($($cmd:expr),* $(,)?) => {$(
            let cmd = $cmd;
            let name = catalogue::name_of(&cmd);
            run.note(&cmd);
            assert_cluster_disabled(&name, &p.send(cmd).await.unwrap_err());
        )*};
    }
    disabled!(
        Asking::new(),
        ClusterAddSlots::new([1]),
        ClusterAddSlotsRange::new([(1, 2)]),
        ClusterBumpEpoch::new(),
        ClusterCountFailureReports::new("x"),
        ClusterCountKeysInSlot::new(1),
        ClusterDelSlots::new([1]),
        ClusterDelSlotsRange::new([(1, 2)]),
        ClusterFailover::new(),
        ClusterFlushSlots::new(),
        ClusterForget::new("x"),
        ClusterGetKeysInSlot::<Bytes>::new(1, 1),
        ClusterHelp::new(),
        ClusterKeySlot::new("k"),
        ClusterMeet::new("127.0.0.1", 1),
        ClusterMyId::new(),
        ClusterReplicate::new("x"),
        ClusterReset::new(),
        ClusterSaveConfig::new(),
        ClusterSetConfigEpoch::new(1),
        ClusterSetSlot::stable(1),
        ReadOnly::new(),
        ReadWrite::new(),
    );

    // One cluster-enabled node, alone in its cluster.
    let port = cluster_port();
    let node = RedisServer::builder()
        .preferred_port(port)
        .args([
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
        ])
        .args(["--cluster-require-full-coverage", "no"])
        .start();
    let c = client(&node.url(), Protocol::Resp3).await;
    let c2 = client(&node.url(), Protocol::Resp2).await;

    let help = run.ok(&c, ClusterHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("SETSLOT")), "{help:?}");
    let me = run.ok(&c, ClusterMyId::new()).await;
    assert_eq!(me.len(), 40);
    if RedisServer::version_at_least((7, 2, 0), "CLUSTER MYSHARDID") {
        assert_eq!(run.ok(&c, ClusterMyShardId::new()).await.len(), 40);
    } else {
        run.skipped("CLUSTER MYSHARDID");
    }
    run.ok(&c, ClusterSetConfigEpoch::new(5)).await;
    run.err(&c, ClusterSetConfigEpoch::new(6), "already non-zero")
        .await;
    let bumped = run.ok(&c, ClusterBumpEpoch::new()).await;
    assert!(
        bumped.starts_with("BUMPED") || bumped.starts_with("STILL"),
        "{bumped}"
    );

    let slot = run.ok(&c, ClusterKeySlot::new("user:1")).await;
    assert!((0..16384).contains(&slot));
    run.ok(&c, ClusterAddSlots::new([slot])).await;
    run.ok(&c, ClusterAddSlotsRange::new([(0, 99), (200, 299)]))
        .await;
    // The node serves the slot once its cluster state turns ok.
    let mut tries = 0;
    while let Err(e) = c.send(redis_typed::commands::Set::new("user:1", "x")).await {
        tries += 1;
        assert!(tries < 100, "SET never succeeded: {e}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(run.ok(&c, ClusterCountKeysInSlot::new(slot)).await, 1);
    let keys: Vec<String> = run.ok(&c, ClusterGetKeysInSlot::new(slot, 10)).await;
    assert_eq!(keys, ["user:1"]);
    let keys2: Vec<String> = c2.send(ClusterGetKeysInSlot::new(slot, 10)).await.unwrap();
    assert_eq!(keys2, ["user:1"]);
    assert_eq!(run.ok(&c, ClusterCountFailureReports::new(&me)).await, 0);
    run.ok(&c, ClusterDelSlots::new([0])).await;
    run.ok(&c, ClusterDelSlotsRange::new([(200, 299)])).await;
    run.ok(&c, ClusterSetSlot::stable(1)).await;
    run.ok(&c, ClusterSetSlot::node(300, &me)).await;
    run.err(
        &c,
        ClusterSetSlot::importing(301, "0123456789012345678901234567890123456789"),
        "don't know about node",
    )
    .await;
    run.err(
        &c,
        ClusterSetSlot::migrating(slot, "0123456789012345678901234567890123456789"),
        "don't know about node",
    )
    .await;
    run.err(&c, ClusterFailover::new().force(), "replica").await;
    run.err(&c, ClusterFailover::new().takeover(), "replica")
        .await;
    run.err(&c, ClusterForget::new(&me), "forget myself").await;
    run.err(&c, ClusterReplicate::new(&me), "replicate myself")
        .await;
    run.ok(&c, ClusterSaveConfig::new()).await;
    run.ok(&c, Asking::new()).await;
    let mut conn = c.dedicated().await.unwrap();
    for cmd in [ReadOnly::new()] {
        run.note(&cmd);
        conn.send(cmd).await.unwrap();
    }
    let cmd = ReadWrite::new();
    run.note(&cmd);
    conn.send(cmd).await.unwrap();
    run.err(&c, ClusterFlushSlots::new(), "DB must be empty")
        .await;
    c.send(FlushAll::new()).await.unwrap();
    run.ok(&c, ClusterFlushSlots::new()).await;
    run.ok(&c, ClusterMeet::new("127.0.0.1", 1).cluster_bus_port(2))
        .await;
    run.ok(&c, ClusterReset::new().soft()).await;
    run.ok(&c, ClusterReset::new().hard()).await;
    run.ok(&c, ClusterReset::new()).await;

    run.assert_covers(&["cluster"]);
}
