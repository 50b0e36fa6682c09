//! `CLUSTER NODES`, `CLUSTER REPLICAS` and `CLUSTER SLAVES`: the cluster
//! configuration as text, one node per line, parsed into [`ClusterNode`].
//!
//! ```
//! use redis_typed::commands::ClusterNode;
//!
//! let line = "e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001,node-1 \
//!             myself,master - 0 1426238316232 1 connected 0-5460 [5461->-292f8b36]";
//! let node: ClusterNode = line.parse()?;
//! assert!(node.is_myself() && node.is_primary());
//! assert_eq!((node.port, node.cport, node.hostname.as_deref()), (30001, Some(31001), Some("node-1")));
//! assert_eq!(node.slots, [(0, 5460)]);
//! assert_eq!(node.migrating, [(5461, "292f8b36".to_string())]);
//! # Ok::<(), redis_typed::Error>(())
//! ```

use std::str::FromStr;

use crate::commands::fields::conversion;
use crate::commands::server::fields::{lines, one_line, parse_field};
use crate::commands::Command;
use crate::error::{Error, Result};
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

// -------------------------------------------------------- CLUSTER NODES

/// `CLUSTER NODES`: every node the queried node knows, one line each
/// (Redis 3.0+).
///
/// Reply: `Vec<`[`ClusterNode`]`>`, parsed from the text (a verbatim string
/// in RESP3, a bulk string in RESP2).
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClusterNodes;

impl ClusterNodes {
    /// `CLUSTER NODES`.
    pub fn new() -> Self {
        ClusterNodes
    }
}

impl Command for ClusterNodes {
    type Response = Vec<ClusterNode>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLUSTER");
        out.write_arg(b"NODES");
    }
}

// ----------------------------------------------------- CLUSTER REPLICAS

/// `CLUSTER REPLICAS node-id`: the replicas of a primary, in the
/// `CLUSTER NODES` format (Redis 5.0+).
///
/// Reply: `Vec<`[`ClusterNode`]`>` (one line per array element). An unknown
/// or non-primary id is an error reply.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClusterReplicas {
    node_id: String,
}

impl ClusterReplicas {
    /// `CLUSTER REPLICAS node-id`.
    pub fn new(node_id: impl Into<String>) -> Self {
        ClusterReplicas {
            node_id: node_id.into(),
        }
    }
}

impl Command for ClusterReplicas {
    type Response = Vec<ClusterNode>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLUSTER");
        out.write_arg(b"REPLICAS");
        out.write_arg(self.node_id.as_bytes());
    }
}

/// `CLUSTER SLAVES node-id`: the old name of
/// [`ClusterReplicas`] (deprecated since Redis 5.0).
///
/// Reply: `Vec<`[`ClusterNode`]`>`.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClusterSlaves {
    node_id: String,
}

impl ClusterSlaves {
    /// `CLUSTER SLAVES node-id`.
    pub fn new(node_id: impl Into<String>) -> Self {
        ClusterSlaves {
            node_id: node_id.into(),
        }
    }
}

impl Command for ClusterSlaves {
    type Response = Vec<ClusterNode>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLUSTER");
        out.write_arg(b"SLAVES");
        out.write_arg(self.node_id.as_bytes());
    }
}

// ----------------------------------------------------------- the reply

/// One line of `CLUSTER NODES`:
///
/// `<id> <ip:port@cport[,hostname]> <flags> <primary> <ping-sent>
/// <pong-recv> <config-epoch> <link-state> <slot> <slot> ...`
///
/// where a slot is `N`, `N-M`, `[N->-node]` (migrating to `node`) or
/// `[N-<-node]` (importing from `node`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ClusterNode {
    /// The 40-character node id.
    pub id: String,
    /// `ip:port` as written (empty ip while the node does not know it).
    pub addr: String,
    /// The IP part of `addr`.
    pub ip: String,
    /// The client port.
    pub port: u16,
    /// The cluster bus port (absent before Redis 4.0).
    pub cport: Option<u16>,
    /// The announced hostname (7.0+), when set.
    pub hostname: Option<String>,
    /// `myself`, `master`, `slave`, `fail?`, `fail`, `handshake`,
    /// `noaddr`, `nofailover`, `noflags`.
    pub flags: Vec<String>,
    /// The primary's id, for a replica (`-` on the wire is `None`).
    pub master_id: Option<String>,
    /// When the pending ping was sent, in Unix milliseconds (0: none).
    pub ping_sent: i64,
    /// When the last pong arrived, in Unix milliseconds.
    pub pong_recv: i64,
    /// The node's configuration epoch.
    pub config_epoch: u64,
    /// `connected` or `disconnected` (the cluster bus link).
    pub link_state: String,
    /// The slot ranges served, inclusive.
    pub slots: Vec<(u16, u16)>,
    /// Slots being migrated away: `(slot, destination node id)`.
    pub migrating: Vec<(u16, String)>,
    /// Slots being imported: `(slot, source node id)`.
    pub importing: Vec<(u16, String)>,
}

