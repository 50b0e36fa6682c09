//! Chaos soak: many tasks read and write through a multiplexed client and a
//! pool while a chaos loop restarts the server, kills connections and
//! rotates credentials. Every read is checked against what its own task
//! last wrote.
//!
//! ```text
//! cargo run --release --example soak -- --secs 300 [--tasks 32]
//! ```
//!
//! Always runs against throwaway `redis-server`s that it starts itself (never
//! the one on 6379): it kills and restarts them, and installs ACL users.
//!
//! - Workers: each task owns its keys (`soak:{task}:{k}` and a counter) and
//!   runs mixed SET / GET / INCR / pipelines, half through the client and
//!   half through the pool. A write that failed may or may not have been
//!   applied: its value stays possible for that key. A read that is neither
//!   the last acknowledged write nor such a possible value, a reply of the
//!   wrong type, or an error that is not a typed connection, timeout,
//!   server or auth error counts as a wrong reply. An operation that takes
//!   more than 10 s counts as hung.
//! - Chaos: every 1–3 s one of: restart the server (SIGKILL, then start on
//!   the same port; it keeps an `appendfsync always` AOF so acknowledged
//!   writes survive), `CLIENT KILL TYPE normal`, or a credential rotation
//!   (a new ACL password is added, published through a
//!   [`StreamingCredentials`] channel that the client and the pool both
//!   follow, and the old one removed). Cluster failovers are not part of it
//!   yet (no cluster client in the crate).
//! - At the end: the pool must be quiet with exact counts, and the server
//!   must see exactly the pool's open connections and the client's one.
//!
//! Last line: `ops: N, errors: E, wrong_replies: W, hung: H, leaked_connections: L`.

#[path = "common/throwaway.rs"]
mod throwaway;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redis_typed::auth::{Credentials, StreamingCredentials};
use redis_typed::commands::{Get, Incr, Set};
use redis_typed::pool::{Pool, PoolConfig};
use redis_typed::transport::DefaultTransport;
use redis_typed::{Client, Cmd, ConnectionConfig, Error, ErrorKind};

type BoxError = Box<dyn std::error::Error>;

const USER: &str = "soak";
/// An operation slower than this is hung.
const HUNG: Duration = Duration::from_secs(10);

/// Counters shared by the workers and the chaos loop.
#[derive(Default)]
struct Stats {
    ops: AtomicU64,
    errors: AtomicU64,
    wrong: AtomicU64,
    hung: AtomicU64,
    /// Errors more than 5 s after the last fault (reported, not fatal).
    quiet_errors: AtomicU64,
    /// Milliseconds since the start at which the last fault began or ended.
    last_fault_ms: AtomicU64,
    /// Error kinds seen, for the summary.
    kinds: Mutex<HashMap<String, u64>>,
    /// The first few wrong replies, for the summary.
    wrong_samples: Mutex<Vec<String>>,
}

