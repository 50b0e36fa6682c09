//! Wire-format, key, read-only and reply-type tests for the typed commands.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::{Duration, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};

use super::*;
use crate::error::Result;
use crate::resp::Value;
use crate::types::FromRedisValue;

// ---------------------------------------------------------------- helpers

/// The command as sent.
fn wire<C: Command>(cmd: &C) -> Vec<u8> {
    let mut out = BytesMut::new();
    encode(cmd, &mut out);
    out.to_vec()
}

/// The RESP array of bulk strings for `args`, built independently of the
/// encoder.
fn resp(args: &[&str]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for arg in args {
        out.extend_from_slice(format!("${}\r\n{arg}\r\n", arg.len()).as_bytes());
    }
    out
}

fn keys<C: Command>(cmd: &C) -> Vec<String> {
    keys_of(cmd)
        .into_iter()
        .map(|k| String::from_utf8(k).unwrap())
        .collect()
}

/// The reply type's name.
fn response_type<C: Command>(_: &C) -> &'static str {
    std::any::type_name::<C::Response>()
}

/// Compiles only when the reply type is exactly `R`.
fn assert_response<R, C: Command<Response = R>>(_: &C) {}

/// Decodes `value` as `cmd`'s reply.
fn decode<C: Command>(_: &C, value: Value) -> Result<C::Response> {
    C::Response::from_redis_value(value)
}

fn bulk(s: &str) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
}

fn ok() -> Value {
    Value::SimpleString(Bytes::from_static(b"OK"))
}

/// Checks wire bytes, keys and the read-only flag at once.
#[track_caller]
fn check<C: Command>(cmd: &C, args: &[&str], expected_keys: &[&str], read_only: bool) {
    assert_eq!(
        String::from_utf8_lossy(&wire(cmd)),
        String::from_utf8_lossy(&resp(args))
    );
    assert_eq!(keys(cmd), expected_keys);
    assert_eq!(cmd.read_only(), read_only);
}

#[test]
fn resp_helper_matches_a_literal() {
    assert_eq!(
        resp(&["SET", "k", "v"]),
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
    );
}

// -------------------------------------------------------------- connection

#[test]
fn ping() {
    let cmd = Ping::new();
    assert_eq!(wire(&cmd), b"*1\r\n$4\r\nPING\r\n");
    check(&cmd, &["PING"], &[], false);
    assert_response::<String, _>(&cmd);
    assert_eq!(
        decode(&cmd, Value::SimpleString(Bytes::from_static(b"PONG"))).unwrap(),
        "PONG"
    );

    let cmd = Ping::message::<_, String>("hi");
    check(&cmd, &["PING", "hi"], &[], false);
    assert_response::<String, _>(&cmd);
    let cmd: Ping<&str, Bytes> = Ping::message("hi");
    assert_response::<Bytes, _>(&cmd);
}

#[test]
fn echo() {
    let cmd = Echo::<_, String>::new("hello");
    assert_eq!(wire(&cmd), b"*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n");
    check(&cmd, &["ECHO", "hello"], &[], false);
    assert_response::<String, _>(&cmd);
    let default: Echo<&str> = Echo::new("x");
    assert_response::<Bytes, _>(&default);
}

