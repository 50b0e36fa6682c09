//! rustis: one multiplexed `Client`, cloned into every worker.

use std::hint::black_box;

use rustis::client::{BatchPreparedCommand, Client};
use rustis::commands::StringCommands;
use rustis::resp::BulkString;

use super::BenchClient;

pub async fn connect(url: &str) -> Client {
    Client::connect(url).await.expect("rustis connects")
}

/// rustis's cluster client, from the comma-separated seed URLs
/// (`redis+cluster://host:port,host:port,...`).
pub async fn connect_cluster(seeds: &str) -> Client {
    let hosts: Vec<&str> = seeds
        .split(',')
        .map(|s| s.trim_start_matches("redis://"))
        .collect();
    connect(&format!("redis+cluster://{}", hosts.join(","))).await
}

impl BenchClient for Client {
    async fn get(&mut self, key: &str) {
        let value: Option<BulkString> = StringCommands::get(&*self, key).await.expect("GET");
        black_box(value);
    }

    async fn set(&mut self, key: &str, value: &str) {
        StringCommands::set(&*self, key, value).await.expect("SET");
    }

    async fn pipeline_get(&mut self, keys: &[String]) {
        let mut pipeline = self.create_pipeline();
        for key in keys {
            pipeline.get::<()>(key.as_str()).queue();
        }
        let values: Vec<Option<BulkString>> = pipeline.execute().await.expect("pipeline");
        black_box(values);
    }

    async fn mget(&mut self, keys: &[String]) {
        let values: Vec<Option<BulkString>> =
            StringCommands::mget(&*self, keys).await.expect("MGET");
        black_box(values);
    }
}
