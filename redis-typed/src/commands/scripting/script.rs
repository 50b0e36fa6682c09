//! Lua scripts, sent by SHA1 (`EVALSHA`) with a transparent `EVAL` fallback.
//!
//! A [`Script`] holds the Lua source and its SHA1, computed once. An
//! invocation adds typed keys and arguments and names the reply type:
//!
//! ```no_run
//! use redis_typed::{Client, commands::Script};
//!
//! # async fn demo(client: Client) -> redis_typed::Result<()> {
//! let incr_by = Script::new("return redis.call('INCRBY', KEYS[1], ARGV[1])");
//! let n: i64 = incr_by.key("counter").arg(&5).invoke::<i64>().send(&client).await?;
//! # Ok(()) }
//! ```
//!
//! On the wire (`numkeys` counts the keys, which come first):
//!
//! ```text
//! EVALSHA 5c6f...e1 1 counter 5
//! EVAL "return redis.call('INCRBY', KEYS[1], ARGV[1])" 1 counter 5   (after NOSCRIPT)
//! ```
//!
//! # Where the fallback happens
//!
//! A [`ScriptInvocation`] is a [`Command`] that sends `EVALSHA`. Its
//! [`send`](ScriptInvocation::send) / [`send_on`](ScriptInvocation::send_on)
//! methods add the fallback: on a `NOSCRIPT` reply (the server never saw the
//! script, or `SCRIPT FLUSH` / a restart / a failover emptied its cache) they
//! send the same invocation as `EVAL`, which also caches the script for next
//! time. The fallback is written once, in
//! [`send_with`](ScriptInvocation::send_with), which takes any send function
//! (a pool, a cluster, a wrapper of your own).
//!
//! # In pipelines and transactions
//!
//! A pipeline is one write: there is no round trip in which to react to a
//! `NOSCRIPT`. Two ways that always work:
//! - add [`as_eval`](ScriptInvocation::as_eval): the script is sent as
//!   `EVAL` with its source (simplest; right for a cluster too, where the
//!   script cache is per node);
//! - on one connection, add [`Script::load`] first: `SCRIPT LOAD` runs
//!   before the `EVALSHA` that follows it in the same pipeline.
//!
//! ```no_run
//! # use redis_typed::{Client, commands::{Script, Get}};
//! # async fn demo(client: Client) -> redis_typed::Result<()> {
//! let script = Script::new("return redis.call('GET', KEYS[1])");
//! let get = script.key("k").invoke::<Option<String>>();
//! let (a, _sha, b) = client
//!     .pipeline()
//!     .add(get.as_eval())
//!     .add(script.load())
//!     .add(&get)
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncWrite};

use super::script_args::ScriptArgs;
use crate::auth::CredentialProvider;
use crate::client::Client;
use crate::commands::{Cmd, Command};
use crate::connection::Connection;
use crate::error::{ErrorKind, Result};
use crate::resp::ArgWriter;
use crate::transport::Transport;
use crate::types::{FromRedisValue, RedisKey, ToRedisArgs};
use crate::Value;

/// A Lua script and its SHA1 (computed once, in [`Script::new`]). Cheap to
/// clone: the source is shared.
#[derive(Clone)]
pub struct Script {
    code: Arc<str>,
    sha1: Arc<str>,
}

impl fmt::Debug for Script {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Script")
            .field("sha1", &&*self.sha1)
            .field("len", &self.code.len())
            .finish()
    }
}

impl Script {
    /// A script from its Lua source.
    ///
    /// ```
    /// use redis_typed::commands::Script;
    /// let s = Script::new("return 1");
    /// assert_eq!(s.sha1(), "e0e1f9fabfc9d4800c877a703b823ac0578ff8db");
    /// ```
    pub fn new(code: impl Into<String>) -> Script {
        let code: String = code.into();
        let sha1 = sha1_smol::Sha1::from(code.as_bytes()).digest().to_string();
        Script {
            code: code.into(),
            sha1: sha1.into(),
        }
    }

    /// The Lua source.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The SHA1 of the source, 40 lowercase hex digits, as `EVALSHA` and
    /// `SCRIPT LOAD` name it.
    pub fn sha1(&self) -> &str {
        &self.sha1
    }

    /// An invocation with no key and no argument yet, replying a raw
    /// [`Value`] until [`invoke`](ScriptInvocation::invoke) names the type.
    pub fn prepare(&self) -> ScriptInvocation<Value> {
        ScriptInvocation {
            script: self.clone(),
            args: ScriptArgs::default(),
            read_only: false,
            _response: PhantomData,
        }
    }

