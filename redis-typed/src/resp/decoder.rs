//! Incremental RESP2/RESP3 decoder: see [`Decoder`] for the wire format.
//!
//! # Design
//!
//! The decoder is a push-down automaton rather than a recursive parser. It
//! keeps, between calls, a stack of partially built aggregates, the length of
//! a blob whose header has been read but whose payload is still arriving,
//! and how far the search for the current line's `\r\n` has progressed.
//! Bytes are removed from the caller's buffer as soon as each element is
//! complete, so no element is parsed twice and a frame that trickles in one
//! byte per call still costs linear total work. Blob and line payloads are
//! [`Bytes`](bytes::Bytes) slices split off the input buffer: nothing is
//! copied. A fast path parses runs of complete bulk strings and integers
//! inside an array without going through the general state machine.

use bytes::{Buf, BytesMut};
use memchr::memchr;

use super::{ProtocolError, Value, VerbatimFormat};

/// Preallocation cap (in elements) for one aggregate, whatever it declares:
/// a hostile declared length can never make the decoder reserve much memory
/// before the elements have actually arrived.
const PREALLOC_MAX: usize = 1024;

/// The shortest possible encoded element (`_\r\n`), used to bound
/// preallocation by the bytes actually buffered.
const MIN_ELEMENT_LEN: usize = 3;

/// Most leaves the fast path scans before splitting their bytes off the
/// buffer in one go (bounds the scan's stack array).
const FAST_CHUNK: usize = 32;

/// Bounds that protect the client from hostile or broken servers.
///
/// Every limit is checked as soon as the offending header is read: a bulk
/// string that declares 4 GiB is rejected before any of its payload arrives
/// and before anything is allocated for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecoderLimits {
    /// Deepest nesting of aggregates accepted. A top-level array has depth
    /// 1; an attribute counts as one level (it wraps the value it annotates).
    pub max_depth: usize,
    /// Largest bulk payload accepted, in bytes (`$`, `!` and `=` frames).
    pub max_bulk_len: usize,
    /// Most elements (pairs for maps) one aggregate may declare.
    pub max_aggregate_len: usize,
    /// Longest line (simple string, error, number) accepted, in bytes,
    /// excluding the type byte and the `\r\n`.
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

/// What a blob frame (`$`, `!`, `=`) decodes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlobKind {
    String,
    Error,
    Verbatim,
}

/// What a sequence frame (`*`, `~`, `>`) decodes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SeqKind {
    Array,
    Set,
    Push,
}

/// A partially built aggregate.
#[derive(Debug)]
enum Frame {
    /// `*`, `~` or `>`: `remaining` elements still to come.
    Seq {
        kind: SeqKind,
        items: Vec<Value>,
        remaining: usize,
    },
    /// `%`: `remaining` pairs still to come; `key` holds the key of the pair
    /// being read.
    Map {
        pairs: Vec<(Value, Value)>,
        key: Option<Value>,
        remaining: usize,
    },
    /// `|`: `remaining` attribute pairs still to come, then the annotated
    /// value.
    Attribute {
        pairs: Vec<(Value, Value)>,
        key: Option<Value>,
        remaining: usize,
        value: Option<Value>,
    },
}

impl Frame {
    /// Adds a completed child; true when the aggregate is now complete.
    #[inline]
    fn push(&mut self, value: Value) -> bool {
        match self {
            Frame::Seq {
                items, remaining, ..
            } => {
                items.push(value);
                *remaining -= 1;
                *remaining == 0
            }
            Frame::Map {
                pairs,
                key,
                remaining,
            } => match key.take() {
                Some(k) => {
                    pairs.push((k, value));
                    *remaining -= 1;
                    *remaining == 0
                }
                None => {
                    *key = Some(value);
                    false
                }
            },
            Frame::Attribute {
                pairs,
                key,
                remaining,
                value: annotated,
            } => {
                if *remaining == 0 {
                    *annotated = Some(value);
                    return true;
                }
                match key.take() {
                    Some(k) => {
                        pairs.push((k, value));
                        *remaining -= 1;
                    }
                    None => *key = Some(value),
                }
                false
            }
        }
    }

    /// The finished value of a complete aggregate.
    fn finish(self) -> Value {
        match self {
            Frame::Seq { kind, items, .. } => match kind {
                SeqKind::Array => Value::Array(items),
                SeqKind::Set => Value::Set(items),
                SeqKind::Push => Value::Push(items),
            },
            Frame::Map { pairs, .. } => Value::Map(pairs),
            Frame::Attribute { pairs, value, .. } => Value::Attribute {
                attributes: pairs,
                value: Box::new(value.unwrap_or(Value::Nil)),
            },
        }
    }
}