impl ClusterNode {
    /// True when `flags` holds `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    /// True for the node that answered the command.
    pub fn is_myself(&self) -> bool {
        self.has_flag("myself")
    }

    /// True for a primary.
    pub fn is_primary(&self) -> bool {
        self.has_flag("master")
    }

    /// True for a replica.
    pub fn is_replica(&self) -> bool {
        self.has_flag("slave")
    }

    /// True when the link to the node is up.
    pub fn is_connected(&self) -> bool {
        self.link_state == "connected"
    }
}

/// Parses one slot token into `node`.
fn parse_slot(node: &mut ClusterNode, token: &str) -> Result<()> {
    type N = ClusterNode;
    if let Some(inner) = token.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        if let Some((slot, to)) = inner.split_once("->-") {
            node.migrating
                .push((parse_field::<N, u16>("slots", slot)?, to.to_owned()));
        } else if let Some((slot, from)) = inner.split_once("-<-") {
            node.importing
                .push((parse_field::<N, u16>("slots", slot)?, from.to_owned()));
        } else {
            return Err(conversion::<N>(format!("field \"slots\": {token:?}")));
        }
    } else {
        let (start, end) = token.split_once('-').unwrap_or((token, token));
        node.slots.push((
            parse_field::<N, u16>("slots", start)?,
            parse_field::<N, u16>("slots", end)?,
        ));
    }
    Ok(())
}

impl FromStr for ClusterNode {
    type Err = Error;

    fn from_str(line: &str) -> Result<Self> {
        type N = ClusterNode;
        let mut tokens = line.split_ascii_whitespace();
        let mut next = |name: &str| {
            tokens
                .next()
                .ok_or_else(|| conversion::<N>(format!("a node line without the {name:?} field")))
        };
        let id = next("id")?.to_owned();
        let address = next("addr")?;
        let flags = next("flags")?;
        let master = next("master")?;
        let ping_sent = parse_field::<N, i64>("ping_sent", next("ping_sent")?)?;
        let pong_recv = parse_field::<N, i64>("pong_recv", next("pong_recv")?)?;
        let config_epoch = parse_field::<N, u64>("config_epoch", next("config_epoch")?)?;
        let link_state = next("link_state")?.to_owned();

        // ip:port@cport[,hostname[,...]]
        let mut parts = address.split(',');
        let endpoint = parts.next().unwrap_or_default();
        let hostname = parts
            .next()
            .filter(|h| !h.is_empty() && !h.contains('='))
            .map(str::to_owned);
        let (addr, cport) = match endpoint.split_once('@') {
            Some((addr, cport)) => (addr, Some(parse_field::<N, u16>("cport", cport)?)),
            None => (endpoint, None),
        };
        let (ip, port) = addr
            .rsplit_once(':')
            .ok_or_else(|| conversion::<N>(format!("field \"addr\": {address:?}")))?;

        let mut node = ClusterNode {
            id,
            addr: addr.to_owned(),
            ip: ip.to_owned(),
            port: parse_field::<N, u16>("port", port)?,
            cport,
            hostname,
            flags: flags
                .split(',')
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect(),
            master_id: (master != "-").then(|| master.to_owned()),
            ping_sent,
            pong_recv,
            config_epoch,
            link_state,
            ..ClusterNode::default()
        };
        for token in tokens {
            parse_slot(&mut node, token)?;
        }
        Ok(node)
    }
}

