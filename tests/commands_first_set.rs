//! Every command of the first typed set against a real server, on RESP2 and
//! RESP3: the reply decodes into the type the command names.

mod support;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bytes::Bytes;
use redis_typed::commands::{
    Auth, ClientSetName, Del, Echo, Exists, Expire, Expiry, Get, HGet, HGetAll, HSet, Hello, Incr,
    IncrBy, KeyTtl, LPush, LRange, MGet, MSet, Ping, SAdd, SMembers, Select, Set, Ttl, ZAdd,
    ZRange,
};
use redis_typed::{Client, Cmd, ConnectionConfig, ErrorKind, Protocol};
use support::RedisServer;

async fn clients(server: &RedisServer) -> Vec<(Protocol, Client)> {
    let mut out = Vec::new();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let config = ConnectionConfig::from_url(&server.url())
            .unwrap()
            .protocol(protocol);
        out.push((protocol, Client::connect(config).await.unwrap()));
    }
    out
}

#[tokio::test]
async fn connection_commands() {
    let server = RedisServer::builder()
        .acl_user("bob on >builder ~* &* +@all")
        .start();
    for (protocol, client) in clients(&server).await {
        let pong: String = client.send(Ping::new()).await.unwrap();
        assert_eq!(pong, "PONG");
        let echoed: String = client.send(Ping::message("hi")).await.unwrap();
        assert_eq!(echoed, "hi");
        let e: Bytes = client.send(Echo::new("echo")).await.unwrap();
        assert_eq!(&e[..], b"echo");

        // HELLO, AUTH, SELECT and CLIENT SETNAME change connection state:
        // they belong on a dedicated connection.
        let mut conn = client.dedicated().await.unwrap();
        let hello = conn
            .send(Hello::new(if protocol == Protocol::Resp2 { 2 } else { 3 }).setname("hello-test"))
            .await
            .unwrap();
        assert_eq!(hello.server, "redis");
        assert!(hello.version.starts_with('7'), "{}", hello.version);
        assert_eq!(hello.proto, if protocol == Protocol::Resp2 { 2 } else { 3 });
        assert!(hello.id > 0);
        conn.send(Auth::with_user("bob", "builder")).await.unwrap();
        let who: String = conn.send(Cmd::new("ACL").arg("WHOAMI")).await.unwrap();
        assert_eq!(who, "bob");
        let err = conn
            .send(Auth::with_user("bob", "wrong"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::WrongPass), "{err}");
        conn.send(Select::new(5)).await.unwrap();
        conn.send(Set::new("only-in-5", 1)).await.unwrap();
        let in5: i64 = conn.send(Cmd::new("DBSIZE")).await.unwrap();
        assert_eq!(in5, 1);
        conn.send(ClientSetName::new("renamed")).await.unwrap();
        let name: Option<String> = conn.send(Cmd::new("CLIENT").arg("GETNAME")).await.unwrap();
        assert_eq!(name.as_deref(), Some("renamed"));
        conn.send(Del::new(["only-in-5"])).await.unwrap();
    }
}

