//! Decoding helpers for the hand-written structured replies of the server,
//! cluster, connection, scripting and pub/sub groups.
//!
//! - [`Fields`]: the named fields of a map-shaped reply, read from a RESP3
//!   map or a RESP2 flat `name value ...` array.
//! - [`Items`]: the positional elements of an array-shaped reply.
//! - [`text`], [`parse_field`] and the duration helpers for the replies that
//!   are text (`CLIENT LIST`, `INFO`, `CLUSTER NODES`...).
//!
//! Every error names the Rust type being decoded and the field at fault; no
//! input panics.

use std::any::type_name;
use std::marker::PhantomData;
use std::str::FromStr;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::resp::Value;
use crate::types::{unexpected, FromRedisValue};

/// Looks through RESP3 attributes to the value they describe.
pub(crate) fn strip(value: Value) -> Value {
    match value {
        Value::Attribute { value, .. } => strip(*value),
        other => other,
    }
}

/// A conversion error for type `T`.
pub(crate) fn conversion<T>(received: impl Into<String>) -> Error {
    Error::Conversion {
        expected: type_name::<T>(),
        received: received.into(),
    }
}

/// Re-labels an error met while decoding field `name` of `T`, so the message
/// names the struct and the field (server errors pass through unchanged).
pub(crate) fn in_field<T>(name: &str, err: Error) -> Error {
    match err {
        Error::Conversion { expected, received } => {
            conversion::<T>(format!("field {name:?}: {received} (expected {expected})"))
        }
        other => other,
    }
}

/// Decodes `value` as field `name` of `T`.
pub(crate) fn field<T, F: FromRedisValue>(name: &str, value: Value) -> Result<F> {
    F::from_redis_value(value).map_err(|e| in_field::<T>(name, e))
}

/// The text of a string-like key (bulk, simple, verbatim, number), or `None`.
fn key_text(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(b) | Value::SimpleString(b) | Value::BigNumber(b) => {
            Some(String::from_utf8_lossy(b).into_owned())
        }
        Value::Verbatim { text, .. } => Some(String::from_utf8_lossy(text).into_owned()),
        Value::Integer(i) => Some(i.to_string()),
        Value::Attribute { value, .. } => key_text(value),
        _ => None,
    }
}

/// The key/value pairs of a map-shaped reply, in order: a RESP3 map or a
/// RESP2 flat array of even length.
pub(crate) fn pairs<T>(value: Value) -> Result<Vec<(Value, Value)>> {
    match strip(value) {
        Value::Map(entries) => Ok(entries),
        Value::Array(items) | Value::Set(items) | Value::Push(items) if items.len() % 2 == 0 => {
            let mut out = Vec::with_capacity(items.len() / 2);
            let mut items = items.into_iter();
            while let (Some(k), Some(v)) = (items.next(), items.next()) {
                out.push((k, v));
            }
            Ok(out)
        }
        v @ (Value::Array(_) | Value::Set(_) | Value::Push(_)) => Err(conversion::<T>(format!(
            "{} (odd length, not name/value pairs)",
            v.summary()
        ))),
        other => Err(unexpected::<T>(&other)),
    }
}

/// The text of a string reply (bulk, simple or verbatim), invalid UTF-8
/// replaced by U+FFFD: the text replies (`INFO`, `CLIENT LIST`...) are ASCII,
/// and one odd byte should not hide the rest.
pub(crate) fn text<T>(value: Value) -> Result<String> {
    match strip(value) {
        Value::BulkString(b) | Value::SimpleString(b) => {
            Ok(String::from_utf8_lossy(&b).into_owned())
        }
        Value::Verbatim { text, .. } => Ok(String::from_utf8_lossy(&text).into_owned()),
        other => Err(unexpected::<T>(&other)),
    }
}

/// Parses `text` as field `name` of `T`.
pub(crate) fn parse_field<T, F: FromStr>(name: &str, text: &str) -> Result<F> {
    text.parse().map_err(|_| {
        conversion::<T>(format!(
            "field {name:?}: {text:?} (expected {})",
            type_name::<F>()
        ))
    })
}

