//! Writing commands: a command is a RESP array of bulk strings.
//!
//! ```text
//! *3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n
//! ```
//!
//! The array header needs the argument count before the arguments, so a
//! command is written in two passes over the same `write_args` code: an
//! [`ArgCounter`] counts, then a [`BulkWriter`] writes each argument straight
//! into the outgoing buffer. Neither pass allocates per argument; numbers are
//! formatted on the stack.

use bytes::BytesMut;

/// A sink for command arguments. Implemented by [`ArgCounter`] (first pass)
/// and [`BulkWriter`] (second pass); `ToRedisArgs` implementations write
/// through it.
pub trait ArgWriter {
    /// Writes one argument made of raw bytes.
    fn write_arg(&mut self, arg: &[u8]);

    /// Writes a signed integer as one decimal argument.
    fn write_i64(&mut self, value: i64) {
        let mut buf = itoa::Buffer::new();
        self.write_arg(buf.format(value).as_bytes());
    }

    /// Writes an unsigned integer as one decimal argument.
    fn write_u64(&mut self, value: u64) {
        let mut buf = itoa::Buffer::new();
        self.write_arg(buf.format(value).as_bytes());
    }

    /// Writes a float the way Redis reads it: `inf`, `-inf`, or the shortest
    /// decimal that round-trips exactly.
    fn write_f64(&mut self, value: f64) {
        if value.is_infinite() {
            self.write_arg(if value > 0.0 { b"inf" } else { b"-inf" });
        } else if value.is_nan() {
            self.write_arg(b"nan");
        } else {
            let mut buf = ryu::Buffer::new();
            self.write_arg(buf.format_finite(value).as_bytes());
        }
    }
}

/// First pass: counts arguments without formatting them.
#[derive(Debug, Default, Clone, Copy)]
pub struct ArgCounter {
    /// Arguments counted so far.
    pub count: usize,
}

impl ArgWriter for ArgCounter {
    #[inline]
    fn write_arg(&mut self, _arg: &[u8]) {
        self.count += 1;
    }
    #[inline]
    fn write_i64(&mut self, _value: i64) {
        self.count += 1;
    }
    #[inline]
    fn write_u64(&mut self, _value: u64) {
        self.count += 1;
    }
    #[inline]
    fn write_f64(&mut self, _value: f64) {
        self.count += 1;
    }
}

/// Second pass: writes each argument as a bulk string into the buffer.
#[derive(Debug)]
pub struct BulkWriter<'a> {
    out: &'a mut BytesMut,
}

impl<'a> BulkWriter<'a> {
    /// A writer appending to `out`.
    pub fn new(out: &'a mut BytesMut) -> Self {
        BulkWriter { out }
    }
}

impl ArgWriter for BulkWriter<'_> {
    #[inline]
    fn write_arg(&mut self, arg: &[u8]) {
        let head = Header::new(b'$', arg.len());
        self.out.reserve(head.len + arg.len() + 2);
        self.out.extend_from_slice(head.bytes());
        self.out.extend_from_slice(arg);
        self.out.extend_from_slice(b"\r\n");
    }
}

/// A `$N\r\n` or `*N\r\n` line built on the stack, so it is copied into
/// the buffer in one piece. Lengths below 100 (nearly every argument and
/// command) are formatted without `itoa`.
struct Header {
    buf: [u8; 24],
    len: usize,
}

impl Header {
    #[inline]
    fn new(marker: u8, n: usize) -> Header {
        let mut buf = [0u8; 24];
        buf[0] = marker;
        let digits = if n < 10 {
            buf[1] = b'0' + n as u8;
            1
        } else if n < 100 {
            buf[1] = b'0' + (n / 10) as u8;
            buf[2] = b'0' + (n % 10) as u8;
            2
        } else {
            let mut itoa = itoa::Buffer::new();
            let d = itoa.format(n).as_bytes();
            // usize::MAX has 20 digits: 1 + 20 + 2 <= 24.
            buf[1..1 + d.len()].copy_from_slice(d);
            d.len()
        };
        buf[1 + digits] = b'\r';
        buf[2 + digits] = b'\n';
        Header {
            buf,
            len: 3 + digits,
        }
    }

    #[inline]
    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Writes the `*N\r\n` header of a command of `count` arguments.
#[inline]
pub fn write_array_header(out: &mut BytesMut, count: usize) {
    out.extend_from_slice(Header::new(b'*', count).bytes());
}
