//! `ROLE`: is this server a primary, a replica or a sentinel, and how is
//! replication going.
//!
//! ```
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::RoleReply;
//!
//! let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
//! let reply = Value::Array(vec![
//!     s("master"),
//!     Value::Integer(3129659),
//!     Value::Array(vec![Value::Array(vec![s("127.0.0.1"), s("9001"), s("3129242")])]),
//! ]);
//! let RoleReply::Master { offset, replicas } = RoleReply::from_redis_value(reply)? else {
//!     unreachable!()
//! };
//! assert_eq!((offset, replicas[0].port, replicas[0].offset), (3129659, 9001, 3129242));
//! # Ok::<(), redis_typed::Error>(())
//! ```

use crate::commands::fields::{conversion, Items};
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `ROLE`: the server's replication role (Redis 2.8.12+).
///
/// Reply: [`RoleReply`].
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct Role;

impl Role {
    /// `ROLE`.
    pub fn new() -> Self {
        Role
    }
}

impl Command for Role {
    type Response = RoleReply;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ROLE");
    }
}

/// The reply of `ROLE`, by the role's first element.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RoleReply {
    /// `["master", offset, [[ip, port, offset], ...]]`.
    Master {
        /// The primary's replication offset.
        offset: i64,
        /// The connected replicas.
        replicas: Vec<ReplicaOffset>,
    },
    /// `["slave", host, port, state, offset]`.
    Replica {
        /// The primary's host.
        master_host: String,
        /// The primary's port.
        master_port: u16,
        /// `"connect"`, `"connecting"`, `"sync"`, `"connected"`,
        /// `"handshake"`, `"none"`, `"unknown"`.
        state: String,
        /// The replication offset received so far (-1 before the first sync).
        offset: i64,
    },
    /// `["sentinel", [master-name, ...]]`.
    Sentinel {
        /// The names of the primaries this sentinel monitors.
        masters: Vec<String>,
    },
}

/// A replica as seen by its primary in `ROLE`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ReplicaOffset {
    /// The replica's IP.
    pub ip: String,
    /// The replica's listening port.
    pub port: u16,
    /// The last replication offset it acknowledged.
    pub offset: i64,
}

impl FromRedisValue for ReplicaOffset {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<ReplicaOffset>::at_least(value, 3)?;
        Ok(ReplicaOffset {
            ip: items.required("ip")?,
            port: items.required("port")?,
            offset: items.required("offset")?,
        })
    }
}

impl FromRedisValue for RoleReply {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut items = Items::<RoleReply>::at_least(value, 1)?;
        let role: String = items.required("role")?;
        match role.as_str() {
            "master" => Ok(RoleReply::Master {
                offset: items.required("offset")?,
                replicas: items.required("replicas")?,
            }),
            "slave" | "replica" => Ok(RoleReply::Replica {
                master_host: items.required("master_host")?,
                master_port: items.required("master_port")?,
                state: items.required("state")?,
                offset: items.required("offset")?,
            }),
            "sentinel" => Ok(RoleReply::Sentinel {
                masters: items.required("masters")?,
            }),
            other => Err(conversion::<RoleReply>(format!(
                "the unknown role {other:?}"
            ))),
        }
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
        crate::commands::encode(&Role::new(), &mut out);
        assert_eq!(&out[..], b"*1\r\n$4\r\nROLE\r\n");
        assert!(!Role::new().read_only());
    }

    #[test]
    fn decodes_each_role() {
        let replica = Value::Array(vec![
            bulk("slave"),
            bulk("127.0.0.1"),
            Value::Integer(9000),
            bulk("connected"),
            Value::Integer(3167038),
        ]);
        assert_eq!(
            RoleReply::from_redis_value(replica).unwrap(),
            RoleReply::Replica {
                master_host: "127.0.0.1".into(),
                master_port: 9000,
                state: "connected".into(),
                offset: 3167038,
            }
        );
        let sentinel = Value::Array(vec![
            bulk("sentinel"),
            Value::Array(vec![bulk("resque-master"), bulk("html-fragments-master")]),
        ]);
        let RoleReply::Sentinel { masters } = RoleReply::from_redis_value(sentinel).unwrap() else {
            panic!("not a sentinel")
        };
        assert_eq!(masters, ["resque-master", "html-fragments-master"]);
        let master = Value::Array(vec![
            bulk("master"),
            Value::Integer(0),
            Value::Array(vec![]),
        ]);
        assert_eq!(
            RoleReply::from_redis_value(master).unwrap(),
            RoleReply::Master {
                offset: 0,
                replicas: vec![]
            }
        );
    }

    #[test]
    fn bad_replies_are_errors() {
        for bad in [
            Value::Array(vec![bulk("leader")]),
            Value::Array(vec![bulk("slave"), bulk("h")]),
            Value::Array(vec![]),
            Value::Array(vec![
                bulk("master"),
                Value::Integer(0),
                Value::Array(vec![bulk("x")]),
            ]),
        ] {
            let err = RoleReply::from_redis_value(bad).unwrap_err().to_string();
            assert!(
                err.contains("Role") || err.contains("ReplicaOffset"),
                "{err}"
            );
        }
    }
}
