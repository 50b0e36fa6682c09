//! [`decode_next`]: a reply decoded from the read buffer into its response
//! type, skipping [`Value`] where the type allows.

use bytes::BytesMut;

use super::FromRedisValue;
use crate::error::{Result, ServerError};
use crate::resp::{Decoder, Value};

/// Decodes the next complete reply at the front of `buf` into `T`.
///
/// Where `T` allows it, the reply goes straight from the bytes into `T`:
/// a `Vec` of `Bytes`, `String`, numbers, `Option`s of them (the replies
/// of `MGET`, `LRANGE`, `SMEMBERS`...) is filled from the frame without a
/// `Vec<Value>` in between. Anything else is decoded to a [`Value`] and
/// converted, with the same result. `Ok(None)`: the reply is not complete
/// yet (what has arrived is kept by the decoder; call again with more).
///
/// An error reply is `Err(Error::Server)`. A RESP3 push frame is not told
/// apart here: connections skip pushes before asking for a reply.
///
/// ```
/// use bytes::{Bytes, BytesMut};
/// use redis_typed::resp::Decoder;
/// use redis_typed::types::decode_next;
///
/// let mut decoder = Decoder::new();
/// let mut buf = BytesMut::from(&b"*2\r\n$2\r\nhi\r\n$-1\r\n+OK\r\n"[..]);
/// let mget: Option<Vec<Option<Bytes>>> = decode_next(&mut decoder, &mut buf)?;
/// assert_eq!(mget, Some(vec![Some(Bytes::from("hi")), None]));
/// let ok: Option<String> = decode_next(&mut decoder, &mut buf)?;
/// assert_eq!(ok.as_deref(), Some("OK"));
/// # Ok::<(), redis_typed::Error>(())
/// ```
pub fn decode_next<T: FromRedisValue>(
    decoder: &mut Decoder,
    buf: &mut BytesMut,
) -> Result<Option<T>> {
    if let Some(direct) = T::from_frame(decoder, buf) {
        return direct.map(Some);
    }
    match decoder.decode(buf)? {
        None => Ok(None),
        Some(value) => decode_reply(value).map(Some),
    }
}

/// Decodes one reply: an error reply is always `Err(Error::Server)`, even
/// when the response type is [`Value`].
#[inline]
pub fn decode_reply<R: FromRedisValue>(value: Value) -> Result<R> {
    match value {
        Value::Error(message) => Err(ServerError::new(message).into()),
        value => R::from_redis_value(value),
    }
}
