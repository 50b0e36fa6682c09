//! Pub/sub against a real server, on RESP2 and RESP3: ordered typed
//! messages, patterns, sharded channels, reconnection after `CLIENT KILL`,
//! and the slow-consumer policy (back-pressure, nothing dropped).

mod support;

use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use redis_typed::events::{Event, EventDispatcher};
use redis_typed::pubsub::{Subscriber, SubscriberConfig};
use redis_typed::{Client, Cmd, ConnectionConfig, Protocol};
use support::RedisServer;
use tokio::sync::mpsc;

const PROTOCOLS: [Protocol; 2] = [Protocol::Resp2, Protocol::Resp3];

fn config(server: &RedisServer, protocol: Protocol) -> ConnectionConfig {
    ConnectionConfig::from_url(&server.url())
        .unwrap()
        .protocol(protocol)
        .response_timeout(Some(Duration::from_secs(10)))
}

async fn subscriber<T: redis_typed::FromRedisValue>(
    server: &RedisServer,
    protocol: Protocol,
    options: SubscriberConfig,
) -> Subscriber<T> {
    let sub = Subscriber::connect(config(server, protocol), options)
        .await
        .unwrap();
    assert_eq!(sub.protocol(), protocol);
    sub
}

fn publish(channel: &str, payload: impl ToString) -> Cmd<i64> {
    Cmd::new("PUBLISH").arg(channel).arg(&payload.to_string())
}

/// Waits for the next message, failing the test after 10 s.
async fn next<T: redis_typed::FromRedisValue>(
    sub: &mut Subscriber<T>,
) -> redis_typed::pubsub::Message<T> {
    tokio::time::timeout(Duration::from_secs(10), sub.next_message())
        .await
        .expect("a message within 10 s")
        .expect("the stream goes on")
        .expect("the payload decodes")
}

