//! The hand-written SERVER, CLUSTER, CONNECTION, SCRIPTING and PUBSUB
//! commands with structured replies, against real servers, in RESP2 and
//! RESP3: every command is sent, and its typed reply checked against what
//! the test set up (a slow log entry, a function library, an ACL user, a
//! failed login, a latency spike, a loaded module, a replica, a two-node
//! cluster...).

mod support;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::net::TcpListener;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use redis_typed::commands::{
    keys_of, AclGetUser, AclLog, AclLogReset, ArgType, Auth, BeginSearch, ClientInfo, ClientList,
    ClientSetName, ClientTrackingInfo, ClientType, ClusterInfo, ClusterLinks, ClusterNode,
    ClusterNodes, ClusterReplicas, ClusterShards, ClusterSlaves, ClusterSlots, CommandDocs,
    CommandGetKeysAndFlags, CommandInfo, ConfigGet, FindKeys, FunctionList, FunctionStats, Get,
    Info, LatencyHistogram, LatencyHistory, LatencyLatest, LinkDirection, MemoryStats, ModuleList,
    NodeHealth, NodeRole, PubsubNumSub, PubsubShardNumSub, Role, RoleReply, Set, SlowlogGet, Time,
};
use redis_typed::{Client, Cmd, Command, ConnectionConfig, Error, Protocol};
use support::RedisServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROTOCOLS: [Protocol; 2] = [Protocol::Resp2, Protocol::Resp3];

async fn client(server: &RedisServer, protocol: Protocol) -> Client {
    client_at(&server.url(), protocol).await
}

async fn client_at(url: &str, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(url)
        .unwrap()
        .protocol(protocol)
        .response_timeout(Some(Duration::from_secs(10)));
    Client::connect(config).await.unwrap()
}

