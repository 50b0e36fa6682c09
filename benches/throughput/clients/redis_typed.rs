//! redis-typed: one multiplexed [`Client`] shared by every worker.

use std::hint::black_box;

use bytes::Bytes;
use redis_typed::commands::{Get, MGet, Set};
use redis_typed::Client;

use super::BenchClient;

pub async fn connect(url: &str) -> Client {
    Client::open(url).await.expect("redis-typed connects")
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
