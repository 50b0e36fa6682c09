//! The cluster half of the soak's workload: tasks writing their own keys,
//! spread over every slot, through a [`ClusterClient`], each read checked
//! against what the task last wrote *durably*.
//!
//! A write counts as acknowledged only when the command succeeded and a
//! following `WAIT 1 100` on the same node connection reports one replica:
//! replication is asynchronous, so a primary killed with SIGKILL may take
//! acknowledged but unreplicated writes with it, and its replica then
//! rightly serves the older value. A write that succeeded without that
//! confirmation is treated like a failed one: its value is possible from
//! then on, and so is the value before it.
//!
//! The `WAIT` goes to the node client the cluster client itself used for
//! the write (`ClusterClient::node` returns that same multiplexed
//! connection), so it covers the write: `WAIT` counts the replication
//! offset of the connection's last write. The write counts as confirmed only
//! if the slot's primary, as the client's topology shows it, is the same
//! node before the write, after it and after the `WAIT`; otherwise the
//! write went (or may have gone) elsewhere and stays unconfirmed. The one
//! case this cannot see is that node connection being re-established
//! between the write and the `WAIT` (a fresh connection has no write to
//! wait for, so `WAIT` answers at once): the cluster chaos never kills
//! cluster connections by themselves, and a connection re-established
//! because its node died answers `WAIT` with 0 or an error (the restarted
//! node has no replica, or is a replica), so that case does not arise here.
//! (Nor does its other form: a topology refresh dropping a live primary's
//! client and a later one reconnecting it, between the write and the
//! `WAIT`, while the slot's primary reads the same before and after; a
//! refresh only drops a node the answering node does not list, or lists as
//! failed, and a primary acknowledging writes is not that.)

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redis_typed::auth::StreamingCredentials;
use redis_typed::cluster::{hash_slot, ClusterClient};
use redis_typed::commands::{Get, Incr, MGet, MSet, Set, Wait};
use redis_typed::transport::DefaultTransport;
use redis_typed::{Error, ServerAddr};

use crate::model::{Effects, Model, Replies};
use crate::stats::{is_fault_error, kind_of, Stats, HUNG};

/// How long a `WAIT` waits for the replica, in milliseconds.
const WAIT_MS: i64 = 100;

/// Writes that succeeded but were not confirmed by `WAIT`.
#[derive(Default)]
pub struct Durability {
    pub confirmed: AtomicU64,
    pub unconfirmed: AtomicU64,
}

pub struct ClusterWorker {
    pub task: usize,
    pub cluster: ClusterClient<DefaultTransport, StreamingCredentials>,
    pub stats: Arc<Stats>,
    pub durability: Arc<Durability>,
    pub started: Instant,
    /// `--no-wait`: skip `WAIT` and count every successful write as
    /// durable, to show what `WAIT` protects against (hard failovers then
    /// lose acknowledged writes, which show up as wrong replies).
    pub no_wait: bool,
}

impl ClusterWorker {
    /// A single key with its own hash tag: the task's keys land all over
    /// the slot space.
    fn key(&self, i: u32) -> String {
        format!("sc:{{{}.{i}}}", self.task)
    }

    /// A key of group `g`: the keys of a group share a hash tag (one slot).
    fn group_key(&self, g: u32, name: &str) -> String {
        format!("sc:{{{}.g{g}}}:{name}", self.task)
    }

