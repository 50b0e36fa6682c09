//! `CLUSTER SHARDS`: the cluster's shards, each its slot ranges and nodes.
//!
//! ```
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::{ClusterShard, NodeHealth, NodeRole};
//!
//! let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
//! let node = Value::Map(vec![
//!     (s("id"), s("e10b7051d6bf2d5febd39a2be297bbaea6084111")),
//!     (s("port"), Value::Integer(30001)),
//!     (s("ip"), s("127.0.0.1")),
//!     (s("endpoint"), s("127.0.0.1")),
//!     (s("role"), s("master")),
//!     (s("replication-offset"), Value::Integer(72156)),
//!     (s("health"), s("online")),
//! ]);
//! let shard = Value::Map(vec![
//!     (s("slots"), Value::Array(vec![Value::Integer(0), Value::Integer(5460)])),
//!     (s("nodes"), Value::Array(vec![node])),
//! ]);
//! let shard = ClusterShard::from_redis_value(shard)?;
//! assert_eq!(shard.slots, [(0, 5460)]);
//! assert_eq!((shard.nodes[0].port, &shard.nodes[0].role), (Some(30001), &NodeRole::Master));
//! assert_eq!(shard.nodes[0].health, NodeHealth::Online);
//! # Ok::<(), redis_typed::Error>(())
//! ```

use crate::commands::fields::{conversion, Fields};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `CLUSTER SHARDS`: every shard of the cluster: its slot ranges and the
/// nodes serving them (Redis 7.0+; replaces `CLUSTER SLOTS`).
///
/// Reply: `Vec<`[`ClusterShard`]`>`.
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClusterShards;

impl ClusterShards {
    /// `CLUSTER SHARDS`.
    pub fn new() -> Self {
        ClusterShards
    }
}

impl Command for ClusterShards {
    type Response = Vec<ClusterShard>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLUSTER");
        out.write_arg(b"SHARDS");
    }
}

/// One shard: a primary and its replicas, and the slots they serve.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ClusterShard {
    /// Inclusive `(start, end)` slot ranges (empty for a shard without
    /// slots).
    pub slots: Vec<(u16, u16)>,
    /// The shard's nodes, primary and replicas.
    pub nodes: Vec<ShardNode>,
}

/// A node of a [`ClusterShard`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ShardNode {
    /// The 40-character node id.
    pub id: String,
    /// The plain-text port, when the node serves one.
    pub port: Option<u16>,
    /// The TLS port, when the node serves one.
    pub tls_port: Option<u16>,
    /// The node's IP (empty until the node learned it from a peer).
    pub ip: String,
    /// The preferred endpoint to reach it (IP, hostname or `"?"`).
    pub endpoint: String,
    /// The announced hostname, when set.
    pub hostname: Option<String>,
    /// Primary or replica.
    pub role: NodeRole,
    /// The replication offset.
    pub replication_offset: i64,
    /// Whether it serves traffic.
    pub health: NodeHealth,
}

/// A cluster node's role.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NodeRole {
    /// `master`: a primary.
    #[default]
    Master,
    /// `replica` (or `slave`).
    Replica,
    /// A role this client does not know, as sent.
    Other(String),
}

/// A cluster node's health, as `CLUSTER SHARDS` reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum NodeHealth {
    /// `online`: serving.
    #[default]
    Online,
    /// `fail`: marked failed.
    Failed,
    /// `loading`: loading its dataset.
    Loading,
    /// A state this client does not know, as sent.
    Other(String),
}

impl FromRedisValue for NodeRole {
    fn from_redis_value(value: Value) -> Result<Self> {
        let role = String::from_redis_value(value)?;
        Ok(match role.as_str() {
            "master" | "primary" => NodeRole::Master,
            "replica" | "slave" => NodeRole::Replica,
            _ => NodeRole::Other(role),
        })
    }
}

impl FromRedisValue for NodeHealth {
    fn from_redis_value(value: Value) -> Result<Self> {
        let health = String::from_redis_value(value)?;
        Ok(match health.as_str() {
            "online" => NodeHealth::Online,
            "fail" => NodeHealth::Failed,
            "loading" => NodeHealth::Loading,
            _ => NodeHealth::Other(health),
        })
    }
}

impl FromRedisValue for ClusterShard {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<ClusterShard>::new(value)?;
        let bounds: Vec<u16> = f.required("slots")?;
        if !bounds.len().is_multiple_of(2) {
            return Err(conversion::<ClusterShard>(format!(
                "field \"slots\": {} bounds (expected start/end pairs)",
                bounds.len()
            )));
        }
        Ok(ClusterShard {
            slots: bounds.chunks_exact(2).map(|p| (p[0], p[1])).collect(),
            nodes: f.required("nodes")?,
        })
    }
}

impl FromRedisValue for ShardNode {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<ShardNode>::new(value)?;
        Ok(ShardNode {
            id: f.required("id")?,
            port: f.optional("port")?,
            tls_port: f.optional("tls-port")?,
            ip: f.required("ip")?,
            endpoint: f.required("endpoint")?,
            hostname: f.optional("hostname")?,
            role: f.required("role")?,
            replication_offset: f.required("replication-offset")?,
            health: f.required("health")?,
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

    /// `CLUSTER SHARDS` from a one-node Redis 7.0 cluster, in RESP2.
    fn resp2() -> Value {
        Value::Array(vec![Value::Array(vec![
            bulk("slots"),
            Value::Array(vec![Value::Integer(0), Value::Integer(16383)]),
            bulk("nodes"),
            Value::Array(vec![Value::Array(vec![
                bulk("id"),
                bulk("abf85167059badbb6de961b05f64972b31ef1fa1"),
                bulk("port"),
                Value::Integer(47312),
                bulk("ip"),
                bulk(""),
                bulk("endpoint"),
                bulk(""),
                bulk("role"),
                bulk("master"),
                bulk("replication-offset"),
                Value::Integer(0),
                bulk("health"),
                bulk("online"),
            ])]),
        ])])
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&ClusterShards::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$7\r\nCLUSTER\r\n$6\r\nSHARDS\r\n");
        assert!(!ClusterShards::new().read_only());
    }

    #[test]
    fn decodes_resp2() {
        let shards = Vec::<ClusterShard>::from_redis_value(resp2()).unwrap();
        assert_eq!(shards[0].slots, [(0, 16383)]);
        let node = &shards[0].nodes[0];
        assert_eq!(
            (node.port, node.tls_port, node.hostname.clone()),
            (Some(47312), None, None)
        );
        assert_eq!(
            (&node.role, &node.health),
            (&NodeRole::Master, &NodeHealth::Online)
        );
    }

    #[test]
    fn bad_shards_are_errors() {
        let odd = Value::Map(vec![
            (bulk("slots"), Value::Array(vec![Value::Integer(0)])),
            (bulk("nodes"), Value::Array(vec![])),
        ]);
        let err = ClusterShard::from_redis_value(odd).unwrap_err().to_string();
        assert!(
            err.contains("ClusterShard") && err.contains("slots"),
            "{err}"
        );
        let no_id = Value::Map(vec![(bulk("port"), Value::Integer(1))]);
        let err = ShardNode::from_redis_value(no_id).unwrap_err().to_string();
        assert!(err.contains("ShardNode") && err.contains("`id`"), "{err}");
        let slot_too_big = Value::Map(vec![
            (
                bulk("slots"),
                Value::Array(vec![Value::Integer(0), Value::Integer(70000)]),
            ),
            (bulk("nodes"), Value::Array(vec![])),
        ]);
        assert!(ClusterShard::from_redis_value(slot_too_big).is_err());
    }
}
