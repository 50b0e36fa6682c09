//! Reading JWT access tokens: [`JwtParser`] and [`JwtError`].
//!
//! A JWT is three base64url segments, `header.claims.signature`. The client
//! needs three claims: `exp` (when the token expires, seconds since the
//! epoch), `iat` (when it was issued) and a user claim (the Redis user
//! name: `oid` for Entra ID). Decoding is done by [`jsonwebtoken`]; the
//! signature is checked only when a key is supplied ([`JwtParser::verify_with`]):
//! the server is the one that must trust the token, the client only reads
//! its dates.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_core::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::token::Token;

/// Why a JWT was rejected. Never contains the token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtError {
    /// Not a JWT: not three base64url segments separated by `.`, or a
    /// segment that is not base64url or not JSON.
    Malformed(String),
    /// A claim the client needs (`exp`) is missing.
    MissingClaim(String),
    /// A claim has the wrong type or an impossible value.
    InvalidClaim {
        /// The claim.
        claim: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The signature was checked and rejected: it does not match the key,
    /// the algorithm is not allowed, the key is unusable, or a check of
    /// the supplied `Validation` (issuer, audience...) failed.
    Verification(String),
    /// The token has already expired (also used for opaque tokens
    /// delivered past their expiry).
    Expired {
        /// Its `exp`.
        expired_at: SystemTime,
    },
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::Malformed(why) => write!(f, "malformed JWT: {why}"),
            JwtError::MissingClaim(claim) => write!(f, "the JWT has no `{claim}` claim"),
            JwtError::InvalidClaim { claim, reason } => {
                write!(f, "the JWT's `{claim}` claim {reason}")
            }
            JwtError::Verification(why) => write!(f, "JWT verification failed: {why}"),
            JwtError::Expired { expired_at } => {
                f.write_str("the token has expired")?;
                if let Ok(ago) = SystemTime::now().duration_since(*expired_at) {
                    write!(f, " ({}s ago)", ago.as_secs())?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for JwtError {}

/// Reads JWTs into [`Token`]s: which claim names the user, and whether
/// (and with which key) to verify the signature.
///
/// ```
/// use redis_typed::auth::JwtParser;
/// use redis_typed::auth::jsonwebtoken::{Algorithm, DecodingKey};
///
/// // Entra ID: the user is the `oid` claim (the default); no verification.
/// let parser = JwtParser::new();
/// // A token minted by your own issuer, checked with its key.
/// let parser = JwtParser::new()
///     .user_claim("sub")
///     .verify_with(DecodingKey::from_secret(b"signing key"), Algorithm::HS256);
/// assert!(parser.parse("not.a-jwt").is_err());
/// ```
#[derive(Clone)]
pub struct JwtParser {
    user_claim: String,
    verification: Option<Arc<(DecodingKey, Validation)>>,
}

impl Default for JwtParser {
    fn default() -> Self {
        JwtParser {
            user_claim: "oid".to_string(),
            verification: None,
        }
    }
}

impl fmt::Debug for JwtParser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key is left out: for HMAC it is the shared secret.
        f.debug_struct("JwtParser")
            .field("user_claim", &self.user_claim)
            .field(
                "verify_algorithms",
                &self.verification.as_ref().map(|v| &v.1.algorithms),
            )
            .finish()
    }
}

impl JwtParser {
    /// Reads `exp`, `iat` and the `oid` claim; verifies nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The claim whose (string) value is the Redis user name. Default
    /// `oid` (the object id, which Entra ID uses as the user name). A
    /// token without it authenticates as the user configured on the
    /// token manager, or the `default` user.
    pub fn user_claim(mut self, claim: impl Into<String>) -> Self {
        self.user_claim = claim.into();
        self
    }

    /// Verifies the signature with `key`, accepting only `algorithm`. Only
    /// the signature is checked (not `aud`, `iss` or `nbf`); the parser
    /// checks `exp` itself. For more checks use
    /// [`JwtParser::verify_with_validation`].
    ///
    /// Verification uses `jsonwebtoken`'s pure-Rust (`rust_crypto`)
    /// backend. If your build also enables its `aws_lc_rs` feature, choose
    /// one with `jsonwebtoken::crypto::CryptoProvider::install_default`
    /// before the first verification.
    pub fn verify_with(self, key: DecodingKey, algorithm: Algorithm) -> Self {
        let mut validation = Validation::new(algorithm);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        validation.validate_aud = false;
        self.verify_with_validation(key, validation)
    }

    /// Verifies the signature with `key` and applies `validation` (its
    /// algorithms, issuer, audience, leeway...).
    pub fn verify_with_validation(mut self, key: DecodingKey, validation: Validation) -> Self {
        self.verification = Some(Arc::new((key, validation)));
        self
    }

    /// True when signatures are verified.
    pub fn verifies_signature(&self) -> bool {
        self.verification.is_some()
    }

    /// Reads `jwt` into a [`Token`] (the whole JWT is its value). Fails if
    /// it is not a JWT, the signature check fails, `exp` is missing or not
    /// a number, or the token has already expired.
    pub fn parse(&self, jwt: &str) -> Result<Token, JwtError> {
        self.parse_at(jwt, SystemTime::now())
    }

    pub(crate) fn parse_at(&self, jwt: &str, now: SystemTime) -> Result<Token, JwtError> {
        check_shape(jwt)?;
        let mut claims: HashMap<String, Claim> = match &self.verification {
            None => jsonwebtoken::dangerous::insecure_decode_claims(jwt).map_err(map_error)?,
            Some(v) => {
                jsonwebtoken::decode(jwt, &v.0, &v.1)
                    .map_err(map_error)?
                    .claims
            }
        };
        let expires_at = match claims.remove("exp") {
            None => return Err(JwtError::MissingClaim("exp".into())),
            Some(c) => numeric_date("exp", c)?,
        };
        let issued_at = match claims.remove("iat") {
            None => now,
            Some(c) => numeric_date("iat", c)?,
        };
        if issued_at > expires_at {
            return Err(JwtError::InvalidClaim {
                claim: "iat".into(),
                reason: "is later than `exp`".into(),
            });
        }
        let user = match claims.remove(&self.user_claim) {
            None => None,
            Some(Claim::Text(user)) => Some(user),
            Some(_) => {
                return Err(JwtError::InvalidClaim {
                    claim: self.user_claim.clone(),
                    reason: "is not a string".into(),
                })
            }
        };
        if expires_at <= now {
            return Err(JwtError::Expired {
                expired_at: expires_at,
            });
        }
        Ok(Token::new(jwt, expires_at)
            .with_issued_at(issued_at)
            .with_user_opt(user))
    }
}

/// A first check that names the problem better than "InvalidToken".
fn check_shape(jwt: &str) -> Result<(), JwtError> {
    let segments = jwt.split('.').count();
    if segments != 3 {
        return Err(JwtError::Malformed(format!(
            "expected three base64url segments separated by '.', found {segments}"
        )));
    }
    if jwt.split('.').take(2).any(str::is_empty) {
        return Err(JwtError::Malformed(
            "the header or claims segment is empty".into(),
        ));
    }
    Ok(())
}

fn map_error(e: jsonwebtoken::errors::Error) -> JwtError {
    use JwtError::{Malformed, Verification};
    match e.kind() {
        ErrorKind::InvalidToken => Malformed("not a JWT".into()),
        ErrorKind::Base64(e) => Malformed(format!("a segment is not base64url ({e})")),
        ErrorKind::Json(e) => Malformed(format!("the header or claims are not JSON ({e})")),
        ErrorKind::Utf8(_) => Malformed("a segment is not UTF-8".into()),
        ErrorKind::MissingRequiredClaim(c) => JwtError::MissingClaim(c.clone()),
        ErrorKind::InvalidClaimFormat(c) => JwtError::InvalidClaim {
            claim: c.clone(),
            reason: "has the wrong format".into(),
        },
        ErrorKind::InvalidSignature => Verification("the signature does not match the key".into()),
        ErrorKind::InvalidAlgorithm => {
            Verification("the token's algorithm is not allowed or does not fit the key".into())
        }
        ErrorKind::ExpiredSignature => Verification("the token has expired".into()),
        ErrorKind::ImmatureSignature => Verification("the token is not valid yet (nbf)".into()),
        ErrorKind::InvalidIssuer => Verification("the issuer is not accepted".into()),
        ErrorKind::InvalidAudience => Verification("the audience is not accepted".into()),
        ErrorKind::InvalidSubject => Verification("the subject is not accepted".into()),
        _ => Verification(e.to_string()),
    }
}

/// A JWT NumericDate (seconds since the epoch, possibly fractional).
fn numeric_date(name: &str, claim: Claim) -> Result<SystemTime, JwtError> {
    let invalid = |reason: &str| JwtError::InvalidClaim {
        claim: name.to_string(),
        reason: reason.to_string(),
    };
    let secs = match claim {
        Claim::Number(n) => n,
        _ => return Err(invalid("is not a number of seconds")),
    };
    if !secs.is_finite() || secs < 0.0 {
        return Err(invalid("is not a valid time"));
    }
    Duration::try_from_secs_f64(secs)
        .ok()
        .and_then(|d| UNIX_EPOCH.checked_add(d))
        .ok_or_else(|| invalid("is out of range"))
}

/// One claim's value, as far as the client cares.
enum Claim {
    Number(f64),
    Text(String),
    Other,
}

impl<'de> Deserialize<'de> for Claim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ClaimVisitor)
    }
}