fn proto_number(protocol: Protocol) -> i64 {
    match protocol {
        Protocol::Resp2 => 2,
        _ => 3,
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Polls `check` every 100 ms until it returns `Some`, for up to `limit`.
async fn wait_for<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

// ------------------------------------------------------------- SLOWLOG

#[tokio::test]
async fn slowlog_get_lists_the_commands_that_ran() {
    let server = RedisServer::start();
    server.cli(&["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        c.send(ClientSetName::new("slow-one")).await.unwrap();
        c.send(Set::new("slow:key", "v")).await.unwrap();

        let entries = c.send(SlowlogGet::new().count(-1)).await.unwrap();
        let entry = entries
            .iter()
            .find(|e| e.args.first().is_some_and(|a| a == "SET"))
            .unwrap_or_else(|| panic!("no SET in {entries:?}"));
        assert_eq!(entry.args, ["SET", "slow:key", "v"]);
        assert_eq!(entry.client_name, "slow-one");
        assert!(entry.client_addr.starts_with("127.0.0.1:"), "{entry:?}");
        assert!((entry.timestamp - unix_now()).abs() < 60, "{entry:?}");
        assert!(entry.duration < Duration::from_secs(5));
        // Newest first: ids decrease.
        assert!(entries.windows(2).all(|w| w[0].id > w[1].id));

        let two = c.send(SlowlogGet::new().count(2)).await.unwrap();
        assert_eq!(two.len(), 2);
        assert_eq!(
            two[0].id,
            entries[0].id + 1,
            "SLOWLOG GET itself was logged"
        );
        server.cli(&["SLOWLOG", "RESET"]);
    }
}

// ------------------------------------------------------ CLIENT commands

#[tokio::test]
async fn client_info_and_client_list_describe_connections() {
    let server = RedisServer::start();
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        c.send(ClientSetName::new("lister")).await.unwrap();
        let me = c.send(ClientInfo::new()).await.unwrap();
        assert!(me.id > 0);
        assert!(me.addr.starts_with("127.0.0.1:"), "{me:?}");
        assert_eq!(
            me.laddr.as_deref(),
            Some(format!("127.0.0.1:{}", server.port()).as_str())
        );
        assert_eq!(me.name, "lister");
        assert_eq!((me.db, me.multi, me.sub, me.psub), (0, -1, 0, 0));
        assert_eq!(me.cmd, "client|info");
        assert_eq!(me.user.as_deref(), Some("default"));
        assert_eq!(me.resp, Some(proto_number(protocol)));
        assert!(me.has_flag('N') && me.tot_mem > 0);

        let all = c.send(ClientList::new()).await.unwrap();
        let listed = all.iter().find(|x| x.id == me.id).expect("listed");
        assert_eq!(
            (listed.addr.as_str(), listed.name.as_str()),
            (me.addr.as_str(), "lister")
        );
        assert_eq!(listed.cmd, "client|list");

        let by_id = c
            .send(ClientList::with_ids([me.id, 999_999]))
            .await
            .unwrap();
        assert_eq!(by_id.len(), 1);
        assert_eq!(by_id[0].id, me.id);
        let normal = c
            .send(ClientList::of_type(ClientType::Normal))
            .await
            .unwrap();
        assert!(normal.iter().any(|x| x.id == me.id));
        let pubsub = c
            .send(ClientList::of_type(ClientType::Pubsub))
            .await
            .unwrap();
        assert!(pubsub.iter().all(|x| x.id != me.id));
    }
}

#[tokio::test]
async fn client_trackinginfo_follows_client_tracking() {
    let server = RedisServer::start();
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let mut conn = c.dedicated().await.unwrap();
        let off = conn.send(ClientTrackingInfo::new()).await.unwrap();
        assert_eq!(off.flags, ["off"]);
        assert!(!off.is_on() && off.prefixes.is_empty());
        assert_eq!(off.redirect, -1);

        // Invalidations go to the shared connection (none will be sent: no
        // key with the prefix is written).
        let target = c.send(ClientInfo::new()).await.unwrap().id;
        conn.send(
            Cmd::<()>::new("CLIENT")
                .arg("TRACKING")
                .arg("ON")
                .arg("REDIRECT")
                .arg(&target)
                .arg("BCAST")
                .arg("PREFIX")
                .arg("user:"),
        )
        .await
        .unwrap();
        let on = conn.send(ClientTrackingInfo::new()).await.unwrap();
        assert!(on.is_on() && on.has_flag("bcast"), "{on:?}");
        assert_eq!(on.redirect, target);
        assert_eq!(on.prefixes, ["user:"]);
    }
}

// ----------------------------------------------------- COMMAND commands

#[tokio::test]
async fn command_docs_describe_commands_and_their_arguments() {
    let server = RedisServer::start();
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let docs = c
            .send(CommandDocs::new().commands(["get", "slaveof", "config", "no-such"]))
            .await
            .unwrap();
        assert_eq!(docs.len(), 3, "{:?}", docs.keys());

        let get = &docs["get"];
        assert_eq!(get.group, "string");
        assert_eq!(get.since.as_deref(), Some("1.0.0"));
        assert_eq!(get.complexity.as_deref(), Some("O(1)"));
        assert!(get.summary.as_deref().unwrap().contains("value of a key"));
        assert_eq!(get.arguments.len(), 1);
        assert_eq!(get.arguments[0].name, "key");
        assert_eq!(get.arguments[0].arg_type, ArgType::Key);
        assert_eq!(get.arguments[0].key_spec_index, Some(0));
        assert!(!get.is_deprecated());

        let slaveof = &docs["slaveof"];
        assert!(slaveof.is_deprecated());
        assert_eq!(slaveof.deprecated_since.as_deref(), Some("5.0.0"));
        assert_eq!(slaveof.replaced_by.as_deref(), Some("`REPLICAOF`"));
        assert_eq!(slaveof.arguments[0].arg_type, ArgType::OneOf);
        let nested: Vec<_> = slaveof.arguments[0]
            .arguments
            .iter()
            .map(|a| (a.name.as_str(), a.arg_type.clone()))
            .collect();
        assert_eq!(
            nested,
            [("host-port", ArgType::Block), ("no-one", ArgType::Block)]
        );

        let config = &docs["config"];
        let config_get = &config.subcommands["config|get"];
        assert_eq!(config_get.group, "server");
        assert!(config_get.arguments[0].is_multiple());

        let zadd = c.send(CommandDocs::new().command("zadd")).await.unwrap();
        let history = &zadd["zadd"].history;
        assert!(history.iter().any(|(v, _)| v == "6.2.0"), "{history:?}");
        let all = c.send(CommandDocs::new()).await.unwrap();
        assert!(all.len() > 150, "{}", all.len());
    }
}

