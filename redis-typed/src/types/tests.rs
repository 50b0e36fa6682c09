//! Tests of the `ToRedisArgs` / `FromRedisValue` impls.

use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::fmt::Debug;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use super::{FromRedisValue, ToRedisArgs};
use crate::error::{Error, ErrorKind};
use crate::resp::{ArgCounter, ArgWriter, Value, VerbatimFormat};

// ------------------------------------------------------------------ helpers

/// Collects every argument as owned bytes.
#[derive(Default)]
struct Collect(Vec<Vec<u8>>);

impl ArgWriter for Collect {
    fn write_arg(&mut self, arg: &[u8]) {
        self.0.push(arg.to_vec());
    }
}

/// The arguments `v` writes, as strings; also checks that the counting pass
/// agrees with the writing pass.
fn args<T: ToRedisArgs + ?Sized>(v: &T) -> Vec<String> {
    let mut collect = Collect::default();
    v.write_redis_args(&mut collect);
    let mut counter = ArgCounter::default();
    v.write_redis_args(&mut counter);
    assert_eq!(counter.count, collect.0.len(), "ArgCounter disagrees");
    collect
        .0
        .into_iter()
        .map(|a| String::from_utf8(a).expect("utf-8 arg"))
        .collect()
}

/// Raw argument bytes.
fn raw_args<T: ToRedisArgs + ?Sized>(v: &T) -> Vec<Vec<u8>> {
    let mut collect = Collect::default();
    v.write_redis_args(&mut collect);
    collect.0
}

fn bulk(s: &str) -> Value {
    Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
}

fn simple(s: &str) -> Value {
    Value::SimpleString(Bytes::copy_from_slice(s.as_bytes()))
}

fn verbatim(s: &str) -> Value {
    Value::Verbatim {
        format: VerbatimFormat(*b"txt"),
        text: Bytes::copy_from_slice(s.as_bytes()),
    }
}

fn big(s: &str) -> Value {
    Value::BigNumber(Bytes::copy_from_slice(s.as_bytes()))
}

fn attr(v: Value) -> Value {
    Value::Attribute {
        attributes: vec![(bulk("ttl"), Value::Integer(3))],
        value: Box::new(v),
    }
}

fn wrongtype() -> Value {
    Value::Error(Bytes::from_static(
        b"WRONGTYPE Operation against a key holding the wrong kind of value",
    ))
}

fn ok<T: FromRedisValue>(v: Value) -> T {
    match T::from_redis_value(v.clone()) {
        Ok(t) => t,
        Err(e) => panic!("{v:?} as {}: {e}", std::any::type_name::<T>()),
    }
}

fn err<T: FromRedisValue + Debug>(v: Value) -> Error {
    match T::from_redis_value(v.clone()) {
        Ok(t) => panic!(
            "{v:?} as {} unexpectedly gave {t:?}",
            std::any::type_name::<T>()
        ),
        Err(e) => e,
    }
}

/// Asserts a conversion error naming `T`, with a short summary.
fn conversion_err<T: FromRedisValue + Debug>(v: Value) -> String {
    match err::<T>(v) {
        Error::Conversion { expected, received } => {
            assert_eq!(expected, std::any::type_name::<T>());
            assert!(received.len() < 200, "summary too long: {received}");
            received
        }
        other => panic!("expected a conversion error, got {other:?}"),
    }
}

/// Asserts the WRONGTYPE error reply decodes to `Error::Server` for `T`,
/// plain and behind an attribute.
fn server_err<T: FromRedisValue + Debug>() {
    for v in [wrongtype(), attr(wrongtype())] {
        match err::<T>(v) {
            Error::Server(e) => {
                assert_eq!(e.kind, ErrorKind::WrongType);
                assert!(e.message().starts_with("WRONGTYPE"));
            }
            other => panic!(
                "{}: expected a server error, got {other:?}",
                std::any::type_name::<T>()
            ),
        }
    }
}

// --------------------------------------------------------------- ToRedisArgs