#[tokio::test]
async fn string_and_generic_commands() {
    let server = RedisServer::start();
    for (protocol, client) in clients(&server).await {
        let p = format!("{protocol:?}:");
        let k = |s: &str| format!("{p}{s}");

        client.send(Set::new(k("s"), "v1")).await.unwrap();
        let v: Option<String> = client.send(Get::new(k("s"))).await.unwrap();
        assert_eq!(v.as_deref(), Some("v1"));
        let missing: Option<String> = client.send(Get::new(k("missing"))).await.unwrap();
        assert_eq!(missing, None);

        // NX/XX -> bool; GET -> the old value.
        assert!(!client.send(Set::new(k("s"), "v2").nx()).await.unwrap());
        assert!(client.send(Set::new(k("s"), "v2").xx()).await.unwrap());
        let old: Option<String> = client.send(Set::new(k("s"), "v3").get()).await.unwrap();
        assert_eq!(old.as_deref(), Some("v2"));
        let none: Option<String> = client
            .send(Set::new(k("fresh"), "x").nx().get())
            .await
            .unwrap();
        assert_eq!(none, None);
        client
            .send(Set::new(k("ttl"), 1).expiry(Expiry::Ex(100)))
            .await
            .unwrap();
        match client.send(Ttl::new(k("ttl"))).await.unwrap() {
            KeyTtl::ExpiresIn(d) => {
                assert!(d <= Duration::from_secs(100) && d > Duration::from_secs(90))
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            client.send(Ttl::new(k("s"))).await.unwrap(),
            KeyTtl::Persistent
        );
        assert_eq!(
            client.send(Ttl::new(k("missing"))).await.unwrap(),
            KeyTtl::Missing
        );
        assert!(client.send(Expire::new(k("s"), 50)).await.unwrap());
        assert!(!client.send(Expire::new(k("s"), 100).lt()).await.unwrap());
        assert!(!client.send(Expire::new(k("missing"), 5)).await.unwrap());

        client
            .send(MSet::new([(k("m1"), "a"), (k("m2"), "b")]))
            .await
            .unwrap();
        let got: Vec<Option<String>> = client
            .send(MGet::new([k("m1"), k("nope"), k("m2")]))
            .await
            .unwrap();
        assert_eq!(got, vec![Some("a".into()), None, Some("b".into())]);

        assert_eq!(client.send(Incr::new(k("n"))).await.unwrap(), 1);
        assert_eq!(client.send(IncrBy::new(k("n"), 41)).await.unwrap(), 42);
        let err = client.send(Incr::new(k("m1"))).await.unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::Err), "{err}");

        assert_eq!(
            client
                .send(Exists::new([k("m1"), k("m2"), k("nope")]))
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            client
                .send(Del::new([k("m1"), k("m2"), k("nope")]))
                .await
                .unwrap(),
            2
        );
    }
}

#[tokio::test]
async fn hash_list_set_and_sorted_set_commands() {
    let server = RedisServer::start();
    for (protocol, client) in clients(&server).await {
        let p = format!("{protocol:?}:");
        let k = |s: &str| format!("{p}{s}");

        let added = client
            .send(HSet::from_pairs(
                k("h"),
                [("name", "ada"), ("lang", "rust")],
            ))
            .await
            .unwrap();
        assert_eq!(added, 2);
        let name: Option<String> = client.send(HGet::new(k("h"), "name")).await.unwrap();
        assert_eq!(name.as_deref(), Some("ada"));
        let all: HashMap<String, String> = client.send(HGetAll::new(k("h"))).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all["lang"], "rust");
        client.send(Set::new(k("s-not-hash"), 1)).await.unwrap();
        let wrong = client
            .send(HGetAll::<HashMap<String, String>>::new(k("s-not-hash")))
            .await
            .unwrap_err();
        assert_eq!(wrong.kind(), Some(ErrorKind::WrongType));

        assert_eq!(
            client
                .send(LPush::new(k("l"), ["c", "b", "a"]))
                .await
                .unwrap(),
            3
        );
        let l: Vec<String> = client.send(LRange::new(k("l"), 0, -1)).await.unwrap();
        assert_eq!(l, ["a", "b", "c"]);

        assert_eq!(
            client
                .send(SAdd::new(k("set"), ["x", "y", "x"]))
                .await
                .unwrap(),
            2
        );
        let members: HashSet<String> = client.send(SMembers::new(k("set"))).await.unwrap();
        assert_eq!(members, HashSet::from(["x".to_string(), "y".to_string()]));

        let n = client
            .send(ZAdd::new(
                k("z"),
                [(1.0, "one"), (2.5, "two"), (f64::INFINITY, "top")],
            ))
            .await
            .unwrap();
        assert_eq!(n, 3);
        let bumped = client.send(ZAdd::incr(k("z"), 1.0, "one")).await.unwrap();
        assert_eq!(bumped, Some(2.0));
        let skipped = client
            .send(ZAdd::incr(k("z"), 1.0, "one").nx())
            .await
            .unwrap();
        assert_eq!(skipped, None);
        let names: Vec<String> = client.send(ZRange::new(k("z"), 0, -1)).await.unwrap();
        assert_eq!(names, ["one", "two", "top"]);
        let scored: Vec<(String, f64)> = client
            .send(ZRange::new(k("z"), 0, -1).with_scores())
            .await
            .unwrap();
        assert_eq!(
            scored,
            vec![
                ("one".into(), 2.0),
                ("two".into(), 2.5),
                ("top".into(), f64::INFINITY)
            ]
        );
        let by_score: Vec<String> = client
            // With REV the range is given from the high end down, as Redis wants.
            .send(
                ZRange::by_score(k("z"), f64::INFINITY, 2.1)
                    .rev()
                    .limit(0, 1),
            )
            .await
            .unwrap();
        assert_eq!(by_score, ["top"]);
    }
}