impl Stats {
    fn error(&self, started: Instant, e: &Error) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        let now = started.elapsed().as_millis() as u64;
        if now > self.last_fault_ms.load(Ordering::Relaxed) + 5000 {
            self.quiet_errors.fetch_add(1, Ordering::Relaxed);
        }
        *self.kinds.lock().unwrap().entry(kind_of(e)).or_default() += 1;
    }

    fn wrong(&self, what: String) {
        self.wrong.fetch_add(1, Ordering::Relaxed);
        let mut samples = self.wrong_samples.lock().unwrap();
        if samples.len() < 10 {
            samples.push(what);
        }
    }

    fn fault(&self, started: Instant) {
        self.last_fault_ms
            .store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

fn kind_of(e: &Error) -> String {
    match e {
        Error::Io(io) => format!("io:{:?}", io.kind()),
        Error::Server(s) => format!("server:{:?}", s.kind),
        Error::Protocol(_) => "protocol".into(),
        Error::Timeout(_) => "timeout".into(),
        Error::ConnectionClosed(_) => "closed".into(),
        Error::ConnectionBroken => "broken".into(),
        Error::Auth(_) => "auth".into(),
        other => format!("other:{other}"),
    }
}

/// A typed error a fault may cause. Anything else (a conversion error, a
/// `WRONGTYPE`, a watch conflict...) means a reply reached the wrong caller
/// or was decoded as the wrong thing.
fn is_fault_error(e: &Error) -> bool {
    match e {
        Error::Io(_)
        | Error::Protocol(_)
        | Error::Timeout(_)
        | Error::ConnectionClosed(_)
        | Error::ConnectionBroken
        | Error::Auth(_) => true,
        Error::Server(s) => !matches!(s.kind, ErrorKind::WrongType),
        _ => false,
    }
}

/// What one task knows about its own keys.
#[derive(Default)]
struct Model {
    last: HashMap<String, Option<String>>,
    /// Writes whose outcome is unknown: possible from then on.
    maybe: HashMap<String, HashSet<String>>,
    /// The counter's last value seen, and how many INCRs may have been
    /// applied without an answer.
    counter: i64,
    counter_unknown: i64,
}

impl Model {
    fn check(&self, key: &str, got: &Option<String>) -> Result<(), String> {
        let last = self.last.get(key).cloned().unwrap_or(None);
        let maybe = got
            .as_ref()
            .is_some_and(|v| self.maybe.get(key).is_some_and(|m| m.contains(v)));
        if *got == last || maybe {
            Ok(())
        } else {
            Err(format!("{key}: read {got:?}, last wrote {last:?}"))
        }
    }

    fn check_counter(&mut self, key: &str, got: i64) -> Result<(), String> {
        let (lo, hi) = (self.counter + 1, self.counter + 1 + self.counter_unknown);
        if got < lo || got > hi {
            return Err(format!("{key}: INCR gave {got}, expected {lo}..={hi}"));
        }
        self.counter = got;
        Ok(())
    }
}

struct Worker {
    task: usize,
    client: Client<DefaultTransport, StreamingCredentials>,
    pool: Pool<DefaultTransport, StreamingCredentials>,
    stats: Arc<Stats>,
    started: Instant,
}

/// What an operation returned: reads to check and a counter value.
#[derive(Default)]
struct Replies {
    reads: Vec<(String, Option<String>)>,
    counter: Option<i64>,
}

impl Worker {
    async fn run(self, stop: Arc<AtomicBool>) {
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
            // (writes key, increments counter)
            let effects = match op {
                0 => (true, false),
                1 => (false, false),
                2 => (false, true),
                _ => (true, true),
            };
            let fut = self.op(op, via_pool, &key, &value, &counter_key);
            let outcome = tokio::time::timeout(HUNG, fut).await;
            self.stats.ops.fetch_add(1, Ordering::Relaxed);
            let unknown = |model: &mut Model| {
                if effects.0 {
                    model
                        .maybe
                        .entry(key.clone())
                        .or_default()
                        .insert(value.clone());
                }
                if effects.1 {
                    model.counter_unknown += 1;
                }
            };
            match outcome {
                Err(_) => {
                    self.stats.hung.fetch_add(1, Ordering::Relaxed);
                    unknown(&mut model);
                }
                Ok(Err(e)) if is_fault_error(&e) => {
                    self.stats.error(self.started, &e);
                    unknown(&mut model);
                }
                Ok(Err(e)) => {
                    self.stats.wrong(format!("{key}: untyped error {e:?}"));
                    unknown(&mut model);
                }
                Ok(Ok(replies)) => {
                    if effects.0 {
                        model.last.insert(key.clone(), Some(value.clone()));
                    }
                    let mut bad = Vec::new();
                    for (k, got) in &replies.reads {
                        if let Err(e) = model.check(k, got) {
                            bad.push(e);
                        }
                    }
                    if let Some(n) = replies.counter {
                        if let Err(e) = model.check_counter(&counter_key, n) {
                            bad.push(e);
                        }
                    }
                    for b in bad {
                        self.stats.wrong(b);
                    }
                }
            }
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
            (_, false) => {
                let ((), got, n) = self
                    .client
                    .pipeline()
                    .add(set(key, value))
                    .add(get(key))
                    .add(Incr::new(counter))
                    .send()
                    .await?;
                r.reads.push((key.into(), got));
                r.counter = Some(n);
            }
            (_, true) => {
                let mut conn = self.pool.get().await?;
                let ((), got, n) = conn
                    .pipeline()
                    .add(set(key, value))
                    .add(get(key))
                    .add(Incr::new(counter))
                    .send()
                    .await?;
                r.reads.push((key.into(), got));
                r.counter = Some(n);
            }
        }
        Ok(r)
    }
}

/// The server and what it must be restarted with.
struct Server {
    port: u16,
    dir: PathBuf,
    /// The soak user's passwords currently valid on the server.
    passwords: Vec<String>,
    process: Option<throwaway::Throwaway>,
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

    fn start(&mut self) -> Result<(), BoxError> {
        self.process = Some(throwaway::start_on(self.port, &self.dir, &self.config())?);
        Ok(())
    }

    fn kill(&mut self) {
        if let Some(mut p) = self.process.take() {
            p.kill();
        }
    }
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} takes a number"))
        })
        .unwrap_or(default)
}

