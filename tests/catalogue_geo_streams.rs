//! The generated geo and stream commands against a real server: each is
//! sent at least once on RESP3 and its reply decodes into the type the
//! command names; replies with structure are checked on RESP2 too.

#[path = "catalogue/mod.rs"]
mod catalogue;
mod support;

use redis_typed::commands::*;
use redis_typed::{Client, ConnectionConfig, Protocol};

use catalogue::Run;
use support::RedisServer;

async fn client(server: &RedisServer, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .protocol(protocol);
    Client::connect(config).await.unwrap()
}

#[tokio::test]
async fn geo_and_streams() {
    let server = RedisServer::start();
    let run = Run::new();
    let c = client(&server, Protocol::Resp3).await;
    let c2 = client(&server, Protocol::Resp2).await;

    // --------------------------------------------------------------- geo
    let sicily = [
        (13.361389, 38.115556, "Palermo"),
        (15.087269, 37.502669, "Catania"),
    ];
    assert_eq!(run.ok(&c, GeoAdd::new("geo", sicily)).await, 2);
    assert_eq!(
        run.ok(&c, GeoAdd::new("geo", [(13.5, 38.0, "Palermo")]).nx())
            .await,
        0
    );
    assert_eq!(
        run.ok(&c, GeoAdd::new("geo", [(13.4, 38.2, "Palermo")]).xx().ch())
            .await,
        1
    );
    assert_eq!(
        run.ok(
            &c,
            GeoAdd::new("geo", [(13.361389, 38.115556, "Palermo")]).xx()
        )
        .await,
        0
    );
    let km = run
        .ok(
            &c,
            GeoDist::new("geo", "Palermo", "Catania").unit(GeoUnit::Kilometers),
        )
        .await;
    assert!((166.0..167.0).contains(&km.unwrap()), "{km:?}");
    let m = run
        .ok(&c, GeoDist::new("geo", "Palermo", "Catania"))
        .await
        .unwrap();
    assert!((166_000.0..167_000.0).contains(&m), "{m}");
    assert_eq!(
        run.ok(&c, GeoDist::new("geo", "Palermo", "Atlantis")).await,
        None
    );
    let hashes = run
        .ok(&c, GeoHash::new("geo").members(["Palermo", "Atlantis"]))
        .await;
    assert_eq!(hashes, [Some("sqc8b49rny0".to_owned()), None]);
    assert!(run.ok(&c, GeoHash::new("geo")).await.is_empty());
    let stored = run
        .ok(
            &c,
            GeoSearchStore::new(
                "near",
                "geo",
                GeoFrom::lon_lat(15.0, 37.0),
                GeoShape::radius(200.0, GeoUnit::Kilometers),
            )
            .asc()
            .count(1, false),
        )
        .await;
    assert_eq!(stored, 1);
    let stored = run
        .ok(
            &c,
            GeoSearchStore::new(
                "near",
                "geo",
                GeoFrom::member("Palermo"),
                GeoShape::rect(400.0, 400.0, GeoUnit::Kilometers),
            )
            .desc()
            .store_dist(),
        )
        .await;
    assert_eq!(stored, 2);
    let dist = c
        .send(ZScore::new("near", "Palermo"))
        .await
        .unwrap()
        .unwrap();
    assert!(dist < 1.0, "STOREDIST stores distances: {dist}");
    let km2 = c2
        .send(GeoDist::new("geo", "Palermo", "Catania").unit(GeoUnit::Kilometers))
        .await
        .unwrap();
    assert_eq!(km, km2);
    let hashes2 = c2
        .send(GeoHash::new("geo").members(["Catania", "x"]))
        .await
        .unwrap();
    assert_eq!(hashes2.len(), 2);
    assert_eq!(hashes2[1], None);

    // ------------------------------------------------------------ stream
    let id = run
        .ok(&c, XAdd::new("st", [("f", "v1")]))
        .await
        .expect("an id");
    assert!(id.contains('-'), "{id}");
    let explicit = run
        .ok(
            &c,
            XAdd::with_id("st", "9999999999999-0", [("f", "v2"), ("g", "w")]),
        )
        .await;
    assert_eq!(explicit.as_deref(), Some("9999999999999-0"));
    let none = run
        .ok(&c, XAdd::new("missing", [("f", 1)]).no_mk_stream())
        .await;
    assert_eq!(none, None);
    let trimmed = run
        .ok(
            &c,
            XAdd::new("st", [("f", "v3")]).trim(
                StreamTrimStrategy::MaxLen,
                Some(StreamTrimOperator::Equal),
                "2",
                None,
            ),
        )
        .await;
    assert!(trimmed.is_some());
    assert_eq!(run.ok(&c, XLen::new("st")).await, 2);
    for i in 0..10 {
        c.send(XAdd::new("big", [("i", i)])).await.unwrap();
    }
    assert_eq!(run.ok(&c, XTrim::max_len("big", "8")).await, 2);
    assert_eq!(
        run.ok(
            &c,
            XTrim::max_len("big", "5")
                .operator(StreamTrimOperator::Approximately)
                .limit(100)
        )
        .await,
        0
    );
    assert_eq!(
        run.ok(
            &c,
            XTrim::min_id("big", "0-1").operator(StreamTrimOperator::Equal)
        )
        .await,
        0
    );

    run.ok(&c, XGroupCreate::new("st", "g1", "0")).await;
    run.ok(
        &c,
        XGroupCreate::latest("new-stream", "g2")
            .mk_stream()
            .entries_read(0),
    )
    .await;
    run.err(&c, XGroupCreate::latest("st", "g1"), "BUSYGROUP")
        .await;
    assert!(
        run.ok(&c, XGroupCreateConsumer::new("st", "g1", "alice"))
            .await
    );
    assert!(
        !run.ok(&c, XGroupCreateConsumer::new("st", "g1", "alice"))
            .await
    );
    run.ok(&c, XGroupSetId::new("st", "g1", "0").entries_read(0))
        .await;
    run.ok(&c, XGroupSetId::latest("st", "g1")).await;
    run.ok(&c, XGroupSetId::new("st", "g1", "0")).await;
    // Deliver one entry to bob, then acknowledge it.
    let read: redis_typed::Value = c
        .send(
            redis_typed::Cmd::new("XREADGROUP")
                .arg("GROUP")
                .arg("g1")
                .arg("bob")
                .arg("COUNT")
                .arg("1")
                .arg("STREAMS")
                .arg("st")
                .arg(">"),
        )
        .await
        .unwrap();
    assert!(!read.is_nil());
    let pending_id = c
        .send(
            redis_typed::Cmd::<Vec<(String, Vec<String>)>>::new("XRANGE")
                .arg("st")
                .arg("-")
                .arg("+")
                .arg("COUNT")
                .arg("1"),
        )
        .await
        .unwrap()
        .remove(0)
        .0;
    assert_eq!(
        run.ok(&c, XAck::new("st", "g1", [pending_id.as_str(), "1-1"]))
            .await,
        1
    );
    assert_eq!(
        run.ok(&c, XGroupDelConsumer::new("st", "g1", "bob")).await,
        0
    );
    assert!(run.ok(&c, XGroupDestroy::new("st", "g1")).await);
    assert!(!run.ok(&c, XGroupDestroy::new("st", "g1")).await);
    assert_eq!(
        run.ok(&c, XDel::new("st", [pending_id.as_str(), "1-1"]))
            .await,
        1
    );
    run.ok(&c, XSetId::new("st", "99999999999999-0")).await;
    run.ok(
        &c,
        XSetId::new("st", "99999999999999-1")
            .entries_added(100)
            .max_deleted_id("0-0"),
    )
    .await;
    run.err(&c, XSetId::new("st", "1-0"), "smaller").await;
    let help = run.ok(&c, XGroupHelp::new()).await;
    assert!(
        help.iter().any(|l| l.contains("CREATECONSUMER")),
        "{help:?}"
    );
    let help = run.ok(&c, XInfoHelp::new()).await;
    assert!(help.iter().any(|l| l.contains("STREAM")), "{help:?}");

    // RESP2: the same shapes.
    let id2 = c2
        .send(XAdd::new("st", [("f", "v")]))
        .await
        .unwrap()
        .unwrap();
    assert!(id2.starts_with("99999999999999-"), "{id2}");
    assert_eq!(
        c2.send(XAdd::new("missing", [("f", 1)]).no_mk_stream())
            .await
            .unwrap(),
        None
    );

    run.assert_covers(&["geo", "stream"]);
}
