//! The per-task model of what a worker's keys may hold, and how the outcome
//! of one operation updates it and is checked against it: the rule shared
//! by the standalone and the cluster workers (see `main.rs`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::time::Instant;

use redis_typed::Error;
use tokio::time::error::Elapsed;

use crate::stats::{is_fault_error, Stats};

/// What an operation writes: `(key, value)` pairs, and whether it
/// increments the task's counter.
#[derive(Default)]
pub struct Effects {
    pub writes: Vec<(String, String)>,
    pub incr: bool,
}

/// What an operation returned.
#[derive(Default)]
pub struct Replies {
    /// Reads to check against the model.
    pub reads: Vec<(String, Option<String>)>,
    /// The counter's new value, from an INCR.
    pub counter: Option<i64>,
    /// Replies wrong in themselves (not against the model).
    pub wrong: Vec<String>,
}

/// How an operation ended: past [`HUNG`](crate::stats::HUNG), with an
/// error, or with its replies and whether its writes are known durable.
pub type Outcome = Result<Result<(Replies, bool), Error>, Elapsed>;

/// What one task knows about its own keys.
#[derive(Default)]
pub struct Model {
    last: HashMap<String, Option<String>>,
    /// Writes whose outcome is unknown: possible from then on.
    maybe: HashMap<String, HashSet<String>>,
    /// The counter's lowest possible value (the last one known durable).
    counter_lo: i64,
    /// The counter's highest possible value.
    counter_hi: i64,
}

impl Model {
    /// A write acknowledged (and, on the cluster, confirmed replicated).
    pub fn written(&mut self, key: &str, value: &str) {
        self.last.insert(key.to_owned(), Some(value.to_owned()));
    }

    /// A write whose outcome is unknown: `value` is possible from now on.
    pub fn maybe_written(&mut self, key: &str, value: &str) {
        self.maybe
            .entry(key.to_owned())
            .or_default()
            .insert(value.to_owned());
    }

    /// Checks a read of `key`.
    pub fn check(&self, key: &str, got: &Option<String>) -> Result<(), String> {
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

    /// An INCR that failed: it may or may not have been applied.
    pub fn counter_unknown(&mut self) {
        self.counter_hi += 1;
    }

    /// Checks the reply `got` of an INCR; `durable` when the new value is
    /// known to survive (acknowledged, and replicated on the cluster).
    pub fn check_counter(&mut self, key: &str, got: i64, durable: bool) -> Result<(), String> {
        let (lo, hi) = (self.counter_lo + 1, self.counter_hi + 1);
        if got < lo || got > hi {
            return Err(format!("{key}: INCR gave {got}, expected {lo}..={hi}"));
        }
        if durable {
            self.counter_lo = got;
        }
        self.counter_hi = got;
        Ok(())
    }
}

impl Model {
    /// Counts one operation with `effects` in `stats` and settles its
    /// `outcome`: hung, or failed with a typed error (counted as such) or
    /// an untyped one (a wrong reply), its writes and increment stay
    /// possible; replied, its writes are recorded (as acknowledged when
    /// durable, else as possible) and its reads and counter value checked,
    /// each mismatch a wrong reply. `key` names the operation in the samples;
    /// `counter` is the task's counter key.
    pub fn settle(
        &mut self,
        stats: &Stats,
        started: Instant,
        effects: &Effects,
        key: &str,
        counter: &str,
        outcome: Outcome,
    ) {
        stats.ops.fetch_add(1, Ordering::Relaxed);
        let (replies, durable) = match outcome {
            Ok(Ok(done)) => done,
            Err(_) => {
                stats.hung.fetch_add(1, Ordering::Relaxed);
                return self.unknown(effects);
            }
            Ok(Err(e)) if is_fault_error(&e) => {
                stats.error(started, &e);
                return self.unknown(effects);
            }
            Ok(Err(e)) => {
                stats.wrong(format!("{key}: untyped error {e:?}"));
                return self.unknown(effects);
            }
        };
        for (k, v) in &effects.writes {
            if durable {
                self.written(k, v);
            } else {
                self.maybe_written(k, v);
            }
        }
        let mut bad = replies.wrong;
        for (k, got) in &replies.reads {
            if let Err(e) = self.check(k, got) {
                bad.push(e);
            }
        }
        if let Some(n) = replies.counter {
            if let Err(e) = self.check_counter(counter, n, durable) {
                bad.push(e);
            }
        }
        for b in bad {
            stats.wrong(b);
        }
    }

    /// An operation whose outcome is unknown: its writes and its increment
    /// may or may not have been applied.
    fn unknown(&mut self, effects: &Effects) {
        for (k, v) in &effects.writes {
            self.maybe_written(k, v);
        }
        if effects.incr {
            self.counter_unknown();
        }
    }
}
