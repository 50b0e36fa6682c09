//! The generator's tables: which commands are hand-written, and the few
//! places where the specs need a correction or a better name. Everything
//! else follows the rules in `args.rs` and `reply.rs`.

use crate::spec::{Arg, ArgKind, Command};

/// Who writes a hand-written command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// The first set, in `commands/*/basic.rs`.
    FirstSet,
    /// Hand-tuned data commands (reply shapes chosen by options).
    Data,
    /// Hand-tuned server commands (structured replies).
    Server,
}

/// Commands typed by hand, never generated, with their Rust type names
/// (the registry lists them too).
pub const HAND_WRITTEN: &[(&str, &str, Owner)] = {
    use Owner::*;
    &[
        ("GET", "Get", FirstSet),
        ("SET", "Set", FirstSet),
        ("MGET", "MGet", FirstSet),
        ("MSET", "MSet", FirstSet),
        ("DEL", "Del", FirstSet),
        ("EXISTS", "Exists", FirstSet),
        ("INCR", "Incr", FirstSet),
        ("INCRBY", "IncrBy", FirstSet),
        ("EXPIRE", "Expire", FirstSet),
        ("TTL", "Ttl", FirstSet),
        ("HSET", "HSet", FirstSet),
        ("HGET", "HGet", FirstSet),
        ("HGETALL", "HGetAll", FirstSet),
        ("LPUSH", "LPush", FirstSet),
        ("LRANGE", "LRange", FirstSet),
        ("SADD", "SAdd", FirstSet),
        ("SMEMBERS", "SMembers", FirstSet),
        ("ZADD", "ZAdd", FirstSet),
        ("ZRANGE", "ZRange", FirstSet),
        ("PING", "Ping", FirstSet),
        ("ECHO", "Echo", FirstSet),
        ("HELLO", "Hello", FirstSet),
        ("AUTH", "Auth", FirstSet),
        ("SELECT", "Select", FirstSet),
        ("CLIENT SETNAME", "ClientSetName", FirstSet),
        ("SPOP", "SPop", Data),
        ("SRANDMEMBER", "SRandMember", Data),
        ("LPOP", "LPop", Data),
        ("RPOP", "RPop", Data),
        ("LPOS", "LPos", Data),
        ("ZRANDMEMBER", "ZRandMember", Data),
        ("HRANDFIELD", "HRandField", Data),
        ("ZPOPMIN", "ZPopMin", Data),
        ("ZPOPMAX", "ZPopMax", Data),
        ("BZPOPMIN", "BZPopMin", Data),
        ("BZPOPMAX", "BZPopMax", Data),
        ("ZMPOP", "ZMPop", Data),
        ("BZMPOP", "BZMPop", Data),
        ("LMPOP", "LMPop", Data),
        ("BLMPOP", "BLMPop", Data),
        ("ZRANGEBYSCORE", "ZRangeByScore", Data),
        ("ZREVRANGEBYSCORE", "ZRevRangeByScore", Data),
        ("ZREVRANGE", "ZRevRange", Data),
        ("ZRANGEBYLEX", "ZRangeByLex", Data),
        ("ZREVRANGEBYLEX", "ZRevRangeByLex", Data),
        ("ZUNION", "ZUnion", Data),
        ("ZINTER", "ZInter", Data),
        ("ZDIFF", "ZDiff", Data),
        ("LCS", "Lcs", Data),
        ("SCAN", "Scan", Data),
        ("HSCAN", "HScan", Data),
        ("SSCAN", "SScan", Data),
        ("ZSCAN", "ZScan", Data),
        ("GEOSEARCH", "GeoSearch", Data),
        ("GEORADIUS", "GeoRadius", Data),
        ("GEORADIUS_RO", "GeoRadiusRo", Data),
        ("GEORADIUSBYMEMBER", "GeoRadiusByMember", Data),
        ("GEORADIUSBYMEMBER_RO", "GeoRadiusByMemberRo", Data),
        ("GEOPOS", "GeoPos", Data),
        ("XPENDING", "XPending", Data),
        ("XAUTOCLAIM", "XAutoClaim", Data),
        ("XCLAIM", "XClaim", Data),
        ("XRANGE", "XRange", Data),
        ("XREVRANGE", "XRevRange", Data),
        ("XREAD", "XRead", Data),
        ("XREADGROUP", "XReadGroup", Data),
        ("XINFO STREAM", "XInfoStream", Data),
        ("XINFO GROUPS", "XInfoGroups", Data),
        ("XINFO CONSUMERS", "XInfoConsumers", Data),
        ("SLOWLOG GET", "SlowlogGet", Server),
        ("CLIENT LIST", "ClientList", Server),
        ("CLIENT INFO", "ClientInfo", Server),
        ("COMMAND DOCS", "CommandDocs", Server),
        ("COMMAND INFO", "CommandInfo", Server),
        ("MEMORY STATS", "MemoryStats", Server),
        ("INFO", "Info", Server),
        ("CLUSTER SHARDS", "ClusterShards", Server),
        ("CLUSTER SLOTS", "ClusterSlots", Server),
        ("CLUSTER NODES", "ClusterNodes", Server),
        ("CLUSTER REPLICAS", "ClusterReplicas", Server),
        ("CLUSTER SLAVES", "ClusterSlaves", Server),
        ("CLUSTER INFO", "ClusterInfo", Server),
        ("CLUSTER LINKS", "ClusterLinks", Server),
        ("ROLE", "Role", Server),
        ("FUNCTION LIST", "FunctionList", Server),
        ("FUNCTION STATS", "FunctionStats", Server),
        ("ACL GETUSER", "AclGetUser", Server),
        ("ACL LOG", "AclLog", Server),
        ("LATENCY LATEST", "LatencyLatest", Server),
        ("LATENCY HISTORY", "LatencyHistory", Server),
        ("LATENCY HISTOGRAM", "LatencyHistogram", Server),
        ("MODULE LIST", "ModuleList", Server),
        ("TIME", "Time", Server),
        ("CONFIG GET", "ConfigGet", Server),
        ("CLIENT TRACKINGINFO", "ClientTrackingInfo", Server),
        ("COMMAND GETKEYSANDFLAGS", "CommandGetKeysAndFlags", Server),
        ("PUBSUB NUMSUB", "PubsubNumSub", Server),
        ("PUBSUB SHARDNUMSUB", "PubsubShardNumSub", Server),
    ]
};