#[test]
fn integers_write_one_decimal_arg() {
    assert_eq!(args(&-5i8), ["-5"]);
    assert_eq!(args(&300i16), ["300"]);
    assert_eq!(args(&-70000i32), ["-70000"]);
    assert_eq!(args(&i64::MIN), ["-9223372036854775808"]);
    assert_eq!(args(&-3isize), ["-3"]);
    assert_eq!(args(&255u8), ["255"]);
    assert_eq!(args(&65535u16), ["65535"]);
    assert_eq!(args(&7u32), ["7"]);
    assert_eq!(args(&u64::MAX), ["18446744073709551615"]);
    assert_eq!(args(&12usize), ["12"]);
    assert_eq!(args(&i128::MIN), [i128::MIN.to_string()]);
    assert_eq!(args(&u128::MAX), [u128::MAX.to_string()]);
}

#[test]
fn floats_spelling_and_round_trip() {
    assert_eq!(args(&f64::INFINITY), ["inf"]);
    assert_eq!(args(&f64::NEG_INFINITY), ["-inf"]);
    assert_eq!(args(&f32::INFINITY), ["inf"]);
    assert_eq!(args(&f32::NEG_INFINITY), ["-inf"]);
    assert_eq!(args(&0.1f64), ["0.1"]);
    assert_eq!(args(&0.1f32), ["0.1"]);
    for x in [
        0.1,
        1e300,
        -1e-300,
        1.0 / 3.0,
        123456.789,
        f64::MAX,
        f64::MIN_POSITIVE,
    ] {
        let a = args(&x);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].parse::<f64>().unwrap(), x, "{x} written as {}", a[0]);
        // And back through FromRedisValue.
        assert_eq!(ok::<f64>(bulk(&a[0])), x);
    }
    let a = args(&1e300);
    assert!(a[0].len() < 10, "1e300 spelled {}", a[0]);
}

#[test]
fn bool_writes_1_or_0() {
    assert_eq!(args(&true), ["1"]);
    assert_eq!(args(&false), ["0"]);
}

#[test]
fn strings_and_bytes_are_one_arg() {
    assert_eq!(args("hello"), ["hello"]);
    assert_eq!(args(&"hello"), ["hello"]);
    assert_eq!(args(&&&"hello"), ["hello"]);
    assert_eq!(args(&String::from("s")), ["s"]);
    assert_eq!(args(&Cow::Borrowed("c")), ["c"]);
    assert_eq!(args(&Cow::<str>::Owned("o".into())), ["o"]);
    assert_eq!(args(&Cow::Borrowed(&b"cb"[..])), ["cb"]);
    assert_eq!(args(&b"raw"[..]), ["raw"]);
    assert_eq!(args(b"arr"), ["arr"]); // &[u8; 3]
    assert_eq!(args(&b"vec".to_vec()), ["vec"]);
    assert_eq!(args(&Bytes::from_static(b"b")), ["b"]);
    assert_eq!(args(&BytesMut::from(&b"bm"[..])), ["bm"]);
    assert_eq!(args(&String::new()), [""]);
    assert_eq!(raw_args(&Vec::<u8>::new()), [Vec::<u8>::new()]);
    // Binary data is passed through untouched.
    let bin = vec![0u8, 255, b'\r', b'\n'];
    assert_eq!(raw_args(&bin), [bin]);
}

#[test]
fn sequences_write_each_element() {
    assert_eq!(args(&vec!["a", "b", "c"]), ["a", "b", "c"]);
    assert_eq!(args(&["x", "y"][..]), ["x", "y"]);
    assert_eq!(args(&[1i32, 2, 3]), ["1", "2", "3"]);
    assert_eq!(args(&vec![1.5f64, f64::INFINITY]), ["1.5", "inf"]);
    assert_eq!(args(&Vec::<String>::new()), Vec::<String>::new());
    // Vec<Vec<u8>>: one arg per buffer.
    assert_eq!(args(&vec![b"ab".to_vec(), b"cd".to_vec()]), ["ab", "cd"]);
    assert_eq!(args(&vec![Bytes::from_static(b"q")]), ["q"]);
    assert_eq!(args(&vec![&b"k1"[..], &b"k2"[..]]), ["k1", "k2"]);
}

