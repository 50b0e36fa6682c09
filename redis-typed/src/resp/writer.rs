//! Serializing any [`Value`] as a server would send it, in RESP3 or RESP2.
//!
//! The client itself only ever *writes* commands (see the encoder); these
//! functions write *replies*. They serve the in-memory fake servers of the
//! fault-injection tests and the decoder's round-trip tests.

use bytes::{BufMut, BytesMut};

use super::Value;

/// Writes `value` in RESP3 wire format, appending to `out`.
///
/// Every variant has its own RESP3 type, so decoding the output gives back
/// an equal value (doubles round-trip exactly; `NaN` is written as `nan`
/// and decodes to a `NaN`), with two exceptions that keep the output
/// well-formed:
///
/// * a [`Value::Error`] whose message contains `\r` or `\n` is written as
///   a blob error (`!len\r\n...\r\n`), which decodes to the same value;
/// * a [`Value::SimpleString`] containing `\r` or `\n` cannot be a simple
///   string on the wire, and is written as a bulk string instead.
///
/// | value | wire |
/// |-------|------|
/// | `Nil` | `_\r\n` |
/// | `SimpleString("OK")` | `+OK\r\n` |
/// | `Error("ERR x")` | `-ERR x\r\n` |
/// | `Integer(7)` | `:7\r\n` |
/// | `BulkString("hi")` | `$2\r\nhi\r\n` |
/// | `Double(1.5)` | `,1.5\r\n` (`,inf`, `,-inf`, `,nan`) |
/// | `Boolean(true)` | `#t\r\n` |
/// | `BigNumber("123")` | `(123\r\n` |
/// | `Verbatim{txt, "hi"}` | `=6\r\ntxt:hi\r\n` |
/// | `Array` / `Set` / `Push` | `*N` / `~N` / `>N` then the elements |
/// | `Map` | `%N` then key, value, key, value... |
/// | `Attribute` | `\|N` then the attribute pairs, then the value |
///
/// ```
/// use bytes::BytesMut;
/// use redis_typed::resp::{write_value, write_value_resp2, Decoder, Value};
///
/// let reply = Value::Map(vec![(Value::SimpleString("score".into()), Value::Double(3.25))]);
///
/// let mut out = BytesMut::new();
/// write_value(&mut out, &reply);
/// assert_eq!(&out[..], b"%1\r\n+score\r\n,3.25\r\n");
/// assert_eq!(Decoder::new().decode(&mut out).unwrap(), Some(reply.clone()));
///
/// let mut out = BytesMut::new();
/// write_value_resp2(&mut out, &reply);
/// assert_eq!(&out[..], b"*2\r\n+score\r\n$4\r\n3.25\r\n");
/// ```
pub fn write_value(out: &mut BytesMut, value: &Value) {
    match value {
        Value::Nil => out.put_slice(b"_\r\n"),
        Value::SimpleString(s) => write_simple(out, s),
        Value::Error(e) => {
            if has_newline(e) {
                write_blob(out, b'!', e);
            } else {
                write_line(out, b'-', e);
            }
        }
        Value::Integer(i) => write_int(out, b':', *i),
        Value::BulkString(b) => write_blob(out, b'$', b),
        Value::Array(items) => write_seq(out, b'*', items, write_value),
        Value::Set(items) => write_seq(out, b'~', items, write_value),
        Value::Push(items) => write_seq(out, b'>', items, write_value),
        Value::Map(pairs) => {
            write_len(out, b'%', pairs.len());
            write_pairs(out, pairs, write_value);
        }
        Value::Attribute { attributes, value } => {
            write_len(out, b'|', attributes.len());
            write_pairs(out, attributes, write_value);
            write_value(out, value);
        }
        Value::Double(d) => {
            let mut buf = ryu::Buffer::new();
            write_line(out, b',', format_double(&mut buf, *d));
        }
        Value::Boolean(b) => out.put_slice(if *b { b"#t\r\n" } else { b"#f\r\n" }),
        Value::BigNumber(n) => write_line(out, b'(', n),
        Value::Verbatim { format, text } => {
            write_len(out, b'=', text.len() + 4);
            out.reserve(4 + text.len() + 2);
            out.put_slice(&format.0);
            out.put_u8(b':');
            out.put_slice(text);
            out.put_slice(b"\r\n");
        }
    }
}

