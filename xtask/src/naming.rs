//! Rust names for Redis names.
//!
//! Redis runs words together (`ZRANGEBYSCORE`, `BRPOPLPUSH`); Rust users of
//! redis-rs and rustis expect them split: `ZRangeByScore`, `BRPopLPush`. A
//! name is split on spaces, dashes and underscores, then each part is cut
//! into the fewest pieces from [`WORDS`] (single letters such as the `Z` of
//! sorted sets and the `B` of blocking commands are words too). A part that
//! cannot be cut is an error: add the missing word to the list.
//!
//! Type names are PascalCase with single letters kept upper case
//! (`B`+`R`+`Pop`+`L`+`Push`); [`TYPE_NAME_OVERRIDES`] replaces the few that
//! would read badly or clash with the standard prelude.

/// Words, upper case. Single letters are command prefixes (`B`locking,
/// `H`ash, `L`eft/list, `M`ulti, `P`attern/milliseconds, `R`ight, `S`et,
/// `X` stream, `Z` sorted set, `F`unction call, `I` as in "who am I").
const WORDS: &[&str] = &[
    "B",
    "F",
    "H",
    "I",
    "L",
    "M",
    "P",
    "R",
    "S",
    "X",
    "Z", //
    "ABORT",
    "ABS",
    "ACK",
    "ACL",
    "ACTION",
    "ADD",
    "ADDED",
    "ADDR",
    "AFTER",
    "AGGREGATE",
    "ALL",
    "ALPHA",
    "AM",
    "AND",
    "ANY",
    "AOF",
    "APPEND",
    "APPROXIMATELY",
    "ARG",
    "ARGS",
    "ASC",
    "ASKING",
    "ASYNC",
    "AT",
    "ATTR",
    "AUTH",
    "AUTHENTICATION",
    "AUTO",
    "BCAST",
    "BEFORE",
    "BG",
    "BIT",
    "BITS",
    "BLOCK",
    "BOX",
    "BUMP",
    "BUS",
    "BY",
    "BYTE",
    "CACHING",
    "CALL",
    "CARD",
    "CAT",
    "CATEGORY",
    "CH",
    "CHANNEL",
    "CHANNELS",
    "CIRCLE",
    "CLAIM",
    "CLIENT",
    "CLUSTER",
    "CODE",
    "COMMAND",
    "CONDITION",
    "CONF",
    "CONFIG",
    "CONFIGS",
    "CONSUMER",
    "CONSUMERS",
    "COORD",
    "COPY",
    "COUNT",
    "CREATE",
    "DATA",
    "DB",
    "DEBUG",
    "DECR",
    "DECREMENT",
    "DEL",
    "DELETE",
    "DELETED",
    "DESC",
    "DEST",
    "DESTINATION",
    "DESTROY",
    "DIFF",
    "DIGEST",
    "DISCARD",
    "DIST",
    "DOCS",
    "DOCTOR",
    "DOWN",
    "DRY",
    "DST",
    "DUMP",
    "ECHO",
    "ELEMENT",
    "EMPTY",
    "ENABLED",
    "ENCODING",
    "END",
    "ENGINE",
    "ENTRIES",
    "EPOCH",
    "EQUAL",
    "ERROR",
    "EVAL",
    "EVENT",
    "EVICT",
    "EX",
    "EXEC",
    "EXISTS",
    "EXPIRATION",
    "EXPIRE",
    "FAIL",
    "FAILOVER",
    "FAILURE",
    "FIELD",
    "FIELDS",
    "FILTER",
    "FLAGS",
    "FLOAT",
    "FLUSH",
    "FORCE",
    "FORGET",
    "FORMAT",
    "FREQ",
    "FREQUENCY",
    "FROM",
    "FT",
    "FULL",
    "FUNCTION",
    "GEN",
    "GEO",
    "GET",
    "GRAPH",
    "GROUP",
    "GROUPS",
    "GT",
    "HARD",
    "HASH",
    "HEIGHT",
    "HELLO",
    "HELP",
    "HISTOGRAM",
    "HISTORY",
    "HOST",
    "HOSTS",
    "ID",
    "IDLE",
    "IDS",
    "IMPORTING",
    "IN",
    "INCR",
    "INCREMENT",
    "INDEX",
    "INFO",
    "INSERT",
    "INTER",
    "IP",
    "IS",
    "KEEP",
    "KEY",
    "KEYS",
    "KILL",
    "KM",
    "LAST",
    "LAT",
    "LATENCY",
    "LATEST",
    "LATITUDE",
    "LCS",
    "LEFT",
    "LEN",
    "LEX",
    "LIB",
    "LIBRARIES",
    "LIBRARY",
    "LIMIT",
    "LINKS",
    "LIST",
    "LOAD",
    "LOCAL",
    "LOG",
    "LOLWUT",
    "LON",
    "LONGITUDE",
    "LOOP",
    "LT",
    "MALLOC",
    "MASTER",
    "MATCH",
    "MAX",
    "ME",
    "MEET",
    "MEMBER",
    "MEMBERS",
    "MEMORY",
    "MERGE",
    "MESSAGE",
    "MI",
    "MIGRATE",
    "MIGRATING",
    "MILLISECONDS",
    "MIN",
    "MK",
    "MODE",
    "MODULE",
    "MONITOR",
    "MOVE",
    "MULTI",
    "MY",
    "NAME",
    "NEW",
    "NO",
    "NODE",
    "NODES",
    "NORMAL",
    "NOT",
    "NOW",
    "NUM",
    "NX",
    "OBJECT",
    "OF",
    "OFF",
    "OFFSET",
    "OLD",
    "ON",
    "ONE",
    "ONLY",
    "OP",
    "OPERATION",
    "OPERATOR",
    "OPT",
    "OPTIONS",
    "OR",
    "ORDER",
    "OUT",
    "OVER",
    "OVERFLOW",
    "PARAMETER",
    "PASS",
    "PASSWORD",
    "PAT",
    "PATH",
    "PATTERN",
    "PAUSE",
    "PENDING",
    "PERSIST",
    "PF",
    "PING",
    "PIVOT",
    "POLICY",
    "POP",
    "PORT",
    "POS",
    "PREFIX",
    "PROTOVER",
    "PUBLISH",
    "PUBSUB",
    "PURGE",
    "PUSH",
    "PX",
    "QUIT",
    "RADIUS",
    "RAND",
    "RANDOM",
    "RANGE",
    "RANK",
    "READ",
    "REDIR",
    "REDIRECT",
    "REF",
    "REM",
    "RENAME",
    "REPL",
    "REPLACE",
    "REPLICA",
    "REPLICAS",
    "REPLICATE",
    "REPLICATION",
    "REPLY",
    "REPORTS",
    "RESET",
    "RESTORE",
    "REV",
    "REWRITE",
    "RIGHT",
    "RO",
    "ROLE",
    "RULE",
    "RULES",
    "RUN",
    "SAMPLES",
    "SAT",
    "SAVE",
    "SCAN",
    "SCHEDULE",
    "SCORE",
    "SCORES",
    "SCRIPT",
    "SEARCH",
    "SECONDS",
    "SECTION",
    "SELECT",
    "SELECTOR",
    "SELF",
    "SERIALIZED",
    "SET",
    "SHA",
    "SHARD",
    "SHARDS",
    "SHUTDOWN",
    "SIZE",
    "SKIP",
    "SLAVE",
    "SLAVES",
    "SLOT",
    "SLOTS",
    "SLOWLOG",
    "SOFT",
    "SORT",
    "SOURCE",
    "SRC",
    "STABLE",
    "START",
    "STAT",
    "STATS",
    "STATUS",
    "STOP",
    "STORE",
    "STR",
    "STRATEGY",
    "STREAM",
    "STREAMS",
    "STRING",
    "SUB",
    "SUBCOMMAND",
    "SUBSCRIBE",
    "SUBSTR",
    "SUM",
    "SWAP",
    "SYNC",
    "TAKEOVER",
    "TARGET",
    "TEST",
    "THRESHOLD",
    "TIME",
    "TIMEOUT",
    "TO",
    "TOUCH",
    "TRACKING",
    "TRIM",
    "TTL",
    "TYPE",
    "UNBLOCK",
    "UNION",
    "UNIT",
    "UNIX",
    "UNLINK",
    "UNLOAD",
    "UNPAUSE",
    "UNSUBSCRIBE",
    "UNWATCH",
    "USAGE",
    "USER",
    "USERNAME",
    "USERS",
    "VALS",
    "VALUE",
    "VALUES",
    "VER",
    "VERSION",
    "WAIT",
    "WATCH",
    "WEIGHT",
    "WEIGHTS",
    "WHERE",
    "WHO",
    "WIDTH",
    "WITH",
    "WRAP",
    "WRITE",
    "XOR",
    "XX",
    "YES",
];

