//! `CLUSTER INFO`: the cluster's state as the queried node sees it, as
//! `name:value` lines.
//!
//! ```
//! use redis_typed::commands::ClusterInfoReply;
//!
//! let text = "cluster_state:ok\r\ncluster_slots_assigned:16384\r\ncluster_slots_ok:16384\r\n\
//!             cluster_slots_pfail:0\r\ncluster_slots_fail:0\r\ncluster_known_nodes:6\r\n\
//!             cluster_size:3\r\ncluster_current_epoch:6\r\ncluster_my_epoch:2\r\n\
//!             cluster_stats_messages_ping_sent:1483\r\n";
//! let info: ClusterInfoReply = text.parse()?;
//! assert!(info.is_ok());
//! assert_eq!((info.known_nodes, info.size), (6, 3));
//! assert_eq!(info.other["cluster_stats_messages_ping_sent"], "1483");
//! # Ok::<(), redis_typed::Error>(())
//! ```

use std::collections::HashMap;
use std::str::FromStr;

use crate::commands::fields::conversion;
use crate::commands::server::fields::{parse_field, text};
use crate::commands::Command;
use crate::error::{Error, Result};
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `CLUSTER INFO`: the cluster's state, slot counts, epochs and bus message
/// statistics (Redis 3.0+).
///
/// Reply: [`ClusterInfoReply`], parsed from the text (a verbatim string in
/// RESP3, a bulk string in RESP2).
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClusterInfo;

impl ClusterInfo {
    /// `CLUSTER INFO`.
    pub fn new() -> Self {
        ClusterInfo
    }
}

impl Command for ClusterInfo {
    type Response = ClusterInfoReply;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLUSTER");
        out.write_arg(b"INFO");
    }
}

/// The reply of `CLUSTER INFO`. The state, slot counts, sizes and epochs
/// are required; every other line (message statistics per type...) is in
/// [`other`](Self::other).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ClusterInfoReply {
    /// `cluster_state`: `"ok"` or `"fail"`.
    pub cluster_state: String,
    /// `cluster_slots_assigned`: slots bound to a node.
    pub slots_assigned: u32,
    /// `cluster_slots_ok`: slots whose node is neither `FAIL` nor `PFAIL`.
    pub slots_ok: u32,
    /// `cluster_slots_pfail`: slots whose node is `PFAIL`.
    pub slots_pfail: u32,
    /// `cluster_slots_fail`: slots whose node is `FAIL`.
    pub slots_fail: u32,
    /// `cluster_known_nodes`: nodes known, handshaking ones included.
    pub known_nodes: u32,
    /// `cluster_size`: primaries serving at least one slot.
    pub size: u32,
    /// `cluster_current_epoch`: the cluster's epoch.
    pub current_epoch: u64,
    /// `cluster_my_epoch`: this node's (or its primary's) config epoch.
    pub my_epoch: u64,
    /// `cluster_stats_messages_sent`: bus messages sent (0 if absent).
    pub stats_messages_sent: u64,
    /// `cluster_stats_messages_received`: bus messages received (0 if
    /// absent).
    pub stats_messages_received: u64,
    /// Every other line, by name.
    pub other: HashMap<String, String>,
}

impl ClusterInfoReply {
    /// True when `cluster_state` is `ok`.
    pub fn is_ok(&self) -> bool {
        self.cluster_state == "ok"
    }
}

impl FromStr for ClusterInfoReply {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        type C = ClusterInfoReply;
        let mut lines: HashMap<String, String> = text
            .lines()
            .filter_map(|l| l.trim_end_matches('\r').split_once(':'))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        fn required<F: FromStr>(lines: &mut HashMap<String, String>, name: &str) -> Result<F> {
            match lines.remove(name) {
                Some(value) => parse_field::<C, F>(name, &value),
                None => Err(conversion::<C>(format!(
                    "a reply without the {name:?} field"
                ))),
            }
        }
        fn counter(lines: &mut HashMap<String, String>, name: &str) -> Result<u64> {
            match lines.remove(name) {
                Some(value) => parse_field::<C, u64>(name, &value),
                None => Ok(0),
            }
        }
        let l = &mut lines;
        let cluster_state = required(l, "cluster_state")?;
        let slots_assigned = required(l, "cluster_slots_assigned")?;
        let slots_ok = required(l, "cluster_slots_ok")?;
        let slots_pfail = required(l, "cluster_slots_pfail")?;
        let slots_fail = required(l, "cluster_slots_fail")?;
        let known_nodes = required(l, "cluster_known_nodes")?;
        let size = required(l, "cluster_size")?;
        let current_epoch = required(l, "cluster_current_epoch")?;
        let my_epoch = required(l, "cluster_my_epoch")?;
        let stats_messages_sent = counter(l, "cluster_stats_messages_sent")?;
        let stats_messages_received = counter(l, "cluster_stats_messages_received")?;
        Ok(ClusterInfoReply {
            cluster_state,
            slots_assigned,
            slots_ok,
            slots_pfail,
            slots_fail,
            known_nodes,
            size,
            current_epoch,
            my_epoch,
            stats_messages_sent,
            stats_messages_received,
            other: lines,
        })
    }
}

impl FromRedisValue for ClusterInfoReply {
    fn from_redis_value(value: Value) -> Result<Self> {
        text::<ClusterInfoReply>(value)?.parse()
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;
    use crate::resp::VerbatimFormat;

    const TEXT: &str = "cluster_state:ok\r\ncluster_slots_assigned:16384\r\n\
        cluster_slots_ok:16384\r\ncluster_slots_pfail:0\r\ncluster_slots_fail:0\r\n\
        cluster_known_nodes:1\r\ncluster_size:1\r\ncluster_current_epoch:0\r\n\
        cluster_my_epoch:0\r\ncluster_stats_messages_sent:0\r\n\
        cluster_stats_messages_received:0\r\ntotal_cluster_links_buffer_limit_exceeded:0\r\n";

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&ClusterInfo::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$7\r\nCLUSTER\r\n$4\r\nINFO\r\n");
        assert!(!ClusterInfo::new().read_only());
    }

    #[test]
    fn decodes_verbatim_and_bulk() {
        let verbatim = Value::Verbatim {
            format: VerbatimFormat(*b"txt"),
            text: Bytes::from_static(TEXT.as_bytes()),
        };
        let a = ClusterInfoReply::from_redis_value(verbatim).unwrap();
        let b = ClusterInfoReply::from_redis_value(Value::BulkString(TEXT.into())).unwrap();
        assert_eq!(a, b);
        assert!(a.is_ok());
        assert_eq!((a.slots_assigned, a.known_nodes, a.size), (16384, 1, 1));
        assert_eq!(a.other.len(), 1);
        assert!(a
            .other
            .contains_key("total_cluster_links_buffer_limit_exceeded"));
    }

    #[test]
    fn missing_or_bad_fields_are_named() {
        let err = "cluster_state:ok\r\n"
            .parse::<ClusterInfoReply>()
            .unwrap_err()
            .to_string();
        assert!(err.contains("ClusterInfoReply") && err.contains("cluster_slots_assigned"));
        let bad = TEXT.replace("cluster_size:1", "cluster_size:many");
        let err = bad.parse::<ClusterInfoReply>().unwrap_err().to_string();
        assert!(err.contains("\"cluster_size\""), "{err}");
    }
}
