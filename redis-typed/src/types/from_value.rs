//! [`FromRedisValue`] implementations for standard types.
//!
//! Every impl (except [`Value`]'s own) is transparent to RESP3 attributes:
//! an attributed value decodes as the value it wraps. An error reply reaching
//! any type other than `Value` becomes [`Error::Server`](crate::Error::Server)
//! with the parsed [`ErrorKind`](crate::ErrorKind); a reply of the wrong
//! shape becomes [`Error::Conversion`](crate::Error::Conversion).
//!
//! RESP2 and RESP3 shapes decode the same way: a map is read from a RESP3
//! map, a RESP2 flat `k v k v` array, or an array of `[k, v]` pairs.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, Hash};
use std::rc::Rc;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use super::{unexpected, FromRedisValue};
use crate::error::{Error, Result};
use crate::resp::{Decoder, Value};

// ----------------------------------------------------------------- helpers

/// Looks through RESP3 attributes to the value they describe.
///
/// Inlined, with the (rare) attribute case out of line, so that the common
/// case costs one comparison instead of a call that moves the value twice.
#[inline]
pub(crate) fn strip(value: Value) -> Value {
    match value {
        Value::Attribute { value, .. } => strip_attributes(*value),
        other => other,
    }
}

#[cold]
fn strip_attributes(value: Value) -> Value {
    strip(value)
}

/// [`strip`] on a reference.
#[inline]
fn strip_ref(value: &Value) -> &Value {
    match value {
        Value::Attribute { value, .. } => strip_ref(value),
        other => other,
    }
}

/// The conversion error for type `T` with a custom description.
fn conversion<T>(received: String) -> Error {
    Error::Conversion {
        expected: std::any::type_name::<T>(),
        received,
    }
}

/// The text of a string-like reply (bulk, simple, verbatim, big number).
#[inline]
fn text_bytes(value: &Value) -> Option<&[u8]> {
    match value {
        Value::BulkString(b) | Value::SimpleString(b) | Value::BigNumber(b) => Some(b),
        Value::Verbatim { text, .. } => Some(text),
        _ => None,
    }
}

/// Formats a double the way it reads back: integral values without a
/// fraction (`3`, not `3.0`), `inf`, `-inf`, `nan`, otherwise the shortest
/// round-tripping decimal.
fn format_double(d: f64) -> String {
    if d.is_nan() {
        "nan".to_string()
    } else if d.is_infinite() {
        if d > 0.0 { "inf" } else { "-inf" }.to_string()
    } else if d.fract() == 0.0 && d.abs() < 1e17 {
        let mut buf = itoa::Buffer::new();
        buf.format(d as i64).to_string()
    } else {
        let mut buf = ryu::Buffer::new();
        buf.format_finite(d).to_string()
    }
}

/// An integral `f64` as an `i128`, exactly, or `None`.
#[inline]
fn f64_to_i128(d: f64) -> Option<i128> {
    // 2^127 is exactly representable; every integral f64 in range converts
    // without loss.
    const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    (d.is_finite() && d.fract() == 0.0 && (-LIMIT..LIMIT).contains(&d)).then_some(d as i128)
}

/// The default `Vec<T>` decoding: an array, set or push element by element,
/// a map flattened to `k, v, k, v`, nil as an empty vector.
pub(crate) fn decode_vec<T: FromRedisValue>(value: Value) -> Result<Vec<T>> {
    match strip(value) {
        // Collected from the consuming iterator so that, where `T` is no
        // larger than a `Value` (`Bytes`, `String`, `Option<Bytes>`, numbers),
        // the standard library converts in place: the reply's allocation is
        // reused and no second vector is allocated.
        Value::Array(items) | Value::Set(items) | Value::Push(items) => {
            items.into_iter().map(T::from_redis_value).collect()
        }
        Value::Map(entries) => {
            let mut out = Vec::with_capacity(entries.len() * 2);
            for (k, v) in entries {
                out.push(T::from_redis_value(k)?);
                out.push(T::from_redis_value(v)?);
            }
            Ok(out)
        }
        Value::Nil => Ok(Vec::new()),
        other => Err(unexpected::<Vec<T>>(&other)),
    }
}

