//! The connection pool against real servers (and a scripted in-memory one
//! for retries): exact counts under cancellation, FIFO waiting, health
//! checks, session hygiene, blocking commands, recovery after a restart.

mod support;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redis_typed::auth::StaticCredentials;
use redis_typed::pool::{
    CloseReason, Creation, Pool, PoolConfig, PoolEvent, PoolListener, PoolStatus,
};
use redis_typed::resp::{write_value, Decoder};
use redis_typed::retry::{ExponentialWithJitter, NoBackoff, Retry};
use redis_typed::transport::MemoryTransport;
use redis_typed::{Client, Cmd, ConnectionConfig, Error, Protocol, Value};
use support::RedisServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn config(server: &RedisServer) -> ConnectionConfig {
    ConnectionConfig::from_url(&server.url())
        .unwrap()
        .response_timeout(Some(Duration::from_secs(5)))
}

/// A pool event, owned, for assertions.
#[derive(Debug, Clone, PartialEq)]
enum Seen {
    Waiting,
    TimedOut,
    Created(u64),
    ConnectFailed,
    Acquired(u64),
    Released(u64),
    Closed(u64, CloseReason),
    Detached(u64),
    Retrying(u32),
    Other,
}

impl From<&PoolEvent<'_>> for Seen {
    fn from(event: &PoolEvent<'_>) -> Self {
        match event {
            PoolEvent::Waiting => Seen::Waiting,
            PoolEvent::TimedOut { .. } => Seen::TimedOut,
            PoolEvent::Created { id } => Seen::Created(id.get()),
            PoolEvent::ConnectFailed { .. } => Seen::ConnectFailed,
            PoolEvent::Acquired { id, .. } => Seen::Acquired(id.get()),
            PoolEvent::Released { id } => Seen::Released(id.get()),
            PoolEvent::Closed { id, reason } => Seen::Closed(id.get(), *reason),
            PoolEvent::Detached { id } => Seen::Detached(id.get()),
            PoolEvent::Retrying(retry) => Seen::Retrying(retry.retry),
            _ => Seen::Other,
        }
    }
}

/// Every event of a pool: kept in a log and sent down a channel to await.
struct Events {
    log: Arc<Mutex<Vec<Seen>>>,
    rx: mpsc::UnboundedReceiver<Seen>,
}