/// The result of reading one element header or leaf.
enum Step {
    /// More bytes are needed.
    Incomplete,
    /// A complete leaf (or empty aggregate).
    Value(Value),
    /// The header of a non-empty aggregate: its elements follow.
    Open(Frame),
}

/// Decodes RESP2/RESP3 frames from a growing buffer, incrementally.
///
/// # Wire format
///
/// Every RESP frame starts with a one-byte type marker. *Line* types carry
/// their payload on the rest of the line, terminated by `\r\n`:
///
/// | marker | type          | example                  | decoded as              |
/// |--------|---------------|--------------------------|-------------------------|
/// | `+`    | simple string | `+OK\r\n`                | [`Value::SimpleString`] |
/// | `-`    | error         | `-ERR bad\r\n`           | [`Value::Error`]        |
/// | `:`    | integer       | `:-42\r\n`               | [`Value::Integer`]      |
/// | `_`    | null (RESP3)  | `_\r\n`                  | [`Value::Nil`]          |
/// | `,`    | double        | `,1.5\r\n`, `,-inf\r\n`, `,nan\r\n` | [`Value::Double`] |
/// | `#`    | boolean       | `#t\r\n`, `#f\r\n`       | [`Value::Boolean`]      |
/// | `(`    | big number    | `(-12345678901234567890\r\n` | [`Value::BigNumber`] |
///
/// *Blob* types carry a decimal length line, then exactly that many payload
/// bytes (which may contain anything, `\r\n` included) and a final `\r\n`:
///
/// | marker | type        | example                          | decoded as            |
/// |--------|-------------|----------------------------------|-----------------------|
/// | `$`    | bulk string | `$5\r\nhello\r\n` (`$-1\r\n`: nil) | [`Value::BulkString`] |
/// | `!`    | blob error  | `!9\r\nERR oops!\r\n`            | [`Value::Error`]      |
/// | `=`    | verbatim    | `=15\r\ntxt:Some string\r\n`     | [`Value::Verbatim`]   |
///
/// A verbatim payload is a three-byte format, `:`, then the text.
///
/// *Aggregate* types carry an element count line followed by the elements,
/// each a complete frame of any type:
///
/// | marker | type      | example                                  | decoded as           |
/// |--------|-----------|------------------------------------------|----------------------|
/// | `*`    | array     | `*2\r\n:1\r\n:2\r\n` (`*-1\r\n`: nil)      | [`Value::Array`]     |
/// | `%`    | map       | `%1\r\n+k\r\n:1\r\n` (count in pairs)     | [`Value::Map`]       |
/// | `~`    | set       | `~1\r\n:1\r\n`                           | [`Value::Set`]       |
/// | `>`    | push      | `>2\r\n+message\r\n+hi\r\n`              | [`Value::Push`]      |
/// | `\|`   | attribute | `\|1\r\n+ttl\r\n:9\r\n:42\r\n`             | [`Value::Attribute`] |
///
/// An attribute is a map (count in pairs) *followed by* the value it
/// annotates; the two decode together into one [`Value::Attribute`], which
/// takes the place of the annotated value (inside an aggregate it counts as
/// one element).
///
/// RESP2 is a subset of RESP3 (`+ - : $ *`), so one decoder serves both.
/// Streamed RESP3 strings and aggregates (`$?`, `*?`, ... and their `;` /
/// `.` continuation frames) are not supported: Redis never sends them, and
/// their headers are rejected with [`ProtocolError::Unsupported`].
/// Integers may carry a `+` or `-` sign; lengths are plain digits (or `-1`
/// for the nil `$` and `*`); doubles are decimals with an optional
/// exponent, or `inf`, `-inf`, `nan`.
///
/// # Usage
///
/// Feed it the connection's read buffer after every read; it returns each
/// complete top-level frame once, removing its bytes from the buffer, and
/// keeps whatever it has already parsed of an incomplete frame so that the
/// next call resumes where it stopped. The buffer passed to successive calls
/// must be the same stream: bytes are only ever appended to it by the caller
/// and removed from its front by the decoder.
///
/// ```
/// use bytes::BytesMut;
/// use redis_typed::resp::{Decoder, Value};
///
/// let mut decoder = Decoder::new();
/// let mut buf = BytesMut::from(&b"*2\r\n$5\r\nhel"[..]);
/// assert_eq!(decoder.decode(&mut buf).unwrap(), None); // incomplete
/// buf.extend_from_slice(b"lo\r\n:42\r\n+OK\r\n");
/// assert_eq!(
///     decoder.decode(&mut buf).unwrap(),
///     Some(Value::Array(vec![Value::BulkString("hello".into()), Value::Integer(42)])),
/// );
/// assert_eq!(decoder.decode(&mut buf).unwrap(), Some(Value::SimpleString("OK".into())));
/// assert!(buf.is_empty());
/// ```
///
/// # Errors and poisoning
///
/// Malformed input and broken [`DecoderLimits`] are reported as a
/// [`ProtocolError`]; decoding never panics. After an error the stream can
/// no longer be trusted (the decoder has no way to find the next frame
/// boundary), so the decoder is *poisoned*: it drops its partial state and
/// every later call returns the same error until [`Decoder::reset`]. The
/// connection it belongs to must be discarded.
#[derive(Debug, Default)]
pub struct Decoder {
    limits: DecoderLimits,
    /// Aggregates being built, outermost first.
    stack: Vec<Frame>,
    /// A blob whose header has been consumed and whose payload (plus the
    /// final `\r\n`) is awaited: its kind and payload length.
    pending_blob: Option<(BlobKind, usize)>,
    /// How many bytes at the front of the buffer (the current, incomplete
    /// line) have already been searched for `\r` without finding a complete
    /// `\r\n`. 0 when no search is in progress.
    scan_from: usize,
    /// The error that poisoned the decoder, if any.
    poisoned: Option<ProtocolError>,
    /// Scratch for [`Decoder::decode_leaf_array`]: the leaves found by its
    /// scan, kept to reuse the allocation (bounded by its element cap).
    pub(super) leaves: Vec<Leaf>,
    /// Deterministic work counter for the linearity tests: bytes examined
    /// plus one per call.
    #[cfg(test)]
    work: u64,
}

