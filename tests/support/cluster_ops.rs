//! Changes to a running [`RedisCluster`]'s topology, done with `redis-cli`
//! as an operator would: moving a slot to another primary, a replica's
//! manual failover. Each waits, by polling the nodes' own state, until
//! every running node agrees on the result; no fixed sleeps.

use std::time::{Duration, Instant};

use super::{RedisCluster, RedisServer};

const TIMEOUT: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(50);

/// Topology operations on a [`RedisCluster`].
pub trait ClusterOps {
    /// The port of the primary owning `slot` according to `node`'s
    /// `CLUSTER NODES`; `None` if it names none (or cannot be asked).
    fn owner_seen_by(&self, node: u16, slot: u16) -> Option<u16>;

    /// Polls until every running node says `owner` owns `slot`.
    fn wait_owner(&self, slot: u16, owner: u16);

    /// Moves `slot` to the primary on `target`, as `redis-cli --cluster
    /// reshard` does: [`start_migration`](Self::start_migration),
    /// [`migrate_keys`](Self::migrate_keys) 100 at a time until none is
    /// left, [`finish_migration`](Self::finish_migration).
    fn migrate_slot(&self, slot: u16, target: u16);

    /// Starts moving `slot` from its owner to the primary on `target`:
    /// `SETSLOT IMPORTING` on the target, `MIGRATING` on the owner. Returns
    /// the owner's port.
    fn start_migration(&self, slot: u16, target: u16) -> u16;

    /// `MIGRATE`s up to `batch` of the keys of `slot` still on `source` to
    /// `target`; how many it moved (0 once none is left).
    fn migrate_keys(&self, slot: u16, source: u16, target: u16, batch: usize) -> usize;

    /// Ends a move: `SETSLOT NODE` on the target (first: it bumps its
    /// epoch), the source, then the other primaries; waits until every node
    /// agrees.
    fn finish_migration(&self, slot: u16, source: u16, target: u16);

    /// The port of a replica of the primary on `primary`.
    fn replica_of(&self, primary: u16) -> u16;

    /// `CLUSTER FAILOVER` on `replica`; waits until it is a primary, owns
    /// the slots of its old primary in every node's view, and the cluster is
    /// ready again.
    fn failover(&self, replica: u16, slot: u16);

    /// `PUBSUB SHARDNUMSUB channel` on the node on `port`: how many of its
    /// clients are subscribed to the shard channel.
    fn shard_subscribers(&self, port: u16, channel: &str) -> i64;

    /// `PUBSUB NUMPAT` on the node on `port`.
    fn pattern_subscriptions(&self, port: u16) -> i64;
}

/// The port of the primary owning `slot` according to `nodes`, a `CLUSTER
/// NODES` reply: a primary not flagged failing whose ranges hold it (a slot
/// being migrated, `[slot->-id]`, is not counted).
pub fn owner_in(nodes: &str, slot: u16) -> Option<u16> {
    for line in nodes.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        if fields.len() < 3 || !fields[2].contains("master") || fields[2].contains("fail") {
            continue;
        }
        for range in &fields[8.min(fields.len())..] {
            if range.starts_with('[') {
                continue; // a migration in progress: [slot->-id] / [slot-<-id]
            }
            let (a, b) = match range.split_once('-') {
                Some((a, b)) => (a.parse().ok(), b.parse().ok()),
                None => (range.parse().ok(), range.parse().ok()),
            };
            if let (Some(a), Some(b)) = (a, b) {
                if (a..=b).contains(&slot) {
                    let addr = fields[1].split('@').next().unwrap_or("");
                    return addr.rsplit(':').next()?.parse().ok();
                }
            }
        }
    }
    None
}

fn poll(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + TIMEOUT;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "{what}: not done within {TIMEOUT:?}"
        );
        std::thread::sleep(POLL);
    }
}

