//! Credentials: who the client authenticates as.
//!
//! Connections take their credentials from a [`CredentialProvider`], asked
//! at every handshake, so a provider whose answer changes over time (rotating
//! tokens) is served by the same code as a fixed password.
//!
//! - `mod.rs`: [`Credentials`], the [`CredentialProvider`] trait and
//!   [`StaticCredentials`] (a fixed password, or none).
//! - `secret.rs`: [`Secret`], a string that never prints itself.
//! - `streaming.rs`: [`StreamingCredentialProvider`]: credentials that
//!   change, with a [`CredentialsWatch`] to hear each change;
//!   [`StreamingCredentials`] implements it.
//! - `token.rs`, `jwt.rs`: short-lived [`Token`]s, read from JWTs by a
//!   [`JwtParser`].
//! - `manager.rs`, `schedule.rs`: the [`TokenManager`] that keeps a token
//!   from an [`IdentityProvider`] (Entra ID, IAM...) fresh, and when it
//!   refreshes and retries.
//! - `error.rs`: [`AuthError`].

mod error;
mod jwt;
mod manager;
mod schedule;
mod secret;
mod streaming;
#[cfg(test)]
mod tests;
mod token;

use std::fmt;
use std::future::Future;

pub use error::{AuthError, BoxError};
/// The `jsonwebtoken` crate, for the [`DecodingKey`](jsonwebtoken::DecodingKey)
/// and [`Algorithm`](jsonwebtoken::Algorithm) that signature verification
/// takes (and `encode`, to mint tokens in tests).
pub use jsonwebtoken;
pub use jwt::{JwtError, JwtParser};
pub use manager::{IdentityProvider, IdentityToken, TokenManager, TokenManagerConfig};
pub use secret::Secret;
pub use streaming::{
    CredentialsSender, CredentialsUpdate, CredentialsWatch, StreamingCredentialProvider,
    StreamingCredentials,
};
pub use token::Token;

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
///
/// Only [`credentials`](CredentialProvider::credentials) is required. A
/// provider whose credentials change while connections are open (rotating
/// tokens) also answers [`subscribe`](CredentialProvider::subscribe), so
/// that live connections can re-authenticate.
pub trait CredentialProvider: Clone + Send + Sync + 'static {
    /// The credentials to use now; `None` to skip authentication. May wait
    /// (for a first token, for instance).
    fn credentials(&self) -> impl Future<Output = Result<Option<Credentials>>> + Send;

    /// The credentials to use now, without waiting: `None` when the
    /// provider cannot tell without waiting (ask
    /// [`credentials`](CredentialProvider::credentials) then), otherwise
    /// what `credentials` would return. The default is `None`.
    fn current(&self) -> Option<Result<Option<Credentials>>> {
        None
    }

    /// A subscription to the changes of the credentials, for providers
    /// whose credentials change while connections are open. The default,
    /// for providers whose credentials never change, is `None`.
    fn subscribe(&self) -> Option<CredentialsWatch> {
        None
    }
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

    fn current(&self) -> Option<Result<Option<Credentials>>> {
        Some(Ok(self.0.clone()))
    }
}

/// The credential generation a handshake starting now will use: the current
/// one, or the first (1) when nothing was published yet, since the handshake
/// waits for it. `0` for providers whose credentials never change. A change
/// during the handshake shows up as a higher generation afterwards.
pub(crate) fn handshake_generation(watch: Option<&CredentialsWatch>) -> u64 {
    watch.map_or(0, |w| w.generation().max(1))
}
