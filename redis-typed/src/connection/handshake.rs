//! The connection handshake.
//!
//! RESP3 (the default): `HELLO 3 [AUTH user pass] [SETNAME name]`. When the
//! server does not know `HELLO` (Redis < 6) or refuses protocol 3
//! (`NOPROTO`), or RESP2 was asked for: `AUTH [user] pass`, then
//! `CLIENT SETNAME name`. Then `SELECT db` when a database other than 0
//! is configured, and `READONLY` when asked for (cluster replica reads).

use tokio::io::{AsyncRead, AsyncWrite};

use super::{Connection, ConnectionConfig, Protocol};
use crate::auth::Credentials;
use crate::error::{Error, ErrorKind, Result};
use crate::resp::Value;
use crate::Cmd;

/// What the handshake settled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Negotiated {
    /// The protocol in use.
    pub protocol: Protocol,
    /// The connection id reported by `HELLO`.
    pub client_id: Option<i64>,
}

impl Default for Negotiated {
    /// A raw stream speaks RESP2 until `HELLO 3` succeeds.
    fn default() -> Self {
        Negotiated {
            protocol: Protocol::Resp2,
            client_id: None,
        }
    }
}

pub(crate) async fn handshake<S>(
    conn: &mut Connection<S>,
    config: &ConnectionConfig,
    credentials: Option<&Credentials>,
) -> Result<Negotiated>
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut negotiated = Negotiated::default();
    let mut authenticated = false;
    let mut named = false;
    if config.protocol == Protocol::Resp3 {
        let mut hello = Cmd::<Value>::new("HELLO").arg("3");
        if let Some(c) = credentials {
            hello = hello
                .arg("AUTH")
                .arg(c.username.as_deref().unwrap_or("default"))
                .arg(c.password.expose());
        }
        if let Some(name) = &config.client_name {
            hello = hello.arg("SETNAME").arg(name.as_str());
        }
        match conn.send(hello).await {
            Ok(reply) => {
                negotiated.protocol = Protocol::Resp3;
                negotiated.client_id = hello_id(reply);
                authenticated = true;
                named = true;
            }
            Err(Error::Server(e)) if e.kind == ErrorKind::NoProto || is_unknown_command(&e) => {
                tracing::debug!("server refused HELLO 3 ({}); using RESP2", e.code());
            }
            Err(e) => return Err(e),
        }
    }
    if !authenticated {
        if let Some(c) = credentials {
            let mut auth = Cmd::<()>::new("AUTH");
            if let Some(user) = &c.username {
                auth = auth.arg(user.as_str());
            }
            conn.send(auth.arg(c.password.expose())).await?;
        }
    }
    if !named {
        if let Some(name) = &config.client_name {
            conn.send(Cmd::<()>::new("CLIENT").arg("SETNAME").arg(name.as_str()))
                .await?;
        }
    }
    if config.db != 0 {
        conn.send(Cmd::<()>::new("SELECT").arg(&config.db)).await?;
    }
    if config.read_only {
        conn.send(Cmd::<()>::new("READONLY")).await?;
    }
    Ok(negotiated)
}

fn is_unknown_command(e: &crate::ServerError) -> bool {
    e.kind == ErrorKind::Err && e.detail().starts_with("unknown command")
}

fn hello_id(reply: Value) -> Option<i64> {
    let pairs: Vec<(Value, Value)> = match reply {
        Value::Map(pairs) => pairs,
        Value::Array(items) => {
            let mut it = items.into_iter();
            let mut pairs = Vec::new();
            while let (Some(k), Some(v)) = (it.next(), it.next()) {
                pairs.push((k, v));
            }
            pairs
        }
        _ => return None,
    };
    pairs.into_iter().find_map(|(k, v)| match (k, v) {
        (Value::BulkString(k) | Value::SimpleString(k), Value::Integer(id)) if &k[..] == b"id" => {
            Some(id)
        }
        _ => None,
    })
}