impl Events {
    fn new() -> (Events, impl PoolListener + 'static) {
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::unbounded_channel();
        let sink = log.clone();
        let listener = move |event: &PoolEvent<'_>| {
            let seen = Seen::from(event);
            sink.lock().unwrap().push(seen.clone());
            let _ = tx.send(seen);
        };
        (Events { log, rx }, listener)
    }

    /// Waits for the next event matching `want` (skipping others).
    async fn next(&mut self, want: impl Fn(&Seen) -> bool) -> Seen {
        let wait = async {
            loop {
                let seen = self.rx.recv().await.expect("the pool is alive");
                if want(&seen) {
                    return seen;
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .expect("the awaited pool event never came")
    }

    fn count(&self, want: impl Fn(&Seen) -> bool) -> usize {
        self.log.lock().unwrap().iter().filter(|s| want(s)).count()
    }

    fn all(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }
}

/// The invariants that hold at every instant.
fn assert_consistent(s: &PoolStatus) {
    assert_eq!(s.total, s.idle + s.in_use, "{s}");
    assert!(s.total + s.connecting <= s.max_size, "max exceeded: {s}");
}

/// Nothing handed out, opening or queued.
fn assert_quiet(s: &PoolStatus) {
    assert_consistent(s);
    assert!(s.is_quiet(), "leaked: {s}");
}

/// Connections the server lists with this client name.
fn named_clients(server: &RedisServer, name: &str) -> usize {
    let needle = format!(" name={name} ");
    server
        .cli(&["CLIENT", "LIST"])
        .lines()
        .filter(|l| l.contains(&needle))
        .count()
}

/// Polls `check` until it holds, for facts with no event to await (the
/// server noticing a closed socket). Fails after 10 s.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "never happened: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn set(key: &str, value: impl std::fmt::Display) -> Cmd<()> {
    Cmd::new("SET").key(key).arg(&value.to_string())
}

fn get(key: &str) -> Cmd<Option<String>> {
    Cmd::new("GET").key(key).read_only()
}

fn client_id() -> Cmd<i64> {
    Cmd::new("CLIENT").arg("ID")
}

/// A port nothing listens on (bound, then released).
fn dead_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---------------------------------------------------------------------------
// Counting, creation, sizing
// ---------------------------------------------------------------------------

#[tokio::test]
async fn status_counts_every_connection_exactly_once() {
    let server = RedisServer::start();
    let pool = Pool::connect(config(&server), PoolConfig::default().max_size(3))
        .await
        .unwrap();
    let empty = PoolStatus {
        max_size: 3,
        ..PoolStatus::default()
    };
    assert_eq!(pool.status(), empty, "lazy: nothing opened yet");

    let mut a = pool.get().await.unwrap();
    let b = pool.get().await.unwrap();
    let s = pool.status();
    assert_eq!((s.total, s.idle, s.in_use), (2, 0, 2));
    a.send(set("count:a", 1)).await.unwrap();
    assert_eq!(a.send(get("count:a")).await.unwrap().as_deref(), Some("1"));
    drop(a);
    let s = pool.status();
    assert_eq!((s.total, s.idle, s.in_use), (2, 1, 1));
    drop(b);
    let s = pool.status();
    assert_eq!(
        (s.total, s.idle, s.in_use, s.waiting, s.connecting),
        (2, 2, 0, 0, 0)
    );

    // Pool::send: get, send, give back.
    pool.send(set("count:b", 2)).await.unwrap();
    assert_eq!(
        pool.send(get("count:b")).await.unwrap().as_deref(),
        Some("2")
    );
    assert_quiet(&pool.status());
    assert_eq!(pool.status().total, 2, "idle connections are reused");
}

#[tokio::test]
async fn eager_creation_fills_min_idle_and_the_pool_refills_it() {
    let server = RedisServer::start();
    let (mut events, listener) = Events::new();
    let config = config(&server).client_name("pool-eager");
    let pool_config = PoolConfig::default()
        .max_size(5)
        .min_idle(3)
        .creation(Creation::Eager)
        .listener(listener);
    let pool = Pool::connect(config, pool_config).await.unwrap();
    let s = pool.status();
    assert_eq!((s.total, s.idle), (3, 3), "{s}");
    assert_eq!(named_clients(&server, "pool-eager"), 3);

    // Close all three: the maintenance task, woken by the closes, opens
    // three new idle connections.
    let held = [
        pool.get().await.unwrap(),
        pool.get().await.unwrap(),
        pool.get().await.unwrap(),
    ];
    for conn in held {
        conn.discard();
    }
    for _ in 0..3 {
        events
            .next(|s| matches!(s, Seen::Created(id) if *id > 3))
            .await;
    }
    let s = pool.status();
    assert_eq!((s.total, s.idle), (3, 3), "{s}");
    assert_eq!(
        events.count(|s| matches!(s, Seen::Closed(_, CloseReason::Discarded))),
        3
    );
    eventually("the server sees 3 pool connections", || {
        named_clients(&server, "pool-eager") == 3
    })
    .await;
}

#[tokio::test]
async fn lazy_pool_starts_without_a_server_and_eager_fails_fast() {
    let url = format!("redis://127.0.0.1:{}", dead_port());
    let config = ConnectionConfig::from_url(&url).unwrap();

    let lazy = Pool::connect(config.clone(), PoolConfig::default())
        .await
        .unwrap();
    let err = lazy.get().await.unwrap_err();
    assert!(err.is_connection_error(), "{err:?}");
    assert_quiet(&lazy.status());
    assert_eq!(lazy.status().total, 0);

    let eager = PoolConfig::default().min_idle(1).creation(Creation::Eager);
    let err = Pool::connect(config, eager).await.unwrap_err();
    assert!(err.is_connection_error(), "{err:?}");
}

#[tokio::test]
async fn invalid_sizes_are_configuration_errors() {
    let config = ConnectionConfig::default();
    for bad in [
        PoolConfig::default().max_size(0),
        PoolConfig::default().max_size(2).min_idle(3),
    ] {
        let err = Pool::connect(config.clone(), bad).await.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
    }
}

#[tokio::test]
async fn detach_and_discard_free_their_slots() {
    let server = RedisServer::start();
    let (events, listener) = Events::new();
    let pool = Pool::connect(
        config(&server),
        PoolConfig::default().max_size(1).listener(listener),
    )
    .await
    .unwrap();
    let conn = pool.get().await.unwrap();
    let first = conn.id().get();
    let mut own = conn.detach();
    assert_quiet(&pool.status());
    assert_eq!(pool.status().total, 0);
    // The detached connection still works, outside the pool.
    let _: Value = own.send(Cmd::new("PING")).await.unwrap();

    let conn = pool.get().await.unwrap();
    assert_ne!(conn.id().get(), first);
    let second = conn.id().get();
    conn.discard();
    assert_eq!(pool.status().total, 0);
    assert!(events.all().contains(&Seen::Detached(first)));
    assert!(events
        .all()
        .contains(&Seen::Closed(second, CloseReason::Discarded)));
}

// ---------------------------------------------------------------------------
// Waiting: FIFO order, timeouts, cancellation
// ---------------------------------------------------------------------------

#[tokio::test]
async fn waiters_are_served_in_arrival_order_even_when_some_give_up() {
    let server = RedisServer::start();
    let (mut events, listener) = Events::new();
    let pool = Pool::connect(
        config(&server),
        PoolConfig::default().max_size(1).listener(listener),
    )
    .await
    .unwrap();
    let held = pool.get().await.unwrap();

    let order = Arc::new(Mutex::new(Vec::new()));
    let mut waiters = Vec::new();
    for i in 0..8 {
        let (waiter, order) = (pool.clone(), order.clone());
        waiters.push(tokio::spawn(async move {
            let conn = waiter.get().await.unwrap();
            order.lock().unwrap().push(i);
            drop(conn);
        }));
        // Waiter i is in the queue before waiter i + 1 starts.
        events.next(|s| *s == Seen::Waiting).await;
        assert_eq!(pool.status().waiting, i + 1);
    }

    // Two waiters in the middle of the queue give up.
    for i in [2, 5] {
        waiters[i].abort();
        assert!((&mut waiters[i]).await.unwrap_err().is_cancelled());
    }
    assert_eq!(pool.status().waiting, 6, "cancelled waiters are uncounted");

    drop(held);
    for (i, waiter) in waiters.into_iter().enumerate() {
        if i != 2 && i != 5 {
            waiter.await.unwrap();
        }
    }
    assert_eq!(*order.lock().unwrap(), [0, 1, 3, 4, 6, 7]);
    let s = pool.status();
    assert_quiet(&s);
    assert_eq!(s.total, 1);
}

#[tokio::test]
async fn a_full_pool_times_out_waiters_in_arrival_order_with_a_typed_error() {
    let server = RedisServer::start();
    let (mut events, listener) = Events::new();
    let limit = Duration::from_millis(300);
    let pool_config = PoolConfig::default()
        .max_size(1)
        .acquire_timeout(limit)
        .listener(listener);
    let pool = Pool::connect(config(&server), pool_config).await.unwrap();
    let held = pool.get().await.unwrap();

    let order = Arc::new(Mutex::new(Vec::new()));
    let mut waiters = Vec::new();
    for i in 0..5 {
        let (pool, order) = (pool.clone(), order.clone());
        waiters.push(tokio::spawn(async move {
            let started = Instant::now();
            let err = pool.get().await.unwrap_err();
            let waited = started.elapsed();
            order.lock().unwrap().push(i);
            (err, waited)
        }));
        events.next(|s| *s == Seen::Waiting).await;
        // Deadlines 5 ms apart: more than the timer's 1 ms resolution, so
        // each fires on its own tick. (Spacing, not synchronisation: the
        // event above says the waiter is queued.)
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    for waiter in waiters {
        let (err, waited) = waiter.await.unwrap();
        assert!(matches!(err, Error::Timeout(d) if d == limit), "{err:?}");
        assert!(waited >= limit, "gave up early: {waited:?}");
    }
    assert_eq!(*order.lock().unwrap(), [0, 1, 2, 3, 4]);
    assert_eq!(events.count(|s| *s == Seen::TimedOut), 5);
    let s = pool.status();
    assert_eq!((s.waiting, s.in_use, s.total), (0, 1, 1), "{s}");
    drop(held);
    assert_quiet(&pool.status());
}

/// The acceptance test: 10 000 acquire/use/release cycles from 64 tasks,
/// with tasks aborted at random points and cycles dropped by random
/// timeouts (while queued, connecting, health-checking, or mid-command).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_cycles_with_random_aborts_leave_the_counts_exact() {
    const CYCLES: usize = 10_000;
    const TASKS: usize = 64;
    const MAX: usize = 16;
    let server = RedisServer::start();
    let (events, listener) = Events::new();
    let pool_config = PoolConfig::default()
        .max_size(MAX)
        .acquire_timeout(Duration::from_secs(30))
        .health_check_interval(Some(Duration::from_millis(1)))
        .listener(listener);
    let pool = Pool::connect(config(&server).client_name("pool-stress"), pool_config)
        .await
        .unwrap();

    let next = Arc::new(AtomicUsize::new(0));
    let completed = Arc::new(AtomicUsize::new(0));
    let timed_out = Arc::new(AtomicUsize::new(0));
    let holders = Arc::new(AtomicUsize::new(0));

    // Samples the status continuously: the invariants hold at every instant.
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = tokio::spawn({
        let (pool, stop) = (pool.clone(), stop.clone());
        async move {
            let mut samples = 0u64;
            let mut peak = 0;
            while !stop.load(Ordering::Relaxed) {
                let s = pool.status();
                assert_consistent(&s);
                peak = peak.max(s.total + s.connecting);
                samples += 1;
                tokio::task::yield_now().await;
            }
            (samples, peak)
        }
    });

    let spawn_worker = || {
        let (pool, next, completed, timed_out, holders) = (
            pool.clone(),
            next.clone(),
            completed.clone(),
            timed_out.clone(),
            holders.clone(),
        );
        tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= CYCLES {
                    return;
                }
                let mut rng = StdRng::seed_from_u64(n as u64);
                let cycle = one_cycle(&pool, n, &holders);
                if rng.random_bool(0.3) {
                    let limit = Duration::from_micros(rng.random_range(0..3000));
                    match tokio::time::timeout(limit, cycle).await {
                        Ok(()) => completed.fetch_add(1, Ordering::Relaxed),
                        Err(_) => timed_out.fetch_add(1, Ordering::Relaxed),
                    };
                } else {
                    cycle.await;
                    completed.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };

    let mut workers: Vec<_> = (0..TASKS).map(|_| spawn_worker()).collect();
    let mut rng = StdRng::seed_from_u64(42);
    let mut aborted = 0;
    while next.load(Ordering::Relaxed) < CYCLES {
        // Random spacing between aborts, so they land at random points.
        tokio::time::sleep(Duration::from_micros(rng.random_range(0..2000))).await;
        let i = rng.random_range(0..TASKS);
        workers[i].abort();
        match (&mut workers[i]).await {
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => aborted += 1,
            Ok(()) => {}
        }
        workers[i] = spawn_worker();
    }
    for worker in workers {
        if let Err(e) = worker.await {
            std::panic::resume_unwind(e.into_panic());
        }
    }
    stop.store(true, Ordering::Relaxed);
    let (samples, peak) = sampler.await.unwrap();

    let s = pool.status();
    assert_quiet(&s);
    assert!(s.total <= MAX && peak <= MAX, "{s}, peak {peak}");
    assert_eq!(holders.load(Ordering::Relaxed), 0);
    let created = events.count(|e| matches!(e, Seen::Created(_)));
    let closed = events.count(|e| matches!(e, Seen::Closed(..)));
    assert_eq!(
        created - closed,
        s.total,
        "every connection opened is open or closed"
    );
    let broken = events.count(|e| matches!(e, Seen::Closed(_, CloseReason::Broken)));
    let (done, dropped) = (
        completed.load(Ordering::Relaxed),
        timed_out.load(Ordering::Relaxed),
    );
    eprintln!(
        "cycles: {done} completed, {dropped} dropped by timeouts, {aborted} tasks aborted; \
         {created} connections opened, {broken} closed mid-command; peak {peak}/{MAX}; \
         {samples} status samples; final {s}"
    );
    assert!(
        aborted > 0 && dropped > 0 && broken > 0,
        "the cancellations were exercised"
    );
    // The server agrees: exactly the pool's connections are open.
    eventually("the server lists exactly the pool's connections", || {
        named_clients(&server, "pool-stress") == s.total
    })
    .await;
}

/// One acquire/use/release cycle; `holders` counts callers holding a
/// connection at once (never more than the pool's max).
async fn one_cycle(pool: &Pool, n: usize, holders: &AtomicUsize) {
    let mut conn = pool.get().await.unwrap();
    struct Held<'a>(&'a AtomicUsize);
    impl Drop for Held<'_> {
        fn drop(&mut self) {
            self.0.fetch_sub(1, Ordering::Relaxed);
        }
    }
    let at_once = holders.fetch_add(1, Ordering::Relaxed) + 1;
    let _held = Held(holders);
    assert!(at_once <= pool.status().max_size, "{at_once} holders");
    let key = format!("stress:{n}");
    conn.send(set(&key, n)).await.unwrap();
    if matches!(n % 3, 0) {
        // Blocks 10 ms server-side: a window for cancellations mid-reply.
        let popped: Option<Vec<String>> = conn
            .send(Cmd::new("BLPOP").key("stress:nothing").arg("0.01"))
            .await
            .unwrap();
        assert_eq!(popped, None);
    }
    assert_eq!(conn.send(get(&key)).await.unwrap(), Some(n.to_string()));
}