#[tokio::test]
async fn command_info_describes_commands_and_read_only_matches_the_server() {
    let server = RedisServer::start();
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let infos = c
            .send(CommandInfo::new().commands(["get", "no-such", "config", "xread"]))
            .await
            .unwrap();
        assert_eq!(infos.len(), 4);
        assert!(infos[1].is_none());
        let get = infos[0].as_ref().unwrap();
        assert_eq!((get.name.as_str(), get.arity), ("get", 2));
        assert!(get.has_flag("readonly") && get.has_flag("fast"));
        assert_eq!((get.first_key, get.last_key, get.step), (1, 1, 1));
        assert!(get.acl_categories.iter().any(|c| c == "@string"));
        assert_eq!(get.key_specs.len(), 1);
        assert_eq!(get.key_specs[0].begin_search, BeginSearch::Index(1));
        assert!(matches!(
            get.key_specs[0].find_keys,
            FindKeys::Range { last_key: 0, .. }
        ));

        let config = infos[2].as_ref().unwrap();
        let config_get = config
            .subcommands
            .iter()
            .find(|s| s.name == "config|get")
            .unwrap();
        assert_eq!(config_get.arity, -3);
        assert!(config_get.has_flag("admin"));

        let xread = infos[3].as_ref().unwrap();
        assert!(matches!(
            &xread.key_specs[0].begin_search,
            BeginSearch::Keyword { keyword, .. } if keyword == "STREAMS"
        ));

        // Each typed command's read_only() agrees with the server's flags.
        let ours: Vec<(&str, bool)> = vec![
            ("slowlog|get", SlowlogGet::new().read_only()),
            ("client|list", ClientList::new().read_only()),
            ("client|info", ClientInfo::new().read_only()),
            ("client|trackinginfo", ClientTrackingInfo::new().read_only()),
            ("command|docs", CommandDocs::new().read_only()),
            ("command|info", CommandInfo::new().read_only()),
            (
                "command|getkeysandflags",
                CommandGetKeysAndFlags::new(["GET", "k"]).read_only(),
            ),
            ("memory|stats", MemoryStats::new().read_only()),
            ("info", Info::new().read_only()),
            ("cluster|shards", ClusterShards::new().read_only()),
            ("cluster|slots", ClusterSlots::new().read_only()),
            ("cluster|nodes", ClusterNodes::new().read_only()),
            ("cluster|replicas", ClusterReplicas::new("x").read_only()),
            ("cluster|slaves", ClusterSlaves::new("x").read_only()),
            ("cluster|info", ClusterInfo::new().read_only()),
            ("cluster|links", ClusterLinks::new().read_only()),
            ("role", Role::new().read_only()),
            ("function|list", FunctionList::new().read_only()),
            ("function|stats", FunctionStats::new().read_only()),
            ("acl|getuser", AclGetUser::new("x").read_only()),
            ("acl|log", AclLog::new().read_only()),
            ("latency|latest", LatencyLatest::new().read_only()),
            ("latency|history", LatencyHistory::new("x").read_only()),
            ("latency|histogram", LatencyHistogram::new().read_only()),
            ("module|list", ModuleList::new().read_only()),
            ("time", Time::new().read_only()),
            ("config|get", ConfigGet::new("x").read_only()),
            ("pubsub|numsub", PubsubNumSub::new(["x"]).read_only()),
            (
                "pubsub|shardnumsub",
                PubsubShardNumSub::new(["x"]).read_only(),
            ),
        ];
        let containers: Vec<&str> = ours
            .iter()
            .map(|(name, _)| name.split('|').next().unwrap())
            .collect();
        let infos = c
            .send(CommandInfo::new().commands(containers))
            .await
            .unwrap();
        for ((name, read_only), info) in ours.iter().zip(infos) {
            let info = info.unwrap_or_else(|| panic!("{name} unknown to the server"));
            let info = if info.name == *name {
                info
            } else {
                info.subcommands
                    .into_iter()
                    .find(|s| s.name == *name)
                    .unwrap_or_else(|| panic!("no subcommand {name}"))
            };
            assert_eq!(info.has_flag("readonly"), *read_only, "{name}");
        }
    }
}

#[tokio::test]
async fn command_getkeysandflags_agrees_with_typed_commands() {
    let server = RedisServer::start();
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let set = Set::new("k", "v");
        let keys = c.send(CommandGetKeysAndFlags::of(&set)).await.unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].0, "k");
        assert_eq!(keys[0].1, ["OW", "update"]);
        let ours: Vec<Vec<u8>> = keys.iter().map(|(k, _)| k.to_vec()).collect();
        assert_eq!(ours, keys_of(&set));
        let get = Get::<_, Bytes>::new("g");
        let server_keys = c.send(CommandGetKeysAndFlags::of(&get)).await.unwrap();
        assert_eq!(server_keys[0].1, ["RO", "access"]);

        let lmove = c
            .send(CommandGetKeysAndFlags::new([
                "LMOVE", "src", "dst", "LEFT", "RIGHT",
            ]))
            .await
            .unwrap();
        assert_eq!(
            lmove[0],
            (
                Bytes::from("src"),
                vec!["RW".into(), "access".into(), "delete".into()]
            )
        );
        assert_eq!(
            lmove[1],
            (Bytes::from("dst"), vec!["RW".into(), "insert".into()])
        );

        let err = c
            .send(CommandGetKeysAndFlags::new(["PING"]))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Server(_)), "{err:?}");
    }
}

// -------------------------------------------------------------- MEMORY