#[tokio::test]
async fn thousand_messages_arrive_typed_and_in_order() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    for protocol in PROTOCOLS {
        let mut sub = subscriber::<i64>(&server, protocol, SubscriberConfig::default()).await;
        sub.subscribe(["seq", "other"]).await.unwrap();
        let receivers = client
            .send_all((0..1000).map(|i| publish("seq", i)))
            .await
            .unwrap();
        assert!(receivers.iter().all(|r| *r == 1), "{protocol:?}");
        for i in 0..1000 {
            let m = next(&mut sub).await;
            assert_eq!(
                (&m.channel[..], m.pattern, m.payload),
                (&b"seq"[..], None, i)
            );
        }
        // The Stream impl reads the same queue; a non-integer payload is an
        // error item and the stream goes on.
        client.send(publish("other", "not a number")).await.unwrap();
        client.send(publish("other", 7)).await.unwrap();
        assert!(sub.next().await.unwrap().is_err());
        assert_eq!(sub.next().await.unwrap().unwrap().payload, 7);
        // Unsubscribing is confirmed: nobody receives afterwards.
        sub.unsubscribe(["seq"]).await.unwrap();
        assert_eq!(client.send(publish("seq", 1)).await.unwrap(), 0);
        assert_eq!(client.send(publish("other", 1)).await.unwrap(), 1);
        sub.unsubscribe_all().await.unwrap();
        assert_eq!(client.send(publish("other", 1)).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn pattern_subscriptions_carry_their_pattern() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    for protocol in PROTOCOLS {
        let mut sub = subscriber::<String>(&server, protocol, SubscriberConfig::default()).await;
        sub.psubscribe(["news.*", "sport.?"]).await.unwrap();
        sub.subscribe(["news.tech"]).await.unwrap();
        // Matched by the pattern and by the channel: delivered twice.
        assert_eq!(client.send(publish("news.tech", "rust")).await.unwrap(), 2);
        assert_eq!(client.send(publish("sport.x", "goal")).await.unwrap(), 1);
        let mut got = vec![];
        for _ in 0..3 {
            let m = next(&mut sub).await;
            got.push((
                m.pattern.map(|p| String::from_utf8(p.to_vec()).unwrap()),
                m.payload,
            ));
        }
        got.sort();
        assert_eq!(
            got,
            [
                (None, "rust".to_string()),
                (Some("news.*".to_string()), "rust".to_string()),
                (Some("sport.?".to_string()), "goal".to_string()),
            ]
        );
        sub.punsubscribe(["news.*"]).await.unwrap();
        assert_eq!(client.send(publish("news.tech", "x")).await.unwrap(), 1);
        assert_eq!(next(&mut sub).await.pattern, None);
    }
}

#[tokio::test]
async fn sharded_subscriptions_on_a_standalone_server() {
    if !RedisServer::version_at_least((7, 0, 0), "SSUBSCRIBE") {
        return;
    }
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    for protocol in PROTOCOLS {
        let mut sub = subscriber::<String>(&server, protocol, SubscriberConfig::default()).await;
        sub.ssubscribe(["orders{1}", "orders{2}"]).await.unwrap();
        for (ch, payload) in [("orders{1}", "a"), ("orders{2}", "b")] {
            let n: i64 = client
                .send(Cmd::new("SPUBLISH").arg(ch).arg(payload))
                .await
                .unwrap();
            assert_eq!(n, 1);
            let m = next(&mut sub).await;
            assert_eq!(
                (&m.channel[..], m.payload.as_str()),
                (ch.as_bytes(), payload)
            );
        }
        sub.sunsubscribe(["orders{1}"]).await.unwrap();
        let n: i64 = client
            .send(Cmd::new("SPUBLISH").arg("orders{1}").arg("c"))
            .await
            .unwrap();
        assert_eq!(n, 0);
    }
}

/// The id of the client named `name`, from `CLIENT LIST`.
async fn client_id(client: &Client, name: &str) -> i64 {
    let list: String = client.send(Cmd::new("CLIENT").arg("LIST")).await.unwrap();
    let line = list
        .lines()
        .find(|l| l.split(' ').any(|f| f == format!("name={name}")))
        .unwrap_or_else(|| panic!("no client named {name} in {list}"));
    line.split(' ')
        .find_map(|f| f.strip_prefix("id="))
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn survives_client_kill_and_resubscribes() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    for protocol in PROTOCOLS {
        let events = EventDispatcher::new();
        let (created_tx, mut created) = mpsc::unbounded_channel();
        events.add_listener(move |event: &Event<'_>| {
            if let Event::PubSubConnectionCreated { connection, .. } = event {
                let _ = created_tx.send(connection.id);
            }
        });
        let name = format!("killed-sub-{protocol:?}");
        let config = config(&server, protocol).client_name(&name).events(events);
        let mut sub = Subscriber::<String>::connect(config, SubscriberConfig::default())
            .await
            .unwrap();
        assert_eq!(created.recv().await, Some(1));
        sub.subscribe(["live"]).await.unwrap();
        sub.psubscribe(["li*"]).await.unwrap();
        client.send(publish("live", "before")).await.unwrap();
        assert_eq!(next(&mut sub).await.payload, "before");
        assert_eq!(next(&mut sub).await.payload, "before");

        let id = client_id(&client, &name).await;
        if let Some(server_id) = sub.server_id() {
            assert_eq!(server_id, id);
        }
        support::admin::kill_client(&client, &id).await;
        // The subscriber reconnects on its own...
        let second = tokio::time::timeout(Duration::from_secs(10), created.recv())
            .await
            .expect("a new pub/sub connection");
        assert_eq!(second, Some(2));
        // ... and re-subscribes: publish until a message after the kill
        // arrives (the re-subscription may still be in flight).
        let mut attempt = 0;
        let payload = loop {
            attempt += 1;
            assert!(attempt < 1000, "no message after the reconnect");
            client.send(publish("live", "after")).await.unwrap();
            if let Ok(m) = tokio::time::timeout(Duration::from_millis(50), sub.next_message()).await
            {
                break m.unwrap().unwrap().payload;
            }
        };
        assert_eq!(payload, "after");
        assert_eq!(sub.reconnects(), 1);
        assert_ne!(client_id(&client, &name).await, id);
        // Both the channel and the pattern are back.
        let receivers: i64 = client.send(publish("live", "x")).await.unwrap();
        assert_eq!(receivers, 2);
    }
}

#[tokio::test]
async fn slow_consumer_gets_back_pressure_not_loss() {
    let server = RedisServer::start();
    let client = Client::open(&server.url()).await.unwrap();
    for protocol in PROTOCOLS {
        let capacity = 8;
        let mut sub = subscriber::<String>(
            &server,
            protocol,
            SubscriberConfig::default().capacity(capacity),
        )
        .await;
        sub.subscribe(["flood"]).await.unwrap();
        let payload = "x".repeat(1000);
        let n = 5000;
        let receivers = client
            .send_all((0..n).map(|i| publish("flood", format!("{i}:{payload}"))))
            .await
            .unwrap();
        assert!(receivers.iter().all(|r| *r == 1));
        // The consumer has read nothing: the client holds at most
        // `capacity` messages; the rest waits in the socket / on the server.
        assert!(sub.queued() <= capacity, "{}", sub.queued());
        // A subscribe from the stalled consumer does not deadlock behind
        // the full buffer.
        tokio::time::timeout(Duration::from_secs(10), sub.subscribe(["late"]))
            .await
            .expect("subscribe confirmed while the buffer is full")
            .unwrap();
        client.send(publish("late", "last")).await.unwrap();
        // Nothing was lost, nothing reordered.
        for i in 0..n {
            let m = next(&mut sub).await;
            let (seq, rest) = m.payload.split_once(':').unwrap();
            assert_eq!(seq.parse::<i32>().unwrap(), i);
            assert_eq!(rest.len(), 1000);
        }
        assert_eq!(next(&mut sub).await.payload, "last");
        assert!(sub.queued() <= capacity);
        assert_eq!(sub.reconnects(), 0);
    }
}

