//! Certificates generated at test time with rcgen: a throwaway CA
//! ([`Pki`]), server and client certificates it signs ([`Leaf`]), and the
//! files a `redis-server --tls-port` reads ([`ServerTlsFiles`]).
//!
//! Shared by the standalone TLS tests (`tests/tls.rs`) and the TLS cluster
//! ([`RedisCluster::start_tls`](super::RedisCluster::start_tls)), so both
//! trust and present exactly the same kind of certificate.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};

/// A CA: its PEM certificate, and its key to sign leaves.
pub struct Pki {
    /// The CA certificate, PEM: what clients (and servers checking client
    /// certificates) trust.
    pub ca_pem: String,
    issuer: CertifiedIssuer<'static, KeyPair>,
}

/// A certificate signed by a [`Pki`], with its private key (PEM).
pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
}

impl Pki {
    /// A new self-signed CA named `name`.
    pub fn new(name: &str) -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let issuer = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        Pki {
            ca_pem: issuer.pem(),
            issuer,
        }
    }

    /// A leaf for `names` (DNS names, or IP addresses, which rcgen turns
    /// into IP SANs) with the extended key usages `usages`.
    pub fn leaf(&self, names: &[&str], usages: &[ExtendedKeyUsagePurpose]) -> Leaf {
        let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "redis-typed test");
        params.extended_key_usages = usages.to_vec();
        params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    /// A server certificate for `localhost` and the IP `127.0.0.1`. It is
    /// good for client authentication too: a cluster node presents it on
    /// the cluster bus and to its primary (`tls-cluster`,
    /// `tls-replication`).
    pub fn server_leaf(&self) -> Leaf {
        self.leaf(
            &["localhost", "127.0.0.1"],
            &[
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ],
        )
    }

    /// A client certificate, for mutual TLS.
    pub fn client_leaf(&self) -> Leaf {
        self.leaf(&["client"], &[ExtendedKeyUsagePurpose::ClientAuth])
    }

    /// Writes a fresh server certificate, its key and this CA into a new
    /// temporary directory, for `redis-server`.
    pub fn server_files(&self) -> ServerTlsFiles {
        let dir = tempfile::Builder::new()
            .prefix("redis-typed-tls-")
            .tempdir()
            .unwrap();
        let leaf = self.server_leaf();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let cert = write("server.crt", &leaf.cert_pem);
        let key = write("server.key", &leaf.key_pem);
        let ca = write("ca.crt", &self.ca_pem);
        ServerTlsFiles {
            _dir: dir,
            cert,
            key,
            ca,
        }
    }
}

/// A server's certificate, key and CA files (deleted on drop).
#[derive(Debug)]
pub struct ServerTlsFiles {
    _dir: tempfile::TempDir,
    pub cert: PathBuf,
    pub key: PathBuf,
    pub ca: PathBuf,
}

impl ServerTlsFiles {
    /// `--tls-port P --tls-cert-file ... --tls-key-file ... --tls-ca-cert-file
    /// ... --tls-auth-clients yes|no`.
    pub fn redis_args(&self, tls_port: u16, require_client_certs: bool) -> Vec<OsString> {
        let path = |p: &Path| p.as_os_str().to_owned();
        vec![
            "--tls-port".into(),
            tls_port.to_string().into(),
            "--tls-cert-file".into(),
            path(&self.cert),
            "--tls-key-file".into(),
            path(&self.key),
            "--tls-ca-cert-file".into(),
            path(&self.ca),
            "--tls-auth-clients".into(),
            if require_client_certs { "yes" } else { "no" }.into(),
        ]
    }
}
