//! [`Topology`]: which shard serves each slot, and the nodes of each shard.
//!
//! Read from `CLUSTER SHARDS` (Redis 7.0+) or, on older servers,
//! `CLUSTER SLOTS`. A topology is immutable: changes build a new one, which
//! replaces the old behind an `Arc`, so readers never wait.
//!
//! Plain and TLS ports. A node may serve both; which one a client must use
//! depends on its transport. What the server tells (checked on 7.0.15):
//!
//! | `tls-cluster` | `CLUSTER SHARDS`              | `CLUSTER SLOTS`, `MOVED`, `ASK`   |
//! |---------------|-------------------------------|-----------------------------------|
//! | `yes`         | `port` and `tls-port`         | the port of the asking connection's kind |
//! | `no`          | `port` only (the plain one)   | the plain port, even to TLS clients |
//!
//! So [`Topology::from_shards`] picks the port by the `tls` flag it is
//! given (the cluster client passes [`Transport::is_tls`](crate::transport::Transport::is_tls)
//! or a `rediss://` configuration), and `CLUSTER SLOTS` and redirections
//! are taken as they come. A TLS cluster must run with `tls-cluster yes`:
//! otherwise no reply names the TLS ports, and a TLS client is sent to
//! plain ports (its handshakes fail there).

use std::collections::HashSet;

use super::slot::SLOT_COUNT;
use crate::commands::{ClusterShard, ClusterSlotRange, NodeHealth, NodeRole};
use crate::connection::ServerAddr;

/// One shard: a primary and the replicas that may serve its reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shard {
    /// The primary.
    pub primary: ServerAddr,
    /// The replicas not marked failed.
    pub replicas: Vec<ServerAddr>,
}

/// The slot map: for each of the 16384 slots, the index of its shard.
#[derive(Clone, PartialEq, Eq)]
pub struct Topology {
    slots: Vec<Option<u16>>,
    shards: Vec<Shard>,
}

impl std::fmt::Debug for Topology {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Topology")
            .field("covered", &self.covered())
            .field("shards", &self.shards)
            .finish()
    }
}

impl Default for Topology {
    fn default() -> Self {
        Topology {
            slots: vec![None; SLOT_COUNT as usize],
            shards: Vec::new(),
        }
    }
}

/// The address of a node: its endpoint, else its IP, else the host of the
/// node that was asked (a node alone does not know its own IP).
fn node_addr(endpoint: Option<&str>, ip: &str, port: u16, asked: &str) -> ServerAddr {
    let host = match endpoint {
        Some(e) if !e.is_empty() && e != "?" => e,
        _ if !ip.is_empty() => ip,
        _ => asked,
    };
    ServerAddr::tcp(host, port)
}

impl Topology {
    /// Builds the map from a `CLUSTER SHARDS` reply; `asked` is the host of
    /// the node that answered. With `tls`, each node's `tls-port` is used
    /// (its `port` if it has none), else its `port` (its `tls-port` if it
    /// has none).
    pub fn from_shards(shards: &[ClusterShard], asked: &str, tls: bool) -> Topology {
        let mut topology = Topology::default();
        for shard in shards {
            if shard.slots.is_empty() {
                continue;
            }
            let mut primary = None;
            let mut replicas = Vec::new();
            for node in &shard.nodes {
                let port = if tls {
                    node.tls_port.or(node.port)
                } else {
                    node.port.or(node.tls_port)
                };
                let Some(port) = port else {
                    continue;
                };
                let addr = node_addr(Some(&node.endpoint), &node.ip, port, asked);
                match (&node.role, &node.health) {
                    (NodeRole::Master, NodeHealth::Failed) => {}
                    (NodeRole::Master, _) => primary = Some(addr),
                    (_, NodeHealth::Failed) => {}
                    // Redis 7.0 reports a replica with replication offset 0
                    // (no write yet) as `loading`: it serves reads.
                    _ => replicas.push(addr),
                }
            }
            let Some(primary) = primary else { continue };
            let index = topology.push_shard(Shard { primary, replicas });
            for &(start, end) in &shard.slots {
                topology.assign(start, end, index);
            }
        }
        topology
    }

    /// Builds the map from a `CLUSTER SLOTS` reply (whose ports are those
    /// of the asking connection's kind with `tls-cluster yes`).
    pub fn from_slots(ranges: &[ClusterSlotRange], asked: &str) -> Topology {
        let mut topology = Topology::default();
        for range in ranges {
            let addr =
                |n: &crate::commands::SlotNode| node_addr(n.endpoint.as_deref(), "", n.port, asked);
            let primary = addr(&range.primary);
            let index = match topology.shards.iter().position(|s| s.primary == primary) {
                Some(i) => i as u16,
                None => topology.push_shard(Shard {
                    primary,
                    replicas: range.replicas.iter().map(addr).collect(),
                }),
            };
            topology.assign(range.start, range.end, index);
        }
        topology
    }

    fn push_shard(&mut self, shard: Shard) -> u16 {
        self.shards.push(shard);
        (self.shards.len() - 1) as u16
    }

    fn assign(&mut self, start: u16, end: u16, index: u16) {
        let end = end.min(SLOT_COUNT - 1);
        for slot in start..=end {
            self.slots[slot as usize] = Some(index);
        }
    }

    /// The shard serving `slot`, if any.
    pub fn shard_for(&self, slot: u16) -> Option<&Shard> {
        self.indexed_shard_for(slot).map(|(_, shard)| shard)
    }