/// The unit of a duration sent as an integer.
#[derive(Clone, Copy)]
pub(crate) enum Unit {
    /// Milliseconds.
    Millis,
    /// Microseconds.
    Micros,
}

/// A non-negative count of `unit`s as a [`Duration`], for field `name` of
/// `T` (a negative count is an error).
pub(crate) fn duration<T>(name: &str, count: i64, unit: Unit) -> Result<Duration> {
    let n = u64::try_from(count)
        .map_err(|_| conversion::<T>(format!("field {name:?}: {count} (expected a duration)")))?;
    Ok(match unit {
        Unit::Millis => Duration::from_millis(n),
        Unit::Micros => Duration::from_micros(n),
    })
}

/// The named fields of a map-shaped reply, taken one by one while decoding
/// into `T`. Field names are compared exactly; the first of duplicated names
/// wins.
pub(crate) struct Fields<T> {
    entries: Vec<(String, Value)>,
    _target: PhantomData<fn() -> T>,
}

impl<T> Fields<T> {
    /// Reads a RESP3 map or a RESP2 flat array; anything else is an error
    /// naming `T`.
    pub(crate) fn new(value: Value) -> Result<Self> {
        let pairs = pairs::<T>(value)?;
        let mut entries = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match key_text(&k) {
                Some(name) => entries.push((name, v)),
                None => {
                    return Err(conversion::<T>(format!(
                        "a map with a {} as a field name",
                        k.kind_name()
                    )))
                }
            }
        }
        Ok(Fields {
            entries,
            _target: PhantomData,
        })
    }

    /// Removes and returns field `name`, if present.
    pub(crate) fn take(&mut self, name: &str) -> Option<Value> {
        let index = self.entries.iter().position(|(k, _)| k == name)?;
        Some(self.entries.remove(index).1)
    }

    /// A required field: absent is an error naming `T` and the field.
    pub(crate) fn required<F: FromRedisValue>(&mut self, name: &str) -> Result<F> {
        match self.take(name) {
            Some(value) => field::<T, F>(name, value),
            None => Err(conversion::<T>(format!(
                "a reply without the {name:?} field"
            ))),
        }
    }

    /// An optional field: absent or nil is `None`.
    pub(crate) fn optional<F: FromRedisValue>(&mut self, name: &str) -> Result<Option<F>> {
        match self.take(name).map(strip) {
            Some(Value::Nil) | None => Ok(None),
            Some(value) => field::<T, F>(name, value).map(Some),
        }
    }

    /// An optional field: absent or nil is `F::default()`.
    pub(crate) fn or_default<F: FromRedisValue + Default>(&mut self, name: &str) -> Result<F> {
        Ok(self.optional(name)?.unwrap_or_default())
    }

    /// The fields not taken yet, in reply order.
    pub(crate) fn into_rest(self) -> Vec<(String, Value)> {
        self.entries
    }
}

/// The positional elements of an array-shaped reply, taken in order while
/// decoding into `T`.
pub(crate) struct Items<T> {
    items: std::vec::IntoIter<Value>,
    index: usize,
    _target: PhantomData<fn() -> T>,
}

impl<T> Items<T> {
    /// Reads an array (or set, or push) of at least `min` elements.
    pub(crate) fn new(value: Value, min: usize) -> Result<Self> {
        match strip(value) {
            Value::Array(items) | Value::Set(items) | Value::Push(items) if items.len() >= min => {
                Ok(Items {
                    items: items.into_iter(),
                    index: 0,
                    _target: PhantomData,
                })
            }
            v @ (Value::Array(_) | Value::Set(_) | Value::Push(_)) => Err(conversion::<T>(
                format!("{} (expected at least {min})", v.summary()),
            )),
            other => Err(unexpected::<T>(&other)),
        }
    }

