//! [`Cmd`]: the escape hatch for commands that are not typed yet.

use std::fmt;
use std::marker::PhantomData;

use super::Command;
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, ToRedisArgs};
use crate::Value;

/// Any command, built argument by argument, with a response type chosen by
/// the caller (defaults to the raw [`Value`]).
///
/// ```
/// use redis_typed::Cmd;
///
/// // OBJECT FREQ my-key, decoded as an integer.
/// let cmd = Cmd::<i64>::new("OBJECT").arg("FREQ").key("my-key");
/// assert_eq!(cmd.arg_count(), 3);
/// ```
pub struct Cmd<R = Value> {
    /// All argument payloads, back to back.
    data: Vec<u8>,
    /// End offset of each argument in `data`.
    ends: Vec<usize>,
    /// Indices (into `ends`) of the arguments that are keys.
    keys: Vec<usize>,
    read_only: bool,
    _response: PhantomData<fn() -> R>,
}

impl<R> Clone for Cmd<R> {
    fn clone(&self) -> Self {
        Cmd {
            data: self.data.clone(),
            ends: self.ends.clone(),
            keys: self.keys.clone(),
            read_only: self.read_only,
            _response: PhantomData,
        }
    }
}

impl<R> fmt::Debug for Cmd<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Arguments may hold secrets (AUTH, HELLO): show only the name.
        let name = self
            .nth_arg(0)
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        f.debug_struct("Cmd")
            .field("name", &name)
            .field("args", &self.ends.len())
            .finish_non_exhaustive()
    }
}

/// Collects written arguments into a `Cmd`.
struct Collect<'a> {
    data: &'a mut Vec<u8>,
    ends: &'a mut Vec<usize>,
}

impl ArgWriter for Collect<'_> {
    fn write_arg(&mut self, arg: &[u8]) {
        self.data.extend_from_slice(arg);
        self.ends.push(self.data.len());
    }
}

impl<R> Cmd<R> {
    fn nth_arg(&self, index: usize) -> Option<&[u8]> {
        let end = *self.ends.get(index)?;
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        Some(&self.data[start..end])
    }

    /// Number of arguments, the command name included.
    pub fn arg_count(&self) -> usize {
        self.ends.len()
    }
}

impl<R: FromRedisValue> Cmd<R> {
    /// A command named `name` (`"GET"`, `"CLIENT"`, `"JSON.GET"`).
    pub fn new(name: &str) -> Self {
        Cmd {
            data: name.as_bytes().to_vec(),
            ends: vec![name.len()],
            keys: Vec::new(),
            read_only: false,
            _response: PhantomData,
        }
    }

    /// Appends argument(s).
    pub fn arg<A: ToRedisArgs + ?Sized>(mut self, arg: &A) -> Self {
        arg.write_redis_args(&mut Collect {
            data: &mut self.data,
            ends: &mut self.ends,
        });
        self
    }

    /// Appends a key (an argument that is also used for cluster routing).
    pub fn key<K: RedisKey + ?Sized>(mut self, key: &K) -> Self {
        self.data.extend_from_slice(key.key_bytes());
        self.ends.push(self.data.len());
        self.keys.push(self.ends.len() - 1);
        self
    }

    /// Marks the command read-only (it may be served by a replica).
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Changes the response type.
    pub fn returning<T: FromRedisValue>(self) -> Cmd<T> {
        Cmd {
            data: self.data,
            ends: self.ends,
            keys: self.keys,
            read_only: self.read_only,
            _response: PhantomData,
        }
    }
}

impl<R: FromRedisValue> Command for Cmd<R> {
    type Response = R;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        let mut start = 0;
        for &end in &self.ends {
            out.write_arg(&self.data[start..end]);
            start = end;
        }
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        for &index in &self.keys {
            if let Some(key) = self.nth_arg(index) {
                f(key);
            }
        }
    }

    fn read_only(&self) -> bool {
        self.read_only
    }
}
