//! The hand-written data commands whose options change the reply's shape,
//! against a real server: every command on RESP3, the structured replies
//! on RESP2 too, asserting the values the server really returns.

mod support;

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use redis_typed::commands::*;
use redis_typed::{Client, Cmd, ConnectionConfig, Protocol, Value};
use support::RedisServer;

const BOTH: [Protocol; 2] = [Protocol::Resp3, Protocol::Resp2];

async fn client(server: &RedisServer, protocol: Protocol) -> Client {
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .protocol(protocol)
        .response_timeout(Some(Duration::from_secs(10)));
    Client::connect(config).await.unwrap()
}

/// Sends a raw command (data set-up with commands typed elsewhere).
async fn run(client: &Client, args: &[&str]) -> Value {
    let mut cmd = Cmd::<Value>::new(args[0]);
    for arg in &args[1..] {
        cmd = cmd.arg(*arg);
    }
    client.send(cmd).await.unwrap()
}

/// A key unique to the protocol under test.
fn key(protocol: Protocol, name: &str) -> String {
    format!("{protocol:?}:{name}")
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

// ------------------------------------------------------------------ sets

#[tokio::test]
async fn spop_srandmember_sscan() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let s = key(protocol, "set");
        run(&c, &["SADD", &s, "a", "b", "c"]).await;

        let one: Option<String> = c.send(SRandMember::new(s.as_str())).await.unwrap();
        assert!(["a", "b", "c"].contains(&one.unwrap().as_str()));
        let all: Vec<String> = c
            .send(SRandMember::new(s.as_str()).count(10))
            .await
            .unwrap();
        assert_eq!(sorted(all), ["a", "b", "c"]);
        let repeated: Vec<String> = c
            .send(SRandMember::new(s.as_str()).count(-5))
            .await
            .unwrap();
        assert_eq!(repeated.len(), 5);
        let none: Option<String> = c.send(SRandMember::new("missing")).await.unwrap();
        assert_eq!(none, None);
        let empty: Vec<String> = c.send(SRandMember::new("missing").count(3)).await.unwrap();
        assert!(empty.is_empty());

        let mut seen = Vec::new();
        let mut cursor = 0;
        loop {
            let page = c
                .send(SScan::<_, String>::new(s.as_str(), cursor).count(1))
                .await
                .unwrap();
            seen.extend(page.items);
            cursor = page.cursor;
            if cursor == 0 {
                break;
            }
        }
        seen.dedup();
        assert_eq!(sorted(seen), ["a", "b", "c"]);
        let page = c
            .send(SScan::<_, String>::new(s.as_str(), 0).pattern("b*"))
            .await
            .unwrap();
        assert_eq!(page.items, ["b"]);

        let popped: Option<String> = c.send(SPop::new(s.as_str())).await.unwrap();
        let rest: Vec<String> = c.send(SPop::new(s.as_str()).count(5)).await.unwrap();
        let mut all = rest;
        all.push(popped.unwrap());
        assert_eq!(sorted(all), ["a", "b", "c"]);
        let none: Option<String> = c.send(SPop::new(s.as_str())).await.unwrap();
        assert_eq!(none, None);
        let empty: Vec<Bytes> = c.send(SPop::new(s.as_str()).count(2)).await.unwrap();
        assert!(empty.is_empty());
    }
}

// ----------------------------------------------------------------- lists