#[tokio::test]
async fn memory_stats_reports_allocations_and_databases() {
    let server = RedisServer::start();
    server.cli(&["SET", "mem:key", "value"]);
    server.cli(&["-n", "3", "SET", "mem:key", "value"]);
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let stats = c.send(MemoryStats::new()).await.unwrap();
        assert!(stats.total_allocated > 0 && stats.startup_allocated > 0);
        assert!(stats.peak_allocated > 0);
        assert_eq!(stats.keys_count, 2);
        assert!(stats.dataset_bytes > 0);
        let pct = stats.dataset_percentage.unwrap();
        assert!((0.0..=100.0).contains(&pct), "{pct}");
        assert!(stats.fragmentation.unwrap() > 0.0);
        assert!(stats.functions_caches.is_some());
        let dbs: Vec<u32> = stats.databases.iter().map(|d| d.db).collect();
        assert_eq!(dbs, [0, 3]);
        assert!(stats.databases[0].hashtable_main > 0);
    }
}

// ---------------------------------------------------------------- INFO

#[tokio::test]
async fn info_is_parsed_into_sections() {
    let server = RedisServer::start();
    server.cli(&["SET", "info:key", "1"]);
    let (major, minor, _) = RedisServer::version();
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let info = c.send(Info::new()).await.unwrap();
        let version = info.get("server", "redis_version").unwrap();
        assert!(
            version.starts_with(&format!("{major}.{minor}.")),
            "{version}"
        );
        assert_eq!(
            info.get_as::<u16>("server", "tcp_port"),
            Some(server.port())
        );
        assert_eq!(info.get("Replication", "role"), Some("master"));
        assert!(info.get_as::<i64>("clients", "connected_clients").unwrap() >= 1);
        let db0 = info.section("keyspace").unwrap().get_map("db0").unwrap();
        assert_eq!(db0[0], ("keys", "1"));
        assert!(info.section("commandstats").is_none());

        let stats = c.send(Info::new().section("commandstats")).await.unwrap();
        assert_eq!(stats.sections.len(), 1);
        let calls = stats
            .section("commandstats")
            .unwrap()
            .get_map("cmdstat_info")
            .unwrap();
        let calls: i64 = calls
            .iter()
            .find(|(k, _)| *k == "calls")
            .unwrap()
            .1
            .parse()
            .unwrap();
        assert!(calls >= 1);

        let two = c
            .send(Info::new().section("server").section("clients"))
            .await
            .unwrap();
        let names: Vec<&str> = two.sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Server", "Clients"]);
    }
}

// ---------------------------------------------------------------- ROLE

#[tokio::test]
async fn role_reports_primary_and_replica() {
    let primary = RedisServer::builder()
        .arg("--repl-diskless-sync-delay")
        .arg("0")
        .start();
    let primary_port = primary.port();
    let replica = RedisServer::builder()
        .arg("--replicaof")
        .arg("127.0.0.1")
        .arg(primary_port.to_string())
        .start();
    let replica_port = replica.port();
    for protocol in PROTOCOLS {
        let p = &client(&primary, protocol).await;
        let r = &client(&replica, protocol).await;
        let offset = wait_for(
            "the replica to connect",
            Duration::from_secs(30),
            || async move {
                match r.send(Role::new()).await.unwrap() {
                    RoleReply::Replica {
                        master_host,
                        master_port,
                        state,
                        offset,
                    } => {
                        assert_eq!(
                            (master_host.as_str(), master_port),
                            ("127.0.0.1", primary_port)
                        );
                        (state == "connected").then_some(offset)
                    }
                    other => panic!("not a replica: {other:?}"),
                }
            },
        )
        .await;
        assert!(offset >= 0);
        wait_for(
            "the primary to list the replica",
            Duration::from_secs(30),
            || async move {
                match p.send(Role::new()).await.unwrap() {
                    RoleReply::Master { offset, replicas } => {
                        assert!(offset >= 0);
                        let found = replicas.iter().find(|x| x.port == replica_port)?;
                        assert_eq!(found.ip, "127.0.0.1");
                        assert!(found.offset >= 0);
                        Some(())
                    }
                    other => panic!("not a primary: {other:?}"),
                }
            },
        )
        .await;
    }
}

// ----------------------------------------------------------- FUNCTIONS

const LIBRARY: &str = "#!lua name=typedlib
redis.register_function{function_name='echo_it', callback=function(keys, args) return args[1] end,
  flags={'no-writes'}, description='echoes its argument'}