#[test]
fn hello() {
    let cmd = Hello::new(3);
    check(&cmd, &["HELLO", "3"], &[], false);
    assert_response::<HelloReply, _>(&cmd);

    let cmd = Hello::new(3).auth("default", "hunter2").setname("app");
    check(
        &cmd,
        &["HELLO", "3", "AUTH", "default", "hunter2", "SETNAME", "app"],
        &[],
        false,
    );
    let debug = format!("{cmd:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
}

#[test]
fn hello_reply_from_resp3_map() {
    let module = Value::Map(vec![
        (bulk("name"), bulk("search")),
        (bulk("ver"), Value::Integer(20612)),
        (bulk("path"), bulk("/lib/search.so")),
        (
            bulk("args"),
            Value::Array(vec![bulk("MAXSEARCHRESULTS"), bulk("10")]),
        ),
    ]);
    let reply = Value::Map(vec![
        (bulk("server"), bulk("redis")),
        (bulk("version"), bulk("7.2.4")),
        (bulk("proto"), Value::Integer(3)),
        (bulk("id"), Value::Integer(42)),
        (bulk("mode"), bulk("standalone")),
        (bulk("role"), bulk("master")),
        (bulk("modules"), Value::Array(vec![module])),
        (bulk("availability_zone"), bulk("eu-1a")),
    ]);
    let hello = decode(&Hello::new(3), reply).unwrap();
    assert_eq!(hello.server, "redis");
    assert_eq!(hello.version, "7.2.4");
    assert_eq!((hello.proto, hello.id), (3, 42));
    assert_eq!(
        (hello.mode.as_str(), hello.role.as_str()),
        ("standalone", "master")
    );
    assert_eq!(hello.modules.len(), 1);
    let m = &hello.modules[0];
    assert_eq!((m.name.as_str(), m.version), ("search", 20612));
    assert_eq!(m.path.as_deref(), Some("/lib/search.so"));
    assert_eq!(m.args, ["MAXSEARCHRESULTS", "10"]);
}

#[test]
fn hello_reply_from_resp2_flat_array() {
    let module = Value::Array(vec![
        bulk("name"),
        bulk("json"),
        bulk("ver"),
        Value::Integer(1),
    ]);
    let reply = Value::Array(vec![
        bulk("server"),
        bulk("redis"),
        bulk("version"),
        bulk("6.2.0"),
        bulk("proto"),
        Value::Integer(2),
        bulk("id"),
        Value::Integer(5),
        bulk("mode"),
        bulk("cluster"),
        bulk("role"),
        bulk("replica"),
        bulk("modules"),
        Value::Array(vec![module]),
    ]);
    let hello = HelloReply::from_redis_value(reply).unwrap();
    assert_eq!((hello.proto, hello.id), (2, 5));
    assert_eq!(hello.mode, "cluster");
    assert_eq!(hello.modules[0].name, "json");
    assert_eq!(hello.modules[0].path, None);
}

#[test]
fn hello_reply_missing_field_is_a_conversion_error() {
    let reply = Value::Map(vec![(bulk("server"), bulk("redis"))]);
    let err = HelloReply::from_redis_value(reply).unwrap_err();
    assert!(err.to_string().contains("version"), "{err}");
    // An error reply stays a server error.
    let err = HelloReply::from_redis_value(Value::Error(Bytes::from_static(b"NOPROTO sorry")))
        .unwrap_err();
    assert!(err.kind().is_some(), "{err:?}");
}

#[test]
fn auth() {
    let cmd = Auth::new("hunter2");
    check(&cmd, &["AUTH", "hunter2"], &[], false);
    assert_response::<(), _>(&cmd);
    let cmd = Auth::with_user("app", "hunter2");
    check(&cmd, &["AUTH", "app", "hunter2"], &[], false);
    let debug = format!("{cmd:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    assert!(debug.contains("app"), "{debug}");
}

#[test]
fn select() {
    let cmd = Select::new(3);
    check(&cmd, &["SELECT", "3"], &[], false);
    assert_response::<(), _>(&cmd);
}

#[test]
fn client_setname() {
    let cmd = ClientSetName::new("worker-1");
    assert_eq!(
        wire(&cmd),
        b"*3\r\n$6\r\nCLIENT\r\n$7\r\nSETNAME\r\n$8\r\nworker-1\r\n"
    );
    check(&cmd, &["CLIENT", "SETNAME", "worker-1"], &[], false);
    assert_response::<(), _>(&cmd);
}

// ----------------------------------------------------------------- string

#[test]
fn get() {
    let cmd = Get::<_, String>::new("k");
    assert_eq!(wire(&cmd), b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
    check(&cmd, &["GET", "k"], &["k"], true);
    assert_eq!(
        response_type(&cmd),
        "core::option::Option<alloc::string::String>"
    );
    // The reply type is inferred from the use.
    let inferred = Get::new(String::from("k"));
    let _: Option<i64> = decode(&inferred, Value::Integer(1)).unwrap();
    // The default is binary-safe `Bytes`.
    let default: Get<&str> = Get::new("k");
    assert_response::<Option<Bytes>, _>(&default);
    // Any key type: bytes too.
    check(
        &Get::<_, Bytes>::new(b"\x00k".to_vec()),
        &["GET", "\0k"],
        &["\0k"],
        true,
    );
}

#[test]
fn set_plain() {
    let cmd = Set::new("k", "v");
    assert_eq!(wire(&cmd), b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n");
    check(&cmd, &["SET", "k", "v"], &["k"], false);
    assert_response::<(), _>(&cmd);
    check(&Set::new("n", 42), &["SET", "n", "42"], &["n"], false);
    check(&Set::new("f", 1.5), &["SET", "f", "1.5"], &["f"], false);
}

#[test]
fn set_expiry_is_one_choice() {
    let cases = [
        (Expiry::Ex(10), &["EX", "10"][..]),
        (Expiry::Px(1500), &["PX", "1500"][..]),
        (Expiry::ExAt(1_700_000_000), &["EXAT", "1700000000"][..]),
        (
            Expiry::PxAt(1_700_000_000_123),
            &["PXAT", "1700000000123"][..],
        ),
        (Expiry::KeepTtl, &["KEEPTTL"][..]),
    ];
    for (expiry, tail) in cases {
        let mut args = vec!["SET", "k", "v"];
        args.extend_from_slice(tail);
        check(&Set::new("k", "v").expiry(expiry), &args, &["k"], false);
    }
    // A second expiry replaces the first: never two on the wire.
    let cmd = Set::new("k", "v")
        .expiry(Expiry::Ex(1))
        .expiry(Expiry::KeepTtl);
    check(&cmd, &["SET", "k", "v", "KEEPTTL"], &["k"], false);

    assert_eq!(Expiry::after(Duration::from_millis(2500)), Expiry::Px(2500));
    assert_eq!(
        Expiry::at(UNIX_EPOCH + Duration::from_millis(1_700_000_000_123)),
        Expiry::PxAt(1_700_000_000_123)
    );
    assert_eq!(
        Expiry::at(UNIX_EPOCH - Duration::from_secs(1)),
        Expiry::PxAt(0)
    );
}

#[test]
fn set_nx_xx_reply_bool() {
    let cmd = Set::new("k", "v").nx();
    check(&cmd, &["SET", "k", "v", "NX"], &["k"], false);
    assert_response::<bool, _>(&cmd);
    assert!(decode(&cmd, ok()).unwrap());
    assert!(!decode(&cmd, Value::Nil).unwrap());

    let cmd = Set::new("k", "v").xx().expiry(Expiry::Px(100));
    check(&cmd, &["SET", "k", "v", "XX", "PX", "100"], &["k"], false);
    assert_response::<bool, _>(&cmd);
    // The expiry may come first: the wire order is fixed by the command.
    let cmd = Set::new("k", "v").expiry(Expiry::Ex(5)).nx();
    check(&cmd, &["SET", "k", "v", "NX", "EX", "5"], &["k"], false);
}

#[test]
fn set_get_reply_old_value() {
    let cmd = Set::new("k", "v").get::<String>();
    check(&cmd, &["SET", "k", "v", "GET"], &["k"], false);
    assert_response::<Option<String>, _>(&cmd);
    assert_eq!(decode(&cmd, bulk("old")).unwrap().as_deref(), Some("old"));
    assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);

    // NX then GET, or GET then XX: still the old value.
    let cmd = Set::new("k", "v").nx().get::<i64>().expiry(Expiry::Ex(9));
    check(
        &cmd,
        &["SET", "k", "v", "NX", "GET", "EX", "9"],
        &["k"],
        false,
    );
    assert_response::<Option<i64>, _>(&cmd);
    let cmd = Set::new("k", "v").get::<Bytes>().xx();
    check(&cmd, &["SET", "k", "v", "XX", "GET"], &["k"], false);
    assert_response::<Option<Bytes>, _>(&cmd);
}

#[test]
fn mget() {
    let cmd = MGet::<_, String>::new(["a", "b", "c"]);
    check(&cmd, &["MGET", "a", "b", "c"], &["a", "b", "c"], true);
    assert_response::<Vec<Option<String>>, _>(&cmd);
    let reply = Value::Array(vec![bulk("1"), Value::Nil, bulk("3")]);
    assert_eq!(
        decode(&cmd, reply).unwrap(),
        [Some("1".to_string()), None, Some("3".to_string())]
    );
    // Owned keys from an iterator.
    let cmd = MGet::<_, Bytes>::new((0..2).map(|i| format!("k{i}")));
    check(&cmd, &["MGET", "k0", "k1"], &["k0", "k1"], true);
}

#[test]
fn mset() {
    let cmd = MSet::new([("a", 1), ("b", 2)]);
    check(&cmd, &["MSET", "a", "1", "b", "2"], &["a", "b"], false);
    assert_response::<(), _>(&cmd);
}

#[test]
fn incr_incrby() {
    let cmd = Incr::new("n");
    check(&cmd, &["INCR", "n"], &["n"], false);
    assert_response::<i64, _>(&cmd);
    let cmd = IncrBy::new("n", -5);
    check(&cmd, &["INCRBY", "n", "-5"], &["n"], false);
    assert_response::<i64, _>(&cmd);
}

// ---------------------------------------------------------------- generic

#[test]
fn del_exists() {
    let cmd = Del::new(["a", "b"]);
    check(&cmd, &["DEL", "a", "b"], &["a", "b"], false);
    assert_response::<i64, _>(&cmd);
    let cmd = Exists::new(vec![String::from("a"), String::from("a")]);
    check(&cmd, &["EXISTS", "a", "a"], &["a", "a"], true);
    assert_response::<i64, _>(&cmd);
}

#[test]
fn expire() {
    let cmd = Expire::new("k", 60);
    check(&cmd, &["EXPIRE", "k", "60"], &["k"], false);
    assert_response::<bool, _>(&cmd);
    assert!(decode(&cmd, Value::Integer(1)).unwrap());
    assert!(!decode(&cmd, Value::Integer(0)).unwrap());
    for (cmd, token) in [
        (Expire::new("k", 60).nx(), "NX"),
        (Expire::new("k", 60).xx(), "XX"),
        (Expire::new("k", 60).gt(), "GT"),
        (Expire::new("k", 60).lt(), "LT"),
        // One choice: the last call wins.
        (Expire::new("k", 60).nx().lt(), "LT"),
    ] {
        check(&cmd, &["EXPIRE", "k", "60", token], &["k"], false);
    }
}

#[test]
fn ttl() {
    let cmd = Ttl::new("k");
    check(&cmd, &["TTL", "k"], &["k"], true);
    assert_response::<KeyTtl, _>(&cmd);
    assert_eq!(decode(&cmd, Value::Integer(-2)).unwrap(), KeyTtl::Missing);
    assert_eq!(
        decode(&cmd, Value::Integer(-1)).unwrap(),
        KeyTtl::Persistent
    );
    let ttl = decode(&cmd, Value::Integer(0)).unwrap();
    assert_eq!(ttl.remaining(), Some(Duration::ZERO));
    assert_eq!(
        decode(&cmd, Value::Integer(90)).unwrap(),
        KeyTtl::ExpiresIn(Duration::from_secs(90))
    );
    assert!(decode(&cmd, Value::Integer(-3)).is_err());
    assert!(decode(&cmd, bulk("soon")).is_err());
}

// ------------------------------------------------------------------- hash

/// Stands for a `#[derive(ToRedisArgs)]` struct: writes `field value` pairs.
struct User {
    name: &'static str,
    age: u32,
}

impl crate::ToRedisArgs for User {
    fn write_redis_args<W: crate::resp::ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"name");
        self.name.write_redis_args(out);
        out.write_arg(b"age");
        self.age.write_redis_args(out);
    }
}

/// Stands for a `#[derive(FromRedisValue)]` struct.
#[derive(Debug, PartialEq)]
struct Profile {
    name: String,
}

impl FromRedisValue for Profile {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut map = HashMap::<String, String>::from_redis_value(value)?;
        Ok(Profile {
            name: map.remove("name").unwrap_or_default(),
        })
    }
}