/// Type names that the word rule would get wrong, with the reason.
pub const TYPE_NAME_OVERRIDES: &[(&str, &str, &str)] = &[
    (
        "SMISMEMBER",
        "SMIsMember",
        "`S M IS MEMBER`, not `S MI S MEMBER` (`MI` is the miles unit)",
    ),
    (
        "COPY",
        "CopyKey",
        "`Copy` would shadow `std::marker::Copy` for `use redis_typed::commands::*` users",
    ),
    (
        "SYNC",
        "ReplicaSync",
        "`Sync` would shadow `std::marker::Sync` for `use redis_typed::commands::*` users",
    ),
];

/// Rust keywords that can appear as Redis names; such identifiers get a
/// trailing underscore (`type_`, `async_`).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
    "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true",
    "type", "unsafe", "use", "where", "while", "yield",
];

/// The words of a Redis name (`"BRPOPLPUSH"` -> `BRPOPLPUSH` cut as
/// `B R POP L PUSH`), upper case. Digits stay with the word before them
/// (`member1`, `AUTH2`).
pub fn words(name: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for part in name.split([' ', '-', '_', '|', '.']) {
        if part.is_empty() {
            continue;
        }
        let upper = part.to_ascii_uppercase();
        let (letters, digits) = split_digits(&upper);
        let mut pieces = segment(letters).ok_or_else(|| {
            format!("cannot split {letters:?} (in {name:?}) into known words: add them to WORDS in xtask/src/naming.rs")
        })?;
        if let Some(last) = pieces.last_mut() {
            last.push_str(digits);
        } else if !digits.is_empty() {
            pieces.push(digits.to_owned());
        }
        out.extend(pieces);
    }
    Ok(out)
}

