//! Token rotation: an identity provider mints short-lived JWTs and installs
//! each one as an ACL user's password; a multiplexed client under load
//! re-authenticates in band on every rotation.
//!
//! ```text
//! cargo run --example token_rotation [-- --rotations 20]
//! ```
//!
//! Always runs against a throwaway `redis-server` (it creates ACL users).
//! Last line: `rotations: R, commands: N, failed: F, reconnects: C, reauths: A`.

#[path = "common/throwaway.rs"]
mod throwaway;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis_typed::auth::jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use redis_typed::auth::{IdentityToken, JwtParser, TokenManager, TokenManagerConfig};
use redis_typed::commands::{Get, Set};
use redis_typed::events::{Event, EventDispatcher};
use redis_typed::transport::DefaultTransport;
use redis_typed::{Client, Cmd, ConnectionConfig};
use tokio::sync::Notify;

const USER: &str = "app";

fn mint(serial: u64, life: u64) -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let claims = serde_json::json!({ "iat": now, "exp": now + life, "oid": USER, "jti": serial });
    let key = EncodingKey::from_secret(b"example signing key");
    encode(&Header::new(Algorithm::HS256), &claims, &key).expect("HS256 signing")
}

async fn info_field(client: &Client, section: &str, prefix: &str) -> i64 {
    let info: String = client
        .send(Cmd::new("INFO").arg(section))
        .await
        .unwrap_or_default();
    info.lines()
        .find_map(|l| l.strip_prefix(prefix))
        .and_then(|v| v.split(',').next().and_then(|n| n.trim().parse().ok()))
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rotations: u64 = std::env::args()
        .skip_while(|a| a != "--rotations")
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(20);
    let (url, _server) = throwaway::start()?;
    let admin = Client::open(&url).await?;

    // The identity provider: mint a token, make it the user's password,
    // drop the one before last (the previous stays valid during switch-over).
    let installed = Arc::new(Mutex::new(VecDeque::<String>::new()));
    let serial = Arc::new(AtomicU64::new(0));
    let provider = {
        let admin = admin.clone();
        move || {
            let (admin, installed, serial) = (admin.clone(), installed.clone(), serial.clone());
            async move {
                let token = mint(serial.fetch_add(1, Ordering::SeqCst), 30);
                let mut cmd = Cmd::<()>::new("ACL")
                    .arg("SETUSER")
                    .arg(USER)
                    .arg("on")
                    .arg("~*")
                    .arg("+@all")
                    .arg(&format!(">{token}"));
                let old = {
                    let mut installed = installed.lock().unwrap();
                    installed.push_back(token.clone());
                    (installed.len() > 2)
                        .then(|| installed.pop_front())
                        .flatten()
                };
                if let Some(old) = old {
                    cmd = cmd.arg(&format!("<{old}"));
                }
                admin.send(cmd).await?;
                Ok(IdentityToken::jwt(token))
            }
        }
    };

    let events = EventDispatcher::new();
    let reauths = Arc::new(AtomicU64::new(0));
    let reauthed = Arc::new(Notify::new());
    {
        let (reauths, reauthed) = (reauths.clone(), reauthed.clone());
        events.add_listener(move |event: &Event<'_>| {
            if let Event::ReauthSucceeded { .. } = event {
                reauths.fetch_add(1, Ordering::SeqCst);
                reauthed.notify_waiters();
            }
        });
    }
    let manager = TokenManager::with_events(
        provider,
        TokenManagerConfig::default().jwt(JwtParser::new().user_claim("oid")),
        events.clone(),
    )?;
    let config = ConnectionConfig::from_url(&url)?.events(events);
    let client =
        Client::connect_with(config, DefaultTransport, manager.credential_provider()).await?;

    let connections_before = info_field(&admin, "stats", "total_connections_received:").await;
    let stop = Arc::new(AtomicBool::new(false));
    let (commands, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let mut tasks = Vec::new();
    for t in 0..32 {
        let (client, stop, commands, failed) = (
            client.clone(),
            stop.clone(),
            commands.clone(),
            failed.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let key = format!("rotation:{t}");
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let ok = client.send(Set::new(key.as_str(), i)).await.is_ok()
                    && client.send(Get::<_, u64>::new(key.as_str())).await.ok() == Some(Some(i));
                commands.fetch_add(2, Ordering::Relaxed);
                if !ok {
                    failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    for rotation in 1..=rotations {
        let notified = reauthed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        manager.refresh_now();
        while reauths.load(Ordering::SeqCst) < rotation {
            tokio::time::timeout(Duration::from_secs(10), notified.as_mut()).await?;
            notified.set(reauthed.notified());
            notified.as_mut().enable();
        }
        println!("rotation {rotation}: re-authenticated");
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await?;
    }
    let connections_after = info_field(&admin, "stats", "total_connections_received:").await;
    println!(
        "rotations: {rotations}, commands: {}, failed: {}, reconnects: {}, reauths: {}",
        commands.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        connections_after - connections_before,
        reauths.load(Ordering::SeqCst)
    );
    Ok(())
}