#[test]
fn hset() {
    let cmd = HSet::new(
        "user:1",
        User {
            name: "Ann",
            age: 42,
        },
    );
    check(
        &cmd,
        &["HSET", "user:1", "name", "Ann", "age", "42"],
        &["user:1"],
        false,
    );
    assert_response::<i64, _>(&cmd);

    let cmd = HSet::new("h", ("f", "v"));
    check(&cmd, &["HSET", "h", "f", "v"], &["h"], false);
    let cmd = HSet::new("h", BTreeMap::from([("a", 1), ("b", 2)]));
    check(&cmd, &["HSET", "h", "a", "1", "b", "2"], &["h"], false);
    let cmd = HSet::from_pairs("h", [("a", "x"), ("b", "y")]);
    check(&cmd, &["HSET", "h", "a", "x", "b", "y"], &["h"], false);
    let cmd = HSet::from_pairs("h", (1..=2).map(|i| (format!("f{i}"), i * 10)));
    check(&cmd, &["HSET", "h", "f1", "10", "f2", "20"], &["h"], false);
}

#[test]
fn hget() {
    let cmd = HGet::<_, _, String>::new("h", "f");
    check(&cmd, &["HGET", "h", "f"], &["h"], true);
    assert_response::<Option<String>, _>(&cmd);
    let default: HGet<&str, &str> = HGet::new("h", "f");
    assert_response::<Option<Bytes>, _>(&default);
}