#[tokio::test]
async fn lpop_rpop_lpos() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let l = key(protocol, "list");
        run(&c, &["RPUSH", &l, "a", "b", "c", "b", "d", "b"]).await;

        let first: Option<i64> = c.send(LPos::new(l.as_str(), "b")).await.unwrap();
        assert_eq!(first, Some(1));
        let second = c.send(LPos::new(l.as_str(), "b").rank(2)).await.unwrap();
        assert_eq!(second, Some(3));
        let all: Vec<i64> = c.send(LPos::new(l.as_str(), "b").count(0)).await.unwrap();
        assert_eq!(all, [1, 3, 5]);
        let from_tail = c
            .send(LPos::new(l.as_str(), "b").rank(-1).count(2))
            .await
            .unwrap();
        assert_eq!(from_tail, [5, 3]);
        let bounded = c
            .send(LPos::new(l.as_str(), "b").count(0).max_len(3))
            .await
            .unwrap();
        assert_eq!(bounded, [1]);
        assert_eq!(c.send(LPos::new(l.as_str(), "zz")).await.unwrap(), None);
        assert!(c
            .send(LPos::new(l.as_str(), "zz").count(1))
            .await
            .unwrap()
            .is_empty());

        let head: Option<String> = c.send(LPop::new(l.as_str())).await.unwrap();
        assert_eq!(head.as_deref(), Some("a"));
        let tail: Option<String> = c.send(RPop::new(l.as_str())).await.unwrap();
        assert_eq!(tail.as_deref(), Some("b"));
        let two: Vec<String> = c.send(LPop::new(l.as_str()).count(2)).await.unwrap();
        assert_eq!(two, ["b", "c"]);
        let rest: Vec<String> = c.send(RPop::new(l.as_str()).count(5)).await.unwrap();
        assert_eq!(rest, ["d", "b"]);
        let none: Option<String> = c.send(LPop::new(l.as_str())).await.unwrap();
        assert_eq!(none, None);
        // COUNT on a missing key: the server's nil reads as empty.
        let empty: Vec<String> = c.send(RPop::new(l.as_str()).count(2)).await.unwrap();
        assert!(empty.is_empty());
    }
}

#[tokio::test]
async fn lmpop_and_blmpop() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let (a, b) = (key(protocol, "la"), key(protocol, "lb"));
        run(&c, &["RPUSH", &b, "1", "2", "3"]).await;

        let got: Option<(Bytes, Vec<i64>)> = c
            .send(LMPop::left([a.as_str(), b.as_str()]).count(2))
            .await
            .unwrap();
        let (from, items) = got.unwrap();
        assert_eq!(from, b.as_str());
        assert_eq!(items, [1, 2]);
        let got: Option<(Bytes, Vec<i64>)> = c
            .send(LMPop::right([a.as_str(), b.as_str()]))
            .await
            .unwrap();
        assert_eq!(got.unwrap().1, [3]);
        let none: Option<(Bytes, Vec<i64>)> =
            c.send(LMPop::left([a.as_str(), b.as_str()])).await.unwrap();
        assert_eq!(none, None);

        let mut conn = c.dedicated().await.unwrap();
        // Nothing to pop: times out.
        let timed_out: Option<(Bytes, Vec<String>)> =
            conn.send(BLMPop::left([a.as_str()], 0.05)).await.unwrap();
        assert_eq!(timed_out, None);
        // An element pushed while (or before) it blocks wakes it up.
        let waiter = {
            let a = a.clone();
            tokio::spawn(async move {
                conn.send(BLMPop::<_, String>::right([a.as_str()], 5.0).count(5))
                    .await
                    .unwrap()
            })
        };
        run(&c, &["RPUSH", &a, "x", "y"]).await;
        let (from, items) = waiter.await.unwrap().unwrap();
        assert_eq!(from, a.as_str());
        assert_eq!(items, ["y", "x"]);
    }
}

// ----------------------------------------------------------- sorted sets

#[tokio::test]
async fn zpopmin_zpopmax_and_blocking_variants() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let z = key(protocol, "z");
        run(&c, &["ZADD", &z, "1", "a", "2", "b", "3", "c", "4", "d"]).await;

        let low: ZPopped<String> = c.send(ZPopMin::new(z.as_str())).await.unwrap();
        assert_eq!(low.into_option(), Some(("a".to_string(), 1.0)));
        let high: Vec<(String, f64)> = c.send(ZPopMax::new(z.as_str()).count(2)).await.unwrap();
        assert_eq!(high, [("d".to_string(), 4.0), ("c".to_string(), 3.0)]);
        let last: Vec<(String, f64)> = c.send(ZPopMin::new(z.as_str()).count(1)).await.unwrap();
        assert_eq!(last, [("b".to_string(), 2.0)]);
        let none: ZPopped<String> = c.send(ZPopMax::new(z.as_str())).await.unwrap();
        assert_eq!(none.into_option(), None);
        let empty: Vec<(String, f64)> = c.send(ZPopMax::new(z.as_str()).count(3)).await.unwrap();
        assert!(empty.is_empty());

        let (z1, z2) = (key(protocol, "bz1"), key(protocol, "bz2"));
        run(&c, &["ZADD", &z2, "5", "m", "6", "n"]).await;
        let mut conn = c.dedicated().await.unwrap();
        let got: Option<(Bytes, String, f64)> = conn
            .send(BZPopMin::new([z1.as_str(), z2.as_str()], 1.0))
            .await
            .unwrap();
        assert_eq!(got, Some((Bytes::from(z2.clone()), "m".to_string(), 5.0)));
        let got: Option<(Bytes, String, f64)> = conn
            .send(BZPopMax::new([z1.as_str(), z2.as_str()], 1.0))
            .await
            .unwrap();
        assert_eq!(got.unwrap().1, "n");
        let timed_out: Option<(Bytes, String, f64)> =
            conn.send(BZPopMax::new([z1.as_str()], 0.05)).await.unwrap();
        assert_eq!(timed_out, None);
        let waiter = {
            let z1 = z1.clone();
            tokio::spawn(async move {
                conn.send(BZPopMin::<_, String>::new([z1.as_str()], 5.0))
                    .await
                    .unwrap()
            })
        };
        run(&c, &["ZADD", &z1, "7", "w"]).await;
        let (from, member, score) = waiter.await.unwrap().unwrap();
        assert_eq!((from, member.as_str(), score), (Bytes::from(z1), "w", 7.0));
    }
}

