//! Starts a throwaway 3-primary / 3-replica Redis Cluster for an example:
//! six `redis-server`s (each in its own temporary directory, nothing kept
//! on disk but the cluster's `nodes.conf`) joined with
//! `redis-cli --cluster create`, then polled until every node reports
//! `cluster_state:ok` and every replica's link is up. Everything is killed
//! when the returned guard is dropped.
//!
//! For chaos (`examples/soak`) a node can also be killed (SIGKILL) and
//! restarted on the same port and directory, so it rejoins with the same
//! node id; [`ThrowawayCluster::nodes`] reads every node's replication role
//! and cluster state, and [`ThrowawayCluster::settled`] says whether the
//! cluster is back to three healthy primary/replica pairs.
//!
//! Used with `#[path = "common/cluster.rs"] mod cluster;`. The admin calls
//! go through `redis-cli` (blocking: call them from `spawn_blocking` in
//! async code).
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error>;

/// One node: its process (none while killed), port and directory.
struct Node {
    child: Option<Child>,
    port: u16,
    dir: PathBuf,
}

/// The nodes of a throwaway cluster; killed (and their directories
/// removed) on drop.
pub struct ThrowawayCluster {
    nodes: Vec<Node>,
    node_timeout_ms: u64,
    /// Extra `redis-server` arguments given to every node (e.g. ACL users).
    extra: Vec<String>,
}

impl Drop for ThrowawayCluster {
    fn drop(&mut self) {
        for node in &mut self.nodes {
            if let Some(child) = &mut node.child {
                let _ = child.kill();
                let _ = child.wait();
            }
            let _ = std::fs::remove_dir_all(&node.dir);
        }
    }
}

/// What one node says about itself (`INFO replication`, `CLUSTER INFO`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeState {
    /// Its port.
    pub port: u16,
    /// It answered.
    pub alive: bool,
    /// `role:master`.
    pub primary: bool,
    /// For a replica: its primary's port.
    pub primary_port: Option<u16>,
    /// For a replica: `master_link_status:up`.
    pub link_up: bool,
    /// `cluster_state:ok`.
    pub cluster_ok: bool,
}

impl ThrowawayCluster {
    /// `redis://127.0.0.1:PORT` for every node.
    pub fn urls(&self) -> Vec<String> {
        self.nodes
            .iter()
            .map(|n| format!("redis://127.0.0.1:{}", n.port))
            .collect()
    }

    /// Every node's port.
    pub fn ports(&self) -> Vec<u16> {
        self.nodes.iter().map(|n| n.port).collect()
    }

