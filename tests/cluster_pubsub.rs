//! `ClusterSubscriber` against a real 3-primary / 3-replica cluster:
//! sharded channels on every shard merged into one typed stream, a slot
//! moved to another primary, a replica's manual failover, a killed
//! primary, `SUNSUBSCRIBE`, classic channels and patterns.
//!
//! ONE cluster serves this binary and the phases run in ONE test function,
//! in order: the later phases change the topology. Where a subscription
//! must have followed, the test polls the servers' own count
//! (`PUBSUB SHARDNUMSUB`) rather than sleeping.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use redis_typed::cluster::{hash_slot, ClusterClient, ClusterConfig, ClusterSubscriber};
use redis_typed::commands::{Publish, SPublish};
use redis_typed::events::{Event, EventDispatcher};
use redis_typed::pubsub::{Message, SubscriberConfig};
use redis_typed::{Protocol, ServerAddr};
use support::cluster_ops::ClusterOps;
use support::RedisCluster;

/// (channel, from port, to port) of every `ShardChannelMoved`.
type Moves = Arc<Mutex<Vec<(String, u16, u16)>>>;

async fn connect(cluster: &RedisCluster, protocol: Protocol, moves: &Moves) -> ClusterClient {
    let events = EventDispatcher::new();
    let sink = moves.clone();
    events.add_listener(move |e: &Event<'_>| {
        if let Event::ShardChannelMoved {
            channel, from, to, ..
        } = e
        {
            sink.lock().unwrap().push((
                String::from_utf8_lossy(channel).into_owned(),
                port(from),
                port(to),
            ));
        }
    });
    let mut config = ClusterConfig::from_urls(&cluster.urls()).unwrap();
    config.connection = config
        .connection
        .events(events)
        .protocol(protocol)
        .response_timeout(Some(Duration::from_secs(5)));
    ClusterClient::connect(config).await.unwrap()
}

fn port(addr: &ServerAddr) -> u16 {
    match addr {
        ServerAddr::Tcp { port, .. } => *port,
        other => panic!("not a TCP address: {other:?}"),
    }
}

async fn spublish<C: redis_typed::auth::CredentialProvider>(
    c: &ClusterClient<redis_typed::transport::DefaultTransport, C>,
    channel: &str,
    payload: impl ToString,
) {
    c.send(SPublish::new(channel, payload.to_string()))
        .await
        .unwrap();
}

/// The next message within 10 s.
async fn next<P: redis_typed::FromRedisValue>(sub: &mut ClusterSubscriber<P>) -> Message<P> {
    tokio::time::timeout(Duration::from_secs(10), sub.next_message())
        .await
        .expect("a message within 10 s")
        .expect("the stream goes on")
        .expect("the payload decodes")
}