fn clients_named(list: &str, name: &str) -> usize {
    list.lines()
        .filter(|l| l.contains(&format!(" name={name} ")))
        .count()
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let secs = arg("--secs", 60);
    let tasks = arg("--tasks", 32) as usize;
    let started = Instant::now();
    let deadline = started + Duration::from_secs(secs);
    // Chaos stops a little before the end, so the final checks see a
    // settled system.
    let chaos_until = deadline - Duration::from_secs(secs.min(5) / 2 + secs / 20);

    let dir = tempfile::Builder::new()
        .prefix("redis-typed-soak-")
        .tempdir()?;
    let mut server = Server {
        port: throwaway::free_port()?,
        dir: dir.path().to_owned(),
        passwords: vec!["pw-0".into()],
        process: None,
    };
    server.start()?;
    let url = format!("redis://127.0.0.1:{}", server.port);
    eprintln!("soak: {secs} s, {tasks} tasks, server on {url}");

    let (sender, provider) = StreamingCredentials::channel();
    sender.publish(Credentials::new(USER, "pw-0"));
    let base = ConnectionConfig::from_url(&url)?
        .response_timeout(Some(Duration::from_secs(3)))
        .connect_timeout(Duration::from_secs(2));
    let client = Client::connect_with(
        base.clone().client_name("soak-mux"),
        DefaultTransport,
        provider.clone(),
    )
    .await?;
    let pool = Pool::connect_with(
        base.clone().client_name("soak-pool"),
        PoolConfig::default()
            .max_size(8)
            .acquire_timeout(Duration::from_secs(5)),
        DefaultTransport,
        provider.clone(),
    )
    .await?;
    let admin = Client::connect(base.clone().client_name("soak-admin")).await?;

    let stats = Arc::new(Stats::default());
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..tasks)
        .map(|task| {
            let worker = Worker {
                task,
                client: client.clone(),
                pool: pool.clone(),
                stats: stats.clone(),
                started,
            };
            tokio::spawn(worker.run(stop.clone()))
        })
        .collect();

    // The chaos loop.
    let mut rng = StdRng::seed_from_u64(0xc4a05);
    let (mut restarts, mut kills, mut rotations, mut generation) = (0u64, 0u64, 0u64, 0u64);
    let mut last_restart = Instant::now();
    let mut next_report = Instant::now() + Duration::from_secs(30);
    while Instant::now() < chaos_until {
        tokio::time::sleep(Duration::from_millis(rng.random_range(1000..3000))).await;
        if Instant::now() >= chaos_until {
            break;
        }
        stats.fault(started);
        let roll = rng.random_range(0..10);
        if roll < 2 && last_restart.elapsed() > Duration::from_secs(8) {
            server.kill();
            tokio::time::sleep(Duration::from_millis(rng.random_range(100..1500))).await;
            server.start()?;
            last_restart = Instant::now();
            restarts += 1;
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
                kills += 1;
            }
        } else {
            generation += 1;
            let new = format!("pw-{generation}");
            let added = admin
                .send(
                    Cmd::<()>::new("ACL")
                        .arg("SETUSER")
                        .arg(USER)
                        .arg(&format!(">{new}")),
                )
                .await;
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
                    let removed = admin
                        .send(
                            Cmd::<()>::new("ACL")
                                .arg("SETUSER")
                                .arg(USER)
                                .arg(&format!("<{p}")),
                        )
                        .await;
                    if removed.is_err() {
                        // Still valid on the server: keep it on restarts.
                        server.passwords.insert(0, p);
                    }
                }
                rotations += 1;
            }
        }
        stats.fault(started);
        if Instant::now() >= next_report {
            next_report += Duration::from_secs(30);
            eprintln!(
                "[{:>4} s] ops {}, errors {}, wrong {}, hung {}; restarts {restarts}, kills {kills}, rotations {rotations}; pool {}",
                started.elapsed().as_secs(),
                stats.ops.load(Ordering::Relaxed),
                stats.errors.load(Ordering::Relaxed),
                stats.wrong.load(Ordering::Relaxed),
                stats.hung.load(Ordering::Relaxed),
                pool.status(),
            );
        }
    }
    tokio::time::sleep_until(deadline.into()).await;
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        if tokio::time::timeout(HUNG + Duration::from_secs(5), w)
            .await
            .is_err()
        {
            stats.hung.fetch_add(1, Ordering::Relaxed);
        }
    }

    // Leaks: the pool quiet with exact counts; the server sees exactly the
    // pool's open connections and the client's one.
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
            "pool: {status}; server: {on_server_pool} pool connections, {on_server_mux} client connections"
        );
        if leaked == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    eprintln!("chaos: {restarts} restarts, {kills} CLIENT KILLs, {rotations} credential rotations");
    eprintln!("{detail}");
    eprintln!(
        "errors by kind: {:?}; errors more than 5 s after a fault: {}",
        stats.kinds.lock().unwrap(),
        stats.quiet_errors.load(Ordering::Relaxed)
    );
    for w in stats.wrong_samples.lock().unwrap().iter() {
        eprintln!("wrong reply: {w}");
    }
    drop((client, pool, admin));
    server.kill();
    println!(
        "ops: {}, errors: {}, wrong_replies: {}, hung: {}, leaked_connections: {}",
        stats.ops.load(Ordering::Relaxed),
        stats.errors.load(Ordering::Relaxed),
        stats.wrong.load(Ordering::Relaxed),
        stats.hung.load(Ordering::Relaxed),
        leaked
    );
    Ok(())
}