// ---------------------------------------------------------------------------
// Broken connections: health checks, failed and cancelled commands
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_connection_killed_server_side_is_caught_by_the_health_check_and_replaced() {
    let server = RedisServer::start();
    let (events, listener) = Events::new();
    let pool_config = PoolConfig::default()
        .max_size(1)
        .health_check_interval(Some(Duration::ZERO))
        .listener(listener);
    let pool = Pool::connect(config(&server), pool_config).await.unwrap();

    let mut conn = pool.get().await.unwrap();
    let (old, old_server_id) = (conn.id().get(), conn.send(client_id()).await.unwrap());
    drop(conn);
    assert_eq!(
        server.cli(&["CLIENT", "KILL", "ID", &old_server_id.to_string()]),
        "1"
    );

    // The caller never sees the dead connection.
    let mut conn = pool.get().await.unwrap();
    assert_ne!(conn.id().get(), old);
    assert_ne!(conn.send(client_id()).await.unwrap(), old_server_id);
    assert!(events
        .all()
        .contains(&Seen::Closed(old, CloseReason::HealthCheckFailed)));
    let s = pool.status();
    assert_eq!((s.total, s.in_use), (1, 1), "{s}");
}

#[tokio::test]
async fn without_a_health_check_a_dead_connection_fails_once_typed_and_is_replaced() {
    let server = RedisServer::start();
    let (events, listener) = Events::new();
    let pool_config = PoolConfig::default()
        .max_size(1)
        .health_check_interval(None)
        .listener(listener);
    let pool = Pool::connect(config(&server), pool_config).await.unwrap();
    let mut conn = pool.get().await.unwrap();
    let (old, server_id) = (conn.id().get(), conn.send(client_id()).await.unwrap());
    drop(conn);
    server.cli(&["CLIENT", "KILL", "ID", &server_id.to_string()]);

    let mut conn = pool.get().await.unwrap();
    assert_eq!(conn.id().get(), old, "not checked, so handed out");
    let err = conn.send(get("k")).await.unwrap_err();
    assert!(err.is_connection_error(), "{err:?}");
    assert!(!conn.is_usable());
    drop(conn);
    assert!(events
        .all()
        .contains(&Seen::Closed(old, CloseReason::Broken)));
    assert_eq!(pool.status().total, 0);

    let mut conn = pool.get().await.unwrap();
    assert_ne!(conn.id().get(), old);
    assert_eq!(conn.send(get("k")).await.unwrap(), None);
}

