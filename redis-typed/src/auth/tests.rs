//! The token manager and streaming credentials, on Tokio's paused clock:
//! hours of token life pass in microseconds, and every wait is exact.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::time::{sleep, Instant};

use super::*;
use crate::events::Event;
use crate::Error;

const MS: fn(u64) -> Duration = Duration::from_millis;
const SECS: fn(u64) -> Duration = Duration::from_secs;

/// What the fake identity provider does on a call.
#[derive(Clone, Debug)]
enum Step {
    /// An opaque token for user `app`, valid this long, valued `token-N`.
    Token(Duration),
    /// An HS256 JWT for user `app`, valid this many seconds.
    Jwt(u64),
    /// This exact string as a JWT.
    Raw(&'static str),
    /// This very token.
    Fixed(Token),
    Fail,
    Panic,
    Hang,
}

#[derive(Default)]
struct FakeState {
    plan: VecDeque<Step>,
    otherwise: Option<Step>,
    calls: Vec<Instant>,
}

/// An identity provider that follows a script and records its calls.
#[derive(Clone, Default)]
struct Fake(Arc<Mutex<FakeState>>);

const JWT_KEY: &[u8] = b"test key for HS256 tokens";

impl Fake {
    fn new(plan: impl IntoIterator<Item = Step>, otherwise: Step) -> Self {
        Fake(Arc::new(Mutex::new(FakeState {
            plan: plan.into_iter().collect(),
            otherwise: Some(otherwise),
            calls: Vec::new(),
        })))
    }

    fn then(&self, step: Step) {
        self.0.lock().unwrap().otherwise = Some(step);
    }

    fn calls(&self) -> Vec<Instant> {
        self.0.lock().unwrap().calls.clone()
    }
}

impl IdentityProvider for Fake {
    async fn fetch(&self) -> Result<IdentityToken, BoxError> {
        let (step, n) = {
            let mut state = self.0.lock().unwrap();
            state.calls.push(Instant::now());
            let step = match state.plan.pop_front() {
                Some(step) => step,
                None => state.otherwise.clone().expect("a default step"),
            };
            (step, state.calls.len())
        };
        match step {
            Step::Token(life) => Ok(Token::new(format!("token-{n}"), SystemTime::now() + life)
                .with_user("app")
                .into()),
            Step::Jwt(life) => Ok(IdentityToken::jwt(mint(life, n))),
            Step::Raw(raw) => Ok(IdentityToken::jwt(raw)),
            Step::Fixed(token) => Ok(token.into()),
            Step::Fail => Err(format!("identity service unavailable (call {n})").into()),
            Step::Panic => panic!("identity provider bug"),
            Step::Hang => std::future::pending().await,
        }
    }
}

fn mint(life_secs: u64, n: usize) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = serde_json::json!({
        "iat": now, "exp": now + life_secs, "oid": "app", "n": n,
    });
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(JWT_KEY),
    )
    .unwrap()
}

/// What listeners heard, with the (paused) time they heard it.
#[derive(Debug, Clone, PartialEq)]
enum Heard {
    Refreshed {
        generation: u64,
        password: String,
    },
    Failed {
        attempt: u32,
        retry_in: Option<Duration>,
        expired: bool,
        message: String,
    },
}

#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<(Duration, Heard)>>>);

impl Recorder {
    fn attach(&self, events: &crate::events::EventDispatcher, start: Instant) {
        let log = self.0.clone();
        events.add_listener(move |e: &Event<'_>| {
            let heard = match e {
                Event::CredentialsRefreshed {
                    credentials,
                    generation,
                    ..
                } => Heard::Refreshed {
                    generation: *generation,
                    password: credentials.password.expose().to_string(),
                },
                Event::CredentialsRefreshFailed {
                    error,
                    attempt,
                    retry_in,
                    ..
                } => Heard::Failed {
                    attempt: *attempt,
                    retry_in: *retry_in,
                    expired: error.is_expired(),
                    message: error.to_string(),
                },
                _ => return,
            };
            log.lock().unwrap().push((start.elapsed(), heard));
        });
    }

    fn heard(&self) -> Vec<(Duration, Heard)> {
        self.0.lock().unwrap().clone()
    }

    fn failures(&self) -> Vec<(Duration, u32, Option<Duration>, bool)> {
        self.heard()
            .into_iter()
            .filter_map(|(at, h)| match h {
                Heard::Failed {
                    attempt,
                    retry_in,
                    expired,
                    ..
                } => Some((at, attempt, retry_in, expired)),
                _ => None,
            })
            .collect()
    }
}

