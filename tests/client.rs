//! The multiplexed client and dedicated connections against a real server:
//! sharing, cancellation, pipelines, transactions, failures, reconnection.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use redis_typed::commands::{Get, Incr, Set};
use redis_typed::{Client, Cmd, ConnectionConfig, Error, ErrorKind, Protocol, Value};
use support::RedisServer;

async fn client_for(server: &RedisServer, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .protocol(protocol)
        .response_timeout(Some(Duration::from_secs(5)));
    Client::connect(config).await.unwrap()
}

#[tokio::test]
async fn negotiates_resp3_by_default_and_resp2_on_request() {
    let server = RedisServer::start();
    let c3 = Client::open(&server.url()).await.unwrap();
    assert_eq!(c3.protocol(), Protocol::Resp3);
    let c2 = client_for(&server, Protocol::Resp2).await;
    assert_eq!(c2.protocol(), Protocol::Resp2);
    // The server agrees: HELLO reports the protocol of the connection.
    let proto: i64 = c2
        .send(Cmd::<Value>::new("CLIENT").arg("INFO"))
        .await
        .map(|v| match v {
            Value::BulkString(b) | Value::Verbatim { text: b, .. } => {
                let s = String::from_utf8_lossy(&b).to_string();
                s.split(' ')
                    .find_map(|kv| kv.strip_prefix("resp=").map(|p| p.trim().parse().unwrap()))
                    .unwrap()
            }
            other => panic!("unexpected {other:?}"),
        })
        .unwrap();
    assert_eq!(proto, 2);
}

#[tokio::test]
async fn sixty_four_tasks_share_one_client_and_each_gets_its_own_replies() {
    let server = RedisServer::start();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let client = client_for(&server, protocol).await;
        let mut tasks = Vec::new();
        for t in 0..64 {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                for i in 0..200 {
                    let key = format!("share:{protocol:?}:{t}");
                    let value = format!("{t}-{i}");
                    client
                        .send(Set::new(key.as_str(), value.as_str()))
                        .await
                        .unwrap();
                    let got: Option<String> = client.send(Get::new(key.as_str())).await.unwrap();
                    assert_eq!(got.as_deref(), Some(value.as_str()));
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
    }
}

#[tokio::test]
async fn dropped_futures_do_not_desynchronise_the_connection() {
    let server = RedisServer::start();
    let client = client_for(&server, Protocol::Resp3).await;
    // A slow command whose caller gives up: its reply arrives later and
    // must be discarded, not handed to the next caller.
    let slow = client.send(Cmd::<Value>::new("BLPOP").key("nothing-here").arg("0.2"));
    let _ = tokio::time::timeout(Duration::from_millis(20), slow).await;
    // Futures dropped before their first poll and mid-flight.
    for i in 0..100 {
        let key = format!("drop:{i}");
        let fut = client.send(Set::new(key.clone(), i));
        if i % 2 == 0 {
            drop(fut);
        } else {
            let _ = tokio::time::timeout(Duration::from_micros(1), fut).await;
        }
    }
    for i in 0..100 {
        let key = format!("own:{i}");
        client.send(Set::new(key.clone(), i)).await.unwrap();
        let v: Option<i64> = client.send(Get::new(key)).await.unwrap();
        assert_eq!(v, Some(i));
    }
}

#[tokio::test]
async fn pipelines_return_typed_tuples() {
    let server = RedisServer::start();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let client = client_for(&server, protocol).await;
        let ((), n, v): ((), i64, Option<String>) = client
            .pipeline()
            .add(Set::new("p:a", "x"))
            .add(Incr::new("p:n"))
            .add(Get::new("p:a"))
            .send()
            .await
            .unwrap();
        assert_eq!(v.as_deref(), Some("x"));
        assert!(n >= 1);
        // An error reply inside a pipeline is that pipeline's error, and the
        // connection stays in step for the next command.
        let err = client
            .pipeline()
            .add(Set::new("p:str", "x"))
            .add(Cmd::<i64>::new("LPUSH").key("p:str").arg("y"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::WrongType), "{err}");
        let again: Option<String> = client.send(Get::new("p:a")).await.unwrap();
        assert_eq!(again.as_deref(), Some("x"));
        // A large homogeneous batch.
        let replies = client
            .send_all((0..1000).map(|i| Set::new(format!("p:many:{i}"), i)))
            .await
            .unwrap();
        assert_eq!(replies.len(), 1000);
    }
}