redis.register_function('spin', function(keys, args)
  local t0 = redis.call('TIME')
  repeat
    local t = redis.call('TIME')
  until (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > tonumber(args[1]) * 1000
  return 1
end)";

#[tokio::test]
async fn function_list_and_stats_describe_loaded_libraries() {
    let server = RedisServer::start();
    assert_eq!(server.cli(&["FUNCTION", "LOAD", LIBRARY]), "typedlib");
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let libs = c.send(FunctionList::new()).await.unwrap();
        assert_eq!(libs.len(), 1);
        let lib = &libs[0];
        assert_eq!(
            (lib.name.as_str(), lib.engine.as_str()),
            ("typedlib", "LUA")
        );
        assert_eq!(lib.code, None);
        let echo = lib.functions.iter().find(|f| f.name == "echo_it").unwrap();
        assert_eq!(echo.description.as_deref(), Some("echoes its argument"));
        assert!(echo.is_read_only());
        let spin = lib.functions.iter().find(|f| f.name == "spin").unwrap();
        assert_eq!((spin.description.clone(), spin.flags.len()), (None, 0));

        let with_code = c
            .send(FunctionList::new().library_name("typed*").with_code())
            .await
            .unwrap();
        assert_eq!(with_code[0].code.as_deref(), Some(LIBRARY));
        let none = c
            .send(FunctionList::new().library_name("other*"))
            .await
            .unwrap();
        assert!(none.is_empty());

        let stats = c.send(FunctionStats::new()).await.unwrap();
        assert_eq!(stats.running_script, None);
        assert_eq!(stats.engines["LUA"].libraries_count, 1);
        assert_eq!(stats.engines["LUA"].functions_count, 2);
    }
}

#[tokio::test]
async fn function_stats_shows_a_running_function() {
    let server = RedisServer::start();
    server.cli(&["FUNCTION", "LOAD", LIBRARY]);
    // After 100 ms of script, the server answers again (BUSY for most
    // commands; FUNCTION STATS is allowed).
    server.cli(&["CONFIG", "SET", "busy-reply-threshold", "100"]);
    for protocol in PROTOCOLS {
        let runner = client(&server, protocol).await;
        let watcher = client(&server, protocol).await;
        let run = tokio::spawn(async move {
            runner
                .send(Cmd::<i64>::new("FCALL").arg("spin").arg("0").arg("1200"))
                .await
        });
        tokio::time::sleep(Duration::from_millis(400)).await;
        let stats = watcher.send(FunctionStats::new()).await.unwrap();
        let running = stats.running_script.expect("spin is running");
        assert_eq!(running.name, "spin");
        assert_eq!(running.command, ["FCALL", "spin", "0", "1200"]);
        assert!(
            running.duration >= Duration::from_millis(100),
            "{running:?}"
        );
        assert_eq!(run.await.unwrap().unwrap(), 1);
    }
}

// ----------------------------------------------------------------- ACL

#[tokio::test]
async fn acl_getuser_returns_rules_and_selectors() {
    let server = RedisServer::start();
    server.cli(&[
        "ACL",
        "SETUSER",
        "alice",
        "on",
        ">alice-pw",
        "~k*",
        "&ch*",
        "+get",
        "(+set ~other*)",
    ]);
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let alice = c.send(AclGetUser::new("alice")).await.unwrap().unwrap();
        assert!(alice.is_enabled());
        assert_eq!(alice.passwords.len(), 1);
        assert_eq!(alice.passwords[0].len(), 64, "a SHA-256 in hex");
        assert_eq!(alice.commands, "-@all +get");
        assert_eq!(
            (alice.keys.as_str(), alice.channels.as_str()),
            ("~k*", "&ch*")
        );
        assert_eq!(alice.selectors.len(), 1);
        assert_eq!(alice.selectors[0].commands, "-@all +set");
        assert_eq!(alice.selectors[0].keys, "~other*");

        let default = c.send(AclGetUser::new("default")).await.unwrap().unwrap();
        assert!(default.flags.iter().any(|f| f == "nopass"));
        assert_eq!(default.commands, "+@all");
        assert!(c.send(AclGetUser::new("nobody")).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn acl_log_records_a_failed_login_and_reset_clears_it() {
    let server = RedisServer::start();
    server.cli(&["ACL", "SETUSER", "alice", "on", ">alice-pw", "+@all", "~*"]);
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        assert!(c.send(AclLog::new()).await.unwrap().is_empty());

        let intruder = client(&server, protocol).await;
        let intruder_id = intruder.send(ClientInfo::new()).await.unwrap().id;
        let err = intruder
            .send(Auth::with_user("alice", "wrong"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Server(_)), "{err:?}");
        let _ = intruder.send(Auth::with_user("alice", "wrong-again")).await;

        let log = c.send(AclLog::new()).await.unwrap();
        assert_eq!(log.len(), 1, "{log:?}");
        let entry = &log[0];
        assert_eq!(entry.count, 2, "merged");
        assert_eq!(entry.reason, "auth");
        assert_eq!(entry.context, "toplevel");
        assert_eq!(entry.object, "AUTH");
        assert_eq!(entry.username, "alice");
        assert!(entry.age() < Duration::from_secs(30));
        let culprit = entry.client().unwrap();
        assert_eq!(culprit.id, intruder_id);
        if RedisServer::version_at_least((7, 2, 0), "ACL LOG entry-id and timestamps") {
            assert!(entry.entry_id.is_some() && entry.timestamp_created.is_some());
        } else {
            assert_eq!(entry.entry_id, None);
        }

        let one = c.send(AclLog::new().count(1)).await.unwrap();
        assert_eq!(one.len(), 1);
        c.send(AclLogReset::new()).await.unwrap();
        assert!(c.send(AclLog::new()).await.unwrap().is_empty());
    }
}

// ------------------------------------------------------------- LATENCY

#[tokio::test]
async fn latency_monitor_records_a_slow_command() {
    let server = RedisServer::start();
    server.cli(&["CONFIG", "SET", "latency-monitor-threshold", "1"]);
    server.cli(&["DEBUG", "SLEEP", "0.05"]);
    server.cli(&["SET", "lat:key", "1"]);
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let latest = c.send(LatencyLatest::new()).await.unwrap();
        let event = latest
            .iter()
            .find(|e| e.event == "command")
            .unwrap_or_else(|| panic!("no command event in {latest:?}"));
        assert!(event.latest >= Duration::from_millis(40), "{event:?}");
        assert!(event.max >= event.latest);
        assert!((event.timestamp - unix_now()).abs() < 60);

        let history = c.send(LatencyHistory::new("command")).await.unwrap();
        assert!(!history.is_empty());
        assert!(history
            .iter()
            .any(|&(t, ms)| ms >= 40 && (t - unix_now()).abs() < 60));

        let histograms = c
            .send(LatencyHistogram::new().commands(["set", "debug"]))
            .await
            .unwrap();
        let set = &histograms["set"];
        assert!(set.calls >= 1);
        assert!(!set.histogram_usec.is_empty());
        let debug = &histograms["debug"];
        // The 50 ms sleep lands in a bucket of at least 32 768 us.
        assert!(
            debug.histogram_usec.keys().any(|&us| us >= 32_768),
            "{debug:?}"
        );
        let all = c.send(LatencyHistogram::new()).await.unwrap();
        assert!(all.contains_key("set") && all.contains_key("latency|histogram"));
    }
}

