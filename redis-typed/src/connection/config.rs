//! Connection settings and URL parsing.
//!
//! Accepted URLs:
//! - `redis://[user[:pass]@]host[:port][/db][?protocol=resp2|resp3]`
//! - `rediss://...` (TLS; needs a TLS transport)
//! - `unix:///path/to/socket[?db=N&user=U&pass=P]` (also `redis+unix://`)
//!
//! Percent-escapes in the user and password are decoded.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use crate::auth::{Credentials, Secret};
use crate::error::{Error, Result};
use crate::events::EventDispatcher;

/// Where a server listens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ServerAddr {
    /// A host name or IP address and a port.
    Tcp {
        /// Host name or IP address.
        host: String,
        /// TCP port.
        port: u16,
    },
    /// A Unix socket path.
    Unix(PathBuf),
}

impl ServerAddr {
    /// A TCP address.
    pub fn tcp(host: impl Into<String>, port: u16) -> Self {
        ServerAddr::Tcp {
            host: host.into(),
            port,
        }
    }

    /// Parses `host:port` (IPv6 hosts may be bracketed: `[::1]:6379`).
    pub fn parse_host_port(s: &str) -> Option<Self> {
        let (host, port) = s.rsplit_once(':')?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        Some(ServerAddr::tcp(host, port.parse().ok()?))
    }
}

impl fmt::Display for ServerAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServerAddr::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            ServerAddr::Tcp { host, port } => write!(f, "{host}:{port}"),
            ServerAddr::Unix(path) => write!(f, "unix:{}", path.display()),
        }
    }
}

/// The protocol version to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protocol {
    /// RESP2: maps arrive as flat arrays; no push frames on shared connections.
    Resp2,
    /// RESP3 (the default): typed maps, sets, doubles, booleans and pushes.
    /// Falls back to RESP2 when the server does not know `HELLO`.
    #[default]
    Resp3,
}

/// Everything needed to open and set up one connection.
#[derive(Clone)]
pub struct ConnectionConfig {
    /// The server.
    pub addr: ServerAddr,
    /// True for `rediss://`: the transport must speak TLS.
    pub tls: bool,
    /// Credentials from the URL, if any.
    pub credentials: Option<Credentials>,
    /// Database selected after connecting (0 is not sent).
    pub db: i64,
    /// Protocol version.
    pub protocol: Protocol,
    /// Name set with `CLIENT SETNAME` / `HELLO ... SETNAME`.
    pub client_name: Option<String>,
    /// Time allowed to open the stream and complete the handshake.
    pub connect_timeout: Duration,
    /// Time a caller waits for its reply; `None` waits as long as the
    /// connection lives.
    pub response_timeout: Option<Duration>,
    /// Where connection lifecycle and re-authentication events go (no
    /// listeners by default; cheap to clone, shared by clones).
    pub events: EventDispatcher,
    /// Send `READONLY` in the handshake, so that a cluster replica serves
    /// reads on this connection, and again on every reconnected one: for a
    /// [`Client`](crate::Client) opened on one replica of a cluster. A
    /// standalone server refuses `READONLY`. The cluster client does not
    /// use it: a reconnected connection must not read from a node that was
    /// demoted meanwhile.
    pub read_only: bool,
}

impl fmt::Debug for ConnectionConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionConfig")
            .field("addr", &self.addr)
            .field("tls", &self.tls)
            .field("credentials", &self.credentials)
            .field("db", &self.db)
            .field("protocol", &self.protocol)
            .field("client_name", &self.client_name)
            .field("connect_timeout", &self.connect_timeout)
            .field("response_timeout", &self.response_timeout)
            .field("events", &self.events)
            .field("read_only", &self.read_only)
            .finish()
    }
}

impl Default for ConnectionConfig {
    fn default() -> Self {
        ConnectionConfig {
            addr: ServerAddr::tcp("127.0.0.1", 6379),
            tls: false,
            credentials: None,
            db: 0,
            protocol: Protocol::Resp3,
            client_name: None,
            connect_timeout: Duration::from_secs(5),
            response_timeout: Some(Duration::from_secs(30)),
            events: EventDispatcher::default(),
            read_only: false,
        }
    }
}

