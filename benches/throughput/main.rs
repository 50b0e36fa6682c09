//! The throughput harness: redis-typed, redis-rs, fred and rustis side by
//! side on the same `redis-server`, interleaved over several rounds.
//!
//! ```sh
//! cargo bench --bench throughput                      # full run, writes BENCHMARKS.md
//! cargo bench --bench throughput -- --rounds 3 --secs 2 --scenarios get_64_tasks --no-write
//! ```
//!
//! Options: `--rounds N` (5), `--secs S` measured per run (3), `--warmup S`
//! (1), `--clients a,b`, `--scenarios x,y`, `--no-write` (print only),
//! `--no-ceiling` (skip redis-benchmark), `--md PATH`, `--svg PATH`.
//!
//! The parent starts the server, loads the keys, and runs every (client,
//! scenario) pair in a child process — this same binary, re-executed with
//! `--child CLIENT SCENARIO URL` — so each client's CPU time and peak memory
//! are measured alone (see `measure`). It then prints the markdown table and
//! writes BENCHMARKS.md's generated section and the SVG chart.

mod chart;
mod clients;
mod document;
mod machine;
mod measure;
mod report;
mod scenario;
mod server;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Duration;

use measure::Sample;
use report::Results;
use scenario::{ClientKind, Scenario, KEYS, VALUE};

