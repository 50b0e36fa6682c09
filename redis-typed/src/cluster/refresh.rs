//! Coalesced topology refreshes.
//!
//! A storm of `MOVED` replies (a resharding, a failover) must cause one
//! refresh, not hundreds. Each refresh bumps a generation; a caller notes
//! the generation it saw before asking, and a refresh that finds the
//! generation already moved on returns at once: somebody refreshed since.
//! Refreshes run one at a time behind an async mutex (single flight), and
//! background ones are only scheduled when none is pending.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The refresh bookkeeping of one cluster client.
#[derive(Debug, Default)]
pub(crate) struct RefreshGate {
    generation: AtomicU64,
    running: tokio::sync::Mutex<()>,
    scheduled: AtomicBool,
}

impl RefreshGate {
    /// The current generation.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Runs `refresh` unless a refresh finished after `seen` was read (it
    /// then waits for any running one and returns).
    pub(crate) async fn run<F: std::future::Future<Output = ()>>(&self, seen: u64, refresh: F) {
        let _guard = self.running.lock().await;
        if self.generation() != seen {
            return;
        }
        refresh.await;
        self.generation.fetch_add(1, Ordering::AcqRel);
    }

    /// True when the caller should start a background refresh (none is
    /// scheduled); it must call [`done_scheduled`](Self::done_scheduled)
    /// after.
    pub(crate) fn try_schedule(&self) -> bool {
        !self.scheduled.swap(true, Ordering::AcqRel)
    }

    /// Ends a background refresh started after [`try_schedule`](Self::try_schedule).
    pub(crate) fn done_scheduled(&self) {
        self.scheduled.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    use super::*;

    #[tokio::test]
    async fn a_storm_refreshes_once() {
        let gate = Arc::new(RefreshGate::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let seen = gate.generation();
        let mut tasks = Vec::new();
        for _ in 0..100 {
            let (gate, runs) = (gate.clone(), runs.clone());
            tasks.push(tokio::spawn(async move {
                gate.run(seen, async {
                    runs.fetch_add(1, Ordering::Relaxed);
                    tokio::task::yield_now().await;
                })
                .await
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(runs.load(Ordering::Relaxed), 1);
        assert_eq!(gate.generation(), 1);
    }
}
