//! `CLIENT INFO` and `CLIENT LIST`: the server's view of client connections,
//! one `name=value` line per connection, decoded into [`ClientInfoReply`].
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, ClientInfoReply, ClientList, ClientType};
//!
//! let mut out = BytesMut::new();
//! encode(&ClientList::of_type(ClientType::Pubsub), &mut out);
//! assert_eq!(
//!     &out[..],
//!     b"*4\r\n$6\r\nCLIENT\r\n$4\r\nLIST\r\n$4\r\nTYPE\r\n$6\r\npubsub\r\n"
//! );
//!
//! let line = "id=7 addr=127.0.0.1:5000 laddr=127.0.0.1:6379 fd=8 name=web age=3 idle=0 \
//!             flags=N db=2 sub=0 psub=0 multi=-1 cmd=client|info user=default resp=3";
//! let client: ClientInfoReply = line.parse()?;
//! assert_eq!((client.id, client.db, client.name.as_str()), (7, 2, "web"));
//! assert_eq!(client.age, std::time::Duration::from_secs(3));
//! # Ok::<(), redis_typed::Error>(())
//! ```

use std::str::FromStr;
use std::time::Duration;

use crate::commands::fields::conversion;
use crate::commands::server::fields::{lines, one_line, parse_field};
use crate::commands::Command;
use crate::error::{Error, Result};
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

// ---------------------------------------------------------- CLIENT INFO

/// `CLIENT INFO`: the server's description of this very connection
/// (Redis 6.2+).
///
/// Reply: [`ClientInfoReply`], parsed from one `id=.. addr=.. ...` line (a
/// verbatim string in RESP3, a bulk string in RESP2). On a shared client the
/// answer describes the multiplexed connection the command went through.
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClientInfo;

impl ClientInfo {
    /// `CLIENT INFO`.
    pub fn new() -> Self {
        ClientInfo
    }
}

impl Command for ClientInfo {
    type Response = ClientInfoReply;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLIENT");
        out.write_arg(b"INFO");
    }
}

// ---------------------------------------------------------- CLIENT LIST

/// The kinds of connection `CLIENT LIST TYPE` filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientType {
    /// `normal`: ordinary clients.
    Normal,
    /// `master`: the connection to this replica's primary.
    Master,
    /// `replica`: replicas connected to this server.
    Replica,
    /// `pubsub`: connections in subscriber mode.
    Pubsub,
}

impl ClientType {
    /// The token sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ClientType::Normal => "normal",
            ClientType::Master => "master",
            ClientType::Replica => "replica",
            ClientType::Pubsub => "pubsub",
        }
    }
}

/// What `CLIENT LIST` is restricted to. The server accepts `TYPE` or `ID`,
/// not both, so they are one choice.
#[derive(Debug, Clone)]
enum ClientFilter {
    All,
    Type(ClientType),
    Ids(Vec<i64>),
}

/// `CLIENT LIST [TYPE normal|master|replica|pubsub] | [ID client-id ...]`:
/// every connection the server holds, or those of one type, or those with
/// the given ids.
///
/// Reply: `Vec<`[`ClientInfoReply`]`>`, one per line of the server's text.
/// `TYPE` needs Redis 5.0+, `ID` 6.2+.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClientList {
    filter: ClientFilter,
}

impl ClientList {
    /// `CLIENT LIST`: every connection.
    pub fn new() -> Self {
        ClientList {
            filter: ClientFilter::All,
        }
    }

    /// `CLIENT LIST TYPE type`: the connections of one kind.
    pub fn of_type(client_type: ClientType) -> Self {
        ClientList {
            filter: ClientFilter::Type(client_type),
        }
    }

    /// `CLIENT LIST ID id [id ...]`: the connections with these ids
    /// (unknown ids are left out of the reply). An empty list sends plain
    /// `CLIENT LIST`.
    pub fn with_ids(ids: impl IntoIterator<Item = i64>) -> Self {
        let ids: Vec<i64> = ids.into_iter().collect();
        ClientList {
            filter: if ids.is_empty() {
                ClientFilter::All
            } else {
                ClientFilter::Ids(ids)
            },
        }
    }
}