#[tokio::test]
async fn a_command_cancelled_mid_reply_closes_its_connection() {
    let server = RedisServer::start();
    let (events, listener) = Events::new();
    let pool = Pool::connect(
        config(&server).client_name("pool-cancel"),
        PoolConfig::default().listener(listener),
    )
    .await
    .unwrap();
    let mut conn = pool.get().await.unwrap();
    let id = conn.id().get();
    let blpop = conn.send(
        Cmd::<Option<Vec<String>>>::new("BLPOP")
            .key("never")
            .arg(&5),
    );
    assert!(tokio::time::timeout(Duration::from_millis(50), blpop)
        .await
        .is_err());
    assert!(
        !conn.is_usable(),
        "a reply is still owed to the abandoned BLPOP"
    );
    drop(conn);
    assert!(events
        .all()
        .contains(&Seen::Closed(id, CloseReason::Broken)));
    let s = pool.status();
    assert_quiet(&s);
    assert_eq!(s.total, 0);
    eventually("the server drops the connection", || {
        named_clients(&server, "pool-cancel") == 0
    })
    .await;
}

#[tokio::test]
async fn max_lifetime_retires_old_connections() {
    let server = RedisServer::start();
    let (events, listener) = Events::new();
    let pool_config = PoolConfig::default()
        .max_lifetime(Some(Duration::from_millis(100)))
        .listener(listener);
    let pool = Pool::connect(config(&server), pool_config).await.unwrap();
    let old = pool.get().await.unwrap().id().get();
    // Let it age past its lifetime (the duration under test).
    tokio::time::sleep(Duration::from_millis(150)).await;
    let conn = pool.get().await.unwrap();
    assert_ne!(conn.id().get(), old);
    assert!(events
        .all()
        .contains(&Seen::Closed(old, CloseReason::Expired)));
    assert_eq!(pool.status().total, 1);
}