#[test]
fn wrappers() {
    assert_eq!(args(&None::<i32>), Vec::<String>::new());
    assert_eq!(args(&Some(4)), ["4"]);
    assert_eq!(args(&Some(vec!["a", "b"])), ["a", "b"]);
    assert_eq!(args(&Box::new("boxed")), ["boxed"]);
    let boxed: Box<str> = "bs".into();
    assert_eq!(args(&boxed), ["bs"]);
    assert_eq!(args(&Arc::new(9u8)), ["9"]);
    let shared: Arc<str> = "as".into();
    assert_eq!(args(&shared), ["as"]);
    let shared_bytes: Arc<[u8]> = b"ab".to_vec().into();
    assert_eq!(args(&shared_bytes), ["ab"]);
    assert_eq!(args(&()), Vec::<String>::new());
}

#[test]
fn sets_and_maps() {
    let hs: HashSet<&str> = ["a", "b"].into_iter().collect();
    let mut got = args(&hs);
    got.sort();
    assert_eq!(got, ["a", "b"]);
    let bs: BTreeSet<i32> = [3, 1, 2].into_iter().collect();
    assert_eq!(args(&bs), ["1", "2", "3"]);

    let bm: BTreeMap<&str, i32> = [("b", 2), ("a", 1)].into_iter().collect();
    assert_eq!(args(&bm), ["a", "1", "b", "2"]);
    let hm: HashMap<String, f64> = [("k".to_string(), 0.5)].into_iter().collect();
    assert_eq!(args(&hm), ["k", "0.5"]);
    let hm2: HashMap<&str, &str> = [("k1", "v1"), ("k2", "v2")].into_iter().collect();
    let got = args(&hm2);
    assert_eq!(got.len(), 4);
    // Keys are followed by their own values.
    for pair in got.chunks(2) {
        assert_eq!(pair[0].replace('k', "v"), pair[1]);
    }
}

#[test]
fn tuples_write_each_element_in_order() {
    assert_eq!(args(&("a",)), ["a"]);
    assert_eq!(args(&("f", 1)), ["f", "1"]);
    assert_eq!(args(&("f", 1, true, 2.5)), ["f", "1", "1", "2.5"]);
    assert_eq!(
        args(&(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, "twelve")),
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "twelve"]
    );
    assert_eq!(args(&("k", vec![1, 2], None::<i32>)), ["k", "1", "2"]);
    assert_eq!(args(&vec![("a", 1), ("b", 2)]), ["a", "1", "b", "2"]);
}

// ----------------------------------------------------------- FromRedisValue

#[test]
fn value_is_identity() {
    for v in [Value::Nil, wrongtype(), attr(bulk("x")), Value::Double(1.0)] {
        assert_eq!(ok::<Value>(v.clone()), v);
    }
}

#[test]
fn unit() {
    ok::<()>(simple("OK"));
    ok::<()>(Value::Nil);
    ok::<()>(Value::Integer(3));
    ok::<()>(attr(simple("OK")));
    server_err::<()>();
}

#[test]
fn bool_shapes() {
    assert!(ok::<bool>(Value::Integer(1)));
    assert!(!ok::<bool>(Value::Integer(0)));
    assert!(ok::<bool>(Value::Boolean(true)));
    assert!(!ok::<bool>(Value::Boolean(false)));
    assert!(ok::<bool>(simple("OK")));
    assert!(!ok::<bool>(Value::Nil));
    assert!(ok::<bool>(bulk("1")));
    assert!(!ok::<bool>(bulk("0")));
    assert!(ok::<bool>(attr(Value::Integer(1))));
    conversion_err::<bool>(Value::Integer(2));
    conversion_err::<bool>(bulk("yes"));
    conversion_err::<bool>(Value::Array(vec![]));
    server_err::<bool>();
}

