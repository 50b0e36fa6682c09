//! The keys and arguments of a script or function call (`EVALSHA`, `EVAL`,
//! `FCALL` and their `_RO` forms), kept as bytes so one call can mix key
//! and argument types.

use std::fmt;

use crate::resp::ArgWriter;
use crate::types::{RedisKey, ToRedisArgs};

/// `numkeys key [key ...] arg [arg ...]`, as [`ScriptInvocation`] and
/// [`FunctionCall`] write it after the script or function.
///
/// [`ScriptInvocation`]: super::ScriptInvocation
/// [`FunctionCall`]: super::FunctionCall
#[derive(Clone, Default)]
pub(crate) struct ScriptArgs {
    keys: Vec<Vec<u8>>,
    args: Vec<Vec<u8>>,
}

impl ScriptArgs {
    /// Adds a key.
    pub(crate) fn key<K: RedisKey + ?Sized>(&mut self, key: &K) {
        self.keys.push(key.key_bytes().to_vec());
    }

    /// Adds the argument(s) `arg` writes.
    pub(crate) fn arg<A: ToRedisArgs + ?Sized>(&mut self, arg: &A) {
        arg.write_redis_args(&mut Collect(&mut self.args));
    }

    /// Writes `numkeys key... arg...`.
    pub(crate) fn write<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_u64(self.keys.len() as u64);
        for arg in self.keys.iter().chain(&self.args) {
            out.write_arg(arg);
        }
    }

    /// Names every key.
    pub(crate) fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        self.keys.iter().for_each(|k| f(k));
    }

    /// Adds `keys` and `args` (their counts only: arguments may be
    /// secrets) to a `Debug` output.
    pub(crate) fn debug_counts<'a, 'b>(
        &self,
        f: &'a mut fmt::DebugStruct<'a, 'b>,
    ) -> &'a mut fmt::DebugStruct<'a, 'b> {
        f.field("keys", &self.keys.len())
            .field("args", &self.args.len())
    }
}

/// Collects the argument(s) one value writes.
struct Collect<'a>(&'a mut Vec<Vec<u8>>);

impl ArgWriter for Collect<'_> {
    fn write_arg(&mut self, arg: &[u8]) {
        self.0.push(arg.to_vec());
    }
}