pub fn hand_written(name: &str) -> Option<(&'static str, Owner)> {
    HAND_WRITTEN
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, ty, owner)| (*ty, *owner))
}

// ------------------------------------------------------------ arguments

/// Corrections to the specs, applied before mapping. Each says why.
pub fn patch(cmd: &mut Command) {
    match cmd.name.as_str() {
        // The `CLIENT KILL addr:port` form (deprecated since 2.8.12) replies
        // `OK` where the filter form replies a count: typing only the filter
        // form keeps one reply type (`ADDR` does the same job).
        "CLIENT KILL" => {
            if let Some(filter) = cmd.arguments.iter_mut().find(|a| a.name == "filter") {
                if let Some(new_format) = filter.children().iter().find(|a| a.name == "new-format")
                {
                    let mut new_format = new_format.clone();
                    new_format.name = "filter".to_owned();
                    new_format.optional = false;
                    *filter = new_format;
                }
            }
        }
        // The spec lists no arguments, but DEBUG always takes a subcommand.
        "DEBUG" => {
            cmd.arguments = vec![
                plain_arg("subcommand", ArgKind::String, false),
                plain_arg("arg", ArgKind::String, true),
            ];
        }
        // The increment is a float (`ZINCRBY z 1.5 m`); the spec says integer.
        "ZINCRBY" => {
            if let Some(a) = cmd.arguments.iter_mut().find(|a| a.name == "increment") {
                a.kind = ArgKind::Double;
            }
        }
        // Weights are floats (`WEIGHTS 1 0.5`); the spec says integer.
        "ZINTERSTORE" | "ZUNIONSTORE" => {
            if let Some(a) = cmd.arguments.iter_mut().find(|a| a.name == "weight") {
                a.kind = ArgKind::Double;
            }
        }
        _ => {}
    }
}

fn plain_arg(name: &str, kind: ArgKind, repeated: bool) -> Arg {
    Arg {
        name: name.to_owned(),
        kind,
        token: None,
        display: None,
        optional: repeated,
        multiple: repeated,
        multiple_token: false,
        since: None,
        deprecated_since: None,
        key_spec_index: None,
    }
}