#[test]
fn hgetall() {
    // The reply type alone in the turbofish; the key type is inferred.
    let cmd = HGetAll::<Profile>::new("user:1");
    check(&cmd, &["HGETALL", "user:1"], &["user:1"], true);
    assert_response::<Profile, _>(&cmd);
    let resp2 = Value::Array(vec![bulk("name"), bulk("Ann"), bulk("age"), bulk("42")]);
    assert_eq!(decode(&cmd, resp2).unwrap(), Profile { name: "Ann".into() });
    let resp3 = Value::Map(vec![(bulk("name"), bulk("Bob"))]);
    assert_eq!(decode(&cmd, resp3).unwrap().name, "Bob");

    // Inferred from the binding; an owned key works too.
    let cmd = HGetAll::new(String::from("h"));
    let map: BTreeMap<String, i64> =
        decode(&cmd, Value::Array(vec![bulk("a"), bulk("1")])).unwrap();
    assert_eq!(map, BTreeMap::from([("a".to_string(), 1)]));

    let default: HGetAll = HGetAll::new(String::from("h"));
    assert_response::<HashMap<Bytes, Bytes>, _>(&default);
}

// ------------------------------------------------------------------- list

#[test]
fn lpush() {
    let cmd = LPush::new("l", ["a", "b"]);
    check(&cmd, &["LPUSH", "l", "a", "b"], &["l"], false);
    assert_response::<i64, _>(&cmd);
    let cmd = LPush::new("l", vec![1, 2, 3]);
    check(&cmd, &["LPUSH", "l", "1", "2", "3"], &["l"], false);
    // A byte-buffer element is one argument.
    let cmd = LPush::new("l", [b"ab".to_vec()]);
    check(&cmd, &["LPUSH", "l", "ab"], &["l"], false);
}

