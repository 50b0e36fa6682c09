//! Token rotation against a real server with ACLs: an identity provider
//! mints short-lived HS256 JWTs and installs each as the user's password;
//! live connections re-authenticate in band, without reconnecting and
//! without failing a command.

mod support;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis_typed::auth::jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use redis_typed::auth::{
    BoxError, IdentityToken, JwtParser, StreamingCredentials, TokenManager, TokenManagerConfig,
};
use redis_typed::commands::{Get, Set};
use redis_typed::events::{Event, EventDispatcher};
use redis_typed::pool::{Creation, Pool, PoolConfig};
use redis_typed::transport::DefaultTransport;
use redis_typed::{Client, Cmd, ConnectionConfig, Value};
use support::RedisServer;
use tokio::sync::Notify;

const KEY: &[u8] = b"test signing key";
const USER: &str = "svc";

/// Counts re-authentications and wakes waiters on each.
#[derive(Default)]
struct Reauths {
    ok: AtomicUsize,
    failed: AtomicUsize,
    created: AtomicUsize,
    changed: Notify,
}

fn listen(events: &EventDispatcher, counts: Arc<Reauths>) {
    events.add_listener(move |event: &Event<'_>| {
        match event {
            Event::ReauthSucceeded { .. } => counts.ok.fetch_add(1, Ordering::SeqCst),
            Event::ReauthFailed { .. } => counts.failed.fetch_add(1, Ordering::SeqCst),
            Event::ConnectionCreated { .. } => counts.created.fetch_add(1, Ordering::SeqCst),
            _ => return,
        };
        counts.changed.notify_waiters();
    });
}

fn mint(serial: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = serde_json::json!({ "iat": now, "exp": now + 5, "oid": USER, "jti": serial });
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(KEY),
    )
    .unwrap()
}

/// An identity provider that mints a token and installs it as the user's
/// password, removing the one before last (so the previous token stays
/// valid while connections switch over).
fn provider(
    admin: Client,
) -> impl Fn() -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<IdentityToken, BoxError>> + Send>,
> + Send
       + Sync
       + 'static {
    let installed = Arc::new(Mutex::new(VecDeque::<String>::new()));
    let serial = Arc::new(AtomicU64::new(0));
    move || {
        let (admin, installed, serial) = (admin.clone(), installed.clone(), serial.clone());
        Box::pin(async move {
            let token = mint(serial.fetch_add(1, Ordering::SeqCst));
            let mut cmd = Cmd::<()>::new("ACL")
                .arg("SETUSER")
                .arg(USER)
                .arg("on")
                .arg("~*")
                .arg("+@all")
                .arg(&format!(">{token}"));
            let removed = {
                let mut installed = installed.lock().unwrap();
                installed.push_back(token.clone());
                if installed.len() > 2 {
                    installed.pop_front()
                } else {
                    None
                }
            };
            if let Some(old) = removed {
                cmd = cmd.arg(&format!("<{old}"));
            }
            admin.send(cmd).await?;
            Ok(IdentityToken::jwt(token))
        })
    }
}

async fn stat(admin: &Client, section: &str, field: &str) -> i64 {
    let info: String = admin.send(Cmd::new("INFO").arg(section)).await.unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0)
}