#[tokio::test]
async fn zmpop_and_bzmpop() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let (a, b) = (key(protocol, "za"), key(protocol, "zb"));
        run(&c, &["ZADD", &b, "1", "x", "2", "y", "3", "z"]).await;

        let got: Option<(Bytes, Vec<(String, f64)>)> = c
            .send(ZMPop::min([a.as_str(), b.as_str()]).count(2))
            .await
            .unwrap();
        let (from, members) = got.unwrap();
        assert_eq!(from, b.as_str());
        assert_eq!(members, [("x".to_string(), 1.0), ("y".to_string(), 2.0)]);
        let got: Option<(Bytes, Vec<(String, f64)>)> =
            c.send(ZMPop::max([b.as_str()])).await.unwrap();
        assert_eq!(got.unwrap().1, [("z".to_string(), 3.0)]);
        let none: Option<(Bytes, Vec<(String, f64)>)> =
            c.send(ZMPop::max([a.as_str(), b.as_str()])).await.unwrap();
        assert_eq!(none, None);

        let mut conn = c.dedicated().await.unwrap();
        let timed_out: Option<(Bytes, Vec<(String, f64)>)> =
            conn.send(BZMPop::min([a.as_str()], 0.05)).await.unwrap();
        assert_eq!(timed_out, None);
        let waiter = {
            let a = a.clone();
            tokio::spawn(async move {
                conn.send(BZMPop::<_, String>::max([a.as_str()], 5.0).count(10))
                    .await
                    .unwrap()
            })
        };
        run(&c, &["ZADD", &a, "1.5", "p", "2.5", "q"]).await;
        let (from, members) = waiter.await.unwrap().unwrap();
        assert_eq!(from, a.as_str());
        assert_eq!(members, [("q".to_string(), 2.5), ("p".to_string(), 1.5)]);
    }
}

#[tokio::test]
async fn zrandmember_and_zscan() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let z = key(protocol, "zr");
        run(&c, &["ZADD", &z, "1", "a", "2.5", "b"]).await;

        let one: Option<String> = c.send(ZRandMember::new(z.as_str())).await.unwrap();
        assert!(matches!(one.as_deref(), Some("a" | "b")));
        let both: Vec<String> = c.send(ZRandMember::new(z.as_str()).count(5)).await.unwrap();
        assert_eq!(sorted(both), ["a", "b"]);
        let scored: Vec<(String, f64)> = c
            .send(ZRandMember::new(z.as_str()).count(2).with_scores())
            .await
            .unwrap();
        let scored: HashMap<String, f64> = scored.into_iter().collect();
        assert_eq!(scored["a"], 1.0);
        assert_eq!(scored["b"], 2.5);
        let none: Option<String> = c.send(ZRandMember::new("missing")).await.unwrap();
        assert_eq!(none, None);

        let page = c
            .send(ZScan::<_, String>::new(z.as_str(), 0))
            .await
            .unwrap();
        assert!(page.is_last());
        assert_eq!(
            sorted(
                page.items
                    .into_iter()
                    .map(|(m, s)| (m, s.to_string()))
                    .collect()
            ),
            [
                ("a".to_string(), "1".to_string()),
                ("b".into(), "2.5".into())
            ]
        );
    }
}