/// Key/value pairs out of a map-shaped reply, whatever the protocol.
pub(crate) enum Pairs {
    /// A RESP3 map.
    Map(std::vec::IntoIter<(Value, Value)>),
    /// A RESP2 flat array `k v k v`.
    Flat(std::vec::IntoIter<Value>),
    /// An array of two-element arrays `[[k, v], [k, v]]`.
    Nested(std::vec::IntoIter<Value>),
}

impl Iterator for Pairs {
    type Item = (Value, Value);

    #[inline]
    fn next(&mut self) -> Option<(Value, Value)> {
        match self {
            Pairs::Map(it) => it.next(),
            Pairs::Flat(it) => {
                let k = it.next()?;
                let v = it.next()?;
                Some((k, v))
            }
            Pairs::Nested(it) => match strip(it.next()?) {
                Value::Array(pair) | Value::Set(pair) | Value::Push(pair) => {
                    let mut pair = pair.into_iter();
                    Some((pair.next()?, pair.next()?))
                }
                // `into_pairs` checked every element is a pair.
                _ => None,
            },
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            Pairs::Map(it) => it.len(),
            Pairs::Flat(it) => it.len() / 2,
            Pairs::Nested(it) => it.len(),
        };
        (n, Some(n))
    }
}

/// True when `v` is an array (or set/push) of exactly two elements.
#[inline]
fn is_pair(v: &Value) -> bool {
    matches!(strip_ref(v), Value::Array(p) | Value::Set(p) | Value::Push(p) if p.len() == 2)
}

/// Reads a map-shaped reply as pairs, for decoding into `T`: a RESP3 map, an
/// array whose elements are all `[k, v]` pairs, or a flat array of even
/// length. Nil is an empty map.
pub(crate) fn into_pairs<T>(value: Value) -> Result<Pairs> {
    match strip(value) {
        Value::Map(entries) => Ok(Pairs::Map(entries.into_iter())),
        Value::Array(items) | Value::Set(items) | Value::Push(items) => {
            if !items.is_empty() && items.iter().all(is_pair) {
                Ok(Pairs::Nested(items.into_iter()))
            } else if items.len() % 2 == 0 {
                Ok(Pairs::Flat(items.into_iter()))
            } else {
                Err(conversion::<T>(format!(
                    "array of {} elements (odd length, not key/value pairs)",
                    items.len()
                )))
            }
        }
        Value::Nil => Ok(Pairs::Flat(Vec::new().into_iter())),
        other => Err(unexpected::<T>(&other)),
    }
}

// ------------------------------------------------------------ Value and ()

impl FromRedisValue for Value {
    const SCALAR_ELEMENTS: bool = true;

    /// The reply itself, unchanged (error replies and attributes included).
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        Ok(value)
    }
}

impl FromRedisValue for () {
    /// Accepts any reply (typically `+OK`) except an error reply.
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        match strip(value) {
            err @ Value::Error(_) => Err(unexpected::<()>(&err)),
            _ => Ok(()),
        }
    }
}

// -------------------------------------------------------------------- bool

impl FromRedisValue for bool {
    const SCALAR_ELEMENTS: bool = true;

    /// Integer `0`/`1`, RESP3 boolean, `+OK` (true), nil (false), or the
    /// text `"1"`/`"0"`.
    fn from_redis_value(value: Value) -> Result<Self> {
        let value = strip(value);
        let b = match &value {
            Value::Integer(0) => Some(false),
            Value::Integer(1) => Some(true),
            Value::Boolean(b) => Some(*b),
            Value::Nil => Some(false),
            Value::SimpleString(s) if &s[..] == b"OK" => Some(true),
            other => match text_bytes(other) {
                Some(b"1") => Some(true),
                Some(b"0") => Some(false),
                _ => None,
            },
        };
        b.ok_or_else(|| unexpected::<bool>(&value))
    }
}