    /// Starts an invocation with its first key (`KEYS[1]`).
    pub fn key<K: RedisKey + ?Sized>(&self, key: &K) -> ScriptInvocation<Value> {
        self.prepare().key(key)
    }

    /// Starts an invocation with its first argument(s) (`ARGV[1]`...).
    pub fn arg<A: ToRedisArgs + ?Sized>(&self, arg: &A) -> ScriptInvocation<Value> {
        self.prepare().arg(arg)
    }

    /// An invocation with no key and no argument, replying `R`.
    pub fn invoke<R: FromRedisValue>(&self) -> ScriptInvocation<R> {
        self.prepare().invoke()
    }

    /// `SCRIPT LOAD script`: caches the script on the server; replies its
    /// SHA1. Put it before `EVALSHA`s in a pipeline on one connection.
    pub fn load(&self) -> Cmd<String> {
        Cmd::new("SCRIPT").arg("LOAD").arg(&*self.code)
    }
}

/// A script with its keys and arguments, replying `R`.
///
/// As a [`Command`] it is `EVALSHA sha1 numkeys key... arg...` (or
/// `EVALSHA_RO`, after [`read_only`](Self::read_only)). Send it with
/// [`send`](Self::send) for the `NOSCRIPT` fallback.
pub struct ScriptInvocation<R = Value> {
    script: Script,
    args: ScriptArgs,
    read_only: bool,
    _response: PhantomData<fn() -> R>,
}

impl<R> Clone for ScriptInvocation<R> {
    fn clone(&self) -> Self {
        ScriptInvocation {
            script: self.script.clone(),
            args: self.args.clone(),
            read_only: self.read_only,
            _response: PhantomData,
        }
    }
}

impl<R> fmt::Debug for ScriptInvocation<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Arguments may be secrets: show counts only.
        self.args
            .debug_counts(
                f.debug_struct("ScriptInvocation")
                    .field("sha1", &self.script.sha1()),
            )
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl<R> ScriptInvocation<R> {
    /// Adds a key (`KEYS[n]`; also used for cluster routing).
    pub fn key<K: RedisKey + ?Sized>(mut self, key: &K) -> Self {
        self.args.key(key);
        self
    }

    /// Adds argument(s) (`ARGV[n]`).
    pub fn arg<A: ToRedisArgs + ?Sized>(mut self, arg: &A) -> Self {
        self.args.arg(arg);
        self
    }

    /// Sends `EVALSHA_RO` / `EVAL_RO` (Redis 7.0+): the script promises not
    /// to write, so a cluster may run it on a replica.
    pub fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Names the reply type.
    pub fn invoke<T: FromRedisValue>(self) -> ScriptInvocation<T> {
        ScriptInvocation {
            script: self.script,
            args: self.args,
            read_only: self.read_only,
            _response: PhantomData,
        }
    }

    /// The script invoked.
    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The same invocation as `EVAL script numkeys ...`: carries the source,
    /// so it never fails with `NOSCRIPT`. For pipelines and transactions.
    pub fn as_eval(&self) -> ScriptCommand<'_, R> {
        ScriptCommand {
            invocation: self,
            eval: true,
        }
    }

    /// The invocation as `EVALSHA` (what `&invocation` sends too).
    pub fn as_evalsha(&self) -> ScriptCommand<'_, R> {
        ScriptCommand {
            invocation: self,
            eval: false,
        }
    }

    fn write(&self, eval: bool, out: &mut (impl ArgWriter + ?Sized)) {
        match (eval, self.read_only) {
            (false, false) => out.write_arg(b"EVALSHA"),
            (false, true) => out.write_arg(b"EVALSHA_RO"),
            (true, false) => out.write_arg(b"EVAL"),
            (true, true) => out.write_arg(b"EVAL_RO"),
        }
        if eval {
            out.write_arg(self.script.code.as_bytes());
        } else {
            out.write_arg(self.script.sha1.as_bytes());
        }
        self.args.write(out);
    }
}

