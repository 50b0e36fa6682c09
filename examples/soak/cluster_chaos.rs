//! The cluster chaos loop (graceful and hard failovers) and the cluster
//! leak check.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redis_typed::auth::{Credentials, CredentialsSender, StreamingCredentials};
use redis_typed::cluster::ClusterClient;
use redis_typed::transport::DefaultTransport;
use redis_typed::{Client, Cmd, ConnectionConfig, ServerAddr};

use crate::standalone::USER;
use crate::stats::{clients_named, Faults, Stats};
use crate::throwaway_cluster::{NodeState, ThrowawayCluster};
use crate::BoxError;

/// The cluster client's connection name, which the leak check counts.
pub const CLIENT_NAME: &str = "soak-cluster";

/// Polls `done` (there is no event for a role change) every 50 ms until it
/// holds or `within` passes.
fn poll(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    while !done() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

fn node(nodes: &[NodeState], port: u16) -> Option<&NodeState> {
    nodes.iter().find(|n| n.port == port)
}

/// The `redis-server` arguments that create the soak user with
/// `passwords`.
pub fn acl_args(passwords: &[String]) -> Vec<String> {
    let mut args: Vec<String> = vec!["--user".into(), USER.into(), "on".into()];
    args.extend(passwords.iter().map(|p| format!(">{p}")));
    args.extend(["~*", "&*", "+@all"].map(String::from));
    args
}

/// Every 1–3 s until `until`: a graceful failover (`CLUSTER FAILOVER` on
/// the replica of a random primary, then wait for the roles to swap), a
/// hard one (SIGKILL the primary, wait for its replica to be promoted,
/// restart the killed node on its port and directory, wait until it is a
/// connected replica), or a credential rotation (a new password for the
/// soak user on every node, published to the cluster client, the old one
/// removed a second later). Each action starts from a settled cluster
/// (three primary/replica pairs, links up, `cluster_state:ok` everywhere)
/// and waits for one again. Blocking: run it on `spawn_blocking`.
pub fn chaos(
    cluster: &mut ThrowawayCluster,
    sender: &CredentialsSender,
    stats: &Stats,
    faults: &Faults,
    started: Instant,
    until: Instant,
) {
    let mut rng = StdRng::seed_from_u64(0xfa11);
    let mut passwords = vec![FIRST_PASSWORD.to_owned()];
    let mut generation = 0;
    while Instant::now() < until {
        std::thread::sleep(Duration::from_millis(rng.random_range(1000..3000)));
        if Instant::now() >= until {
            break;
        }
        if let Err(e) = cluster.wait_settled(Duration::from_secs(60)) {
            eprintln!("cluster chaos: {e}");
            faults.count("cluster never settled (action skipped)");
            continue;
        }
        let nodes = cluster.nodes();
        let pairs: Vec<(u16, u16)> = nodes
            .iter()
            .filter_map(|r| r.primary_port.map(|p| (p, r.port)))
            .collect();
        if pairs.is_empty() {
            continue;
        }
        let (primary, replica) = pairs[rng.random_range(0..pairs.len())];
        stats.fault_begin();
        let began = Instant::now();
        let outcome = match rng.random_range(0..5) {
            0 | 1 => graceful(cluster, primary, replica).map(|()| "cluster graceful failover"),
            2 | 3 => {
                hard(cluster, primary, replica).map(|()| "cluster hard failover (SIGKILL + rejoin)")
            }
            _ => {
                generation += 1;
                rotate(cluster, sender, &mut passwords, generation)
                    .map(|()| "cluster credential rotation")
            }
        };
        match outcome {
            Ok(what) => {
                faults.count(what);
                if VERBOSE.load(std::sync::atomic::Ordering::Relaxed) {
                    eprintln!(
                        "[{:>4} s] {what} ({primary} -> {replica}) took {:?}",
                        started.elapsed().as_secs(),
                        began.elapsed()
                    );
                }
            }
            Err(e) => {
                eprintln!("cluster chaos: {e}");
                faults.count("cluster chaos action failed");
            }
        }
        stats.fault_end(started);
    }
}

/// Logs each cluster action and how long it took (`--verbose`).
pub static VERBOSE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The soak user's first password on the cluster.
pub const FIRST_PASSWORD: &str = "cpw-0";

fn rotate(
    cluster: &mut ThrowawayCluster,
    sender: &CredentialsSender,
    passwords: &mut Vec<String>,
    generation: u64,
) -> Result<(), BoxError> {
    let new = format!("cpw-{generation}");
    let add = format!(">{new}");
    for port in cluster.ports() {
        let reply = cluster.cli(port, &["ACL", "SETUSER", USER, &add]);
        if reply.trim() != "OK" {
            return Err(format!("ACL SETUSER on {port}: {}", reply.trim()).into());
        }
    }
    passwords.push(new.clone());
    cluster.set_extra(acl_args(passwords));
    sender.publish(Credentials::new(USER, new.as_str()));
    // Let every node connection re-authenticate, then retire the older
    // passwords.
    std::thread::sleep(Duration::from_millis(1000));
    let old: Vec<String> = passwords.drain(..passwords.len() - 1).collect();
    let mut kept = Vec::new();
    for p in old {
        let remove = format!("<{p}");
        let all = cluster
            .ports()
            .into_iter()
            .all(|port| cluster.cli(port, &["ACL", "SETUSER", USER, &remove]).trim() == "OK");
        if !all {
            // Still valid somewhere: keep it for restarts.
            kept.push(p);
        }
    }
    kept.append(passwords);
    *passwords = kept;
    cluster.set_extra(acl_args(passwords));
    Ok(())
}

fn graceful(cluster: &ThrowawayCluster, primary: u16, replica: u16) -> Result<(), BoxError> {
    cluster.failover(replica)?;
    let swapped = poll(Duration::from_secs(30), || {
        let nodes = cluster.nodes();
        node(&nodes, replica).is_some_and(|r| r.primary)
            && node(&nodes, primary).is_some_and(|p| p.primary_port == Some(replica) && p.link_up)
    });
    if !swapped {
        return Err(format!("{replica} did not take over from {primary}").into());
    }
    cluster.wait_settled(Duration::from_secs(30))
}

fn hard(cluster: &mut ThrowawayCluster, primary: u16, replica: u16) -> Result<(), BoxError> {
    cluster.kill(primary);
    let promoted = poll(Duration::from_secs(30), || {
        node(&cluster.nodes(), replica).is_some_and(|r| r.primary)
    });
    // Restart even if the promotion did not come, so the cluster can heal.
    cluster.restart(primary)?;
    if !promoted {
        return Err(format!("{replica} was not promoted after {primary} died").into());
    }
    let rejoined = poll(Duration::from_secs(60), || {
        node(&cluster.nodes(), primary)
            .is_some_and(|p| p.primary_port == Some(replica) && p.link_up)
    });
    if !rejoined {
        return Err(format!("{primary} did not rejoin as a replica of {replica}").into());
    }
    cluster.wait_settled(Duration::from_secs(30))
}

/// Leaks: every node the cluster client's topology lists must see exactly
/// one connection named [`CLIENT_NAME`] (the client keeps one multiplexed
/// connection per node, and [`ClusterClient::node`] returns it, connecting
/// it first if needed), and any other node none; a node that is down is
/// left out. Returns the number of connections off, and what was seen.
pub async fn leaks(
    cluster: &ClusterClient<DefaultTransport, StreamingCredentials>,
    ports: &[u16],
) -> (usize, String) {
    let mut admins = Vec::new();
    for port in ports {
        let url = format!("redis://127.0.0.1:{port}");
        let admin = match ConnectionConfig::from_url(&url) {
            Ok(config) => Client::connect(config.client_name("soak-admin")).await,
            Err(e) => Err(e),
        };
        // A node that is down holds no connection: it is reported, and
        // left out of the count.
        match admin {
            Ok(a) => admins.push((*port, a)),
            Err(e) => eprintln!("cluster leak check: node {port} is down ({e})"),
        }
    }
    let mut leaked = usize::MAX;
    let mut detail = String::new();
    for _ in 0..50 {
        let topology = cluster.topology();
        let held: Vec<ServerAddr> = topology.nodes().into_iter().cloned().collect();
        for addr in &held {
            if let Ok(node) = cluster.node(addr).await {
                let _ = node.send(Cmd::<String>::new("PING")).await;
            }
        }
        leaked = 0;
        let mut seen = Vec::new();
        for (port, admin) in &admins {
            let list = admin
                .send(Cmd::<String>::new("CLIENT").arg("LIST"))
                .await
                .unwrap_or_default();
            let on_node = clients_named(&list, CLIENT_NAME);
            let expected = usize::from(held.contains(&ServerAddr::tcp("127.0.0.1", *port)));
            leaked += on_node.abs_diff(expected);
            seen.push(format!("{port}: {on_node}/{expected}"));
        }
        detail = format!(
            "cluster: {} nodes in the client's topology; connections seen/expected per node: {}",
            held.len(),
            seen.join(", ")
        );
        if leaked == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    (leaked, detail)
}