// ---------------------------------------------------------------------------
// Blocking commands, WATCH, session hygiene
// ---------------------------------------------------------------------------

#[tokio::test]
async fn blpop_through_the_pool_waits_past_the_pool_response_timeout_when_set_to_none() {
    let server = RedisServer::start();
    let limit = Duration::from_millis(200);
    let pool = Pool::connect(
        config(&server).response_timeout(Some(limit)),
        PoolConfig::default(),
    )
    .await
    .unwrap();

    let mut conn = pool.get().await.unwrap();
    let id = conn.id();
    conn.set_response_timeout(None);
    let pop = conn.send(
        Cmd::<Option<(String, String)>>::new("BLPOP")
            .key("jobs")
            .arg(&0),
    );
    let push = async {
        eventually("BLPOP blocks on the server", || {
            server
                .cli(&["INFO", "clients"])
                .contains("blocked_clients:1")
        })
        .await;
        // Keep it blocked for twice the pool's response timeout.
        tokio::time::sleep(2 * limit).await;
        pool.send(Cmd::<i64>::new("LPUSH").key("jobs").arg("job-1"))
            .await
            .unwrap()
    };
    let (popped, pushed) = tokio::join!(pop, push);
    assert_eq!(pushed, 1);
    assert_eq!(
        popped.unwrap(),
        Some(("jobs".to_owned(), "job-1".to_owned()))
    );
    drop(conn);

    // Back in the pool, the connection has the pool's timeout again.
    let mut conn = pool.get().await.unwrap();
    assert_eq!(conn.id(), id);
    let err = conn
        .send(
            Cmd::<Option<(String, String)>>::new("BLPOP")
                .key("empty")
                .arg(&0),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == limit), "{err:?}");
    drop(conn);
    // Closed (a reply is owed to the abandoned BLPOP): only the connection
    // that ran LPUSH is left.
    let s = pool.status();
    assert_eq!((s.total, s.idle), (1, 1), "{s}");
    assert_ne!(pool.get().await.unwrap().id(), id);
}

