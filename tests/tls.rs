//! `TlsTransport` against a real `redis-server --tls-port`, with
//! certificates generated for each test by rcgen.

mod support;

use std::net::{Ipv4Addr, TcpListener};

use redis_typed::auth::StaticCredentials;
use redis_typed::commands::{Get, Set};
use redis_typed::transport::{TlsConfig, TlsHandshakeError, TlsTransport};
use redis_typed::{Client, Cmd, Connection, ConnectionConfig, Error};
use support::certs::{Pki, ServerTlsFiles};
use support::RedisServer;

/// A TLS-only server: `--port 0 --tls-port P`, its certificate signed by `pki`.
struct TlsServer {
    _server: RedisServer,
    _files: ServerTlsFiles,
    tls_port: u16,
}

impl TlsServer {
    fn start(pki: &Pki, require_client_certs: bool) -> TlsServer {
        let files = pki.server_files();
        let tls_port = free_port();
        let server = RedisServer::builder()
            .arg("--port")
            .arg("0")
            .args(files.redis_args(tls_port, require_client_certs))
            .start();
        TlsServer {
            _server: server,
            _files: files,
            tls_port,
        }
    }

    fn url(&self) -> String {
        format!("rediss://127.0.0.1:{}", self.tls_port)
    }
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn connect(url: &str, tls: TlsConfig) -> redis_typed::Result<Client<TlsTransport>> {
    let (config, transport) = TlsTransport::from_url_with(url, tls)?;
    let credentials = StaticCredentials::from(config.credentials.clone());
    Client::connect_with(config, transport, credentials).await
}

/// The handshake error inside an `Error::Io`, if that is what `err` is.
fn handshake_error(err: &Error) -> Option<&TlsHandshakeError> {
    match err {
        Error::Io(io) => io.get_ref()?.downcast_ref::<TlsHandshakeError>(),
        _ => None,
    }
}

fn assert_certificate_rejected(result: redis_typed::Result<Client<TlsTransport>>) {
    let err = result.expect_err("the connection must be refused");
    let message = err.to_string();
    assert!(message.contains("certificate"), "{message}");
    let handshake = handshake_error(&err).unwrap_or_else(|| panic!("not a TLS error: {err:?}"));
    assert!(handshake.is_certificate_error(), "{handshake:?}");
}

#[tokio::test]
async fn verified_connection_with_the_given_ca() {
    let pki = Pki::new("test CA");
    let server = TlsServer::start(&pki, false);
    let client = connect(&server.url(), TlsConfig::new().ca_pem(pki.ca_pem.clone()))
        .await
        .unwrap();
    client.send(Set::new("k", "over tls")).await.unwrap();
    let v: Option<String> = client.send(Get::new("k")).await.unwrap();
    assert_eq!(v.as_deref(), Some("over tls"));

    // A dedicated connection through the same transport, by host name.
    let config =
        ConnectionConfig::from_url(&format!("rediss://localhost:{}", server.tls_port)).unwrap();
    let transport =
        TlsTransport::for_config(&config, TlsConfig::new().ca_pem(pki.ca_pem.clone())).unwrap();
    let mut conn = Connection::connect_with(&config, &transport, &StaticCredentials::default())
        .await
        .unwrap();
    let pong: String = conn.send(Cmd::<String>::new("PING")).await.unwrap();
    assert_eq!(pong, "PONG");
}

#[tokio::test]
async fn untrusted_certificate_is_rejected() {
    let pki = Pki::new("test CA");
    let server = TlsServer::start(&pki, false);
    let other = Pki::new("some other CA");
    assert_certificate_rejected(
        connect(&server.url(), TlsConfig::new().ca_pem(other.ca_pem)).await,
    );
}

#[tokio::test]
async fn hostname_mismatch_is_rejected() {
    let pki = Pki::new("test CA");
    let server = TlsServer::start(&pki, false);
    let tls = TlsConfig::new()
        .ca_pem(pki.ca_pem.clone())
        .server_name("redis.example.com");
    assert_certificate_rejected(connect(&server.url(), tls).await);
}

#[tokio::test]
async fn dangerous_option_accepts_any_certificate() {
    let pki = Pki::new("test CA");
    let server = TlsServer::start(&pki, false);
    let tls = TlsConfig::new()
        .server_name("not-the-name-in-the-certificate.example")
        .dangerous_accept_any_certificate();
    let client = connect(&server.url(), tls).await.unwrap();
    let pong: String = client.send(Cmd::<String>::new("PING")).await.unwrap();
    assert_eq!(pong, "PONG");
}

#[tokio::test]
async fn mutual_tls() {
    let pki = Pki::new("test CA");
    let server = TlsServer::start(&pki, true);

    // Without a client certificate, the server refuses us (with TLS 1.3
    // the refusal may arrive just after the handshake, on the first read).
    let err = connect(&server.url(), TlsConfig::new().ca_pem(pki.ca_pem.clone()))
        .await
        .expect_err("a client without a certificate must be refused");
    assert!(err.is_connection_error(), "{err:?}");

    let leaf = pki.client_leaf();
    let tls = TlsConfig::new()
        .ca_pem(pki.ca_pem.clone())
        .client_auth_pem(leaf.cert_pem, leaf.key_pem);
    let client = connect(&server.url(), tls).await.unwrap();
    client.send(Set::new("mtls", 1)).await.unwrap();
    let v: Option<i64> = client.send(Get::new("mtls")).await.unwrap();
    assert_eq!(v, Some(1));
}

#[test]
fn bad_pem_and_plain_urls_are_config_errors() {
    let err = TlsTransport::new(TlsConfig::new().ca_pem("not a certificate")).unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let err = TlsTransport::from_url("redis://127.0.0.1:6379").unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let dbg = format!(
        "{:?}",
        TlsConfig::new().client_auth_pem("cert", "-----BEGIN PRIVATE KEY----- secret")
    );
    assert!(!dbg.contains("secret"), "{dbg}");
}

#[tokio::test]
async fn pool_over_tls() {
    use redis_typed::pool::{Pool, PoolConfig};

    let pki = Pki::new("test CA");
    let server = TlsServer::start(&pki, false);
    let (config, transport) =
        TlsTransport::from_url_with(&server.url(), TlsConfig::new().ca_pem(pki.ca_pem.clone()))
            .unwrap();
    let pool = Pool::connect_with(
        config,
        PoolConfig::default(),
        transport,
        StaticCredentials::default(),
    )
    .await
    .unwrap();
    let pong: String = pool.send(Cmd::<String>::new("PING")).await.unwrap();
    assert_eq!(pong, "PONG");
}
