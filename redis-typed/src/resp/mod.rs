//! The Redis serialization protocol (RESP2 and RESP3): bytes <-> [`Value`].
//!
//! This module does no I/O. The [`Decoder`] turns bytes accumulated in a
//! `BytesMut` into [`Value`]s incrementally; the encoder writes commands
//! (arrays of bulk strings) straight into an outgoing buffer, and
//! [`write_value`] / [`write_value_resp2`] write any [`Value`] as a server
//! would (for fake servers and tests).

mod decoder;
mod encoder;
mod error;
mod leaf_array;
mod value;
mod writer;

#[cfg(test)]
mod tests;

pub use decoder::{Decoder, DecoderLimits};
pub use encoder::{write_array_header, ArgCounter, ArgWriter, BulkWriter};
pub use error::ProtocolError;
pub use value::{Value, VerbatimFormat};
pub use writer::{write_value, write_value_resp2};
