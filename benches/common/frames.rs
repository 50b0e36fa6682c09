//! Reply frames shared by the codec benchmarks (`codec.rs` and
//! `instructions.rs`, each with `#[path = "common/frames.rs"] mod frames;`).

use bytes::Bytes;

/// `*100` of 16-byte bulk strings, as MGET of 100 keys returns.
pub fn array_of_100_bulks() -> Bytes {
    let mut frame = Vec::new();
    frame.extend_from_slice(b"*100\r\n");
    for i in 0..100 {
        frame.extend_from_slice(format!("$16\r\nvalue-{i:010}\r\n").as_bytes());
    }
    Bytes::from(frame)
}