impl Decoder {
    /// A decoder with default limits.
    pub fn new() -> Self {
        Self::default()
    }

    /// A decoder with the given limits.
    pub fn with_limits(limits: DecoderLimits) -> Self {
        Decoder {
            limits,
            ..Self::default()
        }
    }

    /// The limits this decoder enforces.
    pub fn limits(&self) -> DecoderLimits {
        self.limits
    }

    /// True when part of a frame has been consumed from the buffer but the
    /// frame is not complete yet. A stream that ends while this is true (or
    /// while the buffer still holds bytes) ended in the middle of a reply.
    pub fn is_mid_frame(&self) -> bool {
        !self.stack.is_empty() || self.pending_blob.is_some()
    }

    /// True when nothing of a frame has been consumed or examined: the next
    /// frame starts at the front of the buffer.
    pub(super) fn is_idle(&self) -> bool {
        self.poisoned.is_none()
            && self.stack.is_empty()
            && self.pending_blob.is_none()
            && self.scan_from == 0
    }

    /// True when an earlier error poisoned the decoder.
    pub fn is_poisoned(&self) -> bool {
        self.poisoned.is_some()
    }

    /// Forgets all partial state and any poisoning, keeping the limits. The
    /// caller must also clear its buffer: the decoder's position within it
    /// is lost.
    pub fn reset(&mut self) {
        self.stack.clear();
        self.pending_blob = None;
        self.scan_from = 0;
        self.poisoned = None;
    }

    /// Decodes the next complete frame, consuming its bytes from `buf`.
    /// Returns `Ok(None)` when more bytes are needed; the bytes of the
    /// elements completed so far have then already been consumed and are
    /// held by the decoder.
    ///
    /// # Errors
    ///
    /// A [`ProtocolError`] when the input is not valid RESP or breaks one of
    /// the [`DecoderLimits`]. The decoder is then poisoned (see the type's
    /// documentation).
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Value>, ProtocolError> {
        if let Some(err) = &self.poisoned {
            return Err(err.clone());
        }
        #[cfg(test)]
        {
            self.work += 1;
        }
        match self.decode_inner(buf) {
            Ok(v) => Ok(v),
            Err(err) => {
                self.stack = Vec::new();
                self.pending_blob = None;
                self.scan_from = 0;
                self.poisoned = Some(err.clone());
                Err(err)
            }
        }
    }

    fn decode_inner(&mut self, buf: &mut BytesMut) -> Result<Option<Value>, ProtocolError> {
        // A whole array of scalars (an MGET reply) in one go, when it has
        // fully arrived; otherwise element by element below.
        if buf.first() == Some(&b'*') {
            if let Some(items) = self.decode_leaf_values(buf) {
                return Ok(Some(Value::Array(items)));
            }
        }
        loop {
            let value = match self.fast_run(buf) {
                Some(done) => done,
                None => match self.next_element(buf)? {
                    Step::Incomplete => return Ok(None),
                    Step::Value(v) => v,
                    Step::Open(frame) => {
                        self.stack.push(frame);
                        continue;
                    }
                },
            };
            if let Some(top_level) = self.complete(value) {
                return Ok(Some(top_level));
            }
        }
    }