#[tokio::test]
async fn rotated_credentials_reauthenticate_in_band_or_by_reconnecting() {
    use redis_typed::auth::{Credentials, StreamingCredentials};
    use redis_typed::transport::DefaultTransport;

    let server = RedisServer::builder()
        .acl_user("alice on >pw1 ~* &* +@all")
        .start();
    let admin = Client::open(&server.url_with("alice", "pw1"))
        .await
        .unwrap();
    for protocol in PROTOCOLS {
        support::acl::set_password(&admin, "alice", "pw1").await;
        let (sender, provider) = StreamingCredentials::channel();
        sender.publish(Credentials::new("alice", "pw1"));
        let events = EventDispatcher::new();
        let (tx, mut seen) = mpsc::unbounded_channel();
        events.add_listener(move |event: &Event<'_>| {
            let _ = tx.send(match event {
                Event::PubSubConnectionCreated { connection, .. } => {
                    format!("created {}", connection.id)
                }
                Event::ReauthSucceeded { generation, .. } => format!("reauth {generation}"),
                Event::ReauthFailed { generation, .. } => format!("failed {generation}"),
                _ => return,
            });
        });
        let config = config(&server, protocol).credentials(None).events(events);
        let mut sub = Subscriber::<String>::connect_with(
            config,
            DefaultTransport,
            provider,
            SubscriberConfig::default(),
        )
        .await
        .unwrap();
        assert_eq!(seen.recv().await.unwrap(), "created 1");
        sub.subscribe(["rot"]).await.unwrap();

        // Rotate: the new password only.
        support::acl::set_password(&admin, "alice", "pw2").await;
        sender.publish(Credentials::new("alice", "pw2"));
        let next_event = tokio::time::timeout(Duration::from_secs(10), seen.recv())
            .await
            .unwrap()
            .unwrap();
        match protocol {
            // RESP3: AUTH in band, same connection.
            Protocol::Resp3 => assert_eq!(next_event, "reauth 2"),
            // RESP2: a new connection (authenticated with pw2), re-subscribed.
            Protocol::Resp2 => assert_eq!(next_event, "created 2"),
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            assert!(attempt < 1000, "no message after the rotation");
            admin.send(publish("rot", "fresh")).await.unwrap();
            if let Ok(m) = tokio::time::timeout(Duration::from_millis(50), sub.next_message()).await
            {
                assert_eq!(m.unwrap().unwrap().payload, "fresh");
                break;
            }
        }
        let expected_reconnects = if protocol == Protocol::Resp2 { 1 } else { 0 };
        assert_eq!(sub.reconnects(), expected_reconnects);
    }
}

#[tokio::test]
async fn a_consumer_past_the_servers_output_limit_is_dropped_and_reconnects() {
    // The documented consequence of back-pressure: the server holds what
    // the client does not read, up to `client-output-buffer-limit pubsub`,
    // then disconnects; the subscriber reconnects and re-subscribes (a gap).
    let server = RedisServer::builder()
        .arg("--client-output-buffer-limit")
        .arg("pubsub 256kb 0 0")
        .start();
    let client = Client::open(&server.url()).await.unwrap();
    let events = EventDispatcher::new();
    let (created_tx, mut created) = mpsc::unbounded_channel();
    events.add_listener(move |event: &Event<'_>| {
        if let Event::PubSubConnectionCreated { connection, .. } = event {
            let _ = created_tx.send(connection.id);
        }
    });
    let config = config(&server, Protocol::Resp3).events(events);
    let mut sub = Subscriber::<Bytes>::connect(config, SubscriberConfig::default().capacity(4))
        .await
        .unwrap();
    assert_eq!(created.recv().await, Some(1));
    sub.subscribe(["firehose"]).await.unwrap();
    let payload = "y".repeat(4096);
    // Publish until the server has cut the subscriber off (PUBLISH then
    // reaches nobody): far more than the socket buffers and the limit hold.
    let mut published = 0;
    loop {
        let receivers = client
            .send_all((0..100).map(|_| publish("firehose", &payload)))
            .await
            .unwrap();
        published += 100;
        if receivers.contains(&0) {
            break;
        }
        assert!(
            published < 200_000,
            "the server never dropped the slow consumer"
        );
    }
    assert!(sub.queued() <= 4);
    // Reading again: what was buffered arrives, then the reconnect.
    let second = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            tokio::select! {
                id = created.recv() => return id,
                _ = sub.next_message() => {}
            }
        }
    })
    .await
    .expect("the subscriber reconnects");
    assert_eq!(second, Some(2));
    let mut attempt = 0;
    loop {
        attempt += 1;
        assert!(attempt < 1000, "no message after the reconnect");
        client.send(publish("firehose", "again")).await.unwrap();
        if let Ok(Some(Ok(m))) =
            tokio::time::timeout(Duration::from_millis(50), sub.next_message()).await
        {
            if &m.payload[..] == b"again" {
                break;
            }
        }
    }
    assert_eq!(sub.reconnects(), 1);
}
