//! Subscriptions sharing the multiplexed client's RESP3 connection: against
//! a real server (ordering under load, patterns and shard channels, shared
//! channels, ACL refusals, slow consumers, `CLIENT KILL`, credential
//! rotation, RESP2), and against a scripted fake server that interleaves
//! pushes with replies in ways a real one rarely does on cue.

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures::{FutureExt, StreamExt};
use redis_typed::auth::{Credentials, StaticCredentials, StreamingCredentials};
use redis_typed::commands::{Get, Set};
use redis_typed::events::{Event, EventDispatcher};
use redis_typed::pubsub::{Message, Subscription};
use redis_typed::resp::{write_value, Decoder};
use redis_typed::transport::{DefaultTransport, MemoryTransport};
use redis_typed::{Client, Cmd, ConnectionConfig, Error, ErrorKind, Protocol, Value};
use support::RedisServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

fn config(server: &RedisServer) -> ConnectionConfig {
    ConnectionConfig::from_url(&server.url())
        .unwrap()
        .response_timeout(Some(Duration::from_secs(10)))
}

fn publish(channel: &str, payload: impl ToString) -> Cmd<i64> {
    Cmd::new("PUBLISH").arg(channel).arg(&payload.to_string())
}

/// The next item, failing the test after 10 s.
async fn next_item<T: redis_typed::FromRedisValue>(
    sub: &mut Subscription<T>,
) -> redis_typed::Result<Message<T>> {
    tokio::time::timeout(Duration::from_secs(10), sub.next_message())
        .await
        .expect("an item within 10 s")
        .expect("the stream goes on")
}

async fn next<T: redis_typed::FromRedisValue>(sub: &mut Subscription<T>) -> Message<T> {
    next_item(sub).await.expect("a message")
}

/// `PUBSUB NUMSUB channel`: how many connections subscribe `channel`.
async fn numsub(client: &Client, channel: &str) -> i64 {
    let reply: Vec<Value> = client
        .send(Cmd::new("PUBSUB").arg("NUMSUB").arg(channel))
        .await
        .unwrap();
    match reply.get(1) {
        Some(Value::Integer(n)) => *n,
        other => panic!("NUMSUB reply {other:?}"),
    }
}

/// The `CLIENT LIST` lines of the clients named `name`.
async fn clients_named(admin: &Client, name: &str) -> Vec<String> {
    let list: String = admin.send(Cmd::new("CLIENT").arg("LIST")).await.unwrap();
    list.lines()
        .filter(|l| l.split(' ').any(|f| f == format!("name={name}")))
        .map(str::to_owned)
        .collect()
}

fn field<'a>(line: &'a str, name: &str) -> &'a str {
    line.split(' ')
        .find_map(|f| f.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_else(|| panic!("no {name} in {line}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_messages_on_two_channels_arrive_in_order_while_32_tasks_share_the_client() {
    const N: i64 = 1000;
    const TASKS: usize = 32;
    let server = RedisServer::start();
    let admin = Client::open(&server.url()).await.unwrap();
    let client = Client::connect(config(&server).client_name("shared"))
        .await
        .unwrap();
    let mut sub = client.subscribe::<i64>(["seq:a", "seq:b"]).await.unwrap();

    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let (client, stop, ops) = (client.clone(), stop.clone(), ops.clone());
        tasks.push(tokio::spawn(async move {
            let key = format!("busy:{t}");
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                client.send(Set::new(key.as_str(), i)).await.unwrap();
                let v: Option<u64> = client.send(Get::new(key.as_str())).await.unwrap();
                assert_eq!(v, Some(i), "task {t} got another caller's reply");
                ops.fetch_add(2, Ordering::Relaxed);
            }
        }));
    }
    let receivers = admin
        .send_all((0..N).map(|i| {
            let channel = if i % 2 == 0 { "seq:a" } else { "seq:b" };
            publish(channel, i)
        }))
        .await
        .unwrap();
    assert!(
        receivers.iter().all(|r| *r == 1),
        "one subscribed connection"
    );
    for i in 0..N {
        let m = next(&mut sub).await;
        assert_eq!(m.payload, i);
        let channel: &[u8] = if i % 2 == 0 { b"seq:a" } else { b"seq:b" };
        assert_eq!(&m.channel[..], channel);
        assert_eq!(m.pattern, None);
    }
    // One connection for the client, subscribed to both channels.
    let lines = clients_named(&admin, "shared").await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(field(&lines[0], "sub"), "2");
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    assert!(ops.load(Ordering::Relaxed) > 0);
    assert_eq!(sub.reconnects(), 0);
}