// -------------------------------------------------------------- MODULE

/// The smallest module there is: it registers its name and version and
/// nothing else. It needs no header: `RedisModule_Init` only asks the
/// server for `RedisModule_SetModuleAttribs` through the pointer at the
/// start of the context.
const MODULE_SOURCE: &str = r#"
typedef int (*GetApiFn)(const char *, void *);
typedef int (*SetAttribsFn)(void *, const char *, int, int);
int RedisModule_OnLoad(void *ctx, void **argv, int argc) {
    GetApiFn getapi = (GetApiFn)((void **)ctx)[0];
    SetAttribsFn setattribs;
    (void)argv; (void)argc;
    if (getapi("RedisModule_SetModuleAttribs", (void *)&setattribs)) return 1;
    setattribs(ctx, "typedtest", 7, 1);
    return 0;
}
"#;

#[tokio::test]
async fn module_list_names_loaded_modules() {
    let plain = RedisServer::start();
    for protocol in PROTOCOLS {
        let c = client(&plain, protocol).await;
        assert!(c.send(ModuleList::new()).await.unwrap().is_empty());
    }

    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("typedtest.c");
    let module = dir.path().join("typedtest.so");
    std::fs::write(&source, MODULE_SOURCE).unwrap();
    let built = std::process::Command::new("cc")
        .args(["-shared", "-fPIC", "-o"])
        .arg(&module)
        .arg(&source)
        .status();
    if !built.is_ok_and(|s| s.success()) {
        println!("SKIPPED MODULE LIST with a module: no C compiler (`cc`) to build one");
        return;
    }
    let server = RedisServer::builder()
        .arg("--loadmodule")
        .arg(&module)
        .arg("alpha")
        .arg("beta")
        .start();
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let modules = c.send(ModuleList::new()).await.unwrap();
        assert_eq!(modules.len(), 1);
        assert_eq!(
            (modules[0].name.as_str(), modules[0].version),
            ("typedtest", 7)
        );
        assert_eq!(modules[0].path.as_deref(), Some(module.to_str().unwrap()));
        assert_eq!(modules[0].args, ["alpha", "beta"]);
    }
}

// ---------------------------------------------------- TIME, CONFIG GET

#[tokio::test]
async fn time_is_the_servers_clock() {
    let server = RedisServer::start();
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let time = c.send(Time::new()).await.unwrap();
        let skew = time
            .as_system_time()
            .duration_since(SystemTime::now())
            .unwrap_or_else(|e| e.duration());
        assert!(skew < Duration::from_secs(5), "{skew:?}");
        assert!(time.micros < 1_000_000);
        let later = c.send(Time::new()).await.unwrap();
        assert!(later >= time);
    }
}

