//! Credentials that change while connections are open.
//!
//! A [`StreamingCredentialProvider`] publishes every change (new
//! credentials, or a failure) to subscribers through a
//! [`CredentialsWatch`]. Each change carries a *generation*, a number that
//! grows by one per change, so a connection can record which credentials
//! it authenticated with and tell when it is behind.
//!
//! [`StreamingCredentials`] is the implementation: fed by a
//! [`TokenManager`](super::TokenManager), or by hand through a
//! [`CredentialsSender`] (for any other rotating secret).

use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::watch;
use tokio::time::Instant;

use super::{AuthError, CredentialProvider, Credentials, Token};
use crate::error::{Error, Result};
use crate::events::{Event, EventDispatcher};

/// A [`CredentialProvider`] whose credentials change over time and that
/// tells subscribers each time they do.
///
/// The client and the pool only see [`CredentialProvider`], so an
/// implementation must also return `Some(self.watch())` from
/// [`CredentialProvider::subscribe`] (as [`StreamingCredentials`] does).
pub trait StreamingCredentialProvider: CredentialProvider {
    /// A subscription to the changes, starting from the credentials of now
    /// (already marked as seen).
    fn watch(&self) -> CredentialsWatch;
}

/// One published state of a streaming provider.
#[derive(Clone, Debug)]
pub struct CredentialsUpdate {
    /// Grows by one with each change; the first published state is 1.
    pub generation: u64,
    /// The credentials to authenticate with, or why there are none.
    pub credentials: std::result::Result<Credentials, AuthError>,
    /// When the credentials expire, if they do.
    pub expires_at: Option<SystemTime>,
    /// The same expiry on the monotonic clock (immune to clock changes).
    valid_until: Option<Instant>,
}

impl CredentialsUpdate {
    /// The credentials if they are usable now: not a failure, not lapsed.
    pub fn usable(&self) -> std::result::Result<&Credentials, AuthError> {
        match &self.credentials {
            Err(e) => Err(e.clone()),
            Ok(_) if self.valid_until.is_some_and(|t| Instant::now() >= t) => {
                Err(AuthError::Expired {
                    expired_at: self.expires_at.unwrap_or_else(SystemTime::now),
                    last: None,
                })
            }
            Ok(c) => Ok(c),
        }
    }
}

/// What the channel holds: nothing until the first publication.
type State = Option<CredentialsUpdate>;

/// Something behind a streaming provider that runs on demand and must
/// live as long as anyone listens (a token manager's refresh task).
pub(crate) trait Source: Send + Sync {
    /// Starts the source if it is not running. Idempotent.
    fn start(&self);
}

/// Credentials published through a [`CredentialsSender`] (or by a
/// [`TokenManager`](super::TokenManager)): a [`CredentialProvider`] for
/// handshakes and a [`StreamingCredentialProvider`] for re-authentication.
/// Cheap to clone; every clone sees the same credentials.
///
/// [`credentials`](CredentialProvider::credentials) waits for the first
/// publication, then returns the latest: an error when the latest state is
/// a failure or the credentials have expired, never lapsed credentials.
///
/// ```
/// use redis_typed::auth::{
///     CredentialProvider, Credentials, StreamingCredentialProvider, StreamingCredentials,
/// };
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// let (sender, provider) = StreamingCredentials::channel();
/// let mut watch = provider.watch();
/// sender.publish(Credentials::new("app", "first"));
/// let update = watch.changed().await.unwrap();
/// assert_eq!(update.generation, 1);
/// let now = provider.credentials().await.unwrap().unwrap();
/// assert_eq!(now.password.expose(), "first");
/// # }
/// ```
#[derive(Clone)]
pub struct StreamingCredentials {
    rx: watch::Receiver<State>,
    source: Option<Arc<dyn Source>>,
}

impl fmt::Debug for StreamingCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StreamingCredentials")
            .field("latest", &*self.rx.borrow())
            .finish_non_exhaustive()
    }
}

impl StreamingCredentials {
    /// A provider and the sender that feeds it. Until the first
    /// publication, [`credentials`](CredentialProvider::credentials) waits;
    /// once the sender is dropped the last state stays (a provider that
    /// never got any fails with [`AuthError::Stopped`]).
    pub fn channel() -> (CredentialsSender, StreamingCredentials) {
        let (tx, rx) = watch::channel(None);
        let sender = CredentialsSender {
            tx,
            events: EventDispatcher::new(),
        };
        (sender, StreamingCredentials { rx, source: None })
    }

    pub(crate) fn from_source(rx: watch::Receiver<State>, source: Arc<dyn Source>) -> Self {
        StreamingCredentials {
            rx,
            source: Some(source),
        }
    }

    /// The latest state, without waiting (`None` before the first).
    pub fn latest(&self) -> Option<CredentialsUpdate> {
        self.rx.borrow().clone()
    }

    /// The generation of the latest state (0 before the first).
    pub fn generation(&self) -> u64 {
        generation(&self.rx.borrow())
    }

    fn start(&self) {
        if let Some(source) = &self.source {
            source.start();
        }
    }
}

impl CredentialProvider for StreamingCredentials {
    async fn credentials(&self) -> Result<Option<Credentials>> {
        self.start();
        let mut rx = self.rx.clone();
        let state = rx
            .wait_for(Option::is_some)
            .await
            .map_err(|_| AuthError::Stopped)?;
        let update = state.as_ref().expect("waited for Some");
        Ok(Some(update.usable()?.clone()))
    }

