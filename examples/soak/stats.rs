//! Counters shared by workers and chaos loops, the error classification,
//! and the connection count the leak checks compare.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use redis_typed::{Error, ErrorKind};

/// An operation slower than this is hung.
pub const HUNG: Duration = Duration::from_secs(10);

/// Counters of one side of the soak (standalone or cluster).
#[derive(Default)]
pub struct Stats {
    pub ops: AtomicU64,
    pub errors: AtomicU64,
    pub wrong: AtomicU64,
    pub hung: AtomicU64,
    /// Errors while no fault ran and more than 5 s after the last one
    /// ended (reported, not fatal).
    pub quiet_errors: AtomicU64,
    /// A fault is running.
    in_fault: AtomicBool,
    /// Milliseconds since the start at which the last fault ended.
    last_fault_ms: AtomicU64,
    /// Error kinds seen, for the summary.
    pub kinds: Mutex<BTreeMap<String, u64>>,
    /// The first message seen of each kind, for the summary.
    pub first: Mutex<BTreeMap<String, String>>,
    /// The first few wrong replies, for the summary.
    pub wrong_samples: Mutex<Vec<String>>,
}

impl Stats {
    /// Counts a typed error seen by a worker.
    pub fn error(&self, started: Instant, e: &Error) {
        self.error_kind(started, kind_of(e), e);
    }

    /// Counts an error under the kind's name `kind`.
    pub fn error_kind(&self, started: Instant, kind: String, e: &Error) {
        self.first
            .lock()
            .unwrap()
            .entry(kind.clone())
            .or_insert_with(|| e.to_string());
        self.errors.fetch_add(1, Ordering::Relaxed);
        let now = started.elapsed().as_millis() as u64;
        if !self.in_fault.load(Ordering::Relaxed)
            && now > self.last_fault_ms.load(Ordering::Relaxed) + 5000
        {
            self.quiet_errors.fetch_add(1, Ordering::Relaxed);
        }
        *self.kinds.lock().unwrap().entry(kind).or_default() += 1;
    }

    /// Counts a wrong reply and keeps the first few.
    pub fn wrong(&self, what: String) {
        self.wrong.fetch_add(1, Ordering::Relaxed);
        let mut samples = self.wrong_samples.lock().unwrap();
        if samples.len() < 10 {
            samples.push(what);
        }
    }

    /// A fault begins.
    pub fn fault_begin(&self) {
        self.in_fault.store(true, Ordering::Relaxed);
    }

    /// A fault is over.
    pub fn fault_end(&self, started: Instant) {
        self.last_fault_ms
            .store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
        self.in_fault.store(false, Ordering::Relaxed);
    }

    /// `ops N, errors E, wrong W, hung H` for the progress lines.
    pub fn brief(&self) -> String {
        format!(
            "ops {}, errors {}, wrong {}, hung {}",
            self.ops.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
            self.wrong.load(Ordering::Relaxed),
            self.hung.load(Ordering::Relaxed)
        )
    }
}

/// How many faults of each type the chaos loops caused.
#[derive(Default)]
pub struct Faults(Mutex<BTreeMap<&'static str, u64>>);

impl Faults {
    /// Counts one fault of type `what`.
    pub fn count(&self, what: &'static str) {
        *self.0.lock().unwrap().entry(what).or_default() += 1;
    }

    /// `type: n, ...`.
    pub fn summary(&self) -> String {
        let map = self.0.lock().unwrap();
        let parts: Vec<String> = map.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        parts.join(", ")
    }
}

/// The name of an error's kind, for the summary.
pub fn kind_of(e: &Error) -> String {
    match e {
        Error::Io(io) => format!("io:{:?}", io.kind()),
        Error::Server(s) => format!("server:{:?}", s.kind),
        Error::Protocol(_) => "protocol".into(),
        Error::Timeout(_) => "timeout".into(),
        Error::ConnectionClosed(_) => "closed".into(),
        Error::ConnectionBroken => "broken".into(),
        Error::Auth(_) => "auth".into(),
        other => format!("other:{other}"),
    }
}

/// A typed error a fault may cause. Anything else (a conversion error, a
/// `WRONGTYPE`, a `CROSSSLOT` on keys that share a hash tag or that the
/// client splits, a watch conflict...) means a reply reached the wrong
/// caller, was decoded as the wrong thing, or was routed wrongly.
pub fn is_fault_error(e: &Error) -> bool {
    match e {
        Error::Io(_)
        | Error::Protocol(_)
        | Error::Timeout(_)
        | Error::ConnectionClosed(_)
        | Error::ConnectionBroken
        | Error::Auth(_) => true,
        Error::Server(s) => !matches!(s.kind, ErrorKind::WrongType | ErrorKind::CrossSlot),
        _ => false,
    }
}

/// How many connections a `CLIENT LIST` reply shows with the client name
/// `name`.
pub fn clients_named(list: &str, name: &str) -> usize {
    list.lines()
        .filter(|l| l.contains(&format!(" name={name} ")))
        .count()
}
