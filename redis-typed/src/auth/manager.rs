//! [`TokenManager`]: keeps a short-lived token fresh.
//!
//! One background task per manager fetches a token from the user's
//! [`IdentityProvider`], publishes its credentials, sleeps until the
//! token's refresh point, and starts again:
//!
//! ```text
//! fetch ─ok─> publish ─ sleep to ratio × life (≤ expiry − lower_bound) ─> fetch
//!   └─the token in use again (a cached one)─> no publication; next at ratio × time left
//!   └─err─> event; retry after initial_delay, 2×, 4×... (≤ max_delay), max_attempts per round
//!           round failed: keep the token, next round at ratio × time left (≥ max_delay)
//!           token expired meanwhile: publish AuthError::Expired (never a lapsed token)
//! ```

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use tokio::sync::Notify;
use tokio::task::{AbortHandle, JoinHandle};
use tokio::time::{sleep_until, Instant};

use super::error::BoxError;
use super::schedule::{backoff, next_round_delay, refresh_delay};
use super::streaming::{CredentialsSender, Source, StreamingCredentials};
use super::{
    AuthError, CredentialsWatch, JwtError, JwtParser, Secret, StreamingCredentialProvider, Token,
};
use crate::error::{Error, Result};
use crate::events::{Event, EventDispatcher};

/// The user's code that obtains a token: from Entra ID, AWS IAM, a
/// vault... Closures `Fn() -> impl Future<Output = Result<IdentityToken,
/// BoxError>>` are identity providers.
///
/// The manager calls it from its own task, one call at a time, bounded by
/// [`TokenManagerConfig::fetch_timeout`]. An error (or a panic) is one
/// failed attempt: it is reported and retried.
pub trait IdentityProvider: Send + Sync + 'static {
    /// Fetches a new token.
    fn fetch(&self) -> impl Future<Output = std::result::Result<IdentityToken, BoxError>> + Send;
}

impl<F, Fut> IdentityProvider for F
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = std::result::Result<IdentityToken, BoxError>> + Send,
{
    fn fetch(&self) -> impl Future<Output = std::result::Result<IdentityToken, BoxError>> + Send {
        self()
    }
}

/// What an [`IdentityProvider`] hands over.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum IdentityToken {
    /// A JWT, read by the manager's [`JwtParser`] (`exp`, `iat`, the user
    /// claim; the signature if a key was given).
    Jwt(Secret),
    /// A token whose expiry is known otherwise (opaque tokens).
    Token(Token),
}

impl IdentityToken {
    /// A JWT.
    pub fn jwt(jwt: impl Into<Secret>) -> Self {
        IdentityToken::Jwt(jwt.into())
    }
}

impl From<Token> for IdentityToken {
    fn from(token: Token) -> Self {
        IdentityToken::Token(token)
    }
}

/// How a [`TokenManager`] schedules refreshes and retries. Every field has
/// a default; set the ones you need with the chained setters.
///
/// ```
/// use std::time::Duration;
/// use redis_typed::auth::TokenManagerConfig;
///
/// let config = TokenManagerConfig::default()
///     .refresh_ratio(0.7)
///     .lower_bound(Duration::from_secs(300))
///     .max_attempts(5);
/// assert_eq!(config.refresh_ratio, 0.7);
/// ```
#[derive(Clone, Debug)]
pub struct TokenManagerConfig {
    /// The share of a token's life (from `iat` to `exp`) after which it is
    /// refreshed, in `(0, 1]`. Default 0.8.
    pub refresh_ratio: f64,
    /// A token is refreshed at the latest this long before it expires,
    /// whatever the ratio says. Default zero (the ratio alone decides). A
    /// bound longer than the tokens' life makes every token due at once.
    pub lower_bound: Duration,
    /// Attempts per refresh round (the first one included), at least 1.
    /// Default 3.
    pub max_attempts: u32,
    /// The wait before the first retry of a round; it doubles with each
    /// further retry. Default 100 ms.
    pub initial_delay: Duration,
    /// The longest wait between attempts, and the shortest between two
    /// rounds. Default 5 s.
    pub max_delay: Duration,
    /// How long one fetch may take before it counts as failed. Default 10 s.
    pub fetch_timeout: Duration,
    /// How JWTs are read. Default: the `oid` claim is the user, no
    /// signature verification.
    pub jwt: JwtParser,
    /// The user to authenticate as, whatever the token says. Default
    /// `None`: the token's user (the `default` user if it names none).
    pub username: Option<String>,
}

