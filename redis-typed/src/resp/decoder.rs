//! Incremental RESP2/RESP3 decoder. (Being written: see the helper brief.)

use bytes::BytesMut;

use super::{ProtocolError, Value};

/// Bounds that protect the client from hostile or broken servers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecoderLimits {
    /// Deepest nesting of aggregates accepted.
    pub max_depth: usize,
    /// Largest bulk payload accepted, in bytes.
    pub max_bulk_len: usize,
    /// Most elements (pairs for maps) one aggregate may declare.
    pub max_aggregate_len: usize,
    /// Longest line (simple string, error, number) accepted, in bytes.
    pub max_line_len: usize,
}

impl Default for DecoderLimits {
    fn default() -> Self {
        DecoderLimits {
            max_depth: 128,
            max_bulk_len: 512 * 1024 * 1024,
            max_aggregate_len: 1 << 28,
            max_line_len: 64 * 1024,
        }
    }
}

/// Decodes frames from a growing buffer.
#[derive(Debug, Default)]
pub struct Decoder {
    limits: DecoderLimits,
}

impl Decoder {
    /// A decoder with default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder with the given limits.
    pub fn with_limits(limits: DecoderLimits) -> Self {
        Decoder { limits }
    }

    /// Decodes the next complete frame, consuming its bytes from `buf`.
    /// Returns `Ok(None)` when more bytes are needed.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Value>, ProtocolError> {
        let _ = (buf, &self.limits);
        todo!()
    }
}