/// String arguments that are user data: a generic parameter (`V: SingleArg`)
/// rather than a `String`. `(argument name, type parameter, groups)`; no
/// groups means any group.
pub const DATA_ARGS: &[(&str, &str, &[&str])] = &[
    (
        "value",
        "V",
        &["string", "hash", "list", "set", "sorted_set", "stream"],
    ),
    ("field", "F", &["hash", "stream"]),
    ("member", "M", &["set", "sorted_set", "geo"]),
    ("member1", "M", &["geo"]),
    ("member2", "M", &["geo"]),
    ("element", "E", &["list", "hyperloglog"]),
    ("pivot", "E", &["list"]),
    ("message", "V", &["pubsub"]),
    ("arg", "A", &["scripting"]),
    ("serialized-value", "V", &[]),
];

/// String arguments kept out of `Debug` output (`redis_typed::auth::Secret`):
/// passwords, and ACL rules (which may carry `>password`).
pub const SECRET_ARGS: &[&str] = &["password", "auth", "rule"];

/// Range ends typed with the shared bound types: `(command, argument)`;
/// doubles become `ScoreBound`, strings `LexBound`.
pub const BOUND_ARGS: &[(&str, &str)] = &[
    ("ZCOUNT", "min"),
    ("ZCOUNT", "max"),
    ("ZREMRANGEBYSCORE", "min"),
    ("ZREMRANGEBYSCORE", "max"),
    ("ZLEXCOUNT", "min"),
    ("ZLEXCOUNT", "max"),
    ("ZREMRANGEBYLEX", "min"),
    ("ZREMRANGEBYLEX", "max"),
];

/// Constructor names for the alternatives of a command's required `oneof`
/// (default: the token or the alternative's name in snake case).
pub const CONSTRUCTOR_NAMES: &[(&str, &str, &str)] = &[
    ("XADD", "auto-id", "new"),
    ("XADD", "id", "with_id"),
    ("XGROUP CREATE", "id", "new"),
    ("XGROUP CREATE", "new-id", "latest"),
    ("XGROUP SETID", "id", "new"),
    ("XGROUP SETID", "new-id", "latest"),
    ("REPLICAOF", "host-port", "new"),
    ("SLAVEOF", "host-port", "new"),
    ("MIGRATE", "key", "new"),
    ("MIGRATE", "empty-string", "multiple"),
];

/// Names for generated enums, where `<Type><Argument>` reads badly.
pub const ENUM_NAMES: &[(&str, &str, &str)] = &[
    ("BITFIELD", "overflow-block", "BitFieldOverflow"),
    ("BITFIELD", "write-operation", "BitFieldWrite"),
    ("CLIENT KILL", "client-type", "ClientKillType"),
];

/// Enums shared by several commands, keyed by their token set:
/// `(tokens, name, group, doc)`. The generator writes each to
/// `<group>/<name>.rs`.
pub const SHARED_ENUMS: &[(&[&str], &str, &str, &str)] = &[
    (
        &["LEFT", "RIGHT"],
        "ListDirection",
        "list",
        "Which end of a list: `LEFT` (the head) or `RIGHT` (the tail).",
    ),
    (
        &["BYTE", "BIT"],
        "BitUnit",
        "bitmap",
        "Whether the range of `BITCOUNT`/`BITPOS` counts bytes or bits (Redis 7.0+).",
    ),
    (
        &["MAXLEN", "MINID"],
        "StreamTrimStrategy",
        "stream",
        "How `XADD`/`XTRIM` trims a stream: down to a length (`MAXLEN`) or below an ID \
         (`MINID`, Redis 6.2+).",
    ),
    (
        &["=", "~"],
        "StreamTrimOperator",
        "stream",
        "Whether trimming is exact (`=`) or may stop early, at a cheaper node boundary (`~`).",
    ),
];