impl Default for TokenManagerConfig {
    fn default() -> Self {
        TokenManagerConfig {
            refresh_ratio: 0.8,
            lower_bound: Duration::ZERO,
            max_attempts: 3,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            fetch_timeout: Duration::from_secs(10),
            jwt: JwtParser::new(),
            username: None,
        }
    }
}

impl TokenManagerConfig {
    /// Sets [`refresh_ratio`](Self::refresh_ratio).
    pub fn refresh_ratio(mut self, ratio: f64) -> Self {
        self.refresh_ratio = ratio;
        self
    }

    /// Sets [`lower_bound`](Self::lower_bound).
    pub fn lower_bound(mut self, lower_bound: Duration) -> Self {
        self.lower_bound = lower_bound;
        self
    }

    /// Sets [`max_attempts`](Self::max_attempts).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts;
        self
    }

    /// Sets [`initial_delay`](Self::initial_delay) and
    /// [`max_delay`](Self::max_delay).
    pub fn backoff(mut self, initial_delay: Duration, max_delay: Duration) -> Self {
        self.initial_delay = initial_delay;
        self.max_delay = max_delay;
        self
    }

    /// Sets [`fetch_timeout`](Self::fetch_timeout).
    pub fn fetch_timeout(mut self, timeout: Duration) -> Self {
        self.fetch_timeout = timeout;
        self
    }

    /// Sets how JWTs are read ([`jwt`](Self::jwt)).
    pub fn jwt(mut self, parser: JwtParser) -> Self {
        self.jwt = parser;
        self
    }

    /// Sets [`username`](Self::username).
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    fn validate(&self) -> Result<()> {
        let bad = |why: &str| Err(Error::Config(format!("token manager: {why}")));
        if !(self.refresh_ratio > 0.0 && self.refresh_ratio <= 1.0) {
            return bad("refresh_ratio must be in (0, 1]");
        }
        if self.max_attempts == 0 {
            return bad("max_attempts must be at least 1");
        }
        if self.max_delay.is_zero() {
            return bad("max_delay must be positive");
        }
        if self.initial_delay > self.max_delay {
            return bad("initial_delay cannot exceed max_delay");
        }
        if self.fetch_timeout.is_zero() {
            return bad("fetch_timeout must be positive");
        }
        Ok(())
    }
}

/// Keeps a token from an [`IdentityProvider`] fresh and publishes its
/// credentials to every connection that uses
/// [`credential_provider`](TokenManager::credential_provider).
///
/// - The first token is fetched when the manager starts: at the first
///   call of [`start`](TokenManager::start), [`token`](TokenManager::token)
///   or the provider's `credentials()` (a handshake).
/// - Each token is refreshed at [`refresh_ratio`](TokenManagerConfig::refresh_ratio)
///   of its life, and no later than [`lower_bound`](TokenManagerConfig::lower_bound)
///   before it expires.
/// - A failed fetch is retried with exponential backoff, up to
///   [`max_attempts`](TokenManagerConfig::max_attempts) per round. After a
///   failed round the current token stays in use while it is valid, and
///   the next round comes at the same ratio of the time left (at least
///   [`max_delay`](TokenManagerConfig::max_delay) later).
/// - Every new token ([`Event::CredentialsRefreshed`]) and every failure
///   ([`Event::CredentialsRefreshFailed`]) is told to the listeners of
///   [`events`](TokenManager::events).
/// - A token that expires without a replacement is never handed out: the
///   provider answers [`AuthError::Expired`] (and listeners hear it) until
///   a fetch succeeds again.
///
/// Clones share the manager; it stops when the last clone and the last
/// provider or watch it gave out are dropped.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use redis_typed::auth::{
///     BoxError, CredentialProvider, IdentityToken, Token, TokenManager, TokenManagerConfig,
/// };
/// use redis_typed::events::Event;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> redis_typed::Result<()> {
/// // Your code that obtains a token (here: an opaque one, valid an hour).
/// let identity = || async {
///     let expires = SystemTime::now() + Duration::from_secs(3600);
///     Ok::<_, BoxError>(IdentityToken::from(Token::new("t0k3n", expires).with_user("app")))
/// };
/// let manager = TokenManager::new(identity, TokenManagerConfig::default())?;
/// manager.events().add_listener(|event: &Event<'_>| {
///     if let Event::CredentialsRefreshFailed { error, .. } = event {
///         eprintln!("token refresh failed: {error}");
///     }
/// });
///
/// // Hand this to a client or pool: every handshake authenticates with the
/// // current token, and live connections re-authenticate when it changes.
/// let provider = manager.credential_provider();
/// let credentials = provider.credentials().await?.expect("a token");
/// assert_eq!(credentials.username.as_deref(), Some("app"));
/// assert_eq!(credentials.password.expose(), "t0k3n");
/// # Ok(()) }
/// ```
///
/// With a client (the provider type is a parameter of `Client`):
///
/// ```no_run
/// # use redis_typed::auth::{TokenManager, IdentityProvider};
/// # async fn demo(manager: TokenManager<impl IdentityProvider>) -> redis_typed::Result<()> {
/// use redis_typed::{Client, ConnectionConfig, transport::DefaultTransport};
///
/// let config = ConnectionConfig::from_url("redis://cache.example.net:6379")?;
/// let client = Client::connect_with(config, DefaultTransport, manager.credential_provider()).await?;
/// # Ok(()) }
/// ```
pub struct TokenManager<P> {
    handle: Arc<Handle<P>>,
}