    /// Hands a completed value to its parent, closing every aggregate it
    /// completes. Returns the value when it completes the top-level frame.
    #[inline]
    fn complete(&mut self, mut value: Value) -> Option<Value> {
        loop {
            match self.stack.last_mut() {
                None => return Some(value),
                Some(top) => {
                    if !top.push(value) {
                        return None;
                    }
                }
            }
            value = self.stack.pop()?.finish();
        }
    }

    /// The fast path for the common case: a top-level bulk string or
    /// integer (a `GET` or `INCR` reply), or, while the innermost open
    /// aggregate is an array/set/push, runs of complete bulk strings and
    /// integers (an `MGET` reply). Returns the value if this completed the
    /// top-level frame or the open aggregate; otherwise the general path
    /// takes over at the current position.
    ///
    /// Leaves are found by scanning the buffer as a slice, up to
    /// [`FAST_CHUNK`] at a time; then the chunk's bytes are split off the
    /// buffer once and each bulk payload is a [`Bytes`](bytes::Bytes) slice
    /// of it. That is one buffer split per chunk instead of three buffer
    /// updates per element, and still no copy.
    ///
    /// Anything unusual (an incomplete or malformed element, a limit
    /// exceeded, another type) is left to the general path, which reports
    /// it. A failed attempt examines at most a short header, and is only
    /// made at the start of a line, so it keeps the total work linear.
    #[inline]
    fn fast_run(&mut self, buf: &mut BytesMut) -> Option<Value> {
        if self.pending_blob.is_some() || self.scan_from != 0 {
            return None;
        }
        let limits = self.limits;
        let Some(top) = self.stack.last_mut() else {
            let (leaf, end) = scan_leaf(buf, &limits)?;
            #[cfg(test)]
            {
                self.work += 1;
            }
            return Some(match leaf {
                Leaf::Bulk { .. } => leaf.into_value_owned(buf.split_to(end).freeze()),
                // Nothing to keep from the buffer.
                _ => {
                    buf.advance(end);
                    leaf.into_value_owned(bytes::Bytes::new())
                }
            });
        };
        let Frame::Seq {
            items, remaining, ..
        } = top
        else {
            return None;
        };
        loop {
            let want = (*remaining).min(FAST_CHUNK);
            self.leaves.clear();
            let end = scan_leaves(buf, 0, want, &limits, &mut self.leaves);
            let found = self.leaves.len();
            if found == 0 {
                return None;
            }
            #[cfg(test)]
            {
                self.work += found as u64;
            }
            let chunk = buf.split_to(end).freeze();
            items.extend(self.leaves.iter().map(|leaf| leaf.into_value(&chunk)));
            *remaining -= found;
            if *remaining == 0 {
                return self.stack.pop().map(Frame::finish);
            }
            if found < want {
                return None;
            }
        }
    }