#[tokio::test]
async fn watch_transactions_run_on_pooled_connections_and_leftover_watches_are_cleared() {
    let server = RedisServer::start();
    let pool = Pool::connect(config(&server), PoolConfig::default().max_size(2))
        .await
        .unwrap();
    pool.send(set("balance", 100)).await.unwrap();

    // A conflict: another connection writes the watched key.
    let mut conn = pool.get().await.unwrap();
    conn.watch(["balance"]).await.unwrap();
    let balance: i64 = conn.send(Cmd::new("GET").key("balance")).await.unwrap();
    pool.send(set("balance", 0)).await.unwrap();
    let err = conn
        .transaction()
        .add(set("balance", balance - 30))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WatchConflict), "{err:?}");

    // No conflict: the same steps succeed.
    conn.watch(["balance"]).await.unwrap();
    let balance: i64 = conn.send(Cmd::new("GET").key("balance")).await.unwrap();
    let ((),) = conn
        .transaction()
        .add(set("balance", balance + 1))
        .send()
        .await
        .unwrap();
    assert_eq!(
        pool.send(get("balance")).await.unwrap().as_deref(),
        Some("1")
    );

    // A WATCH left behind: the next caller's transaction must not fail
    // because of it.
    conn.watch(["balance"]).await.unwrap();
    let id = conn.id();
    drop(conn);
    server.cli(&["SET", "balance", "7"]);
    let mut conn = pool.get().await.unwrap();
    assert_eq!(conn.id(), id, "the same connection, most recently returned");
    let ((),) = conn
        .transaction()
        .add(set("balance", 8))
        .send()
        .await
        .unwrap();
    assert_eq!(server.cli(&["GET", "balance"]), "8");
}

#[tokio::test]
async fn commands_that_change_the_session_close_the_connection_on_release() {
    let server = RedisServer::start();
    let (events, listener) = Events::new();
    let pool = Pool::connect(config(&server), PoolConfig::default().listener(listener))
        .await
        .unwrap();
    let mut conn = pool.get().await.unwrap();
    conn.send(Cmd::<()>::new("SELECT").arg(&1)).await.unwrap();
    conn.send(set("in-db-1", 1)).await.unwrap();
    let id = conn.id().get();
    drop(conn);
    assert!(events
        .all()
        .contains(&Seen::Closed(id, CloseReason::SessionChanged)));
    // The next caller is on database 0 again.
    assert_eq!(pool.send(get("in-db-1")).await.unwrap(), None);
}

// ---------------------------------------------------------------------------
// Retries (scripted server) and recovery (real server restarted)
// ---------------------------------------------------------------------------

/// Reads one command from the fake server's end.
async fn read_command(end: &mut DuplexStream, buf: &mut BytesMut) -> Option<Vec<Bytes>> {
    let mut decoder = Decoder::new();
    loop {
        if let Some(value) = decoder.decode(buf).unwrap() {
            let Value::Array(items) = value else {
                panic!("not a command: {value:?}")
            };
            return Some(
                items
                    .into_iter()
                    .map(|i| match i {
                        Value::BulkString(b) => b,
                        other => panic!("not a bulk string: {other:?}"),
                    })
                    .collect(),
            );
        }
        if end.read_buf(buf).await.ok()? == 0 {
            return None;
        }
    }
}

async fn reply(end: &mut DuplexStream, value: Value) {
    let mut out = BytesMut::new();
    write_value(&mut out, &value);
    end.write_all(&out).await.unwrap();
}

fn name(cmd: &[Bytes]) -> &[u8] {
    &cmd[0]
}