#[test]
fn lrange() {
    let cmd = LRange::<_, String>::new("l", 0, -1);
    check(&cmd, &["LRANGE", "l", "0", "-1"], &["l"], true);
    assert_response::<Vec<String>, _>(&cmd);
    assert_eq!(
        decode(&cmd, Value::Array(vec![bulk("a"), bulk("b")])).unwrap(),
        ["a", "b"]
    );
}

// -------------------------------------------------------------------- set

#[test]
fn sadd() {
    let cmd = SAdd::new("s", ["x", "y"]);
    check(&cmd, &["SADD", "s", "x", "y"], &["s"], false);
    assert_response::<i64, _>(&cmd);
}

#[test]
fn smembers() {
    let cmd = SMembers::<_, HashSet<String>>::new("s");
    check(&cmd, &["SMEMBERS", "s"], &["s"], true);
    assert_response::<HashSet<String>, _>(&cmd);
    let got = decode(&cmd, Value::Set(vec![bulk("x"), bulk("y")])).unwrap();
    assert_eq!(got, HashSet::from(["x".to_string(), "y".to_string()]));
    let default: SMembers<&str> = SMembers::new("s");
    assert_response::<HashSet<Bytes>, _>(&default);
    let as_vec = SMembers::<_, Vec<String>>::new("s");
    assert_eq!(
        decode(&as_vec, Value::Array(vec![bulk("x")])).unwrap(),
        ["x"]
    );
}