#[test]
fn integer_shapes() {
    assert_eq!(ok::<i64>(Value::Integer(-42)), -42);
    assert_eq!(ok::<i64>(bulk("42")), 42);
    assert_eq!(ok::<i64>(simple("-7")), -7);
    assert_eq!(ok::<i64>(verbatim("5")), 5);
    assert_eq!(ok::<i64>(Value::Double(3.0)), 3);
    assert_eq!(ok::<i64>(big("123")), 123);
    assert_eq!(ok::<u8>(Value::Integer(255)), 255);
    assert_eq!(ok::<i8>(bulk("-128")), -128);
    assert_eq!(ok::<u64>(bulk("18446744073709551615")), u64::MAX);
    assert_eq!(ok::<u64>(big("18446744073709551615")), u64::MAX);
    assert_eq!(
        ok::<i128>(big("-170141183460469231731687303715884105728")),
        i128::MIN
    );
    assert_eq!(
        ok::<u128>(Value::Double(1e30)),
        1_000_000_000_000_000_019_884_624_838_656
    );
    assert_eq!(ok::<usize>(Value::Integer(9)), 9);
    assert_eq!(ok::<isize>(Value::Integer(-9)), -9);
    assert_eq!(ok::<u32>(Value::Boolean(true)), 1);
    assert_eq!(ok::<i64>(attr(Value::Integer(8))), 8);

    // Overflow and fractions: errors, never panics or silent truncation.
    conversion_err::<u8>(Value::Integer(256));
    conversion_err::<u8>(Value::Integer(-1));
    conversion_err::<i8>(bulk("128"));
    conversion_err::<u64>(Value::Integer(-1));
    conversion_err::<i64>(big("9223372036854775808"));
    conversion_err::<i64>(Value::Double(3.5));
    conversion_err::<i64>(Value::Double(f64::INFINITY));
    conversion_err::<i64>(Value::Double(f64::NAN));
    conversion_err::<i64>(Value::Double(9.3e18));
    conversion_err::<u128>(Value::Double(-1.0));
    conversion_err::<u128>(Value::Double(1e39));
    conversion_err::<i64>(bulk("12abc"));
    conversion_err::<i64>(bulk(""));
    conversion_err::<i64>(Value::Nil);
    conversion_err::<i64>(Value::Array(vec![Value::Integer(1)]));
    conversion_err::<i64>(Value::BulkString(Bytes::from_static(b"\xff\xfe")));
    server_err::<i64>();
    server_err::<u8>();
    server_err::<u128>();
}

#[test]
fn float_shapes() {
    assert_eq!(ok::<f64>(Value::Double(1.5)), 1.5);
    assert_eq!(ok::<f64>(Value::Integer(-3)), -3.0);
    assert_eq!(ok::<f64>(bulk("2.75")), 2.75);
    assert_eq!(ok::<f64>(simple("2")), 2.0);
    assert_eq!(ok::<f64>(big("10")), 10.0);
    assert_eq!(ok::<f64>(bulk("inf")), f64::INFINITY);
    assert_eq!(ok::<f64>(bulk("+inf")), f64::INFINITY);
    assert_eq!(ok::<f64>(bulk("-inf")), f64::NEG_INFINITY);
    assert!(ok::<f64>(bulk("nan")).is_nan());
    assert_eq!(
        ok::<f64>(Value::Double(f64::NEG_INFINITY)),
        f64::NEG_INFINITY
    );
    assert_eq!(ok::<f32>(bulk("0.1")), 0.1f32);
    assert_eq!(ok::<f32>(Value::Double(0.5)), 0.5);
    assert_eq!(ok::<f64>(attr(Value::Double(2.5))), 2.5);
    conversion_err::<f64>(bulk("fast"));
    conversion_err::<f64>(Value::Nil);
    server_err::<f64>();
    server_err::<f32>();
}

