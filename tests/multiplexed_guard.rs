//! The multiplexed client refuses, before anything is sent, the commands
//! that would break the in-order pairing of replies and requests for every
//! caller sharing its connection: `(P|S)(UN)SUBSCRIBE` as ordinary
//! commands, `MONITOR`, `CLIENT REPLY OFF|SKIP`, `RESET` and `HELLO`.
//! Against a real server, on RESP3 and RESP2, with other callers busy on
//! the same connection.

mod support;

use std::fmt::Debug;
use std::future::Future;
use std::time::Duration;

use redis_typed::commands::{
    ClientReply, Get, Hello, Monitor, PSubscribe, PUnsubscribe, Publish, Reset, SSubscribe,
    SUnsubscribe, Set, Subscribe, Unsubscribe,
};
use redis_typed::{Client, Cmd, Command, ConnectionConfig, Error, Protocol, Value};
use support::RedisServer;

/// Only a guard against a hang: a refusal is immediate, so any test that
/// reaches this limit has failed.
const GUARD: Duration = Duration::from_secs(30);

async fn guarded<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(GUARD, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within {GUARD:?}"))
}

/// A client with no response timeout: a command that slipped through would
/// hang (and trip the guard) rather than time out quietly.
async fn client(server: &RedisServer, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .protocol(protocol)
        .response_timeout(None);
    let client = Client::connect(config).await.unwrap();
    assert_eq!(client.protocol(), protocol);
    client
}

/// Sends `cmd` and checks it is refused as `command`, with nothing but
/// static text in the error.
async fn assert_refused<C>(client: &Client, cmd: C, command: &str)
where
    C: Command,
    C::Response: Debug,
{
    let err = guarded(command, client.send(cmd)).await.expect_err(command);
    assert_not_multiplexable(&err, command);
}

fn assert_not_multiplexable(err: &Error, command: &str) {
    match err {
        Error::NotMultiplexable {
            command: c,
            instead,
        } => {
            assert_eq!(*c, command);
            assert!(!instead.is_empty());
        }
        other => panic!("{command}: expected NotMultiplexable, got {other:?}"),
    }
    let shown = err.to_string();
    assert!(shown.contains(command), "{shown}");
    assert!(shown.contains("Client::"), "the way out is named: {shown}");
    assert!(!shown.contains("s3cret") && !format!("{err:?}").contains("s3cret"));
}

/// Every refused command, typed and raw, in assorted cases. Checked one
/// after the other by `send_every_refused_command`.
async fn send_every_refused_command(c: &Client) {
    assert_refused(c, Subscribe::new(["news"]), "SUBSCRIBE").await;
    assert_refused(c, PSubscribe::new(["n*"]), "PSUBSCRIBE").await;
    assert_refused(c, SSubscribe::new(["orders"]), "SSUBSCRIBE").await;
    assert_refused(c, Unsubscribe::new(), "UNSUBSCRIBE").await;
    assert_refused(c, Unsubscribe::new().channels(["news"]), "UNSUBSCRIBE").await;
    assert_refused(c, PUnsubscribe::new(), "PUNSUBSCRIBE").await;
    assert_refused(c, SUnsubscribe::new(), "SUNSUBSCRIBE").await;
    assert_refused(c, Monitor::new(), "MONITOR").await;
    assert_refused(c, ClientReply::off(), "CLIENT REPLY OFF").await;
    assert_refused(c, ClientReply::skip(), "CLIENT REPLY SKIP").await;
    assert_refused(c, Reset::new(), "RESET").await;
    assert_refused(c, Hello::new(2), "HELLO").await;
    assert_refused(c, Hello::new(3).auth("default", "s3cret"), "HELLO").await;

    let raw = |name: &str| Cmd::<Value>::new(name);
    assert_refused(c, raw("SUBSCRIBE").arg("news"), "SUBSCRIBE").await;
    assert_refused(c, raw("subscribe").arg("news"), "SUBSCRIBE").await;
    assert_refused(c, raw("pSubscribe").arg("n*"), "PSUBSCRIBE").await;
    assert_refused(c, raw("ssubscribe").arg("orders"), "SSUBSCRIBE").await;
    assert_refused(c, raw("UNSUBSCRIBE"), "UNSUBSCRIBE").await;
    assert_refused(c, raw("punsubscribe"), "PUNSUBSCRIBE").await;
    assert_refused(c, raw("SUnsubscribe").arg("orders"), "SUNSUBSCRIBE").await;
    assert_refused(c, raw("monitor"), "MONITOR").await;
    assert_refused(c, raw("CLIENT").arg("REPLY").arg("OFF"), "CLIENT REPLY OFF").await;
    assert_refused(
        c,
        raw("client").arg("reply").arg("skip"),
        "CLIENT REPLY SKIP",
    )
    .await;
    assert_refused(c, raw("Reset"), "RESET").await;
    assert_refused(c, raw("hello"), "HELLO").await;
    assert_refused(
        c,
        raw("HELLO")
            .arg("3")
            .arg("AUTH")
            .arg("default")
            .arg("s3cret"),
        "HELLO",
    )
    .await;
}