// ------------------------------------------------------------- sorted set

#[test]
fn zadd() {
    let cmd = ZAdd::new("z", [(1.0, "a"), (2.5, "b")]);
    check(&cmd, &["ZADD", "z", "1.0", "a", "2.5", "b"], &["z"], false);
    assert_response::<i64, _>(&cmd);

    let cmd = ZAdd::new("z", [(1.0, "a")]).xx().gt().ch();
    check(
        &cmd,
        &["ZADD", "z", "XX", "GT", "CH", "1.0", "a"],
        &["z"],
        false,
    );
    assert_response::<i64, _>(&cmd);

    let cmd = ZAdd::new("z", [(f64::NEG_INFINITY, "lo"), (f64::INFINITY, "hi")]).nx();
    check(
        &cmd,
        &["ZADD", "z", "NX", "-inf", "lo", "inf", "hi"],
        &["z"],
        false,
    );
}

#[test]
fn zadd_incr_reply_score() {
    let cmd = ZAdd::incr("z", 1.5, "a");
    check(&cmd, &["ZADD", "z", "INCR", "1.5", "a"], &["z"], false);
    assert_response::<Option<f64>, _>(&cmd);
    assert_eq!(decode(&cmd, bulk("3.5")).unwrap(), Some(3.5));
    assert_eq!(decode(&cmd, Value::Double(3.5)).unwrap(), Some(3.5));

    let cmd = ZAdd::incr("z", 1.0, "a").xx().lt();
    check(
        &cmd,
        &["ZADD", "z", "XX", "LT", "INCR", "1.0", "a"],
        &["z"],
        false,
    );
    assert_eq!(decode(&cmd, Value::Nil).unwrap(), None);
}

#[test]
fn zrange_by_index() {
    let cmd = ZRange::<_, String>::new("z", 0, -1);
    check(&cmd, &["ZRANGE", "z", "0", "-1"], &["z"], true);
    assert_response::<Vec<String>, _>(&cmd);
    check(
        &ZRange::<_, String>::new("z", 0, 9).rev(),
        &["ZRANGE", "z", "0", "9", "REV"],
        &["z"],
        true,
    );
    let default: ZRange<&str> = ZRange::new("z", 0, 1);
    assert_response::<Vec<Bytes>, _>(&default);
}

