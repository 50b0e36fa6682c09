//! `PUBSUB NUMSUB` and `PUBSUB SHARDNUMSUB`: subscriber counts per channel.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, PubsubNumSub};
//!
//! let mut out = BytesMut::new();
//! encode(&PubsubNumSub::new(["news", "sport"]), &mut out);
//! assert_eq!(
//!     &out[..],
//!     &b"*4\r\n$6\r\nPUBSUB\r\n$6\r\nNUMSUB\r\n$4\r\nnews\r\n$5\r\nsport\r\n"[..]
//! );
//! ```

use bytes::Bytes;

use crate::commands::Command;
use crate::resp::ArgWriter;
use crate::types::SingleArg;

/// `PUBSUB NUMSUB [channel ...]`: how many clients subscribe to each
/// channel (pattern subscriptions not counted).
///
/// Reply: `Vec<(Bytes, i64)>`: `(channel, subscribers)` in the order asked
/// (a flat `channel count ...` array on the wire, in both protocols). In a
/// cluster the count is the queried node's only.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct PubsubNumSub<C> {
    channels: Vec<C>,
}

impl<C: SingleArg> PubsubNumSub<C> {
    /// `PUBSUB NUMSUB channel ...` (no channel: an empty reply).
    pub fn new(channels: impl IntoIterator<Item = C>) -> Self {
        PubsubNumSub {
            channels: channels.into_iter().collect(),
        }
    }
}

impl<C: SingleArg> Command for PubsubNumSub<C> {
    type Response = Vec<(Bytes, i64)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"PUBSUB");
        out.write_arg(b"NUMSUB");
        for channel in &self.channels {
            channel.write_redis_args(out);
        }
    }
}

/// `PUBSUB SHARDNUMSUB [shardchannel ...]`: how many clients subscribe to
/// each shard channel (`SSUBSCRIBE`, Redis 7.0+).
///
/// Reply: `Vec<(Bytes, i64)>`: `(shard channel, subscribers)` in the order
/// asked. In a cluster, send it to the node owning the channel's slot.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct PubsubShardNumSub<C> {
    channels: Vec<C>,
}

impl<C: SingleArg> PubsubShardNumSub<C> {
    /// `PUBSUB SHARDNUMSUB shardchannel ...` (no channel: an empty reply).
    pub fn new(channels: impl IntoIterator<Item = C>) -> Self {
        PubsubShardNumSub {
            channels: channels.into_iter().collect(),
        }
    }
}

impl<C: SingleArg> Command for PubsubShardNumSub<C> {
    type Response = Vec<(Bytes, i64)>;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"PUBSUB");
        out.write_arg(b"SHARDNUMSUB");
        for channel in &self.channels {
            channel.write_redis_args(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resp::Value;
    use crate::types::FromRedisValue;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn wire_format_and_flags() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&PubsubShardNumSub::new(["a"]), &mut out);
        assert_eq!(
            &out[..],
            b"*3\r\n$6\r\nPUBSUB\r\n$11\r\nSHARDNUMSUB\r\n$1\r\na\r\n"
        );
        assert!(!PubsubShardNumSub::new(["a"]).read_only());
        assert!(!PubsubNumSub::new(["a"]).read_only());
    }

    #[test]
    fn keeps_the_order_asked() {
        let reply = Value::Array(vec![
            bulk("z"),
            Value::Integer(2),
            bulk("a"),
            Value::Integer(0),
        ]);
        let counts = <Vec<(Bytes, i64)>>::from_redis_value(reply).unwrap();
        assert_eq!(counts, [(Bytes::from("z"), 2), (Bytes::from("a"), 0)]);
    }
}