#[test]
fn string_shapes() {
    assert_eq!(ok::<String>(bulk("héllo")), "héllo");
    assert_eq!(ok::<String>(simple("OK")), "OK");
    assert_eq!(ok::<String>(verbatim("some text")), "some text");
    assert_eq!(ok::<String>(Value::Integer(-12)), "-12");
    assert_eq!(ok::<String>(Value::Double(3.0)), "3");
    assert_eq!(ok::<String>(Value::Double(1.5)), "1.5");
    assert_eq!(ok::<String>(Value::Double(f64::INFINITY)), "inf");
    assert_eq!(
        ok::<String>(big("123456789012345678901234567890")),
        "123456789012345678901234567890"
    );
    assert_eq!(ok::<String>(attr(bulk("a"))), "a");
    let received = conversion_err::<String>(Value::BulkString(Bytes::from_static(b"\xff\xfe")));
    assert!(received.contains("UTF-8"), "{received}");
    conversion_err::<String>(Value::Nil);
    conversion_err::<String>(Value::Array(vec![bulk("a")]));
    server_err::<String>();
}

#[test]
fn bytes_are_zero_copy() {
    let payload = Bytes::from(vec![7u8; 1000]);
    let ptr = payload.as_ptr();
    let got = ok::<Bytes>(Value::BulkString(payload.clone()));
    assert_eq!(got.as_ptr(), ptr);
    let got = ok::<Bytes>(attr(Value::BulkString(payload.clone())));
    assert_eq!(got.as_ptr(), ptr);
    assert_eq!(ok::<Bytes>(simple("OK")), Bytes::from_static(b"OK"));
    assert_eq!(ok::<Bytes>(verbatim("v")), Bytes::from_static(b"v"));
    assert_eq!(ok::<Bytes>(Value::Integer(5)), Bytes::from_static(b"5"));
    conversion_err::<Bytes>(Value::Nil);
    server_err::<Bytes>();

    // Vec<Bytes> moves each element.
    let items: Vec<Bytes> = (0..3).map(|i| Bytes::from(vec![i; 64])).collect();
    let ptrs: Vec<_> = items.iter().map(|b| b.as_ptr()).collect();
    let v = ok::<Vec<Bytes>>(Value::Array(
        items.into_iter().map(Value::BulkString).collect(),
    ));
    assert_eq!(v.iter().map(|b| b.as_ptr()).collect::<Vec<_>>(), ptrs);
}

#[test]
fn byte_buffers() {
    assert_eq!(ok::<Vec<u8>>(bulk("abc")), b"abc");
    assert_eq!(ok::<Vec<u8>>(simple("OK")), b"OK");
    assert_eq!(ok::<Vec<u8>>(verbatim("t")), b"t");
    assert_eq!(
        ok::<Vec<u8>>(Value::Array(vec![Value::Integer(1), Value::Integer(2)])),
        [1, 2]
    );
    assert_eq!(ok::<Vec<u8>>(attr(bulk("x"))), b"x");
    conversion_err::<Vec<u8>>(Value::Nil);
    conversion_err::<Vec<u8>>(Value::Integer(1));
    server_err::<Vec<u8>>();
    assert_eq!(&ok::<BytesMut>(bulk("m"))[..], b"m");
    conversion_err::<BytesMut>(Value::Nil);
    server_err::<BytesMut>();
    assert_eq!(ok::<[u8; 3]>(bulk("abc")), *b"abc");
    conversion_err::<[u8; 3]>(bulk("abcd"));
    assert_eq!(
        ok::<Vec<Vec<u8>>>(Value::Array(vec![bulk("a"), bulk("bc")])),
        [b"a".to_vec(), b"bc".to_vec()]
    );
}

#[test]
fn option_box_arc() {
    assert_eq!(ok::<Option<String>>(Value::Nil), None);
    assert_eq!(ok::<Option<String>>(attr(Value::Nil)), None);
    assert_eq!(ok::<Option<String>>(bulk("v")), Some("v".into()));
    assert_eq!(ok::<Option<i64>>(Value::Integer(1)), Some(1));
    // The error names the inner type that failed.
    let e = err::<Option<i64>>(bulk("x"));
    assert!(
        matches!(
            e,
            Error::Conversion {
                expected: "i64",
                ..
            }
        ),
        "{e:?}"
    );
    server_err::<Option<String>>();
    assert_eq!(*ok::<Box<i64>>(Value::Integer(1)), 1);
    assert_eq!(*ok::<Arc<String>>(bulk("a")), "a");
    server_err::<Box<i64>>();
    server_err::<Arc<i64>>();
    // MGET shape.
    assert_eq!(
        ok::<Vec<Option<String>>>(Value::Array(vec![bulk("a"), Value::Nil])),
        [Some("a".to_string()), None]
    );
}

