//! Turning the samples into medians, ratios and a markdown report.
//!
//! Every ratio is taken round by round (redis-typed's sample over the peer's
//! sample *from the same round*, so both ran minutes apart at most, under
//! the same background load), and the median of those per-round ratios is
//! reported. The "fastest peer" of a scenario is the peer with the highest
//! median throughput.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::measure::Sample;
use crate::scenario::{ClientKind, Scenario};

/// Samples per (scenario, client), one per round, in round order.
pub type Samples = HashMap<(Scenario, ClientKind), Vec<Sample>>;

/// Everything measured in one invocation.
pub struct Results {
    pub scenarios: Vec<Scenario>,
    pub clients: Vec<ClientKind>,
    pub samples: Samples,
}

/// The summary of one scenario.
pub struct ScenarioSummary {
    pub scenario: Scenario,
    /// Median throughput per client, in `clients` order.
    pub medians: Vec<(ClientKind, Median)>,
    /// The peer with the highest median throughput.
    pub fastest_peer: Option<ClientKind>,
}

/// Medians of one client's samples.
#[derive(Debug, Clone, Copy)]
pub struct Median {
    pub throughput: f64,
    /// The lowest and highest throughput of the rounds (the noise).
    pub throughput_range: (f64, f64),
    pub cpu_us_per_op: f64,
    pub peak_rss_kib: f64,
}

pub fn median(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut v: Vec<f64> = values.into_iter().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

impl Results {
    pub fn summary(&self, scenario: Scenario) -> ScenarioSummary {
        let medians: Vec<(ClientKind, Median)> = self
            .clients
            .iter()
            .filter_map(|&c| {
                let s = self.samples.get(&(scenario, c))?;
                Some((
                    c,
                    Median {
                        throughput: median(s.iter().map(|x| x.throughput)),
                        throughput_range: s.iter().fold((f64::INFINITY, 0.0), |(lo, hi), x| {
                            (lo.min(x.throughput), hi.max(x.throughput))
                        }),
                        cpu_us_per_op: median(s.iter().map(|x| x.cpu_us_per_op)),
                        peak_rss_kib: median(s.iter().map(|x| x.peak_rss_kib as f64)),
                    },
                ))
            })
            .collect();
        let fastest_peer = medians
            .iter()
            .filter(|(c, _)| c.is_peer())
            .max_by(|a, b| a.1.throughput.total_cmp(&b.1.throughput))
            .map(|(c, _)| *c);
        ScenarioSummary {
            scenario,
            medians,
            fastest_peer,
        }
    }

    /// Median over rounds of `metric(client) / metric(peer)`.
    pub fn ratio(
        &self,
        scenario: Scenario,
        client: ClientKind,
        peer: ClientKind,
        metric: impl Fn(&Sample) -> f64,
    ) -> f64 {
        let (Some(a), Some(b)) = (
            self.samples.get(&(scenario, client)),
            self.samples.get(&(scenario, peer)),
        ) else {
            return f64::NAN;
        };
        median(a.iter().zip(b).map(|(x, y)| metric(x) / metric(y)))
    }
}

fn si(x: f64) -> String {
    if !x.is_finite() {
        "-".into()
    } else if x >= 1e6 {
        format!("{:.2} M", x / 1e6)
    } else if x >= 1e3 {
        format!("{:.1} k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

fn times(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.2}x")
    } else {
        "-".into()
    }
}

/// The results table: one row per (scenario, client), medians and the
/// per-round ratios to the scenario's fastest peer.
pub fn table(results: &Results) -> String {
    let mut out = String::new();
    out.push_str(
        "| scenario | client | throughput: median (min–max of rounds) | vs fastest peer | client CPU µs/op | vs fastest peer | peak RSS MiB | vs fastest peer |\n",
    );
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|\n");
    for &scenario in &results.scenarios {
        if let Some(reason) = scenario.pending() {
            let _ = writeln!(out, "| {} | all | {reason} | | | | | |", scenario.name());
            continue;
        }
        let summary = results.summary(scenario);
        for (client, m) in &summary.medians {
            let (r_tp, r_cpu, r_rss) = match summary.fastest_peer {
                Some(peer) => (
                    results.ratio(scenario, *client, peer, |s| s.throughput),
                    results.ratio(scenario, *client, peer, |s| s.cpu_us_per_op),
                    results.ratio(scenario, *client, peer, |s| s.peak_rss_kib as f64),
                ),
                None => (f64::NAN, f64::NAN, f64::NAN),
            };
            let name = if Some(*client) == summary.fastest_peer {
                format!("{} (fastest peer)", client.name())
            } else if *client == ClientKind::RedisTyped {
                format!("**{}**", client.name())
            } else {
                client.name().to_string()
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} {} ({}–{}) | {} | {:.2} | {} | {:.1} | {} |",
                scenario.name(),
                name,
                si(m.throughput),
                scenario.unit(),
                si(m.throughput_range.0),
                si(m.throughput_range.1),
                times(r_tp),
                m.cpu_us_per_op,
                times(r_cpu),
                m.peak_rss_kib / 1024.0,
                times(r_rss),
            );
        }
    }
    out
}

/// One line per scenario: the target, what was measured, met or not.
pub fn targets(results: &Results) -> String {
    let mut out = String::new();
    out.push_str("| scenario | target | measured (redis-typed vs fastest peer) | met |\n");
    out.push_str("|---|---|---|---|\n");
    for &scenario in &results.scenarios {
        if let Some(reason) = scenario.pending() {
            let _ = writeln!(
                out,
                "| {} | {} | {reason} | - |",
                scenario.name(),
                scenario.target()
            );
            continue;
        }
        let summary = results.summary(scenario);
        let reference = scenario
            .reference_peer()
            .filter(|p| results.samples.contains_key(&(scenario, *p)));
        let Some(peer) = reference.or(summary.fastest_peer) else {
            continue;
        };
        if !results.clients.contains(&ClientKind::RedisTyped) {
            continue;
        }
        let tp = results.ratio(scenario, ClientKind::RedisTyped, peer, |s| s.throughput);
        let mut measured = format!("{} throughput", times(tp));
        let mut met = tp >= scenario.min_ratio();
        if scenario.bounds_cpu_and_memory() {
            let cpu = results.ratio(scenario, ClientKind::RedisTyped, peer, |s| s.cpu_us_per_op);
            let rss = results.ratio(scenario, ClientKind::RedisTyped, peer, |s| {
                s.peak_rss_kib as f64
            });
            let _ = write!(measured, ", {} CPU/op, {} peak RSS", times(cpu), times(rss));
            met &= cpu <= 0.5 && rss <= 1.0;
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} (vs {}) | {} |",
            scenario.name(),
            scenario.target(),
            measured,
            peer.name(),
            if met { "yes" } else { "**no**" }
        );
    }
    out
}