    /// SIGKILLs the node on `port` (no shutdown, no final save) and waits
    /// for it to exit.
    pub fn kill(&mut self, port: u16) {
        if let Some(node) = self.nodes.iter_mut().find(|n| n.port == port) {
            if let Some(mut child) = node.child.take() {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }

    /// Starts the node on `port` again, in the same directory: it reads its
    /// `nodes.conf` and rejoins the cluster with the same node id. Returns
    /// once it answers `PING`. If the process exits at once (its port taken
    /// for a moment by some other program while it was down), it is
    /// started again, for up to 60 s; the error then quotes its log.
    pub fn restart(&mut self, port: u16) -> Result<(), BoxError> {
        let timeout = self.node_timeout_ms;
        let extra = self.extra.clone();
        let node = self
            .nodes
            .iter_mut()
            .find(|n| n.port == port)
            .ok_or("no such node")?;
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut exits = 0;
        loop {
            if node.child.is_none() {
                node.child = Some(spawn(port, &node.dir, timeout, &extra)?);
            }
            if cli(port, &["PING"]).trim() == "PONG" {
                return Ok(());
            }
            if let Some(child) = &mut node.child {
                if let Ok(Some(_)) = child.try_wait() {
                    node.child = None;
                    exits += 1;
                    std::thread::sleep(Duration::from_millis(500));
                }
            }
            if Instant::now() > deadline {
                let log = std::fs::read_to_string(node.dir.join("redis.log")).unwrap_or_default();
                let tail: Vec<&str> = log.lines().rev().take(3).collect();
                return Err(format!(
                    "node {port} did not restart ({exits} early exits; log ends: {tail:?})"
                )
                .into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Replaces the extra `redis-server` arguments used by later
    /// [`restart`](Self::restart)s (e.g. the ACL users valid now).
    pub fn set_extra(&mut self, extra: Vec<String>) {
        self.extra = extra;
    }

    /// What every node says about itself now.
    pub fn nodes(&self) -> Vec<NodeState> {
        self.nodes
            .iter()
            .map(|n| node_state(n.port, n.child.is_some()))
            .collect()
    }

    /// True when every node is up with `cluster_state:ok` and the nodes
    /// form three primary/replica pairs whose replication links are up.
    pub fn settled(&self) -> bool {
        let nodes = self.nodes();
        let primaries: Vec<u16> = nodes.iter().filter(|n| n.primary).map(|n| n.port).collect();
        nodes.iter().all(|n| n.alive && n.cluster_ok)
            && primaries.len() == 3
            && primaries.iter().all(|p| {
                nodes
                    .iter()
                    .filter(|r| r.primary_port == Some(*p) && r.link_up)
                    .count()
                    == 1
            })
    }

    /// Polls [`settled`](Self::settled) until it holds (there is no event
    /// to wait for) or `within` passes.
    pub fn wait_settled(&self, within: Duration) -> Result<(), BoxError> {
        let deadline = Instant::now() + within;
        while !self.settled() {
            if Instant::now() > deadline {
                return Err(
                    format!("cluster not settled within {within:?}: {:?}", self.nodes()).into(),
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(())
    }

    /// `CLUSTER FAILOVER` sent to the replica on `port`: it takes over from
    /// its primary once it has caught up (no acknowledged write is lost).
    pub fn failover(&self, replica: u16) -> Result<(), BoxError> {
        let reply = cli(replica, &["CLUSTER", "FAILOVER"]);
        if reply.trim() == "OK" {
            Ok(())
        } else {
            Err(format!("CLUSTER FAILOVER on {replica}: {}", reply.trim()).into())
        }
    }

    /// Runs one `redis-cli` command against the node on `port` and returns
    /// its output (empty if it did not answer).
    pub fn cli(&self, port: u16, args: &[&str]) -> String {
        cli(port, args)
    }
}

/// A free port above `above` and at most 55535 (the cluster bus uses the
/// port plus 10000), searched from a place that depends on the process and
/// the `attempt`.
fn port(above: u16, attempt: usize) -> Result<u16, BoxError> {
    for candidate in (20000..45000)
        .step_by(7)
        .skip((std::process::id() as usize + attempt * 997) % 3000)
        .filter(|c| *c > above)
    {
        if TcpListener::bind(("127.0.0.1", candidate)).is_ok()
            && TcpListener::bind(("127.0.0.1", candidate + 10000)).is_ok()
        {
            return Ok(candidate);
        }
    }
    Err("no free port for a cluster node".into())
}

fn cli(port: u16, args: &[&str]) -> String {
    Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

fn field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
        .map(str::trim)
}

fn node_state(port: u16, running: bool) -> NodeState {
    let down = NodeState {
        port,
        alive: false,
        primary: false,
        primary_port: None,
        link_up: false,
        cluster_ok: false,
    };
    if !running {
        return down;
    }
    let repl = cli(port, &["INFO", "replication"]);
    let Some(role) = field(&repl, "role") else {
        return down;
    };
    let primary = role == "master";
    NodeState {
        port,
        alive: true,
        primary,
        primary_port: if primary {
            None
        } else {
            field(&repl, "master_port").and_then(|p| p.parse().ok())
        },
        link_up: !primary && field(&repl, "master_link_status") == Some("up"),
        cluster_ok: field(&cli(port, &["CLUSTER", "INFO"]), "cluster_state") == Some("ok"),
    }
}

fn spawn(
    port: u16,
    dir: &std::path::Path,
    node_timeout_ms: u64,
    extra: &[String],
) -> Result<Child, BoxError> {
    Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args([
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
        ])
        .args(["--cluster-node-timeout", &node_timeout_ms.to_string()])
        .args(["--appendonly", "no", "--save", ""])
        .args(extra)
        .arg("--logfile")
        .arg(dir.join("redis.log"))
        .arg("--dir")
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start redis-server (is it on PATH?): {e}").into())
}

/// Starts the cluster (node timeout 2 s) and waits until it is ready.
pub fn start() -> Result<ThrowawayCluster, BoxError> {
    start_with(2000, &[])
}

/// Starts the cluster with `cluster-node-timeout` `node_timeout_ms` (how
/// long a primary may be unreachable before its replica takes over) and
/// `extra` arguments for every `redis-server`, and waits until it is ready.
/// Tries three times: a port found free may be taken by another process
/// before the node binds it.
pub fn start_with(node_timeout_ms: u64, extra: &[String]) -> Result<ThrowawayCluster, BoxError> {
    let mut outcome = try_start(node_timeout_ms, extra, 0);
    for attempt in 1..3 {
        match outcome {
            Ok(cluster) => return Ok(cluster),
            Err(e) => eprintln!("cluster start failed ({e}); trying again on other ports"),
        }
        outcome = try_start(node_timeout_ms, extra, attempt);
    }
    outcome
}

fn try_start(
    node_timeout_ms: u64,
    extra: &[String],
    attempt: usize,
) -> Result<ThrowawayCluster, BoxError> {
    let mut cluster = ThrowawayCluster {
        nodes: Vec::new(),
        node_timeout_ms,
        extra: extra.to_vec(),
    };
    let mut last = 0;
    for _ in 0..6 {
        let p = port(last, attempt)?;
        last = p;
        let dir =
            std::env::temp_dir().join(format!("redis-typed-cluster-{}-{p}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let child = spawn(p, &dir, node_timeout_ms, extra)?;
        cluster.nodes.push(Node {
            child: Some(child),
            port: p,
            dir,
        });
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    for p in cluster.ports() {
        while cli(p, &["PING"]).trim() != "PONG" {
            if Instant::now() > deadline {
                return Err(format!("node {p} did not start").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let addrs: Vec<String> = cluster
        .ports()
        .iter()
        .map(|p| format!("127.0.0.1:{p}"))
        .collect();
    let status = Command::new("redis-cli")
        .args(["--cluster", "create"])
        .args(&addrs)
        .args(["--cluster-replicas", "1", "--cluster-yes"])
        .stdout(Stdio::null())
        .status()?;
    if !status.success() {
        return Err("redis-cli --cluster create failed".into());
    }
    cluster
        .wait_settled(Duration::from_secs(60))
        .map_err(|e| format!("cluster not ready: {e}"))?;
    Ok(cluster)
}