impl ConnectionConfig {
    /// Parses a `redis://`, `rediss://` or `unix://` URL.
    ///
    /// ```
    /// use redis_typed::{ConnectionConfig, ServerAddr};
    /// let c = ConnectionConfig::from_url("redis://alice:s%40cret@example.com:6380/2").unwrap();
    /// assert_eq!(c.addr, ServerAddr::tcp("example.com", 6380));
    /// assert_eq!(c.db, 2);
    /// let creds = c.credentials.unwrap();
    /// assert_eq!(creds.username.as_deref(), Some("alice"));
    /// assert_eq!(creds.password.expose(), "s@cret");
    /// ```
    pub fn from_url(url: &str) -> Result<Self> {
        let bad = |why: &str| Error::Config(format!("{why} in URL {}", redact_url(url)));
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad("missing scheme"))?;
        let mut config = ConnectionConfig::default();
        let (rest, query) = match rest.split_once('?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let mut user = None;
        let mut pass = None;
        match scheme {
            "redis" | "rediss" => {
                config.tls = scheme == "rediss";
                let (authority, path) = match rest.split_once('/') {
                    Some((a, p)) => (a, p),
                    None => (rest, ""),
                };
                let hostport = match authority.rsplit_once('@') {
                    Some((userinfo, hp)) => {
                        match userinfo.split_once(':') {
                            Some((u, p)) => {
                                user = Some(percent_decode(u).map_err(&bad)?);
                                pass = Some(percent_decode(p).map_err(&bad)?);
                            }
                            None => user = Some(percent_decode(userinfo).map_err(&bad)?),
                        }
                        hp
                    }
                    None => authority,
                };
                let (host, port) = if let Some(stripped) = hostport.strip_prefix('[') {
                    let (h, after) = stripped
                        .split_once(']')
                        .ok_or_else(|| bad("unclosed '['"))?;
                    (h, after.strip_prefix(':'))
                } else {
                    match hostport.rsplit_once(':') {
                        Some((h, p)) => (h, Some(p)),
                        None => (hostport, None),
                    }
                };
                let host = if host.is_empty() { "127.0.0.1" } else { host };
                let port = match port {
                    Some(p) => p.parse().map_err(|_| bad("invalid port"))?,
                    None => 6379,
                };
                config.addr = ServerAddr::tcp(host, port);
                if !path.is_empty() {
                    config.db = path.parse().map_err(|_| bad("invalid database number"))?;
                }
            }
            "unix" | "redis+unix" => {
                if rest.is_empty() {
                    return Err(bad("missing socket path"));
                }
                config.addr = ServerAddr::Unix(PathBuf::from(rest));
            }
            _ => return Err(bad("unknown scheme (expected redis, rediss or unix)")),
        }
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = percent_decode(v).map_err(&bad)?;
            match k {
                "db" => config.db = v.parse().map_err(|_| bad("invalid database number"))?,
                "user" | "username" => user = Some(v),
                "pass" | "password" => pass = Some(v),
                "protocol" => {
                    config.protocol = match v.as_str() {
                        "resp2" | "2" => Protocol::Resp2,
                        "resp3" | "3" => Protocol::Resp3,
                        _ => return Err(bad("invalid protocol (expected resp2 or resp3)")),
                    }
                }
                "client_name" | "name" => config.client_name = Some(v),
                _ => return Err(bad("unknown query parameter")),
            }
        }
        config.credentials = match (user, pass) {
            (u, Some(p)) => Some(Credentials {
                username: u.filter(|u| !u.is_empty()),
                password: Secret::new(p),
            }),
            (Some(u), None) if !u.is_empty() => Some(Credentials::new(u, "")),
            _ => None,
        };
        Ok(config)
    }

    /// Sets the protocol version.
    pub fn protocol(mut self, protocol: Protocol) -> Self {
        self.protocol = protocol;
        self
    }

    /// Sets the response timeout.
    pub fn response_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// Sets the connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sets the client name.
    pub fn client_name(mut self, name: impl Into<String>) -> Self {
        self.client_name = Some(name.into());
        self
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Option<Credentials>) -> Self {
        self.credentials = credentials;
        self
    }

    /// Sets the event dispatcher (share one with a `TokenManager` to see
    /// credential refreshes and re-authentications in one place).
    pub fn events(mut self, events: EventDispatcher) -> Self {
        self.events = events;
        self
    }

    /// Sends `READONLY` in every handshake (cluster replicas; see
    /// [`ConnectionConfig::read_only`](Self#structfield.read_only)).
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Sets the database.
    pub fn db(mut self, db: i64) -> Self {
        self.db = db;
        self
    }
}

impl FromStr for ConnectionConfig {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        ConnectionConfig::from_url(s)
    }
}

/// The URL with any password replaced, for error messages.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "<unparseable>".into();
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, hp)) => match userinfo.split_once(':') {
            Some((u, _)) => format!("{u}:<redacted>@{hp}"),
            None => format!("{userinfo}@{hp}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((p, q)) if q.contains("pass") => format!("{p}?<redacted>"),
        _ => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

fn percent_decode(s: &str) -> std::result::Result<String, &'static str> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).ok_or("truncated percent-escape")?;
            let hex = std::str::from_utf8(hex).map_err(|_| "invalid percent-escape")?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| "invalid percent-escape")?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "percent-escape is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_defaults() {
        let c = ConnectionConfig::from_url("redis://localhost").unwrap();
        assert_eq!(c.addr, ServerAddr::tcp("localhost", 6379));
        assert_eq!(c.db, 0);
        assert!(c.credentials.is_none());
        assert!(!c.tls);
    }

    #[test]
    fn parses_password_only_and_tls() {
        let c = ConnectionConfig::from_url("rediss://:pw@h:1/3").unwrap();
        assert!(c.tls);
        let cr = c.credentials.unwrap();
        assert_eq!(cr.username, None);
        assert_eq!(cr.password.expose(), "pw");
        assert_eq!(c.db, 3);
    }

    #[test]
    fn parses_ipv6_and_unix() {
        let c = ConnectionConfig::from_url("redis://[::1]:7000").unwrap();
        assert_eq!(c.addr, ServerAddr::tcp("::1", 7000));
        assert_eq!(c.addr.to_string(), "[::1]:7000");
        let u = ConnectionConfig::from_url("unix:///tmp/r.sock?db=4&protocol=resp2").unwrap();
        assert_eq!(u.addr, ServerAddr::Unix("/tmp/r.sock".into()));
        assert_eq!(u.db, 4);
        assert_eq!(u.protocol, Protocol::Resp2);
    }

    #[test]
    fn errors_never_show_the_password() {
        let err = ConnectionConfig::from_url("redis://u:topsecret@h:notaport")
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid port"), "{err}");
        assert!(!err.contains("topsecret"), "{err}");
        let err = ConnectionConfig::from_url("ftp://u:topsecret@h")
            .unwrap_err()
            .to_string();
        assert!(!err.contains("topsecret"), "{err}");
        let dbg = format!(
            "{:?}",
            ConnectionConfig::from_url("redis://u:topsecret@h").unwrap()
        );
        assert!(!dbg.contains("topsecret"), "{dbg}");
    }
}