fn split_digits(s: &str) -> (&str, &str) {
    let cut = s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    s.split_at(cut)
}

/// The fewest-words cut of `s` (ties: the one found first, longest first
/// word), or `None`.
fn segment(s: &str) -> Option<Vec<String>> {
    let n = s.len();
    // best[i]: the fewest words covering s[i..], and where the first ends.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n + 1];
    best[n] = Some((0, n));
    for i in (0..n).rev() {
        for j in (i + 1..=n).rev() {
            if !WORDS.contains(&&s[i..j]) {
                continue;
            }
            if let Some((count, _)) = best[j] {
                let better = match best[i] {
                    None => true,
                    Some((c, _)) => count + 1 < c,
                };
                if better {
                    best[i] = Some((count + 1, j));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let (_, j) = best[i]?;
        out.push(s[i..j].to_owned());
        i = j;
    }
    Some(out)
}

/// `BRPopLPush`: single letters upper case, other words capitalized.
pub fn pascal(name: &str) -> Result<String, String> {
    Ok(words(name)?
        .iter()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().unwrap_or_default();
            format!("{first}{}", chars.as_str().to_ascii_lowercase())
        })
        .collect())
}

/// `b_r_pop_l_push`-style snake case, single letters included, escaped if
/// it is a keyword (`type_`).
pub fn snake(name: &str) -> Result<String, String> {
    let joined = words(name)?
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    Ok(ident(&joined))
}

/// A snake-case name for a field or parameter: the Redis name with dashes
/// as underscores, not split further (`unix_time_seconds`, `destkey`).
pub fn field(name: &str) -> String {
    let lower: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    ident(&lower)
}

/// `name`, with a trailing underscore if it is a Rust keyword.
pub fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// The Rust type name of a command: `"CLIENT NO-EVICT"` -> `ClientNoEvict`.
pub fn type_name(command: &str) -> Result<String, String> {
    if let Some((_, name, _)) = TYPE_NAME_OVERRIDES.iter().find(|(c, _, _)| *c == command) {
        return Ok((*name).to_owned());
    }
    pascal(command)
}

/// The module (file) name of a command: `"CLIENT NO-EVICT"` ->
/// `client_no_evict`. Keywords (`TYPE`, `MOVE`) become `type_`, `move_`.
pub fn module_name(command: &str) -> String {
    field(&command.replace(' ', "_"))
}

/// English plural of a snake-case name (`element` -> `elements`,
/// `prefix` -> `prefixes`, `keys` -> `keys`).
pub fn plural(name: &str) -> String {
    let base = name.trim_end_matches('_');
    if base.ends_with('s') || base.ends_with("data") {
        base.to_owned()
    } else if base.ends_with('x') {
        format!("{base}es")
    } else {
        format!("{base}s")
    }
}

/// Whether a token can name a method or variant (`NX`, `lib-name`), as
/// opposed to `*`, `$`, `=`, `~`, `""`.
pub fn is_word_token(token: &str) -> bool {
    token.chars().any(|c| c.is_ascii_alphabetic())
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_split_like_redis_rs_and_rustis() {
        for (command, expected) in [
            ("HGETALL", "HGetAll"),
            ("LPUSHX", "LPushX"),
            ("ZRANGEBYSCORE", "ZRangeByScore"),
            ("XINFO STREAM", "XInfoStream"),
            ("CLIENT NO-EVICT", "ClientNoEvict"),
            ("GEORADIUS_RO", "GeoRadiusRo"),
            ("BITFIELD_RO", "BitFieldRo"),
            ("PFADD", "PfAdd"),
            ("SINTERCARD", "SInterCard"),
            ("BRPOPLPUSH", "BRPopLPush"),
            ("FUNCTION LOAD", "FunctionLoad"),
            ("ACL WHOAMI", "AclWhoAmI"),
            ("SMISMEMBER", "SMIsMember"),
            ("SUNSUBSCRIBE", "SUnsubscribe"),
            ("COPY", "CopyKey"),
        ] {
            assert_eq!(type_name(command).unwrap(), expected, "{command}");
        }
    }

    #[test]
    fn snake_names() {
        assert_eq!(snake("NOMKSTREAM").unwrap(), "no_mk_stream");
        assert_eq!(snake("ASYNC").unwrap(), "async_");
        assert_eq!(snake("unix-time-seconds").unwrap(), "unix_time_seconds");
        assert_eq!(snake("member1").unwrap(), "member1");
        assert_eq!(field("ID"), "id");
        assert_eq!(module_name("CLIENT NO-EVICT"), "client_no_evict");
        assert_eq!(module_name("TYPE"), "type_");
        assert_eq!(plural("prefix"), "prefixes");
    }

    #[test]
    fn unknown_words_are_errors() {
        assert!(words("QWXZ").is_err());
    }
}
