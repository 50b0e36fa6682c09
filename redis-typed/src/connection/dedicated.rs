//! A dedicated (exclusive) connection. (Being written.)

/// A connection used by one caller at a time.
#[derive(Debug)]
pub struct Connection {}
