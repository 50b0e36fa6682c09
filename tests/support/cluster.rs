//! [`RedisCluster`]: six throwaway `redis-server`s (3 primaries, 3
//! replicas) joined into one Redis Cluster for a test binary.
//!
//! Each node is a [`RedisServer`] (own temporary directory, nothing on disk)
//! started with `--cluster-enabled yes`; `redis-cli --cluster create ...
//! --cluster-replicas 1 --cluster-yes` joins them. Readiness is polled from
//! the servers' own state (`CLUSTER INFO`, `INFO replication`), never
//! awaited with a fixed sleep. Everything is killed on drop.
//!
//! Ports stay at or below 55535: the cluster bus listens on port + 10000.
//!
//! [`RedisCluster::start_with`] starts three primaries with any number of
//! replicas each (`--cluster-replicas N`), for checks that need more than
//! one replica per shard.
//!
//! [`RedisCluster::start_tls`] starts the same cluster with TLS: each node
//! also listens on a TLS port (`tls-port`), with `tls-cluster yes` and
//! `tls-replication yes` (the bus and replication run over TLS too) and a
//! certificate for `127.0.0.1` from a [`Pki`]. The plain ports stay open
//! for `redis-cli` (creating the cluster, the readiness polls); clients
//! under test use [`RedisCluster::tls_urls`].

use std::collections::HashMap;
use std::ffi::OsString;
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::certs::{Pki, ServerTlsFiles};
use super::cluster_ops::owner_in;
use super::RedisServer;

/// Highest client port usable by a cluster node (its bus is port + 10000).
const MAX_PORT: u16 = 55535;
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(50);

/// A running cluster: 3 primaries, each with `replicas_per_shard`
/// replicas (one unless started with [`RedisCluster::start_with`]).
#[derive(Debug)]
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
    replicas_per_shard: usize,
    /// Set by [`RedisCluster::start_tls`].
    tls: Option<ClusterTls>,
}

/// The TLS side of a cluster: each node's TLS port, by plain port, and the
/// certificate files the nodes read (kept until the cluster is dropped).
#[derive(Debug)]
struct ClusterTls {
    ports: HashMap<u16, u16>,
    _files: ServerTlsFiles,
}

/// A port below [`MAX_PORT`] whose bus port is free too (checked, then
/// released: `start` retries if it is taken meanwhile).
fn cluster_port() -> u16 {
    loop {
        let port = 20000 + (rand::random::<u16>() % 25000);
        let free = |p: u16| TcpListener::bind((Ipv4Addr::LOCALHOST, p)).is_ok();
        if free(port) && free(port + 10000) {
            return port;
        }
    }
}

/// Starts one cluster node; `extra` is appended to its arguments.
fn start_node(extra: &[OsString]) -> RedisServer {
    loop {
        let server = RedisServer::builder()
            .preferred_port(cluster_port())
            .args(["--cluster-enabled", "yes"])
            .args(["--cluster-config-file", "nodes.conf"])
            .args(["--cluster-node-timeout", "2000"])
            .args(["--appendonly", "no", "--save", ""])
            .args(extra.iter().cloned())
            .start();
        if server.port() <= MAX_PORT {
            return server;
        }
        // The preferred port was taken and the fallback is too high: retry.
    }
}

impl RedisCluster {
    /// Starts six nodes, creates the cluster and waits until it is ready.
    pub fn start() -> RedisCluster {
        RedisCluster::start_with(1)
    }

    /// Starts three primaries with `replicas_per_shard` replicas each
    /// (`3 * (1 + replicas_per_shard)` nodes), creates the cluster and
    /// waits until every replica is attached.
    pub fn start_with(replicas_per_shard: usize) -> RedisCluster {
        let count = 3 * (1 + replicas_per_shard);
        let nodes: Vec<RedisServer> = (0..count).map(|_| start_node(&[])).collect();
        RedisCluster::create(nodes, None, replicas_per_shard)
    }

    /// Like [`RedisCluster::start`], each node also serving TLS on its own
    /// port with a certificate (for `localhost` and `127.0.0.1`) signed by
    /// `pki`, the cluster bus and replication over TLS. With
    /// `require_client_certs`, TLS clients must present a certificate
    /// signed by `pki` (`tls-auth-clients yes`).
    pub fn start_tls(pki: &Pki, require_client_certs: bool) -> RedisCluster {
        let files = pki.server_files();
        let mut ports = HashMap::new();
        let nodes: Vec<RedisServer> = (0..6)
            .map(|_| {
                // Below MAX_PORT, its bus port free: with `tls-cluster yes`
                // the bus listens on the TLS port + 10000.
                let tls_port = cluster_port();
                let mut args = files.redis_args(tls_port, require_client_certs);
                args.extend(
                    ["--tls-cluster", "yes", "--tls-replication", "yes"].map(OsString::from),
                );
                let node = start_node(&args);
                ports.insert(node.port(), tls_port);
                node
            })
            .collect();
        let tls = ClusterTls {
            ports,
            _files: files,
        };
        RedisCluster::create(nodes, Some(tls), 1)
    }

