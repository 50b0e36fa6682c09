//! `CLUSTER LINKS`: the queried node's cluster bus connections.
//!
//! ```
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::{ClusterLink, LinkDirection};
//!
//! let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
//! let link = Value::Map(vec![
//!     (s("direction"), s("to")),
//!     (s("node"), s("8149d745fa551e40764fecaf7cab9dbdf6b659ae")),
//!     (s("create-time"), Value::Integer(1639442739375)),
//!     (s("events"), s("rw")),
//!     (s("send-buffer-allocated"), Value::Integer(4512)),
//!     (s("send-buffer-used"), Value::Integer(0)),
//! ]);
//! let link = ClusterLink::from_redis_value(link)?;
//! assert_eq!(link.direction, LinkDirection::To);
//! assert_eq!(link.send_buffer_allocated, 4512);
//! # Ok::<(), redis_typed::Error>(())
//! ```

use crate::commands::fields::Fields;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `CLUSTER LINKS`: every cluster bus link of the queried node, both
/// directions (Redis 7.0+).
///
/// Reply: `Vec<`[`ClusterLink`]`>` (empty on a node alone in its cluster).
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClusterLinks;

impl ClusterLinks {
    /// `CLUSTER LINKS`.
    pub fn new() -> Self {
        ClusterLinks
    }
}

impl Command for ClusterLinks {
    type Response = Vec<ClusterLink>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLUSTER");
        out.write_arg(b"LINKS");
    }
}

/// Which side opened a cluster bus link.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum LinkDirection {
    /// `to`: opened by the queried node, towards the peer.
    #[default]
    To,
    /// `from`: accepted by the queried node, from the peer.
    From,
    /// A direction this client does not know, as sent.
    Other(String),
}

impl FromRedisValue for LinkDirection {
    fn from_redis_value(value: Value) -> Result<Self> {
        let direction = String::from_redis_value(value)?;
        Ok(match direction.as_str() {
            "to" => LinkDirection::To,
            "from" => LinkDirection::From,
            _ => LinkDirection::Other(direction),
        })
    }
}

/// One cluster bus link, from a RESP3 map or a RESP2 flat array.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ClusterLink {
    /// Which side opened the link.
    pub direction: LinkDirection,
    /// The peer's node id.
    pub node: String,
    /// When the link was created, in Unix milliseconds.
    pub create_time: i64,
    /// Registered events: `r` (readable), `w` (writable).
    pub events: String,
    /// The send buffer's allocated size, in bytes.
    pub send_buffer_allocated: i64,
    /// The part of the send buffer holding messages, in bytes.
    pub send_buffer_used: i64,
}

impl FromRedisValue for ClusterLink {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut f = Fields::<ClusterLink>::new(value)?;
        Ok(ClusterLink {
            direction: f.required("direction")?,
            node: f.required("node")?,
            create_time: f.required("create-time")?,
            events: f.required("events")?,
            send_buffer_allocated: f.required("send-buffer-allocated")?,
            send_buffer_used: f.required("send-buffer-used")?,
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
        crate::commands::encode(&ClusterLinks::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$7\r\nCLUSTER\r\n$5\r\nLINKS\r\n");
        assert!(!ClusterLinks::new().read_only());
    }

    #[test]
    fn decodes_resp2_and_names_missing_fields() {
        let resp2 = Value::Array(vec![
            bulk("direction"),
            bulk("from"),
            bulk("node"),
            bulk("8149"),
            bulk("create-time"),
            Value::Integer(1),
            bulk("events"),
            bulk("r"),
            bulk("send-buffer-allocated"),
            Value::Integer(0),
            bulk("send-buffer-used"),
            Value::Integer(0),
        ]);
        let link = ClusterLink::from_redis_value(resp2).unwrap();
        assert_eq!(
            (link.direction, link.events.as_str()),
            (LinkDirection::From, "r")
        );
        let err = ClusterLink::from_redis_value(Value::Map(vec![]))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ClusterLink") && err.contains("`direction`"),
            "{err}"
        );
    }
}