impl Default for ClientList {
    fn default() -> Self {
        ClientList::new()
    }
}

impl Command for ClientList {
    type Response = Vec<ClientInfoReply>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLIENT");
        out.write_arg(b"LIST");
        match &self.filter {
            ClientFilter::All => {}
            ClientFilter::Type(t) => {
                out.write_arg(b"TYPE");
                out.write_arg(t.as_str().as_bytes());
            }
            ClientFilter::Ids(ids) => {
                out.write_arg(b"ID");
                for id in ids {
                    out.write_i64(*id);
                }
            }
        }
    }
}

// ----------------------------------------------------------- the reply

/// One connection as described by `CLIENT INFO` / `CLIENT LIST` (and the
/// `client-info` of an `ACL LOG` entry): a line of `name=value` pairs.
///
/// `id` and `addr` are required. Counters a server does not report (older
/// versions, forks) read 0, strings read empty; the fields added after Redis
/// 6.0 are `Option`s. Fields this struct does not know are kept, in order, in
/// [`other`](Self::other).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ClientInfoReply {
    /// `id`: the unique connection id (as `CLIENT ID`).
    pub id: i64,
    /// `addr`: the client's `ip:port` (or a Unix socket path).
    pub addr: String,
    /// `laddr`: the server-side `ip:port` the client connected to (6.2+).
    pub laddr: Option<String>,
    /// `fd`: the socket's file descriptor, -1 for internal clients.
    pub fd: i64,
    /// `name`: the name set by `CLIENT SETNAME`, empty when unnamed.
    pub name: String,
    /// `age`: time since the connection was made.
    pub age: Duration,
    /// `idle`: time since the last command.
    pub idle: Duration,
    /// `flags`: one letter per flag (`N` none, `P` pub/sub, `x` in MULTI,
    /// `S` replica, `M` primary, `b` blocked, `t` tracking, ...).
    pub flags: String,
    /// `db`: the selected database.
    pub db: i64,
    /// `sub`: channel subscriptions.
    pub sub: i64,
    /// `psub`: pattern subscriptions.
    pub psub: i64,
    /// `ssub`: shard channel subscriptions (7.0+).
    pub ssub: i64,
    /// `multi`: commands queued in a transaction, -1 outside `MULTI`.
    pub multi: i64,
    /// `watch`: keys watched (7.4+).
    pub watch: Option<i64>,
    /// `qbuf`: query buffer length, in bytes.
    pub qbuf: i64,
    /// `qbuf-free`: free space in the query buffer.
    pub qbuf_free: i64,
    /// `argv-mem`: memory used by the arguments of the next command.
    pub argv_mem: i64,
    /// `multi-mem`: memory used by queued transaction commands (7.0+).
    pub multi_mem: i64,
    /// `rbs`: read buffer size (7.0+).
    pub rbs: i64,
    /// `rbp`: read buffer peak in the last second (7.0+).
    pub rbp: i64,
    /// `obl`: output buffer length.
    pub obl: i64,
    /// `oll`: output list length (replies queued beyond the buffer).
    pub oll: i64,
    /// `omem`: output buffer memory.
    pub omem: i64,
    /// `tot-mem`: all memory used by the connection.
    pub tot_mem: i64,
    /// `events`: file descriptor events (`r`, `w`).
    pub events: String,
    /// `cmd`: the last command run (`client|info` for subcommands).
    pub cmd: String,
    /// `user`: the authenticated ACL user.
    pub user: Option<String>,
    /// `redir`: the client-side caching redirection id, -1 for none (6.2+).
    pub redir: Option<i64>,
    /// `resp`: the protocol version, 2 or 3 (7.0+).
    pub resp: Option<i64>,
    /// `lib-name`: the client library (`CLIENT SETINFO`, 7.2+); `None` when
    /// unset.
    pub lib_name: Option<String>,
    /// `lib-ver`: the client library's version (7.2+); `None` when unset.
    pub lib_ver: Option<String>,
    /// Fields not listed above, as `(name, value)` in line order.
    pub other: Vec<(String, String)>,
}