    /// Joins `nodes` into a cluster of three shards, `replicas_per_shard`
    /// replicas each, and waits until it is ready.
    fn create(
        nodes: Vec<RedisServer>,
        tls: Option<ClusterTls>,
        replicas_per_shard: usize,
    ) -> RedisCluster {
        let addrs: Vec<String> = nodes
            .iter()
            .map(|n| format!("127.0.0.1:{}", n.port()))
            .collect();
        let output = Command::new("redis-cli")
            .arg("--cluster")
            .arg("create")
            .args(&addrs)
            .arg("--cluster-replicas")
            .arg(replicas_per_shard.to_string())
            .arg("--cluster-yes")
            .stdin(Stdio::null())
            .output()
            .expect("run redis-cli --cluster create (is redis-cli on PATH?)");
        assert!(
            output.status.success(),
            "redis-cli --cluster create failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let cluster = RedisCluster {
            nodes,
            replicas_per_shard,
            tls,
        };
        cluster.wait_ready();
        cluster
    }

    /// The TLS port of the node whose plain port is `port` (a cluster
    /// started with [`RedisCluster::start_tls`]).
    pub fn tls_port(&self, port: u16) -> u16 {
        let tls = self.tls.as_ref().expect("a cluster started with start_tls");
        *tls.ports.get(&port).expect("no node on that port")
    }

    /// Seed URLs of the TLS ports, `rediss://127.0.0.1:P`, one per node.
    pub fn tls_urls(&self) -> Vec<String> {
        self.nodes
            .iter()
            .map(|n| format!("rediss://127.0.0.1:{}", self.tls_port(n.port())))
            .collect()
    }

    /// Polls every running node until `cluster_state:ok`, every node knows
    /// the same number of nodes, and every replica's link is up.
    pub fn wait_ready(&self) {
        let deadline = Instant::now() + READY_TIMEOUT;
        let running = self.nodes.iter().filter(|n| n.is_running()).count();
        // Of the running nodes, the share that are replicas once every
        // shard has its primary (a half with one replica per shard).
        let replicas = running * self.replicas_per_shard / (self.replicas_per_shard + 1);
        loop {
            let ready = self.nodes.iter().filter(|n| n.is_running()).all(|n| {
                let Ok(info) = n.try_cli(&["CLUSTER", "INFO"]) else {
                    return false;
                };
                let ok = info.contains("cluster_state:ok");
                let slots = info.contains("cluster_slots_ok:16384");
                let Ok(repl) = n.try_cli(&["INFO", "replication"]) else {
                    return false;
                };
                let link = repl.contains("role:master") || repl.contains("master_link_status:up");
                let shards = self.replicas_listed(n) >= replicas;
                ok && slots && link && shards
            });
            if ready {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "cluster not ready within {READY_TIMEOUT:?}"
            );
            std::thread::sleep(POLL);
        }
    }

    /// How many online replicas `node`'s `CLUSTER NODES` lists.
    fn replicas_listed(&self, node: &RedisServer) -> usize {
        node.try_cli(&["CLUSTER", "NODES"])
            .map(|t| {
                t.lines()
                    .filter(|l| l.contains("slave") && !l.contains("fail"))
                    .count()
            })
            .unwrap_or(0)
    }

    /// Every node, running or not.
    pub fn nodes(&self) -> &[RedisServer] {
        &self.nodes
    }

    /// A node, mutably (to kill it).
    pub fn node_mut(&mut self, port: u16) -> &mut RedisServer {
        self.nodes
            .iter_mut()
            .find(|n| n.port() == port)
            .expect("no node on that port")
    }

    /// The node on `port`.
    pub fn node(&self, port: u16) -> &RedisServer {
        self.nodes
            .iter()
            .find(|n| n.port() == port)
            .expect("no node on that port")
    }

    /// Seed URLs, one per node.
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// Ports of the running primaries.
    pub fn primaries(&self) -> Vec<u16> {
        self.by_role("role:master")
    }

    /// Ports of the running replicas.
    pub fn replicas(&self) -> Vec<u16> {
        self.by_role("role:slave")
    }

    fn by_role(&self, role: &str) -> Vec<u16> {
        self.nodes
            .iter()
            .filter(|n| n.is_running())
            .filter(|n| {
                n.try_cli(&["INFO", "replication"])
                    .is_ok_and(|r| r.contains(role))
            })
            .map(RedisServer::port)
            .collect()
    }

    /// The node id of the node on `port`.
    pub fn node_id(&self, port: u16) -> String {
        self.node(port).cli(&["CLUSTER", "MYID"])
    }

    /// The port of the primary serving `slot`, per the first running node.
    pub fn owner_of(&self, slot: u16) -> u16 {
        self.try_owner_of(slot)
            .unwrap_or_else(|| panic!("no primary owns slot {slot}"))
    }

    /// Like [`RedisCluster::owner_of`], `None` while no primary owns
    /// `slot` (during a failover).
    pub fn try_owner_of(&self, slot: u16) -> Option<u16> {
        let asker = self.nodes.iter().find(|n| n.is_running()).expect("a node");
        owner_in(&asker.cli(&["CLUSTER", "NODES"]), slot)
    }

    /// `CONFIG RESETSTAT` on every running node.
    pub fn reset_stats(&self) {
        for n in self.nodes.iter().filter(|n| n.is_running()) {
            n.cli(&["CONFIG", "RESETSTAT"]);
        }
    }

    /// Calls per command (`get`, `set`...) since the last reset, per port,
    /// from `INFO commandstats`.
    pub fn command_calls(&self, command: &str) -> HashMap<u16, u64> {
        let prefix = format!("cmdstat_{command}:calls=");
        self.nodes
            .iter()
            .filter(|n| n.is_running())
            .map(|n| {
                let stats = n.cli(&["INFO", "commandstats"]);
                let calls = stats
                    .lines()
                    .find_map(|l| l.strip_prefix(&prefix))
                    .and_then(|rest| rest.split(',').next())
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(0);
                (n.port(), calls)
            })
            .collect()
    }
}
