//! The throughput harness: redis-typed, redis-rs, fred and rustis side by
//! side on the same `redis-server`, interleaved over several rounds.
//!
//! ```sh
//! cargo bench --bench throughput                      # full run, writes BENCHMARKS.md
//! cargo bench --bench throughput -- --rounds 3 --secs 2 --scenarios get_64_tasks --no-write
//! cargo bench --bench throughput -- --help
//! ```
//!
//! Options: see [`USAGE`].
//!
//! The parent starts the server (and, for the cluster scenario, a
//! 3-primary cluster), loads the keys, and runs every (client,
//! scenario) pair in a child process — this same binary, re-executed with
//! `--child CLIENT SCENARIO URL` — so each client's CPU time and peak memory
//! are measured alone (see `measure`). It then prints the markdown table and
//! writes BENCHMARKS.md's generated section and the SVG chart.

mod chart;
mod clients;
mod cluster;
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

const USAGE: &str = "\
usage: cargo bench --bench throughput -- [OPTIONS]

  --rounds N          interleaved rounds (default 5)
  --secs S            measured seconds per run (default 3)
  --warmup S          warm-up seconds per run (default 1)
  --clients a,b       redis-typed,redis-rs,fred,rustis (default all)
  --scenarios x,y     get_64_tasks,set_64_tasks,pipeline_100,mget_100,
                      single_get,cluster_get_64_tasks (default all)
  --no-write          print the tables only; leave BENCHMARKS.md and the SVG
  --no-ceiling        skip the redis-benchmark ceiling
  --md PATH           markdown file to update (default BENCHMARKS.md)
  --svg PATH          chart to write (default benches/throughput.svg)
  --help              this text

Fixed workload for instruction counts (server already running, keys loaded):
  throughput --ops N CLIENT SCENARIO URL   N operations per worker, then exit

One scenario, quickly:
  cargo bench --bench throughput -- --rounds 1 --secs 1 --warmup 0.5 \\
      --no-write --no-ceiling --scenarios cluster_get_64_tasks
";

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
                "--help" | "-h" => return Err(USAGE.into()),
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
    if args.first().map(String::as_str) == Some("--ops") {
        return fixed_ops(&args[1..]);
    }
    let options = match Options::parse(&args) {
        Ok(o) => o,
        Err(e) => {
            if e == USAGE {
                print!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("throughput: {e}\n\n{USAGE}");
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

/// `--ops N CLIENT SCENARIO URL`: exactly N operations per worker against
/// an already running server, no timing: the workload for callgrind.
fn fixed_ops(args: &[String]) -> ExitCode {
    let [ops, client, scenario, url] = args else {
        eprintln!("usage: --ops N CLIENT SCENARIO URL");
        return ExitCode::FAILURE;
    };
    let (Ok(ops), Some(client), Some(scenario)) = (
        ops.parse::<u64>(),
        ClientKind::parse(client),
        Scenario::parse(scenario),
    ) else {
        eprintln!("bad --ops arguments: {args:?}");
        return ExitCode::FAILURE;
    };
    let done = measure::run_ops(client, scenario, url, ops);
    println!("{} {} {done} ops", client.name(), scenario.name());
    ExitCode::SUCCESS
}

fn parent(o: &Options) -> Result<(), String> {
    let machine = machine::Machine::probe();
    let server = server::Server::start()?;
    let url = server.url();
    load_keys(&url)?;
    let cluster = if o.scenarios.iter().any(|s| s.is_cluster()) {
        let cluster = cluster::Cluster::start()?;
        load_cluster_keys(&cluster.seeds())?;
        Some(cluster)
    } else {
        None
    };
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
                let target = match &cluster {
                    Some(c) if scenario.is_cluster() => c.seeds(),
                    _ => url.clone(),
                };
                let sample = run_child(&exe, client, scenario, &target, o)?;
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
    drop(cluster);

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
    let keys = scenario::keys();
    debug_assert_eq!(keys.len(), KEYS);
    on_one_thread(async {
        let client = redis_typed::Client::open(url).await?;
        client.send(mset(&keys)).await
    })
}

/// Stores the 16-byte value under every benchmark key in the cluster (one
/// MSET, split by slot by the cluster client).
fn load_cluster_keys(seeds: &str) -> Result<(), String> {
    let keys = scenario::keys();
    let seeds: Vec<&str> = seeds.split(',').collect();
    on_one_thread(async {
        let client = redis_typed::ClusterClient::open(&seeds).await?;
        client.send(mset(&keys)).await
    })
}

/// `MSET` of the 16-byte value under every key of `keys`.
fn mset(keys: &[String]) -> redis_typed::commands::MSet<&str, &str> {
    redis_typed::commands::MSet::new(keys.iter().map(|k| (k.as_str(), VALUE)))
}

/// Runs `load` to its end on a one-thread runtime; errors as text.
fn on_one_thread(
    load: impl std::future::Future<Output = redis_typed::Result<()>>,
) -> Result<(), String> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?
        .block_on(load)
        .map_err(|e| e.to_string())
}