impl ClusterOps for RedisCluster {
    fn owner_seen_by(&self, node: u16, slot: u16) -> Option<u16> {
        let nodes = self.node(node).try_cli(&["CLUSTER", "NODES"]).ok()?;
        owner_in(&nodes, slot)
    }

    fn wait_owner(&self, slot: u16, owner: u16) {
        let running: Vec<u16> = self
            .nodes()
            .iter()
            .filter(|n| n.is_running())
            .map(RedisServer::port)
            .collect();
        poll(&format!("every node sees {owner} own slot {slot}"), || {
            running
                .iter()
                .all(|n| self.owner_seen_by(*n, slot) == Some(owner))
        });
    }

    fn migrate_slot(&self, slot: u16, target: u16) {
        let source = self.start_migration(slot, target);
        while self.migrate_keys(slot, source, target, 100) > 0 {}
        self.finish_migration(slot, source, target);
    }

    fn start_migration(&self, slot: u16, target: u16) -> u16 {
        let source = self.owner_of(slot);
        assert_ne!(source, target, "slot {slot} is already on {target}");
        let (sid, tid) = (self.node_id(source), self.node_id(target));
        let s = slot.to_string();
        self.node(target)
            .cli(&["CLUSTER", "SETSLOT", &s, "IMPORTING", &sid]);
        self.node(source)
            .cli(&["CLUSTER", "SETSLOT", &s, "MIGRATING", &tid]);
        source
    }

    fn migrate_keys(&self, slot: u16, source: u16, target: u16, batch: usize) -> usize {
        let src = self.node(source);
        let keys = src.cli(&[
            "CLUSTER",
            "GETKEYSINSLOT",
            &slot.to_string(),
            &batch.to_string(),
        ]);
        let keys: Vec<&str> = keys.lines().filter(|l| !l.is_empty()).collect();
        if keys.is_empty() {
            return 0;
        }
        let port = target.to_string();
        let mut args = vec!["MIGRATE", "127.0.0.1", &port, "", "0", "5000", "KEYS"];
        args.extend(&keys);
        src.cli(&args);
        keys.len()
    }

    fn finish_migration(&self, slot: u16, source: u16, target: u16) {
        let (s, tid) = (slot.to_string(), self.node_id(target));
        let mut order = vec![target, source];
        order.extend(
            self.primaries()
                .into_iter()
                .filter(|p| *p != target && *p != source),
        );
        for port in order {
            self.node(port)
                .cli(&["CLUSTER", "SETSLOT", &s, "NODE", &tid]);
        }
        self.wait_owner(slot, target);
    }

    fn replica_of(&self, primary: u16) -> u16 {
        let pid = self.node_id(primary);
        self.replicas()
            .into_iter()
            .find(|r| {
                self.node(*r)
                    .cli(&["CLUSTER", "NODES"])
                    .lines()
                    .any(|l| l.contains("myself") && l.contains(&pid))
            })
            .unwrap_or_else(|| panic!("no replica of {primary}"))
    }

    fn failover(&self, replica: u16, slot: u16) {
        self.node(replica).cli(&["CLUSTER", "FAILOVER"]);
        poll(&format!("{replica} becomes a primary"), || {
            self.node(replica)
                .try_cli(&["INFO", "replication"])
                .is_ok_and(|r| r.contains("role:master"))
        });
        self.wait_owner(slot, replica);
        self.wait_ready();
    }

    fn shard_subscribers(&self, port: u16, channel: &str) -> i64 {
        let reply = self.node(port).cli(&["PUBSUB", "SHARDNUMSUB", channel]);
        reply
            .lines()
            .nth(1)
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or_else(|| panic!("PUBSUB SHARDNUMSUB reply: {reply:?}"))
    }

    fn pattern_subscriptions(&self, port: u16) -> i64 {
        let reply = self.node(port).cli(&["PUBSUB", "NUMPAT"]);
        reply
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("PUBSUB NUMPAT reply: {reply:?}"))
    }
}