#[tokio::test]
async fn pattern_and_shard_subscriptions() {
    let server = RedisServer::start();
    let client = Client::connect(config(&server)).await.unwrap();
    let mut users = client.psubscribe::<String>(["user:*"]).await.unwrap();
    let mut shard = client.ssubscribe::<String>(["orders{1}"]).await.unwrap();
    assert_eq!(client.send(publish("user:7", "hi")).await.unwrap(), 1);
    let m = next(&mut users).await;
    assert_eq!(m.pattern.as_deref(), Some(&b"user:*"[..]));
    assert_eq!(&m.channel[..], b"user:7");
    assert_eq!(m.payload, "hi");
    let receivers: i64 = client
        .send(Cmd::new("SPUBLISH").arg("orders{1}").arg("o1"))
        .await
        .unwrap();
    assert_eq!(receivers, 1);
    let m = next(&mut shard).await;
    assert_eq!(
        (&m.channel[..], m.pattern, m.payload.as_str()),
        (&b"orders{1}"[..], None, "o1")
    );
    // A classic message on the shard channel's name is not a shard message.
    assert_eq!(
        client.send(publish("orders{1}", "classic")).await.unwrap(),
        0
    );
    // The pattern subscription saw nothing else.
    assert_eq!(users.queued(), 0);
    users.unsubscribe().await.unwrap();
    assert_eq!(client.send(publish("user:7", "gone")).await.unwrap(), 0);
}

#[tokio::test]
async fn two_subscriptions_share_a_channel_until_the_last_is_dropped() {
    let server = RedisServer::start();
    let client = Client::connect(config(&server)).await.unwrap();
    let mut one = client.subscribe::<String>(["both"]).await.unwrap();
    let mut two = client.subscribe::<String>(["both"]).await.unwrap();
    assert_eq!(client.send(publish("both", "x")).await.unwrap(), 1);
    assert_eq!(next(&mut one).await.payload, "x");
    assert_eq!(next(&mut two).await.payload, "x");

    drop(one);
    assert_eq!(numsub(&client, "both").await, 1, "still held by the other");
    assert_eq!(client.send(publish("both", "y")).await.unwrap(), 1);
    assert_eq!(next(&mut two).await.payload, "y");

    drop(two);
    // The UNSUBSCRIBE is fire and forget: poll (bounded) until it is seen.
    let mut polls = 0;
    while numsub(&client, "both").await != 0 {
        polls += 1;
        assert!(polls < 100, "the channel stayed subscribed");
    }
    // The connection still serves ordinary commands.
    client.send(Set::new("after", "ok")).await.unwrap();
    let v: Option<String> = client.send(Get::new("after")).await.unwrap();
    assert_eq!(v.as_deref(), Some("ok"));
}

#[tokio::test]
async fn a_refused_subscribe_is_a_typed_noperm_and_the_next_command_gets_its_own_reply() {
    let server = RedisServer::builder()
        .acl_user("alice on >pw ~* resetchannels &allowed:* +@all")
        .start();
    let config = ConnectionConfig::from_url(&server.url_with("alice", "pw")).unwrap();
    let client = Client::connect(config).await.unwrap();
    client.send(Set::new("k", "v")).await.unwrap();
    // One channel refused (one confirmation expected), then two.
    for channels in [&["other"][..], &["allowed:1", "other"][..]] {
        let err = client
            .subscribe::<String>(channels.iter().copied())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::NoPerm), "{err:?}");
        let v: Option<String> = client.send(Get::new("k")).await.unwrap();
        assert_eq!(v.as_deref(), Some("v"));
    }
    // An allowed channel still works on the same connection.
    let mut allowed = client.subscribe::<String>(["allowed:2"]).await.unwrap();
    assert_eq!(client.send(publish("allowed:2", "ok")).await.unwrap(), 1);
    assert_eq!(next(&mut allowed).await.payload, "ok");
    assert_eq!(numsub(&client, "allowed:1").await, 0);
}