#[tokio::test]
async fn pool_send_retries_reads_and_refused_writes_but_not_writes_that_may_have_run() {
    let (transport, mut server) = MemoryTransport::new();
    let (events, listener) = Events::new();
    let config = ConnectionConfig::default()
        .protocol(Protocol::Resp2)
        .response_timeout(Some(Duration::from_secs(5)));
    let pool_config = PoolConfig::default()
        .retry(Retry::new(3, NoBackoff))
        .health_check_interval(None)
        .listener(listener);
    let pool = Pool::connect_with(config, pool_config, transport, StaticCredentials::none())
        .await
        .unwrap();
    let retries = || events.count(|e| matches!(e, Seen::Retrying(_)));

    let fake = tokio::spawn(async move {
        let mut buf = BytesMut::new();
        // 1. A read: the first connection dies after reading it.
        let mut first = server.accept().await.unwrap();
        assert_eq!(
            name(&read_command(&mut first, &mut buf).await.unwrap()),
            b"GET"
        );
        drop(first);
        // The retry comes on a new connection and is answered.
        let mut second = server.accept().await.unwrap();
        buf.clear();
        assert_eq!(
            name(&read_command(&mut second, &mut buf).await.unwrap()),
            b"GET"
        );
        reply(&mut second, Value::BulkString(Bytes::from_static(b"v"))).await;
        // 2. A write: read, then hang up (did it run? unknown).
        assert_eq!(
            name(&read_command(&mut second, &mut buf).await.unwrap()),
            b"INCR"
        );
        drop(second);
        // 3. A write refused with LOADING, then accepted.
        let mut third = server.accept().await.unwrap();
        buf.clear();
        assert_eq!(
            name(&read_command(&mut third, &mut buf).await.unwrap()),
            b"INCR"
        );
        reply(
            &mut third,
            Value::Error(Bytes::from_static(b"LOADING Redis is loading the dataset")),
        )
        .await;
        assert_eq!(
            name(&read_command(&mut third, &mut buf).await.unwrap()),
            b"INCR"
        );
        reply(&mut third, Value::Integer(1)).await;
        (server, third)
    });

    let v = pool.send(get("k")).await.unwrap();
    assert_eq!(v.as_deref(), Some("v"));
    assert_eq!(retries(), 1, "the read was retried once");

    let incr = || Cmd::<i64>::new("INCR").key("n");
    let err = pool.send(incr()).await.unwrap_err();
    assert!(err.is_connection_error(), "{err:?}");
    assert_eq!(retries(), 1, "a write that may have run is not repeated");

    assert_eq!(pool.send(incr()).await.unwrap(), 1);
    assert_eq!(retries(), 2, "a refused write is repeated");

    // 4. A write with no connection to send it on: safe to retry, and
    // retried until the retries run out.
    let (server, third) = fake.await.unwrap();
    drop((server, third));
    pool.get().await.unwrap().discard();
    let err = pool.send(incr()).await.unwrap_err();
    assert!(err.is_connection_error(), "{err:?}");
    assert_eq!(retries(), 5);
    assert_quiet(&pool.status());
    assert_eq!(pool.status().total, 0);
}

#[tokio::test]
async fn an_exhausted_pool_is_not_retried() {
    let server = RedisServer::start();
    let (events, listener) = Events::new();
    let limit = Duration::from_millis(50);
    let pool_config = PoolConfig::default()
        .max_size(1)
        .acquire_timeout(limit)
        .retry(Retry::new(3, NoBackoff))
        .listener(listener);
    let pool = Pool::connect(config(&server), pool_config).await.unwrap();
    let held = pool.get().await.unwrap();
    let err = pool.send(get("k")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(d) if d == limit), "{err:?}");
    assert_eq!(events.count(|e| matches!(e, Seen::Retrying(_))), 0);
    assert_eq!(events.count(|e| *e == Seen::TimedOut), 1);
    drop(held);
    assert_eq!(pool.send(get("k")).await.unwrap(), None);
}

/// Sources of load in the restart test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Source {
    Pool,
    Client,
}

/// How long the server stays down.
const OUTAGE: Duration = Duration::from_millis(500);

/// How long after the restarted server is ready both the pool and the
/// multiplexed client must be serving again.
const RECOVERY_BOUND: Duration = Duration::from_secs(5);

