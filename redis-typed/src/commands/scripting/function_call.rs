//! Redis functions (7.0+): typed `FCALL` / `FCALL_RO`, and loading a Lua
//! library with `FUNCTION LOAD`.
//!
//! ```no_run
//! use redis_typed::{Client, commands::{FunctionCall, LuaLibrary}};
//!
//! # async fn demo(client: Client) -> redis_typed::Result<()> {
//! let lib = LuaLibrary::new(
//!     "#!lua name=mylib\n\
//!      redis.register_function('hello', function(keys, args) return 'hi ' .. args[1] end)",
//! );
//! let name: String = client.send(lib.load_replace()).await?; // "mylib"
//! let s: String = client
//!     .send(FunctionCall::new("hello").arg("bob").returning::<String>())
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! On the wire:
//!
//! ```text
//! FUNCTION LOAD [REPLACE] "#!lua name=mylib ..."
//! FCALL hello 0 bob
//! FCALL_RO getter 1 some-key
//! ```

use std::fmt;
use std::marker::PhantomData;

use super::script_args::ScriptArgs;
use crate::commands::{Cmd, Command};
use crate::resp::ArgWriter;
use crate::types::{FromRedisValue, RedisKey, ToRedisArgs};
use crate::Value;

/// `FCALL function numkeys key... arg...`, or `FCALL_RO` after
/// [`read_only`](Self::read_only); replies `R` ([`Value`] until
/// [`returning`](Self::returning) names the type).
pub struct FunctionCall<R = Value> {
    function: String,
    args: ScriptArgs,
    read_only: bool,
    _response: PhantomData<fn() -> R>,
}

impl<R> Clone for FunctionCall<R> {
    fn clone(&self) -> Self {
        FunctionCall {
            function: self.function.clone(),
            args: self.args.clone(),
            read_only: self.read_only,
            _response: PhantomData,
        }
    }
}

impl<R> fmt::Debug for FunctionCall<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Arguments may be secrets: show counts only.
        self.args
            .debug_counts(
                f.debug_struct("FunctionCall")
                    .field("function", &self.function),
            )
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl FunctionCall<Value> {
    /// A call of the function `function`, with no key or argument yet.
    pub fn new(function: impl Into<String>) -> Self {
        FunctionCall {
            function: function.into(),
            args: ScriptArgs::default(),
            read_only: false,
            _response: PhantomData,
        }
    }
}

impl<R> FunctionCall<R> {
    /// Adds a key (`keys[n]` in the function; used for cluster routing).
    pub fn key<K: RedisKey + ?Sized>(mut self, key: &K) -> Self {
        self.args.key(key);
        self
    }

    /// Adds argument(s) (`args[n]` in the function).
    pub fn arg<A: ToRedisArgs + ?Sized>(mut self, arg: &A) -> Self {
        self.args.arg(arg);
        self
    }

    /// Sends `FCALL_RO`: the function must be registered with the
    /// `no-writes` flag. The command is then read-only
    /// ([`Command::read_only`] is true), so a cluster may serve it from a
    /// replica.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Names the reply type.
    pub fn returning<T: FromRedisValue>(self) -> FunctionCall<T> {
        FunctionCall {
            function: self.function,
            args: self.args,
            read_only: self.read_only,
            _response: PhantomData,
        }
    }

    /// The function's name.
    pub fn function(&self) -> &str {
        &self.function
    }
}

impl<R: FromRedisValue> Command for FunctionCall<R> {
    type Response = R;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(if self.read_only {
            b"FCALL_RO"
        } else {
            b"FCALL"
        });
        out.write_arg(self.function.as_bytes());
        self.args.write(out);
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        self.args.for_each_key(f)
    }

    fn read_only(&self) -> bool {
        self.read_only
    }
}

/// The source of a Lua function library (`#!lua name=<library>` first),
/// with the commands that load and delete it.
#[derive(Clone)]
pub struct LuaLibrary {
    code: String,
}

impl fmt::Debug for LuaLibrary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LuaLibrary")
            .field("name", &self.name())
            .field("len", &self.code.len())
            .finish()
    }
}

impl LuaLibrary {
    /// A library from its source.
    pub fn new(code: impl Into<String>) -> Self {
        LuaLibrary { code: code.into() }
    }

    /// The source.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The library name from the `#!lua name=...` line, if present.
    ///
    /// ```
    /// use redis_typed::commands::LuaLibrary;
    /// assert_eq!(LuaLibrary::new("#!lua name=mylib\nreturn").name(), Some("mylib"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        let first = self.code.lines().next()?.strip_prefix("#!")?;
        first
            .split_whitespace()
            .find_map(|word| word.strip_prefix("name="))
    }

    /// `FUNCTION LOAD code`: replies the library name; fails if a library
    /// of that name is already loaded.
    pub fn load(&self) -> Cmd<String> {
        Cmd::new("FUNCTION").arg("LOAD").arg(&*self.code)
    }

    /// `FUNCTION LOAD REPLACE code`: loads or replaces the library; replies
    /// its name.
    pub fn load_replace(&self) -> Cmd<String> {
        Cmd::new("FUNCTION")
            .arg("LOAD")
            .arg("REPLACE")
            .arg(&*self.code)
    }

    /// `FUNCTION DELETE name`, for the name of the `#!lua` line (`None` when
    /// the source has none).
    pub fn delete(&self) -> Option<Cmd<()>> {
        Some(Cmd::new("FUNCTION").arg("DELETE").arg(self.name()?))
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;

    use super::*;
    use crate::commands::{encode, keys_of};

    #[test]
    fn encodes_fcall_and_fcall_ro() {
        let call = FunctionCall::new("f").key("k").arg(&1).returning::<i64>();
        let mut out = BytesMut::new();
        encode(&call, &mut out);
        assert_eq!(
            &out[..],
            &b"*5\r\n$5\r\nFCALL\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\nk\r\n$1\r\n1\r\n"[..]
        );
        assert!(!Command::read_only(&call));
        let ro = call.read_only();
        assert!(Command::read_only(&ro));
        assert_eq!(keys_of(&ro), vec![b"k".to_vec()]);
        out.clear();
        encode(&ro, &mut out);
        assert!(out.starts_with(b"*5\r\n$8\r\nFCALL_RO\r\n"));
    }

    #[test]
    fn library_name_and_load() {
        let lib = LuaLibrary::new(
            "#!lua name=mylib\nredis.register_function('f', function() return 1 end)",
        );
        assert_eq!(lib.name(), Some("mylib"));
        assert_eq!(lib.load().arg_count(), 3);
        assert_eq!(lib.load_replace().arg_count(), 4);
        assert!(lib.delete().is_some());
        assert!(LuaLibrary::new("return 1").delete().is_none());
    }
}
