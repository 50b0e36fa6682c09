//! Reading an array of scalars straight into the caller's type.
//!
//! Most multi-element replies (`MGET`, `LRANGE`, `SMEMBERS`, `HVALS`,
//! `ZRANGE` without scores...) are one array of bulk strings, integers and
//! nulls. [`Decoder::decode_leaf_array`] reads such a frame without building
//! a `Vec<Value>`: it scans the whole frame, splits its bytes off the buffer
//! once, and hands each element (a leaf [`Value`], built and consumed in
//! place) to a conversion that writes the caller's vector directly.
//! `Vec<T>`'s [`FromRedisValue`](crate::FromRedisValue) uses it through
//! [`decode_next`](crate::types::decode_next).
//!
//! Anything else (the decoder in the middle of a frame, another type, a
//! frame not fully buffered, a nested element, a malformed byte, a limit
//! exceeded) is left untouched for [`Decoder::decode`], which reports what
//! is wrong: both paths agree on every input.

use bytes::{Bytes, BytesMut};

use super::decoder::{scan_leaves, Decoder, Leaf};
use super::Value;

/// Arrays longer than this take the general path: it bounds the scratch
/// space the scan keeps (24 bytes per element) and the bytes rescanned when
/// a long frame turns out to be incomplete.
const MAX_DIRECT_ELEMENTS: usize = 4096;

impl Decoder {
    /// Reads a complete array (`*N`) or RESP3 set (`~N`) of bulk strings,
    /// integers and nulls at the front of `buf` into a `Vec<T>`, converting
    /// each element with `each` as it goes. No `Vec<Value>` is built: with a
    /// conversion such as `Bytes::from_redis_value` each element is one
    /// zero-copy slice of the frame.
    ///
    /// Returns `None`, consuming nothing, when the frame is not such a
    /// complete array or the decoder is mid-frame or poisoned: decode it
    /// with [`Decoder::decode`]. When `each` fails, the whole frame has been
    /// consumed (the stream stays in step) and its error is returned (`each`
    /// is called a second time on the failing element to get it: a
    /// conversion, not a side effect, belongs there).
    ///
    /// ```
    /// use bytes::{Bytes, BytesMut};
    /// use redis_typed::resp::{Decoder, Value};
    /// use redis_typed::FromRedisValue;
    ///
    /// let mut buf = BytesMut::from(&b"*2\r\n$1\r\na\r\n$-1\r\n"[..]);
    /// let mut decoder = Decoder::new();
    /// let items = decoder
    ///     .decode_leaf_array(&mut buf, Option::<Bytes>::from_redis_value)
    ///     .expect("a complete array of scalars")?;
    /// assert_eq!(items, vec![Some(Bytes::from("a")), None]);
    /// assert!(buf.is_empty());
    /// # Ok::<(), redis_typed::Error>(())
    /// ```
    pub fn decode_leaf_array<T, E>(
        &mut self,
        buf: &mut BytesMut,
        each: impl FnMut(Value) -> Result<T, E>,
    ) -> Option<Result<Vec<T>, E>> {
        // One conversion for every element: shared by the two roles.
        let each = std::cell::RefCell::new(each);
        self.decode_leaf_array_with(
            buf,
            |payload| (each.borrow_mut())(Value::BulkString(payload)).ok(),
            |value| (each.borrow_mut())(value),
        )
    }

    /// [`Decoder::decode_leaf_array`] with a separate conversion for bulk
    /// strings, the common element: `bulk` takes the payload itself (no
    /// `Value` built and matched per element) and returns `None` when it
    /// cannot convert it; `each` converts the other elements, and gives the
    /// error for an element `bulk` refused.
    pub(crate) fn decode_leaf_array_with<T, E>(
        &mut self,
        buf: &mut BytesMut,
        mut bulk: impl FnMut(Bytes) -> Option<T>,
        mut each: impl FnMut(Value) -> Result<T, E>,
    ) -> Option<Result<Vec<T>, E>> {
        let (chunk, leaves) = self.take_leaf_array(buf)?;
        let mut out = Vec::with_capacity(leaves.len());
        let result = loop {
            // Successes only, through `Option`: collecting `Result`s (or
            // keeping the error in the loop) moves every element through the
            // stack and costs more than the conversion itself.
            let rest = &leaves[out.len()..];
            out.extend(rest.iter().map_while(|leaf| match *leaf {
                Leaf::Bulk { start, len } => bulk(chunk.slice(start..start + len)),
                other => each(other.into_value(&chunk)).ok(),
            }));
            match leaves.get(out.len()) {
                None => break Ok(out),
                // The element that failed: converted again for its error.
                Some(leaf) => match each(leaf.into_value(&chunk)) {
                    Err(e) => break Err(e),
                    Ok(item) => out.push(item),
                },
            }
        };
        self.leaves = leaves;
        Some(result)
    }

