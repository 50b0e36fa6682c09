//! `CLIENT TRACKINGINFO`: the connection's client-side caching state.
//!
//! ```
//! use redis_typed::{FromRedisValue, Value};
//! use redis_typed::commands::ClientTrackingInfoReply;
//!
//! let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
//! // RESP2: a flat `name value ...` array.
//! let reply = Value::Array(vec![
//!     s("flags"), Value::Array(vec![s("on"), s("bcast")]),
//!     s("redirect"), Value::Integer(-1),
//!     s("prefixes"), Value::Array(vec![s("user:")]),
//! ]);
//! let info = ClientTrackingInfoReply::from_redis_value(reply)?;
//! assert!(info.is_on() && info.has_flag("bcast"));
//! assert_eq!(info.redirect, -1);
//! # Ok::<(), redis_typed::Error>(())
//! ```

use bytes::Bytes;

use crate::commands::fields::Fields;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::FromRedisValue;

/// `CLIENT TRACKINGINFO`: whether and how this connection uses
/// server-assisted client-side caching (Redis 6.2+).
///
/// Reply: [`ClientTrackingInfoReply`]. On a shared client it describes the
/// multiplexed connection the command went through.
#[derive(Debug, Clone, Default)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClientTrackingInfo;

impl ClientTrackingInfo {
    /// `CLIENT TRACKINGINFO`.
    pub fn new() -> Self {
        ClientTrackingInfo
    }
}

impl Command for ClientTrackingInfo {
    type Response = ClientTrackingInfoReply;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLIENT");
        out.write_arg(b"TRACKINGINFO");
    }
}

/// The reply of `CLIENT TRACKINGINFO`, from a RESP3 map or a RESP2 flat
/// array. All three fields are required.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ClientTrackingInfoReply {
    /// `off`, or `on` with modifiers: `bcast`, `optin`, `optout`,
    /// `caching-yes`, `caching-no`, `noloop`, `broken_redirect`.
    pub flags: Vec<String>,
    /// The id of the connection invalidations are redirected to; -1 when
    /// none (0 when tracking is off, on some versions).
    pub redirect: i64,
    /// The key prefixes tracked in broadcast mode.
    pub prefixes: Vec<Bytes>,
}

impl ClientTrackingInfoReply {
    /// True when tracking is enabled.
    pub fn is_on(&self) -> bool {
        self.has_flag("on")
    }

    /// True when `flags` holds `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

impl FromRedisValue for ClientTrackingInfoReply {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<ClientTrackingInfoReply>::new(value)?;
        Ok(ClientTrackingInfoReply {
            flags: fields.required("flags")?,
            redirect: fields.required("redirect")?,
            prefixes: fields.required("prefixes")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(Bytes::copy_from_slice(s.as_bytes()))
    }

    #[test]
    fn wire_format() {
        let mut out = bytes::BytesMut::new();
        crate::commands::encode(&ClientTrackingInfo::new(), &mut out);
        assert_eq!(&out[..], b"*2\r\n$6\r\nCLIENT\r\n$12\r\nTRACKINGINFO\r\n");
    }

    #[test]
    fn decodes_a_resp3_map_with_a_set() {
        let reply = Value::Map(vec![
            (bulk("flags"), Value::Set(vec![bulk("off")])),
            (bulk("redirect"), Value::Integer(-1)),
            (bulk("prefixes"), Value::Array(vec![])),
        ]);
        let info = ClientTrackingInfoReply::from_redis_value(reply).unwrap();
        assert_eq!(info.flags, ["off"]);
        assert!(!info.is_on());
        assert!(info.prefixes.is_empty());
    }

    #[test]
    fn a_missing_field_is_named() {
        let reply = Value::Map(vec![(bulk("flags"), Value::Set(vec![]))]);
        let err = ClientTrackingInfoReply::from_redis_value(reply)
            .unwrap_err()
            .to_string();
        assert!(err.contains("ClientTrackingInfoReply") && err.contains("`redirect`"));
    }
}
