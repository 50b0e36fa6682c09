//! Typed decoding of every response type in the catalogue from arbitrary
//! [`Value`](redis_typed::Value)s: never a panic, and every failure is a
//! typed decoding error (see `shared/catalogue.rs`).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../shared/catalogue.rs"]
mod catalogue;

use catalogue::{arbitrary_value, decode_every_response_type, Choices};

fuzz_target!(|data: &[u8]| {
    let mut choices = Choices::new(data);
    let value = arbitrary_value(&mut choices, 6);
    decode_every_response_type(&value);
});