/// Public enums written by hand elsewhere in the crate that a `oneof` maps
/// to, keyed by its alternatives (token, or name where the token is not a
/// word): `(alternatives, type, variants in the same order)`. Generated
/// files write them with a private `write_<type>` function.
pub const EXTERNAL_ENUMS: &[(&[&str], &str, &[&str])] = &[
    // commands/geo/geosearch.rs
    (
        &["m", "km", "ft", "mi"],
        "GeoUnit",
        &["Meters", "Kilometers", "Feet", "Miles"],
    ),
    (
        &["FROMMEMBER", "FROMLONLAT"],
        "GeoFrom",
        &["Member", "LonLat"],
    ),
    (&["circle", "box"], "GeoShape", &["Radius", "Box"]),
    // commands/sorted_set/zsetop.rs
    (&["SUM", "MIN", "MAX"], "Aggregate", &["Sum", "Min", "Max"]),
];

/// Module (file) names that would clash with a hand-written file.
pub const MODULE_NAMES: &[(&str, &str, &str)] = &[(
    "COMMAND GETKEYS",
    "command_get_keys",
    "server/command_getkeys.rs holds the hand-tuned COMMAND GETKEYSANDFLAGS",
)];

pub fn module_name(command: &str) -> String {
    MODULE_NAMES
        .iter()
        .find(|(c, _, _)| *c == command)
        .map(|(_, m, _)| (*m).to_owned())
        .unwrap_or_else(|| crate::naming::module_name(command))
}

// ---------------------------------------------------------------- replies

/// A reply type chosen by hand, where the schema is wrong or too loose.
pub struct ReplyOverride {
    pub command: &'static str,
    pub ty: &'static str,
    pub r_default: Option<&'static str>,
    pub doc: &'static [&'static str],
}

pub const REPLY_OVERRIDES: &[ReplyOverride] = &[
    ReplyOverride {
        command: "INCRBYFLOAT",
        ty: "f64",
        r_default: None,
        doc: &["", "The value after the increment (Redis sends it as a string)."],
    },
    ReplyOverride {
        command: "HINCRBYFLOAT",
        ty: "f64",
        r_default: None,
        doc: &["", "The value of the field after the increment (Redis sends it as a string)."],
    },
    ReplyOverride {
        command: "LMOVE",
        ty: "Option<R>",
        r_default: Some("Bytes"),
        doc: &["", "The element popped and pushed; `None` when `source` is empty (the spec omits this case)."],
    },
    ReplyOverride {
        command: "WAITAOF",
        ty: "(i64, i64)",
        r_default: None,
        doc: &["", "The number of local AOF files and of replicas that fsynced the writes."],
    },
    ReplyOverride {
        command: "SINTER",
        ty: "R",
        r_default: Some("HashSet<Bytes>"),
        doc: &["", "The members of the intersection, decoded like [`SMembers`](crate::commands::SMembers): a `HashSet`, `BTreeSet` or `Vec`."],
    },
    ReplyOverride {
        command: "SUNION",
        ty: "R",
        r_default: Some("HashSet<Bytes>"),
        doc: &["", "The members of the union, decoded like [`SMembers`](crate::commands::SMembers): a `HashSet`, `BTreeSet` or `Vec`."],
    },
    ReplyOverride {
        command: "SDIFF",
        ty: "R",
        r_default: Some("HashSet<Bytes>"),
        doc: &["", "The members of the difference, decoded like [`SMembers`](crate::commands::SMembers): a `HashSet`, `BTreeSet` or `Vec`."],
    },
    ReplyOverride {
        command: "EXEC",
        ty: "Option<R>",
        r_default: Some("Vec<Value>"),
        doc: &["", "The replies of the queued commands, decoded into `R` (a tuple such as `((), i64)` when the commands are known); `None` when a `WATCH`ed key changed and the transaction was aborted."],
    },
    ReplyOverride {
        command: "MONITOR",
        ty: "()",
        r_default: None,
        doc: &["", "`OK`; the connection then streams every command the server runs, as simple strings."],
    },
    ReplyOverride {
        command: "CLIENT KILL",
        ty: "i64",
        r_default: None,
        doc: &["", "The number of clients killed."],
    },
    ReplyOverride {
        command: "DUMP",
        ty: "Option<Bytes>",
        r_default: None,
        doc: &["", "The serialized value (for `RESTORE`), `None` when the key does not exist."],
    },
    ReplyOverride {
        command: "GEOHASH",
        ty: "Vec<Option<String>>",
        r_default: None,
        doc: &["", "The Geohash of each member, in order; `None` for a member that does not exist (the spec omits this case)."],
    },
    ReplyOverride {
        command: "TYPE",
        ty: "String",
        r_default: None,
        doc: &["", "The type of the value stored at the key: `string`, `list`, `set`, `zset`, `hash`, `stream`, or `none` when the key does not exist."],
    },
    ReplyOverride {
        command: "FUNCTION DUMP",
        ty: "Bytes",
        r_default: None,
        doc: &["", "The serialized libraries (for `FUNCTION RESTORE`)."],
    },
];

