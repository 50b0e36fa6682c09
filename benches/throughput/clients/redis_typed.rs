//! redis-typed: one multiplexed [`Client`] shared by every worker.

use std::hint::black_box;

use bytes::Bytes;
use redis_typed::commands::{Get, MGet, Set};
use redis_typed::{Client, ClusterClient};

use super::BenchClient;

pub async fn connect(url: &str) -> Client {
    Client::open(url).await.expect("redis-typed connects")
}

/// The cluster client, from the comma-separated seed URLs.
pub async fn connect_cluster(seeds: &str) -> ClusterClient {
    let seeds: Vec<&str> = seeds.split(',').collect();
    ClusterClient::open(&seeds)
        .await
        .expect("redis-typed cluster client connects")
}

impl BenchClient for ClusterClient {
    async fn get(&mut self, key: &str) {
        let value: Option<Bytes> = self.send(Get::new(key)).await.expect("GET");
        black_box(value);
    }

    async fn set(&mut self, key: &str, value: &str) {
        self.send(Set::new(key, value)).await.expect("SET");
    }

    async fn pipeline_get(&mut self, _keys: &[String]) {
        unreachable!("the cluster scenario only sends GET")
    }

    async fn mget(&mut self, _keys: &[String]) {
        unreachable!("the cluster scenario only sends GET")
    }
}

impl BenchClient for Client {
    async fn get(&mut self, key: &str) {
        let value: Option<Bytes> = self.send(Get::new(key)).await.expect("GET");
        black_box(value);
    }

    async fn set(&mut self, key: &str, value: &str) {
        self.send(Set::new(key, value)).await.expect("SET");
    }

    async fn pipeline_get(&mut self, keys: &[String]) {
        let values = self
            .send_all(keys.iter().map(|k| Get::<_, Bytes>::new(k.as_str())))
            .await
            .expect("pipeline");
        black_box(values);
    }

    async fn mget(&mut self, keys: &[String]) {
        let values = self
            .send(MGet::<_, Bytes>::new(keys.iter().map(String::as_str)))
            .await
            .expect("MGET");
        black_box(values);
    }
}
