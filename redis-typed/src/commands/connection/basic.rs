//! Connection commands: `PING`, `ECHO`, `HELLO`, `AUTH`, `SELECT`,
//! `CLIENT SETNAME`.
//!
//! These act on the connection they are sent on. On a shared (multiplexed)
//! client, `SELECT`, `AUTH` and `HELLO` would change the state every user of
//! that connection sees; prefer configuring them on the connection.
//!
//! ```
//! use bytes::BytesMut;
//! use redis_typed::commands::{encode, Auth, Hello, Ping};
//!
//! let mut out = BytesMut::new();
//! encode(&Ping::new(), &mut out);
//! assert_eq!(&out[..], b"*1\r\n$4\r\nPING\r\n");
//!
//! // Secrets are sent but never printed.
//! let hello = Hello::new(3).auth("app", "s3cret").setname("worker-1");
//! assert!(!format!("{hello:?}").contains("s3cret"));
//! let mut out = BytesMut::new();
//! encode(&hello, &mut out);
//! assert_eq!(
//!     &out[..],
//!     &b"*7\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$3\r\napp\r\n$6\r\ns3cret\r\n\
//!        $7\r\nSETNAME\r\n$8\r\nworker-1\r\n"[..]
//! );
//! assert!(!format!("{:?}", Auth::new("s3cret")).contains("s3cret"));
//! ```

use std::marker::PhantomData;

use bytes::Bytes;

use crate::auth::Secret;
use crate::commands::fields::Fields;
use crate::commands::Command;
use crate::error::Result;
use crate::resp::{ArgWriter, Value};
use crate::types::{FromRedisValue, SingleArg, ToRedisArgs};

// ----------------------------------------------------------------- PING

/// `PING [message]`: checks the connection.
///
/// Reply: `R`. [`Ping::new`] replies `PONG`, decoded as a `String`;
/// [`Ping::message`] replies the message itself, decoded as the caller's
/// `R` (inferred from the binding).
///
/// `PING` is not flagged read-only by Redis, so it is routed like a write.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Ping<M = (), R = String> {
    message: M,
    _reply: PhantomData<fn() -> R>,
}

impl Ping {
    /// `PING`: replies `"PONG"`.
    pub fn new() -> Self {
        Ping {
            message: (),
            _reply: PhantomData,
        }
    }

    /// `PING message`: replies `message`, decoded as `R`.
    pub fn message<M: SingleArg, R: FromRedisValue>(message: M) -> Ping<M, R> {
        Ping {
            message,
            _reply: PhantomData,
        }
    }
}

impl Default for Ping {
    fn default() -> Self {
        Ping::new()
    }
}

impl<M: ToRedisArgs, R: FromRedisValue> Command for Ping<M, R> {
    type Response = R;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"PING");
        self.message.write_redis_args(out);
    }
}

// ----------------------------------------------------------------- ECHO

/// `ECHO message`: the server replies `message`.
///
/// Reply: `V` (defaults to [`Bytes`]).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Echo<M, V = Bytes> {
    message: M,
    _reply: PhantomData<fn() -> V>,
}

impl<M: SingleArg, V: FromRedisValue> Echo<M, V> {
    /// `ECHO message`.
    pub fn new(message: M) -> Self {
        Echo {
            message,
            _reply: PhantomData,
        }
    }
}

impl<M: SingleArg, V: FromRedisValue> Command for Echo<M, V> {
    type Response = V;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"ECHO");
        self.message.write_redis_args(out);
    }
}

// ---------------------------------------------------------------- HELLO

/// `HELLO protover [AUTH username password] [SETNAME clientname]`: switches
/// the connection's protocol (2 or 3), optionally authenticating and naming
/// it in the same round trip (Redis 6.0+).
///
/// Reply: [`HelloReply`]. `Debug` never shows the password (a [`Secret`]).
///
/// Send it on a dedicated connection
/// ([`Client::dedicated`](crate::Client::dedicated)): the multiplexed
/// [`Client`](crate::Client) negotiates the protocol, credentials and name
/// from its [`ConnectionConfig`](crate::ConnectionConfig) at every connect,
/// and refuses `HELLO` with
/// [`Error::NotMultiplexable`](crate::Error::NotMultiplexable) (nothing is
/// sent), since switching under its driver would break every caller.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Hello {
    protover: i64,
    auth: Option<(String, Secret)>,
    setname: Option<String>,
}

impl Hello {
    /// `HELLO protover`.
    pub fn new(protover: i64) -> Self {
        Hello {
            protover,
            auth: None,
            setname: None,
        }
    }

    /// `AUTH username password` (`"default"` is the `requirepass` user).
    pub fn auth(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.auth = Some((username.into(), password.into()));
        self
    }

    /// `SETNAME clientname`.
    pub fn setname(mut self, name: impl Into<String>) -> Self {
        self.setname = Some(name.into());
        self
    }
}

impl Command for Hello {
    type Response = HelloReply;

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"HELLO");
        out.write_i64(self.protover);
        if let Some((username, password)) = &self.auth {
            out.write_arg(b"AUTH");
            out.write_arg(username.as_bytes());
            out.write_arg(password.expose().as_bytes());
        }
        if let Some(name) = &self.setname {
            out.write_arg(b"SETNAME");
            out.write_arg(name.as_bytes());
        }
    }
}

