//! Quickstart: connect, PING, SET/GET, INCR and a pipeline.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! Connects to `$REDIS_URL`, else to 127.0.0.1:6379, else starts a throwaway
//! `redis-server` from PATH. Its keys share a unique prefix and are deleted
//! at the end; nothing else on the server is touched.

#[path = "common/throwaway.rs"]
mod throwaway;

use redis_typed::commands::{Get, Incr, Ping, Set};
use redis_typed::{Client, Cmd};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // `_server` keeps a throwaway server alive until the end of `main`.
    let (url, _server) = throwaway::server_url()?;
    println!("connecting to {url}");
    let client = Client::open(&url).await?;

    // Every command is a type, and so is its reply.
    let pong = client.send(Ping::new()).await?;
    println!("PING -> {pong:?}");

    let prefix = format!("redis-typed:quickstart:{}", std::process::id());
    let greeting = format!("{prefix}:greeting");
    let counter = format!("{prefix}:counter");

    client.send(Set::new(&greeting, "hello")).await?; // -> ()
    let value: Option<String> = client.send(Get::new(&greeting)).await?;
    println!("GET {greeting} -> {value:?}");

    let n: i64 = client.send(Incr::new(&counter)).await?;
    println!("INCR {counter} -> {n}");

    // A pipeline: one write, one round trip, a tuple of typed replies.
    let ((), n, value): ((), i64, Option<String>) = client
        .pipeline()
        .add(Set::new(&greeting, "hello again"))
        .add(Incr::new(&counter))
        .add(Get::new(&greeting))
        .send()
        .await?;
    println!("pipeline -> SET ok, INCR {n}, GET {value:?}");

    // Commands not typed yet go through `Cmd`, with the reply type you name.
    let deleted = client
        .send(Cmd::<i64>::new("DEL").key(&greeting).key(&counter))
        .await?;
    println!("DEL -> {deleted} keys removed");
    Ok(())
}