impl<P> Clone for TokenManager<P> {
    fn clone(&self) -> Self {
        TokenManager {
            handle: self.handle.clone(),
        }
    }
}

impl<P> fmt::Debug for TokenManager<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let core = &self.handle.core;
        f.debug_struct("TokenManager")
            .field("config", &core.config)
            .field("generation", &core.sender.generation())
            .field("token", &*lock(&core.token))
            .finish_non_exhaustive()
    }
}

impl<P: IdentityProvider> TokenManager<P> {
    /// A manager of tokens from `provider`, reporting to a dispatcher of
    /// its own ([`events`](Self::events)). Fails on an invalid
    /// configuration. Fetches nothing yet.
    pub fn new(provider: P, config: TokenManagerConfig) -> Result<Self> {
        Self::with_events(provider, config, EventDispatcher::new())
    }

    /// A manager reporting to `events`, a dispatcher shared with the
    /// client and pool that use its credentials.
    pub fn with_events(
        provider: P,
        config: TokenManagerConfig,
        events: EventDispatcher,
    ) -> Result<Self> {
        config.validate()?;
        let (sender, _) = StreamingCredentials::channel();
        let core = Arc::new(Core {
            provider,
            config,
            sender: sender.with_events(events),
            token: Mutex::new(None),
            wake: Notify::new(),
        });
        Ok(TokenManager {
            handle: Arc::new(Handle {
                core,
                task: Mutex::new(None),
            }),
        })
    }

    /// The dispatcher that hears every new token and every failure: add
    /// listeners here.
    pub fn events(&self) -> &EventDispatcher {
        self.handle.core.sender.events()
    }

    /// The configuration.
    pub fn config(&self) -> &TokenManagerConfig {
        &self.handle.core.config
    }

    /// Starts fetching, if not started yet. Outside a Tokio runtime it does
    /// nothing: the first use from inside one starts the manager.
    pub fn start(&self) {
        self.handle.start();
    }

    /// The credential provider to give a client or pool: its
    /// `credentials()` (the handshake) waits for the first token, and its
    /// watch tells live connections when to re-authenticate. It keeps the
    /// manager running.
    pub fn credential_provider(&self) -> StreamingCredentials {
        let source: Arc<dyn Source> = self.handle.clone();
        StreamingCredentials::from_source(self.handle.core.sender.receiver(), source)
    }

    /// A subscription to the credentials' changes (see
    /// [`StreamingCredentialProvider::watch`]).
    pub fn subscribe(&self) -> CredentialsWatch {
        self.credential_provider().watch()
    }

    /// The current token, waiting for the first one (starting the manager
    /// if needed). Fails when there is no valid token: the first round
    /// failed, or the token expired without a replacement.
    pub async fn token(&self) -> std::result::Result<Token, AuthError> {
        self.start();
        let mut rx = self.handle.core.sender.receiver();
        let state = rx
            .wait_for(Option::is_some)
            .await
            .map_err(|_| AuthError::Stopped)?;
        state.as_ref().expect("waited for Some").usable()?;
        drop(state);
        lock(&self.handle.core.token)
            .clone()
            .ok_or(AuthError::Stopped)
    }