impl<R: FromRedisValue> ScriptInvocation<R> {
    /// Sends the invocation with `send`: `EVALSHA` first, then, on a
    /// `NOSCRIPT` reply, `EVAL` (which also caches the script). Every other
    /// reply or error is returned as it came.
    ///
    /// The one place the fallback lives; [`send`](Self::send) and
    /// [`send_on`](Self::send_on) use it, and so can any other sender:
    ///
    /// ```no_run
    /// # use redis_typed::{Client, commands::Script};
    /// # async fn demo(client: Client) -> redis_typed::Result<()> {
    /// let script = Script::new("return ARGV[1]");
    /// let inv = script.arg("hi").invoke::<String>();
    /// let s = inv.send_with(|cmd| client.send(cmd)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn send_with<'a, F, Fut>(&'a self, mut send: F) -> Result<R>
    where
        F: FnMut(ScriptCommand<'a, R>) -> Fut,
        Fut: Future<Output = Result<R>>,
    {
        match send(self.as_evalsha()).await {
            Err(e) if e.kind() == Some(ErrorKind::NoScript) => {
                tracing::debug!(sha1 = %self.script.sha1, "NOSCRIPT: sending the script with EVAL");
                send(self.as_eval()).await
            }
            result => result,
        }
    }

    /// Sends through a multiplexed client, with the `NOSCRIPT` fallback.
    pub async fn send<T: Transport, C: CredentialProvider>(
        &self,
        client: &Client<T, C>,
    ) -> Result<R> {
        self.send_with(|cmd| client.send(cmd)).await
    }

    /// Sends on a dedicated connection, with the `NOSCRIPT` fallback.
    pub async fn send_on<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(
        &self,
        conn: &mut Connection<S>,
    ) -> Result<R> {
        // The same rule as `send_with`, spelled out: a `FnMut` cannot hand
        // out the `&mut Connection` to two futures in turn.
        match conn.send(self.as_evalsha()).await {
            Err(e) if e.kind() == Some(ErrorKind::NoScript) => conn.send(self.as_eval()).await,
            result => result,
        }
    }
}

impl<R: FromRedisValue> Command for ScriptInvocation<R> {
    type Response = R;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        self.write(false, out)
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        self.args.for_each_key(f)
    }

    fn read_only(&self) -> bool {
        self.read_only
    }
}

/// A [`ScriptInvocation`] as one wire form: `EVALSHA` or `EVAL` (see
/// [`ScriptInvocation::as_eval`], [`ScriptInvocation::as_evalsha`]).
pub struct ScriptCommand<'a, R> {
    invocation: &'a ScriptInvocation<R>,
    eval: bool,
}

impl<R> Clone for ScriptCommand<'_, R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for ScriptCommand<'_, R> {}

impl<R> fmt::Debug for ScriptCommand<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptCommand")
            .field("eval", &self.eval)
            .field("invocation", self.invocation)
            .finish()
    }
}

impl<R: FromRedisValue> Command for ScriptCommand<'_, R> {
    type Response = R;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        self.invocation.write(self.eval, out)
    }

    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {
        self.invocation.for_each_key(f)
    }

    fn read_only(&self) -> bool {
        self.invocation.read_only
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;

    use super::*;
    use crate::commands::{encode, keys_of};

    #[test]
    fn sha1_matches_redis() {
        // `redis-cli SCRIPT LOAD "return 1"`
        assert_eq!(
            Script::new("return 1").sha1(),
            "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"
        );
    }

    #[test]
    fn encodes_evalsha_and_eval() {
        let s = Script::new("return 1");
        let inv = s.key("k").arg(&7).arg("x").invoke::<i64>();
        let mut out = BytesMut::new();
        encode(&inv, &mut out);
        let expected = format!(
            "*6\r\n$7\r\nEVALSHA\r\n$40\r\n{}\r\n$1\r\n1\r\n$1\r\nk\r\n$1\r\n7\r\n$1\r\nx\r\n",
            s.sha1()
        );
        assert_eq!(&out[..], expected.as_bytes());
        out.clear();
        encode(&inv.as_eval(), &mut out);
        assert_eq!(
            &out[..],
            &b"*6\r\n$4\r\nEVAL\r\n$8\r\nreturn 1\r\n$1\r\n1\r\n$1\r\nk\r\n$1\r\n7\r\n$1\r\nx\r\n"
                [..]
        );
        assert_eq!(keys_of(&inv), vec![b"k".to_vec()]);
        assert!(!Command::read_only(&inv));
        let ro = inv.read_only();
        assert!(Command::read_only(&ro.as_eval()));
        out.clear();
        encode(&ro, &mut out);
        assert!(out.starts_with(b"*6\r\n$10\r\nEVALSHA_RO\r\n"));
    }
}
