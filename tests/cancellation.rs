//! Cancellation safety against a real server: futures dropped at every
//! await point (sending, queued for a pool slot, reading, inside a pipeline,
//! inside MULTI) never leave a connection out of sync or a pool slot counted
//! wrong.
//!
//! Each task owns its keys and writes values naming the task, the key and a
//! sequence number, so a reply meant for another caller can never pass the
//! check. A write whose future was dropped may or may not have been applied:
//! its value stays possible for that key from then on (it may even land
//! after later writes made on another connection). Every other reply must be
//! exactly what the task itself last wrote.

mod support;

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redis_typed::commands::{Get, Set};
use redis_typed::pool::{Pool, PoolConfig, PoolStatus};
use redis_typed::{Client, Connection, ConnectionConfig, Error};
use support::RedisServer;

/// How long a future that is not cancelled may take before it counts as hung.
const HUNG: Duration = Duration::from_secs(10);

fn config(server: &RedisServer, name: &str) -> ConnectionConfig {
    ConnectionConfig::from_url(&server.url())
        .unwrap()
        .client_name(name)
        .response_timeout(Some(Duration::from_secs(5)))
}

/// Polls `fut` at most `polls` times (waking itself in between), then drops
/// it: a cancellation at an exact await point.
async fn drop_after_polls<F: Future>(fut: F, polls: usize) -> Option<F::Output> {
    let mut fut = pin!(fut);
    let mut n = 0;
    std::future::poll_fn(|cx| {
        if n >= polls {
            return Poll::Ready(None);
        }
        n += 1;
        match fut.as_mut().poll(cx) {
            Poll::Ready(v) => Poll::Ready(Some(v)),
            Poll::Pending => {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    })
    .await
}

/// Runs `fut` to completion or cancels it, at random: a tiny or zero
/// timeout, a drop after a few polls, a `select!` against a ready branch,
/// or `JoinHandle::abort`. `None` when it was cancelled before finishing.
async fn maybe_cancel<T: Send + 'static>(
    rng: &mut StdRng,
    fut: impl Future<Output = T> + Send + 'static,
) -> Option<T> {
    match rng.random_range(0..6) {
        0 | 1 => Some(
            tokio::time::timeout(HUNG, fut)
                .await
                .expect("an operation hung"),
        ),
        2 => {
            let micros = [0, 1, 10, 50, 200, 1000][rng.random_range(0..6)];
            tokio::time::timeout(Duration::from_micros(micros), fut)
                .await
                .ok()
        }
        3 => drop_after_polls(fut, rng.random_range(0..16)).await,
        4 => {
            let yields = rng.random_range(0..4);
            tokio::select! {
                biased;
                v = fut => Some(v),
                _ = async { for _ in 0..yields { tokio::task::yield_now().await } } => None,
            }
        }
        _ => {
            let handle = tokio::spawn(fut);
            for _ in 0..rng.random_range(0..6) {
                tokio::task::yield_now().await;
            }
            handle.abort();
            match handle.await {
                Ok(v) => Some(v),
                Err(e) if e.is_cancelled() => None,
                Err(e) => panic!("task failed: {e}"),
            }
        }
    }
}

/// What a task knows about its own keys.
#[derive(Default)]
struct Model {
    /// The last write known to have been applied (`None`: never written).
    last: HashMap<String, Option<String>>,
    /// Writes whose outcome is unknown: possible forever after.
    maybe: HashMap<String, HashSet<String>>,
}

impl Model {
    fn applied(&mut self, key: &str, value: &str) {
        self.last.insert(key.to_owned(), Some(value.to_owned()));
    }

    fn unknown(&mut self, key: &str, value: &str) {
        self.maybe
            .entry(key.to_owned())
            .or_default()
            .insert(value.to_owned());
    }

    /// Panics unless `got` is a value this task may have left in `key`.
    fn check(&self, key: &str, got: &Option<String>) {
        let last = self.last.get(key).cloned().unwrap_or(None);
        let maybe = got
            .as_ref()
            .is_some_and(|v| self.maybe.get(key).is_some_and(|m| m.contains(v)));
        assert!(
            *got == last || maybe,
            "{key}: read {got:?}, expected {last:?} or one of {:?}",
            self.maybe.get(key)
        );
    }
}

type Reply = Result<Option<String>, Error>;

/// One task's loop: random operations through every path, each randomly
/// cancelled, every completed reply checked against the model.
async fn worker(
    task: usize,
    iterations: usize,
    client: Client,
    pool: Pool,
    seed: u64,
) -> (usize, usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut model = Model::default();
    let mut dedicated: Option<Connection> = None;
    let (mut completed, mut cancelled) = (0, 0);
    for seq in 0..iterations {
        let key = format!("cx:{task}:{}", rng.random_range(0..3));
        let other = format!("cx:{task}:{}", rng.random_range(0..3));
        let value = format!("{task}:{key}:{seq}");
        let op = rng.random_range(0..8);
        // Whether this operation writes `value` to `key`, and what it read.
        let (writes, outcome): (bool, Option<Vec<(String, Reply)>>) = match op {
            0 => {
                let (c, k, v) = (client.clone(), key.clone(), value.clone());
                let out = maybe_cancel(&mut rng, async move { c.send(Set::new(k, v)).await }).await;
                (true, out.map(|r| r.map(|()| vec![]).unwrap_or_else(fail)))
            }
            1 => {
                let (c, k) = (client.clone(), key.clone());
                let out = maybe_cancel(
                    &mut rng,
                    async move { c.send(Get::<_, String>::new(k)).await },
                )
                .await;
                (false, out.map(|r| vec![(key.clone(), r)]))
            }
            2 => {
                let (c, k, v, o) = (client.clone(), key.clone(), value.clone(), other.clone());
                let out = maybe_cancel(&mut rng, async move {
                    c.pipeline()
                        .add(Set::new(k.clone(), v))
                        .add(Get::<_, String>::new(k))
                        .add(Get::<_, String>::new(o))
                        .send()
                        .await
                })
                .await;
                (true, out.map(|r| pair_replies(r, &key, &other)))
            }
            3 => {
                let (c, k, v) = (client.clone(), key.clone(), value.clone());
                let out = maybe_cancel(&mut rng, async move {
                    c.transaction()
                        .add(Set::new(k.clone(), v))
                        .add(Get::<_, String>::new(k))
                        .send()
                        .await
                })
                .await;
                if let Some(Ok(((), got))) = &out {
                    // MULTI/EXEC is atomic: exactly what it wrote.
                    assert_eq!(got.as_deref(), Some(value.as_str()), "{key} in MULTI");
                }
                (true, out.map(|r| r.map(|_| vec![]).unwrap_or_else(fail)))
            }
            4 => {
                let (p, k, v) = (pool.clone(), key.clone(), value.clone());
                let out = maybe_cancel(&mut rng, async move {
                    let mut conn = p.get().await?;
                    conn.send(Set::new(k.clone(), v)).await?;
                    conn.send(Get::<_, String>::new(k)).await
                })
                .await;
                (true, out.map(|r| vec![(key.clone(), r)]))
            }
            5 => {
                let (p, k, v, o) = (pool.clone(), key.clone(), value.clone(), other.clone());
                let out = maybe_cancel(&mut rng, async move {
                    let mut conn = p.get().await?;
                    conn.pipeline()
                        .add(Set::new(k.clone(), v))
                        .add(Get::<_, String>::new(k))
                        .add(Get::<_, String>::new(o))
                        .send()
                        .await
                })
                .await;
                (true, out.map(|r| pair_replies(r, &key, &other)))
            }
            6 => {
                // One GET through the pool's own send (acquire + send).
                let (p, k) = (pool.clone(), key.clone());
                let out = maybe_cancel(
                    &mut rng,
                    async move { p.send(Get::<_, String>::new(k)).await },
                )
                .await;
                (false, out.map(|r| vec![(key.clone(), r)]))
            }
            _ => {
                // A dedicated connection, moved into the future and handed
                // back when it finishes; a cancelled one is gone.
                let mut conn = match dedicated.take() {
                    Some(c) if c.is_usable() => c,
                    _ => client.dedicated().await.expect("dedicated connection"),
                };
                let (k, v, o) = (key.clone(), value.clone(), other.clone());
                let multi = rng.random_bool(0.5);
                let out = maybe_cancel(&mut rng, async move {
                    let r = if multi {
                        conn.transaction()
                            .add(Set::new(k.clone(), v))
                            .add(Get::<_, String>::new(o))
                            .send()
                            .await
                            .map(|((), got)| got)
                    } else {
                        match conn.send(Set::new(k.clone(), v)).await {
                            Ok(()) => conn.send(Get::<_, String>::new(o)).await,
                            Err(e) => Err(e),
                        }
                    };
                    (conn, r)
                })
                .await;
                let out = out.map(|(conn, r)| {
                    dedicated = Some(conn);
                    // The write was applied before the read of `other`.
                    r.map(|got| vec![(String::new(), Ok::<_, Error>(got))])
                        .unwrap_or_else(fail)
                });
                match out {
                    Some(mut reads) => {
                        model.applied(&key, &value);
                        if let Some((_, Ok(got))) = reads.pop() {
                            model.check(&other, &got);
                        }
                        completed += 1;
                    }
                    None => {
                        model.unknown(&key, &value);
                        cancelled += 1;
                    }
                }
                continue;
            }
        };
        match outcome {
            Some(reads) => {
                completed += 1;
                if writes {
                    model.applied(&key, &value);
                }
                for (k, r) in reads {
                    let got = r.unwrap_or_else(|e| panic!("{k}: unexpected error {e:?}"));
                    model.check(&k, &got);
                }
            }
            None => {
                cancelled += 1;
                if writes {
                    model.unknown(&key, &value);
                }
            }
        }
    }
    (completed, cancelled)
}

fn fail<T>(e: Error) -> T {
    panic!("unexpected error with no fault injected: {e:?}")
}

/// The reads of a `SET key; GET key; GET other` pipeline.
fn pair_replies(
    r: Result<((), Option<String>, Option<String>), Error>,
    key: &str,
    other: &str,
) -> Vec<(String, Reply)> {
    let ((), got, got_other) = r.unwrap_or_else(fail);
    vec![(key.to_owned(), Ok(got)), (other.to_owned(), Ok(got_other))]
}

fn named_clients(server: &RedisServer, name: &str) -> usize {
    server
        .cli(&["CLIENT", "LIST"])
        .lines()
        .filter(|l| l.contains(&format!(" name={name} ")))
        .count()
}

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..100 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("never became true: {what}");
}