    /// The last token obtained, without waiting, if there is one (it may
    /// have expired).
    pub fn last_token(&self) -> Option<Token> {
        lock(&self.handle.core.token).clone()
    }

    /// Starts a refresh round now (for instance after the server refused
    /// the token), instead of at the scheduled time.
    pub fn refresh_now(&self) {
        self.start();
        self.handle.core.wake.notify_one();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Owned by the manager's clones and by the providers it gave out; its
/// drop stops the task.
struct Handle<P> {
    core: Arc<Core<P>>,
    task: Mutex<Option<AbortHandle>>,
}

impl<P> Drop for Handle<P> {
    fn drop(&mut self) {
        if let Some(task) = self
            .task
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            task.abort();
        }
    }
}

impl<P: IdentityProvider> Source for Handle<P> {
    fn start(&self) {
        let mut task = lock(&self.task);
        // A task that ended went down with its runtime: start another.
        if task.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        *task = Some(runtime.spawn(run(self.core.clone())).abort_handle());
    }
}

/// What the task works with.
struct Core<P> {
    provider: P,
    config: TokenManagerConfig,
    sender: CredentialsSender,
    /// The last token obtained (stored before it is published).
    token: Mutex<Option<Token>>,
    /// `refresh_now`.
    wake: Notify,
}

/// A token in use, with its expiry on the monotonic clock.
struct Live {
    valid_until: Instant,
    expires_at: SystemTime,
    /// Set once its expiry has been published.
    expired: bool,
}

/// The refresh task: never returns; aborted when the manager is dropped.
async fn run<P: IdentityProvider>(core: Arc<Core<P>>) {
    let config = &core.config;
    let mut live: Option<Live> = None;
    let mut failures: u32 = 0;
    let mut round_attempts: u32 = 0;
    let mut last_error: Option<AuthError> = None;
    let mut unavailable_published = false;
    let mut next_attempt = Instant::now();
    loop {
        // Sleep until the next attempt (or a `refresh_now`), reporting an
        // expiry that comes first.
        loop {
            let expiry = live.as_ref().filter(|l| !l.expired).map(|l| l.valid_until);
            tokio::select! {
                biased;
                _ = sleep_until(expiry.unwrap_or(next_attempt)), if expiry.is_some() => {
                    core.expire(&mut live, failures, &last_error, next_attempt);
                }
                _ = sleep_until(next_attempt) => break,
                _ = core.wake.notified() => break,
            }
        }

        // Fetch, still watching the expiry.
        round_attempts += 1;
        let fetch = AbortOnDrop(tokio::spawn(fetch_token(core.clone())));
        tokio::pin!(fetch);
        let outcome = loop {
            let expiry = live.as_ref().filter(|l| !l.expired).map(|l| l.valid_until);
            tokio::select! {
                biased;
                _ = sleep_until(expiry.unwrap_or_else(Instant::now)), if expiry.is_some() => {
                    core.expire(&mut live, failures, &last_error, Instant::now());
                }
                outcome = &mut fetch => break outcome,
            }
        };

        match outcome {
            Ok(token) => {
                failures = 0;
                round_attempts = 0;
                last_error = None;
                let still_valid = live.as_ref().is_some_and(|l| !l.expired);
                if still_valid && core.is_current(&token) {
                    // The identity provider handed back the token in use
                    // (a cached one): nothing to publish, nothing for the
                    // connections to do. Ask again at the ratio of the time
                    // left, not at once (its refresh point may have passed).
                    let left = live.as_ref().map_or(Duration::ZERO, |l| {
                        l.valid_until.saturating_duration_since(Instant::now())
                    });
                    let delay = next_round_delay(
                        left,
                        config.refresh_ratio,
                        config.lower_bound,
                        config.max_delay,
                    );
                    next_attempt = Instant::now() + delay;
                    tracing::debug!(refresh_in = ?delay, "identity provider returned the current token");
                    continue;
                }
                let now = SystemTime::now();
                let valid_until = Instant::now() + token.remaining_at(now);
                let delay = refresh_delay(
                    token.issued_at(),
                    token.expires_at(),
                    now,
                    config.refresh_ratio,
                    config.lower_bound,
                );
                next_attempt = Instant::now() + delay;
                live = Some(Live {
                    valid_until,
                    expires_at: token.expires_at(),
                    expired: false,
                });
                let mut credentials = token.credentials();
                if let Some(user) = &config.username {
                    credentials.username = Some(user.clone());
                }
                *lock(&core.token) = Some(token.clone());
                let generation = core.sender.publish_token(&token, credentials, valid_until);
                tracing::debug!(
                    generation,
                    refresh_in = ?delay,
                    "token refreshed"
                );
            }
            Err(error) => {
                failures = failures.saturating_add(1);
                let now = Instant::now();
                let retry_in = if round_attempts < config.max_attempts {
                    backoff(round_attempts, config.initial_delay, config.max_delay)
                } else {
                    round_attempts = 0;
                    match live.as_ref().filter(|l| !l.expired) {
                        Some(l) => next_round_delay(
                            l.valid_until.saturating_duration_since(now),
                            config.refresh_ratio,
                            config.lower_bound,
                            config.max_delay,
                        ),
                        None => config.max_delay,
                    }
                };
                next_attempt = now + retry_in;
                tracing::warn!(%error, attempt = failures, ?retry_in, "token refresh failed");
                core.sender
                    .events()
                    .dispatch(&Event::CredentialsRefreshFailed {
                        error: &error,
                        attempt: failures,
                        retry_in: Some(retry_in),
                    });
                let round_over = round_attempts == 0;
                if round_over && live.is_none() && !unavailable_published {
                    // No token was ever obtained: waiting handshakes fail now.
                    unavailable_published = true;
                    core.sender.fail(AuthError::Unavailable {
                        attempts: failures,
                        last: Box::new(error.clone()),
                    });
                }
                last_error = Some(error);
            }
        }
    }
}

impl<P> Core<P> {
    /// True when `token` is the one in use: same value, user and expiry.
    fn is_current(&self, token: &Token) -> bool {
        lock(&self.token).as_ref().is_some_and(|current| {
            current.value() == token.value()
                && current.user() == token.user()
                && current.expires_at() == token.expires_at()
        })
    }

