//! [`Token`]: a short-lived password with a known expiry.

use std::time::{Duration, SystemTime};

use super::jwt::{JwtError, JwtParser};
use super::{Credentials, Secret};

/// An access token used as the `AUTH` password: its value, who it names,
/// and when it was issued and expires.
///
/// Read one from a JWT with [`Token::from_jwt`] (or a configured
/// [`JwtParser`]), or build an opaque one whose expiry you know from
/// elsewhere with [`Token::new`]. The value is a [`Secret`]: `Debug`
/// never shows it.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use redis_typed::auth::Token;
///
/// let token = Token::new("opaque-token", SystemTime::now() + Duration::from_secs(3600))
///     .with_user("app");
/// assert_eq!(token.user(), Some("app"));
/// assert!(!format!("{token:?}").contains("opaque-token"));
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Token {
    value: Secret,
    user: Option<String>,
    issued_at: SystemTime,
    expires_at: SystemTime,
}

impl Token {
    /// An opaque (non-JWT) token that expires at `expires_at`, issued now,
    /// naming no user.
    pub fn new(value: impl Into<Secret>, expires_at: SystemTime) -> Self {
        Token {
            value: value.into(),
            user: None,
            issued_at: SystemTime::now(),
            expires_at,
        }
    }

    /// Reads a JWT without verifying its signature: `exp` (required),
    /// `iat` (optional; now when absent) and the `oid` claim as the user.
    /// Use a [`JwtParser`] to choose the user claim or verify the signature.
    pub fn from_jwt(jwt: &str) -> Result<Self, JwtError> {
        JwtParser::new().parse(jwt)
    }

    /// Sets the user the token authenticates (the `AUTH` user name).
    pub fn with_user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Sets when the token was issued (the start of its life, from which
    /// the refresh point is computed).
    pub fn with_issued_at(mut self, issued_at: SystemTime) -> Self {
        self.issued_at = issued_at;
        self
    }

    pub(crate) fn with_user_opt(mut self, user: Option<String>) -> Self {
        self.user = user;
        self
    }

    /// The token itself, to send as the password.
    pub fn value(&self) -> &Secret {
        &self.value
    }

    /// The user the token names, if any.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// When the token was issued.
    pub fn issued_at(&self) -> SystemTime {
        self.issued_at
    }

    /// When the token expires.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// Its whole life, from issue to expiry (zero if it expires before it
    /// was issued).
    pub fn lifetime(&self) -> Duration {
        self.expires_at
            .duration_since(self.issued_at)
            .unwrap_or_default()
    }

    /// Time left before expiry at `now` (zero once expired).
    pub fn remaining_at(&self, now: SystemTime) -> Duration {
        self.expires_at.duration_since(now).unwrap_or_default()
    }

    /// True when the token has expired by the system clock.
    pub fn is_expired(&self) -> bool {
        self.remaining_at(SystemTime::now()).is_zero()
    }

    /// The credentials this token stands for: its user (or the `default`
    /// user when it names none) and the token as the password.
    pub fn credentials(&self) -> Credentials {
        Credentials {
            username: self.user.clone(),
            password: self.value.clone(),
        }
    }
}
