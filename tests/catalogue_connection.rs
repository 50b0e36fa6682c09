//! The generated connection, pub/sub, transaction and scripting commands
//! against a real server. Commands that change a connection's state run on
//! dedicated connections; subscriptions succeed on RESP2 (where the server
//! confirms with ordinary frames) and are refused by ACL on RESP3 (where
//! confirmations are push frames), so both protocols see them.

#[path = "catalogue/mod.rs"]
mod catalogue;
mod support;

use std::time::Duration;

use bytes::Bytes;
use redis_typed::commands::*;
use redis_typed::{Client, Cmd, ConnectionConfig, ErrorKind, Protocol, Value};

use catalogue::Run;
use support::RedisServer;

async fn client(url: &str, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(url).unwrap().protocol(protocol);
    Client::connect(config).await.unwrap()
}

fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) | Value::Push(items) => items
            .iter()
            .map(|v| match v {
                Value::BulkString(b) | Value::SimpleString(b) => {
                    String::from_utf8_lossy(b).into_owned()
                }
                Value::Integer(i) => i.to_string(),
                Value::Nil => "nil".into(),
                other => format!("{other:?}"),
            })
            .collect(),
        other => panic!("not an array: {other:?}"),
    }
}

#[tokio::test]
#[allow(deprecated)] // QUIT is deprecated by Redis, typed all the same.
async fn connection_commands() {
    let server = RedisServer::start();
    let run = Run::new();
    let c = client(&server.url(), Protocol::Resp3).await;

    let help = run.ok(&c, ClientHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("KILL")), "{help:?}");
    let mut conn = c.dedicated().await.unwrap();
    let cmd = ClientId::new();
    run.note(&cmd);
    let id = conn.send(cmd).await.unwrap();
    assert!(id > 0);
    let cmd = ClientGetName::new();
    run.note(&cmd);
    assert_eq!(conn.send(cmd).await.unwrap(), None);

    // Tracking: OPTIN + CACHING YES, then a redirect with OPTOUT + CACHING NO.
    for cmd in [ClientTracking::on().opt_in(), ClientTracking::off()] {
        run.note(&cmd);
        conn.send(cmd).await.unwrap();
    }
    conn.send(ClientTracking::on().opt_in()).await.unwrap();
    let cmd = ClientCaching::yes();
    run.note(&cmd);
    conn.send(cmd).await.unwrap();
    let cmd = ClientGetRedir::new();
    run.note(&cmd);
    assert_eq!(conn.send(cmd).await.unwrap(), 0);
    conn.send(ClientTracking::off()).await.unwrap();
    let cmd = ClientGetRedir::new();
    assert_eq!(conn.send(cmd).await.unwrap(), -1);
    let mut other = c.dedicated().await.unwrap();
    let other_id = other.send(ClientId::new()).await.unwrap();
    conn.send(ClientTracking::on().redirect(other_id).opt_out().no_loop())
        .await
        .unwrap();
    conn.send(ClientCaching::no()).await.unwrap();
    assert_eq!(conn.send(ClientGetRedir::new()).await.unwrap(), other_id);
    conn.send(ClientTracking::off()).await.unwrap();
    conn.send(ClientTracking::on().bcast().prefixes(["user:", "item:"]))
        .await
        .unwrap();
    conn.send(ClientTracking::off()).await.unwrap();

    // Eviction and touch flags, pausing, replies.
    for cmd in [ClientNoEvict::on(), ClientNoEvict::off()] {
        run.note(&cmd);
        conn.send(cmd).await.unwrap();
    }
    if RedisServer::version_at_least((7, 2, 0), "CLIENT NO-TOUCH and CLIENT SETINFO") {
        for cmd in [ClientNoTouch::on(), ClientNoTouch::off()] {
            run.note(&cmd);
            conn.send(cmd).await.unwrap();
        }
        for cmd in [
            ClientSetInfo::lib_name("redis-typed"),
            ClientSetInfo::lib_ver("0.1.0"),
        ] {
            run.note(&cmd);
            conn.send(cmd).await.unwrap();
        }
    } else {
        run.skipped("CLIENT NO-TOUCH");
        run.skipped("CLIENT SETINFO");
    }
    run.ok(&c, ClientPause::new(50).write()).await;
    run.ok(&c, ClientUnpause::new()).await;
    run.ok(&c, ClientPause::new(10).all()).await;
    c.send(ClientUnpause::new()).await.unwrap();
    let cmd = ClientReply::on();
    run.note(&cmd);
    conn.send(cmd).await.unwrap();
    // OFF and SKIP get no reply: they are only encoded here.
    for cmd in [ClientReply::off(), ClientReply::skip()] {
        run.note(&cmd);
    }

    // CLIENT UNBLOCK: a BLPOP on `other`, unblocked as a timeout, then as an error.
    let blocked = tokio::spawn(async move {
        let first = other.send(BLPop::<_, Bytes>::new(["never"], 10.0)).await;
        let second = other.send(BLPop::<_, Bytes>::new(["never"], 10.0)).await;
        (first, second, other)
    });
    for unblock in [
        ClientUnblock::new(other_id).timeout(),
        ClientUnblock::new(other_id).error(),
    ] {
        // Wait until the client is blocked.
        let mut unblocked = false;
        for _ in 0..100 {
            run.note(&unblock);
            if c.send(unblock.clone()).await.unwrap() {
                unblocked = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(unblocked, "the BLPOP never blocked");
    }
    let (first, second, mut other) = blocked.await.unwrap();
    assert_eq!(first.unwrap(), None);
    let err = second.unwrap_err();
    assert!(err.to_string().contains("UNBLOCKED"), "{err}");
    assert!(!run.ok(&c, ClientUnblock::new(other_id)).await);

    // CLIENT KILL by filters.
    let killed = run
        .ok(
            &c,
            ClientKill::new([
                ClientKillFilter::Id(other_id),
                ClientKillFilter::SkipMe(true),
            ]),
        )
        .await;
    assert_eq!(killed, 1);
    assert!(other.send(ClientId::new()).await.is_err());
    let none = [
        ClientKillFilter::Type(ClientKillType::Pubsub),
        ClientKillFilter::Addr("10.0.0.1:1".into()),
        ClientKillFilter::LAddr("10.0.0.1:2".into()),
        ClientKillFilter::User("default".into()),
        ClientKillFilter::SkipMe(true),
    ];
    assert_eq!(c.send(ClientKill::new(none)).await.unwrap(), 0);

    // RESET and QUIT end the connection's state / the connection.
    let cmd = Reset::new();
    run.note(&cmd);
    conn.send(cmd).await.unwrap();
    let cmd = Quit::new();
    run.note(&cmd);
    conn.send(cmd).await.unwrap();

    run.assert_covers(&["connection"]);
}

#[tokio::test]
async fn pubsub_commands() {
    let server = RedisServer::builder()
        .acl_user("nosub on >pw ~* resetchannels +@all -unsubscribe -punsubscribe -sunsubscribe")
        .start();
    let run = Run::new();
    let c = client(&server.url(), Protocol::Resp3).await;

    assert_eq!(run.ok(&c, Publish::new("news", "hi")).await, 0);
    assert_eq!(run.ok(&c, SPublish::new("orders", 42)).await, 0);
    let help = run.ok(&c, PubsubHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("NUMPAT")), "{help:?}");

    // RESP2: the confirmations are ordinary frames.
    let c2 = client(&server.url(), Protocol::Resp2).await;
    let mut sub = c2.dedicated().await.unwrap();
    let cmd = Subscribe::new(["news"]);
    run.note(&cmd);
    assert_eq!(
        strings(&sub.send(cmd).await.unwrap()),
        ["subscribe", "news", "1"]
    );
    let cmd = PSubscribe::new(["n*"]);
    run.note(&cmd);
    assert_eq!(
        strings(&sub.send(cmd).await.unwrap()),
        ["psubscribe", "n*", "2"]
    );
    let cmd = SSubscribe::new(["orders"]);
    run.note(&cmd);
    assert_eq!(
        strings(&sub.send(cmd).await.unwrap()),
        ["ssubscribe", "orders", "1"]
    );
    assert_eq!(run.ok(&c, PubsubChannels::new()).await, ["news"]);
    assert_eq!(
        run.ok(&c, PubsubChannels::new().pattern("x*")).await,
        Vec::<String>::new()
    );
    assert_eq!(run.ok(&c, PubsubNumPat::new()).await, 1);
    assert_eq!(run.ok(&c, PubsubShardChannels::new()).await, ["orders"]);
    assert_eq!(
        run.ok(&c, PubsubShardChannels::new().pattern("o*")).await,
        ["orders"]
    );
    let cmd = Unsubscribe::new().channels(["news"]);
    run.note(&cmd);
    assert_eq!(
        strings(&sub.send(cmd).await.unwrap()),
        ["unsubscribe", "news", "1"]
    );
    let cmd = PUnsubscribe::new();
    run.note(&cmd);
    assert_eq!(
        strings(&sub.send(cmd).await.unwrap()),
        ["punsubscribe", "n*", "0"]
    );
    let cmd = SUnsubscribe::new().shard_channels(["orders"]);
    run.note(&cmd);
    assert_eq!(
        strings(&sub.send(cmd).await.unwrap()),
        ["sunsubscribe", "orders", "0"]
    );
    let cmd = PUnsubscribe::new().patterns(["none*"]);
    assert_eq!(
        strings(&sub.send(cmd).await.unwrap()),
        ["punsubscribe", "none*", "0"]
    );

    // RESP3: the same commands, refused by ACL, decode the typed error.
    let restricted = client(&server.url_with("nosub", "pw"), Protocol::Resp3).await;
    let mut conn = restricted.dedicated().await.unwrap();
    for (result, what) in [
        (conn.send(Subscribe::new(["news"])).await, "SUBSCRIBE"),
        (conn.send(PSubscribe::new(["n*"])).await, "PSUBSCRIBE"),
        (conn.send(SSubscribe::new(["orders"])).await, "SSUBSCRIBE"),
        (conn.send(Unsubscribe::new()).await, "UNSUBSCRIBE"),
        (conn.send(PUnsubscribe::new()).await, "PUNSUBSCRIBE"),
        (conn.send(SUnsubscribe::new()).await, "SUNSUBSCRIBE"),
    ] {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NoPerm), "{what}: {err}");
    }

    run.assert_covers(&["pubsub"]);
}

