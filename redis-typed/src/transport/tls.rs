//! TLS over TCP (`rediss://`), with rustls.
//!
//! [`TlsTransport`] opens a TCP connection (`TCP_NODELAY` on), then runs the
//! TLS handshake. By default the server's certificate is verified against the
//! operating system's trust store and the name of the host being connected
//! to (an IP address works too, if the certificate lists it). A private CA,
//! a client certificate (mutual TLS) and a different verification name are
//! options of [`TlsConfig`].
//!
//! The transport plugs into everything generic over [`Transport`]: the
//! [`Client`](crate::Client), a dedicated [`Connection`](crate::Connection),
//! the pool and the cluster.
//!
//! ```no_run
//! use redis_typed::auth::StaticCredentials;
//! use redis_typed::transport::{TlsConfig, TlsTransport};
//! use redis_typed::{Client, ConnectionConfig};
//!
//! # async fn demo() -> redis_typed::Result<()> {
//! // System roots, verification name taken from the URL's host:
//! let (config, tls) = TlsTransport::from_url("rediss://:pw@cache.example.com:6380")?;
//! let credentials = StaticCredentials::from(config.credentials.clone());
//! let client = Client::connect_with(config, tls, credentials).await?;
//!
//! // A private CA and a client certificate (mutual TLS):
//! let tls = TlsTransport::new(
//!     TlsConfig::new()
//!         .ca_pem(std::fs::read("ca.crt")?)
//!         .client_auth_pem(std::fs::read("client.crt")?, std::fs::read("client.key")?),
//! )?;
//! let config = ConnectionConfig::from_url("rediss://10.0.0.5:6380")?;
//! let client = Client::connect_with(config, tls, StaticCredentials::default()).await?;
//! # Ok(()) }
//! ```

use std::fmt;
use std::io;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use tokio::net::TcpStream;
use tokio_rustls::rustls::client::danger::{
    HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier,
};
use tokio_rustls::rustls::crypto::{self, WebPkiSupportedAlgorithms};
use tokio_rustls::rustls::{self, ClientConfig, DigitallySignedStruct, RootCertStore};
use tokio_rustls::TlsConnector;

use super::{unsupported, TcpTransport, Transport};
use crate::connection::{ConnectionConfig, ServerAddr};
use crate::error::{Error, Result};

/// The stream of [`TlsTransport`]: TLS over TCP.
pub type TlsStream = tokio_rustls::client::TlsStream<TcpStream>;

/// Which certificates a [`TlsTransport`] trusts and presents.
///
/// Built with [`TlsConfig::new`] (the system roots) and the builder methods;
/// turned into a transport with [`TlsTransport::new`], which parses the PEM
/// and reports bad input as [`Error::Config`].
#[derive(Clone, Default)]
pub struct TlsConfig {
    /// PEM CA certificates; `None` means the system trust store.
    ca_pem: Option<Vec<u8>>,
    /// PEM certificate chain and PEM private key, for mutual TLS.
    client_auth: Option<(Vec<u8>, Vec<u8>)>,
    server_name: Option<String>,
    accept_any_certificate: bool,
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The client key is a secret: say only whether there is one.
        f.debug_struct("TlsConfig")
            .field(
                "roots",
                &if self.ca_pem.is_some() {
                    "given CA"
                } else {
                    "system"
                },
            )
            .field("client_auth", &self.client_auth.is_some())
            .field("server_name", &self.server_name)
            .field("accept_any_certificate", &self.accept_any_certificate)
            .finish()
    }
}

impl TlsConfig {
    /// Verifies servers against the operating system's trust store, by the
    /// host name (or IP address) connected to; no client certificate.
    pub fn new() -> Self {
        TlsConfig::default()
    }