// ---------------------------------------------------------------- integers

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl FromRedisValue for $t {
            const SCALAR_ELEMENTS: bool = true;
            /// An integer reply (range-checked), decimal text, an integral
            /// double, a big number in range, or a RESP3 boolean (0/1).
            fn from_redis_value(value: Value) -> Result<Self> {
                let value = strip(value);
                let parsed: Option<$t> = match &value {
                    Value::Integer(i) => <$t>::try_from(*i).ok(),
                    Value::Double(d) => f64_to_i128(*d).and_then(|i| <$t>::try_from(i).ok()),
                    Value::Boolean(b) => Some(<$t>::from(*b)),
                    other => text_bytes(other)
                        .and_then(|b| std::str::from_utf8(b).ok())
                        .and_then(|s| s.parse::<$t>().ok()),
                };
                parsed.ok_or_else(|| unexpected::<$t>(&value))
            }
        }
    )*};
}
integer!(i8, i16, i32, i64, i128, isize, u16, u32, u64, usize);

impl FromRedisValue for u128 {
    const SCALAR_ELEMENTS: bool = true;

    /// An integer reply (range-checked), decimal text, an integral double,
    /// a big number in range, or a RESP3 boolean (0/1).
    fn from_redis_value(value: Value) -> Result<Self> {
        // 2^128, exact as an f64.
        const LIMIT: f64 = 340_282_366_920_938_463_463_374_607_431_768_211_456.0;
        let value = strip(value);
        let parsed: Option<u128> = match &value {
            Value::Integer(i) => u128::try_from(*i).ok(),
            Value::Double(d) => (d.is_finite() && d.fract() == 0.0 && (0.0..LIMIT).contains(d))
                .then_some(*d as u128),
            Value::Boolean(b) => Some(u128::from(*b)),
            other => text_bytes(other)
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|s| s.parse::<u128>().ok()),
        };
        parsed.ok_or_else(|| unexpected::<u128>(&value))
    }
}

impl FromRedisValue for u8 {
    /// An integer reply (range-checked), decimal text, an integral double,
    /// a big number in range, or a RESP3 boolean (0/1).
    fn from_redis_value(value: Value) -> Result<Self> {
        let value = strip(value);
        let parsed: Option<u8> = match &value {
            Value::Integer(i) => u8::try_from(*i).ok(),
            Value::Double(d) => f64_to_i128(*d).and_then(|i| u8::try_from(i).ok()),
            Value::Boolean(b) => Some(u8::from(*b)),
            other => text_bytes(other)
                .and_then(|b| std::str::from_utf8(b).ok())
                .and_then(|s| s.parse::<u8>().ok()),
        };
        parsed.ok_or_else(|| unexpected::<u8>(&value))
    }

    /// `Vec<u8>` is the bytes of a string reply (bulk, simple, verbatim);
    /// an array decodes element by element.
    fn from_redis_value_vec(value: Value) -> Result<Vec<u8>> {
        match strip(value) {
            Value::BulkString(b) | Value::SimpleString(b) | Value::BigNumber(b) => Ok(Vec::from(b)),
            Value::Verbatim { text, .. } => Ok(Vec::from(text)),
            v @ (Value::Array(_) | Value::Set(_) | Value::Push(_) | Value::Map(_)) => decode_vec(v),
            other => Err(unexpected::<Vec<u8>>(&other)),
        }
    }
}

// ------------------------------------------------------------------ floats