#[tokio::test]
async fn a_slow_consumer_lags_with_an_exact_count_and_never_stalls_the_client() {
    const CAPACITY: usize = 8;
    const PUBLISHED: i64 = 100;
    let server = RedisServer::start();
    let client = Client::connect(config(&server)).await.unwrap();
    let mut sub = client
        .subscription()
        .capacity(CAPACITY)
        .subscribe::<i64>(["flood"])
        .await
        .unwrap();
    for i in 0..PUBLISHED {
        // Published on the subscribed connection itself: the server sends
        // the message push before the PUBLISH reply, so once the reply is
        // here the message has been routed.
        assert_eq!(client.send(publish("flood", i)).await.unwrap(), 1);
        // Nobody reads the subscription; other commands keep completing.
        let v: Option<String> = client.send(Get::new("nothing")).await.unwrap();
        assert_eq!(v, None);
    }
    assert_eq!(sub.queued(), CAPACITY);
    match next_item(&mut sub).await {
        Err(Error::Lagged { missed }) => assert_eq!(missed, PUBLISHED as u64 - CAPACITY as u64),
        other => panic!("expected Lagged, got {other:?}"),
    }
    for i in 0..CAPACITY as i64 {
        assert_eq!(next(&mut sub).await.payload, i);
    }
    // Caught up: nothing more is missed.
    client.send(publish("flood", "1000")).await.unwrap();
    assert_eq!(next(&mut sub).await.payload, 1000);
    let lagged = Error::Lagged { missed: 3 }.to_string();
    assert!(
        lagged.contains('3') && lagged.contains("dropped"),
        "{lagged}"
    );
}

#[tokio::test]
async fn client_kill_restores_the_subscriptions_on_the_new_connection() {
    let server = RedisServer::start();
    let admin = Client::open(&server.url()).await.unwrap();
    let events = EventDispatcher::new();
    let (created_tx, mut created) = mpsc::unbounded_channel();
    events.add_listener(move |event: &Event<'_>| {
        if let Event::ConnectionCreated { connection, .. } = event {
            let _ = created_tx.send(connection.id);
        }
    });
    let client = Client::connect(config(&server).client_name("killed").events(events))
        .await
        .unwrap();
    let first = created.recv().await.unwrap();
    let mut live = client.subscribe::<String>(["live"]).await.unwrap();
    let mut pattern = client.psubscribe::<String>(["li*"]).await.unwrap();
    assert_eq!(client.send(publish("live", "before")).await.unwrap(), 2);
    assert_eq!(next(&mut live).await.payload, "before");
    assert_eq!(next(&mut pattern).await.payload, "before");

    let lines = clients_named(&admin, "killed").await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    let id = field(&lines[0], "id").to_owned();
    support::admin::kill_client(&admin, &id).await;
    // Live subscriptions are demand: the client reconnects by itself.
    let second = tokio::time::timeout(Duration::from_secs(10), created.recv())
        .await
        .expect("a new connection")
        .unwrap();
    assert_ne!(second, first);
    // The re-subscription goes ahead of anything queued after the new
    // connection was made, so this PUBLISH finds both subscribed.
    assert_eq!(client.send(publish("live", "after")).await.unwrap(), 2);
    assert_eq!(next(&mut live).await.payload, "after");
    assert_eq!(next(&mut pattern).await.payload, "after");
    assert_eq!((live.reconnects(), pattern.reconnects()), (1, 1));
    let lines = clients_named(&admin, "killed").await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_ne!(field(&lines[0], "id"), id);
    assert_eq!(
        (field(&lines[0], "sub"), field(&lines[0], "psub")),
        ("1", "1")
    );
}