/// `CLIENT INFO` of the client's own connection, as `field=value` pairs.
async fn client_info(c: &Client) -> Vec<(String, String)> {
    let info: String = guarded("CLIENT INFO", c.send(Cmd::new("CLIENT").arg("INFO")))
        .await
        .unwrap();
    info.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn field<'a>(info: &'a [(String, String)], name: &str) -> &'a str {
    info.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} in {info:?}"))
}

/// The connection is as it was: no subscription, not monitoring, replies
/// on, same protocol.
async fn assert_connection_untouched(c: &Client, protocol: Protocol) {
    let info = client_info(c).await;
    assert_eq!(field(&info, "sub"), "0", "{info:?}");
    assert_eq!(field(&info, "psub"), "0", "{info:?}");
    // Plain client: no P (pub/sub) or O (monitor) flag.
    assert_eq!(field(&info, "flags"), "N", "{info:?}");
    let resp = if protocol == Protocol::Resp3 {
        "3"
    } else {
        "2"
    };
    assert_eq!(field(&info, "resp"), resp, "{info:?}");
}

/// `calls` of `cmdstat_<name>` in `INFO commandstats`; 0 when never called.
fn calls(server: &RedisServer, name: &str) -> u64 {
    let stats = server.cli(&["INFO", "commandstats"]);
    stats
        .lines()
        .find_map(|l| l.strip_prefix(&format!("cmdstat_{name}:calls=")))
        .map(|rest| rest.split(',').next().unwrap().parse().unwrap())
        .unwrap_or(0)
}

const REFUSED_STATS: &[&str] = &[
    "subscribe",
    "psubscribe",
    "ssubscribe",
    "unsubscribe",
    "punsubscribe",
    "sunsubscribe",
    "monitor",
    "reset",
    "hello",
    "client|reply",
];

fn refused_calls(server: &RedisServer) -> Vec<u64> {
    REFUSED_STATS.iter().map(|n| calls(server, n)).collect()
}

