//! [`Message`]: one published message, and the frames of a subscribed
//! connection.
//!
//! ```text
//! RESP3: >3 message <channel> <payload>       RESP2: *3 message <channel> <payload>
//!        >4 pmessage <pattern> <channel> <payload>
//!        >3 smessage <channel> <payload>
//!        >3 subscribe <channel> <count>      (psubscribe, ssubscribe, unsubscribe...)
//! ```
//!
//! On RESP3 these arrive as push frames; on RESP2 as arrays, which a
//! subscribed RESP2 connection receives for nothing else.

use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;

use crate::error::Result;
use crate::resp::{write_array_header, ArgWriter, BulkWriter, Value};
use crate::types::FromRedisValue;

/// One message received on a subscribed channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message<T> {
    /// The channel it was published to.
    pub channel: Bytes,
    /// The pattern that matched, for messages of a `PSUBSCRIBE`.
    pub pattern: Option<Bytes>,
    /// The payload, decoded.
    pub payload: T,
}

/// A message as read, its payload not yet decoded.
#[derive(Debug, Clone)]
pub(crate) struct RawMessage {
    pub channel: Bytes,
    pub pattern: Option<Bytes>,
    pub payload: Value,
}

impl RawMessage {
    pub(crate) fn decode<T: FromRedisValue>(self) -> Result<Message<T>> {
        Ok(Message {
            channel: self.channel,
            pattern: self.pattern,
            payload: T::from_redis_value(self.payload)?,
        })
    }

    /// The next message of a subscriber's queue, decoded as `T` (the
    /// `Stream` of both [`Subscriber`](super::Subscriber) and the cluster's
    /// subscriber).
    pub(crate) fn poll_queue<T: FromRedisValue>(
        queue: &mut mpsc::Receiver<RawMessage>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Message<T>>>> {
        queue.poll_recv(cx).map(|m| m.map(RawMessage::decode))
    }
}

/// The three kinds of subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum SubKind {
    /// `SUBSCRIBE channel`.
    Channel,
    /// `PSUBSCRIBE pattern`.
    Pattern,
    /// `SSUBSCRIBE shardchannel`.
    Shard,
}

impl SubKind {
    pub(crate) const ALL: [SubKind; 3] = [SubKind::Channel, SubKind::Pattern, SubKind::Shard];

    /// The command that subscribes (`subscribe == true`) or unsubscribes.
    pub(crate) fn command(self, subscribe: bool) -> &'static [u8] {
        match (self, subscribe) {
            (SubKind::Channel, true) => b"SUBSCRIBE",
            (SubKind::Channel, false) => b"UNSUBSCRIBE",
            (SubKind::Pattern, true) => b"PSUBSCRIBE",
            (SubKind::Pattern, false) => b"PUNSUBSCRIBE",
            (SubKind::Shard, true) => b"SSUBSCRIBE",
            (SubKind::Shard, false) => b"SUNSUBSCRIBE",
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Writes `(UN)SUBSCRIBE channel ...` (or its pattern and shard forms).
    pub(crate) fn encode(self, out: &mut BytesMut, subscribe: bool, channels: &[Bytes]) {
        write_array_header(out, 1 + channels.len());
        let mut w = BulkWriter::new(out);
        w.write_arg(self.command(subscribe));
        for c in channels {
            w.write_arg(c);
        }
    }
}

/// What a frame of a subscribed connection is.
#[derive(Debug)]
pub(crate) enum Frame {
    /// A published message, and the kind of subscription it is for
    /// (`message`, `pmessage`, `smessage`).
    Message(SubKind, RawMessage),
    /// The server confirms one channel of a (un)subscribe command.
    Confirm {
        kind: SubKind,
        subscribe: bool,
        channel: Option<Bytes>,
    },
    /// A reply to something else (`AUTH`), or an error reply.
    Reply(Value),
    /// A push frame of no interest here (RESP3 invalidations...).
    Ignored,
}

impl Frame {
    /// Classifies a frame read from a subscribed connection.
    pub(crate) fn classify(value: Value) -> Frame {
        let (items, push) = match value {
            Value::Push(items) => (items, true),
            Value::Array(items) => (items, false),
            Value::Attribute { value, .. } => return Frame::classify(*value),
            other => return Frame::Reply(other),
        };
        let name = match items.first() {
            Some(Value::BulkString(b) | Value::SimpleString(b)) => b.clone(),
            _ if push => return Frame::Ignored,
            _ => return Frame::Reply(Value::Array(items)),
        };
        let mut it = items.into_iter().skip(1);
        let bytes = |v: Option<Value>| match v {
            Some(Value::BulkString(b) | Value::SimpleString(b)) => Some(b),
            _ => None,
        };
        let confirm = |kind, subscribe| (kind, subscribe);
        let (kind, subscribe) = match &name[..] {
            b"message" | b"smessage" => {
                let (Some(channel), Some(payload)) = (bytes(it.next()), it.next()) else {
                    return Frame::Ignored;
                };
                let kind = match &name[..] {
                    b"message" => SubKind::Channel,
                    _ => SubKind::Shard,
                };
                return Frame::Message(
                    kind,
                    RawMessage {
                        channel,
                        pattern: None,
                        payload,
                    },
                );
            }
            b"pmessage" => {
                let (Some(pattern), Some(channel), Some(payload)) =
                    (bytes(it.next()), bytes(it.next()), it.next())
                else {
                    return Frame::Ignored;
                };
                return Frame::Message(
                    SubKind::Pattern,
                    RawMessage {
                        channel,
                        pattern: Some(pattern),
                        payload,
                    },
                );
            }
            b"subscribe" => confirm(SubKind::Channel, true),
            b"unsubscribe" => confirm(SubKind::Channel, false),
            b"psubscribe" => confirm(SubKind::Pattern, true),
            b"punsubscribe" => confirm(SubKind::Pattern, false),
            b"ssubscribe" => confirm(SubKind::Shard, true),
            b"sunsubscribe" => confirm(SubKind::Shard, false),
            _ if push => return Frame::Ignored,
            _ => {
                let mut items = vec![Value::BulkString(name)];
                items.extend(it);
                return Frame::Reply(Value::Array(items));
            }
        };
        Frame::Confirm {
            kind,
            subscribe,
            channel: bytes(it.next()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn classifies_both_protocols() {
        for wrap in [Value::Push as fn(Vec<Value>) -> Value, Value::Array] {
            match Frame::classify(wrap(vec![
                bulk("pmessage"),
                bulk("p*"),
                bulk("pc"),
                bulk("x"),
            ])) {
                Frame::Message(SubKind::Pattern, m) => {
                    assert_eq!(m.pattern.as_deref(), Some(&b"p*"[..]));
                    assert_eq!(m.decode::<String>().unwrap().payload, "x");
                }
                other => panic!("{other:?}"),
            }
            match Frame::classify(wrap(vec![bulk("ssubscribe"), bulk("s"), Value::Integer(1)])) {
                Frame::Confirm {
                    kind: SubKind::Shard,
                    subscribe: true,
                    channel: Some(c),
                } => assert_eq!(&c[..], b"s"),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            Frame::classify(Value::SimpleString("OK".into())),
            Frame::Reply(_)
        ));
        assert!(matches!(
            Frame::classify(Value::Push(vec![bulk("invalidate"), Value::Nil])),
            Frame::Ignored
        ));
    }
}