macro_rules! float {
    ($($t:ty),*) => {$(
        impl FromRedisValue for $t {
            const SCALAR_ELEMENTS: bool = true;
            /// A RESP3 double, an integer, or decimal text (`inf`, `-inf`,
            /// `+inf` and `nan` included).
            fn from_redis_value(value: Value) -> Result<Self> {
                let value = strip(value);
                let parsed: Option<$t> = match &value {
                    Value::Double(d) => Some(*d as $t),
                    Value::Integer(i) => Some(*i as $t),
                    other => text_bytes(other)
                        .and_then(|b| std::str::from_utf8(b).ok())
                        .and_then(|s| s.parse::<$t>().ok()),
                };
                parsed.ok_or_else(|| unexpected::<$t>(&value))
            }
        }
    )*};
}
float!(f32, f64);

// --------------------------------------------------------- strings / bytes

impl FromRedisValue for String {
    const SCALAR_ELEMENTS: bool = true;

    /// A bulk, simple or verbatim string (valid UTF-8), a big number, or an
    /// integer / double / boolean formatted as text.
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        match value {
            Value::BulkString(b) => match std::str::from_utf8(&b) {
                Ok(s) => Ok(s.to_owned()),
                Err(_) => string_from_other(Value::BulkString(b)),
            },
            other => string_from_other(other),
        }
    }

    #[inline]
    fn from_bulk(payload: Bytes) -> Option<Self> {
        std::str::from_utf8(&payload).ok().map(str::to_owned)
    }
}

/// [`String`]'s decoding of everything but a valid UTF-8 bulk string.
fn string_from_other(value: Value) -> Result<String> {
    let value = strip(value);
    match &value {
        Value::Integer(i) => Ok(itoa::Buffer::new().format(*i).to_string()),
        Value::Double(d) => Ok(format_double(*d)),
        Value::Boolean(b) => Ok(if *b { "1" } else { "0" }.to_string()),
        other => match text_bytes(other) {
            Some(bytes) => match std::str::from_utf8(bytes) {
                Ok(s) => Ok(s.to_owned()),
                Err(_) => Err(conversion::<String>(format!(
                    "{} (invalid UTF-8)",
                    value.summary()
                ))),
            },
            None => Err(unexpected::<String>(&value)),
        },
    }
}

impl FromRedisValue for Bytes {
    const SCALAR_ELEMENTS: bool = true;

    /// The payload of a bulk, simple or verbatim string or a big number,
    /// without copying; an integer or double as its text.
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        match value {
            Value::BulkString(b) => Ok(b),
            other => bytes_from_other(other),
        }
    }

    #[inline]
    fn from_bulk(payload: Bytes) -> Option<Self> {
        Some(payload)
    }
}

/// [`Bytes`]' decoding of everything but a bulk string.
fn bytes_from_other(value: Value) -> Result<Bytes> {
    match strip(value) {
        Value::BulkString(b) | Value::SimpleString(b) | Value::BigNumber(b) => Ok(b),
        Value::Verbatim { text, .. } => Ok(text),
        Value::Integer(i) => Ok(Bytes::copy_from_slice(
            itoa::Buffer::new().format(i).as_bytes(),
        )),
        Value::Double(d) => Ok(Bytes::from(format_double(d))),
        other => Err(unexpected::<Bytes>(&other)),
    }
}

impl FromRedisValue for BytesMut {
    const SCALAR_ELEMENTS: bool = true;

    /// As [`Bytes`], copied into a mutable buffer.
    fn from_redis_value(value: Value) -> Result<Self> {
        match Bytes::from_redis_value(value) {
            Ok(b) => Ok(BytesMut::from(&b[..])),
            Err(Error::Conversion { received, .. }) => Err(conversion::<BytesMut>(received)),
            Err(e) => Err(e),
        }
    }
}

// ---------------------------------------------------------------- wrappers

impl<T: FromRedisValue> FromRedisValue for Option<T> {
    const SCALAR_ELEMENTS: bool = T::SCALAR_ELEMENTS;

    /// Nil is `None`; anything else is `Some(T)`.
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        match strip(value) {
            Value::Nil => Ok(None),
            other => T::from_redis_value(other).map(Some),
        }
    }

    #[inline]
    fn from_bulk(payload: Bytes) -> Option<Self> {
        T::from_bulk(payload).map(Some)
    }
}

