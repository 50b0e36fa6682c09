//! Decoding helpers shared by the structured replies of the data commands
//! (streams, scans, geo, LCS, pops).
//!
//! Two reply shapes recur:
//!
//! - **Named fields** ([`Fields`]): `XINFO STREAM`, `XINFO GROUPS`, `LCS IDX`
//!   reply a RESP3 map, or on RESP2 a flat `name value name value` array.
//!   Entries are looked up by name, unknown names are ignored (newer servers
//!   add fields), and a missing required field is a conversion error naming
//!   the struct and the field.
//! - **Positional arrays** ([`Items`]): `[cursor, items]`, `[id, fields]`,
//!   `[id, consumer, idle, deliveries]`. The length is checked once, and an
//!   element that does not decode is reported with the struct and the
//!   element's name.
//!
//! Error messages match the ones `#[derive(FromRedisValue)]` produces (the
//! same `missing_field` / `field_error` builders).

use std::marker::PhantomData;

use bytes::Bytes;

use crate::__private::{field_error, missing_field};
use crate::error::{Error, Result};
use crate::resp::{ArgWriter, Value};
use crate::types::{unexpected, FromRedisValue, SingleArg};

/// Looks through RESP3 attributes to the value they describe.
pub(crate) fn strip(value: Value) -> Value {
    match value {
        Value::Attribute { value, .. } => strip(*value),
        other => other,
    }
}

/// The conversion error for `S` with a custom description of what came.
#[cold]
pub(crate) fn shape_error<S>(received: String) -> Error {
    Error::Conversion {
        expected: std::any::type_name::<S>(),
        received,
    }
}

/// The bytes of a string-like name (bulk, simple, verbatim).
fn name_bytes(value: Value) -> Option<Bytes> {
    match strip(value) {
        Value::BulkString(b) | Value::SimpleString(b) => Some(b),
        Value::Verbatim { text, .. } => Some(text),
        _ => None,
    }
}

/// The named fields of a map-shaped reply, read into struct `S`.
pub(crate) struct Fields<S> {
    entries: Vec<(Bytes, Value)>,
    _target: PhantomData<fn() -> S>,
}

impl<S> Fields<S> {
    /// Collects the entries of a RESP3 map, a RESP2 flat `name value ...`
    /// array, or an array of `[name, value]` pairs. Entries whose name is not
    /// a string are dropped.
    pub(crate) fn new(value: Value) -> Result<Self> {
        let mut entries = Vec::new();
        let mut push = |name: Value, value: Value| {
            if let Some(name) = name_bytes(name) {
                entries.push((name, value));
            }
        };
        match strip(value) {
            Value::Map(map) => map.into_iter().for_each(|(k, v)| push(k, v)),
            Value::Array(items) | Value::Set(items) | Value::Push(items) => {
                // `[[name, value], ...]`: names are strings, so a flat
                // array is never made of pairs only.
                let nested = !items.is_empty()
                    && items
                        .iter()
                        .all(|v| matches!(v, Value::Array(p) if p.len() == 2));
                if nested {
                    for pair in items {
                        if let Value::Array(pair) = pair {
                            let mut pair = pair.into_iter();
                            if let (Some(k), Some(v)) = (pair.next(), pair.next()) {
                                push(k, v);
                            }
                        }
                    }
                } else if items.len() % 2 == 0 {
                    let mut items = items.into_iter();
                    while let (Some(k), Some(v)) = (items.next(), items.next()) {
                        push(k, v);
                    }
                } else {
                    return Err(shape_error::<S>(format!(
                        "array of {} elements (odd length, not name/value pairs)",
                        items.len()
                    )));
                }
            }
            other => return Err(unexpected::<S>(&other)),
        }
        Ok(Fields {
            entries,
            _target: PhantomData,
        })
    }

    fn take(&mut self, name: &str) -> Option<Value> {
        let at = self
            .entries
            .iter()
            .position(|(n, _)| &n[..] == name.as_bytes())?;
        Some(self.entries.swap_remove(at).1)
    }

    /// A required field: missing is an error naming `S` and the field.
    pub(crate) fn required<T: FromRedisValue>(&mut self, name: &'static str) -> Result<T> {
        match self.take(name) {
            Some(value) => T::from_redis_value(value).map_err(|e| field_error::<S>(name, e)),
            None => Err(missing_field::<S>(name)),
        }
    }

    /// An optional field: absent (older servers) or nil is `None`.
    pub(crate) fn optional<T: FromRedisValue>(&mut self, name: &'static str) -> Result<Option<T>> {
        match self.take(name) {
            Some(value) if !matches!(strip_ref(&value), Value::Nil) => T::from_redis_value(value)
                .map(Some)
                .map_err(|e| field_error::<S>(name, e)),
            _ => Ok(None),
        }
    }