impl ClientInfoReply {
    /// True when `flags` holds the one-letter flag `flag`.
    pub fn has_flag(&self, flag: char) -> bool {
        self.flags.contains(flag)
    }
}

impl FromStr for ClientInfoReply {
    type Err = Error;

    /// Parses one `name=value name=value ...` line. Values hold no spaces
    /// (the server refuses names with spaces) but may hold `=`.
    fn from_str(line: &str) -> Result<Self> {
        type C = ClientInfoReply;
        let mut c = ClientInfoReply {
            multi: -1,
            ..ClientInfoReply::default()
        };
        let (mut has_id, mut has_addr) = (false, false);
        for token in line.split_ascii_whitespace() {
            let (key, value) = token.split_once('=').unwrap_or((token, ""));
            let int = |v: &str| parse_field::<C, i64>(key, v);
            let secs = |v: &str| parse_field::<C, u64>(key, v).map(Duration::from_secs);
            let opt = |v: &str| (!v.is_empty()).then(|| v.to_owned());
            match key {
                "id" => {
                    c.id = int(value)?;
                    has_id = true;
                }
                "addr" => {
                    c.addr = value.to_owned();
                    has_addr = true;
                }
                "laddr" => c.laddr = Some(value.to_owned()),
                "fd" => c.fd = int(value)?,
                "name" => c.name = value.to_owned(),
                "age" => c.age = secs(value)?,
                "idle" => c.idle = secs(value)?,
                "flags" => c.flags = value.to_owned(),
                "db" => c.db = int(value)?,
                "sub" => c.sub = int(value)?,
                "psub" => c.psub = int(value)?,
                "ssub" => c.ssub = int(value)?,
                "multi" => c.multi = int(value)?,
                "watch" => c.watch = Some(int(value)?),
                "qbuf" => c.qbuf = int(value)?,
                "qbuf-free" => c.qbuf_free = int(value)?,
                "argv-mem" => c.argv_mem = int(value)?,
                "multi-mem" => c.multi_mem = int(value)?,
                "rbs" => c.rbs = int(value)?,
                "rbp" => c.rbp = int(value)?,
                "obl" => c.obl = int(value)?,
                "oll" => c.oll = int(value)?,
                "omem" => c.omem = int(value)?,
                "tot-mem" => c.tot_mem = int(value)?,
                "events" => c.events = value.to_owned(),
                "cmd" => c.cmd = value.to_owned(),
                "user" => c.user = Some(value.to_owned()),
                "redir" => c.redir = Some(int(value)?),
                "resp" => c.resp = Some(int(value)?),
                "lib-name" => c.lib_name = opt(value),
                "lib-ver" => c.lib_ver = opt(value),
                _ => c.other.push((key.to_owned(), value.to_owned())),
            }
        }
        if !has_id {
            return Err(conversion::<C>("a client line without the \"id\" field"));
        }
        if !has_addr {
            return Err(conversion::<C>("a client line without the \"addr\" field"));
        }
        Ok(c)
    }
}

impl FromRedisValue for ClientInfoReply {
    /// One line of text (verbatim or bulk string).
    fn from_redis_value(value: Value) -> Result<Self> {
        one_line(value, "client")
    }

    /// `CLIENT LIST`'s text, one client per line; also an array of lines.
    fn from_redis_value_vec(value: Value) -> Result<Vec<Self>> {
        lines(value)
    }
}

#[cfg(test)]
mod tests {
    use bytes::{Bytes, BytesMut};

    use super::*;
    use crate::commands::encode;
    use crate::resp::VerbatimFormat;

    const LINE: &str = "id=7 addr=127.0.0.1:53554 laddr=127.0.0.1:6379 fd=8 name= age=12 \
        idle=3 flags=N db=0 sub=1 psub=2 ssub=3 multi=-1 qbuf=26 qbuf-free=20448 argv-mem=10 \
        multi-mem=0 rbs=16384 rbp=16384 obl=0 oll=0 omem=0 tot-mem=37658 events=r \
        cmd=client|list user=default redir=-1 resp=3 lib-name= lib-ver= io-thread=0";