#[test]
fn zrange_with_scores() {
    let cmd = ZRange::<_, String>::new("z", 0, -1).with_scores();
    check(
        &cmd,
        &["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        &["z"],
        true,
    );
    assert_response::<Vec<(String, f64)>, _>(&cmd);
    assert_eq!(
        response_type(&cmd),
        "alloc::vec::Vec<(alloc::string::String, f64)>"
    );

    // RESP2: a flat array, scores as bulk strings.
    let resp2 = Value::Array(vec![bulk("a"), bulk("1"), bulk("b"), bulk("2.5")]);
    assert_eq!(
        decode(&cmd, resp2).unwrap(),
        [("a".to_string(), 1.0), ("b".to_string(), 2.5)]
    );
    // RESP3: an array of [member, score] pairs, scores as doubles.
    let resp3 = Value::Array(vec![
        Value::Array(vec![bulk("a"), Value::Double(1.0)]),
        Value::Array(vec![bulk("b"), Value::Double(2.5)]),
    ]);
    assert_eq!(
        decode(&cmd, resp3).unwrap(),
        [("a".to_string(), 1.0), ("b".to_string(), 2.5)]
    );
    assert!(decode(&cmd, Value::Array(vec![])).unwrap().is_empty());
}

#[test]
fn zrange_by_score() {
    let cmd = ZRange::<_, String>::by_score("z", 1.0, ScoreBound::Exclusive(5.5));
    check(
        &cmd,
        &["ZRANGE", "z", "1.0", "(5.5", "BYSCORE"],
        &["z"],
        true,
    );
    let cmd = ZRange::<_, String>::by_score("z", ScoreBound::MAX, ScoreBound::MIN)
        .rev()
        .limit(0, 10)
        .with_scores();
    check(
        &cmd,
        &[
            "ZRANGE",
            "z",
            "inf",
            "-inf",
            "BYSCORE",
            "REV",
            "LIMIT",
            "0",
            "10",
            "WITHSCORES",
        ],
        &["z"],
        true,
    );
    assert_response::<Vec<(String, f64)>, _>(&cmd);
    // Options in any order; the wire order is the command's.
    let cmd = ZRange::<_, Bytes>::by_score("z", ScoreBound::Exclusive(f64::NEG_INFINITY), 0.0)
        .with_scores()
        .limit(5, -1)
        .rev();
    check(
        &cmd,
        &[
            "ZRANGE",
            "z",
            "(-inf",
            "0.0",
            "BYSCORE",
            "REV",
            "LIMIT",
            "5",
            "-1",
            "WITHSCORES",
        ],
        &["z"],
        true,
    );
}

#[test]
fn zrange_by_lex() {
    let cmd = ZRange::<_, String>::by_lex("z", LexBound::inclusive("a"), LexBound::exclusive("c"));
    check(&cmd, &["ZRANGE", "z", "[a", "(c", "BYLEX"], &["z"], true);
    assert_response::<Vec<String>, _>(&cmd);
    let cmd = ZRange::<_, String>::by_lex("z", LexBound::MIN, LexBound::MAX).limit(1, 2);
    check(
        &cmd,
        &["ZRANGE", "z", "-", "+", "BYLEX", "LIMIT", "1", "2"],
        &["z"],
        true,
    );
}

// ----------------------------------------------------- cross-cutting checks

/// Every command here is `Send + Sync + 'static` when its parts are, so it
/// can be moved into a spawned task.
#[test]
fn commands_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync + 'static>(_: &T) {}
    assert_send_sync(&Get::<_, String>::new("k"));
    assert_send_sync(&Set::new("k", "v").nx().get::<String>());
    assert_send_sync(&ZRange::<_, String>::by_lex("z", LexBound::MIN, LexBound::MAX).with_scores());
    assert_send_sync(&ZAdd::incr("z", 1.0, "m"));
    assert_send_sync(&Hello::new(3));
    assert_send_sync(&HGetAll::<HashMap<String, String>>::new("h"));
}

#[test]
fn commands_are_clone_and_debug() {
    let set = Set::new("k", "v")
        .xx()
        .get::<String>()
        .expiry(Expiry::Ex(1));
    let copy = set.clone();
    assert_eq!(wire(&set), wire(&copy));
    let debug = format!("{copy:?}");
    assert!(debug.contains("Set") && debug.contains("Xx"), "{debug}");
    let _ = format!("{:?}", ZAdd::new("z", [(1.0, "a")]).clone());
    let _ = format!("{:?}", Ping::new().clone());
}

/// Commands are sent through references as well (`Command for &C`).
#[test]
fn commands_by_reference() {
    let cmd = Incr::new("n");
    check(&&cmd, &["INCR", "n"], &["n"], false);
}

#[test]
fn sort_writes_both_reply_forms_from_one_body() {
    let plain = Sort::<_, Bytes>::new("k")
        .by("w_*")
        .limit(0, 2)
        .desc()
        .alpha();
    check(
        &plain,
        &["SORT", "k", "BY", "w_*", "LIMIT", "0", "2", "DESC", "ALPHA"],
        &["k"],
        false,
    );
    assert_response::<Vec<Option<Bytes>>, _>(&plain);
    let stored = plain.store("dst");
    check(
        &stored,
        &[
            "SORT", "k", "BY", "w_*", "LIMIT", "0", "2", "DESC", "ALPHA", "STORE", "dst",
        ],
        &["k", "dst"],
        false,
    );
    assert_response::<i64, _>(&stored);
}
