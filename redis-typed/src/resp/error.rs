//! Protocol errors: input that is not valid RESP or breaks a configured limit.

/// Malformed or out-of-bounds protocol input. Decoding never panics: every
/// bad input maps to one of these.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The first byte of a frame is not a known RESP type marker.
    #[error("unknown RESP type byte 0x{0:02x}")]
    UnknownType(u8),
    /// A length, integer, double, boolean or other header could not be parsed.
    #[error("invalid {what} in RESP frame")]
    Invalid {
        /// What was being parsed (`"length"`, `"integer"`, `"double"`, ...).
        what: &'static str,
    },
    /// A bulk payload was not followed by `\r\n`.
    #[error("missing CRLF after bulk payload")]
    MissingCrlf,
    /// A line (simple string, error, header) grew past the line limit
    /// without a terminating `\r\n`.
    #[error("line longer than the limit of {limit} bytes")]
    LineTooLong {
        /// The configured limit.
        limit: usize,
    },
    /// A bulk string declared a length above the configured limit.
    #[error("bulk length {declared} exceeds the limit of {limit} bytes")]
    BulkTooLarge {
        /// What the frame declared.
        declared: u64,
        /// The configured limit.
        limit: usize,
    },
    /// An aggregate declared more elements than the configured limit.
    #[error("aggregate of {declared} elements exceeds the limit of {limit}")]
    AggregateTooLarge {
        /// What the frame declared.
        declared: u64,
        /// The configured limit.
        limit: usize,
    },
    /// Aggregates were nested deeper than the configured limit.
    #[error("nesting deeper than the limit of {limit}")]
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// Valid RESP3 that this client does not support: streamed strings and
    /// aggregates (`$?`, `*?`, ...), which Redis never sends.
    #[error("unsupported RESP3 feature: {what}")]
    Unsupported {
        /// What was received (`"streamed string"`, `"streamed aggregate"`).
        what: &'static str,
    },
    /// A reply arrived that no request was waiting for.
    #[error("unexpected reply: no request is waiting for it")]
    UnexpectedReply,
}
