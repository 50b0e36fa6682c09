//! Pool status under hostile load: many tasks borrow connections while some
//! are aborted and others time out mid-command; the counts stay exact.
//!
//! ```text
//! cargo run --example pool_status
//! ```
//!
//! Connects to `$REDIS_URL`, else to 127.0.0.1:6379, else starts a throwaway
//! `redis-server` from PATH. Prints the pool's status before and after, and
//! the number of connections the server lists for the pool; the last line is
//! `leaked: N` (connections still counted as in use, opening or waiting,
//! plus any difference between the pool's count and the server's). Its keys
//! share a unique prefix and are deleted at the end.

#[path = "common/throwaway.rs"]
mod throwaway;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redis_typed::pool::{Creation, Pool, PoolConfig};
use redis_typed::{Cmd, Connection, ConnectionConfig};

const TASKS: usize = 32;
const CYCLES: usize = 3_000;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (url, _server) = throwaway::server_url()?;
    println!("connecting to {url}");
    let name = format!("redis-typed-pool-status-{}", std::process::id());
    let prefix = format!("redis-typed:pool_status:{}", std::process::id());

    let config = ConnectionConfig::from_url(&url)?.client_name(name.as_str());
    let pool_config = PoolConfig::default()
        .max_size(8)
        .min_idle(2)
        .creation(Creation::Eager)
        .health_check_interval(Some(Duration::from_millis(1)));
    let pool = Pool::connect(config.clone(), pool_config).await?;
    println!("before: {}", pool.status());

    let next = Arc::new(AtomicUsize::new(0));
    let spawn = || {
        let (pool, next, prefix) = (pool.clone(), next.clone(), prefix.clone());
        tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= CYCLES {
                    return;
                }
                let mut rng = StdRng::seed_from_u64(n as u64);
                let key = format!("{prefix}:{}", n % TASKS);
                let cycle = async {
                    let mut conn = pool.get().await?;
                    conn.send(Cmd::<i64>::new("INCR").key(&key)).await?;
                    // Blocks 5 ms on the server: room for a cancellation
                    // to land mid-reply.
                    let _: Option<Vec<String>> = conn
                        .send(
                            Cmd::new("BLPOP")
                                .key(&format!("{prefix}:none"))
                                .arg("0.005"),
                        )
                        .await?;
                    Ok::<_, redis_typed::Error>(())
                };
                if rng.random_bool(0.3) {
                    let limit = Duration::from_micros(rng.random_range(0..6_000));
                    let _ = tokio::time::timeout(limit, cycle).await;
                } else if let Err(e) = cycle.await {
                    eprintln!("cycle {n} failed: {e}");
                }
            }
        })
    };

    let started = Instant::now();
    let mut tasks: Vec<_> = (0..TASKS).map(|_| spawn()).collect();
    let mut rng = StdRng::seed_from_u64(7);
    let mut aborted = 0;
    while next.load(Ordering::Relaxed) < CYCLES {
        tokio::time::sleep(Duration::from_micros(rng.random_range(0..3_000))).await;
        let i = rng.random_range(0..TASKS);
        tasks[i].abort();
        if (&mut tasks[i]).await.is_err() {
            aborted += 1;
        }
        tasks[i] = spawn();
    }
    for task in tasks {
        let _ = task.await;
    }
    println!(
        "{CYCLES} cycles from {TASKS} tasks in {:?}, {aborted} tasks aborted",
        started.elapsed()
    );
    let after = pool.status();
    println!("after:  {after}");

    // What the server sees: connections named after this pool. The server
    // notices closed sockets asynchronously, so give it a moment to agree.
    let mut admin = Connection::connect(ConnectionConfig::from_url(&url)?).await?;
    let needle = format!(" name={name} ");
    let mut on_server = 0;
    for _ in 0..100 {
        let list: String = admin.send(Cmd::new("CLIENT").arg("LIST")).await?;
        on_server = list.lines().filter(|l| l.contains(&needle)).count();
        if on_server == after.total {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("server lists {on_server} connections for this pool");

    let mut del = Cmd::<i64>::new("DEL");
    for t in 0..TASKS {
        del = del.key(&format!("{prefix}:{t}"));
    }
    admin.send(del).await?;

    let leaked = after.in_use + after.waiting + after.connecting + on_server.abs_diff(after.total);
    println!("leaked: {leaked}");
    if leaked > 0 {
        std::process::exit(1);
    }
    Ok(())
}