#[tokio::test]
async fn rotated_credentials_reauthenticate_in_band_while_subscribed() {
    let server = RedisServer::builder()
        .acl_user("alice on >pw1 ~* &* +@all")
        .start();
    let admin = Client::open(&server.url_with("alice", "pw1"))
        .await
        .unwrap();
    let (sender, provider) = StreamingCredentials::channel();
    sender.publish(Credentials::new("alice", "pw1"));
    let events = EventDispatcher::new();
    let (tx, mut seen) = mpsc::unbounded_channel();
    events.add_listener(move |event: &Event<'_>| {
        let _ = tx.send(match event {
            Event::ConnectionCreated { connection, .. } => format!("created {}", connection.id > 0),
            Event::ReauthSucceeded { generation, .. } => format!("reauth {generation}"),
            Event::ReauthFailed { generation, .. } => format!("failed {generation}"),
            _ => return,
        });
    });
    let config = config(&server).credentials(None).events(events);
    let client = Client::connect_with(config, DefaultTransport, provider)
        .await
        .unwrap();
    assert_eq!(seen.recv().await.unwrap(), "created true");
    let mut sub = client.subscribe::<String>(["rot"]).await.unwrap();
    assert_eq!(admin.send(publish("rot", "old")).await.unwrap(), 1);
    assert_eq!(next(&mut sub).await.payload, "old");

    support::acl::set_password(&admin, "alice", "pw2").await;
    sender.publish(Credentials::new("alice", "pw2"));
    let event = tokio::time::timeout(Duration::from_secs(10), seen.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(event, "reauth 2", "AUTH in band, on the same connection");
    assert_eq!(admin.send(publish("rot", "fresh")).await.unwrap(), 1);
    assert_eq!(next(&mut sub).await.payload, "fresh");
    let who: String = client.send(Cmd::new("ACL").arg("WHOAMI")).await.unwrap();
    assert_eq!(who, "alice");
    assert_eq!(sub.reconnects(), 0);
    assert!(seen.try_recv().is_err(), "no other connection or re-auth");
}

#[tokio::test]
async fn a_resubscription_refused_after_an_acl_change_reaches_the_stream() {
    let server = RedisServer::builder()
        .acl_user("alice on >pw ~* &* +@all")
        .start();
    let admin = Client::open(&server.url()).await.unwrap();
    let config = ConnectionConfig::from_url(&server.url_with("alice", "pw"))
        .unwrap()
        .client_name("acl-changed");
    let client = Client::connect(config).await.unwrap();
    let mut sub = client.subscribe::<String>(["x"]).await.unwrap();
    // Another subscription, on a channel the new ACL still allows: the
    // refusal of "x" must not take it down (the server refuses a whole
    // command for one denied channel, so re-subscription is per channel).
    let mut kept = client.subscribe::<String>(["allowed:news"]).await.unwrap();
    // Redis 7 disconnects a client subscribed to a channel its user loses;
    // the client reconnects at once (a subscription is live) and subscribes
    // again, which the new ACL refuses.
    admin
        .send(
            Cmd::<()>::new("ACL")
                .arg("SETUSER")
                .arg("alice")
                .arg("resetchannels")
                .arg("&allowed:*"),
        )
        .await
        .unwrap();
    let err = next_item(&mut sub).await.unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::NoPerm), "{err:?}");
    assert_eq!(sub.reconnects(), 1);
    // The client itself is fine, on its new connection.
    client.send(Set::new("k", "v")).await.unwrap();
    let v: Option<String> = client.send(Get::new("k")).await.unwrap();
    assert_eq!(v.as_deref(), Some("v"));
    assert_eq!(clients_named(&admin, "acl-changed").await.len(), 1);
    // The allowed channel was subscribed again on the new connection.
    let mut waited = 0;
    while numsub(&admin, "allowed:news").await != 1 {
        waited += 1;
        assert!(waited < 500, "allowed:news never re-subscribed");
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    admin
        .send(publish("allowed:news", "still here"))
        .await
        .unwrap();
    let message = next(&mut kept).await;
    assert_eq!(message.payload, "still here");
    assert_eq!(kept.reconnects(), 1);
}

