//! Starts a throwaway 3-primary / 3-replica Redis Cluster for an example:
//! six `redis-server`s (each in its own temporary directory, nothing kept
//! on disk) joined with `redis-cli --cluster create`, then polled until
//! every node reports `cluster_state:ok` and every replica's link is up.
//! Everything is killed when the returned guard is dropped.
//!
//! Used with `#[path = "common/cluster.rs"] mod cluster;`.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

type BoxError = Box<dyn std::error::Error>;

/// The nodes of a throwaway cluster; killed (and their directories
/// removed) on drop.
pub struct ThrowawayCluster {
    nodes: Vec<(Child, u16, std::path::PathBuf)>,
}

impl Drop for ThrowawayCluster {
    fn drop(&mut self) {
        for (child, _, dir) in &mut self.nodes {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl ThrowawayCluster {
    /// `redis://127.0.0.1:PORT` for every node.
    pub fn urls(&self) -> Vec<String> {
        self.nodes
            .iter()
            .map(|(_, p, _)| format!("redis://127.0.0.1:{p}"))
            .collect()
    }
}

/// A free port at most 55535 (the cluster bus uses port + 10000).
fn port() -> Result<u16, BoxError> {
    for candidate in (20000..45000)
        .step_by(7)
        .skip(std::process::id() as usize % 3000)
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
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Starts the cluster and waits until it is ready.
pub fn start() -> Result<ThrowawayCluster, BoxError> {
    let mut cluster = ThrowawayCluster { nodes: Vec::new() };
    let mut last = 0;
    for _ in 0..6 {
        let mut p = port()?;
        while p <= last {
            p += 7;
        }
        last = p;
        let dir =
            std::env::temp_dir().join(format!("redis-typed-cluster-{}-{p}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let child = Command::new("redis-server")
            .args(["--port", &p.to_string(), "--bind", "127.0.0.1"])
            .args([
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
            ])
            .args([
                "--cluster-node-timeout",
                "2000",
                "--appendonly",
                "no",
                "--save",
                "",
            ])
            .arg("--dir")
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start redis-server (is it on PATH?): {e}"))?;
        cluster.nodes.push((child, p, dir));
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    for (_, p, _) in &cluster.nodes {
        while cli(*p, &["PING"]).trim() != "PONG" {
            if Instant::now() > deadline {
                return Err(format!("node {p} did not start").into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let addrs: Vec<String> = cluster
        .nodes
        .iter()
        .map(|(_, p, _)| format!("127.0.0.1:{p}"))
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
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = cluster.nodes.iter().all(|(_, p, _)| {
            let repl = cli(*p, &["INFO", "replication"]);
            cli(*p, &["CLUSTER", "INFO"]).contains("cluster_state:ok")
                && (repl.contains("role:master") || repl.contains("master_link_status:up"))
        });
        if ready {
            return Ok(cluster);
        }
        if Instant::now() > deadline {
            return Err("cluster not ready within 60 s".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