    pub async fn run(self, stop: Arc<AtomicBool>) {
        let mut rng = StdRng::seed_from_u64(0xc1u64 << 16 | self.task as u64);
        let mut model = Model::default();
        let counter = format!("sc:{{{}.n}}", self.task);
        let mut seq = 0u64;
        while !stop.load(Ordering::Relaxed) {
            seq += 1;
            let k1 = self.key(rng.random_range(0..8));
            let k2 = self.key(rng.random_range(0..8));
            let g = rng.random_range(0..2);
            let (ga, gb) = (self.group_key(g, "a"), self.group_key(g, "b"));
            let v = |k: &str| format!("{}:{k}:{seq}", self.task);
            let op = rng.random_range(0..7);
            let mut effects = Effects::default();
            match op {
                0 => effects.writes.push((k1.clone(), v(&k1))),
                2 => effects.incr = true,
                3 => {
                    effects.writes.push((k1.clone(), v(&k1)));
                    effects.incr = true;
                }
                4 => {
                    effects.writes.push((k1.clone(), v(&k1)));
                    if k2 != k1 {
                        effects.writes.push((k2.clone(), v(&k2)));
                    }
                }
                6 => {
                    effects.writes.push((ga.clone(), v(&ga)));
                    effects.writes.push((gb.clone(), v(&gb)));
                }
                _ => {}
            }
            let mut written: BTreeSet<u16> = effects
                .writes
                .iter()
                .map(|(k, _)| hash_slot(k.as_bytes()))
                .collect();
            if effects.incr {
                written.insert(hash_slot(counter.as_bytes()));
            }
            let before = self.primaries(&written);
            let fut = async {
                let replies = self.op(op, &k1, &k2, &ga, &gb, &effects, &counter).await?;
                let durable = self.confirm(&written, &before).await;
                Ok::<_, Error>((replies, durable))
            };
            let outcome = tokio::time::timeout(HUNG, fut).await;
            if let Ok(Ok((_, durable))) = &outcome {
                if !effects.writes.is_empty() || effects.incr {
                    let counter = if *durable {
                        &self.durability.confirmed
                    } else {
                        &self.durability.unconfirmed
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            }
            model.settle(&self.stats, self.started, &effects, &k1, &counter, outcome);
        }
    }

    /// The primary of each slot, as the client's topology shows it.
    fn primaries(&self, slots: &BTreeSet<u16>) -> Vec<Option<ServerAddr>> {
        let topology = self.cluster.topology();
        slots
            .iter()
            .map(|s| topology.shard_for(*s).map(|sh| sh.primary.clone()))
            .collect()
    }

    /// True when every primary written to confirms one replica has the
    /// writes (see the module doc). A `WAIT` error is counted, and leaves
    /// the write unconfirmed.
    async fn confirm(&self, slots: &BTreeSet<u16>, before: &[Option<ServerAddr>]) -> bool {
        if slots.is_empty() || self.no_wait {
            return true;
        }
        let mut nodes: Vec<&ServerAddr> = Vec::new();
        for p in before {
            match p {
                Some(p) if !nodes.contains(&p) => nodes.push(p),
                Some(_) => {}
                None => return false,
            }
        }
        if self.primaries(slots) != before {
            return false;
        }
        for addr in nodes {
            let replicas = match self.cluster.node(addr).await {
                Ok(node) => node.send(Wait::new(1, WAIT_MS)).await,
                Err(e) => Err(e),
            };
            match replicas {
                Ok(n) if n >= 1 => {}
                Ok(_) => return false,
                Err(e) => {
                    if is_fault_error(&e) {
                        self.stats
                            .error_kind(self.started, format!("wait:{}", kind_of(&e)), &e);
                    } else {
                        self.stats.wrong(format!("WAIT: untyped error {e:?}"));
                    }
                    return false;
                }
            }
        }
        self.primaries(slots) == before
    }

    #[allow(clippy::too_many_arguments)]
    async fn op(
        &self,
        op: u32,
        k1: &str,
        k2: &str,
        ga: &str,
        gb: &str,
        effects: &Effects,
        counter: &str,
    ) -> Result<Replies, Error> {
        let c = &self.cluster;
        let get = |k: &str| Get::<String, String>::new(k.to_owned());
        let value = |k: &str| {
            effects
                .writes
                .iter()
                .find(|(w, _)| w == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let mut r = Replies::default();
        match op {
            0 => c.send(Set::new(k1.to_owned(), value(k1))).await?,
            1 => r.reads.push((k1.into(), c.send(get(k1)).await?)),
            2 => r.counter = Some(c.send(Incr::new(counter)).await?),
            3 => {
                // Three commands on (usually) three nodes, in one pipeline.
                let ((), got, n) = c
                    .pipeline()
                    .add(Set::new(k1.to_owned(), value(k1)))
                    .add(get(k2))
                    .add(Incr::new(counter))
                    .send()
                    .await?;
                r.reads.push((k2.into(), got));
                r.counter = Some(n);
            }
            4 => {
                // Keys in different slots: the client splits the MSET.
                let pairs: Vec<(String, String)> = effects.writes.clone();
                c.send(MSet::new(pairs)).await?;
            }
            5 => {
                let keys = vec![k1.to_owned(), k2.to_owned(), ga.to_owned()];
                let got: Vec<Option<String>> = c.send(MGet::new(keys.clone())).await?;
                if got.len() != keys.len() {
                    r.wrong.push(format!(
                        "MGET of {} keys gave {} values",
                        keys.len(),
                        got.len()
                    ));
                }
                r.reads.extend(keys.into_iter().zip(got));
            }
            _ => {
                // One slot (hash tag): a transaction.
                let ((), (), a, b) = c
                    .transaction()
                    .add(Set::new(ga.to_owned(), value(ga)))
                    .add(Set::new(gb.to_owned(), value(gb)))
                    .add(get(ga))
                    .add(get(gb))
                    .send()
                    .await?;
                r.reads.push((ga.into(), a));
                r.reads.push((gb.into(), b));
            }
        }
        Ok(r)
    }
}