struct ClaimVisitor;

impl<'de> Visitor<'de> for ClaimVisitor {
    type Value = Claim;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Claim, E> {
        Ok(Claim::Other)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Claim, E> {
        Ok(Claim::Number(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Claim, E> {
        Ok(Claim::Number(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Claim, E> {
        Ok(Claim::Number(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Claim, E> {
        Ok(Claim::Text(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Claim, E> {
        Ok(Claim::Text(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Claim, E> {
        Ok(Claim::Other)
    }

    fn visit_none<E: de::Error>(self) -> Result<Claim, E> {
        Ok(Claim::Other)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Claim, D::Error> {
        Claim::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Claim, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Claim::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Claim, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Claim::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{encode, EncodingKey, Header};
    use serde_json::json;

    const KEY: &[u8] = b"a test signing key of some length";

    fn unix(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn hs256(claims: serde_json::Value) -> String {
        encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(KEY),
        )
        .unwrap()
    }

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn reads_exp_iat_and_user_without_verification() {
        let jwt = hs256(json!({"exp": NOW + 60, "iat": NOW - 10, "oid": "app-1", "aud": "x"}));
        let token = JwtParser::new().parse_at(&jwt, unix(NOW)).unwrap();
        assert_eq!(token.expires_at(), unix(NOW + 60));
        assert_eq!(token.issued_at(), unix(NOW - 10));
        assert_eq!(token.user(), Some("app-1"));
        assert_eq!(token.value().expose(), jwt);
        assert_eq!(token.lifetime(), Duration::from_secs(70));
    }

    #[test]
    fn verifies_hs256_with_the_right_key_only() {
        let jwt = hs256(json!({"exp": NOW + 60, "sub": "svc"}));
        let good = JwtParser::new()
            .user_claim("sub")
            .verify_with(DecodingKey::from_secret(KEY), Algorithm::HS256);
        let token = good.parse_at(&jwt, unix(NOW)).unwrap();
        assert_eq!(token.user(), Some("svc"));
        // Without iat, the token is taken as issued now.
        assert_eq!(token.issued_at(), unix(NOW));

        let wrong_key = JwtParser::new()
            .verify_with(DecodingKey::from_secret(b"another key"), Algorithm::HS256);
        let err = wrong_key.parse_at(&jwt, unix(NOW)).unwrap_err();
        assert!(matches!(err, JwtError::Verification(_)), "{err:?}");
        assert!(err.to_string().contains("signature"), "{err}");

        let wrong_alg =
            JwtParser::new().verify_with(DecodingKey::from_secret(KEY), Algorithm::HS512);
        let err = wrong_alg.parse_at(&jwt, unix(NOW)).unwrap_err();
        assert!(matches!(err, JwtError::Verification(_)), "{err:?}");

        // A tampered claims segment fails verification but parses unverified.
        let mut parts: Vec<&str> = jwt.split('.').collect();
        let forged = hs256(json!({"exp": NOW + 6000, "sub": "admin"}));
        parts[1] = forged.split('.').nth(1).unwrap();
        let tampered = parts.join(".");
        assert!(good.parse_at(&tampered, unix(NOW)).is_err());
        assert!(JwtParser::new().parse_at(&tampered, unix(NOW)).is_ok());
    }

    #[test]
    fn expired_token_is_rejected() {
        let jwt = hs256(json!({"exp": NOW - 1, "iat": NOW - 100}));
        let err = JwtParser::new().parse_at(&jwt, unix(NOW)).unwrap_err();
        assert_eq!(
            err,
            JwtError::Expired {
                expired_at: unix(NOW - 1)
            }
        );
        assert!(
            err.to_string().starts_with("the token has expired"),
            "{err}"
        );
        // Exactly at exp is expired too.
        let jwt = hs256(json!({"exp": NOW}));
        assert!(matches!(
            JwtParser::new().parse_at(&jwt, unix(NOW)),
            Err(JwtError::Expired { .. })
        ));
    }

    #[test]
    fn missing_or_bad_claims_are_named() {
        let parser = JwtParser::new();
        let err = parser
            .parse_at(&hs256(json!({"iat": NOW})), unix(NOW))
            .unwrap_err();
        assert_eq!(err, JwtError::MissingClaim("exp".into()));
        assert_eq!(err.to_string(), "the JWT has no `exp` claim");

        let err = parser
            .parse_at(&hs256(json!({"exp": "tomorrow"})), unix(NOW))
            .unwrap_err();
        assert!(
            matches!(&err, JwtError::InvalidClaim { claim, .. } if claim == "exp"),
            "{err:?}"
        );

        let err = parser
            .parse_at(&hs256(json!({"exp": NOW + 10, "oid": 42})), unix(NOW))
            .unwrap_err();
        assert!(
            matches!(&err, JwtError::InvalidClaim { claim, .. } if claim == "oid"),
            "{err:?}"
        );

        let err = parser
            .parse_at(&hs256(json!({"exp": NOW + 10, "iat": NOW + 20})), unix(NOW))
            .unwrap_err();
        assert!(
            matches!(&err, JwtError::InvalidClaim { claim, .. } if claim == "iat"),
            "{err:?}"
        );

        // Fractional dates and unrelated claims of any type are fine.
        let jwt = hs256(json!({"exp": NOW as f64 + 10.5, "roles": ["a", {"b": null}], "x": true}));
        let token = parser.parse_at(&jwt, unix(NOW)).unwrap();
        assert_eq!(
            token.expires_at(),
            unix(NOW + 10) + Duration::from_millis(500)
        );
        assert_eq!(token.user(), None);
    }

    #[test]
    fn malformed_tokens_get_clear_errors() {
        let parser = JwtParser::new();
        for (input, expect) in [
            ("", "found 1"),
            ("opaque-token-value", "found 1"),
            ("a.b", "found 2"),
            ("a.b.c.d", "found 4"),
            (".b.c", "segment is empty"),
            ("a..c", "segment is empty"),
            ("!!!.???.sig", "not base64url"),
            ("eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.sig", "not JSON"),
        ] {
            let err = parser.parse_at(input, unix(NOW)).unwrap_err();
            assert!(matches!(err, JwtError::Malformed(_)), "{input}: {err:?}");
            let msg = err.to_string();
            assert!(msg.starts_with("malformed JWT: "), "{input}: {msg}");
            assert!(msg.contains(expect), "{input}: {msg}");
        }
    }

    #[test]
    fn errors_and_debug_never_show_the_token_or_key() {
        let jwt = hs256(json!({"exp": NOW - 5, "oid": "u"}));
        let err = JwtParser::new().parse_at(&jwt, unix(NOW)).unwrap_err();
        let signature = jwt.rsplit('.').next().unwrap();
        assert!(!err.to_string().contains(signature));
        assert!(!format!("{err:?}").contains(signature));

        let token = JwtParser::new()
            .parse_at(&hs256(json!({"exp": NOW + 5})), unix(NOW))
            .unwrap();
        let shown = format!("{token:?}");
        assert!(shown.contains("<redacted>"), "{shown}");
        assert!(!shown.contains("eyJ"), "{shown}");

        let parser = JwtParser::new().verify_with(DecodingKey::from_secret(KEY), Algorithm::HS256);
        let shown = format!("{parser:?}");
        assert!(!shown.contains("signing key"), "{shown}");
        assert!(shown.contains("HS256"), "{shown}");
    }
}
