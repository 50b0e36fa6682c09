//! The mixed keyspace the scan tests load and check: 10 000 keys of every
//! type, named after their type (`string:0`, `zset:17`...), and the check
//! that a scan returned exactly a given set.

use std::collections::HashSet;

use redis_typed::{Cmd, Value};

/// How many keys of each type: 10 000 in all ([`TOTAL`]).
pub const TYPES: [(&str, usize); 6] = [
    ("string", 6000),
    ("hash", 1000),
    ("set", 1000),
    ("zset", 1000),
    ("list", 500),
    ("stream", 500),
];

/// How many keys [`TYPES`] makes.
pub const TOTAL: usize = 10_000;

/// `n` names: `prefix:0` to `prefix:<n-1>`.
pub fn names(prefix: &str, n: usize) -> HashSet<String> {
    (0..n).map(|i| format!("{prefix}:{i}")).collect()
}

/// The key names of one type: `string:0`, `hash:17`...
pub fn keys_of(kind: &str) -> HashSet<String> {
    let n = TYPES.iter().find(|(t, _)| *t == kind).unwrap().1;
    names(kind, n)
}

/// Every key of the keyspace.
pub fn all_keys() -> HashSet<String> {
    TYPES.iter().flat_map(|(t, _)| keys_of(t)).collect()
}

/// The command that creates `key` with the type `kind`.
pub fn create(kind: &str, key: &str) -> Cmd<Value> {
    let cmd = |name: &str| Cmd::<Value>::new(name).key(key);
    match kind {
        "string" => cmd("SET").arg("v"),
        "hash" => cmd("HSET").arg("f").arg("v"),
        "set" => cmd("SADD").arg("m"),
        "zset" => cmd("ZADD").arg("1").arg("m"),
        "list" => cmd("RPUSH").arg("e"),
        "stream" => cmd("XADD").arg("*").arg("f").arg("v"),
        other => unreachable!("{other}"),
    }
}

/// The commands that create the whole keyspace.
pub fn create_all() -> impl Iterator<Item = Cmd<Value>> {
    TYPES
        .iter()
        .flat_map(|(t, n)| (0..*n).map(move |i| create(t, &format!("{t}:{i}"))))
}

/// Asserts that the scanned items `got` (duplicates allowed) are exactly
/// `want`: each at least once, nothing else.
pub fn assert_exactly<T>(got: Vec<T>, want: &HashSet<T>, what: &str)
where
    T: std::hash::Hash + Eq + std::fmt::Debug,
{
    let got: HashSet<T> = got.into_iter().collect();
    let missing = want.difference(&got).count();
    let extra: Vec<_> = got.difference(want).take(5).collect();
    assert!(
        missing == 0 && extra.is_empty(),
        "{what}: {missing} missing, unexpected {extra:?}"
    );
}