    /// [`Decoder::decode_leaf_array`] into `Value`s (the decoder's own
    /// path for a whole `*N` array of scalars): the elements are collected
    /// with no per-element result to unwrap.
    pub(super) fn decode_leaf_values(&mut self, buf: &mut BytesMut) -> Option<Vec<Value>> {
        let (chunk, leaves) = self.take_leaf_array(buf)?;
        let items = leaves.iter().map(|leaf| leaf.into_value(&chunk)).collect();
        self.leaves = leaves;
        Some(items)
    }

    /// Scans a complete array of scalars at the front of `buf` and splits
    /// its bytes off: the frame's bytes and its elements' positions in them
    /// (the decoder's scratch vector, to be given back). `None`, consuming
    /// nothing, when the frame is not one.
    fn take_leaf_array(&mut self, buf: &mut BytesMut) -> Option<(Bytes, Vec<Leaf>)> {
        if !self.is_idle() || self.limits().max_depth == 0 {
            return None;
        }
        let (&ty, _) = buf.split_first()?;
        if ty != b'*' && ty != b'~' {
            return None;
        }
        // The element count: at most 4 digits (MAX_DIRECT_ELEMENTS), then
        // `\r\n`; anything longer or odd is the general path's.
        let mut i = 1;
        let mut n = 0usize;
        loop {
            let d = buf.get(i)?.wrapping_sub(b'0');
            if d > 9 {
                break;
            }
            n = n * 10 + usize::from(d);
            i += 1;
            if i > 5 {
                return None;
            }
        }
        if i == 1 || buf.get(i..i + 2)? != b"\r\n" {
            return None;
        }
        let limits = self.limits();
        // `i - 1` digits: the count line's length, limited like any line.
        if n == 0
            || n > MAX_DIRECT_ELEMENTS
            || n > limits.max_aggregate_len
            || i - 1 > limits.max_line_len
        {
            return None;
        }
        let mut leaves = std::mem::take(&mut self.leaves);
        leaves.clear();
        let end = scan_leaves(buf, i + 2, n, &limits, &mut leaves);
        if leaves.len() < n {
            self.leaves = leaves;
            return None;
        }
        Some((buf.split_to(end).freeze(), leaves))
    }

    /// Reads up to `max` complete top-level scalars (bulk strings, integers,
    /// nulls) at the front of `buf` into `out`, splitting their bytes off
    /// once: the replies of a pipeline of `GET`s, `INCR`s... Returns how many
    /// it read: 0 (nothing consumed) when fewer than two such replies are
    /// there or the decoder is mid-frame or poisoned; [`Decoder::decode`]
    /// then takes the next frame (and reports anything malformed).
    pub(crate) fn decode_leaf_run(
        &mut self,
        buf: &mut BytesMut,
        max: usize,
        out: &mut Vec<Value>,
    ) -> usize {
        if max < 2 || !self.is_idle() {
            return 0;
        }
        let limits = self.limits();
        let mut leaves = std::mem::take(&mut self.leaves);
        leaves.clear();
        let end = scan_leaves(buf, 0, max.min(MAX_DIRECT_ELEMENTS), &limits, &mut leaves);
        let read = leaves.len();
        if read >= 2 {
            let chunk = buf.split_to(end).freeze();
            out.extend(leaves.iter().map(|leaf| leaf.into_value(&chunk)));
        }
        self.leaves = leaves;
        if read >= 2 {
            read
        } else {
            0
        }
    }
}