async fn refused_commands_leave_every_other_caller_its_own_reply(protocol: Protocol) {
    let server = RedisServer::start();
    let c = client(&server, protocol).await;
    // The handshake sent HELLO (on RESP3): count from here.
    let before = refused_calls(&server);

    let callers: Vec<_> = (0..50)
        .map(|i| {
            let c = c.clone();
            tokio::spawn(async move {
                for round in 0..20 {
                    let key = format!("key:{i}");
                    let value = format!("{i}/{round}");
                    c.send(Set::new(&key, &value)).await.unwrap();
                    let got: Option<String> = c.send(Get::new(&key)).await.unwrap();
                    assert_eq!(got.as_deref(), Some(value.as_str()), "caller {i}");
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    send_every_refused_command(&c).await;
    for caller in callers {
        guarded("the callers", caller).await.unwrap();
    }
    // And once more with the connection idle.
    send_every_refused_command(&c).await;

    assert_connection_untouched(&c, protocol).await;
    assert_eq!(refused_calls(&server), before, "{REFUSED_STATS:?}");
    let got: Option<String> = guarded("GET", c.send(Get::new("key:7"))).await.unwrap();
    assert_eq!(got.as_deref(), Some("7/19"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resp3_refused_commands_leave_every_other_caller_its_own_reply() {
    refused_commands_leave_every_other_caller_its_own_reply(Protocol::Resp3).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resp2_refused_commands_leave_every_other_caller_its_own_reply() {
    refused_commands_leave_every_other_caller_its_own_reply(Protocol::Resp2).await;
}

#[tokio::test]
async fn a_pipeline_or_transaction_holding_a_refused_command_is_refused_whole() {
    for protocol in [Protocol::Resp3, Protocol::Resp2] {
        let server = RedisServer::start();
        let c = client(&server, protocol).await;
        let sets_before = calls(&server, "set");

        let err = guarded(
            "pipeline",
            c.pipeline()
                .add(Set::new("p", "1"))
                .add(Subscribe::new(["news"]))
                .add(Get::<_, String>::new("p"))
                .send(),
        )
        .await
        .expect_err("a pipeline with SUBSCRIBE");
        assert_not_multiplexable(&err, "SUBSCRIBE");

        let err = guarded(
            "transaction",
            c.transaction()
                .add(Set::new("t", "1"))
                .add(Cmd::<Value>::new("monitor"))
                .send(),
        )
        .await
        .expect_err("a transaction with MONITOR");
        assert_not_multiplexable(&err, "MONITOR");

        let err = guarded(
            "send_all",
            c.send_all([
                Cmd::<Value>::new("SET").arg("a").arg("1"),
                Cmd::new("CLIENT").arg("REPLY").arg("SKIP"),
                Cmd::new("SET").arg("b").arg("1"),
            ]),
        )
        .await
        .expect_err("send_all with CLIENT REPLY SKIP");
        assert_not_multiplexable(&err, "CLIENT REPLY SKIP");

        // None of their commands reached the server, not even the SETs
        // before the refused one.
        assert_eq!(calls(&server, "set"), sets_before);
        assert_eq!(calls(&server, "multi"), 0);
        for key in ["p", "t", "a", "b"] {
            let got: Option<String> = guarded("GET", c.send(Get::new(key))).await.unwrap();
            assert_eq!(got, None, "{key}");
        }
        assert_connection_untouched(&c, protocol).await;

        // The same pipeline without it goes through.
        let (set, get) = guarded(
            "pipeline",
            c.pipeline()
                .add(Set::new("p", "1"))
                .add(Get::<_, String>::new("p"))
                .send(),
        )
        .await
        .unwrap();
        let _: () = set;
        assert_eq!(get.as_deref(), Some("1"));
    }
}

#[tokio::test]
async fn look_alikes_and_client_reply_on_still_pass() {
    for protocol in [Protocol::Resp3, Protocol::Resp2] {
        let server = RedisServer::start();
        let c = client(&server, protocol).await;
        guarded("CLIENT REPLY ON", c.send(ClientReply::on()))
            .await
            .unwrap();
        let list: String = guarded("CLIENT LIST", c.send(Cmd::new("CLIENT").arg("LIST")))
            .await
            .unwrap();
        assert!(list.contains("cmd=client|list"), "{list}");
        // Refused names as arguments are only arguments.
        guarded("SET", c.send(Set::new("SUBSCRIBE", "MONITOR")))
            .await
            .unwrap();
        let got: Option<String> = guarded("GET", c.send(Get::new("SUBSCRIBE"))).await.unwrap();
        assert_eq!(got.as_deref(), Some("MONITOR"));
        let published: i64 = guarded("PUBLISH", c.send(Publish::new("RESET", "HELLO")))
            .await
            .unwrap();
        assert_eq!(published, 0);
        // An unknown command that starts like a refused one reaches the
        // server, which answers with an error of its own.
        let err = guarded(
            "SUBSCRIBERS",
            c.send(Cmd::<Value>::new("SUBSCRIBERS").arg("x")),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, Error::Server(_)), "{err:?}");
        assert_connection_untouched(&c, protocol).await;
    }
}

#[tokio::test]
async fn shared_subscriptions_still_work_beside_the_refusals() {
    let server = RedisServer::start();
    let c = client(&server, Protocol::Resp3).await;
    assert_refused(&c, Subscribe::new(["news"]), "SUBSCRIBE").await;
    let mut news = guarded("subscribe", c.subscribe::<String>(["news"]))
        .await
        .unwrap();
    // Refusals while subscribed leave the subscription alone.
    assert_refused(&c, Unsubscribe::new().channels(["news"]), "UNSUBSCRIBE").await;
    assert_refused(&c, Cmd::<Value>::new("UNSUBSCRIBE"), "UNSUBSCRIBE").await;
    let receivers: i64 = guarded("PUBLISH", c.send(Publish::new("news", "hi")))
        .await
        .unwrap();
    assert_eq!(receivers, 1);
    let message = guarded("message", news.next_message())
        .await
        .expect("the stream goes on")
        .unwrap();
    assert_eq!(message.payload, "hi");
    // The subscription's own UNSUBSCRIBE goes through.
    guarded("unsubscribe", news.unsubscribe()).await.unwrap();
    let info = client_info(&c).await;
    assert_eq!(field(&info, "sub"), "0", "{info:?}");
}

#[tokio::test]
async fn an_empty_request_does_not_leave_the_next_one_unsent() {
    // An empty batch is answered at once without waking the driver; the
    // request after it must still wake the driver. (Before the refusal
    // check was added, the empty batch took the driver's waker and dropped
    // it, and the next request waited for some other wake-up.)
    let server = RedisServer::start();
    let c = client(&server, Protocol::Resp3).await;
    // Let the driver go idle (its waker registered) before the empty batch.
    let _: Option<String> = guarded("GET", c.send(Get::new("k"))).await.unwrap();
    let none: Vec<Option<String>> =
        guarded("send_all", c.send_all(Vec::<Get<&str, String>>::new()))
            .await
            .unwrap();
    assert!(none.is_empty());
    guarded("SET after an empty batch", c.send(Set::new("k", "v")))
        .await
        .unwrap();
}
