//! One adapter per client: connect, then the four operations the scenarios
//! need, each written the way that client's documentation suggests (its
//! multiplexed/shared connection, its own pipeline and MGET calls, values
//! read as bytes).
//!
//! [`spawn`] turns a connected client and a scenario into worker tasks; the
//! workers loop until the stop flag is set, adding what they complete to
//! their own counter.

mod fred;
mod redis_rs;
mod redis_typed;
mod rustis;

use std::future::Future;
use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::measure::Counter;
use crate::scenario::{ClientKind, Scenario, Stop, BATCH, KEYS, TASKS};

/// What a benchmarked client must do. Each worker owns a clone.
pub trait BenchClient: Clone + Send + Sync + 'static {
    /// `GET key`, reply read as bytes.
    fn get(&mut self, key: &str) -> impl Future<Output = ()> + Send;
    /// `SET key value`.
    fn set(&mut self, key: &str, value: &str) -> impl Future<Output = ()> + Send;
    /// One pipeline of `GET`s, one per key, replies read as bytes.
    fn pipeline_get(&mut self, keys: &[String]) -> impl Future<Output = ()> + Send;
    /// `MGET keys...`, replies read as bytes.
    fn mget(&mut self, keys: &[String]) -> impl Future<Output = ()> + Send;
}

/// Connects `kind` to `url` (for the cluster scenario: the comma-separated
/// seed URLs) and starts the scenario's workers. Each worker stops when the
/// stop flag is set or after `limit` operations (`u64::MAX`: no limit).
pub async fn spawn(
    kind: ClientKind,
    scenario: Scenario,
    url: &str,
    keys: Arc<Vec<String>>,
    stop: Stop,
    counters: &[Arc<Counter>],
    limit: u64,
) -> Vec<JoinHandle<()>> {
    if scenario == Scenario::ClusterGet64 {
        return match kind {
            ClientKind::RedisTyped => {
                let client = redis_typed::connect_cluster(url).await;
                start(client, scenario, keys, stop, counters, limit)
            }
            ClientKind::RedisRs => {
                let client = redis_rs::connect_cluster(url).await;
                start(client, scenario, keys, stop, counters, limit)
            }
            ClientKind::Fred => {
                let client = fred::connect_cluster(url).await;
                start(client, scenario, keys, stop, counters, limit)
            }
            ClientKind::Rustis => {
                let client = rustis::connect_cluster(url).await;
                start(client, scenario, keys, stop, counters, limit)
            }
        };
    }
    match kind {
        ClientKind::RedisTyped => {
            let client = redis_typed::connect(url).await;
            start(client, scenario, keys, stop, counters, limit)
        }
        ClientKind::RedisRs => {
            let client = redis_rs::connect(url).await;
            start(client, scenario, keys, stop, counters, limit)
        }
        ClientKind::Fred => {
            let client = fred::connect(url).await;
            start(client, scenario, keys, stop, counters, limit)
        }
        ClientKind::Rustis => {
            let client = rustis::connect(url).await;
            start(client, scenario, keys, stop, counters, limit)
        }
    }
}

/// How many workers (and counters) a scenario runs.
pub fn workers(scenario: Scenario) -> usize {
    match scenario {
        Scenario::Get64 | Scenario::Set64 | Scenario::ClusterGet64 => TASKS,
        _ => 1,
    }
}

fn start<C: BenchClient>(
    client: C,
    scenario: Scenario,
    keys: Arc<Vec<String>>,
    stop: Stop,
    counters: &[Arc<Counter>],
    limit: u64,
) -> Vec<JoinHandle<()>> {
    counters
        .iter()
        .enumerate()
        .map(|(worker, counter)| {
            let mut client = client.clone();
            let keys = keys.clone();
            let stop = stop.clone();
            let counter = counter.clone();
            // Workers start at different keys, so concurrent tasks do not
            // all hit the same one.
            let mut next = worker * (KEYS / TASKS);
            tokio::spawn(async move {
                let mut done = 0;
                while !stop.is_set() && done < limit {
                    done += 1;
                    match scenario {
                        Scenario::Get64 | Scenario::SingleGet | Scenario::ClusterGet64 => {
                            client.get(&keys[next % KEYS]).await;
                            next += 1;
                            counter.add(1);
                        }
                        Scenario::Set64 => {
                            client.set(&keys[next % KEYS], crate::scenario::VALUE).await;
                            next += 1;
                            counter.add(1);
                        }
                        Scenario::Pipeline100 | Scenario::Mget100 => {
                            let start = next % (KEYS - BATCH);
                            let batch = &keys[start..start + BATCH];
                            if scenario == Scenario::Pipeline100 {
                                client.pipeline_get(batch).await;
                            } else {
                                client.mget(batch).await;
                            }
                            next += BATCH;
                            counter.add(BATCH as u64);
                        }
                    }
                }
            })
        })
        .collect()
}