#[tokio::test]
#[allow(deprecated)]
async fn deprecated_range_commands() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let z = key(protocol, "zl");
        run(&c, &["ZADD", &z, "1", "a", "2", "b", "3", "c", "4", "d"]).await;

        let names: Vec<String> = c
            .send(ZRangeByScore::new(
                z.as_str(),
                ScoreBound::Exclusive(1.0),
                3.0,
            ))
            .await
            .unwrap();
        assert_eq!(names, ["b", "c"]);
        let scored: Vec<(String, f64)> = c
            .send(
                ZRangeByScore::new(z.as_str(), ScoreBound::MIN, ScoreBound::MAX)
                    .limit(1, 2)
                    .with_scores(),
            )
            .await
            .unwrap();
        assert_eq!(scored, [("b".to_string(), 2.0), ("c".to_string(), 3.0)]);
        let rev: Vec<(String, f64)> = c
            .send(ZRevRangeByScore::new(z.as_str(), 4.0, 3.0).with_scores())
            .await
            .unwrap();
        assert_eq!(rev, [("d".to_string(), 4.0), ("c".to_string(), 3.0)]);
        let rev: Vec<String> = c.send(ZRevRange::new(z.as_str(), 0, 1)).await.unwrap();
        assert_eq!(rev, ["d", "c"]);
        let rev: Vec<(String, f64)> = c
            .send(ZRevRange::new(z.as_str(), -1, -1).with_scores())
            .await
            .unwrap();
        assert_eq!(rev, [("a".to_string(), 1.0)]);

        let lex = key(protocol, "lex");
        run(&c, &["ZADD", &lex, "0", "a", "0", "b", "0", "c", "0", "d"]).await;
        let range: Vec<String> = c
            .send(ZRangeByLex::new(
                lex.as_str(),
                LexBound::exclusive("a"),
                LexBound::inclusive("c"),
            ))
            .await
            .unwrap();
        assert_eq!(range, ["b", "c"]);
        let range: Vec<String> = c
            .send(ZRevRangeByLex::new(lex.as_str(), LexBound::MAX, LexBound::MIN).limit(0, 2))
            .await
            .unwrap();
        assert_eq!(range, ["d", "c"]);
    }
}

#[tokio::test]
async fn zunion_zinter_zdiff() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let (a, b) = (key(protocol, "{u}a"), key(protocol, "{u}b"));
        run(&c, &["ZADD", &a, "1", "x", "2", "y"]).await;
        run(&c, &["ZADD", &b, "10", "y", "20", "z"]).await;
        let keys = [a.as_str(), b.as_str()];

        let union: Vec<String> = c.send(ZUnion::new(keys)).await.unwrap();
        assert_eq!(union, ["x", "y", "z"]);
        let union: Vec<(String, f64)> = c
            .send(ZUnion::new(keys).weights([2.0, 0.5]).with_scores())
            .await
            .unwrap();
        assert_eq!(
            union,
            [
                ("x".to_string(), 2.0),
                ("y".into(), 9.0),
                ("z".into(), 10.0)
            ]
        );
        let inter: Vec<(String, f64)> = c
            .send(ZInter::new(keys).aggregate(Aggregate::Max).with_scores())
            .await
            .unwrap();
        assert_eq!(inter, [("y".to_string(), 10.0)]);
        let inter: Vec<String> = c.send(ZInter::new(keys)).await.unwrap();
        assert_eq!(inter, ["y"]);
        let diff: Vec<String> = c.send(ZDiff::new(keys)).await.unwrap();
        assert_eq!(diff, ["x"]);
        let diff: Vec<(String, f64)> = c
            .send(ZDiff::new([b.as_str(), a.as_str()]).with_scores())
            .await
            .unwrap();
        assert_eq!(diff, [("z".to_string(), 20.0)]);
    }
}

// ---------------------------------------------------------------- hashes

#[tokio::test]
async fn hrandfield_and_hscan() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let h = key(protocol, "h");
        run(&c, &["HSET", &h, "f1", "1", "f2", "2", "f3", "3"]).await;

        let one: Option<String> = c.send(HRandField::new(h.as_str())).await.unwrap();
        assert!(one.unwrap().starts_with('f'));
        let fields: Vec<String> = c.send(HRandField::new(h.as_str()).count(3)).await.unwrap();
        assert_eq!(sorted(fields), ["f1", "f2", "f3"]);
        let pairs: Vec<(String, i64)> = c
            .send(HRandField::new(h.as_str()).count(10).with_values())
            .await
            .unwrap();
        assert_eq!(
            sorted(pairs),
            [("f1".to_string(), 1), ("f2".into(), 2), ("f3".into(), 3)]
        );
        let none: Option<String> = c.send(HRandField::new("missing")).await.unwrap();
        assert_eq!(none, None);

        let page = c
            .send(HScan::<_, String, i64>::new(h.as_str(), 0).pattern("f[12]"))
            .await
            .unwrap();
        assert!(page.is_last());
        assert_eq!(
            sorted(page.items),
            [("f1".to_string(), 1), ("f2".into(), 2)]
        );
    }
}

