//! [`Retry`]: how many times, how long apart, and which failures.

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::SeedableRng;

use super::backoff::{Backoff, ExponentialWithJitter};
use crate::error::{Error, ErrorKind};

/// The failures retried by default: the connection failed or timed out, or
/// the server answered `LOADING`, `BUSY`, `TRYAGAIN` or `CLUSTERDOWN` (all
/// of which clear up by themselves).
///
/// ```
/// use std::time::Duration;
/// use redis_typed::{Error, retry::is_transient};
/// assert!(is_transient(&Error::Timeout(Duration::from_secs(1))));
/// assert!(!is_transient(&Error::WatchConflict));
/// ```
pub fn is_transient(error: &Error) -> bool {
    error.is_connection_error() || error.is_timeout() || is_rejection(error)
}

/// True when the server refused the command without running it: `LOADING`,
/// `BUSY`, `TRYAGAIN`, `CLUSTERDOWN`. Repeating such a command, even a
/// write, cannot apply it twice.
pub fn is_rejection(error: &Error) -> bool {
    matches!(
        error.kind(),
        Some(ErrorKind::Loading | ErrorKind::Busy | ErrorKind::TryAgain | ErrorKind::ClusterDown)
    )
}

/// One retry about to happen: reported to [`tracing`] (at `INFO`, target
/// `redis_typed::retry`), to [`Retry::on_retry`] hooks and, for pool
/// commands, to the pool's listeners.
#[derive(Debug)]
pub struct RetryEvent<'a> {
    /// The retry number, from 1 (the second attempt).
    pub retry: u32,
    /// The retries allowed in all.
    pub max_retries: u32,
    /// The wait before this retry.
    pub delay: Duration,
    /// The failure that caused it.
    pub error: &'a Error,
}

type Predicate = Arc<dyn Fn(&Error) -> bool + Send + Sync>;
type Hook = Arc<dyn Fn(&RetryEvent<'_>) + Send + Sync>;

/// A retry policy: the number of retries, the [`Backoff`] between them,
/// which errors are retried, and whether writes are.
///
/// By default ([`Retry::default`]): 3 retries, [`ExponentialWithJitter`]
/// (10 ms base, 1 s cap), errors matched by [`is_transient`].
///
/// **Writes.** Repeating a command that may already have run can apply it
/// twice (`INCR`, `LPUSH`...). So for a command that is not
/// [`read_only`](crate::Command::read_only), [`Retry::run_command`] retries
/// only failures that prove it did not run — the server refused it
/// ([`is_rejection`]) or, through a pool, no connection could be had to
/// send it on — unless [`Retry::retry_writes`] opts in to retrying
/// connection errors and timeouts as well.
///
/// ```no_run
/// use std::time::Duration;
/// use redis_typed::{Client, commands::Get};
/// use redis_typed::retry::{Retry, EqualJitter};
///
/// # async fn demo(client: Client) -> redis_typed::Result<()> {
/// let retry = Retry::new(5, EqualJitter::new(Duration::from_millis(20), Duration::from_secs(2)));
/// let cmd = Get::<_, String>::new("k");
/// let v = retry.run(|| client.send(&cmd)).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Retry {
    retries: u32,
    backoff: Arc<dyn Backoff>,
    retry_on: Predicate,
    writes: bool,
    rng: Arc<Mutex<StdRng>>,
    hooks: Vec<Hook>,
}

impl fmt::Debug for Retry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retry")
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("writes", &self.writes)
            .field("hooks", &self.hooks.len())
            .finish_non_exhaustive()
    }
}

impl Default for Retry {
    fn default() -> Self {
        Retry::new(3, ExponentialWithJitter::default())
    }
}

impl Retry {
    /// Up to `retries` retries (so `retries + 1` attempts), waiting as
    /// `backoff` says between them, on the errors [`is_transient`] matches.
    pub fn new(retries: u32, backoff: impl Backoff + 'static) -> Self {
        Retry {
            retries,
            backoff: Arc::new(backoff),
            retry_on: Arc::new(is_transient),
            writes: false,
            rng: Arc::new(Mutex::new(StdRng::from_os_rng())),
            hooks: Vec::new(),
        }
    }

    /// No retries: every operation runs once.
    pub fn none() -> Self {
        Retry::new(0, super::NoBackoff)
    }

    /// Retries the errors `predicate` accepts instead of [`is_transient`]
    /// ones (the write rule still applies on top).
    pub fn retry_on(mut self, predicate: impl Fn(&Error) -> bool + Send + Sync + 'static) -> Self {
        self.retry_on = Arc::new(predicate);
        self
    }

    /// With `true`, writes are retried like reads. Only for writes that are
    /// idempotent (`SET`, `DEL`, `HSET` of fixed values) or where a double
    /// application is acceptable.
    pub fn retry_writes(mut self, yes: bool) -> Self {
        self.writes = yes;
        self
    }