#[test]
fn vec_shapes() {
    let elems = || vec![bulk("1"), Value::Integer(2)];
    assert_eq!(ok::<Vec<i64>>(Value::Array(elems())), [1, 2]);
    assert_eq!(ok::<Vec<i64>>(Value::Set(elems())), [1, 2]);
    assert_eq!(ok::<Vec<i64>>(Value::Push(elems())), [1, 2]);
    assert_eq!(ok::<Vec<i64>>(Value::Nil), Vec::<i64>::new());
    assert_eq!(ok::<Vec<i64>>(attr(Value::Array(elems()))), [1, 2]);
    assert_eq!(
        ok::<Vec<String>>(Value::Map(vec![
            (bulk("k"), bulk("v")),
            (bulk("k2"), Value::Integer(3))
        ])),
        ["k", "v", "k2", "3"]
    );
    assert_eq!(
        ok::<VecDeque<i64>>(Value::Array(elems())),
        VecDeque::from(vec![1, 2])
    );
    conversion_err::<Vec<i64>>(Value::Integer(1));
    // A bad element is an error for the element type.
    let e = err::<Vec<i64>>(Value::Array(vec![Value::Integer(1), bulk("x")]));
    assert!(
        matches!(
            e,
            Error::Conversion {
                expected: "i64",
                ..
            }
        ),
        "{e:?}"
    );
    // An error reply nested in an array surfaces as a server error.
    let e = err::<Vec<i64>>(Value::Array(vec![Value::Integer(1), wrongtype()]));
    assert_eq!(e.kind(), Some(ErrorKind::WrongType));
    server_err::<Vec<i64>>();
    server_err::<Vec<u8>>();
    server_err::<VecDeque<i64>>();
}

#[test]
fn set_shapes() {
    let elems = || vec![bulk("a"), bulk("b"), bulk("a")];
    let want: HashSet<String> = ["a".to_string(), "b".to_string()].into();
    assert_eq!(ok::<HashSet<String>>(Value::Array(elems())), want);
    assert_eq!(ok::<HashSet<String>>(Value::Set(elems())), want);
    assert_eq!(ok::<HashSet<String>>(Value::Nil), HashSet::new());
    let bs = ok::<BTreeSet<String>>(Value::Set(elems()));
    assert_eq!(bs.into_iter().collect::<Vec<_>>(), ["a", "b"]);
    let custom =
        ok::<HashSet<i64, BuildHasherDefault<DefaultHasher>>>(Value::Set(vec![Value::Integer(1)]));
    assert!(custom.contains(&1));
    conversion_err::<HashSet<String>>(bulk("a"));
    server_err::<HashSet<String>>();
    server_err::<BTreeSet<String>>();
}