#[tokio::test]
async fn transaction_commands() {
    let server = RedisServer::start();
    let run = Run::new();
    for protocol in [Protocol::Resp3, Protocol::Resp2] {
        let c = client(&server.url(), protocol).await;
        let mut conn = c.dedicated().await.unwrap();

        let cmd = Watch::new(["balance"]);
        run.note(&cmd);
        conn.send(cmd).await.unwrap();
        let cmd = Multi::new();
        run.note(&cmd);
        conn.send(cmd).await.unwrap();
        // Queued commands reply QUEUED: sent here as `Cmd<()>`.
        let queue = |cmd: &str, n: i64| Cmd::<()>::new(cmd).arg("balance").arg(&n);
        conn.send(queue("SET", 10)).await.unwrap();
        conn.send(queue("INCRBY", 5)).await.unwrap();
        let cmd = Exec::<((), i64)>::new();
        run.note(&cmd);
        assert_eq!(conn.send(cmd).await.unwrap(), Some(((), 15)));

        // A WATCHed key changed: EXEC replies nil.
        conn.send(Watch::new(["balance"])).await.unwrap();
        c.send(IncrBy::new("balance", 1)).await.unwrap();
        conn.send(Multi::new()).await.unwrap();
        conn.send(queue("INCRBY", 1)).await.unwrap();
        assert_eq!(conn.send(Exec::<Vec<Value>>::new()).await.unwrap(), None);

        let cmd = Unwatch::new();
        run.note(&cmd);
        conn.send(cmd).await.unwrap();
        conn.send(Multi::new()).await.unwrap();
        conn.send(queue("INCRBY", 1)).await.unwrap();
        let cmd = Discard::new();
        run.note(&cmd);
        conn.send(cmd).await.unwrap();
        let err = conn.send(Exec::<Vec<Value>>::new()).await.unwrap_err();
        assert!(err.to_string().contains("EXEC without MULTI"), "{err}");
        assert_eq!(
            c.send(Get::<_, i64>::new("balance")).await.unwrap(),
            Some(16)
        );
        c.send(Del::new(["balance"])).await.unwrap();
    }
    run.assert_covers(&["transactions"]);
}