pub fn reply_override(command: &str) -> Option<&'static ReplyOverride> {
    REPLY_OVERRIDES.iter().find(|o| o.command == command)
}

/// Groups whose string replies are user data (`R`, `Bytes` by default).
const DATA_GROUPS: &[&str] = &[
    "string",
    "list",
    "hash",
    "set",
    "sorted_set",
    "hyperloglog",
    "bitmap",
    "stream",
    "geo",
];
/// Commands of other groups whose string replies are user data (key names).
const DATA_REPLIES: &[&str] = &["KEYS", "RANDOMKEY", "CLUSTER GETKEYSINSLOT", "SORT_RO"];
/// Commands of data groups whose string replies are server text.
const TEXT_REPLIES: &[&str] = &["GEOHASH", "XADD"];

pub fn reply_is_data(cmd: &Command) -> bool {
    !cmd.name.ends_with(" HELP")
        && (DATA_GROUPS.contains(&cmd.group.as_str()) || DATA_REPLIES.contains(&cmd.name.as_str()))
        && !TEXT_REPLIES.contains(&cmd.name.as_str())
}

/// Documentation of replies whose spec descriptions are wrong (these three
/// swap what 0 and 1 mean).
pub const REPLY_DOCS: &[(&str, &[&str])] = &[
    (
        "SETNX",
        &[
            "",
            "`true` if the key was set, `false` if it already existed.",
        ],
    ),
    (
        "HSETNX",
        &[
            "",
            "`true` if the field was set, `false` if it already existed.",
        ],
    ),
    (
        "CLIENT UNBLOCK",
        &[
            "",
            "`true` if the client was unblocked, `false` if it was not blocked.",
        ],
    ),
];

/// An option that changes the reply type: a `const` parameter of the
/// command, set by the option's method (typestate), with one `Command` impl
/// per value.
#[derive(Debug)]
pub struct ReplyFlag {
    pub command: &'static str,
    /// The argument (a pure token, or a key after a token) that sets it.
    pub arg: &'static str,
    /// The const parameter.
    pub konst: &'static str,
    /// The reply without / with the option.
    pub plain: &'static str,
    pub flagged: &'static str,
    pub r_default: Option<&'static str>,
    pub doc: &'static [&'static str],
}

pub const REPLY_FLAGS: &[ReplyFlag] = &[
    ReplyFlag {
        command: "ZRANK",
        arg: "withscore",
        konst: "WITH_SCORE",
        plain: "Option<i64>",
        flagged: "Option<(i64, f64)>",
        r_default: None,
        doc: &["", "The member's rank (0-based, lowest score first); with [`with_score`](Self::with_score), its rank and score; `None` when the key or the member does not exist."],
    },
    ReplyFlag {
        command: "ZREVRANK",
        arg: "withscore",
        konst: "WITH_SCORE",
        plain: "Option<i64>",
        flagged: "Option<(i64, f64)>",
        r_default: None,
        doc: &["", "The member's rank (0-based, highest score first); with [`with_score`](Self::with_score), its rank and score; `None` when the key or the member does not exist."],
    },
    ReplyFlag {
        command: "SORT",
        arg: "destination",
        konst: "STORE",
        plain: "Vec<Option<R>>",
        flagged: "i64",
        r_default: Some("Bytes"),
        doc: &["", "The sorted elements (`None` where a `GET` pattern found nothing); after [`store`](Self::store), the number of elements stored at the destination."],
    },
];

pub fn reply_flag(command: &str) -> Option<&'static ReplyFlag> {
    REPLY_FLAGS.iter().find(|f| f.command == command)
}

// ------------------------------------------------------------------- docs