    fn current(&self) -> Option<Result<Option<Credentials>>> {
        let state = self.rx.borrow();
        let update = state.as_ref()?;
        Some(
            update
                .usable()
                .map(|c| Some(c.clone()))
                .map_err(Error::from),
        )
    }

    fn subscribe(&self) -> Option<CredentialsWatch> {
        Some(self.watch())
    }
}

impl StreamingCredentialProvider for StreamingCredentials {
    fn watch(&self) -> CredentialsWatch {
        self.start();
        let mut rx = self.rx.clone();
        rx.mark_unchanged();
        CredentialsWatch {
            rx,
            _source: self.source.clone(),
        }
    }
}

/// A subscription to a streaming provider's changes.
///
/// Holds the latest state (readable at any time, without waiting) and
/// wakes [`changed`](CredentialsWatch::changed) on each new one. Only the
/// latest state is kept: a slow subscriber skips intermediate ones, which
/// is what re-authentication wants (only the newest credentials matter).
pub struct CredentialsWatch {
    rx: watch::Receiver<State>,
    _source: Option<Arc<dyn Source>>,
}

impl fmt::Debug for CredentialsWatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsWatch")
            .field("latest", &*self.rx.borrow())
            .finish_non_exhaustive()
    }
}

impl CredentialsWatch {
    /// The generation of the latest state (0 before the first).
    pub fn generation(&self) -> u64 {
        generation(&self.rx.borrow())
    }

    /// The latest state, marking it seen (`None` before the first).
    pub fn latest(&mut self) -> Option<CredentialsUpdate> {
        self.rx.borrow_and_update().clone()
    }

    /// True when a state not yet seen is waiting.
    pub fn has_changed(&self) -> bool {
        self.rx.has_changed().unwrap_or(false)
    }

    /// Waits for a state not yet seen and returns it, marking it seen.
    /// `None` once the source is gone (no more changes will come).
    pub async fn changed(&mut self) -> Option<CredentialsUpdate> {
        loop {
            self.rx.changed().await.ok()?;
            if let Some(update) = self.rx.borrow_and_update().clone() {
                return Some(update);
            }
        }
    }
}

/// The feeding end of [`StreamingCredentials::channel`].
pub struct CredentialsSender {
    tx: watch::Sender<State>,
    events: EventDispatcher,
}

impl fmt::Debug for CredentialsSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsSender")
            .field("generation", &self.generation())
            .field("subscribers", &self.tx.receiver_count())
            .finish_non_exhaustive()
    }
}

impl CredentialsSender {
    /// Reports each publication as [`Event::CredentialsRefreshed`] to
    /// `events`.
    pub fn with_events(mut self, events: EventDispatcher) -> Self {
        self.events = events;
        self
    }

    /// Publishes credentials that do not expire. Returns their generation.
    pub fn publish(&self, credentials: Credentials) -> u64 {
        self.send(Ok(credentials), None, None, None)
    }

    /// Publishes credentials that expire at `expires_at`: from then on the
    /// provider answers [`AuthError::Expired`] instead of them, until new
    /// ones are published. Returns their generation.
    pub fn publish_expiring(&self, credentials: Credentials, expires_at: SystemTime) -> u64 {
        let valid_until = deadline(expires_at);
        self.send(Ok(credentials), Some(expires_at), Some(valid_until), None)
    }

    /// Publishes a failure: the provider answers `error` until new
    /// credentials are published. Returns its generation.
    pub fn fail(&self, error: AuthError) -> u64 {
        self.send(Err(error), None, None, None)
    }

    /// The generation of the latest state (0 before the first).
    pub fn generation(&self) -> u64 {
        generation(&self.tx.borrow())
    }

    /// A provider reading this sender's states (another clone of the one
    /// [`StreamingCredentials::channel`] returned).
    pub fn provider(&self) -> StreamingCredentials {
        StreamingCredentials {
            rx: self.tx.subscribe(),
            source: None,
        }
    }

    /// The dispatcher publications are reported to.
    pub(crate) fn events(&self) -> &EventDispatcher {
        &self.events
    }

    pub(crate) fn receiver(&self) -> watch::Receiver<State> {
        self.tx.subscribe()
    }

    /// Publishes a token's credentials, valid until `valid_until`.
    pub(crate) fn publish_token(
        &self,
        token: &Token,
        credentials: Credentials,
        valid_until: Instant,
    ) -> u64 {
        self.send(
            Ok(credentials),
            Some(token.expires_at()),
            Some(valid_until),
            Some(token),
        )
    }

    fn send(
        &self,
        credentials: std::result::Result<Credentials, AuthError>,
        expires_at: Option<SystemTime>,
        valid_until: Option<Instant>,
        token: Option<&Token>,
    ) -> u64 {
        let mut published = None;
        self.tx.send_modify(|state| {
            let update = CredentialsUpdate {
                generation: generation(state) + 1,
                credentials,
                expires_at,
                valid_until,
            };
            published = Some(update.clone());
            *state = Some(update);
        });
        let update = published.expect("send_modify ran the closure");
        if let Ok(credentials) = &update.credentials {
            self.events.dispatch(&Event::CredentialsRefreshed {
                credentials,
                token,
                generation: update.generation,
            });
        }
        update.generation
    }
}

fn generation(state: &State) -> u64 {
    state.as_ref().map_or(0, |u| u.generation)
}

/// `expires_at` (wall clock) as an instant of the monotonic clock.
pub(crate) fn deadline(expires_at: SystemTime) -> Instant {
    let left = expires_at
        .duration_since(SystemTime::now())
        .unwrap_or_default();
    Instant::now() + left
}
