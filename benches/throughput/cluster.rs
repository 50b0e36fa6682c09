//! A 3-primary Redis Cluster (no replicas) for the cluster scenario: three
//! [`Server`]s in cluster mode, each in its own temporary directory (for its
//! `nodes.conf`), joined with `redis-cli --cluster create`, killed on drop.
//!
//! Readiness is polled from the servers' own state (`CLUSTER INFO` on every
//! node until `cluster_state:ok` with all 16384 slots), with a deadline;
//! there is no event to await for gossip converging.

use std::net::{Ipv4Addr, TcpListener};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::server::Server;

const PRIMARIES: usize = 3;
/// The cluster bus listens on port + 10000, so client ports stay below this.
const MAX_PORT: u16 = 55535;
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(50);

/// A running 3-primary cluster.
pub struct Cluster {
    // Servers first: they are killed before their directories are removed.
    nodes: Vec<Server>,
    _dirs: Vec<tempfile::TempDir>,
}

impl Cluster {
    /// Starts three nodes, creates the cluster and waits until every node
    /// reports it ready.
    pub fn start() -> Result<Cluster, String> {
        let mut nodes = Vec::new();
        let mut dirs = Vec::new();
        while nodes.len() < PRIMARIES {
            let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
            let port = cluster_port()?;
            let path = dir.path().to_string_lossy().into_owned();
            let extra = [
                "--cluster-enabled",
                "yes",
                "--cluster-config-file",
                "nodes.conf",
                "--cluster-node-timeout",
                "5000",
                "--dir",
                path.as_str(),
            ];
            // A port taken between the check and the start: try another.
            if let Ok(node) = Server::start_on(port, &extra) {
                nodes.push(node);
                dirs.push(dir);
            }
        }
        let addrs: Vec<String> = nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port()))
            .collect();
        let out = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addrs)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run redis-cli --cluster create: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "redis-cli --cluster create failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let cluster = Cluster { nodes, _dirs: dirs };
        cluster.wait_ready()?;
        Ok(cluster)
    }

    fn wait_ready(&self) -> Result<(), String> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let ready = self.nodes.iter().all(|n| {
                let info = cli(n.port(), &["CLUSTER", "INFO"]);
                info.contains("cluster_state:ok") && info.contains("cluster_slots_ok:16384")
            });
            if ready {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(format!("cluster not ready within {READY_TIMEOUT:?}"));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Every node's `redis://127.0.0.1:PORT`, comma-separated: the seed
    /// list handed to the children.
    pub fn seeds(&self) -> String {
        self.nodes
            .iter()
            .map(Server::url)
            .collect::<Vec<_>>()
            .join(",")
    }
}

fn cli(port: u16, args: &[&str]) -> String {
    Command::new("redis-cli")
        .args(["-h", "127.0.0.1", "-p", &port.to_string()])
        .args(args)
        .stderr(Stdio::null())
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// A free port at or below [`MAX_PORT`] whose bus port is free too.
fn cluster_port() -> Result<u16, String> {
    for _ in 0..100 {
        let port = crate::server::free_port()?;
        let free = |p: u16| TcpListener::bind((Ipv4Addr::LOCALHOST, p)).is_ok();
        if port <= MAX_PORT && free(port + 10000) {
            return Ok(port);
        }
    }
    Err("no free port pair for a cluster node".into())
}