    /// The shard serving `slot` with its index in [`Topology::shards`]
    /// (indexes are dense: `0..shards().len()`).
    pub fn indexed_shard_for(&self, slot: u16) -> Option<(usize, &Shard)> {
        let index = (*self.slots.get(slot as usize)?)? as usize;
        Some((index, self.shards.get(index)?))
    }

    /// The shards (those serving at least one slot, or added by `MOVED`).
    pub fn shards(&self) -> &[Shard] {
        &self.shards
    }

    /// How many slots have a shard.
    pub fn covered(&self) -> usize {
        self.slots.iter().filter(|s| s.is_some()).count()
    }

    /// Every primary.
    pub fn primaries(&self) -> impl Iterator<Item = &ServerAddr> {
        self.shards.iter().map(|s| &s.primary)
    }

    /// Every node, primaries first.
    pub fn nodes(&self) -> Vec<&ServerAddr> {
        let mut seen = HashSet::new();
        self.primaries()
            .chain(self.shards.iter().flat_map(|s| &s.replicas))
            .filter(|a| seen.insert(*a))
            .collect()
    }

    /// True when `addr` is a replica in this map.
    pub fn is_replica(&self, addr: &ServerAddr) -> bool {
        self.shards.iter().any(|s| s.replicas.contains(addr))
    }

    /// A copy in which `slot` belongs to the shard whose primary is `addr`
    /// (a new shard without replicas if no shard has that primary): what a
    /// `MOVED` tells. `None` when the map already says so.
    pub fn with_moved(&self, slot: u16, addr: &ServerAddr) -> Option<Topology> {
        if self.shard_for(slot).is_some_and(|s| &s.primary == addr) {
            return None;
        }
        let mut next = self.clone();
        let index = match next.shards.iter().position(|s| &s.primary == addr) {
            Some(i) => i as u16,
            None => next.push_shard(Shard {
                primary: addr.clone(),
                replicas: Vec::new(),
            }),
        };
        next.slots[slot as usize] = Some(index);
        Some(next)
    }

    /// A copy without `slot` (what a `CLUSTERDOWN Hash slot not served`
    /// tells).
    pub fn without_slot(&self, slot: u16) -> Topology {
        let mut next = self.clone();
        next.slots[slot as usize] = None;
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moved_updates_one_slot() {
        let mut t = Topology::default();
        let a = ServerAddr::tcp("a", 1);
        let i = t.push_shard(Shard {
            primary: a.clone(),
            replicas: vec![],
        });
        t.assign(0, SLOT_COUNT - 1, i);
        assert_eq!(t.covered(), 16384);
        let b = ServerAddr::tcp("b", 2);
        let moved = t.with_moved(7, &b).unwrap();
        assert_eq!(moved.shard_for(7).unwrap().primary, b);
        assert_eq!(moved.shard_for(8).unwrap().primary, a);
        assert!(moved.with_moved(7, &b).is_none());
        assert_eq!(moved.without_slot(7).covered(), 16383);
    }

    /// A `CLUSTER SHARDS` reply as 7.0 sends it with `tls-cluster yes`:
    /// every node lists `port` and `tls-port`; the second shard's replica
    /// serves TLS only (`port 0`).
    fn shards_with_both_ports() -> Vec<ClusterShard> {
        use crate::resp::Value;
        use crate::types::FromRedisValue;
        let s = |t: &str| Value::BulkString(t.as_bytes().to_vec().into());
        let node = |port: Option<i64>, tls_port: i64, role: &str| {
            let mut fields = vec![(s("id"), s("0123456789012345678901234567890123456789"))];
            if let Some(p) = port {
                fields.push((s("port"), Value::Integer(p)));
            }
            fields.extend([
                (s("tls-port"), Value::Integer(tls_port)),
                (s("ip"), s("127.0.0.1")),
                (s("endpoint"), s("127.0.0.1")),
                (s("role"), s(role)),
                (s("replication-offset"), Value::Integer(1)),
                (s("health"), s("online")),
            ]);
            Value::Map(fields)
        };
        let shard = |start: i64, end: i64, nodes: Vec<Value>| {
            Value::Map(vec![
                (
                    s("slots"),
                    Value::Array(vec![Value::Integer(start), Value::Integer(end)]),
                ),
                (s("nodes"), Value::Array(nodes)),
            ])
        };
        let reply = Value::Array(vec![
            shard(
                0,
                8191,
                vec![
                    node(Some(7000), 8000, "master"),
                    node(Some(7001), 8001, "replica"),
                ],
            ),
            shard(
                8192,
                16383,
                vec![
                    node(Some(7002), 8002, "master"),
                    node(None, 8003, "replica"),
                ],
            ),
        ]);
        Vec::<ClusterShard>::from_redis_value(reply).unwrap()
    }

    #[test]
    fn shards_give_the_port_of_the_transport_kind() {
        let shards = shards_with_both_ports();
        let ports = |t: &Topology| -> Vec<u16> {
            t.nodes()
                .into_iter()
                .map(|a| match a {
                    ServerAddr::Tcp { port, .. } => *port,
                    ServerAddr::Unix(_) => unreachable!(),
                })
                .collect()
        };
        let plain = Topology::from_shards(&shards, "h", false);
        assert_eq!(plain.covered(), 16384);
        // A node without a plain port is still reached on its TLS port.
        assert_eq!(ports(&plain), [7000, 7002, 7001, 8003]);
        let tls = Topology::from_shards(&shards, "h", true);
        assert_eq!(tls.covered(), 16384);
        assert_eq!(ports(&tls), [8000, 8002, 8001, 8003]);
        assert_eq!(
            tls.shard_for(0).unwrap().primary,
            ServerAddr::tcp("127.0.0.1", 8000)
        );
    }
}
