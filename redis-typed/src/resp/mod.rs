//! The Redis serialization protocol (RESP2 and RESP3): bytes <-> [`Value`].
//!
//! This module does no I/O. The [`Decoder`] turns bytes accumulated in a
//! `BytesMut` into [`Value`]s incrementally; the encoder writes commands
//! (arrays of bulk strings) straight into an outgoing buffer.

mod decoder;
mod encoder;
mod error;
mod value;

pub use decoder::{Decoder, DecoderLimits};
pub use encoder::{write_array_header, ArgCounter, ArgWriter, BulkWriter};
pub use error::ProtocolError;
pub use value::{Value, VerbatimFormat};