fn assert_exact(s: &PoolStatus) {
    assert_eq!(s.total, s.idle + s.in_use, "{s}");
    assert_eq!((s.in_use, s.waiting, s.connecting), (0, 0, 0), "{s}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_cancellation_under_load_never_mixes_replies_or_leaks() {
    const TASKS: usize = 16;
    const ITERATIONS: usize = 250;
    let server = RedisServer::start();
    let client = Client::connect(config(&server, "cx-mux")).await.unwrap();
    let pool = Pool::connect(
        config(&server, "cx-pool"),
        PoolConfig::default()
            .max_size(4)
            .acquire_timeout(Duration::from_secs(10)),
    )
    .await
    .unwrap();

    let seed: u64 = std::env::var("CANCEL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed);
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            tokio::spawn(worker(
                t,
                ITERATIONS,
                client.clone(),
                pool.clone(),
                seed + t as u64,
            ))
        })
        .collect();
    let (mut completed, mut cancelled) = (0, 0);
    for t in tasks {
        let (c, x) = tokio::time::timeout(Duration::from_secs(120), t)
            .await
            .expect("a worker hung")
            .expect("a worker failed");
        completed += c;
        cancelled += x;
    }
    eprintln!("seed {seed}: {completed} completed, {cancelled} cancelled");
    assert!(cancelled > TASKS * ITERATIONS / 10, "too few cancellations");
    assert!(completed > TASKS * ITERATIONS / 4, "too few completions");

    // Nothing is in use, waiting or connecting; the server sees exactly the
    // pool's open connections and the client's one (every dedicated
    // connection was dropped with its task).
    eventually("pool quiet", || pool.status().is_quiet()).await;
    assert_exact(&pool.status());
    eventually("server sees exactly the pool's connections", || {
        named_clients(&server, "cx-pool") == pool.status().total
    })
    .await;
    eventually("server sees only the multiplexed connection", || {
        named_clients(&server, "cx-mux") == 1
    })
    .await;

    // And everything still answers correctly.
    for t in 0..TASKS {
        let key = format!("cx:{t}:final");
        client.send(Set::new(key.as_str(), t)).await.unwrap();
        let v: Option<usize> = pool.send(Get::new(key.as_str())).await.unwrap();
        assert_eq!(v, Some(t));
    }
}