    /// The next element, as field `name`: absent is an error.
    pub(crate) fn required<F: FromRedisValue>(&mut self, name: &str) -> Result<F> {
        let index = self.index;
        self.index += 1;
        match self.items.next() {
            Some(value) => field::<T, F>(name, value),
            None => Err(conversion::<T>(format!(
                "a reply without element {index} ({name})"
            ))),
        }
    }

    /// The next element, as field `name`: absent or nil is `None`.
    pub(crate) fn optional<F: FromRedisValue>(&mut self, name: &str) -> Result<Option<F>> {
        self.index += 1;
        match self.items.next().map(strip) {
            Some(Value::Nil) | None => Ok(None),
            Some(value) => field::<T, F>(name, value).map(Some),
        }
    }

    /// The elements not taken yet.
    pub(crate) fn rest(self) -> std::vec::IntoIter<Value> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use proptest::prelude::*;

    use super::*;
    use crate::commands::*;
    use crate::resp::VerbatimFormat;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    struct Probe;

    #[test]
    fn fields_from_map_and_flat_array() {
        let map = Value::Map(vec![(bulk("a"), Value::Integer(1)), (bulk("b"), bulk("x"))]);
        let flat = Value::Array(vec![bulk("a"), bulk("1"), bulk("b"), bulk("x")]);
        for value in [map, flat] {
            let mut f = Fields::<Probe>::new(value).unwrap();
            assert_eq!(f.required::<i64>("a").unwrap(), 1);
            assert_eq!(f.optional::<String>("zz").unwrap(), None);
            let rest = f.into_rest();
            assert_eq!(rest.len(), 1);
            assert_eq!(rest[0].0, "b");
        }
    }

    #[test]
    fn errors_name_the_type_and_the_field() {
        let mut f = Fields::<Probe>::new(Value::Map(vec![(bulk("a"), bulk("x"))])).unwrap();
        let missing = f.required::<i64>("port").unwrap_err().to_string();
        assert!(
            missing.contains("Probe") && missing.contains("\"port\""),
            "{missing}"
        );
        let wrong = f.required::<i64>("a").unwrap_err().to_string();
        assert!(wrong.contains("Probe") && wrong.contains("\"a\"") && wrong.contains("i64"));

        let odd = Fields::<Probe>::new(Value::Array(vec![bulk("a")]));
        assert!(odd.is_err());
        let not_a_map = Fields::<Probe>::new(Value::Integer(1));
        assert!(not_a_map.is_err());

        let mut items = Items::<Probe>::new(Value::Array(vec![Value::Integer(1)]), 1).unwrap();
        assert_eq!(items.required::<i64>("id").unwrap(), 1);
        let err = items.required::<i64>("time").unwrap_err().to_string();
        assert!(err.contains("element 1 (time)"), "{err}");
        assert!(Items::<Probe>::new(Value::Array(vec![]), 2).is_err());
    }

    #[test]
    fn server_errors_pass_through() {
        let value = Value::Map(vec![(
            bulk("a"),
            Value::Error(Bytes::from_static(b"ERR x")),
        )]);
        let mut f = Fields::<Probe>::new(value).unwrap();
        assert!(matches!(f.required::<i64>("a"), Err(Error::Server(_))));
    }

    #[test]
    fn durations_reject_negative_counts() {
        assert_eq!(
            duration::<Probe>("d", 1500, Unit::Micros).unwrap(),
            Duration::from_micros(1500)
        );
        assert_eq!(
            duration::<Probe>("d", i64::MAX, Unit::Millis).unwrap(),
            Duration::from_millis(i64::MAX as u64)
        );
        assert!(duration::<Probe>("d", -1, Unit::Millis).is_err());
    }

    // ------------------------------------------------- no panics, any input