// --------------------------------------------------------- strings / keys

#[tokio::test]
async fn lcs_three_shapes() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let (a, b) = (key(protocol, "{lcs}a"), key(protocol, "{lcs}b"));
        run(&c, &["MSET", &a, "ohmytext", &b, "mynewtext"]).await;

        let common: String = c.send(Lcs::new(a.as_str(), b.as_str())).await.unwrap();
        assert_eq!(common, "mytext");
        let len = c
            .send(Lcs::<_>::new(a.as_str(), b.as_str()).len())
            .await
            .unwrap();
        assert_eq!(len, 6);
        let idx = c
            .send(Lcs::<_>::new(a.as_str(), b.as_str()).idx())
            .await
            .unwrap();
        assert_eq!(idx.len, 6);
        assert_eq!(idx.matches.len(), 2);
        assert_eq!(
            (idx.matches[0].first, idx.matches[0].second),
            ((4, 7), (5, 8))
        );
        assert_eq!(idx.matches[0].len, None);
        let idx = c
            .send(
                Lcs::<_>::new(a.as_str(), b.as_str())
                    .idx()
                    .min_match_len(4)
                    .with_match_len(),
            )
            .await
            .unwrap();
        assert_eq!(idx.matches.len(), 1);
        assert_eq!(idx.matches[0].len, Some(4));
    }
}

#[tokio::test]
async fn scan_keys_with_type_and_pattern() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        run(&c, &["FLUSHDB"]).await;
        run(&c, &["MSET", "user:1", "a", "user:2", "b", "other", "c"]).await;
        run(&c, &["SADD", "user:set", "x"]).await;

        let mut keys = Vec::new();
        let mut cursor = 0;
        loop {
            let page = c
                .send(
                    Scan::<String>::new(cursor)
                        .pattern("user:*")
                        .count(2)
                        .of_type("string"),
                )
                .await
                .unwrap();
            let last = page.is_last();
            keys.extend(page.items);
            if last {
                break;
            }
            cursor = page.cursor;
        }
        keys.sort();
        keys.dedup();
        assert_eq!(keys, ["user:1", "user:2"]);
        let page: ScanPage<Bytes> = c.send(Scan::new(0).count(100)).await.unwrap();
        assert_eq!(page.items.len(), 4);
    }
}

// ------------------------------------------------------------------- geo