/// The reply of `HELLO`: who the server is and what the connection became.
///
/// Decoded from a RESP3 map or a RESP2 flat `name value ...` array. `server`,
/// `version`, `proto` and `id` are required; the other fields default to
/// empty when a server (or a fork) leaves them out, and unknown fields are
/// ignored.
///
/// ```
/// use redis_typed::{FromRedisValue, Value};
/// use redis_typed::commands::HelloReply;
///
/// let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
/// let reply = Value::Array(vec![
///     s("server"), s("redis"), s("version"), s("7.2.4"), s("proto"), Value::Integer(2),
///     s("id"), Value::Integer(7), s("mode"), s("standalone"), s("role"), s("master"),
///     s("modules"), Value::Array(vec![]),
/// ]);
/// let hello = HelloReply::from_redis_value(reply).unwrap();
/// assert_eq!((hello.proto, hello.id, hello.role.as_str()), (2, 7, "master"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct HelloReply {
    /// `"redis"` (or the fork's name, e.g. `"valkey"`).
    pub server: String,
    /// The server version, e.g. `"7.2.4"`.
    pub version: String,
    /// The protocol now spoken on the connection: 2 or 3.
    pub proto: i64,
    /// The connection id (as in `CLIENT ID`).
    pub id: i64,
    /// `"standalone"`, `"sentinel"` or `"cluster"`.
    pub mode: String,
    /// `"master"` or `"replica"`.
    pub role: String,
    /// The loaded modules.
    pub modules: Vec<ModuleInfo>,
}

/// A module listed by `HELLO` (or `MODULE LIST`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ModuleInfo {
    /// The module's name, e.g. `"search"`.
    pub name: String,
    /// The module's version, as an integer (`20612` for 2.6.12).
    pub version: i64,
    /// The path the module was loaded from, when reported.
    pub path: Option<String>,
    /// The arguments it was loaded with.
    pub args: Vec<String>,
}

impl FromRedisValue for HelloReply {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<HelloReply>::new(value)?;
        Ok(HelloReply {
            server: fields.required("server")?,
            version: fields.required("version")?,
            proto: fields.required("proto")?,
            id: fields.required("id")?,
            mode: fields.or_default("mode")?,
            role: fields.or_default("role")?,
            modules: fields.or_default("modules")?,
        })
    }
}

impl FromRedisValue for ModuleInfo {
    fn from_redis_value(value: Value) -> Result<Self> {
        let mut fields = Fields::<ModuleInfo>::new(value)?;
        Ok(ModuleInfo {
            name: fields.required("name")?,
            version: fields.or_default("ver")?,
            path: fields.optional("path")?,
            args: fields.or_default("args")?,
        })
    }
}

// ----------------------------------------------------------------- AUTH

/// `AUTH [username] password`: authenticates the connection.
///
/// Reply: `()`. `Debug` never shows the password (a [`Secret`]).
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Auth {
    username: Option<String>,
    password: Secret,
}

impl Auth {
    /// `AUTH password`: the `requirepass` password (the `default` user).
    pub fn new(password: impl Into<Secret>) -> Self {
        Auth {
            username: None,
            password: password.into(),
        }
    }

    /// `AUTH username password`: an ACL user (Redis 6.0+).
    pub fn with_user(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Auth {
            username: Some(username.into()),
            password: password.into(),
        }
    }

    /// `AUTH [username] password` for `credentials` (no username: the
    /// `default` user).
    pub fn from_credentials(credentials: &crate::auth::Credentials) -> Self {
        Auth {
            username: credentials.username.clone(),
            password: credentials.password.clone(),
        }
    }
}

impl Command for Auth {
    type Response = ();

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"AUTH");
        if let Some(username) = &self.username {
            out.write_arg(username.as_bytes());
        }
        out.write_arg(self.password.expose().as_bytes());
    }
}

// --------------------------------------------------------------- SELECT

/// `SELECT index`: switches the connection to database `index`.
///
/// Reply: `()`. Not available in cluster mode.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct Select {
    index: i64,
}

impl Select {
    /// `SELECT index`.
    pub fn new(index: i64) -> Self {
        Select { index }
    }
}

impl Command for Select {
    type Response = ();

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"SELECT");
        out.write_i64(self.index);
    }
}

// -------------------------------------------------------- CLIENT SETNAME

/// `CLIENT SETNAME connection-name`: names the connection (shown by
/// `CLIENT LIST`); an empty name removes it.
///
/// Reply: `()`. The server rejects names containing spaces or newlines.
#[derive(Debug, Clone)]
#[must_use = "a command does nothing until it is sent"]
pub struct ClientSetName<N> {
    name: N,
}

impl<N: SingleArg> ClientSetName<N> {
    /// `CLIENT SETNAME connection-name`.
    pub fn new(name: N) -> Self {
        ClientSetName { name }
    }
}

impl<N: SingleArg> Command for ClientSetName<N> {
    type Response = ();

    fn write_args<W: ArgWriter + ?Sized>(&self, out: &mut W) {
        out.write_arg(b"CLIENT");
        out.write_arg(b"SETNAME");
        self.name.write_redis_args(out);
    }
}
