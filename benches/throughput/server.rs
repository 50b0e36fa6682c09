//! A `redis-server` for the benchmark: a free loopback port, nothing
//! persisted, killed on drop.
//!
//! Readiness is an event, not a sleep (as in `tests/support/server.rs`): the
//! server logs to its stdout, a thread reads it line by line, and start-up
//! returns once "Ready to accept connections" arrives. The same thread keeps
//! draining the pipe so a chatty server never blocks.

use std::io::{BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

const READY: &str = "Ready to accept connections";
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A running `redis-server`.
pub struct Server {
    child: Child,
    port: u16,
}

impl Server {
    /// Starts a server on a free port and waits until it accepts
    /// connections.
    pub fn start() -> Result<Server, String> {
        Server::start_on(free_port()?, &[])
    }

    /// Starts a server on `port` with `extra` arguments (e.g. cluster mode)
    /// and waits until it accepts connections.
    pub fn start_on(port: u16, extra: &[&str]) -> Result<Server, String> {
        let mut child = Command::new("redis-server")
            .args(["--port", &port.to_string()])
            .args(["--bind", "127.0.0.1"])
            .args(["--save", ""])
            .args(["--appendonly", "no"])
            .args(["--logfile", ""])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start redis-server (is it installed?): {e}"))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let (ready_tx, ready_rx) = mpsc::channel();
        thread::spawn(move || {
            let mut ready_tx = Some(ready_tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.contains(READY) {
                    if let Some(tx) = ready_tx.take() {
                        let _ = tx.send(());
                    }
                }
            }
        });
        let mut server = Server { child, port };
        match ready_rx.recv_timeout(START_TIMEOUT) {
            Ok(()) => Ok(server),
            Err(_) => {
                let status = server.child.try_wait().ok().flatten();
                Err(format!(
                    "redis-server on port {port} did not become ready (exit status: {status:?})"
                ))
            }
        }
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// `redis-server --version`, shortened to `Redis 7.0.15`, for the report.
pub fn version() -> String {
    let out = Command::new("redis-server")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    // "Redis server v=7.0.15 sha=... malloc=jemalloc-5.3.0 bits=64 build=..."
    match out.split_whitespace().find_map(|w| w.strip_prefix("v=")) {
        Some(v) => format!("Redis {v}"),
        None if out.is_empty() => "Redis (unknown version)".into(),
        None => out,
    }
}

/// The server's own ceiling: `redis-benchmark -c 64 -P 16` GET and SET of
/// 16-byte values, in requests per second, if redis-benchmark is installed.
pub fn ceiling(port: u16) -> Option<Vec<(String, f64)>> {
    let out = Command::new("redis-benchmark")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(["-c", "64", "-P", "16", "-d", "16", "-n", "2000000"])
        .args(["-t", "get,set", "-q", "--csv"])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    // --csv: "test","rps",...  e.g. "SET","612745.12",...
    let results: Vec<(String, f64)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut fields = line.split(',').map(|f| f.trim_matches('"'));
            let test = fields.next()?.to_string();
            let rps = fields.next()?.parse().ok()?;
            Some((test, rps))
        })
        .collect();
    (!results.is_empty()).then_some(results)
}