#[tokio::test]
#[allow(deprecated)]
async fn geo_search_radius_and_pos() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let g = key(protocol, "{geo}sicily");
        let dest = key(protocol, "{geo}dest");
        run(
            &c,
            &[
                "GEOADD",
                &g,
                "13.361389",
                "38.115556",
                "Palermo",
                "15.087269",
                "37.502669",
                "Catania",
            ],
        )
        .await;

        let positions = c
            .send(GeoPos::new(g.as_str(), ["Palermo", "Nowhere"]))
            .await
            .unwrap();
        let palermo = positions[0].unwrap();
        assert!((palermo.longitude - 13.361389).abs() < 1e-5);
        assert!((palermo.latitude - 38.115556).abs() < 1e-5);
        assert_eq!(positions[1], None);

        let from_point = GeoFrom::lon_lat(15.0, 37.0);
        let names: Vec<String> = c
            .send(
                GeoSearch::new(
                    g.as_str(),
                    from_point.clone(),
                    GeoShape::radius(200.0, GeoUnit::Kilometers),
                )
                .asc(),
            )
            .await
            .unwrap();
        assert_eq!(names, ["Catania", "Palermo"]);
        let matches: Vec<GeoMatch<String>> = c
            .send(
                GeoSearch::new(
                    g.as_str(),
                    from_point,
                    GeoShape::radius(200.0, GeoUnit::Kilometers),
                )
                .asc()
                .count(1)
                .with_dist()
                .with_coord()
                .with_hash(),
            )
            .await
            .unwrap();
        assert_eq!(matches.len(), 1);
        let catania = &matches[0];
        assert_eq!(catania.name, "Catania");
        assert!(
            (catania.dist.unwrap() - 56.4413).abs() < 1e-3,
            "{catania:?}"
        );
        assert_eq!(catania.hash, Some(3479447370796909));
        assert!((catania.coord.unwrap().longitude - 15.087269).abs() < 1e-5);
        let by_box: Vec<GeoMatch<String>> = c
            .send(
                GeoSearch::new(
                    g.as_str(),
                    GeoFrom::member("Palermo"),
                    GeoShape::rect(400.0, 400.0, GeoUnit::Kilometers),
                )
                .desc()
                .with_dist(),
            )
            .await
            .unwrap();
        assert_eq!(by_box[0].name, "Catania");
        assert!((by_box[0].dist.unwrap() - 166.2742).abs() < 1e-3);
        assert_eq!(
            (by_box[1].name.as_str(), by_box[1].dist),
            ("Palermo", Some(0.0))
        );
        assert_eq!(by_box[1].coord, None);

        let names: Vec<String> = c
            .send(GeoRadius::new(
                g.as_str(),
                15.0,
                37.0,
                100.0,
                GeoUnit::Kilometers,
            ))
            .await
            .unwrap();
        assert_eq!(names, ["Catania"]);
        let with: Vec<GeoMatch<String>> = c
            .send(
                GeoRadiusRo::new(g.as_str(), 15.0, 37.0, 200.0, GeoUnit::Kilometers)
                    .desc()
                    .with_dist(),
            )
            .await
            .unwrap();
        assert_eq!(with[0].name, "Palermo");
        assert!((with[0].dist.unwrap() - 190.4424).abs() < 1e-3);
        let stored = c
            .send(
                GeoRadius::<_>::new(g.as_str(), 15.0, 37.0, 200.0, GeoUnit::Kilometers)
                    .store(dest.as_str()),
            )
            .await
            .unwrap();
        assert_eq!(stored, 2);
        let stored = c
            .send(
                GeoRadiusByMember::<_>::new(g.as_str(), "Palermo", 100.0, GeoUnit::Kilometers)
                    .store_dist(dest.as_str()),
            )
            .await
            .unwrap();
        assert_eq!(stored, 1);
        let near: Vec<String> = c
            .send(GeoRadiusByMember::new(g.as_str(), "Palermo", 200.0, GeoUnit::Kilometers).asc())
            .await
            .unwrap();
        assert_eq!(near, ["Palermo", "Catania"]);
        let near: Vec<GeoMatch<String>> = c
            .send(GeoRadiusByMemberRo::new(g.as_str(), "Catania", 1.0, GeoUnit::Miles).with_coord())
            .await
            .unwrap();
        assert_eq!(near.len(), 1);
        assert!((near[0].coord.unwrap().latitude - 37.502669).abs() < 1e-5);
    }
}

// --------------------------------------------------------------- streams

/// Adds `n` entries `n=<i>` with ids `1-0`, `2-0`, ...
async fn fill_stream(c: &Client, stream: &str, n: u64) {
    for i in 1..=n {
        run(
            c,
            &[
                "XADD",
                stream,
                &format!("{i}-0"),
                "n",
                &i.to_string(),
                "tag",
                "t",
            ],
        )
        .await;
    }
}

