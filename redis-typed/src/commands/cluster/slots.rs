//! `CLUSTER SLOTS`: which nodes serve which slot ranges (deprecated since
//! 7.0 in favour of `CLUSTER SHARDS`, still what most clients use).
//!
//! ```
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::ClusterSlotRange;
//!
//! let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
//! let node = |port: i64, id: &str| Value::Array(vec![
//!     s("127.0.0.1"), Value::Integer(port), s(id), Value::Map(vec![]),
//! ]);
//! let range = Value::Array(vec![
//!     Value::Integer(0), Value::Integer(5460), node(30001, "09dbe9"), node(30004, "821d8c"),
//! ]);
//! let range = ClusterSlotRange::from_redis_value(range)?;
//! assert_eq!((range.start, range.end, range.primary.port), (0, 5460, 30001));
//! assert_eq!(range.replicas[0].id, "821d8c");
//! # Ok::<(), redis_typed::Error>(())
//! ```

use std::collections::HashMap;

use crate::commands::fields::Items;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `CLUSTER SLOTS`: the slot ranges and the nodes serving each (Redis
/// 3.0+, deprecated in 7.0: prefer [`ClusterShards`](super::ClusterShards)).
///
/// Reply: `Vec<`[`ClusterSlotRange`]`>`.
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClusterSlots;

impl ClusterSlots {
    /// `CLUSTER SLOTS`.
    pub fn new() -> Self {
        ClusterSlots
    }
}

impl Command for ClusterSlots {
    type Response = Vec<ClusterSlotRange>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLUSTER");
        out.write_arg(b"SLOTS");
    }
}

/// One slot range: `[start, end, primary, replica ...]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ClusterSlotRange {
    /// The first slot.
    pub start: u16,
    /// The last slot (inclusive).
    pub end: u16,
    /// The primary serving the range.
    pub primary: SlotNode,
    /// Its replicas.
    pub replicas: Vec<SlotNode>,
}

/// A node in `CLUSTER SLOTS`: `[endpoint, port, id, {metadata}]`.
///
/// Servers before 4.0 leave out the id, before 7.0 the metadata; they are
/// then empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SlotNode {
    /// The preferred endpoint: the IP (`cluster-preferred-endpoint-type
    /// ip`, the default), the hostname, `"?"` for an unknown one, empty
    /// while the node does not know its own IP; `None` when the server
    /// sent nil.
    pub endpoint: Option<String>,
    /// The port clients connect to.
    pub port: u16,
    /// The 40-character node id.
    pub id: String,
    /// Other ways to reach the node (`"ip"`, `"hostname"`), 7.0+.
    pub metadata: HashMap<String, String>,
}

impl FromRedisValue for SlotNode {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<SlotNode>::at_least(value, 2)?;
        Ok(SlotNode {
            endpoint: items.optional("endpoint")?,
            port: items.required("port")?,
            id: items.or_default("id")?,
            metadata: items.or_default("metadata")?,
        })
    }
}

impl FromRedisValue for ClusterSlotRange {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<ClusterSlotRange>::at_least(value, 3)?;
        let start = items.required("start")?;
        let end = items.required("end")?;
        let primary = items.required("primary")?;
        let replicas = items
            .rest()
            .map(SlotNode::from_redis_value)
            .collect::<Result<_>>()?;
        Ok(ClusterSlotRange {
            start,
            end,
            primary,
            replicas,
        })
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&ClusterSlots::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$7\r\nCLUSTER\r\n$5\r\nSLOTS\r\n");
        assert!(!ClusterSlots::new().read_only());
    }

    #[test]
    fn decodes_metadata_nil_endpoints_and_old_shapes() {
        let range = Value::Array(vec![
            Value::Integer(0),
            Value::Integer(16383),
            Value::Array(vec![
                Value::Nil,
                Value::Integer(30001),
                bulk("abf8"),
                Value::Map(vec![(bulk("hostname"), bulk("host-1"))]),
            ]),
            // A Redis 3.x replica: ip and port only.
            Value::Array(vec![bulk("10.0.0.2"), Value::Integer(30002)]),
        ]);
        let range = ClusterSlotRange::from_redis_value(range).unwrap();
        assert_eq!(range.primary.endpoint, None);
        assert_eq!(range.primary.metadata["hostname"], "host-1");
        assert_eq!(range.replicas[0].endpoint.as_deref(), Some("10.0.0.2"));
        assert_eq!(range.replicas[0].id, "");
    }

    #[test]
    fn bad_ranges_are_errors() {
        let short = Value::Array(vec![Value::Integer(0), Value::Integer(1)]);
        let err = ClusterSlotRange::from_redis_value(short)
            .unwrap_err()
            .to_string();
        assert!(err.contains("ClusterSlotRange"), "{err}");
        let bad_node = Value::Array(vec![Value::Integer(0), Value::Integer(1), bulk("x")]);
        let err = ClusterSlotRange::from_redis_value(bad_node)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`primary`"), "{err}");
    }
}