    /// Reads the next element: a leaf, an empty aggregate, or the header of
    /// a non-empty aggregate.
    #[inline]
    fn next_element(&mut self, buf: &mut BytesMut) -> Result<Step, ProtocolError> {
        if let Some((kind, len)) = self.pending_blob {
            return match self.take_blob(buf, kind, len)? {
                Some(v) => {
                    self.pending_blob = None;
                    Ok(Step::Value(v))
                }
                None => Ok(Step::Incomplete),
            };
        }
        let Some(&ty) = buf.first() else {
            return Ok(Step::Incomplete);
        };
        if !matches!(
            ty,
            b'+' | b'-'
                | b':'
                | b'$'
                | b'*'
                | b'_'
                | b','
                | b'#'
                | b'('
                | b'!'
                | b'='
                | b'%'
                | b'~'
                | b'>'
                | b'|'
        ) {
            return Err(ProtocolError::UnknownType(ty));
        }
        let Some(cr) = self.find_line(buf)? else {
            return Ok(Step::Incomplete);
        };
        self.scan_from = 0;
        // The line's content is buf[1..cr]; the frame header is buf[..cr + 2].
        let line = &buf[1..cr];
        #[cfg(test)]
        {
            self.work += line.len() as u64;
        }
        let value = match ty {
            b'+' => Value::SimpleString(take_line(buf, cr)),
            b'-' => Value::Error(take_line(buf, cr)),
            b':' => {
                let n = parse_i64(line).ok_or(ProtocolError::Invalid { what: "integer" })?;
                buf.advance(cr + 2);
                Value::Integer(n)
            }
            b'_' => {
                if !line.is_empty() {
                    return Err(ProtocolError::Invalid { what: "null" });
                }
                buf.advance(cr + 2);
                Value::Nil
            }
            b',' => {
                let d = parse_f64(line).ok_or(ProtocolError::Invalid { what: "double" })?;
                buf.advance(cr + 2);
                Value::Double(d)
            }
            b'#' => {
                let b = match line {
                    b"t" => true,
                    b"f" => false,
                    _ => return Err(ProtocolError::Invalid { what: "boolean" }),
                };
                buf.advance(cr + 2);
                Value::Boolean(b)
            }
            b'(' => {
                if !is_big_number(line) {
                    return Err(ProtocolError::Invalid { what: "big number" });
                }
                Value::BigNumber(take_line(buf, cr))
            }
            b'$' | b'!' | b'=' => {
                let kind = match ty {
                    b'$' => BlobKind::String,
                    b'!' => BlobKind::Error,
                    _ => BlobKind::Verbatim,
                };
                let len = match parse_len(line, ty == b'$', "streamed string")? {
                    None => {
                        buf.advance(cr + 2);
                        return Ok(Step::Value(Value::Nil));
                    }
                    Some(n) => n,
                };
                if len > self.limits.max_bulk_len as u64 {
                    return Err(ProtocolError::BulkTooLarge {
                        declared: len,
                        limit: self.limits.max_bulk_len,
                    });
                }
                // In range: len <= max_bulk_len, a usize.
                let len = len as usize;
                if kind == BlobKind::Verbatim && len < 4 {
                    return Err(ProtocolError::Invalid {
                        what: "verbatim string",
                    });
                }
                buf.advance(cr + 2);
                return match self.take_blob(buf, kind, len)? {
                    Some(v) => Ok(Step::Value(v)),
                    None => {
                        self.pending_blob = Some((kind, len));
                        Ok(Step::Incomplete)
                    }
                };
            }
            // '*', '%', '~', '>', '|'
            _ => {
                let len = match parse_len(line, ty == b'*', "streamed aggregate")? {
                    None => {
                        buf.advance(cr + 2);
                        return Ok(Step::Value(Value::Nil));
                    }
                    Some(n) => n,
                };
                if len > self.limits.max_aggregate_len as u64 {
                    return Err(ProtocolError::AggregateTooLarge {
                        declared: len,
                        limit: self.limits.max_aggregate_len,
                    });
                }
                if self.stack.len() >= self.limits.max_depth {
                    return Err(ProtocolError::TooDeep {
                        limit: self.limits.max_depth,
                    });
                }
                let len = len as usize;
                buf.advance(cr + 2);
                // Never reserve more than the buffered bytes could hold.
                let avail = buf.len() / MIN_ELEMENT_LEN;
                let seq = |kind| {
                    if len == 0 {
                        return Step::Value(
                            Frame::Seq {
                                kind,
                                items: Vec::new(),
                                remaining: 0,
                            }
                            .finish(),
                        );
                    }
                    Step::Open(Frame::Seq {
                        kind,
                        items: Vec::with_capacity(len.min(PREALLOC_MAX).min(avail)),
                        remaining: len,
                    })
                };
                let pairs = || Vec::with_capacity(len.min(PREALLOC_MAX).min(avail / 2));
                return Ok(match ty {
                    b'*' => seq(SeqKind::Array),
                    b'~' => seq(SeqKind::Set),
                    b'>' => seq(SeqKind::Push),
                    b'%' if len == 0 => Step::Value(Value::Map(Vec::new())),
                    b'%' => Step::Open(Frame::Map {
                        pairs: pairs(),
                        key: None,
                        remaining: len,
                    }),
                    _ => Step::Open(Frame::Attribute {
                        pairs: pairs(),
                        key: None,
                        remaining: len,
                        value: None,
                    }),
                });
            }
        };
        Ok(Step::Value(value))
    }

    /// Takes a blob payload of `len` bytes plus its `\r\n` from the front of
    /// `buf`, or returns `None` when it has not fully arrived.
    #[inline]
    fn take_blob(
        &mut self,
        buf: &mut BytesMut,
        kind: BlobKind,
        len: usize,
    ) -> Result<Option<Value>, ProtocolError> {
        let Some(need) = len.checked_add(2) else {
            return Err(ProtocolError::BulkTooLarge {
                declared: len as u64,
                limit: self.limits.max_bulk_len,
            });
        };
        if buf.len() < need {
            // Fail early when the byte after the payload is already wrong.
            if buf.len() > len && buf[len] != b'\r' {
                return Err(ProtocolError::MissingCrlf);
            }
            return Ok(None);
        }
        if &buf[len..need] != b"\r\n" {
            return Err(ProtocolError::MissingCrlf);
        }
        #[cfg(test)]
        {
            self.work += 1;
        }
        let value = match kind {
            BlobKind::String => Value::BulkString(buf.split_to(len).freeze()),
            BlobKind::Error => Value::Error(buf.split_to(len).freeze()),
            BlobKind::Verbatim => {
                // len >= 4 was checked when the header was read.
                if buf[3] != b':' {
                    return Err(ProtocolError::Invalid {
                        what: "verbatim string",
                    });
                }
                let format = VerbatimFormat([buf[0], buf[1], buf[2]]);
                buf.advance(4);
                Value::Verbatim {
                    format,
                    text: buf.split_to(len - 4).freeze(),
                }
            }
        };
        buf.advance(2);
        Ok(Some(value))
    }