    /// The token in use has expired with no replacement: publish that.
    fn expire(
        &self,
        live: &mut Option<Live>,
        failures: u32,
        last_error: &Option<AuthError>,
        next_attempt: Instant,
    ) {
        let Some(l) = live.as_mut() else { return };
        l.expired = true;
        let error = AuthError::Expired {
            expired_at: l.expires_at,
            last: last_error.clone().map(Box::new),
        };
        tracing::error!(%error, "authentication token expired");
        self.sender.fail(error.clone());
        self.sender
            .events()
            .dispatch(&Event::CredentialsRefreshFailed {
                error: &error,
                attempt: failures,
                retry_in: Some(next_attempt.saturating_duration_since(Instant::now())),
            });
    }
}

/// One attempt: ask the provider (bounded by the fetch timeout), read the
/// token, reject one that is already expired.
async fn fetch_token<P: IdentityProvider>(
    core: Arc<Core<P>>,
) -> std::result::Result<Token, AuthError> {
    let config = &core.config;
    let fetched = match tokio::time::timeout(config.fetch_timeout, core.provider.fetch()).await {
        Err(_) => return Err(AuthError::ProviderTimeout(config.fetch_timeout)),
        Ok(Err(e)) => return Err(AuthError::Provider(Arc::from(e))),
        Ok(Ok(token)) => token,
    };
    match fetched {
        IdentityToken::Jwt(jwt) => Ok(config.jwt.parse(jwt.expose())?),
        IdentityToken::Token(token) if token.is_expired() => Err(JwtError::Expired {
            expired_at: token.expires_at(),
        }
        .into()),
        IdentityToken::Token(token) => Ok(token),
    }
}

/// The fetch runs as a task of its own so that a panicking provider is one
/// failed attempt, not the end of refreshing; dropping this aborts it.
struct AbortOnDrop(JoinHandle<std::result::Result<Token, AuthError>>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Future for AbortOnDrop {
    type Output = std::result::Result<Token, AuthError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx).map(|joined| {
            joined.unwrap_or_else(|e| {
                let why = if e.is_panic() {
                    "the identity provider panicked"
                } else {
                    "the fetch was cancelled"
                };
                Err(AuthError::provider(why))
            })
        })
    }
}