impl<T: FromRedisValue> FromRedisValue for Box<T> {
    /// `T`, boxed.
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        T::from_redis_value(value).map(Box::new)
    }
}

impl<T: FromRedisValue> FromRedisValue for Arc<T> {
    /// `T`, in an `Arc`.
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        T::from_redis_value(value).map(Arc::new)
    }
}

impl<T: FromRedisValue> FromRedisValue for Rc<T> {
    /// `T`, in an `Rc`.
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        T::from_redis_value(value).map(Rc::new)
    }
}

// -------------------------------------------------------------- sequences

impl<T: FromRedisValue> FromRedisValue for Vec<T> {
    /// An array, set or push element by element (nil is empty, a map is
    /// flattened to `k, v, k, v`); `Vec<u8>` is a string reply's bytes;
    /// `Vec<(K, V)>` also reads map entries and RESP2 flat pairs.
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        T::from_redis_value_vec(value)
    }

    /// An array of scalars straight from the frame when `T` reads scalars
    /// element by element (`Bytes`, `String`, numbers, `Option`s of them).
    #[inline]
    fn from_frame(decoder: &mut Decoder, buf: &mut BytesMut) -> Option<Result<Self>> {
        if T::SCALAR_ELEMENTS {
            decoder.decode_leaf_array_with(buf, T::from_bulk, T::from_redis_value)
        } else {
            None
        }
    }
}

impl<T: FromRedisValue> FromRedisValue for VecDeque<T> {
    /// As `Vec<T>`.
    #[inline]
    fn from_redis_value(value: Value) -> Result<Self> {
        Vec::<T>::from_redis_value(value).map(VecDeque::from)
    }
}

impl<T: FromRedisValue, const N: usize> FromRedisValue for [T; N] {
    /// As `Vec<T>`, of exactly `N` elements (`[u8; N]`: exactly `N` bytes).
    fn from_redis_value(value: Value) -> Result<Self> {
        let items = Vec::<T>::from_redis_value(value)?;
        let len = items.len();
        <[T; N]>::try_from(items)
            .map_err(|_| conversion::<[T; N]>(format!("{len} elements (expected exactly {N})")))
    }
}

impl<T, S> FromRedisValue for HashSet<T, S>
where
    T: FromRedisValue + Eq + Hash,
    S: BuildHasher + Default,
{
    /// An array or set (nil is empty).
    fn from_redis_value(value: Value) -> Result<Self> {
        match strip(value) {
            Value::Array(items) | Value::Set(items) | Value::Push(items) => {
                let mut out = HashSet::with_capacity_and_hasher(items.len(), S::default());
                for item in items {
                    out.insert(T::from_redis_value(item)?);
                }
                Ok(out)
            }
            Value::Nil => Ok(HashSet::with_hasher(S::default())),
            other => Err(unexpected::<Self>(&other)),
        }
    }
}

impl<T: FromRedisValue + Ord> FromRedisValue for BTreeSet<T> {
    /// An array or set (nil is empty).
    fn from_redis_value(value: Value) -> Result<Self> {
        match strip(value) {
            Value::Array(items) | Value::Set(items) | Value::Push(items) => items
                .into_iter()
                .map(T::from_redis_value)
                .collect::<Result<_>>(),
            Value::Nil => Ok(BTreeSet::new()),
            other => Err(unexpected::<Self>(&other)),
        }
    }
}

// -------------------------------------------------------------------- maps

impl<K, V, S> FromRedisValue for HashMap<K, V, S>
where
    K: FromRedisValue + Eq + Hash,
    V: FromRedisValue,
    S: BuildHasher + Default,
{
    /// A RESP3 map, a RESP2 flat array `k v k v` (even length), or an array
    /// of `[k, v]` pairs. Nil is an empty map.
    fn from_redis_value(value: Value) -> Result<Self> {
        let pairs = into_pairs::<Self>(value)?;
        let mut out = HashMap::with_capacity_and_hasher(pairs.size_hint().0, S::default());
        for (k, v) in pairs {
            out.insert(K::from_redis_value(k)?, V::from_redis_value(v)?);
        }
        Ok(out)
    }
}