    /// Finds the `\r` of the `\r\n` ending the line that starts at `buf[0]`
    /// (the type byte). Resumes the search where the previous call stopped,
    /// and never searches past the line limit.
    #[inline]
    fn find_line(&mut self, buf: &BytesMut) -> Result<Option<usize>, ProtocolError> {
        let start = if self.scan_from == 0 || self.scan_from > buf.len() {
            1
        } else {
            self.scan_from
        };
        // A line of max_line_len bytes has its '\r' at index max_line_len + 1.
        let end = buf.len().min(self.limits.max_line_len.saturating_add(2));
        let hay = buf.get(start..end).unwrap_or_default();
        match memchr(b'\r', hay) {
            Some(off) => {
                #[cfg(test)]
                {
                    self.work += off as u64 + 1;
                }
                let cr = start + off;
                match buf.get(cr + 1) {
                    Some(b'\n') => Ok(Some(cr)),
                    Some(_) => Err(ProtocolError::Invalid {
                        what: "line terminator",
                    }),
                    None => {
                        // '\r' is the last byte so far: wait for the '\n'.
                        self.scan_from = cr;
                        Ok(None)
                    }
                }
            }
            None => {
                #[cfg(test)]
                {
                    self.work += hay.len() as u64;
                }
                if buf.len() - 1 > self.limits.max_line_len {
                    return Err(ProtocolError::LineTooLong {
                        limit: self.limits.max_line_len,
                    });
                }
                self.scan_from = buf.len().max(1);
                Ok(None)
            }
        }
    }

    /// Test hook: the deterministic work counter.
    #[cfg(test)]
    pub(super) fn work(&self) -> u64 {
        self.work
    }

    /// Test hook: the capacities reserved by the open aggregates.
    #[cfg(test)]
    pub(super) fn reserved_capacities(&self) -> Vec<usize> {
        self.stack
            .iter()
            .map(|f| match f {
                Frame::Seq { items, .. } => items.capacity(),
                Frame::Map { pairs, .. } | Frame::Attribute { pairs, .. } => pairs.capacity(),
            })
            .collect()
    }
}

/// A leaf found by the fast path's scan, before its bytes are split off.
#[derive(Debug, Clone, Copy)]
pub(super) enum Leaf {
    /// `:n`.
    Integer(i64),
    /// `$-1` or `_`.
    Nil,
    /// `$len`: the payload's position in the scanned bytes.
    Bulk { start: usize, len: usize },
}

impl Leaf {
    /// The same leaf, for bytes scanned `by` bytes further into the chunk.
    #[inline]
    pub(super) fn offset(self, by: usize) -> Leaf {
        match self {
            Leaf::Bulk { start, len } => Leaf::Bulk {
                start: start + by,
                len,
            },
            integer => integer,
        }
    }

    /// The value, its payload cut out of `chunk` (the scanned bytes of this
    /// leaf alone) in place.
    #[inline]
    fn into_value_owned(self, mut chunk: bytes::Bytes) -> Value {
        match self {
            Leaf::Integer(n) => Value::Integer(n),
            Leaf::Nil => Value::Nil,
            Leaf::Bulk { start, len } => {
                chunk.advance(start);
                chunk.truncate(len);
                Value::BulkString(chunk)
            }
        }
    }

    /// The value, its payload sliced out of `chunk` (the scanned bytes).
    #[inline(always)]
    pub(super) fn into_value(self, chunk: &bytes::Bytes) -> Value {
        match self {
            Leaf::Integer(n) => Value::Integer(n),
            Leaf::Nil => Value::Nil,
            Leaf::Bulk { start, len } => Value::BulkString(chunk.slice(start..start + len)),
        }
    }
}