impl FromRedisValue for ClusterNode {
    /// One line of text (verbatim or bulk string).
    fn from_redis_value(value: Value) -> Result<Self> {
        one_line(value, "node")
    }

    /// `CLUSTER NODES`' text, one node per line; or `CLUSTER REPLICAS`'
    /// array of lines.
    fn from_redis_value_vec(value: Value) -> Result<Vec<Self>> {
        lines(value)
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::resp::VerbatimFormat;

    const NODES: &str = "\
07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004,,shard-id=x slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected
67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001,host-1 myself,master - 0 0 1 connected 0-5460 [5461-<-67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1] 16383
6ec23923021cf3ffec47632106199cb7f496ce01 :0@0 master,fail?,noaddr - 1426238316232 1426238316232 5 disconnected
";

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&ClusterReplicas::new("abc"), &mut out);
        assert_eq!(
            &out[..],
            b"*3\r\n$7\r\nCLUSTER\r\n$8\r\nREPLICAS\r\n$3\r\nabc\r\n"
        );
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&ClusterSlaves::new("abc"), &mut out);
        assert_eq!(
            &out[..],
            b"*3\r\n$7\r\nCLUSTER\r\n$6\r\nSLAVES\r\n$3\r\nabc\r\n"
        );
        assert!(!ClusterNodes::new().read_only());
    }

    #[test]
    fn parses_a_whole_configuration() {
        let verbatim = Value::Verbatim {
            format: VerbatimFormat(*b"txt"),
            text: Bytes::from_static(NODES.as_bytes()),
        };
        let nodes = Vec::<ClusterNode>::from_redis_value(verbatim).unwrap();
        assert_eq!(nodes.len(), 4);

        let replica = &nodes[0];
        assert!(replica.is_replica() && !replica.is_primary());
        assert_eq!(
            replica.master_id.as_deref(),
            Some("e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca")
        );
        assert_eq!(replica.hostname, None);
        assert_eq!(
            (replica.pong_recv, replica.config_epoch),
            (1426238317239, 4)
        );

        let me = &nodes[2];
        assert!(me.is_myself() && me.is_connected());
        assert_eq!(
            (me.ip.as_str(), me.port, me.cport),
            ("127.0.0.1", 30001, Some(31001))
        );
        assert_eq!(me.hostname.as_deref(), Some("host-1"));
        assert_eq!(me.slots, [(0, 5460), (16383, 16383)]);
        assert_eq!(
            me.importing,
            [(5461, "67ed2db8d677e59ec4a4cefb06858cf2a1a89fa1".to_string())]
        );

        let failed = &nodes[3];
        assert_eq!((failed.ip.as_str(), failed.port), ("", 0));
        assert!(failed.has_flag("fail?") && !failed.is_connected());
    }

    #[test]
    fn replicas_arrive_as_an_array_of_lines() {
        let line = NODES.lines().next().unwrap();
        let reply = Value::Array(vec![Value::BulkString(Bytes::from(format!("{line}\n")))]);
        let nodes = Vec::<ClusterNode>::from_redis_value(reply).unwrap();
        assert_eq!(nodes[0].id, "07c37dfeb235213a872192d90877d0cd55635b91");
        // Redis 3.x: no cluster bus port.
        let old: ClusterNode = "abc 10.0.0.1:7000 master - 0 0 0 connected"
            .parse()
            .unwrap();
        assert_eq!((old.port, old.cport), (7000, None));
    }

    #[test]
    fn bad_lines_are_errors_naming_the_field() {
        for (line, field) in [
            ("abc 1.2.3.4:7000@17000 master -", "ping_sent"),
            ("abc 1.2.3.4:x@17000 master - 0 0 0 connected", "port"),
            ("abc nocolon master - 0 0 0 connected", "addr"),
            (
                "abc 1.2.3.4:7000@17000 master - 0 0 0 connected 9-zz",
                "slots",
            ),
            (
                "abc 1.2.3.4:7000@17000 master - 0 0 0 connected [5-?-x]",
                "slots",
            ),
        ] {
            let err = line.parse::<ClusterNode>().unwrap_err().to_string();
            assert!(
                err.contains("ClusterNode") && err.contains(field),
                "{line}: {err}"
            );
        }
    }
}
