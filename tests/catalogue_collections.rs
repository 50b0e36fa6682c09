//! The generated hash, list, set and sorted set commands against a real
//! server: each is sent at least once on RESP3 and its reply decodes into
//! the type the command names; blocking ones go through a dedicated
//! connection; replies with structure are checked on RESP2 too.

#[path = "catalogue/mod.rs"]
mod catalogue;
mod support;

use std::collections::{BTreeSet, HashSet};

use bytes::Bytes;
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
#[allow(deprecated)] // HMSET, RPOPLPUSH and BRPOPLPUSH are deprecated by Redis, typed all the same.
async fn hashes_lists_sets_sorted_sets() {
    let server = RedisServer::start();
    let run = Run::new();
    let c = client(&server, Protocol::Resp3).await;
    let c2 = client(&server, Protocol::Resp2).await;

    // -------------------------------------------------------------- hash
    run.ok(&c, HMSet::new("h", [("name", "ann"), ("city", "oslo")]))
        .await;
    assert!(run.ok(&c, HSetNx::new("h", "age", 41)).await);
    assert!(!run.ok(&c, HSetNx::new("h", "age", 42)).await);
    assert!(run.ok(&c, HExists::new("h", "age")).await);
    assert!(!run.ok(&c, HExists::new("h", "zip")).await);
    assert_eq!(run.ok(&c, HIncrBy::new("h", "age", 1)).await, 42);
    assert_eq!(run.ok(&c, HIncrByFloat::new("h", "score", 1.5)).await, 1.5);
    assert_eq!(run.ok(&c, HStrLen::new("h", "name")).await, 3);
    assert_eq!(run.ok(&c, HLen::new("h")).await, 4);
    let mut fields: Vec<String> = run.ok(&c, HKeys::new("h")).await;
    fields.sort();
    assert_eq!(fields, ["age", "city", "name", "score"]);
    let values: Vec<Bytes> = run.ok(&c, HVals::new("h")).await;
    assert_eq!(values.len(), 4);
    let got: Vec<Option<String>> = run.ok(&c, HMGet::new("h", ["name", "zip"])).await;
    assert_eq!(got, [Some("ann".into()), None]);
    assert_eq!(run.ok(&c, HDel::new("h", ["score", "zip"])).await, 1);
    let got: Vec<Option<i64>> = c2.send(HMGet::new("h", ["age", "nope"])).await.unwrap();
    assert_eq!(got, [Some(42), None]);
    assert_eq!(
        c2.send(HIncrByFloat::new("h", "age", 0.5)).await.unwrap(),
        42.5
    );

    // -------------------------------------------------------------- list
    assert_eq!(run.ok(&c, RPushX::new("l", ["x"])).await, 0);
    assert_eq!(run.ok(&c, RPush::new("l", ["a", "b", "c"])).await, 3);
    assert_eq!(run.ok(&c, RPushX::new("l", ["d"])).await, 4);
    assert_eq!(run.ok(&c, LPushX::new("l", ["z"])).await, 5);
    assert_eq!(run.ok(&c, LLen::new("l")).await, 5);
    let first: Option<String> = run.ok(&c, LIndex::new("l", 0)).await;
    assert_eq!(first.as_deref(), Some("z"));
    assert_eq!(run.ok(&c, LIndex::<_, String>::new("l", 99)).await, None);
    assert_eq!(run.ok(&c, LInsert::before("l", "b", "b0")).await, 6);
    assert_eq!(run.ok(&c, LInsert::after("l", "b", "b1")).await, 7);
    assert_eq!(run.ok(&c, LInsert::after("l", "nope", "x")).await, -1);
    run.ok(&c, LSet::new("l", 0, "zz")).await;
    run.err(&c, LSet::new("l", 99, "x"), "index out of range")
        .await;
    assert_eq!(run.ok(&c, LRem::new("l", 0, "b0")).await, 1);
    run.ok(&c, LTrim::new("l", 0, 4)).await; // zz a b b1 c
    let moved: Option<String> = run
        .ok(
            &c,
            LMove::new("l", "l2", ListDirection::Left, ListDirection::Right),
        )
        .await;
    assert_eq!(moved.as_deref(), Some("zz"));
    let none: Option<String> = run
        .ok(
            &c,
            LMove::new("empty", "l2", ListDirection::Right, ListDirection::Left),
        )
        .await;
    assert_eq!(none, None);
    let moved: Option<String> = run.ok(&c, RPopLPush::new("l", "l2")).await;
    assert_eq!(moved.as_deref(), Some("c"));

    // Blocking commands on a dedicated connection.
    let mut conn = c.dedicated().await.unwrap();
    let cmd = BLPop::<_, String>::new(["nothing", "l"], 1.0);
    run.note(&cmd);
    assert_eq!(
        conn.send(cmd).await.unwrap(),
        Some(("l".into(), "a".into()))
    );
    let cmd = BRPop::<_, String>::new(["l"], 1.0);
    run.note(&cmd);
    assert_eq!(
        conn.send(cmd).await.unwrap(),
        Some(("l".into(), "b1".into()))
    );
    let cmd = BLMove::<_, String>::new("l", "l2", ListDirection::Left, ListDirection::Left, 1.0);
    run.note(&cmd);
    assert_eq!(conn.send(cmd).await.unwrap().as_deref(), Some("b"));
    let cmd = BRPopLPush::<_, String>::new("l2", "l", 1.0);
    run.note(&cmd);
    assert_eq!(conn.send(cmd).await.unwrap().as_deref(), Some("zz"));
    // Timeouts: nil after 0.1 s.
    let timed_out = conn
        .send(BLPop::<_, String>::new(["nothing"], 0.1))
        .await
        .unwrap();
    assert_eq!(timed_out, None);
    let timed_out = conn
        .send(BLMove::<_, Bytes>::new(
            "nothing",
            "l",
            ListDirection::Right,
            ListDirection::Left,
            0.1,
        ))
        .await
        .unwrap();
    assert_eq!(timed_out, None);
    // The same tuple on RESP2.
    let mut conn2 = c2.dedicated().await.unwrap();
    let popped = conn2
        .send(BRPop::<_, String>::new(["l2"], 1.0))
        .await
        .unwrap();
    assert_eq!(popped, Some(("l2".into(), "c".into())));

    // --------------------------------------------------------------- set
    c.send(SAdd::new("s1", ["a", "b", "c"])).await.unwrap();
    c.send(SAdd::new("s2", ["b", "c", "d"])).await.unwrap();
    assert_eq!(run.ok(&c, SCard::new("s1")).await, 3);
    assert!(run.ok(&c, SIsMember::new("s1", "a")).await);
    assert_eq!(
        run.ok(&c, SMIsMember::new("s1", ["a", "z"])).await,
        [true, false]
    );
    let inter: HashSet<Bytes> = run.ok(&c, SInter::new(["s1", "s2"])).await;
    assert_eq!(inter.len(), 2);
    let union: BTreeSet<String> = run.ok(&c, SUnion::new(["s1", "s2"])).await;
    assert_eq!(union.into_iter().collect::<Vec<_>>(), ["a", "b", "c", "d"]);
    let diff: Vec<String> = run.ok(&c, SDiff::new(["s1", "s2"])).await;
    assert_eq!(diff, ["a"]);
    assert_eq!(run.ok(&c, SInterCard::new(["s1", "s2"])).await, 2);
    assert_eq!(run.ok(&c, SInterCard::new(["s1", "s2"]).limit(1)).await, 1);
    assert_eq!(run.ok(&c, SInterStore::new("s3", ["s1", "s2"])).await, 2);
    assert_eq!(run.ok(&c, SUnionStore::new("s4", ["s1", "s2"])).await, 4);
    assert_eq!(run.ok(&c, SDiffStore::new("s5", ["s1", "s2"])).await, 1);
    assert!(run.ok(&c, SMove::new("s1", "s5", "b")).await);
    assert!(!run.ok(&c, SMove::new("s1", "s5", "zz")).await);
    assert_eq!(run.ok(&c, SRem::new("s5", ["a", "b", "q"])).await, 2);
    // RESP3 sets and RESP2 arrays decode alike.
    let union2: BTreeSet<String> = c2.send(SUnion::new(["s1", "s2"])).await.unwrap();
    assert_eq!(union2.len(), 4);
    assert_eq!(
        c2.send(SMIsMember::new("s2", ["d", "a"])).await.unwrap(),
        [true, false]
    );

    // -------------------------------------------------------- sorted set
    c.send(ZAdd::new("z", [(1.0, "a"), (2.0, "b"), (3.0, "c")]))
        .await
        .unwrap();
    c.send(ZAdd::new("y", [(10.0, "b"), (20.0, "d")]))
        .await
        .unwrap();
    assert_eq!(run.ok(&c, ZCard::new("z")).await, 3);
    assert_eq!(
        run.ok(
            &c,
            ZCount::new("z", ScoreBound::Exclusive(1.0), ScoreBound::MAX)
        )
        .await,
        2
    );
    assert_eq!(run.ok(&c, ZCount::new("z", 1.0, 2.0)).await, 2);
    assert_eq!(run.ok(&c, ZScore::new("z", "b")).await, Some(2.0));
    assert_eq!(run.ok(&c, ZScore::new("z", "nope")).await, None);
    assert_eq!(
        run.ok(&c, ZMScore::new("z", ["a", "nope"])).await,
        [Some(1.0), None]
    );
    assert_eq!(run.ok(&c, ZIncrBy::new("z", 0.5, "a")).await, 1.5);
    assert_eq!(run.ok(&c, ZRank::new("z", "c")).await, Some(2));
    assert_eq!(run.ok(&c, ZRank::new("z", "nope")).await, None);
    assert_eq!(run.ok(&c, ZRevRank::new("z", "c")).await, Some(0));
    if RedisServer::version_at_least((7, 2, 0), "ZRANK/ZREVRANK WITHSCORE") {
        assert_eq!(
            c.send(ZRank::new("z", "c").with_score()).await.unwrap(),
            Some((2, 3.0))
        );
        assert_eq!(
            c.send(ZRevRank::new("z", "c").with_score()).await.unwrap(),
            Some((0, 3.0))
        );
    }
    assert_eq!(run.ok(&c, ZInterCard::new(["z", "y"])).await, 1);
    assert_eq!(run.ok(&c, ZInterCard::new(["z", "y"]).limit(1)).await, 1);
    assert_eq!(run.ok(&c, ZInterStore::new("zi", ["z", "y"])).await, 1);
    assert_eq!(
        run.ok(
            &c,
            ZInterStore::new("zi", ["z", "y"])
                .weights([2.0, 0.5])
                .aggregate(Aggregate::Max)
        )
        .await,
        1
    );
    assert_eq!(c.send(ZScore::new("zi", "b")).await.unwrap(), Some(5.0));
    assert_eq!(
        run.ok(
            &c,
            ZUnionStore::new("zu", ["z", "y"]).aggregate(Aggregate::Min)
        )
        .await,
        4
    );
    assert_eq!(run.ok(&c, ZDiffStore::new("zd", ["z", "y"])).await, 2);
    assert_eq!(run.ok(&c, ZRangeStore::new("zr", "z", "0", "1")).await, 2);
    assert_eq!(
        run.ok(&c, ZRangeStore::new("zr", "z", "(1.5", "+inf").by_score())
            .await,
        2
    );
    assert_eq!(
        run.ok(
            &c,
            ZRangeStore::new("zr", "z", "+inf", "-inf")
                .by_score()
                .rev()
                .limit(0, 1)
        )
        .await,
        1
    );
    c.send(ZAdd::new(
        "lex",
        [(0.0, "a"), (0.0, "b"), (0.0, "c"), (0.0, "d")],
    ))
    .await
    .unwrap();
    assert_eq!(
        run.ok(&c, ZRangeStore::new("zr", "lex", "[b", "+").by_lex())
            .await,
        3
    );
    assert_eq!(
        run.ok(
            &c,
            ZLexCount::new("lex", LexBound::inclusive("b"), LexBound::MAX)
        )
        .await,
        3
    );
    assert_eq!(
        run.ok(
            &c,
            ZRemRangeByLex::new("lex", LexBound::MIN, LexBound::exclusive("b"))
        )
        .await,
        1
    );
    assert_eq!(run.ok(&c, ZRemRangeByRank::new("lex", 0, 0)).await, 1);
    assert_eq!(
        run.ok(&c, ZRemRangeByScore::new("zu", ScoreBound::MIN, 1.5))
            .await,
        1
    );
    assert_eq!(run.ok(&c, ZRem::new("z", ["a", "nope"])).await, 1);
    // Doubles are RESP3 doubles but RESP2 strings.
    assert_eq!(
        c2.send(ZMScore::new("z", ["b", "x"])).await.unwrap(),
        [Some(2.0), None]
    );
    assert_eq!(c2.send(ZIncrBy::new("z", 1.0, "b")).await.unwrap(), 3.0);
    assert_eq!(c2.send(ZRank::new("z", "b")).await.unwrap(), Some(0));

    run.assert_covers(&["hash", "list", "set", "sorted_set"]);
}