struct Options {
    rounds: usize,
    secs: f64,
    warmup: f64,
    clients: Vec<ClientKind>,
    scenarios: Vec<Scenario>,
    write: bool,
    ceiling: bool,
    md: PathBuf,
    svg: PathBuf,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options {
            rounds: 5,
            secs: 3.0,
            warmup: 1.0,
            clients: ClientKind::ALL.to_vec(),
            scenarios: Scenario::ALL.to_vec(),
            write: true,
            ceiling: true,
            md: PathBuf::from("BENCHMARKS.md"),
            svg: PathBuf::from("benches/throughput.svg"),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                // cargo passes --bench to harness = false targets.
                "--bench" => {}
                "--rounds" => o.rounds = value()?.parse().map_err(|e| format!("--rounds: {e}"))?,
                "--secs" => o.secs = value()?.parse().map_err(|e| format!("--secs: {e}"))?,
                "--warmup" => o.warmup = value()?.parse().map_err(|e| format!("--warmup: {e}"))?,
                "--clients" => {
                    o.clients = value()?
                        .split(',')
                        .map(|c| ClientKind::parse(c).ok_or(format!("unknown client {c}")))
                        .collect::<Result<_, _>>()?
                }
                "--scenarios" => {
                    o.scenarios = value()?
                        .split(',')
                        .map(|s| Scenario::parse(s).ok_or(format!("unknown scenario {s}")))
                        .collect::<Result<_, _>>()?
                }
                "--no-write" => o.write = false,
                "--no-ceiling" => o.ceiling = false,
                "--md" => o.md = value()?.into(),
                "--svg" => o.svg = value()?.into(),
                other => return Err(format!("unknown option {other}")),
            }
        }
        if o.rounds == 0 || o.secs <= 0.0 {
            return Err("--rounds and --secs must be positive".into());
        }
        Ok(o)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        return child(&args[1..]);
    }
    let options = match Options::parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("throughput: {e}");
            return ExitCode::FAILURE;
        }
    };
    match parent(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("throughput: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `--child CLIENT SCENARIO URL SECS WARMUP`: one measured run; prints its
/// `RESULT` line.
fn child(args: &[String]) -> ExitCode {
    let [client, scenario, url, secs, warmup] = args else {
        eprintln!("usage: --child CLIENT SCENARIO URL SECS WARMUP");
        return ExitCode::FAILURE;
    };
    let (Some(client), Some(scenario), Ok(secs), Ok(warmup)) = (
        ClientKind::parse(client),
        Scenario::parse(scenario),
        secs.parse::<f64>(),
        warmup.parse::<f64>(),
    ) else {
        eprintln!("bad child arguments: {args:?}");
        return ExitCode::FAILURE;
    };
    let sample = measure::run(
        client,
        scenario,
        url,
        Duration::from_secs_f64(warmup),
        Duration::from_secs_f64(secs),
    );
    println!("{}", sample.to_line());
    ExitCode::SUCCESS
}

fn parent(o: &Options) -> Result<(), String> {
    let machine = machine::Machine::probe();
    let server = server::Server::start()?;
    let url = server.url();
    load_keys(&url)?;
    eprintln!(
        "redis-server on {url}; {} rounds x {} scenarios x {} clients, {:.1} s each",
        o.rounds,
        o.scenarios.len(),
        o.clients.len(),
        o.secs
    );

    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut samples: HashMap<(Scenario, ClientKind), Vec<Sample>> = HashMap::new();
    for round in 0..o.rounds {
        for &scenario in o.scenarios.iter().filter(|s| s.pending().is_none()) {
            // Rotate the order every round so no client always runs first.
            let n = o.clients.len();
            for i in 0..n {
                let client = o.clients[(i + round) % n];
                let sample = run_child(&exe, client, scenario, &url, o)?;
                eprintln!(
                    "round {}/{} {:<13} {:<12} {:>10.0} {} {:>6.2} us/op {:>7.1} MiB",
                    round + 1,
                    o.rounds,
                    scenario.name(),
                    client.name(),
                    sample.throughput,
                    scenario.unit(),
                    sample.cpu_us_per_op,
                    sample.peak_rss_kib as f64 / 1024.0
                );
                samples.entry((scenario, client)).or_default().push(sample);
            }
        }
    }
    let ceiling = if o.ceiling {
        eprintln!("measuring the server's ceiling with redis-benchmark...");
        server::ceiling(server.port())
    } else {
        None
    };
    drop(server);

    let results = Results {
        scenarios: o.scenarios.clone(),
        clients: o.clients.clone(),
        samples,
    };
    println!("{}", report::table(&results));
    println!("{}", report::targets(&results));
    if let Some(c) = &ceiling {
        println!("server ceiling (redis-benchmark -c 64 -P 16): {c:?}");
    }
    if o.write {
        let subtitle = format!(
            "{} cores ({}), {}, {} rounds x {:.0} s, {}",
            machine.cores, machine.cpu, machine.redis, o.rounds, o.secs, machine.date
        );
        std::fs::write(&o.svg, chart::svg(&results, &subtitle))
            .map_err(|e| format!("writing {}: {e}", o.svg.display()))?;
        let info = document::RunInfo {
            machine: &machine,
            rounds: o.rounds,
            secs: o.secs,
            warmup: o.warmup,
            ceiling,
            chart: &o.svg.to_string_lossy(),
        };
        document::write(&o.md, &document::section(&results, &info))
            .map_err(|e| format!("writing {}: {e}", o.md.display()))?;
        eprintln!("wrote {} and {}", o.md.display(), o.svg.display());
    }
    Ok(())
}

fn run_child(
    exe: &std::path::Path,
    client: ClientKind,
    scenario: Scenario,
    url: &str,
    o: &Options,
) -> Result<Sample, String> {
    let out = Command::new(exe)
        .arg("--child")
        .args([client.name(), scenario.name(), url])
        .args([o.secs.to_string(), o.warmup.to_string()])
        .output()
        .map_err(|e| format!("cannot run child: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout.lines().find_map(Sample::from_line).ok_or_else(|| {
        format!(
            "{} {} failed ({}): {}",
            client.name(),
            scenario.name(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )
    })
}

/// Stores the 16-byte value under every benchmark key.
fn load_keys(url: &str) -> Result<(), String> {
    use redis_typed::commands::MSet;
    let keys = scenario::keys();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async {
        let client = redis_typed::Client::open(url)
            .await
            .map_err(|e| e.to_string())?;
        client
            .send(MSet::new(keys.iter().map(|k| (k.as_str(), VALUE))))
            .await
            .map_err(|e| e.to_string())?;
        debug_assert_eq!(keys.len(), KEYS);
        Ok(())
    })
}