#[test]
fn map_from_resp3_and_resp2_are_equal() {
    let resp3 = Value::Map(vec![
        (bulk("a"), Value::Integer(1)),
        (bulk("b"), Value::Integer(2)),
    ]);
    let resp2 = Value::Array(vec![bulk("a"), bulk("1"), bulk("b"), bulk("2")]);
    let pairs = Value::Array(vec![
        Value::Array(vec![bulk("a"), Value::Integer(1)]),
        Value::Array(vec![bulk("b"), Value::Integer(2)]),
    ]);
    let m3 = ok::<HashMap<String, i64>>(resp3.clone());
    let m2 = ok::<HashMap<String, i64>>(resp2.clone());
    let mp = ok::<HashMap<String, i64>>(pairs.clone());
    assert_eq!(m3, m2);
    assert_eq!(m3, mp);
    assert_eq!(m3.len(), 2);
    assert_eq!(m3["b"], 2);

    let b3 = ok::<BTreeMap<String, i64>>(resp3.clone());
    assert_eq!(b3, ok::<BTreeMap<String, i64>>(resp2.clone()));
    assert_eq!(b3, ok::<BTreeMap<String, i64>>(pairs.clone()));
    assert_eq!(b3, ok::<BTreeMap<String, i64>>(attr(resp3.clone())));

    let custom = ok::<HashMap<String, i64, BuildHasherDefault<DefaultHasher>>>(resp2.clone());
    assert_eq!(custom["a"], 1);

    assert!(ok::<HashMap<String, i64>>(Value::Nil).is_empty());
    assert!(ok::<HashMap<String, i64>>(Value::Array(vec![])).is_empty());

    // Odd length: conversion error, not a panic or a dropped key.
    let received =
        conversion_err::<HashMap<String, i64>>(Value::Array(vec![bulk("a"), bulk("1"), bulk("b")]));
    assert!(received.contains("odd"), "{received}");
    conversion_err::<BTreeMap<String, i64>>(Value::Array(vec![bulk("a")]));
    conversion_err::<HashMap<String, i64>>(bulk("a"));
    server_err::<HashMap<String, i64>>();
    server_err::<BTreeMap<String, i64>>();

    // Vec<(K, V)> from the same three shapes.
    let want = vec![("a".to_string(), 1i64), ("b".to_string(), 2)];
    assert_eq!(ok::<Vec<(String, i64)>>(resp3), want);
    assert_eq!(ok::<Vec<(String, i64)>>(resp2), want);
    assert_eq!(ok::<Vec<(String, i64)>>(pairs), want);
    conversion_err::<Vec<(String, i64)>>(Value::Array(vec![bulk("a")]));
    server_err::<Vec<(String, i64)>>();
}

#[test]
fn tuple_shapes() {
    assert_eq!(
        ok::<(i64, String, bool)>(Value::Array(vec![
            Value::Integer(1),
            bulk("s"),
            Value::Boolean(true)
        ])),
        (1, "s".to_string(), true)
    );
    assert_eq!(
        ok::<(String,)>(Value::Array(vec![bulk("one")])),
        ("one".to_string(),)
    );
    assert_eq!(
        ok::<(i64, i64)>(Value::Set(vec![Value::Integer(1), Value::Integer(2)])),
        (1, 2)
    );
    // A 2-tuple from a one-entry map; a 4-tuple from a two-entry map.
    assert_eq!(
        ok::<(String, i64)>(Value::Map(vec![(bulk("k"), Value::Integer(5))])),
        ("k".to_string(), 5)
    );
    assert_eq!(
        ok::<(String, i64, String, i64)>(Value::Map(vec![
            (bulk("a"), Value::Integer(1)),
            (bulk("b"), Value::Integer(2)),
        ])),
        ("a".to_string(), 1, "b".to_string(), 2)
    );
    let twelve = Value::Array((1..=12).map(Value::Integer).collect());
    assert_eq!(
        ok::<(u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8)>(twelve),
        (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12)
    );
    assert_eq!(
        ok::<(i64, i64)>(attr(Value::Array(vec![
            Value::Integer(1),
            Value::Integer(2)
        ]))),
        (1, 2)
    );
    // Nested: SCAN's reply shape.
    assert_eq!(
        ok::<(u64, Vec<String>)>(Value::Array(vec![
            bulk("17"),
            Value::Array(vec![bulk("k")])
        ])),
        (17, vec!["k".to_string()])
    );

    // Arity mismatch.
    let received = conversion_err::<(i64, i64)>(Value::Array(vec![Value::Integer(1)]));
    assert!(received.contains("expected 2"), "{received}");
    conversion_err::<(i64, i64)>(Value::Array(vec![Value::Integer(1); 3]));
    conversion_err::<(i64, i64, i64)>(Value::Map(vec![(bulk("k"), Value::Integer(5))]));
    conversion_err::<(i64,)>(Value::Integer(1));
    conversion_err::<(i64, i64)>(Value::Nil);
    server_err::<(i64, i64)>();
    server_err::<(i64, i64, i64)>();
}

