//! [`SingleArg`]: the types that always write exactly one argument.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use super::ToRedisArgs;

/// A value that writes exactly one argument: a string, a byte buffer, a
/// number or a bool.
///
/// Commands use it where the protocol wants one value (`SET key value`), so
/// a `Vec<&str>` or an `Option` there — which would write several or no
/// arguments and send a malformed command — does not compile:
///
/// ```compile_fail
/// use redis_typed::commands::Set;
/// let _ = Set::new("k", vec!["a", "b"]); // a Vec is not one argument
/// ```
pub trait SingleArg: ToRedisArgs {}

macro_rules! single {
    ($($t:ty),* $(,)?) => { $(impl SingleArg for $t {})* };
}

single!(
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    bool,
    str,
    String,
    [u8],
    Vec<u8>,
    Bytes,
    BytesMut,
    Cow<'_, str>,
    Cow<'_, [u8]>,
);

impl<const N: usize> SingleArg for [u8; N] {}
impl<T: SingleArg + ?Sized> SingleArg for &T {}
impl<T: SingleArg + ?Sized> SingleArg for &mut T {}
impl<T: SingleArg + ?Sized> SingleArg for Box<T> {}
impl<T: SingleArg + ?Sized> SingleArg for Arc<T> {}
impl<T: SingleArg + ?Sized> SingleArg for Rc<T> {}