/// Polls `done` every 20 ms for up to 20 s.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "{what}: not within 20 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Two channels in different slots on each primary: `(channel, slot, port)`.
fn channels_per_primary(cluster: &RedisCluster, prefix: &str) -> Vec<(String, u16, u16)> {
    let mut out: Vec<(String, u16, u16)> = Vec::new();
    let mut per: HashMap<u16, usize> = HashMap::new();
    for i in 0.. {
        let name = format!("{prefix}:{i}");
        let slot = hash_slot(name.as_bytes());
        let owner = cluster.owner_of(slot);
        let n = per.entry(owner).or_default();
        if *n < 2 && !out.iter().any(|(_, s, _)| *s == slot) {
            *n += 1;
            out.push((name, slot, owner));
        }
        if out.len() == 6 {
            return out;
        }
    }
    unreachable!()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_pubsub_suite() {
    let started = Instant::now();
    let mut cluster = RedisCluster::start();
    println!("cluster ready in {:?}", started.elapsed());
    let moves: Moves = Default::default();
    let client = connect(&cluster, Protocol::Resp3, &moves).await;
    let client2 = connect(&cluster, Protocol::Resp2, &moves).await;

    let channels = channels_per_primary(&cluster, "shard");
    let mut sub = client.subscriber::<i64>();
    every_shard_in_one_stream(&client, &mut sub, &channels).await;
    println!("all shards ok ({:?})", started.elapsed());

    // A RESP2 subscriber follows the same channel as the RESP3 one.
    let mut sub2 = ClusterSubscriber::<i64>::new(&client2, SubscriberConfig::default());
    follows_a_migrated_slot(&cluster, &client, &mut sub, &mut sub2, &channels, &moves).await;
    println!("slot migration ok ({:?})", started.elapsed());
    drop(sub2);

    follows_a_failover(&cluster, &client, &mut sub, &channels, &moves).await;
    println!("manual failover ok ({:?})", started.elapsed());

    sunsubscribe_stops_messages(&cluster, &client, &mut sub, &channels).await;
    println!("sunsubscribe ok ({:?})", started.elapsed());

    classic_channels_and_patterns(&cluster, &client).await;
    println!("patterns ok ({:?})", started.elapsed());

    rotated_credentials_reach_every_node(&cluster).await;
    println!("credential rotation ok ({:?})", started.elapsed());

    follows_a_killed_primary(&mut cluster, &client, &mut sub).await;
    println!("killed primary ok ({:?})", started.elapsed());
}

/// Six channels, two per primary, one `ssubscribe` call: one connection per
/// primary, every message in the one stream, per-channel order kept,
/// payloads decoded as `i64` (and a bad payload an `Err` item, the stream
/// going on).
async fn every_shard_in_one_stream(
    client: &ClusterClient,
    sub: &mut ClusterSubscriber<i64>,
    channels: &[(String, u16, u16)],
) {
    let names: Vec<&str> = channels.iter().map(|(c, _, _)| c.as_str()).collect();
    sub.ssubscribe(&names).await.unwrap();
    let placed = sub.shard_channels().await;
    for (c, _, owner) in channels {
        let node = placed[&Bytes::from(c.clone())].as_ref().expect("placed");
        assert_eq!(
            port(node),
            *owner,
            "{c} is subscribed on its slot's primary"
        );
    }
    let mut conns: Vec<u16> = sub.connections().await.iter().map(port).collect();
    conns.sort();
    let mut primaries: Vec<u16> = channels.iter().map(|(_, _, p)| *p).collect();
    primaries.sort();
    primaries.dedup();
    assert_eq!(conns, primaries, "one connection per primary");

    const N: i64 = 200;
    for i in 0..N {
        for c in &names {
            spublish(client, c, i).await;
        }
    }
    let mut seen: HashMap<Bytes, i64> = HashMap::new();
    for _ in 0..N * names.len() as i64 {
        let m = next(sub).await;
        let expected = seen.entry(m.channel.clone()).or_insert(0);
        assert_eq!(m.payload, *expected, "order on {:?}", m.channel);
        *expected += 1;
    }
    assert_eq!(seen.len(), names.len());
    assert!(seen.values().all(|n| *n == N));

    spublish(client, names[0], "not a number").await;
    spublish(client, names[0], N).await;
    let bad = tokio::time::timeout(Duration::from_secs(10), sub.next_message())
        .await
        .unwrap()
        .unwrap();
    assert!(bad.is_err(), "a payload that is not an i64 is an Err item");
    assert_eq!(next(sub).await.payload, N);
}

/// The slot of `channels[0]` moves to another primary: both subscribers
/// (RESP3, RESP2) are unsubscribed by the old owner and subscribe again on
/// the new one; messages published after the move arrive, in order.
async fn follows_a_migrated_slot(
    cluster: &RedisCluster,
    client: &ClusterClient,
    sub: &mut ClusterSubscriber<i64>,
    sub2: &mut ClusterSubscriber<i64>,
    channels: &[(String, u16, u16)],
    moves: &Moves,
) {
    let (channel, slot, source) = channels[0].clone();
    sub2.ssubscribe([channel.as_str()]).await.unwrap();
    assert_eq!(cluster.shard_subscribers(source, &channel), 2);
    let target = *cluster.primaries().iter().find(|p| **p != source).unwrap();
    cluster.migrate_slot(slot, target);
    eventually("both subscriptions on the new owner", || {
        cluster.shard_subscribers(target, &channel) == 2
    })
    .await;
    assert_eq!(cluster.shard_subscribers(source, &channel), 0);
    for i in 1000..1100 {
        spublish(client, &channel, i).await;
    }
    for s in [&mut *sub, &mut *sub2] {
        for i in 1000..1100 {
            let m = next(s).await;
            assert_eq!((&m.channel[..], m.payload), (channel.as_bytes(), i));
        }
        let placed = s.shard_channels().await;
        assert_eq!(port(placed[channel.as_bytes()].as_ref().unwrap()), target);
    }
    let moves = moves.lock().unwrap().clone();
    let of_channel: Vec<_> = moves.iter().filter(|m| m.0 == channel).collect();
    assert_eq!(
        of_channel.len(),
        2,
        "one ShardChannelMoved per subscriber: {moves:?}"
    );
    assert!(of_channel.iter().all(|m| (m.1, m.2) == (source, target)));

    // A slot moved behind the client's back: SSUBSCRIBE to the owner in
    // its (stale) map answers MOVED, and the subscription goes on to the
    // new owner before `ssubscribe` returns.
    let stale = "stale:{s}";
    let slot = hash_slot(stale.as_bytes());
    let old_owner = cluster.owner_of(slot);
    let new_owner = *cluster
        .primaries()
        .iter()
        .find(|p| **p != old_owner)
        .unwrap();
    cluster.migrate_slot(slot, new_owner);
    let before = client.topology();
    assert_eq!(
        port(&before.shard_for(slot).unwrap().primary),
        old_owner,
        "the client's map is stale"
    );
    sub.ssubscribe([stale]).await.unwrap();
    assert_no_idle_connection(sub).await;
    assert_eq!(cluster.shard_subscribers(new_owner, stale), 1);
    assert_eq!(cluster.shard_subscribers(old_owner, stale), 0);
    spublish(client, stale, 1500).await;
    let m = next(sub).await;
    assert_eq!((&m.channel[..], m.payload), (stale.as_bytes(), 1500));
    sub.sunsubscribe([stale]).await.unwrap();
}

/// `CLUSTER FAILOVER` on the replica of the primary owning `channels[2]`:
/// the old primary (now a replica) unsubscribes it, the subscription
/// follows to the new primary.
async fn follows_a_failover(
    cluster: &RedisCluster,
    client: &ClusterClient,
    sub: &mut ClusterSubscriber<i64>,
    channels: &[(String, u16, u16)],
    moves: &Moves,
) {
    let (channel, slot, _) = channels[2].clone();
    let primary = cluster.owner_of(slot);
    let replica = cluster.replica_of(primary);
    assert_eq!(cluster.shard_subscribers(primary, &channel), 1);
    cluster.failover(replica, slot);
    eventually("the subscription on the new primary", || {
        cluster.shard_subscribers(replica, &channel) == 1
    })
    .await;
    assert_eq!(cluster.shard_subscribers(primary, &channel), 0);
    for i in 2000..2050 {
        spublish(client, &channel, i).await;
    }
    for i in 2000..2050 {
        let m = next(sub).await;
        assert_eq!((&m.channel[..], m.payload), (channel.as_bytes(), i));
    }
    assert!(moves
        .lock()
        .unwrap()
        .iter()
        .any(|m| *m == (channel.clone(), primary, replica)));
    // Every channel of the old primary moved (same shard): its connection
    // is closed.
    eventually_async_connections_without(sub, primary).await;
    assert_no_idle_connection(sub).await;
}

/// The subscriber's connections are exactly the nodes its shard channels
/// are placed on.
async fn assert_no_idle_connection(sub: &ClusterSubscriber<i64>) {
    let mut conns: Vec<u16> = sub.connections().await.iter().map(port).collect();
    let mut used: Vec<u16> = sub
        .shard_channels()
        .await
        .values()
        .map(|n| port(n.as_ref().expect("placed")))
        .collect();
    conns.sort();
    used.sort();
    used.dedup();
    assert_eq!(conns, used, "connections vs nodes carrying channels");
}

async fn eventually_async_connections_without(sub: &ClusterSubscriber<i64>, node: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while sub.connections().await.iter().any(|a| port(a) == node) {
        assert!(
            Instant::now() < deadline,
            "the connection to {node} is still open"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `SUNSUBSCRIBE` one channel: a message published to it after does not
/// arrive (a marker published after it on another channel arrives first);
/// the server counts no subscriber. Unsubscribing every channel of a node
/// closes its connection.
async fn sunsubscribe_stops_messages(
    cluster: &RedisCluster,
    client: &ClusterClient,
    sub: &mut ClusterSubscriber<i64>,
    channels: &[(String, u16, u16)],
) {
    let gone = channels[1].0.clone();
    let marker = channels[4].0.clone();
    sub.sunsubscribe([gone.as_str()]).await.unwrap();
    let owner = cluster.owner_of(channels[1].1);
    assert_eq!(cluster.shard_subscribers(owner, &gone), 0);
    assert!(!sub.shard_channels().await.contains_key(gone.as_bytes()));
    spublish(client, &gone, 1).await;
    spublish(client, &marker, 3000).await;
    let m = next(sub).await;
    assert_eq!((&m.channel[..], m.payload), (marker.as_bytes(), 3000));

    // Every channel left on the marker's node: its connection closes.
    let node = cluster.owner_of(channels[4].1);
    let on_node: Vec<Bytes> = sub
        .shard_channels()
        .await
        .into_iter()
        .filter(|(_, n)| n.as_ref().is_some_and(|n| port(n) == node))
        .map(|(c, _)| c)
        .collect();
    assert!(!on_node.is_empty());
    sub.sunsubscribe(on_node).await.unwrap();
    assert!(!sub.connections().await.iter().any(|a| port(a) == node));
}

/// `SUBSCRIBE`/`PSUBSCRIBE` in a cluster: one connection; `PUBLISH` on
/// any node reaches it (classic messages are broadcast).
async fn classic_channels_and_patterns(cluster: &RedisCluster, client: &ClusterClient) {
    let mut sub = client.subscriber::<String>();
    sub.subscribe(["plain"]).await.unwrap();
    sub.psubscribe(["news.*"]).await.unwrap();
    let conns = sub.connections().await;
    assert_eq!(conns.len(), 1, "{conns:?}");
    let node = port(&conns[0]);
    assert_eq!(cluster.pattern_subscriptions(node), 1);
    // Published on every primary, the subscriber's and the others.
    for p in cluster.primaries() {
        let c = client.node(&ServerAddr::tcp("127.0.0.1", p)).await.unwrap();
        c.send(Publish::new("news.eu", format!("from {p}")))
            .await
            .unwrap();
        c.send(Publish::new("plain", format!("plain {p}")))
            .await
            .unwrap();
        let m = next(&mut sub).await;
        assert_eq!(m.pattern.as_deref(), Some(&b"news.*"[..]));
        assert_eq!(
            (&m.channel[..], m.payload.as_str()),
            (&b"news.eu"[..], &*format!("from {p}"))
        );
        let m = next(&mut sub).await;
        assert_eq!(m.pattern, None);
        assert_eq!(m.payload, format!("plain {p}"));
    }
    sub.punsubscribe(Vec::<String>::new()).await.unwrap();
    sub.unsubscribe(Vec::<String>::new()).await.unwrap();
    assert!(sub.connections().await.is_empty(), "nothing left: closed");
    assert_eq!(cluster.pattern_subscriptions(node), 0);
}

/// The primary owning a followed channel is killed: its connection does not
/// come back; once a replica took over, the channel is subscribed there.
async fn follows_a_killed_primary(
    cluster: &mut RedisCluster,
    client: &ClusterClient,
    sub: &mut ClusterSubscriber<i64>,
) {
    let channel = "killed:{k}";
    let slot = hash_slot(channel.as_bytes());
    sub.ssubscribe([channel]).await.unwrap();
    let primary = cluster.owner_of(slot);
    assert_eq!(cluster.shard_subscribers(primary, channel), 1);
    let killed_at = Instant::now();
    cluster.node_mut(primary).kill();
    let cluster = &*cluster;
    eventually("a replica took the slot over", || {
        cluster
            .try_owner_of(slot)
            .is_some_and(|owner| owner != primary)
    })
    .await;
    let owner = cluster.owner_of(slot);
    eventually("the subscription on the promoted replica", || {
        cluster.shard_subscribers(owner, channel) == 1
    })
    .await;
    println!(
        "killed primary: subscription moved {:?} after the kill",
        killed_at.elapsed()
    );
    spublish(client, channel, 4000).await;
    let m = next(sub).await;
    assert_eq!((&m.channel[..], m.payload), (channel.as_bytes(), 4000));
    eventually_async_connections_without(sub, primary).await;
    assert_no_idle_connection(sub).await;
}

/// A cluster client with a streaming credential provider: its subscriber's
/// connection on every primary re-authenticates in band (RESP3) when the
/// credentials rotate, and messages keep flowing.
async fn rotated_credentials_reach_every_node(cluster: &RedisCluster) {
    use redis_typed::auth::{Credentials, StreamingCredentials};
    use redis_typed::events::ConnectionKind;
    use redis_typed::transport::DefaultTransport;

    let running: Vec<u16> = cluster.nodes().iter().map(|n| n.port()).collect();
    let set_password = |pass: &str| {
        for p in &running {
            let pass = format!(">{pass}");
            cluster.node(*p).cli(&[
                "ACL",
                "SETUSER",
                "rot",
                "on",
                "resetpass",
                &pass,
                "~*",
                "&*",
                "+@all",
            ]);
        }
    };
    set_password("pw1");
    let (sender, provider) = StreamingCredentials::channel();
    sender.publish(Credentials::new("rot", "pw1"));
    let reauths: Arc<Mutex<Vec<u16>>> = Default::default();
    let sink = reauths.clone();
    let events = EventDispatcher::new();
    events.add_listener(move |e: &Event<'_>| {
        if let Event::ReauthSucceeded { connection, .. } = e {
            if connection.kind == ConnectionKind::PubSub {
                sink.lock().unwrap().push(port(connection.addr));
            }
        }
    });
    let mut config = ClusterConfig::from_urls(&cluster.urls()).unwrap();
    config.connection = config
        .connection
        .credentials(None)
        .events(events)
        .protocol(Protocol::Resp3);
    let client = ClusterClient::connect_with(config, DefaultTransport, provider)
        .await
        .unwrap();
    let mut sub = client.subscriber::<i64>();
    let channels = channels_per_primary(cluster, "rotation");
    let names: Vec<&str> = channels.iter().map(|(c, _, _)| c.as_str()).collect();
    sub.ssubscribe(&names).await.unwrap();
    let mut nodes: Vec<u16> = sub.connections().await.iter().map(port).collect();
    nodes.sort();
    assert_eq!(nodes.len(), 3);

    set_password("pw2");
    sender.publish(Credentials::new("rot", "pw2"));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut seen = reauths.lock().unwrap().clone();
        seen.sort();
        seen.dedup();
        if seen == nodes {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "re-authenticated: {seen:?} of {nodes:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for c in &names {
        spublish(&client, c, 7).await;
    }
    for _ in &names {
        assert_eq!(next(&mut sub).await.payload, 7);
    }
}
