//! [`PoolStatus`]: a consistent snapshot of a pool's counts.

use std::fmt;

/// The counts of a pool at one instant, all read under one lock, so they
/// are consistent with each other: `total == idle + in_use` and
/// `total + connecting <= max_size` always hold.
///
/// A connection is in exactly one place: idle in the pool, in use (handed
/// out, including while its health check runs), or not yet open
/// (`connecting`). A caller of [`Pool::get`](super::Pool::get) is either
/// `waiting` for a slot, `connecting`, or holds an `in_use` connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolStatus {
    /// [`PoolConfig::max_size`](super::PoolConfig::max_size).
    pub max_size: usize,
    /// Open connections: `idle + in_use`.
    pub total: usize,
    /// Open connections waiting in the pool.
    pub idle: usize,
    /// Open connections handed out.
    pub in_use: usize,
    /// Connections being opened (each holds a slot).
    pub connecting: usize,
    /// Callers queued for a slot.
    pub waiting: usize,
}

impl PoolStatus {
    /// True when nothing is handed out, opening or queued: every open
    /// connection is idle.
    pub fn is_quiet(&self) -> bool {
        self.in_use == 0 && self.connecting == 0 && self.waiting == 0
    }
}

impl fmt::Display for PoolStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "total {}/{} (idle {}, in use {}), connecting {}, waiting {}",
            self.total, self.max_size, self.idle, self.in_use, self.connecting, self.waiting
        )
    }
}
