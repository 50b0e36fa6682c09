//! [`ToRedisArgs`] implementations for standard types.
//!
//! Scalars write one argument each; collections write one argument per
//! element (maps: key, value, key, value...); `Option::None` writes nothing.
//! Byte buffers (`[u8]`, `Vec<u8>`, `[u8; N]`, `Bytes`) write ONE argument,
//! the whole buffer: `u8` overrides the hidden
//! [`ToRedisArgs::write_redis_args_slice`] hook that `Vec<T>`, `[T]` and
//! `[T; N]` call.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};

use super::ToRedisArgs;
use crate::resp::ArgWriter;

// ---------------------------------------------------------------- integers

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl ToRedisArgs for $t {
            #[inline]
            fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                out.write_i64(*self as i64);
            }
        }
    )*};
}
signed!(i8, i16, i32, i64, isize);

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl ToRedisArgs for $t {
            #[inline]
            fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                out.write_u64(*self as u64);
            }
        }
    )*};
}
unsigned!(u16, u32, u64, usize);

impl ToRedisArgs for u8 {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_u64(u64::from(*self));
    }

    /// A byte slice is one binary argument, not one number per byte.
    #[inline]
    fn write_redis_args_slice<W: ArgWriter + ?Sized>(items: &[u8], out: &mut W) {
        out.write_arg(items);
    }
}

macro_rules! wide {
    ($($t:ty),*) => {$(
        impl ToRedisArgs for $t {
            #[inline]
            fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                let mut buf = itoa::Buffer::new();
                out.write_arg(buf.format(*self).as_bytes());
            }
        }
    )*};
}
wide!(i128, u128);

// ------------------------------------------------------------------ floats

impl ToRedisArgs for f64 {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_f64(*self);
    }
}

impl ToRedisArgs for f32 {
    /// Writes the shortest decimal that round-trips as an `f32` (`0.1`, not
    /// `0.10000000149011612`); `inf`, `-inf` and `nan` as Redis spells them.
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        if self.is_finite() {
            let mut buf = ryu::Buffer::new();
            out.write_arg(buf.format_finite(*self).as_bytes());
        } else {
            out.write_f64(f64::from(*self));
        }
    }
}

// -------------------------------------------------------------------- bool

impl ToRedisArgs for bool {
    /// `"1"` or `"0"`.
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(if *self { b"1" } else { b"0" });
    }
}

// --------------------------------------------------------- strings / bytes

impl ToRedisArgs for str {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(self.as_bytes());
    }
}

impl ToRedisArgs for String {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(self.as_bytes());
    }
}

impl ToRedisArgs for Cow<'_, str> {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(self.as_bytes());
    }
}

impl ToRedisArgs for Cow<'_, [u8]> {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(self);
    }
}

impl ToRedisArgs for Bytes {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(self);
    }
}

impl ToRedisArgs for BytesMut {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(self);
    }
}

// ------------------------------------------------------- sequences / slices

impl<T: ToRedisArgs> ToRedisArgs for [T] {
    /// One argument per element, except `[u8]`, which is one binary argument.
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        T::write_redis_args_slice(self, out);
    }
}

impl<T: ToRedisArgs> ToRedisArgs for Vec<T> {
    /// One argument per element, except `Vec<u8>`, which is one binary
    /// argument.
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        T::write_redis_args_slice(self, out);
    }
}

impl<T: ToRedisArgs, const N: usize> ToRedisArgs for [T; N] {
    /// One argument per element, except `[u8; N]`, which is one binary
    /// argument.
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        T::write_redis_args_slice(self, out);
    }
}

// ---------------------------------------------------------------- wrappers

impl<T: ToRedisArgs + ?Sized> ToRedisArgs for &T {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        (**self).write_redis_args(out);
    }
}

impl<T: ToRedisArgs + ?Sized> ToRedisArgs for &mut T {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        (**self).write_redis_args(out);
    }
}

impl<T: ToRedisArgs + ?Sized> ToRedisArgs for Box<T> {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        (**self).write_redis_args(out);
    }
}

impl<T: ToRedisArgs + ?Sized> ToRedisArgs for Arc<T> {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        (**self).write_redis_args(out);
    }
}

impl<T: ToRedisArgs + ?Sized> ToRedisArgs for Rc<T> {
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        (**self).write_redis_args(out);
    }
}

impl<T: ToRedisArgs> ToRedisArgs for Option<T> {
    /// `Some(v)` writes `v`; `None` writes nothing.
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        if let Some(v) = self {
            v.write_redis_args(out);
        }
    }
}

// ------------------------------------------------------------ sets / maps

impl<T: ToRedisArgs, S> ToRedisArgs for HashSet<T, S> {
    /// One argument per element, in iteration order.
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        for item in self {
            item.write_redis_args(out);
        }
    }
}

impl<T: ToRedisArgs> ToRedisArgs for BTreeSet<T> {
    /// One argument per element, in ascending order.
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        for item in self {
            item.write_redis_args(out);
        }
    }
}

impl<K: ToRedisArgs, V: ToRedisArgs, S> ToRedisArgs for HashMap<K, V, S> {
    /// `key value key value ...`, in iteration order.
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        for (k, v) in self {
            k.write_redis_args(out);
            v.write_redis_args(out);
        }
    }
}

impl<K: ToRedisArgs, V: ToRedisArgs> ToRedisArgs for BTreeMap<K, V> {
    /// `key value key value ...`, in ascending key order.
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        for (k, v) in self {
            k.write_redis_args(out);
            v.write_redis_args(out);
        }
    }
}

// ------------------------------------------------------------------ tuples

impl ToRedisArgs for () {
    /// Writes nothing.
    #[inline]
    fn write_redis_args<W: ArgWriter + ?Sized>(&self, _out: &mut W) {}
}

macro_rules! tuple {
    ($($name:ident . $idx:tt),+) => {
        impl<$($name: ToRedisArgs),+> ToRedisArgs for ($($name,)+) {
            /// Each element in order.
            #[inline]
            fn write_redis_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
                $(self.$idx.write_redis_args(out);)+
            }
        }
    };
}
tuple!(A.0);
tuple!(A.0, B.1);
tuple!(A.0, B.1, C.2);
tuple!(A.0, B.1, C.2, D.3);
tuple!(A.0, B.1, C.2, D.3, E.4);
tuple!(A.0, B.1, C.2, D.3, E.4, F.5);
tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6);
tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7);
tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8);
tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9);
tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10);
tuple!(A.0, B.1, C.2, D.3, E.4, F.5, G.6, H.7, I.8, J.9, K.10, L.11);