    fn arb_value() -> impl Strategy<Value = Value> {
        let text = prop_oneof![
            Just("".to_string()),
            "[a-z_.-]{1,12}",
            "[0-9]{1,6}",
            "-?[0-9]{1,25}",
            Just("id=1 addr=a:1 age=x".to_string()),
            Just("# Server\r\nk:v\r\nm:a=1,b".to_string()),
            Just("n 1:2@3,h f - 0 0 0 connected 0-5 [7->-x] [8-<-y] 9".to_string()),
            ".{0,40}",
        ];
        let leaf = prop_oneof![
            Just(Value::Nil),
            text.clone()
                .prop_map(|s| Value::SimpleString(Bytes::from(s.into_bytes()))),
            text.clone()
                .prop_map(|s| Value::BulkString(Bytes::from(s.into_bytes()))),
            text.prop_map(|s| Value::Verbatim {
                format: VerbatimFormat(*b"txt"),
                text: Bytes::from(s.into_bytes()),
            }),
            any::<i64>().prop_map(Value::Integer),
            prop_oneof![Just(-1i64), Just(0), Just(1), Just(16383), Just(70000)]
                .prop_map(Value::Integer),
            any::<f64>().prop_map(Value::Double),
            any::<bool>().prop_map(Value::Boolean),
            Just(Value::Error(Bytes::from_static(b"ERR no"))),
        ];
        let name = prop_oneof![
            "[a-z_.-]{1,10}",
            prop::sample::select(vec![
                "id",
                "port",
                "ip",
                "slots",
                "nodes",
                "flags",
                "name",
                "engine",
                "functions",
                "library_name",
                "library_code",
                "count",
                "age-seconds",
                "running_script",
                "engines",
                "calls",
                "histogram_usec",
                "group",
                "arguments",
                "subcommands",
                "history",
                "type",
                "db.0",
                "selectors",
                "keys",
                "channels",
                "commands",
                "passwords",
                "redirect",
                "prefixes",
                "direction",
                "node",
                "create-time",
                "events",
                "begin_search",
                "find_keys",
                "spec",
                "index",
                "keyword",
                "startfrom",
            ])
            .prop_map(str::to_string),
        ];
        leaf.prop_recursive(5, 64, 8, move |inner| {
            let named = prop::collection::vec(
                (
                    name.clone()
                        .prop_map(|s| Value::BulkString(Bytes::from(s.into_bytes()))),
                    inner.clone(),
                ),
                0..6,
            );
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..12).prop_map(Value::Array),
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Set),
                named.clone().prop_map(Value::Map),
                named.prop_map(|pairs| {
                    Value::Array(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect())
                }),
            ]
        })
    }

    /// Decodes `value` as `R`, only to see it does not panic.
    fn try_decode<R: FromRedisValue>(value: &Value) {
        let _ = R::from_redis_value(value.clone());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn no_reply_panics_a_decoder(value in arb_value()) {
            try_decode::<Vec<SlowLogEntry>>(&value);
            try_decode::<ClientInfoReply>(&value);
            try_decode::<Vec<ClientInfoReply>>(&value);
            try_decode::<ClientTrackingInfoReply>(&value);
            try_decode::<std::collections::HashMap<String, CommandDoc>>(&value);
            try_decode::<Vec<Option<CommandInfoReply>>>(&value);
            try_decode::<MemoryStatsReply>(&value);
            try_decode::<InfoReply>(&value);
            try_decode::<Vec<ClusterShard>>(&value);
            try_decode::<Vec<ClusterSlotRange>>(&value);
            try_decode::<Vec<ClusterNode>>(&value);
            try_decode::<ClusterInfoReply>(&value);
            try_decode::<Vec<ClusterLink>>(&value);
            try_decode::<RoleReply>(&value);
            try_decode::<Vec<FunctionLibrary>>(&value);
            try_decode::<FunctionStatsReply>(&value);
            try_decode::<Option<AclUser>>(&value);
            try_decode::<Vec<AclLogEntry>>(&value);
            try_decode::<Vec<LatencyEvent>>(&value);
            try_decode::<std::collections::HashMap<String, CommandHistogram>>(&value);
            try_decode::<ServerTime>(&value);
        }
    }
}