    /// Draws the backoff's randomness from a generator seeded with `seed`,
    /// for reproducible delays (tests). Clones share the generator.
    pub fn seeded(mut self, seed: u64) -> Self {
        self.rng = Arc::new(Mutex::new(StdRng::seed_from_u64(seed)));
        self
    }

    /// Calls `hook` before each retry (after the `tracing` event), e.g. to
    /// count retries in metrics. Hooks must be quick and must not panic.
    pub fn on_retry(mut self, hook: impl Fn(&RetryEvent<'_>) + Send + Sync + 'static) -> Self {
        self.hooks.push(Arc::new(hook));
        self
    }

    /// The retries allowed after the first attempt.
    pub fn max_retries(&self) -> u32 {
        self.retries
    }

    /// The backoff strategy.
    pub fn backoff(&self) -> &dyn Backoff {
        &*self.backoff
    }

    /// Whether the policy's predicate accepts `error` (the write rule
    /// aside).
    pub(crate) fn accepts(&self, error: &Error) -> bool {
        (self.retry_on)(error)
    }

    /// Whether `error`, from a command that is `read_only` or not, may be
    /// retried under this policy (ignoring the number of retries left).
    pub fn allows(&self, error: &Error, read_only: bool) -> bool {
        (self.retry_on)(error) && (read_only || self.writes || is_rejection(error))
    }

    /// Runs `op` until it succeeds, fails with an error this policy does
    /// not retry, or the retries are used up (the last error is returned).
    ///
    /// `op` is treated as idempotent: every error the predicate accepts is
    /// retried. For a command that may be a write use
    /// [`Retry::run_command`].
    pub async fn run<T, F, Fut>(&self, op: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        self.run_with(|e| (self.retry_on)(e), &|_: &RetryEvent<'_>| {}, op)
            .await
    }

    /// Like [`Retry::run`] for `op` sending one command whose
    /// [`read_only`](crate::Command::read_only) is `read_only`: a write is
    /// retried only as [`Retry::allows`] says.
    pub async fn run_command<T, F, Fut>(&self, read_only: bool, op: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        self.run_with(|e| self.allows(e, read_only), &|_: &RetryEvent<'_>| {}, op)
            .await
    }

    /// The loop behind the `run*` methods: `may_retry` decides per error,
    /// `notify` hears of each retry (after tracing and the hooks).
    pub(crate) async fn run_with<T, F, Fut>(
        &self,
        may_retry: impl Fn(&Error) -> bool,
        notify: &(dyn Fn(&RetryEvent<'_>) + Send + Sync),
        mut op: F,
    ) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let mut previous = Duration::ZERO;
        let mut retry = 0;
        loop {
            let error = match op().await {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if retry >= self.retries || !may_retry(&error) {
                return Err(error);
            }
            let delay = self.next_delay(retry, previous);
            retry += 1;
            let event = RetryEvent {
                retry,
                max_retries: self.retries,
                delay,
                error: &error,
            };
            tracing::info!(
                target: "redis_typed::retry",
                retry,
                max_retries = self.retries,
                delay_ms = delay.as_secs_f64() * 1000.0,
                error = %error,
                "retrying after a transient failure"
            );
            for hook in &self.hooks {
                hook(&event);
            }
            notify(&event);
            drop(error);
            previous = delay;
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
        }
    }

    /// The delay before retry number `attempt` (from 0).
    fn next_delay(&self, attempt: u32, previous: Duration) -> Duration {
        let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
        self.backoff.delay(attempt, previous, &mut *rng)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use bytes::Bytes;

    use super::*;
    use crate::error::ServerError;
    use crate::retry::{Constant, NoBackoff};

    fn server(message: &'static str) -> Error {
        Error::Server(ServerError::new(Bytes::from_static(message.as_bytes())))
    }

    fn closed() -> Error {
        Error::ConnectionClosed("test".into())
    }

    /// An operation failing with `errors` in turn, then returning the
    /// number of calls.
    fn failing(
        errors: Vec<Error>,
        calls: &AtomicU32,
    ) -> impl FnMut() -> std::future::Ready<Result<u32, Error>> + '_ {
        let mut errors = errors.into_iter();
        move || {
            let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
            std::future::ready(match errors.next() {
                Some(e) => Err(e),
                None => Ok(n),
            })
        }
    }

    #[test]
    fn default_classification() {
        assert!(is_transient(&closed()));
        assert!(is_transient(&Error::ConnectionBroken));
        assert!(is_transient(&Error::Io(
            std::io::ErrorKind::ConnectionReset.into()
        )));
        assert!(is_transient(&Error::Timeout(Duration::from_millis(5))));
        for m in [
            "LOADING loading",
            "BUSY script",
            "TRYAGAIN later",
            "CLUSTERDOWN down",
        ] {
            assert!(is_transient(&server(m)), "{m}");
            assert!(is_rejection(&server(m)), "{m}");
        }
        for m in [
            "ERR nope",
            "WRONGTYPE x",
            "MOVED 1 h:1",
            "NOAUTH x",
            "OOM x",
        ] {
            assert!(!is_transient(&server(m)), "{m}");
        }
        assert!(!is_transient(&Error::WatchConflict));
        assert!(!is_transient(&Error::Config("x".into())));
        assert!(!is_rejection(&closed()));
    }

    #[test]
    fn writes_are_retried_only_when_they_cannot_have_run_unless_opted_in() {
        let retry = Retry::default();
        assert!(retry.allows(&closed(), true));
        assert!(!retry.allows(&closed(), false));
        assert!(!retry.allows(&Error::Timeout(Duration::ZERO), false));
        assert!(retry.allows(&server("LOADING x"), false));
        assert!(!retry.allows(&server("ERR x"), true));
        let writes = Retry::default().retry_writes(true);
        assert!(writes.allows(&closed(), false));
        assert!(!writes.allows(&server("ERR x"), false));
    }

    #[tokio::test]
    async fn retries_transient_errors_until_success() {
        let calls = AtomicU32::new(0);
        let retry = Retry::new(3, NoBackoff);
        let out = retry
            .run(failing(vec![closed(), server("LOADING x")], &calls))
            .await;
        assert_eq!(out.unwrap(), 3);
    }

    #[tokio::test]
    async fn gives_up_after_the_retries_with_the_last_error() {
        let calls = AtomicU32::new(0);
        let retry = Retry::new(2, NoBackoff);
        let errors = vec![
            closed(),
            closed(),
            Error::Timeout(Duration::from_millis(1)),
            closed(),
        ];
        let err = retry.run(failing(errors, &calls)).await.unwrap_err();
        assert!(err.is_timeout(), "{err:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn does_not_retry_other_errors() {
        let calls = AtomicU32::new(0);
        let err = Retry::default()
            .run(failing(vec![server("WRONGTYPE x")], &calls))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), Some(ErrorKind::WrongType));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn run_command_applies_the_write_rule() {
        let retry = Retry::new(5, NoBackoff);
        let calls = AtomicU32::new(0);
        let err = retry
            .run_command(false, failing(vec![closed()], &calls))
            .await
            .unwrap_err();
        assert!(err.is_connection_error());
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "a write is not repeated after a connection error"
        );

        let calls = AtomicU32::new(0);
        let out = retry
            .run_command(
                false,
                failing(vec![server("BUSY x"), server("TRYAGAIN x")], &calls),
            )
            .await;
        assert_eq!(out.unwrap(), 3, "a refused write is repeated");

        let calls = AtomicU32::new(0);
        let out = retry
            .run_command(true, failing(vec![closed(), closed()], &calls))
            .await;
        assert_eq!(out.unwrap(), 3, "a read is repeated");
    }

    #[tokio::test]
    async fn custom_predicate_and_hooks_see_every_retry() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let retry = Retry::new(4, Constant(Duration::from_millis(1)))
            .retry_on(|e| matches!(e, Error::WatchConflict))
            .on_retry(move |ev| {
                log.lock()
                    .unwrap()
                    .push((ev.retry, ev.delay, ev.error.to_string()))
            });
        let calls = AtomicU32::new(0);
        let out = retry
            .run(failing(
                vec![Error::WatchConflict, Error::WatchConflict],
                &calls,
            ))
            .await;
        assert_eq!(out.unwrap(), 3);
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].0, 1);
        assert_eq!(seen[1].0, 2);
        assert!(seen.iter().all(|(_, d, _)| *d == Duration::from_millis(1)));
        // The default predicate is replaced: a transient error now fails at once.
        let calls = AtomicU32::new(0);
        assert!(retry.run(failing(vec![closed()], &calls)).await.is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn seeded_delays_are_reproducible() {
        let delays = |seed| {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let log = seen.clone();
            let retry = Retry::new(
                5,
                crate::retry::FullJitter::new(Duration::from_micros(10), Duration::from_millis(1)),
            )
            .seeded(seed)
            .on_retry(move |ev| log.lock().unwrap().push(ev.delay));
            (retry, seen)
        };
        let mut runs = Vec::new();
        for seed in [7, 7, 8] {
            let (retry, seen) = delays(seed);
            let calls = AtomicU32::new(0);
            retry
                .run(failing((0..5).map(|_| closed()).collect(), &calls))
                .await
                .unwrap();
            runs.push(seen.lock().unwrap().clone());
        }
        assert_eq!(runs[0].len(), 5);
        assert_eq!(runs[0], runs[1]);
        assert_ne!(runs[0], runs[2]);
    }

    #[tokio::test]
    async fn none_runs_once() {
        let calls = AtomicU32::new(0);
        assert!(Retry::none()
            .run(failing(vec![closed()], &calls))
            .await
            .is_err());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