/// Writes `value` in RESP2 wire format, appending to `out`, mapping the
/// RESP3-only types the way Redis does for a RESP2 client:
///
/// * `Nil` -> null bulk string `$-1\r\n`;
/// * `Map` -> flat array `key, value, key, value...` of twice the length;
/// * `Set` and `Push` -> arrays;
/// * `Double` -> bulk string of its decimal form (`inf`, `-inf`, `nan`);
/// * `Boolean` -> integer `1` / `0`;
/// * `BigNumber` -> bulk string of its digits;
/// * `Verbatim` -> bulk string of its text (without the format prefix);
/// * `Attribute` -> just the annotated value (RESP2 has no attributes);
/// * an `Error` containing `\r` or `\n` has them replaced by spaces (RESP2
///   has no blob errors), and a `SimpleString` containing them is written as
///   a bulk string.
pub fn write_value_resp2(out: &mut BytesMut, value: &Value) {
    match value {
        Value::Nil => out.put_slice(b"$-1\r\n"),
        Value::SimpleString(s) => write_simple(out, s),
        Value::Error(e) => {
            if has_newline(e) {
                let clean: Vec<u8> = e
                    .iter()
                    .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b })
                    .collect();
                write_line(out, b'-', &clean);
            } else {
                write_line(out, b'-', e);
            }
        }
        Value::Integer(i) => write_int(out, b':', *i),
        Value::BulkString(b) | Value::BigNumber(b) => write_blob(out, b'$', b),
        Value::Verbatim { text, .. } => write_blob(out, b'$', text),
        Value::Array(items) | Value::Set(items) | Value::Push(items) => {
            write_seq(out, b'*', items, write_value_resp2)
        }
        Value::Map(pairs) => {
            write_len(out, b'*', pairs.len() * 2);
            write_pairs(out, pairs, write_value_resp2);
        }
        Value::Attribute { value, .. } => write_value_resp2(out, value),
        Value::Double(d) => {
            let mut buf = ryu::Buffer::new();
            write_blob(out, b'$', format_double(&mut buf, *d));
        }
        Value::Boolean(b) => out.put_slice(if *b { b":1\r\n" } else { b":0\r\n" }),
    }
}

/// The shortest decimal that parses back to exactly `d`, or Redis's
/// spelling of the non-finite values.
fn format_double(buf: &mut ryu::Buffer, d: f64) -> &[u8] {
    if d.is_nan() {
        b"nan"
    } else if d.is_infinite() {
        if d > 0.0 {
            b"inf"
        } else {
            b"-inf"
        }
    } else {
        buf.format_finite(d).as_bytes()
    }
}

fn has_newline(s: &[u8]) -> bool {
    memchr::memchr2(b'\r', b'\n', s).is_some()
}

fn write_simple(out: &mut BytesMut, s: &[u8]) {
    if has_newline(s) {
        write_blob(out, b'$', s);
    } else {
        write_line(out, b'+', s);
    }
}

fn write_line(out: &mut BytesMut, marker: u8, line: &[u8]) {
    out.reserve(1 + line.len() + 2);
    out.put_u8(marker);
    out.put_slice(line);
    out.put_slice(b"\r\n");
}

fn write_int(out: &mut BytesMut, marker: u8, n: i64) {
    let mut buf = itoa::Buffer::new();
    write_line(out, marker, buf.format(n).as_bytes());
}

fn write_len(out: &mut BytesMut, marker: u8, len: usize) {
    let mut buf = itoa::Buffer::new();
    write_line(out, marker, buf.format(len).as_bytes());
}

fn write_blob(out: &mut BytesMut, marker: u8, payload: &[u8]) {
    write_len(out, marker, payload.len());
    out.reserve(payload.len() + 2);
    out.put_slice(payload);
    out.put_slice(b"\r\n");
}

fn write_seq(out: &mut BytesMut, marker: u8, items: &[Value], write: fn(&mut BytesMut, &Value)) {
    write_len(out, marker, items.len());
    for item in items {
        write(out, item);
    }
}

fn write_pairs(out: &mut BytesMut, pairs: &[(Value, Value)], write: fn(&mut BytesMut, &Value)) {
    for (k, v) in pairs {
        write(out, k);
        write(out, v);
    }
}
