//! A tour of `ClusterClient`: writes keys, reads them back with each load
//! balancing strategy, and prints how many GETs each node served, as the
//! servers themselves count them (`INFO commandstats`).
//!
//! ```text
//! cargo run --example cluster_tour                          # throwaway cluster
//! cargo run --example cluster_tour -- --strategy replica-only
//! REDIS_CLUSTER_URLS=redis://10.0.0.1:7000,redis://10.0.0.2:7000 cargo run --example cluster_tour
//! ```
//!
//! Against your own cluster it writes keys `tour:*` and resets the command
//! statistics of every node (`CONFIG RESETSTAT`).

#[path = "common/cluster.rs"]
mod cluster;

use redis_typed::cluster::{ClusterClient, LoadBalancingStrategy};
use redis_typed::commands::{Get, Set};
use redis_typed::{Client, Cmd};

const KEYS: usize = 300;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut strategies = LoadBalancingStrategy::ALL.to_vec();
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--strategy") {
        let name = args.get(i + 1).ok_or("--strategy needs a name")?;
        let strategy = LoadBalancingStrategy::from_name(name).ok_or_else(|| {
            format!("unknown strategy {name}: primary-only|replica-only|random|round-robin|round-robin-replicas|random-replica")
        })?;
        strategies = vec![strategy];
    }

    let (urls, _guard) = match std::env::var("REDIS_CLUSTER_URLS") {
        Ok(list) => (list.split(',').map(str::to_owned).collect::<Vec<_>>(), None),
        Err(_) => {
            eprintln!("starting a throwaway 6-node cluster (set REDIS_CLUSTER_URLS to use yours)");
            let c = cluster::start()?;
            (c.urls(), Some(c))
        }
    };
    let client = ClusterClient::open(&urls).await?;
    for i in 0..KEYS {
        client.send(Set::new(format!("tour:{i}"), i)).await?;
    }
    let topology = client.topology();
    println!(
        "{} shards, {} slots covered",
        topology.shards().len(),
        topology.covered()
    );

    for strategy in strategies {
        let mut nodes = Vec::new();
        for shard in topology.shards() {
            nodes.push((shard.primary.clone(), "primary"));
            nodes.extend(shard.replicas.iter().map(|r| (r.clone(), "replica")));
        }
        let mut clients = Vec::new();
        for (addr, _) in &nodes {
            let node: Client = client.node(addr).await?;
            node.send(Cmd::<()>::new("CONFIG").arg("RESETSTAT")).await?;
            clients.push(node);
        }
        for i in 0..KEYS {
            let _: Option<i64> = client
                .send_with(Get::new(format!("tour:{i}")), strategy)
                .await?;
        }
        println!("\n{:<22} {:<8} {:>6}", strategy.name(), "role", "GETs");
        for ((addr, role), node) in nodes.iter().zip(&clients) {
            let stats: String = node.send(Cmd::new("INFO").arg("commandstats")).await?;
            let gets = stats
                .lines()
                .find_map(|l| l.strip_prefix("cmdstat_get:calls="))
                .and_then(|r| r.split(',').next())
                .unwrap_or("0");
            println!("{:<22} {:<8} {:>6}", addr.to_string(), role, gets);
        }
    }
    Ok(())
}
