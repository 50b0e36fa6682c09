//! fred: one client (one connection, fred's automatic pipelining on, its
//! default), cloned into every worker.

use std::hint::black_box;

use bytes::Bytes;
use fred::prelude::{Builder, Client, ClientLike, Config, KeysInterface};

use super::BenchClient;

pub async fn connect(url: &str) -> Client {
    let config = Config::from_url(url).expect("valid URL");
    let client = Builder::from_config(config).build().expect("fred client");
    client.init().await.expect("fred connects");
    client
}

/// fred's cluster client, from the comma-separated seed URLs (the first
/// seed is enough: fred discovers the rest).
pub async fn connect_cluster(seeds: &str) -> Client {
    let first = seeds.split(',').next().unwrap_or(seeds);
    let url = first.replacen("redis://", "redis-cluster://", 1);
    connect(&url).await
}

impl BenchClient for Client {
    async fn get(&mut self, key: &str) {
        let value: Option<Bytes> = KeysInterface::get(self, key).await.expect("GET");
        black_box(value);
    }

    async fn set(&mut self, key: &str, value: &str) {
        let () = KeysInterface::set(self, key, value, None, None, false)
            .await
            .expect("SET");
    }

    async fn pipeline_get(&mut self, keys: &[String]) {
        let pipeline = self.pipeline();
        for key in keys {
            let () = pipeline.get(key.as_str()).await.expect("queue GET");
        }
        let values: Vec<Option<Bytes>> = pipeline.all().await.expect("pipeline");
        black_box(values);
    }

    async fn mget(&mut self, keys: &[String]) {
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let values: Vec<Option<Bytes>> = KeysInterface::mget(self, keys).await.expect("MGET");
        black_box(values);
    }
}
