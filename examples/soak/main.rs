//! Chaos soak: many tasks read and write through a multiplexed client, a
//! pool and a cluster client while chaos loops restart the server, kill
//! connections, rotate credentials and fail over cluster primaries. Every
//! read is checked against what its own task last wrote.
//!
//! ```text
//! cargo run --release --example soak -- --secs 300 [--tasks 32] [--cluster-tasks 16] [--verbose]
//! cargo run --release --example soak -- --secs 60 --no-wait   # see below
//! ```
//!
//! Always runs against throwaway `redis-server`s that it starts itself
//! (never the one on 6379): a standalone server, and a 3-primary /
//! 3-replica cluster (`examples/common/cluster.rs`, node timeout 1 s so a
//! dead primary is replaced quickly). It kills and restarts them, and
//! installs ACL users.
//!
//! - Standalone workers (`standalone.rs`): each task owns its keys
//!   (`soak:{task}:{k}` and a counter) and runs mixed SET / GET / INCR /
//!   pipelines, half through the client and half through the pool.
//! - Cluster workers (`cluster_workers.rs`): each task owns keys with their
//!   own hash tags (`sc:{task.k}`, spread over every slot), two groups of
//!   keys sharing a hash tag, and a counter; it runs SET, GET, INCR,
//!   cross-node pipelines, split `MSET`/`MGET` across slots, and
//!   `MULTI`/`EXEC` on a group. Reads go to primaries.
//! - The rule for both: a write that failed may or may not have been
//!   applied, so its value stays possible for that key (and an INCR that
//!   failed may have counted). A read that is neither the last acknowledged
//!   write nor such a possible value, a reply of the wrong type or shape,
//!   or an error that is not a typed connection, timeout, server or auth
//!   error counts as a wrong reply (`WRONGTYPE` and `CROSSSLOT` count as
//!   wrong too: the keys are the task's own, and share a slot where the
//!   command needs it). An operation that takes more than 10 s counts as
//!   hung.
//! - Durability, and why the cluster workers use `WAIT`: the standalone
//!   server keeps an `appendfsync always` AOF, so an acknowledged write
//!   survives its restart. Cluster replication is asynchronous, so a
//!   primary killed with SIGKILL can lose writes it acknowledged but had
//!   not yet sent to its replica, and the promoted replica then rightly
//!   serves the older value. The cluster workers therefore count a write as
//!   acknowledged only once `WAIT 1 100`, sent on the same node connection
//!   right after it, reports that one replica has it (the real-world fix);
//!   a write that succeeded without that confirmation is treated like a
//!   failed one (its value possible, and so the one before). How the
//!   `WAIT` is tied to the write is explained in `cluster_workers.rs`.
//!   `--no-wait` skips the `WAIT` and trusts every successful write, to
//!   show what it protects against: hard failovers then lose acknowledged
//!   writes, reported as wrong replies.
//! - Standalone chaos, every 1–3 s: restart the server (SIGKILL, then
//!   start on the same port), `CLIENT KILL TYPE normal`, or a credential
//!   rotation (a new ACL password is added, published through a
//!   [`StreamingCredentials`] channel that the client and the pool both
//!   follow, and the old one removed).
//! - Cluster chaos (`cluster_chaos.rs`), every 1–3 s from a settled
//!   cluster: a graceful failover (`CLUSTER FAILOVER` sent to the replica
//!   of a random primary, then wait until the roles swap), or a hard one
//!   (SIGKILL the primary, wait for its replica to be promoted, restart the
//!   killed node on the same port and directory, wait until it is a
//!   connected replica), or a credential rotation like the standalone one
//!   (the soak user gets a new password on every node, the cluster client
//!   follows its own [`StreamingCredentials`] channel, the old password is
//!   removed a second later; restarted nodes get the passwords valid then).
//!   The cluster client also refreshes its topology every 5 s.
//! - At the end: the pool must be quiet with exact counts, the server must
//!   see exactly the pool's open connections and the client's one, and
//!   every cluster node must see exactly the one connection the cluster
//!   client holds to it.
//!
//! Before the last line it prints the faults caused, by type, and the
//! errors seen, by kind. Last line (totals over standalone and cluster):
//! `ops: N, errors: E, wrong_replies: W, hung: H, leaked_connections: L`.

#[path = "../common/throwaway.rs"]
mod throwaway;
#[path = "../common/cluster.rs"]
mod throwaway_cluster;

mod cluster_chaos;
mod cluster_workers;
mod model;
mod standalone;
mod stats;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use redis_typed::auth::{Credentials, StreamingCredentials};
use redis_typed::cluster::{ClusterClient, ClusterConfig};
use redis_typed::pool::{Pool, PoolConfig};
use redis_typed::transport::DefaultTransport;
use redis_typed::{Client, ConnectionConfig};

use cluster_workers::{ClusterWorker, Durability};
use standalone::{Server, Worker, USER};
use stats::{Faults, Stats, HUNG};

type BoxError = Box<dyn std::error::Error>;

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

/// The first message of each error kind, and the wrong replies kept.
fn details(name: &str, stats: &Stats) {
    for (kind, message) in stats.first.lock().unwrap().iter() {
        eprintln!("{name} first {kind}: {message}");
    }
    for w in stats.wrong_samples.lock().unwrap().iter() {
        eprintln!("{name} wrong reply: {w}");
    }
}