#[tokio::test]
async fn xrange_xrevrange_xread() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let (s, t) = (key(protocol, "{x}s"), key(protocol, "{x}t"));
        fill_stream(&c, &s, 3).await;
        fill_stream(&c, &t, 1).await;

        let all: Vec<StreamEntry> = c.send(XRange::new(s.as_str(), "-", "+")).await.unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].id, StreamId::new(1, 0));
        assert_eq!(
            all[0].fields,
            [
                (Bytes::from("n"), Bytes::from("1")),
                (Bytes::from("tag"), Bytes::from("t"))
            ]
        );
        let typed: Vec<StreamEntry<HashMap<String, String>>> = c
            .send(XRange::new(s.as_str(), StreamId::new(2, 0), "+").count(1))
            .await
            .unwrap();
        assert_eq!(typed.len(), 1);
        assert_eq!(typed[0].fields["n"], "2");
        let rev: Vec<StreamEntry> = c
            .send(XRevRange::new(s.as_str(), "+", "(1-0"))
            .await
            .unwrap();
        assert_eq!(
            rev.iter().map(|e| e.id).collect::<Vec<_>>(),
            [StreamId::new(3, 0), StreamId::new(2, 0)]
        );

        let read: StreamReads<HashMap<String, String>> = c
            .send(XRead::new([(s.as_str(), "1-0"), (t.as_str(), "0")]).count(1))
            .await
            .unwrap();
        let read = read.unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[0].0, s.as_str());
        assert_eq!(read[0].1[0].id, StreamId::new(2, 0));
        assert_eq!(read[0].1[0].fields["n"], "2");
        assert_eq!(read[1].0, t.as_str());
        let nothing: StreamReads = c.send(XRead::new([(s.as_str(), "3-0")])).await.unwrap();
        assert_eq!(nothing, None);

        // Blocking: a timeout is None; an entry added meanwhile wakes it up.
        let mut conn = c.dedicated().await.unwrap();
        let timed_out: StreamReads = conn
            .send(XRead::new([(s.as_str(), "$")]).block(50))
            .await
            .unwrap();
        assert_eq!(timed_out, None);
        let waiter = {
            let s = s.clone();
            tokio::spawn(async move {
                conn.send(XRead::<_>::new([(s.as_str(), StreamId::new(3, 0))]).block(5000))
                    .await
                    .unwrap()
            })
        };
        run(&c, &["XADD", &s, "4-0", "n", "4"]).await;
        let woke = waiter.await.unwrap().unwrap();
        assert_eq!(woke[0].1[0].id, StreamId::new(4, 0));
    }
}

#[tokio::test]
async fn consumer_groups_read_pending_claim() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let s = key(protocol, "grp");
        fill_stream(&c, &s, 4).await;
        run(&c, &["XGROUP", "CREATE", &s, "g", "0"]).await;

        // c1 reads two, c2 reads one.
        let got: StreamReads = c
            .send(XReadGroup::new("g", "c1", [(s.as_str(), ">")]).count(2))
            .await
            .unwrap();
        assert_eq!(got.unwrap()[0].1.len(), 2);
        let got: StreamReads<HashMap<String, String>> = c
            .send(XReadGroup::new("g", "c2", [(s.as_str(), ">")]).count(1))
            .await
            .unwrap();
        assert_eq!(got.unwrap()[0].1[0].fields["n"], "3");
        // Re-reading c1's own pending entries.
        let pending: StreamReads = c
            .send(XReadGroup::new("g", "c1", [(s.as_str(), "0")]))
            .await
            .unwrap();
        assert_eq!(
            pending.unwrap()[0]
                .1
                .iter()
                .map(|e| e.id)
                .collect::<Vec<_>>(),
            [StreamId::new(1, 0), StreamId::new(2, 0)]
        );
        // NOACK: delivered, not pending.
        let got: StreamReads = c
            .send(XReadGroup::new("g", "c3", [(s.as_str(), ">")]).noack())
            .await
            .unwrap();
        assert_eq!(got.unwrap()[0].1[0].id, StreamId::new(4, 0));
        // Nothing new: blocking read times out on a dedicated connection.
        let mut conn = c.dedicated().await.unwrap();
        let none: StreamReads = conn
            .send(XReadGroup::new("g", "c3", [(s.as_str(), ">")]).block(50))
            .await
            .unwrap();
        assert_eq!(none, None);

        let summary = c.send(XPending::new(s.as_str(), "g")).await.unwrap();
        assert_eq!(summary.count, 3);
        assert_eq!(summary.min_id, Some(StreamId::new(1, 0)));
        assert_eq!(summary.max_id, Some(StreamId::new(3, 0)));
        assert_eq!(
            summary.consumers,
            [(Bytes::from("c1"), 2), (Bytes::from("c2"), 1)]
        );
        let entries = c
            .send(XPending::range(s.as_str(), "g", "-", "+", 10))
            .await
            .unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(
            (entries[0].id, &entries[0].consumer[..]),
            (StreamId::new(1, 0), &b"c1"[..])
        );
        assert_eq!(entries[0].deliveries, 2);
        let only_c2 = c
            .send(
                XPending::range(s.as_str(), "g", "-", "+", 10)
                    .consumer("c2")
                    .idle(0),
            )
            .await
            .unwrap();
        assert_eq!(only_c2.len(), 1);
        assert_eq!(only_c2[0].id, StreamId::new(3, 0));
        run(&c, &["XGROUP", "CREATE", &s, "idle", "$"]).await;
        let empty = c.send(XPending::new(s.as_str(), "idle")).await.unwrap();
        assert_eq!(empty, PendingSummary::default());

        // XCLAIM: c2 takes 1-0 with its fields, then 2-0 by id only.
        let claimed: Vec<StreamEntry<HashMap<String, String>>> = c
            .send(XClaim::new(s.as_str(), "g", "c2", 0, [StreamId::new(1, 0)]).retry_count(7))
            .await
            .unwrap();
        assert_eq!(claimed.len(), 1);
        assert_eq!(claimed[0].fields["n"], "1");
        let ids = c
            .send(
                XClaim::<_>::new(s.as_str(), "g", "c2", 0, ["2-0"])
                    .idle(0)
                    .just_id(),
            )
            .await
            .unwrap();
        assert_eq!(ids, [StreamId::new(2, 0)]);
        let entries = c
            .send(XPending::range(s.as_str(), "g", "1-0", "1-0", 1))
            .await
            .unwrap();
        assert_eq!(
            (&entries[0].consumer[..], entries[0].deliveries),
            (&b"c2"[..], 7)
        );

        // XAUTOCLAIM: c1 takes everything back, first with data, then ids.
        let auto: AutoClaimed<StreamEntry> = c
            .send(XAutoClaim::new(s.as_str(), "g", "c1", 0, "0-0").count(2))
            .await
            .unwrap();
        assert_eq!(auto.claimed.len(), 2);
        assert_eq!(auto.next, StreamId::new(3, 0));
        assert!(auto.deleted.is_empty());
        // Delete an entry still pending: XAUTOCLAIM reports it (Redis 7.0+).
        run(&c, &["XDEL", &s, "3-0"]).await;
        let auto = c
            .send(XAutoClaim::<_>::new(s.as_str(), "g", "c1", 0, auto.next).just_id())
            .await
            .unwrap();
        assert!(auto.is_last());
        assert!(auto.claimed.is_empty());
        assert_eq!(auto.deleted, [StreamId::new(3, 0)]);
    }
}

