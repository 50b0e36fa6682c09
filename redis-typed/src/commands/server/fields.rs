//! Decoding helpers for the text replies of the server, cluster and
//! connection groups (`CLIENT LIST`, `INFO`, `CLUSTER NODES`...) and for
//! durations sent as integers. Map- and array-shaped replies are read with
//! [`crate::commands::fields`].
//!
//! Every error names the Rust type being decoded and the field at fault; no
//! input panics.

use std::any::type_name;
use std::str::FromStr;
use std::time::Duration;

use crate::commands::fields::{conversion, strip};
use crate::error::{Error, Result};
use crate::resp::Value;
use crate::types::{unexpected, FromRedisValue};

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

/// A reply of one text line per item (`CLUSTER NODES`, `CLIENT LIST`),
/// when exactly one item is expected: a string holding one non-blank line,
/// parsed as `T`. `what` names an item in errors (`"node"`, `"client"`).
pub(crate) fn one_line<T: FromStr<Err = Error>>(value: Value, what: &str) -> Result<T> {
    let text = text::<T>(value)?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    match (lines.next(), lines.next()) {
        (Some(line), None) => line.parse(),
        (None, _) => Err(conversion::<T>(format!("an empty {what} line"))),
        (Some(_), Some(_)) => Err(conversion::<T>(format!(
            "several {what} lines (decode as Vec<{}>)",
            short_name::<T>()
        ))),
    }
}

/// A reply of one text line per item: a string of lines (blank lines
/// skipped), or an array whose elements decode one item each (`T`'s own
/// decoder, normally [`one_line`]). Nil is empty.
pub(crate) fn lines<T: FromStr<Err = Error> + FromRedisValue>(value: Value) -> Result<Vec<T>> {
    match strip(value) {
        v @ (Value::BulkString(_) | Value::SimpleString(_) | Value::Verbatim { .. }) => {
            text::<Vec<T>>(v)?
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::parse)
                .collect()
        }
        Value::Array(items) | Value::Set(items) => {
            items.into_iter().map(T::from_redis_value).collect()
        }
        Value::Nil => Ok(Vec::new()),
        other => Err(unexpected::<Vec<T>>(&other)),
    }
}

/// `T`'s name without its module path.
fn short_name<T>() -> &'static str {
    let name = type_name::<T>();
    name.rsplit("::").next().unwrap_or(name)
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

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use proptest::prelude::*;

    use super::*;
    use crate::commands::*;
    use crate::resp::VerbatimFormat;

    struct Probe;

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