/// Counts and errors by kind.
fn summary(name: &str, stats: &Stats) {
    eprintln!(
        "{name}: {}; errors by kind: {:?}; errors more than 5 s after a fault: {}",
        stats.brief(),
        stats.kinds.lock().unwrap(),
        stats.quiet_errors.load(Ordering::Relaxed)
    );
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let secs = arg("--secs", 60);
    let tasks = arg("--tasks", 32) as usize;
    let cluster_tasks = arg("--cluster-tasks", 16) as usize;
    let verbose = std::env::args().any(|a| a == "--verbose");
    let no_wait = std::env::args().any(|a| a == "--no-wait");
    cluster_chaos::VERBOSE.store(verbose, Ordering::Relaxed);
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
    // Blocking, but nothing else runs yet.
    let mut nodes = throwaway_cluster::start_with(
        1000,
        &cluster_chaos::acl_args(&[cluster_chaos::FIRST_PASSWORD.to_owned()]),
    )?;
    let ports = nodes.ports();
    eprintln!(
        "soak: {secs} s, {tasks} tasks on {url}, {cluster_tasks} tasks on the cluster {ports:?}"
    );

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

    let mut cluster_config = ClusterConfig::from_urls(&nodes.urls())?;
    cluster_config.connection = cluster_config
        .connection
        .client_name(cluster_chaos::CLIENT_NAME)
        .response_timeout(Some(Duration::from_secs(3)))
        .connect_timeout(Duration::from_secs(2));
    // A periodic refresh as well as the ones MOVED and failures trigger:
    // it runs concurrently with the failovers, and brings back into the
    // map a node that rejoined as a replica.
    cluster_config = cluster_config.refresh_interval(Some(Duration::from_secs(5)));
    let (cluster_sender, cluster_provider) = StreamingCredentials::channel();
    cluster_sender.publish(Credentials::new(USER, cluster_chaos::FIRST_PASSWORD));
    let cluster =
        ClusterClient::connect_with(cluster_config, DefaultTransport, cluster_provider).await?;

    let stats = Arc::new(Stats::default());
    let cluster_stats = Arc::new(Stats::default());
    let durability = Arc::new(Durability::default());
    let faults = Arc::new(Faults::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut workers: Vec<_> = (0..tasks)
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
    workers.extend((0..cluster_tasks).map(|task| {
        let worker = ClusterWorker {
            task,
            cluster: cluster.clone(),
            stats: cluster_stats.clone(),
            durability: durability.clone(),
            started,
            no_wait,
        };
        tokio::spawn(worker.run(stop.clone()))
    }));

    // The cluster chaos blocks (redis-cli, process control): its own thread.
    let cluster_chaos = {
        let (stats, faults) = (cluster_stats.clone(), faults.clone());
        tokio::task::spawn_blocking(move || {
            cluster_chaos::chaos(
                &mut nodes,
                &cluster_sender,
                &stats,
                &faults,
                started,
                chaos_until,
            );
            nodes
        })
    };
    // Progress every 30 s.
    let reporter = {
        let (stats, cluster_stats, durability) =
            (stats.clone(), cluster_stats.clone(), durability.clone());
        let (faults, pool) = (faults.clone(), pool.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(30)).await;
                eprintln!(
                    "[{:>4} s] standalone {}; cluster {}, writes confirmed {} / unconfirmed {}; faults {}; pool {}",
                    started.elapsed().as_secs(),
                    stats.brief(),
                    cluster_stats.brief(),
                    durability.confirmed.load(Ordering::Relaxed),
                    durability.unconfirmed.load(Ordering::Relaxed),
                    faults.summary(),
                    pool.status(),
                );
            }
        })
    };
    standalone::chaos(
        &mut server,
        &admin,
        &sender,
        &stats,
        &faults,
        started,
        chaos_until,
    )
    .await?;
    let nodes = cluster_chaos.await?;
    tokio::time::sleep_until(deadline.into()).await;
    stop.store(true, Ordering::Relaxed);
    reporter.abort();
    let cluster_workers_start = tasks;
    for (i, w) in workers.into_iter().enumerate() {
        if tokio::time::timeout(HUNG + Duration::from_secs(5), w)
            .await
            .is_err()
        {
            let side = if i < cluster_workers_start {
                &stats
            } else {
                &cluster_stats
            };
            side.hung.fetch_add(1, Ordering::Relaxed);
        }
    }

    let (leaked_standalone, standalone_detail) = standalone::leaks(&client, &pool, &admin).await;
    let (leaked_cluster, cluster_detail) = cluster_chaos::leaks(&cluster, &nodes.ports()).await;

    // Details first, so the last lines are the summary.
    details("standalone", &stats);
    details("cluster", &cluster_stats);
    eprintln!("{standalone_detail}");
    eprintln!("{cluster_detail}");
    eprintln!(
        "cluster writes: {} confirmed by WAIT, {} not confirmed (treated as possibly lost)",
        durability.confirmed.load(Ordering::Relaxed),
        durability.unconfirmed.load(Ordering::Relaxed)
    );
    eprintln!("faults: {}", faults.summary());
    summary("standalone", &stats);
    summary("cluster", &cluster_stats);
    drop((client, pool, admin, cluster));
    server.kill();
    drop(nodes);
    let total = |f: fn(&Stats) -> u64| f(&stats) + f(&cluster_stats);
    println!(
        "ops: {}, errors: {}, wrong_replies: {}, hung: {}, leaked_connections: {}",
        total(|s| s.ops.load(Ordering::Relaxed)),
        total(|s| s.errors.load(Ordering::Relaxed)),
        total(|s| s.wrong.load(Ordering::Relaxed)),
        total(|s| s.hung.load(Ordering::Relaxed)),
        leaked_standalone.saturating_add(leaked_cluster)
    );
    Ok(())
}