#[tokio::test]
async fn transactions_have_distinct_outcomes() {
    let server = RedisServer::start();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let client = client_for(&server, protocol).await;
        client.send(Set::new("t:n", 10)).await.unwrap();
        let (n, v): (i64, Option<i64>) = client
            .transaction()
            .add(Incr::new("t:n"))
            .add(Get::new("t:n"))
            .send()
            .await
            .unwrap();
        assert_eq!((n, v), (11, Some(11)));

        // A command rejected while queuing aborts the whole transaction.
        let err = client
            .transaction()
            .add(Incr::new("t:n"))
            .add(Cmd::<Value>::new("NO-SUCH-COMMAND"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::ExecAbort), "{err}");
        assert!(err.to_string().contains("unknown command"), "{err}");
        let unchanged: Option<i64> = client.send(Get::new("t:n")).await.unwrap();
        assert_eq!(unchanged, Some(11));

        // WATCH on a dedicated connection, conflict made by a second client.
        let mut conn = client.dedicated().await.unwrap();
        conn.watch(["t:n"]).await.unwrap();
        client.send(Set::new("t:n", 100)).await.unwrap();
        let err = conn
            .transaction()
            .add(Incr::new("t:n"))
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::WatchConflict), "{err:?}");
        let v: Option<i64> = client.send(Get::new("t:n")).await.unwrap();
        assert_eq!(v, Some(100));
        // Without a conflict the watched transaction runs.
        conn.watch(["t:n"]).await.unwrap();
        let (n,): (i64,) = conn
            .transaction()
            .add(Incr::new("t:n"))
            .send()
            .await
            .unwrap();
        assert_eq!(n, 101);
    }
}

#[tokio::test]
async fn a_killed_server_fails_every_waiting_caller_then_the_client_recovers() {
    const TASKS: usize = 32;
    let mut server = RedisServer::start();
    let client = client_for(&server, Protocol::Resp3).await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let ok = Arc::new(AtomicUsize::new(0));
    // Per task: 0 = running, 1 = saw an error after the kill, 2 = succeeded
    // again after the restart.
    let phase: Arc<Vec<AtomicUsize>> = Arc::new((0..TASKS).map(|_| AtomicUsize::new(0)).collect());
    let killed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let (client, stop, ok, phase, killed) = (
            client.clone(),
            stop.clone(),
            ok.clone(),
            phase.clone(),
            killed.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let key = format!("load:{t}");
                match client.send(Set::new(key.as_str(), i)).await {
                    Ok(()) => {
                        ok.fetch_add(1, Ordering::Relaxed);
                        if phase[t].load(Ordering::Relaxed) == 1 {
                            // Our own write is what we read back.
                            let v: Option<u64> = client.send(Get::new(key.as_str())).await.unwrap();
                            assert_eq!(v, Some(i));
                            phase[t].store(2, Ordering::Relaxed);
                        }
                    }
                    Err(e) => {
                        assert!(
                            e.is_connection_error() || e.is_timeout(),
                            "untyped failure: {e:?}"
                        );
                        assert!(
                            killed.load(Ordering::Relaxed),
                            "error before the kill: {e:?}"
                        );
                        if phase[t].load(Ordering::Relaxed) == 0 {
                            phase[t].store(1, Ordering::Relaxed);
                        }
                        tokio::task::yield_now().await;
                    }
                }
            }
        }));
    }
    let all_in = |p: usize| phase.iter().all(|x| x.load(Ordering::Relaxed) >= p);
    while ok.load(Ordering::Relaxed) < 2000 {
        tokio::task::yield_now().await;
    }
    killed.store(true, Ordering::Relaxed);
    server.kill();
    // Every caller gets a typed error; none hangs (the response timeout is
    // 5 s; in practice the closed socket fails them at once).
    let failed_all = tokio::time::timeout(Duration::from_secs(10), async {
        while !all_in(1) {
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(
        failed_all.is_ok(),
        "some callers hung after the server died"
    );
    server.restart();
    // The client recovers by itself: every task succeeds again.
    let recovered = tokio::time::timeout(Duration::from_secs(10), async {
        while !all_in(2) {
            tokio::task::yield_now().await;
        }
    })
    .await;
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    assert!(
        recovered.is_ok(),
        "client did not recover within 10 s of the restart"
    );
}

#[tokio::test]
async fn authenticates_selects_and_names() {
    let server = RedisServer::builder()
        .acl_user("alice on >wonderland ~* &* +@all")
        .start();
    for protocol in [Protocol::Resp2, Protocol::Resp3] {
        let url = format!(
            "redis://alice:wonderland@127.0.0.1:{}/3?protocol={}&client_name=typed-test",
            server.port(),
            if protocol == Protocol::Resp2 {
                "resp2"
            } else {
                "resp3"
            }
        );
        let client = Client::open(&url).await.unwrap();
        let who: String = client.send(Cmd::new("ACL").arg("WHOAMI")).await.unwrap();
        assert_eq!(who, "alice");
        let name: Option<String> = client
            .send(Cmd::new("CLIENT").arg("GETNAME"))
            .await
            .unwrap();
        assert_eq!(name.as_deref(), Some("typed-test"));
        client.send(Set::new("in-db-3", 1)).await.unwrap();
        let db3: i64 = client.send(Cmd::new("DBSIZE")).await.unwrap();
        assert!(db3 >= 1);
    }
    // A wrong password is a typed error that does not reveal the password.
    let url = format!("redis://alice:not-the-password@127.0.0.1:{}", server.port());
    let err = Client::open(&url).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::WrongPass), "{err}");
    assert!(!format!("{err} {err:?}").contains("not-the-password"));
}