    /// A field that defaults when absent or nil (lists, counters that older
    /// servers leave out).
    pub(crate) fn or_default<T: FromRedisValue + Default>(
        &mut self,
        name: &'static str,
    ) -> Result<T> {
        self.optional(name).map(Option::unwrap_or_default)
    }
}

fn strip_ref(value: &Value) -> &Value {
    match value {
        Value::Attribute { value, .. } => strip_ref(value),
        other => other,
    }
}

/// The elements of a positional array reply, read into struct `S`.
pub(crate) struct Items<S> {
    items: std::vec::IntoIter<Value>,
    _target: PhantomData<fn() -> S>,
}

impl<S> Items<S> {
    /// An array (or set, push) of `min..=max` elements.
    pub(crate) fn new(value: Value, min: usize, max: usize) -> Result<Self> {
        match strip(value) {
            Value::Array(items) | Value::Set(items) | Value::Push(items)
                if (min..=max).contains(&items.len()) =>
            {
                Ok(Items {
                    items: items.into_iter(),
                    _target: PhantomData,
                })
            }
            v @ (Value::Array(_) | Value::Set(_) | Value::Push(_) | Value::Map(_)) => {
                let expected = if min == max {
                    format!("{min}")
                } else {
                    format!("{min} to {max}")
                };
                Err(shape_error::<S>(format!(
                    "{} (expected {expected} elements)",
                    v.summary()
                )))
            }
            other => Err(unexpected::<S>(&other)),
        }
    }

    /// The next element, decoded; `what` names it in errors. Past the end
    /// it decodes nil (so `Option` and `Vec` elements may be absent).
    pub(crate) fn next<T: FromRedisValue>(&mut self, what: &'static str) -> Result<T> {
        T::from_redis_value(self.items.next().unwrap_or(Value::Nil))
            .map_err(|e| field_error::<S>(what, e))
    }

    /// The next element undecoded.
    pub(crate) fn next_raw(&mut self) -> Option<Value> {
        self.items.next()
    }
}

/// Captures the one argument a [`SingleArg`] writes.
struct Capture(Vec<u8>);

impl ArgWriter for Capture {
    fn write_arg(&mut self, arg: &[u8]) {
        self.0.extend_from_slice(arg);
    }
}

/// The bytes of the one argument `arg` writes (ids, group and consumer
/// names, patterns), so a command stores them without a type parameter
/// each.
pub(crate) fn arg_bytes<A: SingleArg + ?Sized>(arg: &A) -> Bytes {
    let mut capture = Capture(Vec::new());
    arg.write_redis_args(&mut capture);
    Bytes::from(capture.0)
}

/// Helpers for the unit tests of the data commands: wire bytes, keys,
/// read-only flag, reply types and decoding.
#[cfg(test)]
pub(crate) mod test_support {
    use bytes::{Bytes, BytesMut};

    use crate::commands::{encode, keys_of, Command};
    use crate::error::Result;
    use crate::resp::Value;
    use crate::types::FromRedisValue;

    /// The command as sent, as text.
    pub(crate) fn wire<C: Command>(cmd: &C) -> String {
        let mut out = BytesMut::new();
        encode(cmd, &mut out);
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The RESP array of bulk strings for `args`, built independently.
    pub(crate) fn resp(args: &[&str]) -> String {
        let mut out = format!("*{}\r\n", args.len());
        for arg in args {
            out.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        out
    }

    /// Checks wire bytes, keys and the read-only flag at once.
    #[track_caller]
    pub(crate) fn check<C: Command>(cmd: &C, args: &[&str], keys: &[&str], read_only: bool) {
        assert_eq!(wire(cmd), resp(args));
        let got: Vec<String> = keys_of(cmd)
            .into_iter()
            .map(|k| String::from_utf8(k).unwrap())
            .collect();
        assert_eq!(got, keys, "keys");
        assert_eq!(cmd.read_only(), read_only, "read_only");
    }

    /// Compiles only when the reply type is exactly `R`.
    pub(crate) fn assert_response<R, C: Command<Response = R>>(_: &C) {}

    /// Decodes `value` as `cmd`'s reply.
    pub(crate) fn decode<C: Command>(_: &C, value: Value) -> Result<C::Response> {
        C::Response::from_redis_value(value)
    }

    pub(crate) fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    pub(crate) fn arr(items: Vec<Value>) -> Value {
        Value::Array(items)
    }

    pub(crate) fn int(i: i64) -> Value {
        Value::Integer(i)
    }

    pub(crate) fn double(d: f64) -> Value {
        Value::Double(d)
    }

    pub(crate) fn map(entries: Vec<(&str, Value)>) -> Value {
        Value::Map(entries.into_iter().map(|(k, v)| (bulk(k), v)).collect())
    }

    /// The RESP2 form of `map`: a flat `name value ...` array.
    pub(crate) fn flat(entries: Vec<(&str, Value)>) -> Value {
        Value::Array(
            entries
                .into_iter()
                .flat_map(|(k, v)| [bulk(k), v])
                .collect(),
        )
    }
}