/// Deterministic sweep: a pipeline on the multiplexed client dropped after
/// each possible number of polls; the next command always gets its own reply.
#[tokio::test]
async fn multiplexed_pipeline_dropped_at_every_poll_stays_in_sync() {
    let server = RedisServer::start();
    let client = Client::connect(config(&server, "cx-sweep")).await.unwrap();
    for polls in 0..40 {
        let key = format!("sweep:{polls}");
        let fut = client
            .pipeline()
            .add(Set::new(key.as_str(), "dropped"))
            .add(Get::<_, String>::new(key.as_str()))
            .send();
        let _ = drop_after_polls(fut, polls).await;
        client.send(Set::new(key.as_str(), polls)).await.unwrap();
        let v: Option<usize> = client.send(Get::new(key.as_str())).await.unwrap();
        assert_eq!(v, Some(polls), "after dropping at poll {polls}");
    }
}

/// Deterministic sweep on a dedicated connection: after a drop at any poll
/// the connection either still works and is in sync, or says it is broken.
#[tokio::test]
async fn dedicated_transaction_dropped_at_every_poll_is_in_sync_or_broken() {
    let server = RedisServer::start();
    let client = Client::connect(config(&server, "cx-sweep")).await.unwrap();
    let mut conn = client.dedicated().await.unwrap();
    let mut broken = 0;
    for polls in 0..40 {
        let key = format!("dsweep:{polls}");
        let fut = conn
            .transaction()
            .add(Set::new(key.as_str(), "dropped"))
            .add(Get::<_, String>::new(key.as_str()))
            .send();
        let _ = drop_after_polls(fut, polls).await;
        match conn.send(Set::new(key.as_str(), polls)).await {
            Ok(()) => {
                let v: Option<usize> = conn.send(Get::new(key.as_str())).await.unwrap();
                assert_eq!(v, Some(polls), "after dropping at poll {polls}");
            }
            Err(Error::ConnectionBroken) => {
                assert!(!conn.is_usable());
                broken += 1;
                conn = client.dedicated().await.unwrap();
            }
            Err(e) => panic!("after dropping at poll {polls}: {e:?}"),
        }
    }
    assert!(broken > 0, "no drop ever interrupted a request");
}

/// Pooled connections dropped at each poll of acquire + send: the pool's
/// counts stay exact and the next caller gets its own reply.
#[tokio::test]
async fn pooled_request_dropped_at_every_poll_keeps_counts_exact() {
    let server = RedisServer::start();
    let pool = Pool::connect(
        config(&server, "cx-psweep"),
        PoolConfig::default().max_size(2),
    )
    .await
    .unwrap();
    for polls in 0..40 {
        let key = format!("psweep:{polls}");
        let fut = async {
            let mut conn = pool.get().await?;
            conn.send(Set::new(key.as_str(), "dropped")).await?;
            conn.send(Get::<_, String>::new(key.as_str())).await
        };
        let _ = drop_after_polls(fut, polls).await;
        assert_exact(&pool.status());
        pool.send(Set::new(key.as_str(), polls)).await.unwrap();
        let v: Option<usize> = pool.send(Get::new(key.as_str())).await.unwrap();
        assert_eq!(v, Some(polls), "after dropping at poll {polls}");
    }
    assert_exact(&pool.status());
    eventually("server sees exactly the pool's connections", || {
        named_clients(&server, "cx-psweep") == pool.status().total
    })
    .await;
}