type Outcomes = mpsc::UnboundedReceiver<(Source, Instant, Result<(), Error>)>;
type Errors = HashMap<(Source, &'static str), usize>;

/// Checks that an error seen during the outage is typed, and counts it.
fn record(errors: &mut Errors, source: Source, e: &Error) {
    assert!(
        e.is_connection_error() || e.is_timeout(),
        "untyped error in the outage: {e:?}"
    );
    let kind = match e {
        Error::Io(_) => "io",
        Error::ConnectionClosed(_) => "closed",
        Error::ConnectionBroken => "broken",
        Error::Timeout(_) => "timeout",
        _ => "protocol",
    };
    *errors.entry((source, kind)).or_default() += 1;
}

/// Waits until an outcome with `ok` success has come from both sources
/// after `since`, and returns when each came; every error on the way is
/// checked and counted.
async fn until_both(
    rx: &mut Outcomes,
    since: Instant,
    ok: bool,
    errors: &mut Errors,
) -> HashMap<Source, Instant> {
    let mut seen = HashMap::new();
    while seen.len() < 2 {
        let (source, at, result) = rx.recv().await.expect("load runs");
        if let Err(e) = &result {
            record(errors, source, e);
        }
        if at >= since && result.is_ok() == ok {
            seen.entry(source).or_insert(at);
        }
    }
    seen
}

/// A generous guard so a broken recovery fails instead of hanging.
fn bounded<F: Future>(f: F) -> tokio::time::Timeout<F> {
    tokio::time::timeout(RECOVERY_BOUND + Duration::from_secs(10), f)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_killed_mid_load_and_restarted_pool_and_client_recover_by_themselves() {
    let mut server = RedisServer::start();
    let config = config(&server)
        .response_timeout(Some(Duration::from_secs(1)))
        .connect_timeout(Duration::from_secs(1));
    let retry = Retry::new(
        2,
        ExponentialWithJitter::new(Duration::from_millis(5), Duration::from_millis(50)),
    );
    let pool = Pool::connect(
        config.clone(),
        PoolConfig::default().max_size(8).retry(retry),
    )
    .await
    .unwrap();
    let client = Client::connect(config).await.unwrap();

    let (tx, mut rx) = mpsc::unbounded_channel::<(Source, Instant, Result<(), Error>)>();
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = Vec::new();
    for t in 0..12 {
        let (pool, client, tx, stop) = (pool.clone(), client.clone(), tx.clone(), stop.clone());
        load.push(tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let key = format!("restart:{t}");
                let (source, result) = if t < 8 {
                    let r = if matches!(i % 2, 0) {
                        pool.send(get(&key)).await.map(drop)
                    } else {
                        pool.send(set(&key, i)).await
                    };
                    (Source::Pool, r)
                } else {
                    (Source::Client, client.send(set(&key, i)).await)
                };
                let failed = result.is_err();
                if tx.send((source, Instant::now(), result)).is_err() {
                    return;
                }
                if failed {
                    tokio::task::yield_now().await;
                }
            }
        }));
    }
    drop(tx);

    let mut errors: Errors = HashMap::new();
    // Steady load from both.
    let start = Instant::now();
    bounded(until_both(&mut rx, start, true, &mut errors))
        .await
        .unwrap();

    // Outage: both see typed errors.
    tokio::task::block_in_place(|| server.kill());
    let killed = Instant::now();
    bounded(until_both(&mut rx, killed, false, &mut errors))
        .await
        .unwrap();
    // Stay down a while (the outage under test), the load still running.
    let outage = tokio::time::sleep(OUTAGE);
    tokio::pin!(outage);
    loop {
        tokio::select! {
            _ = &mut outage => break,
            Some((source, _, result)) = rx.recv() => {
                if let Err(e) = result {
                    record(&mut errors, source, &e);
                }
            }
        }
    }
    let outage_errors: usize = errors.values().sum();

    // Restart on the same port: both recover by themselves.
    tokio::task::block_in_place(|| server.restart());
    let ready = Instant::now();
    let recovered = bounded(until_both(&mut rx, ready, true, &mut errors))
        .await
        .unwrap();
    let pool_after = recovered[&Source::Pool] - ready;
    let client_after = recovered[&Source::Client] - ready;
    eprintln!(
        "down for {:?}; recovered {pool_after:?} (pool) and {client_after:?} (client) after \
         the server was ready; errors by kind: {errors:?}",
        ready - killed
    );
    assert!(outage_errors > 0);
    assert!(pool_after <= RECOVERY_BOUND, "pool took {pool_after:?}");
    assert!(
        client_after <= RECOVERY_BOUND,
        "client took {client_after:?}"
    );

    // And keeps serving: a run of successes from each.
    let mut successes: HashMap<Source, usize> = HashMap::new();
    while successes.values().filter(|n| **n >= 100).count() < 2 {
        let (source, _, result) = rx.recv().await.unwrap();
        match result {
            Ok(()) => *successes.entry(source).or_default() += 1,
            Err(e) => record(&mut errors, source, &e),
        }
    }
    stop.store(true, Ordering::Relaxed);
    drop(rx);
    for task in load {
        task.await.unwrap();
    }
    let s = pool.status();
    assert_quiet(&s);
    assert!(s.total <= 8, "{s}");
}
