//! Credentials: who the client authenticates as.
//!
//! Connections take their credentials from a [`CredentialProvider`], asked
//! at every handshake, so a provider whose answer changes over time (rotating
//! tokens) is served by the same code as a fixed password.

mod secret;

use std::fmt;
use std::future::Future;

pub use secret::Secret;

use crate::error::Result;

/// A username (optional: `None` means the `default` user) and a password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The ACL user, or `None` for the default user.
    pub username: Option<String>,
    /// The password or token; never printed.
    pub password: Secret,
}

impl Credentials {
    /// Credentials for an ACL user.
    pub fn new(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials {
            username: Some(username.into()),
            password: password.into(),
        }
    }

    /// A password for the default user (`requirepass`).
    pub fn password_only(password: impl Into<Secret>) -> Self {
        Credentials {
            username: None,
            password: password.into(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &self.password)
            .finish()
    }
}

/// Supplies the credentials a connection authenticates with.
pub trait CredentialProvider: Clone + Send + Sync + 'static {
    /// The credentials to use now; `None` to skip authentication.
    fn credentials(&self) -> impl Future<Output = Result<Option<Credentials>>> + Send;
}

/// Fixed credentials (or none).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StaticCredentials(Option<Credentials>);

impl StaticCredentials {
    /// No authentication.
    pub fn none() -> Self {
        StaticCredentials(None)
    }

    /// Always these credentials.
    pub fn new(credentials: Credentials) -> Self {
        StaticCredentials(Some(credentials))
    }

    /// The credentials, if any.
    pub fn get(&self) -> Option<&Credentials> {
        self.0.as_ref()
    }
}

impl From<Option<Credentials>> for StaticCredentials {
    fn from(c: Option<Credentials>) -> Self {
        StaticCredentials(c)
    }
}

impl CredentialProvider for StaticCredentials {
    async fn credentials(&self) -> Result<Option<Credentials>> {
        Ok(self.0.clone())
    }
}
