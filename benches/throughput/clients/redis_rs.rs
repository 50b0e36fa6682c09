//! redis-rs: one `MultiplexedConnection`, cloned into every worker (its
//! documented way to share a connection between tasks).

use std::hint::black_box;

use redis::aio::MultiplexedConnection;
use redis::cluster_async::ClusterConnection;
use redis::AsyncCommands;

use super::BenchClient;

pub async fn connect(url: &str) -> MultiplexedConnection {
    redis::Client::open(url)
        .expect("valid URL")
        .get_multiplexed_async_connection()
        .await
        .expect("redis-rs connects")
}

/// redis-rs's async cluster connection (`cluster-async`), from the
/// comma-separated seed URLs; cloned into every worker like the
/// multiplexed connection.
pub async fn connect_cluster(seeds: &str) -> ClusterConnection {
    redis::cluster::ClusterClient::new(seeds.split(',').collect::<Vec<_>>())
        .expect("valid seeds")
        .get_async_connection()
        .await
        .expect("redis-rs cluster connects")
}

impl BenchClient for ClusterConnection {
    async fn get(&mut self, key: &str) {
        let value: Option<Vec<u8>> = AsyncCommands::get(self, key).await.expect("GET");
        black_box(value);
    }

    async fn set(&mut self, key: &str, value: &str) {
        let () = AsyncCommands::set(self, key, value).await.expect("SET");
    }

    async fn pipeline_get(&mut self, _keys: &[String]) {
        unreachable!("the cluster scenario only sends GET")
    }

    async fn mget(&mut self, _keys: &[String]) {
        unreachable!("the cluster scenario only sends GET")
    }
}

impl BenchClient for MultiplexedConnection {
    async fn get(&mut self, key: &str) {
        let value: Option<Vec<u8>> = AsyncCommands::get(self, key).await.expect("GET");
        black_box(value);
    }

    async fn set(&mut self, key: &str, value: &str) {
        let () = AsyncCommands::set(self, key, value).await.expect("SET");
    }

    async fn pipeline_get(&mut self, keys: &[String]) {
        let mut pipe = redis::pipe();
        for key in keys {
            pipe.get(key);
        }
        let values: Vec<Option<Vec<u8>>> = pipe.query_async(self).await.expect("pipeline");
        black_box(values);
    }

    async fn mget(&mut self, keys: &[String]) {
        let values: Vec<Option<Vec<u8>>> = AsyncCommands::mget(self, keys).await.expect("MGET");
        black_box(values);
    }
}
