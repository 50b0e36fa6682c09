//! The standalone half of the soak: workers on a multiplexed client and a
//! pool, and the chaos loop that restarts the server, kills connections and
//! rotates credentials.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redis_typed::auth::{Credentials, CredentialsSender, StreamingCredentials};
use redis_typed::commands::{Get, Incr, Set};
use redis_typed::pool::Pool;
use redis_typed::transport::DefaultTransport;
use redis_typed::{Client, Cmd, Error};

use crate::model::{Effects, Model, Replies};
use crate::stats::{clients_named, Faults, Stats, HUNG};
use crate::throwaway;
use crate::BoxError;

/// The ACL user the soak's clients log in as.
pub const USER: &str = "soak";

pub struct Worker {
    pub task: usize,
    pub client: Client<DefaultTransport, StreamingCredentials>,
    pub pool: Pool<DefaultTransport, StreamingCredentials>,
    pub stats: Arc<Stats>,
    pub started: Instant,
}

impl Worker {
    pub async fn run(self, stop: Arc<AtomicBool>) {
        let mut rng = StdRng::seed_from_u64(0x50a6 + self.task as u64);
        let mut model = Model::default();
        let counter_key = format!("soak:{}:n", self.task);
        let mut seq = 0u64;
        while !stop.load(Ordering::Relaxed) {
            seq += 1;
            let key = format!("soak:{}:{}", self.task, rng.random_range(0..8));
            let value = format!("{}:{key}:{seq}", self.task);
            let via_pool = rng.random_bool(0.5);
            let op = rng.random_range(0..4);
            let effects = Effects {
                writes: match op {
                    0 | 3 => vec![(key.clone(), value.clone())],
                    _ => Vec::new(),
                },
                incr: op >= 2,
            };
            let fut = self.op(op, via_pool, &key, &value, &counter_key);
            // The server keeps an `appendfsync always` AOF: an acknowledged
            // write survives a restart, so every reply is durable.
            let outcome = tokio::time::timeout(HUNG, fut)
                .await
                .map(|r| r.map(|replies| (replies, true)));
            model.settle(
                &self.stats,
                self.started,
                &effects,
                &key,
                &counter_key,
                outcome,
            );
        }
    }

    async fn op(
        &self,
        op: u32,
        via_pool: bool,
        key: &str,
        value: &str,
        counter: &str,
    ) -> Result<Replies, Error> {
        let get = |k: &str| Get::<String, String>::new(k.to_owned());
        let set = |k: &str, v: &str| Set::new(k.to_owned(), v.to_owned());
        let mut r = Replies::default();
        match (op, via_pool) {
            (0, false) => self.client.send(set(key, value)).await?,
            (0, true) => self.pool.send(set(key, value)).await?,
            (1, false) => r
                .reads
                .push((key.into(), self.client.send(get(key)).await?)),
            (1, true) => r.reads.push((key.into(), self.pool.send(get(key)).await?)),
            (2, false) => r.counter = Some(self.client.send(Incr::new(counter)).await?),
            (2, true) => r.counter = Some(self.pool.send(Incr::new(counter)).await?),
            (_, via_pool) => {
                // SET, GET and INCR in one pipeline, on the client or on a
                // connection of the pool.
                macro_rules! set_get_incr {
                    ($on:expr) => {
                        $on.pipeline()
                            .add(set(key, value))
                            .add(get(key))
                            .add(Incr::new(counter))
                            .send()
                            .await?
                    };
                }
                let ((), got, n) = if via_pool {
                    set_get_incr!(self.pool.get().await?)
                } else {
                    set_get_incr!(self.client)
                };
                r.reads.push((key.into(), got));
                r.counter = Some(n);
            }
        }
        Ok(r)
    }
}

/// The server and what it must be restarted with.
pub struct Server {
    pub port: u16,
    pub dir: PathBuf,
    /// The soak user's passwords currently valid on the server.
    pub passwords: Vec<String>,
    pub process: Option<throwaway::Throwaway>,
}

impl Server {
    fn config(&self) -> Vec<String> {
        let passwords: Vec<String> = self.passwords.iter().map(|p| format!(">{p}")).collect();
        vec![
            "save \"\"".into(),
            "appendonly yes".into(),
            "appendfsync always".into(),
            "user default on nopass ~* &* +@all".into(),
            format!("user {USER} on {} ~* &* +@all", passwords.join(" ")),
        ]
    }