#[tokio::test]
async fn config_get_reads_several_parameters() {
    let server = RedisServer::builder()
        .arg("--maxmemory")
        .arg("10mb")
        .start();
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let config = c
            .send(ConfigGet::new("maxmemory").parameter("slowlog-*"))
            .await
            .unwrap();
        assert_eq!(config["maxmemory"], "10485760");
        assert_eq!(config["slowlog-max-len"], "128");
        assert!(config.contains_key("slowlog-log-slower-than"));
        assert_eq!(config.len(), 3);

        let numbers: BTreeMap<String, i64> = c
            .send(ConfigGet::new("slowlog-*").reply_as())
            .await
            .unwrap();
        assert_eq!(
            numbers.keys().collect::<Vec<_>>(),
            ["slowlog-log-slower-than", "slowlog-max-len"]
        );
        let nothing = c.send(ConfigGet::new("no-such-*")).await.unwrap();
        assert!(nothing.is_empty());
    }
}

// -------------------------------------------------------------- PUBSUB

/// Subscribes a raw connection (outside the library) and waits for the
/// server's confirmation.
async fn raw_subscriber(
    server: &RedisServer,
    command: &str,
    channel: &str,
) -> tokio::net::TcpStream {
    let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let request = format!(
        "*2\r\n${}\r\n{command}\r\n${}\r\n{channel}\r\n",
        command.len(),
        channel.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut buf = [0u8; 256];
    let n = stream.read(&mut buf).await.unwrap();
    assert!(
        n > 0 && buf[..n].ends_with(b":1\r\n"),
        "{:?}",
        String::from_utf8_lossy(&buf[..n])
    );
    stream
}

#[tokio::test]
async fn pubsub_numsub_and_shardnumsub_count_subscribers_in_order() {
    let server = RedisServer::start();
    let _news = raw_subscriber(&server, "SUBSCRIBE", "news").await;
    let _news2 = raw_subscriber(&server, "SUBSCRIBE", "news").await;
    let _shard = raw_subscriber(&server, "SSUBSCRIBE", "orders").await;
    for protocol in PROTOCOLS {
        let c = client(&server, protocol).await;
        let counts = c.send(PubsubNumSub::new(["quiet", "news"])).await.unwrap();
        assert_eq!(
            counts,
            [(Bytes::from("quiet"), 0), (Bytes::from("news"), 2)]
        );
        let shard = c
            .send(PubsubShardNumSub::new(["orders", "news"]))
            .await
            .unwrap();
        assert_eq!(
            shard,
            [(Bytes::from("orders"), 1), (Bytes::from("news"), 0)]
        );
        let none = c.send(PubsubNumSub::<&str>::new([])).await.unwrap();
        assert!(none.is_empty());

        let pubsub = c
            .send(ClientList::of_type(ClientType::Pubsub))
            .await
            .unwrap();
        assert_eq!(pubsub.len(), 3);
        assert_eq!(pubsub.iter().map(|x| x.sub + x.ssub).sum::<i64>(), 3);
    }
}

// ------------------------------------------------------------- CLUSTER

/// A free TCP port for a cluster bus.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A cluster node on a free port, its bus on another free port (so the
/// client port may exceed 55535).
fn cluster_node() -> (RedisServer, u16) {
    let bus = free_port();
    let server = RedisServer::builder()
        .arg("--cluster-enabled")
        .arg("yes")
        .arg("--cluster-port")
        .arg(bus.to_string())
        .arg("--cluster-node-timeout")
        .arg("5000")
        .arg("--repl-diskless-sync-delay")
        .arg("0")
        .start();
    (server, bus)
}

#[tokio::test]
async fn cluster_commands_describe_a_primary_and_its_replica() {
    let (primary, primary_bus) = cluster_node();
    let (replica, _) = cluster_node();
    primary.cli(&["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]);
    let primary_id = primary.cli(&["CLUSTER", "MYID"]);
    let replica_id = replica.cli(&["CLUSTER", "MYID"]);
    replica.cli(&[
        "CLUSTER",
        "MEET",
        "127.0.0.1",
        &primary.port().to_string(),
        &primary_bus.to_string(),
    ]);

    let setup = &client(&replica, Protocol::Resp3).await;
    let (primary_id, replica_id) = (&primary_id, &replica_id);
    wait_for(
        "the replica to meet the primary",
        Duration::from_secs(30),
        || async move {
            let nodes = setup.send(ClusterNodes::new()).await.unwrap();
            nodes
                .iter()
                .any(|n| n.id == *primary_id && n.is_connected() && !n.has_flag("handshake"))
                .then_some(())
        },
    )
    .await;
    replica.cli(&["CLUSTER", "REPLICATE", primary_id]);
    let p = &client(&primary, Protocol::Resp3).await;
    wait_for(
        "the cluster to settle",
        Duration::from_secs(30),
        || async move {
            let info = p.send(ClusterInfo::new()).await.unwrap();
            let replicas = p.send(ClusterReplicas::new(primary_id)).await.ok()?;
            let shards = p.send(ClusterShards::new()).await.unwrap();
            let synced = shards
                .iter()
                .flat_map(|s| &s.nodes)
                .any(|n| n.id == *replica_id && n.health == NodeHealth::Online);
            (info.is_ok() && info.known_nodes == 2 && replicas.len() == 1 && synced).then_some(())
        },
    )
    .await;

    for protocol in PROTOCOLS {
        let p = client(&primary, protocol).await;
        let r = client(&replica, protocol).await;

        let info = p.send(ClusterInfo::new()).await.unwrap();
        assert_eq!(info.cluster_state, "ok");
        assert_eq!(
            (info.slots_assigned, info.slots_ok, info.slots_fail),
            (16384, 16384, 0)
        );
        assert_eq!((info.known_nodes, info.size), (2, 1));
        assert!(info.stats_messages_sent > 0 && info.stats_messages_received > 0);
        assert!(info
            .other
            .keys()
            .any(|k| k.starts_with("cluster_stats_messages_ping")));

        let shards = p.send(ClusterShards::new()).await.unwrap();
        assert_eq!(shards.len(), 1);
        assert_eq!(shards[0].slots, [(0, 16383)]);
        let master = shards[0]
            .nodes
            .iter()
            .find(|n| n.id == *primary_id)
            .unwrap();
        assert_eq!(
            (master.role.clone(), master.port),
            (NodeRole::Master, Some(primary.port()))
        );
        assert_eq!(master.tls_port, None);
        let slave = shards[0]
            .nodes
            .iter()
            .find(|n| n.id == *replica_id)
            .unwrap();
        assert_eq!(
            (slave.role.clone(), slave.port),
            (NodeRole::Replica, Some(replica.port()))
        );
        assert_eq!(slave.ip, "127.0.0.1");

        let slots = p.send(ClusterSlots::new()).await.unwrap();
        assert_eq!(slots.len(), 1);
        assert_eq!((slots[0].start, slots[0].end), (0, 16383));
        assert_eq!(
            (slots[0].primary.id.as_str(), slots[0].primary.port),
            (primary_id.as_str(), primary.port())
        );
        assert_eq!(slots[0].replicas.len(), 1);
        assert_eq!(slots[0].replicas[0].id, *replica_id);
        assert_eq!(slots[0].replicas[0].endpoint.as_deref(), Some("127.0.0.1"));
        assert_eq!(slots[0].replicas[0].port, replica.port());

        let nodes = p.send(ClusterNodes::new()).await.unwrap();
        assert_eq!(nodes.len(), 2);
        let me = nodes.iter().find(|n| n.is_myself()).unwrap();
        assert_eq!(me.id, *primary_id);
        assert!(me.is_primary() && me.master_id.is_none());
        assert_eq!(me.slots, [(0, 16383)]);
        assert_eq!(me.port, primary.port());
        let other = nodes.iter().find(|n| !n.is_myself()).unwrap();
        assert!(other.is_replica() && other.is_connected());
        assert_eq!(other.master_id.as_deref(), Some(primary_id.as_str()));
        assert_eq!(
            (other.ip.as_str(), other.port),
            ("127.0.0.1", replica.port())
        );
        assert!(other.cport.is_some() && other.slots.is_empty());

        let check_replicas = |replicas: Vec<ClusterNode>| {
            assert_eq!(replicas.len(), 1);
            assert_eq!(replicas[0].id, *replica_id);
            assert!(replicas[0].is_replica());
        };
        check_replicas(p.send(ClusterReplicas::new(primary_id)).await.unwrap());
        check_replicas(p.send(ClusterSlaves::new(primary_id)).await.unwrap());
        let err = p
            .send(ClusterReplicas::new("no-such-node"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Server(_)), "{err:?}");

        let links = p.send(ClusterLinks::new()).await.unwrap();
        assert!(!links.is_empty());
        assert!(links.iter().all(|l| l.node == *replica_id), "{links:?}");
        assert!(links.iter().any(|l| l.direction == LinkDirection::To));
        assert!(links
            .iter()
            .all(|l| (l.create_time / 1000 - unix_now()).abs() < 120
                && l.send_buffer_allocated >= l.send_buffer_used));

        match r.send(Role::new()).await.unwrap() {
            RoleReply::Replica { master_port, .. } => assert_eq!(master_port, primary.port()),
            other => panic!("not a replica: {other:?}"),
        }
        let r_info = r.send(ClusterInfo::new()).await.unwrap();
        assert!(r_info.is_ok());
        let r_nodes = r.send(ClusterNodes::new()).await.unwrap();
        assert!(r_nodes.iter().any(|n| n.is_myself() && n.is_replica()));
    }

    // CONFIG GET, in another map type.
    let enabled: HashMap<String, String> = p
        .send(ConfigGet::new("cluster-enabled").reply_as())
        .await
        .unwrap();
    assert_eq!(enabled["cluster-enabled"], "yes");
}
