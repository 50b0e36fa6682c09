//! Measuring one (client, scenario) run inside its own child process.
//!
//! The child owns its process: `getrusage(RUSAGE_SELF)` then gives exactly
//! that client's CPU time (user + system, every thread: the runtime's
//! workers, its blocking pool, the client's background tasks) and its peak
//! resident memory (`ru_maxrss`), with no other client's tasks in the
//! process. The runtime is created for the run and dropped after it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::clients;
use crate::scenario::{self, ClientKind, Scenario, Stop};

/// A per-worker operation counter, alone on its cache line so that 64
/// workers on two cores do not contend on one.
#[repr(align(64))]
#[derive(Default)]
pub struct Counter(AtomicU64);

impl Counter {
    #[inline]
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// What one run measured.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// Operations (or keys, for batches) per second.
    pub throughput: f64,
    /// Client CPU time per operation, in microseconds.
    pub cpu_us_per_op: f64,
    /// Peak resident memory of the client process, in KiB.
    pub peak_rss_kib: u64,
}

impl Sample {
    /// The one line a child prints for its parent.
    pub fn to_line(self) -> String {
        format!(
            "RESULT {} {} {}",
            self.throughput, self.cpu_us_per_op, self.peak_rss_kib
        )
    }

    pub fn from_line(line: &str) -> Option<Sample> {
        let mut fields = line.strip_prefix("RESULT ")?.split_whitespace();
        Some(Sample {
            throughput: fields.next()?.parse().ok()?,
            cpu_us_per_op: fields.next()?.parse().ok()?,
            peak_rss_kib: fields.next()?.parse().ok()?,
        })
    }
}

/// Runs `client` on `scenario` against `url`: connect, warm up, then count
/// operations and CPU time over `secs`.
pub fn run(
    client: ClientKind,
    scenario: Scenario,
    url: &str,
    warmup: Duration,
    secs: Duration,
) -> Sample {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (ops, elapsed, cpu) = runtime.block_on(async {
        let stop = Stop::default();
        let counters: Vec<Arc<Counter>> = (0..clients::workers(scenario))
            .map(|_| Arc::default())
            .collect();
        let total = |counters: &[Arc<Counter>]| counters.iter().map(|c| c.get()).sum::<u64>();
        let workers = clients::spawn(
            client,
            scenario,
            url,
            scenario::keys(),
            stop.clone(),
            &counters,
            u64::MAX,
        )
        .await;
        tokio::time::sleep(warmup).await;
        let (ops0, t0, cpu0) = (total(&counters), Instant::now(), cpu_time());
        tokio::time::sleep(secs).await;
        let (ops1, t1, cpu1) = (total(&counters), Instant::now(), cpu_time());
        stop.stop();
        for worker in workers {
            worker.await.expect("worker panicked");
        }
        (ops1 - ops0, t1 - t0, cpu1 - cpu0)
    });
    drop(runtime);
    let ops = ops.max(1) as f64;
    Sample {
        throughput: ops / elapsed.as_secs_f64(),
        cpu_us_per_op: cpu.as_secs_f64() * 1e6 / ops,
        peak_rss_kib: peak_rss_kib(),
    }
}

fn rusage() -> libc::rusage {
    // SAFETY: getrusage only writes the struct it is given; an all-zero
    // rusage is a valid value of the type.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    }
}

/// User + system CPU time of the whole process so far.
fn cpu_time() -> Duration {
    let usage = rusage();
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// Peak resident set size of the process, in KiB: `VmHWM` from
/// `/proc/self/status`. (`ru_maxrss` is not used where `VmHWM` exists: Linux
/// carries it across `exec`, so a child would report at least the parent's
/// peak at the time it was spawned.)
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or_else(|| rusage().ru_maxrss as u64)
}

/// Runs exactly `ops` operations (batches, for the batch scenarios) per
/// worker and returns how many were counted: a fixed workload for
/// instruction counting (`valgrind --tool=callgrind ... --ops ...`), where
/// time-based runs would count a different number of operations each time.
pub fn run_ops(client: ClientKind, scenario: Scenario, url: &str, ops: u64) -> u64 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let counters: Vec<Arc<Counter>> = (0..clients::workers(scenario))
            .map(|_| Arc::default())
            .collect();
        let workers = clients::spawn(
            client,
            scenario,
            url,
            scenario::keys(),
            Stop::default(),
            &counters,
            ops,
        )
        .await;
        for worker in workers {
            worker.await.expect("worker panicked");
        }
        counters.iter().map(|c| c.get()).sum()
    })
}