    pub fn start(&mut self) -> Result<(), BoxError> {
        self.process = Some(throwaway::start_on(self.port, &self.dir, &self.config())?);
        Ok(())
    }

    pub fn kill(&mut self) {
        if let Some(mut p) = self.process.take() {
            p.kill();
        }
    }
}

/// The standalone chaos loop: every 1–3 s, a restart (at most one per 8 s),
/// a `CLIENT KILL TYPE normal` or a credential rotation, until `until`.
pub async fn chaos(
    server: &mut Server,
    admin: &Client,
    sender: &CredentialsSender,
    stats: &Stats,
    faults: &Faults,
    started: Instant,
    until: Instant,
) -> Result<(), BoxError> {
    let mut rng = StdRng::seed_from_u64(0xc4a05);
    let mut generation = 0u64;
    let mut last_restart = Instant::now();
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_millis(rng.random_range(1000..3000))).await;
        if Instant::now() >= until {
            break;
        }
        stats.fault_begin();
        let roll = rng.random_range(0..10);
        if roll < 2 && last_restart.elapsed() > Duration::from_secs(8) {
            server.kill();
            tokio::time::sleep(Duration::from_millis(rng.random_range(100..1500))).await;
            server.start()?;
            last_restart = Instant::now();
            faults.count("standalone restart");
        } else if roll < 6 {
            let killed = admin
                .send(
                    Cmd::<i64>::new("CLIENT")
                        .arg("KILL")
                        .arg("TYPE")
                        .arg("normal"),
                )
                .await;
            if killed.is_ok() {
                faults.count("standalone CLIENT KILL");
            }
        } else {
            generation += 1;
            let new = format!("pw-{generation}");
            let added = set_user(admin, &format!(">{new}")).await;
            if added.is_ok() {
                server.passwords.push(new.clone());
                sender.publish(Credentials::new(USER, new.as_str()));
                // Let the client and the pool re-authenticate, then retire
                // every older password.
                tokio::time::sleep(Duration::from_millis(1000)).await;
                let old: Vec<String> = server
                    .passwords
                    .drain(..server.passwords.len() - 1)
                    .collect();
                for p in old {
                    let removed = set_user(admin, &format!("<{p}")).await;
                    if removed.is_err() {
                        // Still valid on the server: keep it on restarts.
                        server.passwords.insert(0, p);
                    }
                }
                faults.count("standalone credential rotation");
            }
        }
        stats.fault_end(started);
    }
    Ok(())
}

/// `ACL SETUSER` of the soak user with one `rule` (`>pw` adds a password,
/// `<pw` removes it).
async fn set_user(admin: &Client, rule: &str) -> Result<(), Error> {
    admin
        .send(Cmd::<()>::new("ACL").arg("SETUSER").arg(USER).arg(rule))
        .await
}

/// Leaks: the pool quiet with exact counts; the server sees exactly the
/// pool's open connections and the client's one. Returns the number of
/// connections off, and what was seen.
pub async fn leaks(
    client: &Client<DefaultTransport, StreamingCredentials>,
    pool: &Pool<DefaultTransport, StreamingCredentials>,
    admin: &Client,
) -> (usize, String) {
    let _ = client.send(Cmd::<String>::new("PING")).await;
    let mut leaked = usize::MAX;
    let mut detail = String::new();
    for _ in 0..50 {
        let status = pool.status();
        let list = admin
            .send(Cmd::<String>::new("CLIENT").arg("LIST"))
            .await
            .unwrap_or_default();
        let on_server_pool = clients_named(&list, "soak-pool");
        let on_server_mux = clients_named(&list, "soak-mux");
        leaked = on_server_pool.abs_diff(status.total)
            + on_server_mux.abs_diff(1)
            + status.in_use
            + status.waiting
            + status.connecting
            + (status.idle + status.in_use).abs_diff(status.total);
        detail = format!(
            "standalone: pool {status}; server sees {on_server_pool} pool connections, {on_server_mux} client connections"
        );
        if leaked == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    (leaked, detail)
}