async fn auth_calls(admin: &Client) -> i64 {
    let info: String = admin
        .send(Cmd::new("INFO").arg("commandstats"))
        .await
        .unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix("cmdstat_auth:calls="))
        .map(|v| v.split(',').next().unwrap().parse().unwrap())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_rotations_under_load_fail_no_command_and_open_no_connection() {
    const ROTATIONS: usize = 20;
    const TASKS: usize = 32;
    let server = RedisServer::start();
    let admin = Client::open(&server.url()).await.unwrap();

    let events = EventDispatcher::new();
    let counts = Arc::new(Reauths::default());
    listen(&events, counts.clone());
    let manager = TokenManager::with_events(
        provider(admin.clone()),
        TokenManagerConfig::default().jwt(JwtParser::new().user_claim("oid")),
        events.clone(),
    )
    .unwrap();
    let credentials: StreamingCredentials = manager.credential_provider();
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .events(events.clone());
    let client = Client::connect_with(config.clone(), DefaultTransport, credentials.clone())
        .await
        .unwrap();
    // Every pooled connection exists before the measurement starts (eager,
    // min_idle = max_size), so a new connection would show as a reopen.
    const POOLED: usize = 8;
    let pool_config = PoolConfig::default()
        .max_size(POOLED)
        .min_idle(POOLED)
        .creation(Creation::Eager);
    let pool = Pool::connect_with(config, pool_config, DefaultTransport, credentials)
        .await
        .unwrap();
    assert_eq!(pool.status().total, POOLED);
    let connections = 1 + POOLED;
    let who: String = client.send(Cmd::new("ACL").arg("WHOAMI")).await.unwrap();
    assert_eq!(who, USER);

    let connections_before = stat(&admin, "stats", "total_connections_received").await;
    let auth_before = auth_calls(&admin).await;
    let stop = Arc::new(AtomicBool::new(false));
    let ops = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let (client, stop, ops) = (client.clone(), stop.clone(), ops.clone());
        tasks.push(tokio::spawn(async move {
            let key = format!("rot:{t}");
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                client
                    .send(Set::new(key.as_str(), i))
                    .await
                    .expect("SET failed during rotation");
                let v: Option<u64> = client
                    .send(Get::new(key.as_str()))
                    .await
                    .expect("GET failed");
                assert_eq!(v, Some(i));
                ops.fetch_add(2, Ordering::Relaxed);
            }
        }));
    }
    for rotation in 1..=ROTATIONS {
        let waiting = counts.changed.notified();
        tokio::pin!(waiting);
        waiting.as_mut().enable();
        manager.refresh_now();
        // Wait (by event) until every connection re-authenticated.
        tokio::time::timeout(Duration::from_secs(10), async {
            loop {
                if counts.ok.load(Ordering::SeqCst) >= rotation * connections {
                    break;
                }
                waiting.as_mut().await;
                waiting.set(counts.changed.notified());
                waiting.as_mut().enable();
            }
        })
        .await
        .unwrap_or_else(|_| panic!("rotation {rotation} was not applied"));
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    assert!(ops.load(Ordering::Relaxed) > 0);
    assert_eq!(counts.failed.load(Ordering::SeqCst), 0);
    assert_eq!(counts.ok.load(Ordering::SeqCst), ROTATIONS * connections);
    assert_eq!(pool.status().total, POOLED);
    // No connection was reopened: the server saw no new connection.
    let connections_after = stat(&admin, "stats", "total_connections_received").await;
    assert_eq!(connections_after, connections_before);
    // The server itself counted the AUTH calls (connections x rotations).
    let auth_after = auth_calls(&admin).await;
    assert!(
        auth_after - auth_before >= (ROTATIONS * connections) as i64,
        "AUTH calls went from {auth_before} to {auth_after}"
    );
    // Still the service user, on the newest token.
    let who: String = client.send(Cmd::new("ACL").arg("WHOAMI")).await.unwrap();
    assert_eq!(who, USER);
    let _: Value = client.send(Cmd::new("PING")).await.unwrap();
}