    fn wire<C: Command>(cmd: &C) -> String {
        let mut out = BytesMut::new();
        encode(cmd, &mut out);
        String::from_utf8(out.to_vec()).unwrap()
    }

    #[test]
    fn wire_format() {
        assert_eq!(
            wire(&ClientInfo::new()),
            "*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n"
        );
        assert_eq!(
            wire(&ClientList::new()),
            "*2\r\n$6\r\nCLIENT\r\n$4\r\nLIST\r\n"
        );
        assert_eq!(
            wire(&ClientList::with_ids([3, 14])),
            "*5\r\n$6\r\nCLIENT\r\n$4\r\nLIST\r\n$2\r\nID\r\n$1\r\n3\r\n$2\r\n14\r\n"
        );
        assert_eq!(wire(&ClientList::with_ids([])), wire(&ClientList::new()));
        assert!(wire(&ClientList::of_type(ClientType::Replica)).ends_with("$7\r\nreplica\r\n"));
        assert!(!ClientList::new().read_only() && !ClientInfo::new().read_only());
    }

    #[test]
    fn parses_every_field() {
        let c: ClientInfoReply = LINE.parse().unwrap();
        assert_eq!(c.id, 7);
        assert_eq!(c.addr, "127.0.0.1:53554");
        assert_eq!(c.laddr.as_deref(), Some("127.0.0.1:6379"));
        assert_eq!((c.fd, c.name.as_str()), (8, ""));
        assert_eq!(
            (c.age, c.idle),
            (Duration::from_secs(12), Duration::from_secs(3))
        );
        assert_eq!((c.sub, c.psub, c.ssub, c.multi), (1, 2, 3, -1));
        assert_eq!((c.qbuf, c.qbuf_free, c.tot_mem), (26, 20448, 37658));
        assert_eq!((c.events.as_str(), c.cmd.as_str()), ("r", "client|list"));
        assert_eq!((c.redir, c.resp), (Some(-1), Some(3)));
        assert_eq!((c.lib_name.clone(), c.lib_ver.clone()), (None, None));
        assert_eq!(c.user.as_deref(), Some("default"));
        assert_eq!(c.other, [("io-thread".to_string(), "0".to_string())]);
        assert!(c.has_flag('N'));
    }

    #[test]
    fn names_may_hold_equal_signs() {
        let c: ClientInfoReply = "id=1 addr=a:1 name=a=b".parse().unwrap();
        assert_eq!(c.name, "a=b");
    }

    #[test]
    fn decodes_resp3_verbatim_and_resp2_bulk() {
        let text = format!("{LINE}\n");
        let verbatim = Value::Verbatim {
            format: VerbatimFormat(*b"txt"),
            text: Bytes::from(text.clone()),
        };
        let bulk = Value::BulkString(Bytes::from(text));
        let a = ClientInfoReply::from_redis_value(verbatim).unwrap();
        let b = ClientInfoReply::from_redis_value(bulk).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn lists_are_one_client_per_line() {
        let text = format!("{LINE}\n{}\n", LINE.replace("id=7", "id=8"));
        let list =
            Vec::<ClientInfoReply>::from_redis_value(Value::BulkString(text.into())).unwrap();
        assert_eq!(list.iter().map(|c| c.id).collect::<Vec<_>>(), [7, 8]);
        let empty = Vec::<ClientInfoReply>::from_redis_value(Value::BulkString("".into())).unwrap();
        assert!(empty.is_empty());
        // One line is not several.
        let two = Value::BulkString(format!("{LINE}\n{LINE}\n").into());
        assert!(ClientInfoReply::from_redis_value(two).is_err());
    }

    #[test]
    fn bad_lines_are_errors_naming_the_field() {
        let err = "addr=x:1"
            .parse::<ClientInfoReply>()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ClientInfoReply") && err.contains("\"id\""),
            "{err}"
        );
        let err = "id=1 addr=x:1 age=-3"
            .parse::<ClientInfoReply>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"age\""), "{err}");
        assert!(ClientInfoReply::from_redis_value(Value::Integer(3)).is_err());
    }
}