#[tokio::test]
async fn connects_over_a_unix_socket() {
    let server = RedisServer::builder().unix_socket().start();
    let url = format!("unix://{}", server.unix_path().display());
    let client = Client::open(&url).await.unwrap();
    client.send(Set::new("unix", "yes")).await.unwrap();
    let v: Option<String> = client.send(Get::new("unix")).await.unwrap();
    assert_eq!(v.as_deref(), Some("yes"));
}

#[tokio::test]
async fn dedicated_connection_breaks_after_an_interrupted_request() {
    let server = RedisServer::start();
    let client = client_for(&server, Protocol::Resp3).await;
    let mut conn = client.dedicated().await.unwrap();
    conn.set_response_timeout(None);
    {
        let fut = conn.send(Cmd::<Value>::new("BLPOP").key("never").arg("0"));
        let _ = tokio::time::timeout(Duration::from_millis(50), fut).await;
    }
    assert!(!conn.is_usable());
    let err = conn.send(Get::<_, String>::new("x")).await.unwrap_err();
    assert!(matches!(err, Error::ConnectionBroken), "{err:?}");
}

#[tokio::test]
async fn connection_refused_is_a_typed_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = Client::open(&format!("redis://127.0.0.1:{port}"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Io(_)), "{err:?}");
}

/// Replies read straight into `Vec`s on a dedicated connection (no
/// `Vec<Value>` in between) are the same replies, and a reply that does not
/// fit (a server error, a conversion error) leaves the connection in step;
/// RESP3 invalidation pushes arriving before a reply are skipped.
#[tokio::test]
async fn dedicated_connections_read_arrays_straight_into_vecs() {
    use bytes::Bytes;
    use redis_typed::commands::{LRange, MGet, RPush};

    let server = RedisServer::start();
    for protocol in [Protocol::Resp3, Protocol::Resp2] {
        let client = client_for(&server, protocol).await;
        let mut conn = client.dedicated().await.unwrap();
        let keys: Vec<String> = (0..300).map(|i| format!("direct:{i}")).collect();
        for (i, key) in keys.iter().enumerate().filter(|(i, _)| i % 3 != 0) {
            conn.send(Set::new(key.as_str(), format!("v{i}")))
                .await
                .unwrap();
        }
        let got: Vec<Option<Bytes>> = conn.send(MGet::new(keys.clone())).await.unwrap();
        let expected: Vec<Option<Bytes>> = (0..300)
            .map(|i| (i % 3 != 0).then(|| Bytes::from(format!("v{i}"))))
            .collect();
        assert_eq!(got, expected, "{protocol:?}");
        // Past the direct path's 4096-element cap: the general path.
        let many: Vec<String> = (0..5000).map(|i| format!("direct:{}", i % 300)).collect();
        let got: Vec<Option<String>> = conn.send(MGet::new(many)).await.unwrap();
        assert_eq!(got.len(), 5000);
        assert_eq!(got[301].as_deref(), Some("v1"));
        assert_eq!(got[300], None);

        conn.send(RPush::new("direct:list", ["1", "2", "x"]))
            .await
            .unwrap();
        let err = conn
            .send(LRange::<_, i64>::new("direct:list", 0, -1))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conversion { .. }), "{err:?}");
        let err = conn
            .send(LRange::<_, String>::new("direct:1", 0, -1))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::WrongType), "{err:?}");
        assert!(conn.is_usable());
        let list: Vec<String> = conn.send(LRange::new("direct:list", 0, -1)).await.unwrap();
        assert_eq!(list, ["1", "2", "x"]);
        conn.send(Cmd::<Value>::new("DEL").key("direct:list"))
            .await
            .unwrap();
    }

    // RESP3: tracking invalidations are pushes on the same connection; they
    // arrive before the next reply and must not be taken for it.
    let client = client_for(&server, Protocol::Resp3).await;
    let mut conn = client.dedicated().await.unwrap();
    conn.send(
        Cmd::<()>::new("CLIENT")
            .arg("TRACKING")
            .arg("ON")
            .arg("BCAST"),
    )
    .await
    .unwrap();
    let other = client_for(&server, Protocol::Resp3).await;
    for round in 0..20 {
        other
            .send(Set::new("direct:1", format!("v{round}")))
            .await
            .unwrap();
        // The invalidation for this write is queued before PING's reply, so
        // it is read (and skipped) before the MGET's.
        conn.send(Cmd::<String>::new("PING")).await.unwrap();
        let got: Vec<Option<String>> = conn
            .send(MGet::new(["direct:1", "direct:2"]))
            .await
            .unwrap();
        assert_eq!(got, [Some(format!("v{round}")), Some("v2".to_string())]);
    }
}