/// An identity provider that hands out one good token, then fails.
fn flaky_provider(
    admin: Client,
    life_secs: u64,
) -> impl Fn() -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<IdentityToken, BoxError>> + Send>,
> + Send
       + Sync
       + 'static {
    let calls = Arc::new(AtomicU64::new(0));
    move || {
        let (admin, calls) = (admin.clone(), calls.clone());
        Box::pin(async move {
            if calls.fetch_add(1, Ordering::SeqCst) > 0 {
                return Err("identity provider is down".into());
            }
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let claims = serde_json::json!({ "iat": now, "exp": now + life_secs, "oid": USER });
            let token = encode(
                &Header::new(Algorithm::HS256),
                &claims,
                &EncodingKey::from_secret(KEY),
            )
            .unwrap();
            admin
                .send(
                    Cmd::<()>::new("ACL")
                        .arg("SETUSER")
                        .arg(USER)
                        .arg("on")
                        .arg("~*")
                        .arg("+@all")
                        .arg(&format!(">{token}")),
                )
                .await?;
            Ok(IdentityToken::jwt(token))
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_provider_keeps_commands_working_until_expiry_then_fails_clearly() {
    let server = RedisServer::start();
    let admin = Client::open(&server.url()).await.unwrap();
    let events = EventDispatcher::new();
    let failures = Arc::new(AtomicUsize::new(0));
    let expired = Arc::new(AtomicBool::new(false));
    let changed = Arc::new(Notify::new());
    {
        let (failures, expired, changed) = (failures.clone(), expired.clone(), changed.clone());
        events.add_listener(move |event: &Event<'_>| {
            if let Event::CredentialsRefreshFailed { error, .. } = event {
                failures.fetch_add(1, Ordering::SeqCst);
                if error.is_expired() {
                    expired.store(true, Ordering::SeqCst);
                }
                changed.notify_waiters();
            }
        });
    }
    let manager = TokenManager::with_events(
        flaky_provider(admin.clone(), 3),
        TokenManagerConfig::default()
            .jwt(JwtParser::new().user_claim("oid"))
            .max_attempts(2)
            .backoff(Duration::from_millis(20), Duration::from_millis(100)),
        events.clone(),
    )
    .unwrap();
    let config = ConnectionConfig::from_url(&server.url())
        .unwrap()
        .events(events);
    let client = Client::connect_with(
        config.clone(),
        DefaultTransport,
        manager.credential_provider(),
    )
    .await
    .unwrap();

    // Refreshes fail (retried with backoff, every failure seen by listeners);
    // the live connection keeps working on the still-valid token.
    manager.refresh_now();
    let seen = changed.notified();
    tokio::pin!(seen);
    seen.as_mut().enable();
    tokio::time::timeout(Duration::from_secs(5), async {
        while failures.load(Ordering::SeqCst) < 2 {
            seen.as_mut().await;
            seen.set(changed.notified());
            seen.as_mut().enable();
        }
    })
    .await
    .expect("listeners saw no refresh failure");
    client.send(Set::new("still", "works")).await.unwrap();

    // Past expiry: a clear, typed authentication error for new connections,
    // at once rather than a hang.
    tokio::time::timeout(Duration::from_secs(10), async {
        while !expired.load(Ordering::SeqCst) {
            seen.as_mut().await;
            seen.set(changed.notified());
            seen.as_mut().enable();
        }
    })
    .await
    .expect("the token never reported expiry");
    let err = tokio::time::timeout(
        Duration::from_secs(2),
        Client::connect_with(config, DefaultTransport, manager.credential_provider()),
    )
    .await
    .expect("connecting with expired credentials hung")
    .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, redis_typed::Error::Auth(ref e) if e.is_expired()),
        "{err:?}"
    );
    assert!(text.contains("expired"), "{text}");
}

#[tokio::test]
async fn a_malformed_jwt_is_rejected_with_a_clear_error() {
    let server = RedisServer::start();
    let manager = TokenManager::new(
        || async { Ok(IdentityToken::jwt("not-a.jwt")) },
        TokenManagerConfig::default()
            .max_attempts(1)
            .backoff(Duration::from_millis(10), Duration::from_millis(10)),
    )
    .unwrap();
    let config = ConnectionConfig::from_url(&server.url()).unwrap();
    let err = tokio::time::timeout(
        Duration::from_secs(5),
        Client::connect_with(config, DefaultTransport, manager.credential_provider()),
    )
    .await
    .expect("a malformed token must not hang the connect")
    .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, redis_typed::Error::Auth(_)), "{err:?}");
    assert!(text.contains("malformed"), "{text}");
    assert!(
        !text.contains("not-a.jwt"),
        "the token leaked into the error: {text}"
    );
}