#[tokio::test]
async fn xinfo_stream_groups_consumers() {
    let server = RedisServer::start();
    for protocol in BOTH {
        let c = client(&server, protocol).await;
        let s = key(protocol, "info");
        fill_stream(&c, &s, 3).await;
        run(&c, &["XGROUP", "CREATE", &s, "g", "0"]).await;
        let _: StreamReads = c
            .send(XReadGroup::new("g", "c1", [(s.as_str(), ">")]).count(2))
            .await
            .unwrap();

        let info: StreamInfo<HashMap<String, String>> =
            c.send(XInfoStream::new(s.as_str())).await.unwrap();
        assert_eq!(info.length, 3);
        assert_eq!(info.groups, 1);
        assert_eq!(info.last_generated_id, StreamId::new(3, 0));
        assert_eq!(info.entries_added, Some(3));
        assert_eq!(info.first_entry.unwrap().fields["n"], "1");
        assert_eq!(info.last_entry.unwrap().id, StreamId::new(3, 0));

        let full: StreamInfoFull = c
            .send(XInfoStream::new(s.as_str()).full().count(10))
            .await
            .unwrap();
        assert_eq!(full.length, 3);
        assert_eq!(full.entries.len(), 3);
        let g = &full.groups[0];
        assert_eq!(g.name, "g");
        assert_eq!(g.last_delivered_id, StreamId::new(2, 0));
        assert_eq!(g.pel_count, 2);
        assert_eq!(g.entries_read, Some(2));
        assert_eq!(g.lag, Some(1));
        assert_eq!(g.pending[0].id, StreamId::new(1, 0));
        assert_eq!(g.pending[0].consumer, "c1");
        assert_eq!(g.consumers[0].name, "c1");
        assert_eq!(g.consumers[0].pel_count, 2);
        assert_eq!(g.consumers[0].pending.len(), 2);
        assert_eq!(g.consumers[0].pending[1].deliveries, 1);

        let groups = c.send(XInfoGroups::new(s.as_str())).await.unwrap();
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].name, "g");
        assert_eq!((groups[0].consumers, groups[0].pending), (1, 2));
        assert_eq!(groups[0].last_delivered_id, StreamId::new(2, 0));
        assert_eq!(groups[0].lag, Some(1));

        let consumers = c.send(XInfoConsumers::new(s.as_str(), "g")).await.unwrap();
        assert_eq!(consumers.len(), 1);
        assert_eq!(consumers[0].name, "c1");
        assert_eq!(consumers[0].pending, 2);
    }
}