/// Scans one complete `$` bulk string, `:` integer or null (`$-1`, `_`) at
/// the front of `bytes`: the leaf and its encoded length. `None` when the
/// element is anything else, incomplete, malformed or over a limit: the
/// general path then handles (and reports) it, so both paths always agree.
#[inline(always)]
fn scan_leaf(bytes: &[u8], limits: &DecoderLimits) -> Option<(Leaf, usize)> {
    /// Longest number accepted on the fast path (longer ones take the
    /// general path): keeps the arithmetic far from overflow.
    const MAX_DIGITS: usize = 18;
    let (&ty, rest) = bytes.split_first()?;
    let neg = match ty {
        b'$' if rest.first() == Some(&b'-') => {
            let ok = rest.get(..4)? == b"-1\r\n" && limits.max_line_len >= 2;
            return ok.then_some((Leaf::Nil, 5));
        }
        b'_' => return (rest.get(..2)? == b"\r\n").then_some((Leaf::Nil, 3)),
        b'$' => {
            // Most payloads declare one or two digits: read those headers
            // with fixed offsets instead of the digit loop.
            let short = match rest {
                [a @ b'0'..=b'9', b'\r', b'\n', ..] => Some((usize::from(a - b'0'), 4)),
                [a @ b'0'..=b'9', b @ b'0'..=b'9', b'\r', b'\n', ..] => {
                    Some((usize::from(a - b'0') * 10 + usize::from(b - b'0'), 5))
                }
                _ => None,
            };
            if let Some((len, header)) = short {
                if header - 3 > limits.max_line_len || len > limits.max_bulk_len {
                    return None;
                }
                return match bytes.get(header + len..header + len + 2)? {
                    b"\r\n" => Some((Leaf::Bulk { start: header, len }, header + len + 2)),
                    _ => None,
                };
            }
            false
        }
        b':' => rest.first() == Some(&b'-'),
        _ => return None,
    };
    let start = 1 + usize::from(neg);
    // The digits, then the byte that ends them (a missing byte: the element
    // is incomplete). One bounds check per byte, no iterator adaptors: this
    // loop runs for every element of an MGET reply.
    let mut i = start;
    let mut n: u64 = 0;
    let stop = loop {
        let b = *bytes.get(i)?;
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break b;
        }
        // At most MAX_DIGITS digits: n < 10^18, no overflow.
        n = n * 10 + u64::from(d);
        i += 1;
        if i - start > MAX_DIGITS {
            return None;
        }
    };
    if i == start || stop != b'\r' || bytes.get(i + 1) != Some(&b'\n') {
        return None;
    }
    if i - 1 > limits.max_line_len {
        return None;
    }
    let header = i + 2;
    if ty == b':' {
        // n < 10^18 < i64::MAX.
        let n = n as i64;
        return Some((Leaf::Integer(if neg { -n } else { n }), header));
    }
    if n > limits.max_bulk_len as u64 {
        return None;
    }
    // n <= max_bulk_len: fits a usize.
    let len = n as usize;
    let end = header.checked_add(len)?;
    if bytes.get(end) != Some(&b'\r') || bytes.get(end.checked_add(1)?) != Some(&b'\n') {
        return None;
    }
    Some((Leaf::Bulk { start: header, len }, end + 2))
}

/// Scans up to `max` complete leaves (see [`scan_leaf`]) in `bytes` from
/// `from` on, appending their positions in `bytes` to `leaves`; returns
/// where the last one ends (`from` when there is none). The one scanning
/// loop of the fast paths: runs inside an open array, whole arrays of
/// scalars, runs of a pipeline's replies.
#[inline(always)]
pub(super) fn scan_leaves(
    bytes: &[u8],
    from: usize,
    max: usize,
    limits: &DecoderLimits,
    leaves: &mut Vec<Leaf>,
) -> usize {
    let mut end = from;
    // `extend` keeps its capacity check inline; a `push` per leaf is an
    // out-of-line call.
    leaves.extend(
        std::iter::from_fn(|| {
            let (leaf, len) = scan_leaf(bytes.get(end..)?, limits)?;
            let at = leaf.offset(end);
            end += len;
            Some(at)
        })
        .take(max),
    );
    end
}

/// Splits the content of the line ending at `cr` (without its type byte and
/// `\r\n`) off `buf`, without copying.
#[inline]
fn take_line(buf: &mut BytesMut, cr: usize) -> bytes::Bytes {
    buf.advance(1);
    let line = buf.split_to(cr - 1).freeze();
    buf.advance(2);
    line
}

/// Parses a RESP integer: optional sign, then one or more ASCII digits.
#[inline]
fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    if digits.len() <= 18 {
        // At most 999_999_999_999_999_999 < i64::MAX: cannot overflow.
        let mut acc: i64 = 0;
        for &b in digits {
            let d = b.wrapping_sub(b'0');
            if d > 9 {
                return None;
            }
            acc = acc * 10 + i64::from(d);
        }
        return Some(if neg { -acc } else { acc });
    }
    // Accumulate towards the sign so that i64::MIN parses.
    let mut acc: i64 = 0;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        acc = acc.checked_mul(10)?;
        acc = if neg {
            acc.checked_sub(i64::from(d))?
        } else {
            acc.checked_add(i64::from(d))?
        };
    }
    Some(acc)
}