impl<K, V> FromRedisValue for BTreeMap<K, V>
where
    K: FromRedisValue + Ord,
    V: FromRedisValue,
{
    /// A RESP3 map, a RESP2 flat array `k v k v` (even length), or an array
    /// of `[k, v]` pairs. Nil is an empty map.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut out = BTreeMap::new();
        for (k, v) in into_pairs::<Self>(value)? {
            out.insert(K::from_redis_value(k)?, V::from_redis_value(v)?);
        }
        Ok(out)
    }
}

// ------------------------------------------------------------------ tuples

/// The elements of a tuple-shaped reply, if it has exactly `n` of them: an
/// array, set or push, or a map flattened to `k, v, k, v`.
fn tuple_items<T>(value: Value, n: usize) -> Result<std::vec::IntoIter<Value>> {
    match strip(value) {
        Value::Array(items) | Value::Set(items) | Value::Push(items) if items.len() == n => {
            Ok(items.into_iter())
        }
        Value::Map(entries) if entries.len() * 2 == n => {
            let mut flat = Vec::with_capacity(n);
            for (k, v) in entries {
                flat.push(k);
                flat.push(v);
            }
            Ok(flat.into_iter())
        }
        v @ (Value::Array(_) | Value::Set(_) | Value::Push(_) | Value::Map(_)) => Err(
            conversion::<T>(format!("{} (expected {n} elements)", v.summary())),
        ),
        other => Err(unexpected::<T>(&other)),
    }
}

macro_rules! tuple {
    ($n:expr; $($name:ident),+) => {
        impl<$($name: FromRedisValue),+> FromRedisValue for ($($name,)+) {
            /// An array (or set, or flattened map) of exactly as many
            /// elements as the tuple, decoded in order.
            fn from_redis_value(value: Value) -> Result<Self> {
                let mut items = tuple_items::<Self>(value, $n)?;
                Ok(($($name::from_redis_value(items.next().unwrap_or(Value::Nil))?,)+))
            }
        }
    };
}
tuple!(1; A);
tuple!(3; A, B, C);
tuple!(4; A, B, C, D);
tuple!(5; A, B, C, D, E);
tuple!(6; A, B, C, D, E, F);
tuple!(7; A, B, C, D, E, F, G);
tuple!(8; A, B, C, D, E, F, G, H);
tuple!(9; A, B, C, D, E, F, G, H, I);
tuple!(10; A, B, C, D, E, F, G, H, I, J);
tuple!(11; A, B, C, D, E, F, G, H, I, J, K);
tuple!(12; A, B, C, D, E, F, G, H, I, J, K, L);

impl<A: FromRedisValue, B: FromRedisValue> FromRedisValue for (A, B) {
    /// A two-element array (or set, or one-entry map), decoded in order.
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = tuple_items::<Self>(value, 2)?;
        Ok((
            A::from_redis_value(items.next().unwrap_or(Value::Nil))?,
            B::from_redis_value(items.next().unwrap_or(Value::Nil))?,
        ))
    }

    /// `Vec<(A, B)>`: the entries of a RESP3 map, an array of two-element
    /// arrays, or a RESP2 flat array `a b a b` of even length. Nil is empty.
    fn from_redis_value_vec(value: Value) -> Result<Vec<Self>> {
        let pairs = into_pairs::<Vec<Self>>(value)?;
        let mut out = Vec::with_capacity(pairs.size_hint().0);
        for (a, b) in pairs {
            out.push((A::from_redis_value(a)?, B::from_redis_value(b)?));
        }
        Ok(out)
    }
}