/// Extra paragraphs for commands that need a word of warning.
pub const NOTES: &[(&str, &str)] = &[
    ("SUBSCRIBE", SUBSCRIBE_NOTE),
    ("PSUBSCRIBE", SUBSCRIBE_NOTE),
    ("SSUBSCRIBE", SUBSCRIBE_NOTE),
    ("UNSUBSCRIBE", SUBSCRIBE_NOTE),
    ("PUNSUBSCRIBE", SUBSCRIBE_NOTE),
    ("SUNSUBSCRIBE", SUBSCRIBE_NOTE),
    (
        "MONITOR",
        "After the `OK`, every frame the server sends is a monitored command, not a reply: \
         send it on a dedicated connection ([`Client::dedicated`](crate::Client::dedicated)) \
         and drop that connection to stop. The multiplexed [`Client`](crate::Client) refuses it \
         with [`Error::NotMultiplexable`](crate::Error::NotMultiplexable) (nothing is sent).",
    ),
    (
        "CLIENT REPLY",
        "With `OFF` or `SKIP` the server does not answer, so the request waits for a reply \
         that never comes (until the response timeout): only `ON` replies. The multiplexed \
         [`Client`](crate::Client) refuses `OFF` and `SKIP` with \
         [`Error::NotMultiplexable`](crate::Error::NotMultiplexable) (nothing is sent): send \
         them on a dedicated connection ([`Client::dedicated`](crate::Client::dedicated)).",
    ),
    (
        "RESET",
        "Drops the connection's authentication, database, name and subscriptions, and switches \
         it back to RESP2: send it on a dedicated connection \
         ([`Client::dedicated`](crate::Client::dedicated)). The multiplexed \
         [`Client`](crate::Client) refuses it with \
         [`Error::NotMultiplexable`](crate::Error::NotMultiplexable) (nothing is sent).",
    ),
    (
        "SYNC",
        "Replicas send this; the server answers with a raw RDB payload and then the \
         replication stream, which a client connection cannot read. Typed for completeness: \
         expect an error reply (e.g. from a replica that is not connected to its primary).",
    ),
    (
        "PSYNC",
        "Replicas send this; the server answers with `+FULLRESYNC`/`+CONTINUE`, a raw RDB \
         payload and the replication stream, which a client connection cannot read. Typed for \
         completeness: expect an error reply (e.g. from a replica that is not connected to its \
         primary).",
    ),
    (
        "SHUTDOWN",
        "On success the server exits and closes the connection, so the request fails with a \
         connection error; only `ABORT` (or a refused shutdown) replies.",
    ),
    (
        "QUIT",
        "The server closes the connection after the `OK`. Deprecated: drop the connection \
         instead.",
    ),
    (
        "CLIENT KILL",
        "Only the filter form is typed: the old `CLIENT KILL ip:port` form (deprecated since \
         Redis 2.8.12) replies `OK` rather than a count; `ClientKillFilter::Addr` does the same \
         job.",
    ),
    (
        "MIGRATE",
        "[`Migrate::new`] moves one key; [`Migrate::multiple`] sends the empty key argument \
         and expects the keys in [`keys`](Migrate::keys) (Redis 3.0.6+).",
    ),
    (
        "DEBUG",
        "Subcommands (`SLEEP`, `OBJECT`, `RELOAD`, ...) are not documented as stable; the reply \
         depends on the subcommand. Since Redis 7.0 the server must run with \
         `enable-debug-command yes` (or `local`).",
    ),
];

const SUBSCRIBE_NOTE: &str = "The connection enters or leaves subscribed mode: send this on a \
     dedicated connection ([`Client::dedicated`](crate::Client::dedicated)) that speaks RESP2. \
     The server confirms each channel or pattern with its own `[kind, name, count]` frame: the \
     reply is the first one, as a [`Value`](crate::Value); the others follow as later frames. \
     On RESP3 the confirmations are push frames, which connections of this crate do not deliver \
     as replies. The multiplexed [`Client`](crate::Client) refuses it with \
     [`Error::NotMultiplexable`](crate::Error::NotMultiplexable) (nothing is sent): subscribe \
     there with [`Client::subscribe`](crate::Client::subscribe) (RESP3) or \
     [`Client::subscriber`](crate::Client::subscriber).";

pub fn note(command: &str) -> Option<&'static str> {
    NOTES.iter().find(|(c, _)| *c == command).map(|(_, n)| *n)
}