#[tokio::test]
async fn scripting_commands() {
    let server = RedisServer::start();
    let run = Run::new();
    let c = client(&server.url(), Protocol::Resp3).await;
    c.send(redis_typed::commands::Set::new("k", "v"))
        .await
        .unwrap();

    // Scripts: the caller names the reply type.
    let both: Vec<String> = run
        .ok(
            &c,
            Eval::new("return {KEYS[1], ARGV[1]}")
                .keys(["k"])
                .args(["a"]),
        )
        .await;
    assert_eq!(both, ["k", "a"]);
    let n: i64 = run.ok(&c, Eval::new("return 7")).await;
    assert_eq!(n, 7);
    let raw: Value = c.send(Eval::new("return 'x'")).await.unwrap();
    assert!(matches!(raw, Value::BulkString(_)), "{raw:?}");
    let v: Option<String> = run
        .ok(
            &c,
            EvalRo::new("return redis.call('GET', KEYS[1])").keys(["k"]),
        )
        .await;
    assert_eq!(v.as_deref(), Some("v"));
    run.err(
        &c,
        EvalRo::<_, Bytes, Value>::new("return redis.call('SET', KEYS[1], 'x')").keys(["k"]),
        "Write commands are not allowed",
    )
    .await;

    let sha = run.ok(&c, ScriptLoad::new("return ARGV[1]")).await;
    assert_eq!(sha.len(), 40);
    let echoed: String = run.ok(&c, EvalSha::new(&sha).args(["hi"])).await;
    assert_eq!(echoed, "hi");
    let echoed: i64 = run.ok(&c, EvalShaRo::new(&sha).args([3])).await;
    assert_eq!(echoed, 3);
    assert_eq!(
        run.ok(
            &c,
            ScriptExists::new([sha.as_str(), "ffffffffffffffffffffffffffffffffffffffff"])
        )
        .await,
        [true, false]
    );
    let help = run.ok(&c, ScriptHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("FLUSH")), "{help:?}");
    run.err(&c, ScriptKill::new(), "NOTBUSY").await;
    let mut conn = c.dedicated().await.unwrap();
    for cmd in [ScriptDebug::yes(), ScriptDebug::sync(), ScriptDebug::no()] {
        run.note(&cmd);
        conn.send(cmd).await.unwrap();
    }
    run.ok(&c, ScriptFlush::new().sync()).await;
    run.ok(&c, ScriptFlush::new().async_()).await;
    run.ok(&c, ScriptFlush::new()).await;
    assert_eq!(
        c.send(ScriptExists::new([sha.as_str()])).await.unwrap(),
        [false]
    );
    run.err(&c, EvalSha::<_, Bytes, Value>::new(&sha), "NOSCRIPT")
        .await;

    // Functions.
    let code = "#!lua name=mylib\n\
        redis.register_function('echo', function(keys, args) return args[1] end)\n\
        redis.register_function{function_name='getk', callback=function(keys, args) \
        return redis.call('GET', keys[1]) end, flags={'no-writes'}}";
    assert_eq!(run.ok(&c, FunctionLoad::new(code)).await, "mylib");
    run.err(&c, FunctionLoad::new(code), "already exists").await;
    assert_eq!(run.ok(&c, FunctionLoad::new(code).replace()).await, "mylib");
    let echoed: String = run.ok(&c, FCall::new("echo").args(["hello"])).await;
    assert_eq!(echoed, "hello");
    let got: Option<String> = run.ok(&c, FCallRo::new("getk").keys(["k"])).await;
    assert_eq!(got.as_deref(), Some("v"));
    let dump = run.ok(&c, FunctionDump::new()).await;
    run.ok(&c, FunctionFlush::new().sync()).await;
    run.ok(&c, FunctionRestore::new(dump.clone())).await;
    run.err(
        &c,
        FunctionRestore::new(dump.clone()).append(),
        "already exists",
    )
    .await;
    run.ok(&c, FunctionRestore::new(dump.clone()).replace())
        .await;
    run.ok(&c, FunctionRestore::new(&dump[..]).flush()).await;
    run.ok(&c, FunctionDelete::new("mylib")).await;
    run.err(&c, FunctionDelete::new("mylib"), "Library not found")
        .await;
    run.err(&c, FunctionKill::new(), "NOTBUSY").await;
    run.ok(&c, FunctionFlush::new().async_()).await;
    run.ok(&c, FunctionFlush::new()).await;
    let help = run.ok(&c, FunctionHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("RESTORE")), "{help:?}");

    // RESP2: array replies and bools.
    let c2 = client(&server.url(), Protocol::Resp2).await;
    let both: Vec<String> = c2
        .send(
            Eval::new("return {KEYS[1], ARGV[1]}")
                .keys(["k"])
                .args(["b"]),
        )
        .await
        .unwrap();
    assert_eq!(both, ["k", "b"]);
    assert_eq!(
        c2.send(ScriptExists::new([
            "ffffffffffffffffffffffffffffffffffffffff"
        ]))
        .await
        .unwrap(),
        [false]
    );

    run.assert_covers(&["scripting"]);
}
