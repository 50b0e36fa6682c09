//! [`LoadBalancingStrategy`]: which node of a shard serves a read.

use std::sync::atomic::{AtomicUsize, Ordering};

use rand::Rng;

/// Where read-only commands go within their shard. Writes always go to the
/// primary; only commands whose [`read_only`](crate::Command::read_only) is
/// true are balanced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum LoadBalancingStrategy {
    /// Every command to the primary (the default: reads see every write).
    #[default]
    PrimaryOnly,
    /// Reads to the replicas in turn; to the primary when the shard has no
    /// healthy replica.
    ReplicaOnly,
    /// Reads to any node of the shard, at random.
    Random,
    /// Reads to the primary and each replica in turn.
    RoundRobin,
    /// Reads to the replicas in turn (the primary when there is none).
    RoundRobinReplicas,
    /// Reads to a random replica (the primary when there is none).
    RandomReplica,
}

impl LoadBalancingStrategy {
    /// Parses the kebab-case name (`"replica-only"`, `"round-robin"`...).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "primary-only" => Self::PrimaryOnly,
            "replica-only" => Self::ReplicaOnly,
            "random" => Self::Random,
            "round-robin" => Self::RoundRobin,
            "round-robin-replicas" => Self::RoundRobinReplicas,
            "random-replica" => Self::RandomReplica,
            _ => return None,
        })
    }

    /// The kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Self::PrimaryOnly => "primary-only",
            Self::ReplicaOnly => "replica-only",
            Self::Random => "random",
            Self::RoundRobin => "round-robin",
            Self::RoundRobinReplicas => "round-robin-replicas",
            Self::RandomReplica => "random-replica",
        }
    }

    /// Every strategy, for tours and tests.
    pub const ALL: [LoadBalancingStrategy; 6] = [
        Self::PrimaryOnly,
        Self::ReplicaOnly,
        Self::Random,
        Self::RoundRobin,
        Self::RoundRobinReplicas,
        Self::RandomReplica,
    ];

    /// Picks the node for a command (`read_only` says whether it may be
    /// balanced; `turn` is the shard's round-robin counter), as a position
    /// in the shard's node list: `0` for the primary, `i` for replica
    /// `i - 1`, given the shard's number of `replicas`.
    pub(crate) fn pick_index(self, replicas: usize, read_only: bool, turn: &AtomicUsize) -> usize {
        if !read_only || self == Self::PrimaryOnly {
            return 0;
        }
        let next = || turn.fetch_add(1, Ordering::Relaxed);
        match self {
            Self::ReplicaOnly | Self::RoundRobinReplicas if replicas > 0 => 1 + next() % replicas,
            Self::RandomReplica if replicas > 0 => 1 + rand::rng().random_range(0..replicas),
            Self::Random => rand::rng().random_range(0..=replicas),
            Self::RoundRobin => next() % (replicas + 1),
            _ => 0,
        }
    }
}