fn config() -> TokenManagerConfig {
    TokenManagerConfig::default().backoff(MS(100), SECS(1))
}

fn manager(fake: &Fake, config: TokenManagerConfig) -> (TokenManager<Fake>, Recorder, Instant) {
    let manager = TokenManager::new(fake.clone(), config).unwrap();
    let recorder = Recorder::default();
    let start = Instant::now();
    recorder.attach(manager.events(), start);
    (manager, recorder, start)
}

/// The password the provider hands out now.
async fn password(provider: &StreamingCredentials) -> Result<String, Error> {
    let creds = provider.credentials().await?.expect("credentials");
    Ok(creds.password.expose().to_string())
}

/// Rounds an elapsed time to milliseconds (timers fire on millisecond ticks).
fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

#[tokio::test(start_paused = true)]
async fn refreshes_at_eighty_percent_of_the_token_life() {
    let fake = Fake::new([], Step::Token(SECS(10)));
    let (manager, recorder, start) = manager(&fake, config());
    let provider = manager.credential_provider();

    assert_eq!(password(&provider).await.unwrap(), "token-1");
    let creds = provider.credentials().await.unwrap().unwrap();
    assert_eq!(creds.username.as_deref(), Some("app"));

    sleep(MS(7_950)).await;
    assert_eq!(fake.calls().len(), 1, "not refreshed before 8 s");
    sleep(MS(100)).await;
    assert_eq!(fake.calls().len(), 2, "refreshed at 8 s");
    assert_eq!(password(&provider).await.unwrap(), "token-2");

    // And so on, every 8 s.
    sleep(SECS(8 * 3)).await;
    let at: Vec<u64> = fake.calls().iter().map(|t| ms(*t - start)).collect();
    assert_eq!(at, [0, 8_000, 16_000, 24_000, 32_000]);
    let generations: Vec<u64> = recorder
        .heard()
        .into_iter()
        .map(|(_, h)| match h {
            Heard::Refreshed { generation, .. } => generation,
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(generations, [1, 2, 3, 4, 5]);
}

#[tokio::test(start_paused = true)]
async fn ratio_and_lower_bound_are_configurable() {
    let fake = Fake::new([], Step::Token(SECS(100)));
    // Ratio 0.5 -> 50 s; a lower bound of 60 s before expiry -> 40 s.
    let config = config().refresh_ratio(0.5).lower_bound(SECS(60));
    let (manager, _recorder, start) = manager(&fake, config);
    manager.token().await.unwrap();
    sleep(SECS(100)).await;
    let at: Vec<u64> = fake.calls().iter().map(|t| ms(*t - start)).collect();
    assert_eq!(at, [0, 40_000, 80_000]);
}

#[tokio::test(start_paused = true)]
async fn a_cached_token_handed_back_is_not_republished_nor_refetched_in_a_loop() {
    let cached = Token::new("cached", SystemTime::now() + SECS(100)).with_user("app");
    let fake = Fake::new([], Step::Fixed(cached));
    let (manager, recorder, start) = manager(&fake, config());
    let mut watch = manager.subscribe();
    manager.token().await.unwrap();
    assert_eq!(watch.changed().await.unwrap().generation, 1);
    sleep(MS(99_500)).await;
    // 80 s, then 0.8 of what is left each time: 96 s, 99.2 s.
    let at: Vec<u64> = fake.calls().iter().map(|t| ms(*t - start)).collect();
    assert_eq!(at.len(), 4, "{at:?}");
    assert_eq!(&at[..2], [0, 80_000]);
    assert!(
        at[2].abs_diff(96_000) <= 1 && at[3].abs_diff(99_200) <= 1,
        "{at:?}"
    );
    // Published once: connections are not re-authenticated for nothing.
    assert_eq!(recorder.heard().len(), 1);
    assert!(!watch.has_changed());
}

#[tokio::test(start_paused = true)]
async fn jwt_tokens_are_read_and_verified() {
    let fake = Fake::new([], Step::Jwt(10));
    let parser = JwtParser::new().verify_with(
        jsonwebtoken::DecodingKey::from_secret(JWT_KEY),
        jsonwebtoken::Algorithm::HS256,
    );
    let (manager, _recorder, start) = manager(&fake, config().jwt(parser));
    let token = manager.token().await.unwrap();
    assert_eq!(token.user(), Some("app"));
    assert_eq!(token.lifetime(), SECS(10));
    let creds = manager
        .credential_provider()
        .credentials()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.username.as_deref(), Some("app"));
    assert_eq!(creds.password, *token.value());

    // JWT dates are whole seconds: the refresh comes 7 to 8 s in.
    sleep(MS(8_001)).await;
    let calls = fake.calls();
    assert_eq!(calls.len(), 2);
    let second = calls[1] - start;
    assert!(second > SECS(7) && second <= SECS(8), "{second:?}");
}

#[tokio::test(start_paused = true)]
async fn failures_are_retried_with_backoff_while_the_old_token_serves() {
    let fake = Fake::new(
        [Step::Token(SECS(10)), Step::Fail, Step::Fail],
        Step::Token(SECS(10)),
    );
    let (manager, recorder, start) = manager(&fake, config());
    let provider = manager.credential_provider();
    assert_eq!(password(&provider).await.unwrap(), "token-1");

    // During the failures, the still-valid token is served.
    sleep(MS(8_050)).await;
    assert_eq!(fake.calls().len(), 2);
    assert_eq!(password(&provider).await.unwrap(), "token-1");
    sleep(MS(100)).await;
    assert_eq!(fake.calls().len(), 3);
    assert_eq!(password(&provider).await.unwrap(), "token-1");
    sleep(MS(200)).await;
    assert_eq!(password(&provider).await.unwrap(), "token-4");

    // Attempts at 8.0, 8.1 (after 100 ms), 8.3 (after 200 ms).
    let at: Vec<u64> = fake.calls().iter().map(|t| ms(*t - start)).collect();
    assert_eq!(at, [0, 8_000, 8_100, 8_300]);
    // Listeners heard every token and every failure, in order.
    let heard: Vec<(u64, Heard)> = recorder
        .heard()
        .into_iter()
        .map(|(at, h)| (ms(at), h))
        .collect();
    assert_eq!(heard.len(), 4);
    assert_eq!(
        heard[0],
        (
            0,
            Heard::Refreshed {
                generation: 1,
                password: "token-1".into()
            }
        )
    );
    assert!(matches!(
        &heard[1],
        (8_000, Heard::Failed { attempt: 1, retry_in: Some(d), expired: false, message })
            if *d == MS(100) && message.contains("identity service unavailable (call 2)")
    ));
    assert!(matches!(
        &heard[2],
        (8_100, Heard::Failed { attempt: 2, retry_in: Some(d), expired: false, .. }) if *d == MS(200)
    ));
    assert_eq!(
        heard[3],
        (
            8_300,
            Heard::Refreshed {
                generation: 2,
                password: "token-4".into()
            }
        )
    );
    // The next refresh is scheduled from the new token: 8.3 + 8 s.
    sleep(SECS(8)).await;
    assert_eq!(ms(*fake.calls().last().unwrap() - start), 16_300);
}

#[tokio::test(start_paused = true)]
async fn failing_past_expiry_is_a_clear_error_not_a_lapsed_token() {
    let fake = Fake::new([Step::Token(SECS(10))], Step::Fail);
    let (manager, recorder, _start) = manager(&fake, config());
    let provider = manager.credential_provider();
    let mut watch = provider.watch();
    assert_eq!(password(&provider).await.unwrap(), "token-1");
    assert_eq!(watch.latest().unwrap().generation, 1);

    sleep(MS(9_990)).await;
    assert_eq!(password(&provider).await.unwrap(), "token-1");
    sleep(MS(20)).await;

    // Expired: a typed, clear error, at once (no hang).
    let err = tokio::time::timeout(MS(1), provider.credentials())
        .await
        .expect("no hang")
        .unwrap_err();
    let auth = AuthError::find(&err).expect("an AuthError inside");
    assert!(auth.is_expired(), "{auth:?}");
    match auth {
        AuthError::Expired {
            last: Some(last), ..
        } => {
            assert!(last.to_string().contains("identity service unavailable"))
        }
        other => panic!("unexpected {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("authentication token expired"),
        "{message}"
    );
    assert!(message.contains("could not be refreshed"), "{message}");
    assert!(!message.contains("token-1"), "{message}");
    assert!(manager.token().await.unwrap_err().is_expired());
    // The sync accessor agrees.
    assert!(provider.current().unwrap().is_err());
    // Subscribers were told.
    let update = watch.changed().await.unwrap();
    assert_eq!(update.generation, 2);
    assert!(update.credentials.unwrap_err().is_expired());

    // Rounds of 3 attempts: at 8.0/8.1/8.3; the next round at 0.8 of the
    // 1.7 s left (1.36 s, at least max_delay 1 s): 9.66/9.76/9.96; then the
    // expiry at 10.0, told to listeners as a failure of its own.
    let failures = recorder.failures();
    let times: Vec<(u64, u32, bool)> = failures
        .iter()
        .map(|(at, attempt, _, expired)| (ms(*at), *attempt, *expired))
        .collect();
    assert_eq!(
        times,
        [
            (8_000, 1, false),
            (8_100, 2, false),
            (8_300, 3, false),
            (9_660, 4, false),
            (9_760, 5, false),
            (9_960, 6, false),
            (10_000, 6, true),
        ]
    );
    // (The token's expiry is read off the wall clock, which moves a few
    // microseconds while the paused test clock does not.)
    let next_round = failures[2].2.unwrap();
    assert!(next_round.abs_diff(MS(1_360)) < MS(1), "{next_round:?}");

    // Refreshing goes on (every max_delay between rounds) and recovers.
    fake.then(Step::Token(SECS(10)));
    sleep(SECS(2)).await;
    assert!(password(&provider).await.unwrap().starts_with("token-"));
    let update = watch.changed().await.unwrap();
    assert_eq!(update.generation, 3);
    assert!(update.usable().is_ok());
}

#[tokio::test(start_paused = true)]
async fn no_first_token_fails_the_handshake_instead_of_hanging() {
    let fake = Fake::new([], Step::Fail);
    let (manager, recorder, _start) = manager(&fake, config());
    let provider = manager.credential_provider();
    let err = provider.credentials().await.unwrap_err();
    match AuthError::find(&err) {
        Some(AuthError::Unavailable { attempts: 3, last }) => {
            assert!(matches!(**last, AuthError::Provider(_)))
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("no authentication token"), "{err}");
    assert_eq!(recorder.failures().len(), 3);
    // It keeps trying; a recovery is published.
    fake.then(Step::Token(SECS(60)));
    sleep(SECS(2)).await;
    assert!(password(&provider).await.is_ok());
}

#[tokio::test(start_paused = true)]
async fn a_malformed_jwt_is_rejected_with_a_clear_error() {
    let fake = Fake::new([], Step::Raw("this-is-not-a-jwt"));
    let (manager, recorder, _start) = manager(&fake, config());
    let err = manager.token().await.unwrap_err();
    let AuthError::Unavailable { last, .. } = &err else {
        panic!("unexpected {err:?}")
    };
    assert!(
        matches!(**last, AuthError::InvalidToken(JwtError::Malformed(_))),
        "{last:?}"
    );
    assert!(
        err.to_string().contains("invalid token: malformed JWT"),
        "{err}"
    );
    let heard = recorder.heard();
    assert!(heard.iter().all(|(_, h)| matches!(
        h,
        Heard::Failed { message, .. } if message.contains("malformed JWT")
    )));
    // An expired JWT, and an opaque token delivered expired, are failures too.
    fake.then(Step::Jwt(0));
    manager.refresh_now();
    sleep(MS(1)).await;
    let last = recorder.heard().last().cloned().unwrap().1;
    assert!(
        matches!(&last, Heard::Failed { message, .. } if message.contains("has expired")),
        "{last:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_or_panicking_identity_provider_is_one_failed_attempt() {
    let fake = Fake::new([Step::Hang, Step::Panic], Step::Token(SECS(30)));
    let config = config().fetch_timeout(SECS(2));
    let (manager, recorder, start) = manager(&fake, config);
    let token = manager.token().await.unwrap();
    assert_eq!(token.value().expose(), "token-3");
    let failures: Vec<(u64, String)> = recorder
        .heard()
        .into_iter()
        .filter_map(|(at, h)| match h {
            Heard::Failed { message, .. } => Some((ms(at), message)),
            _ => None,
        })
        .collect();
    assert_eq!(failures.len(), 2);
    assert_eq!(failures[0].0, 2_000);
    assert!(
        failures[0].1.contains("did not answer within 2s"),
        "{failures:?}"
    );
    assert!(failures[1].1.contains("panicked"), "{failures:?}");
    assert_eq!(ms(start.elapsed()), 2_300);
}

#[tokio::test(start_paused = true)]
async fn watch_sees_every_rotation() {
    let fake = Fake::new([], Step::Token(SECS(5)));
    let (manager, _recorder, _start) = manager(&fake, config());
    let mut watch = manager.subscribe();
    assert_eq!(watch.generation(), 0);
    let mut passwords = Vec::new();
    for expected in 1..=20 {
        let update = watch.changed().await.expect("source alive");
        assert_eq!(update.generation, expected);
        passwords.push(update.usable().unwrap().password.expose().to_string());
    }
    assert_eq!(passwords.first().unwrap(), "token-1");
    assert_eq!(passwords.last().unwrap(), "token-20");
    assert!(!watch.has_changed());
}

#[tokio::test(start_paused = true)]
async fn refresh_now_fetches_at_once_and_username_can_be_fixed() {
    let fake = Fake::new([], Step::Token(SECS(3600)));
    let config = config().username("svc-user");
    let (manager, _recorder, start) = manager(&fake, config);
    let provider = manager.credential_provider();
    let creds = provider.credentials().await.unwrap().unwrap();
    assert_eq!(creds.username.as_deref(), Some("svc-user"));
    sleep(SECS(10)).await;
    manager.refresh_now();
    sleep(MS(1)).await;
    let at: Vec<u64> = fake.calls().iter().map(|t| ms(*t - start)).collect();
    assert_eq!(at, [0, 10_000]);
    assert_eq!(password(&provider).await.unwrap(), "token-2");
}

#[tokio::test(start_paused = true)]
async fn the_manager_runs_while_anyone_holds_it_and_stops_after() {
    let fake = Fake::new([], Step::Token(SECS(10)));
    let (manager, _recorder, _start) = manager(&fake, config());
    let provider = manager.credential_provider();
    drop(manager);
    password(&provider).await.unwrap();
    sleep(SECS(20)).await;
    assert_eq!(fake.calls().len(), 3, "the provider keeps it alive");
    drop(provider);
    sleep(SECS(100)).await;
    assert_eq!(fake.calls().len(), 3, "stopped with the last handle");
}

#[tokio::test(start_paused = true)]
async fn nothing_is_fetched_before_the_first_use() {
    let fake = Fake::new([], Step::Token(SECS(10)));
    let (manager, _recorder, _start) = manager(&fake, config());
    sleep(SECS(5)).await;
    assert!(fake.calls().is_empty());
    assert!(manager.last_token().is_none());
    manager.start();
    manager.start();
    sleep(MS(1)).await;
    assert_eq!(fake.calls().len(), 1);
    assert!(manager.last_token().is_some());
}

#[test]
fn invalid_configurations_are_refused() {
    let fake = Fake::new([], Step::Fail);
    for (config, why) in [
        (config().refresh_ratio(0.0), "refresh_ratio"),
        (config().refresh_ratio(1.5), "refresh_ratio"),
        (config().refresh_ratio(f64::NAN), "refresh_ratio"),
        (config().max_attempts(0), "max_attempts"),
        (config().backoff(SECS(2), SECS(1)), "initial_delay"),
        (config().backoff(SECS(0), SECS(0)), "max_delay"),
        (config().fetch_timeout(SECS(0)), "fetch_timeout"),
    ] {
        let err = TokenManager::new(fake.clone(), config).unwrap_err();
        assert!(matches!(&err, Error::Config(m) if m.contains(why)), "{err}");
    }
    // Starting outside a runtime does nothing (and does not panic).
    let manager = TokenManager::new(fake.clone(), config()).unwrap();
    manager.start();
    assert!(fake.calls().is_empty());
}

#[tokio::test(start_paused = true)]
async fn closures_are_identity_providers() {
    let manager = TokenManager::new(
        || async {
            Ok::<_, BoxError>(IdentityToken::from(Token::new(
                "from-a-closure",
                SystemTime::now() + SECS(60),
            )))
        },
        TokenManagerConfig::default(),
    )
    .unwrap();
    let creds = manager
        .credential_provider()
        .credentials()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(creds.username, None, "no user: the default user");
    assert_eq!(creds.password.expose(), "from-a-closure");
}

#[tokio::test(start_paused = true)]
async fn secrets_never_show_in_debug_display_or_errors() {
    let fake = Fake::new([Step::Token(SECS(10))], Step::Fail);
    let (manager, _recorder, _start) = manager(&fake, config());
    let debug_events = Arc::new(Mutex::new(String::new()));
    let sink = debug_events.clone();
    manager.events().add_listener(move |e: &Event<'_>| {
        sink.lock().unwrap().push_str(&format!("{e:?}\n"));
    });
    let provider = manager.credential_provider();
    let mut watch = provider.watch();
    let creds = provider.credentials().await.unwrap().unwrap();
    sleep(SECS(11)).await;
    let err = provider.credentials().await.unwrap_err();

    let shown = [
        format!("{creds:?}"),
        format!("{:?}", manager.last_token().unwrap()),
        format!("{manager:?}"),
        format!("{provider:?}"),
        format!("{watch:?}"),
        format!("{:?}", watch.latest()),
        format!("{:?}", creds.password),
        format!("{}", creds.password),
        format!("{err} {err:?}"),
        debug_events.lock().unwrap().clone(),
    ];
    for text in &shown {
        assert!(!text.contains("token-1"), "leaked: {text}");
    }
    assert!(shown[0].contains("<redacted>"));
    assert!(shown[9].contains("CredentialsRefreshed"));
    assert!(shown[9].contains("<redacted>"));
}

#[tokio::test(start_paused = true)]
async fn a_channel_streams_credentials_by_hand() {
    let (sender, provider) = StreamingCredentials::channel();
    assert!(provider.current().is_none(), "nothing yet");
    let mut watch = provider.subscribe().expect("a streaming provider");

    // credentials() waits for the first publication.
    let waiting = tokio::spawn({
        let provider = provider.clone();
        async move { provider.credentials().await }
    });
    sleep(MS(10)).await;
    assert!(!waiting.is_finished());
    let events = crate::events::EventDispatcher::new();
    let recorder = Recorder::default();
    recorder.attach(&events, Instant::now());
    let sender = sender.with_events(events);
    assert_eq!(sender.publish(Credentials::new("u", "p1")), 1);
    let got = waiting.await.unwrap().unwrap().unwrap();
    assert_eq!(got.password.expose(), "p1");
    assert_eq!(watch.changed().await.unwrap().generation, 1);
    assert_eq!(
        recorder.heard()[0].1,
        Heard::Refreshed {
            generation: 1,
            password: "p1".into()
        }
    );

    // Expiring credentials lapse into an error on their own.
    sender.publish_expiring(Credentials::new("u", "p2"), SystemTime::now() + SECS(5));
    assert_eq!(
        provider
            .current()
            .unwrap()
            .unwrap()
            .unwrap()
            .password
            .expose(),
        "p2"
    );
    sleep(SECS(5)).await;
    let err = provider.credentials().await.unwrap_err();
    assert!(AuthError::find(&err).unwrap().is_expired());

    // A published failure is what credentials() answers.
    sender.fail(AuthError::provider("vault sealed"));
    let err = provider.credentials().await.unwrap_err();
    assert!(err.to_string().contains("vault sealed"), "{err}");
    assert_eq!(sender.generation(), 3);
    assert_eq!(watch.generation(), 3);

    // The sender gone, the last state stays and the watch ends.
    sender.publish(Credentials::new("u", "p3"));
    let extra = sender.provider();
    drop(sender);
    assert_eq!(watch.changed().await.unwrap().generation, 4);
    assert!(watch.changed().await.is_none());
    assert_eq!(password(&provider).await.unwrap(), "p3");
    assert_eq!(password(&extra).await.unwrap(), "p3");

    // A channel whose sender left without publishing: Stopped, not a hang.
    let (sender, provider) = StreamingCredentials::channel();
    drop(sender);
    let err = provider.credentials().await.unwrap_err();
    assert!(matches!(AuthError::find(&err), Some(AuthError::Stopped)));
}

#[tokio::test]
async fn static_credentials_answer_at_once_and_never_stream() {
    let none = StaticCredentials::none();
    assert!(matches!(none.current(), Some(Ok(None))));
    assert!(none.subscribe().is_none());
    let fixed = StaticCredentials::new(Credentials::password_only("pw"));
    let now = fixed.current().unwrap().unwrap().unwrap();
    assert_eq!(now, fixed.credentials().await.unwrap().unwrap());
    assert_eq!(format!("{fixed:?}").matches("<redacted>").count(), 1);
}