    /// Trusts the CA certificate(s) in `pem` (one or more `-----BEGIN
    /// CERTIFICATE-----` blocks) *instead of* the system trust store: for a
    /// private CA, as Redis deployments usually have.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem = Some(pem.into());
        self
    }

    /// Presents a client certificate (mutual TLS, `tls-auth-clients yes`):
    /// `cert_chain_pem` holds the certificate (then any intermediates),
    /// `key_pem` its private key (PKCS#8, PKCS#1 or SEC1).
    pub fn client_auth_pem(
        mut self,
        cert_chain_pem: impl Into<Vec<u8>>,
        key_pem: impl Into<Vec<u8>>,
    ) -> Self {
        self.client_auth = Some((cert_chain_pem.into(), key_pem.into()));
        self
    }

    /// Sends `name` as SNI and verifies the certificate against it, instead
    /// of the host being connected to (e.g. connecting to an IP address of a
    /// server whose certificate names `redis.internal`).
    pub fn server_name(mut self, name: impl Into<String>) -> Self {
        self.server_name = Some(name.into());
        self
    }

    /// **DANGER: turns off server certificate verification.** Any
    /// certificate is accepted, for any name, from anyone.
    ///
    /// The connection is still encrypted, but to whoever answered: an
    /// attacker on the path can impersonate the server, read every command
    /// and password, and change every reply. Use this only in tests, against
    /// a throwaway server with a self-signed certificate. For a private CA,
    /// give its certificate to [`TlsConfig::ca_pem`] instead.
    pub fn dangerous_accept_any_certificate(mut self) -> Self {
        self.accept_any_certificate = true;
        self
    }
}

/// Connects with TLS over TCP. Cheap to clone (the rustls configuration is
/// shared).
#[derive(Clone)]
pub struct TlsTransport {
    connector: TlsConnector,
    server_name: Option<ServerName<'static>>,
    accept_any_certificate: bool,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsTransport")
            .field("server_name", &self.server_name)
            .field("accept_any_certificate", &self.accept_any_certificate)
            .finish_non_exhaustive()
    }
}

impl TlsTransport {
    /// Builds the transport: loads the trust roots and parses the PEM.
    ///
    /// Fails with [`Error::Config`] for unparseable PEM, a bad server name,
    /// or a system trust store with no usable certificate.
    pub fn new(config: TlsConfig) -> Result<Self> {
        let provider = Arc::new(crypto::ring::default_provider());
        let algorithms = provider.signature_verification_algorithms;
        let builder = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| tls_config_error("protocol versions", e))?;
        let builder = if config.accept_any_certificate {
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate(algorithms)))
        } else {
            builder.with_root_certificates(roots(config.ca_pem.as_deref())?)
        };
        let client_config = match &config.client_auth {
            Some((chain_pem, key_pem)) => {
                let chain = parse_certs(chain_pem, "client certificate")?;
                let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|e| {
                    Error::Config(format!("cannot read the client private key PEM: {e}"))
                })?;
                builder
                    .with_client_auth_cert(chain, key)
                    .map_err(|e| tls_config_error("client certificate", e))?
            }
            None => builder.with_no_client_auth(),
        };
        let server_name = config
            .server_name
            .map(|name| {
                ServerName::try_from(name.clone())
                    .map_err(|_| Error::Config(format!("invalid TLS server name {name:?}")))
            })
            .transpose()?;
        Ok(TlsTransport {
            connector: TlsConnector::from(Arc::new(client_config)),
            server_name,
            accept_any_certificate: config.accept_any_certificate,
        })
    }

    /// Parses a `rediss://` URL and returns its configuration with a
    /// transport that verifies against the system trust store.
    ///
    /// Use it with `Client::connect_with(config, transport, credentials)`.
    pub fn from_url(url: &str) -> Result<(ConnectionConfig, TlsTransport)> {
        TlsTransport::from_url_with(url, TlsConfig::new())
    }

    /// Like [`TlsTransport::from_url`], with the given TLS settings.
    pub fn from_url_with(url: &str, tls: TlsConfig) -> Result<(ConnectionConfig, TlsTransport)> {
        let config = ConnectionConfig::from_url(url)?;
        let transport = TlsTransport::for_config(&config, tls)?;
        Ok((config, transport))
    }

    /// A transport for `config`, which must be a TLS configuration
    /// (`rediss://`, `config.tls == true`) over TCP.
    pub fn for_config(config: &ConnectionConfig, tls: TlsConfig) -> Result<TlsTransport> {
        if !config.tls {
            return Err(Error::Config(
                "TlsTransport needs a TLS configuration (a rediss:// URL)".into(),
            ));
        }
        if let ServerAddr::Unix(_) = config.addr {
            return Err(Error::Config(
                "TLS is for TCP addresses, not Unix sockets".into(),
            ));
        }
        TlsTransport::new(tls)
    }
}

