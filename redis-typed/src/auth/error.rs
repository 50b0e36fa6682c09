//! [`AuthError`]: why credentials could not be had.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::jwt::JwtError;
use crate::error::Error;

/// The error an identity provider returns: any error type, boxed.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why a credential provider has no usable credentials.
///
/// Cloneable (one failure is told to every listener and every waiting
/// connection) and free of secrets: no variant holds a token or password,
/// and the identity provider's own error is shown as it displays itself.
///
/// It converts into the crate's [`Error`] so that a handshake or a
/// re-authentication fails with it; [`AuthError::find`] gets it back.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuthError {
    /// The identity provider failed to supply a token.
    Provider(Arc<dyn StdError + Send + Sync + 'static>),
    /// The identity provider did not answer within
    /// [`TokenManagerConfig::fetch_timeout`](super::TokenManagerConfig::fetch_timeout).
    ProviderTimeout(Duration),
    /// The identity provider supplied a token that cannot be used: not a
    /// JWT, a required claim missing, a bad signature, already expired.
    InvalidToken(JwtError),
    /// No token was ever obtained: every attempt of the first refresh
    /// failed. `last` is the last attempt's failure.
    Unavailable {
        /// Attempts made.
        attempts: u32,
        /// The last attempt's failure.
        last: Box<AuthError>,
    },
    /// The token expired before a new one could be obtained. Refreshing
    /// goes on in the background; the credentials recover when it succeeds.
    Expired {
        /// When the token expired.
        expired_at: SystemTime,
        /// The failure of the last refresh attempt, if one was made.
        last: Option<Box<AuthError>>,
    },
    /// The source of the credentials is gone (its token manager or
    /// [`CredentialsSender`](super::CredentialsSender) was dropped) and no
    /// credentials were ever published.
    Stopped,
}

impl AuthError {
    /// Wraps an identity provider's error.
    pub fn provider(error: impl Into<BoxError>) -> Self {
        AuthError::Provider(Arc::from(error.into()))
    }

    /// True when a token expired without a replacement.
    pub fn is_expired(&self) -> bool {
        matches!(self, AuthError::Expired { .. })
    }

    /// The [`AuthError`] inside a crate [`Error`], if it is one.
    pub fn find(error: &Error) -> Option<&AuthError> {
        match error {
            Error::Auth(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Provider(e) => write!(f, "identity provider failed: {e}"),
            AuthError::ProviderTimeout(d) => {
                write!(f, "identity provider did not answer within {d:?}")
            }
            AuthError::InvalidToken(e) => write!(f, "invalid token: {e}"),
            AuthError::Unavailable { attempts, last } => write!(
                f,
                "no authentication token could be obtained ({attempts} attempts failed; last: {last})"
            ),
            AuthError::Expired { expired_at, last } => {
                f.write_str("authentication token expired")?;
                if let Ok(ago) = SystemTime::now().duration_since(*expired_at) {
                    write!(f, " {}s ago", ago.as_secs())?;
                }
                f.write_str(" and could not be refreshed")?;
                match last {
                    Some(last) => write!(f, " (last attempt: {last})"),
                    None => Ok(()),
                }
            }
            AuthError::Stopped => f.write_str("the credentials source has stopped"),
        }
    }
}

impl StdError for AuthError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            AuthError::Provider(e) => Some(e.as_ref()),
            AuthError::InvalidToken(e) => Some(e),
            AuthError::Unavailable { last, .. } => Some(last.as_ref()),
            AuthError::Expired { last, .. } => last.as_deref().map(|e| e as _),
            AuthError::ProviderTimeout(_) | AuthError::Stopped => None,
        }
    }
}

impl From<JwtError> for AuthError {
    fn from(e: JwtError) -> Self {
        AuthError::InvalidToken(e)
    }
}
