//! The scenarios and the clients measured, and what every client run shares:
//! the key space, the value, and the stop flag.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Keys pre-loaded before the runs (`bench:key:000000` ...).
pub const KEYS: usize = 1000;
/// Concurrent tasks in the shared-client scenarios.
pub const TASKS: usize = 64;
/// Commands per pipeline, keys per MGET.
pub const BATCH: usize = 100;
/// Every value is 16 bytes, as in the reference numbers.
pub const VALUE: &str = "0123456789abcdef";

/// One measured workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// 64 tasks sharing one client, each sending GETs one at a time.
    Get64,
    /// 64 tasks sharing one client, each sending SETs one at a time.
    Set64,
    /// One task, pipelines of 100 GETs.
    Pipeline100,
    /// One task, MGET of 100 keys.
    Mget100,
    /// One task, one GET at a time.
    SingleGet,
    /// A 3-primary cluster, 64 tasks, GET over many keys.
    ClusterGet64,
}

impl Scenario {
    pub const ALL: [Scenario; 6] = [
        Scenario::Get64,
        Scenario::Set64,
        Scenario::Pipeline100,
        Scenario::Mget100,
        Scenario::SingleGet,
        Scenario::ClusterGet64,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Get64 => "get_64_tasks",
            Scenario::Set64 => "set_64_tasks",
            Scenario::Pipeline100 => "pipeline_100",
            Scenario::Mget100 => "mget_100",
            Scenario::SingleGet => "single_get",
            Scenario::ClusterGet64 => "cluster_get_64_tasks",
        }
    }

    pub fn parse(name: &str) -> Option<Scenario> {
        Scenario::ALL.into_iter().find(|s| s.name() == name)
    }

    /// What one counted operation is: a command, or a key of a batch.
    pub fn unit(self) -> &'static str {
        match self {
            Scenario::Pipeline100 | Scenario::Mget100 => "keys/s",
            _ => "ops/s",
        }
    }

    /// The target for redis-typed, as a human-readable line.
    pub fn target(self) -> &'static str {
        match self {
            Scenario::Get64 | Scenario::Set64 => {
                ">= 1.5x fastest peer's throughput, <= 0.5x its CPU/op, peak memory <= its"
            }
            Scenario::Pipeline100 | Scenario::Mget100 => ">= 1.3x fastest peer",
            Scenario::SingleGet => ">= 1.0x fastest peer",
            Scenario::ClusterGet64 => ">= 1.5x redis-rs cluster client",
        }
    }

    /// Minimum throughput ratio to the fastest peer the target asks for.
    pub fn min_ratio(self) -> f64 {
        match self {
            Scenario::Get64 | Scenario::Set64 | Scenario::ClusterGet64 => 1.5,
            Scenario::Pipeline100 | Scenario::Mget100 => 1.3,
            Scenario::SingleGet => 1.0,
        }
    }

    /// Whether the target also bounds CPU per op and peak memory.
    pub fn bounds_cpu_and_memory(self) -> bool {
        matches!(self, Scenario::Get64 | Scenario::Set64)
    }

    /// Scenarios that cannot run yet, with the reason shown in the table.
    pub fn pending(self) -> Option<&'static str> {
        None
    }

    /// Whether the scenario runs against the 3-primary cluster.
    pub fn is_cluster(self) -> bool {
        self == Scenario::ClusterGet64
    }

    /// The one peer the target compares with, when it names one (the
    /// cluster target is set against redis-rs's cluster client).
    pub fn reference_peer(self) -> Option<ClientKind> {
        match self {
            Scenario::ClusterGet64 => Some(ClientKind::RedisRs),
            _ => None,
        }
    }
}

/// The clients measured; redis-typed first, then the peers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientKind {
    RedisTyped,
    RedisRs,
    Fred,
    Rustis,
}

impl ClientKind {
    pub const ALL: [ClientKind; 4] = [
        ClientKind::RedisTyped,
        ClientKind::RedisRs,
        ClientKind::Fred,
        ClientKind::Rustis,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ClientKind::RedisTyped => "redis-typed",
            ClientKind::RedisRs => "redis-rs",
            ClientKind::Fred => "fred",
            ClientKind::Rustis => "rustis",
        }
    }

    pub fn parse(name: &str) -> Option<ClientKind> {
        ClientKind::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn is_peer(self) -> bool {
        self != ClientKind::RedisTyped
    }
}

/// The key names, built once so no run formats keys in its loop.
pub fn keys() -> Arc<Vec<String>> {
    Arc::new((0..KEYS).map(|i| format!("bench:key:{i:06}")).collect())
}

/// Set by the run's timer; every worker loop checks it between operations.
#[derive(Clone, Default)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    pub fn stop(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    #[inline]
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