#[tokio::test]
async fn a_resp2_client_is_told_to_use_a_subscriber() {
    let server = RedisServer::start();
    let client = Client::connect(config(&server).protocol(Protocol::Resp2))
        .await
        .unwrap();
    let err = client.subscribe::<String>(["x"]).await.unwrap_err();
    match &err {
        Error::Config(text) => {
            assert!(
                text.contains("RESP3") && text.contains("subscriber()"),
                "{text}"
            )
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
    // And the client is untouched.
    let v: Option<String> = client.send(Get::new("x")).await.unwrap();
    assert_eq!(v, None);
}

#[tokio::test]
async fn a_subscribe_dropped_before_its_confirmation_leaves_nothing_behind() {
    let server = RedisServer::start();
    let client = Client::connect(config(&server)).await.unwrap();
    // Polled once (the request is queued), then dropped.
    assert!(client
        .subscribe::<String>(["abandoned"])
        .now_or_never()
        .is_none());
    client.send(Set::new("k", "v")).await.unwrap();
    let v: Option<String> = client.send(Get::new("k")).await.unwrap();
    assert_eq!(v.as_deref(), Some("v"));
    // Its UNSUBSCRIBE was queued before this command.
    assert_eq!(numsub(&client, "abandoned").await, 0);
    // The stream of a live subscription ends when the client is closed.
    let mut sub = client.subscribe::<String>(["closing"]).await.unwrap();
    drop(client);
    let end = tokio::time::timeout(Duration::from_secs(10), sub.next())
        .await
        .unwrap();
    assert!(end.is_none(), "{end:?}");
}

// ---- Scripted fake server (RESP3) -------------------------------------------

/// A fake server's end: reads commands, writes RESP3 frames.
struct Fake {
    end: DuplexStream,
    buf: BytesMut,
    decoder: Decoder,
}

fn bulk(s: &str) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
}

fn push(items: &[Value]) -> Value {
    Value::Push(items.to_vec())
}

impl Fake {
    /// Accepts the connection and answers `HELLO 3`.
    async fn accept(server: &mut redis_typed::transport::MemoryServerEnd) -> Fake {
        let mut fake = Fake {
            end: server.accept().await.unwrap(),
            buf: BytesMut::new(),
            decoder: Decoder::new(),
        };
        let hello = fake.read().await;
        assert_eq!(hello[..2], ["HELLO", "3"]);
        fake.write(&[Value::Map(vec![(bulk("id"), Value::Integer(7))])])
            .await;
        fake
    }

    /// The next command, as strings.
    async fn read(&mut self) -> Vec<String> {
        loop {
            if let Some(v) = self.decoder.decode(&mut self.buf).unwrap() {
                let Value::Array(items) = v else {
                    panic!("not a command: {v:?}")
                };
                return items
                    .into_iter()
                    .map(|i| match i {
                        Value::BulkString(b) => String::from_utf8(b.to_vec()).unwrap(),
                        other => panic!("not a bulk: {other:?}"),
                    })
                    .collect();
            }
            assert!(
                self.end.read_buf(&mut self.buf).await.unwrap() > 0,
                "client hung up"
            );
        }
    }

    async fn write(&mut self, frames: &[Value]) {
        let mut out = BytesMut::new();
        for f in frames {
            write_value(&mut out, f);
        }
        self.end.write_all(&out).await.unwrap();
    }
}

#[tokio::test]
async fn pushes_between_confirmations_and_unsolicited_pushes_never_desynchronise_replies() {
    let (transport, mut server) = MemoryTransport::new();
    let config = ConnectionConfig::default().response_timeout(Some(Duration::from_secs(5)));
    let client = Client::connect_with(config, transport, StaticCredentials::none());
    let (client, mut fake) = tokio::join!(client, Fake::accept(&mut server));
    let client = client.unwrap();

    // SUBSCRIBE a b, then a GET behind it.
    let subscribing = tokio::spawn({
        let client = client.clone();
        async move { client.subscribe::<String>(["a", "b"]).await }
    });
    assert_eq!(fake.read().await, ["SUBSCRIBE", "a", "b"]);
    let get = tokio::spawn({
        let client = client.clone();
        async move { client.send(Get::<_, String>::new("k1")).await }
    });
    assert_eq!(fake.read().await, ["GET", "k1"]);
    fake.write(&[
        push(&[bulk("subscribe"), bulk("a"), Value::Integer(1)]),
        // A message between the confirmations.
        push(&[bulk("message"), bulk("a"), bulk("m1")]),
        // Pushes nobody asked for: ignored, never taken as replies or
        // confirmations.
        push(&[bulk("sunsubscribe"), bulk("x"), Value::Integer(0)]),
        push(&[bulk("invalidate"), Value::Array(vec![bulk("k1")])]),
        push(&[bulk("psubscribe"), bulk("b"), Value::Integer(2)]),
        push(&[bulk("subscribe"), bulk("b"), Value::Integer(2)]),
        push(&[bulk("message"), bulk("b"), bulk("m2")]),
        bulk("v1"),
    ])
    .await;
    let mut sub = subscribing.await.unwrap().unwrap();
    assert_eq!(get.await.unwrap().unwrap().as_deref(), Some("v1"));
    let m = next(&mut sub).await;
    assert_eq!((&m.channel[..], m.payload.as_str()), (&b"a"[..], "m1"));
    let m = next(&mut sub).await;
    assert_eq!((&m.channel[..], m.payload.as_str()), (&b"b"[..], "m2"));

    // A refused SUBSCRIBE of two channels: one error answers it whole.
    let refused = tokio::spawn({
        let client = client.clone();
        async move { client.subscribe::<String>(["c", "d"]).await }
    });
    assert_eq!(fake.read().await, ["SUBSCRIBE", "c", "d"]);
    let get = tokio::spawn({
        let client = client.clone();
        async move { client.send(Get::<_, String>::new("k2")).await }
    });
    assert_eq!(fake.read().await, ["GET", "k2"]);
    fake.write(&[
        Value::Error(Bytes::from_static(b"NOPERM no permissions")),
        push(&[bulk("message"), bulk("a"), bulk("m3")]),
        bulk("v2"),
    ])
    .await;
    let err = refused.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::NoPerm), "{err:?}");
    assert_eq!(get.await.unwrap().unwrap().as_deref(), Some("v2"));
    assert_eq!(next(&mut sub).await.payload, "m3");
    // The refused subscription let go of its channels, unsubscribing the
    // ones nobody holds (fire and forget; confirmed like any other).
    assert_eq!(fake.read().await[0], "UNSUBSCRIBE");
    let get = tokio::spawn({
        let client = client.clone();
        async move { client.send(Get::<_, String>::new("k3")).await }
    });
    assert_eq!(fake.read().await, ["GET", "k3"]);
    fake.write(&[
        push(&[bulk("unsubscribe"), bulk("c"), Value::Integer(2)]),
        push(&[bulk("unsubscribe"), bulk("d"), Value::Integer(2)]),
        bulk("v3"),
    ])
    .await;
    assert_eq!(get.await.unwrap().unwrap().as_deref(), Some("v3"));

    // Unsubscribing waits for its confirmations, in order with replies.
    let unsubscribing = tokio::spawn(sub.unsubscribe());
    let mut command = fake.read().await;
    command[1..].sort();
    assert_eq!(command, ["UNSUBSCRIBE", "a", "b"]);
    fake.write(&[
        push(&[bulk("message"), bulk("a"), bulk("late")]),
        push(&[bulk("unsubscribe"), bulk("a"), Value::Integer(1)]),
        push(&[bulk("unsubscribe"), bulk("b"), Value::Integer(0)]),
    ])
    .await;
    unsubscribing.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_confirmation_counts_only_toward_a_request_of_its_own_kind() {
    let (transport, mut server) = MemoryTransport::new();
    let config = ConnectionConfig::default().response_timeout(Some(Duration::from_secs(5)));
    let client = Client::connect_with(config, transport, StaticCredentials::none());
    let (client, mut fake) = tokio::join!(client, Fake::accept(&mut server));
    let client = client.unwrap();
    let spawn_subscribe = |channel: &'static str| {
        let client = client.clone();
        tokio::spawn(async move { client.subscribe::<String>([channel]).await })
    };
    let first = spawn_subscribe("a");
    assert_eq!(fake.read().await, ["SUBSCRIBE", "a"]);
    let second = spawn_subscribe("c");
    assert_eq!(fake.read().await, ["SUBSCRIBE", "c"]);
    let get = tokio::spawn({
        let client = client.clone();
        async move { client.send(Get::<_, String>::new("k")).await }
    });
    assert_eq!(fake.read().await, ["GET", "k"]);
    fake.write(&[
        // Same channel, other kind: answers neither request.
        push(&[bulk("psubscribe"), bulk("a"), Value::Integer(1)]),
        push(&[bulk("subscribe"), bulk("a"), Value::Integer(1)]),
        Value::Error(Bytes::from_static(b"NOPERM no permissions")),
        bulk("v"),
    ])
    .await;
    first.await.unwrap().unwrap();
    let err = second.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), Some(ErrorKind::NoPerm), "{err:?}");
    assert_eq!(get.await.unwrap().unwrap().as_deref(), Some("v"));
}