#[test]
fn arrays() {
    assert_eq!(
        ok::<[i64; 2]>(Value::Array(vec![Value::Integer(1), bulk("2")])),
        [1, 2]
    );
    assert_eq!(ok::<[String; 0]>(Value::Array(vec![])), [] as [String; 0]);
    let received = conversion_err::<[i64; 3]>(Value::Array(vec![Value::Integer(1)]));
    assert!(received.contains("expected exactly 3"), "{received}");
    server_err::<[i64; 2]>();
}

#[test]
fn wrong_type_errors_are_short_and_named() {
    let huge = Value::BulkString(Bytes::from(vec![b'x'; 1 << 20]));
    let received = conversion_err::<i64>(huge.clone());
    assert!(received.contains("bulk string"), "{received}");
    let received = conversion_err::<HashMap<String, String>>(huge.clone());
    assert!(received.len() < 200);
    let e = err::<Vec<i64>>(huge);
    let msg = e.to_string();
    assert!(msg.contains("alloc::vec::Vec<i64>"), "{msg}");
    assert!(msg.len() < 300, "{} chars", msg.len());

    let e = err::<String>(Value::Array(vec![Value::Integer(1); 100_000]));
    let msg = e.to_string();
    assert!(
        msg.contains("String") && msg.contains("array of 100000"),
        "{msg}"
    );
    assert!(msg.len() < 200);
}

#[test]
fn error_reply_kinds() {
    let e = err::<String>(Value::Error(Bytes::from_static(
        b"MOVED 3999 127.0.0.1:6381",
    )));
    assert_eq!(e.kind(), Some(ErrorKind::Moved));
    let e = err::<()>(Value::Error(Bytes::from_static(b"ERR syntax error")));
    match e {
        Error::Server(s) => {
            assert_eq!(s.kind, ErrorKind::Err);
            assert_eq!(s.detail(), "syntax error");
        }
        other => panic!("{other:?}"),
    }
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]

        #[test]
        fn i64_round_trip(x: i64) {
            let a = args(&x);
            prop_assert_eq!(ok::<i64>(bulk(&a[0])), x);
        }

        #[test]
        fn u128_round_trip(x: u128) {
            let a = args(&x);
            prop_assert_eq!(ok::<u128>(big(&a[0])), x);
        }

        #[test]
        fn f64_round_trip(x in proptest::num::f64::ANY) {
            let a = args(&x);
            prop_assert_eq!(a.len(), 1);
            let back = ok::<f64>(bulk(&a[0]));
            if x.is_nan() {
                prop_assert!(back.is_nan());
            } else {
                prop_assert_eq!(back.to_bits(), x.to_bits());
            }
        }

        #[test]
        fn f32_round_trip(x in proptest::num::f32::ANY) {
            let a = args(&x);
            let back = ok::<f32>(bulk(&a[0]));
            if x.is_nan() {
                prop_assert!(back.is_nan());
            } else {
                prop_assert_eq!(back.to_bits(), x.to_bits());
            }
        }

        #[test]
        fn string_round_trip(s: String) {
            let a = raw_args(&s);
            prop_assert_eq!(ok::<String>(Value::BulkString(Bytes::from(a[0].clone()))), s);
        }

        #[test]
        fn map_resp2_equals_resp3(m: BTreeMap<String, i64>) {
            let resp3 = Value::Map(m.iter().map(|(k, v)| (bulk(k), Value::Integer(*v))).collect());
            let resp2 = Value::Array(raw_args(&m).into_iter().map(|a| Value::BulkString(Bytes::from(a))).collect());
            prop_assert_eq!(ok::<BTreeMap<String, i64>>(resp3), m.clone());
            prop_assert_eq!(ok::<BTreeMap<String, i64>>(resp2), m);
        }
    }
}