/// Parses a length: ASCII digits, or `-1` (`None`) where `nil_allowed`.
/// Lengths too large for a `u64` saturate (and then break every limit).
#[inline]
fn parse_len(
    s: &[u8],
    nil_allowed: bool,
    streamed: &'static str,
) -> Result<Option<u64>, ProtocolError> {
    const BAD: ProtocolError = ProtocolError::Invalid { what: "length" };
    match s {
        b"-1" if nil_allowed => return Ok(None),
        b"?" => return Err(ProtocolError::Unsupported { what: streamed }),
        [] => return Err(BAD),
        _ => {}
    }
    let mut acc: u64 = 0;
    for &b in s {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return Err(BAD);
        }
        acc = acc.saturating_mul(10).saturating_add(u64::from(d));
    }
    Ok(Some(acc))
}

/// Parses a RESP3 double: a decimal or exponent form accepted by Rust's
/// float parser, or `inf`, `-inf`, `nan` (case-insensitive, optional sign,
/// `infinity` also accepted).
fn parse_f64(s: &[u8]) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    let unsigned = match s {
        [b'-' | b'+', rest @ ..] => rest,
        _ => s,
    };
    if unsigned.eq_ignore_ascii_case(b"inf") || unsigned.eq_ignore_ascii_case(b"infinity") {
        return Some(if s[0] == b'-' {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if unsigned.eq_ignore_ascii_case(b"nan") {
        return Some(f64::NAN);
    }
    if !s
        .iter()
        .all(|&b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    // Only ASCII bytes remain, so this is valid UTF-8.
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// A big number: an optional `-` then one or more ASCII digits.
fn is_big_number(s: &[u8]) -> bool {
    let digits = match s {
        [b'-', rest @ ..] => rest,
        _ => s,
    };
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn integers_parse_by_hand() {
        assert_eq!(parse_i64(b"0"), Some(0));
        assert_eq!(parse_i64(b"-0"), Some(0));
        assert_eq!(parse_i64(b"+7"), Some(7));
        assert_eq!(parse_i64(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_i64(b"-9223372036854775808"), Some(i64::MIN));
        assert_eq!(parse_i64(b"9223372036854775808"), None);
        assert_eq!(parse_i64(b"-9223372036854775809"), None);
        assert_eq!(parse_i64(b"99999999999999999999999"), None);
        assert_eq!(parse_i64(b"000000000000000000000000001"), Some(1));
        assert_eq!(parse_i64(b""), None);
        assert_eq!(parse_i64(b"-"), None);
        assert_eq!(parse_i64(b"1a"), None);
        assert_eq!(parse_i64(b" 1"), None);
    }

    /// Arrays longer than one fast-path chunk, mixing bulk strings,
    /// integers and (general-path) simple strings, decode the same whole
    /// and fed in pieces that cut chunks anywhere.
    #[test]
    fn fast_path_chunks_agree_with_the_general_path() {
        let mut items = Vec::new();
        for i in 0..(3 * FAST_CHUNK + 5) {
            items.push(match i % 7 {
                3 => Value::Integer(-(i as i64)),
                5 => Value::SimpleString(bytes::Bytes::from(format!("s{i}"))),
                6 => Value::BulkString(bytes::Bytes::new()),
                _ => Value::BulkString(bytes::Bytes::from(format!("value-{i}"))),
            });
        }
        let expected = Value::Array(items);
        let mut wire = BytesMut::new();
        super::super::write_value(&mut wire, &expected);
        for piece in [wire.len(), 1, 7, 64] {
            let mut decoder = Decoder::new();
            let mut buf = BytesMut::new();
            let mut got = None;
            for part in wire.chunks(piece) {
                buf.extend_from_slice(part);
                if let Some(v) = decoder.decode(&mut buf).unwrap() {
                    got = Some(v);
                }
            }
            assert_eq!(got.as_ref(), Some(&expected), "pieces of {piece}");
            assert!(buf.is_empty());
        }
        // A top-level bulk string and integer take the fast path too.
        let mut buf = BytesMut::from(&b"$5\r\nhello\r\n:-42\r\n"[..]);
        let mut decoder = Decoder::new();
        assert_eq!(
            decoder.decode(&mut buf).unwrap(),
            Some(Value::BulkString("hello".into()))
        );
        assert_eq!(decoder.decode(&mut buf).unwrap(), Some(Value::Integer(-42)));
    }

    #[test]
    fn lengths_parse_by_hand() {
        assert_eq!(parse_len(b"0", false, ""), Ok(Some(0)));
        assert_eq!(parse_len(b"123", false, ""), Ok(Some(123)));
        assert_eq!(parse_len(b"-1", true, ""), Ok(None));
        assert!(parse_len(b"-1", false, "").is_err());
        assert!(parse_len(b"-2", true, "").is_err());
        assert!(parse_len(b"+1", true, "").is_err());
        assert!(parse_len(b"", true, "").is_err());
        assert_eq!(
            parse_len(b"99999999999999999999999999", false, ""),
            Ok(Some(u64::MAX))
        );
    }
}