impl Transport for TlsTransport {
    type Stream = TlsStream;

    async fn connect(&self, addr: &ServerAddr) -> io::Result<TlsStream> {
        let ServerAddr::Tcp { host, .. } = addr else {
            return Err(unsupported(addr, "TlsTransport"));
        };
        let name = match &self.server_name {
            Some(name) => name.clone(),
            None => ServerName::try_from(host.clone()).map_err(|_| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{host:?} is not a valid TLS server name; set TlsConfig::server_name"),
                )
            })?,
        };
        let tcp = TcpTransport.connect(addr).await?;
        self.connector.connect(name, tcp).await.map_err(|e| {
            let kind = e.kind();
            io::Error::new(
                kind,
                TlsHandshakeError {
                    addr: addr.to_string(),
                    source: e,
                },
            )
        })
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// A TLS handshake failed. Arrives as the inner error of
/// [`Error::Io`]: `io_error.get_ref()` downcasts to it.
///
/// ```
/// use redis_typed::transport::TlsHandshakeError;
/// fn is_bad_certificate(err: &redis_typed::Error) -> bool {
///     match err {
///         redis_typed::Error::Io(io) => io
///             .get_ref()
///             .and_then(|e| e.downcast_ref::<TlsHandshakeError>())
///             .is_some_and(TlsHandshakeError::is_certificate_error),
///         _ => false,
///     }
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[error("TLS handshake with {addr} failed: {source}")]
pub struct TlsHandshakeError {
    addr: String,
    #[source]
    source: io::Error,
}

impl TlsHandshakeError {
    /// The rustls error, when the failure was TLS's (not the socket's).
    pub fn rustls_error(&self) -> Option<&rustls::Error> {
        self.source.get_ref()?.downcast_ref::<rustls::Error>()
    }

    /// True when a certificate was refused: the server's (untrusted issuer,
    /// wrong name, expired) or, as the server reported, ours.
    pub fn is_certificate_error(&self) -> bool {
        use rustls::AlertDescription as A;
        match self.rustls_error() {
            Some(rustls::Error::InvalidCertificate(_)) => true,
            Some(rustls::Error::AlertReceived(alert)) => matches!(
                alert,
                A::BadCertificate
                    | A::UnsupportedCertificate
                    | A::CertificateRevoked
                    | A::CertificateExpired
                    | A::CertificateUnknown
                    | A::UnknownCA
                    | A::CertificateRequired
            ),
            _ => false,
        }
    }
}

fn tls_config_error(what: &str, e: rustls::Error) -> Error {
    Error::Config(format!("TLS {what}: {e}"))
}

fn parse_certs(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Config(format!("cannot read the {what} PEM: {e}")))?;
    if certs.is_empty() {
        return Err(Error::Config(format!(
            "no certificate in the {what} PEM (expected -----BEGIN CERTIFICATE-----)"
        )));
    }
    Ok(certs)
}

/// The given CA certificates, or the system trust store.
fn roots(ca_pem: Option<&[u8]>) -> Result<RootCertStore> {
    let mut store = RootCertStore::empty();
    match ca_pem {
        Some(pem) => {
            for cert in parse_certs(pem, "CA certificate")? {
                store
                    .add(cert)
                    .map_err(|e| tls_config_error("CA certificate", e))?;
            }
        }
        None => {
            let loaded = rustls_native_certs::load_native_certs();
            let (added, _ignored) = store.add_parsable_certificates(loaded.certs);
            if added == 0 {
                let why = loaded
                    .errors
                    .first()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default();
                return Err(Error::Config(format!(
                    "no usable certificate in the system trust store{why}; \
                     give the CA with TlsConfig::ca_pem"
                )));
            }
        }
    }
    Ok(store)
}

/// The verifier behind [`TlsConfig::dangerous_accept_any_certificate`]: any
/// certificate passes; handshake signatures are still checked, so the
/// session at least belongs to the certificate shown.
#[derive(Debug)]
struct AcceptAnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.supported_schemes()
    }
}
