//! Server-side actions the tests take on other clients' connections.

use redis_typed::{Client, Cmd};

/// `CLIENT KILL ID id` through `admin`, checking that exactly that one
/// connection was killed.
pub async fn kill_client(admin: &Client, id: impl std::fmt::Display) {
    let id = id.to_string();
    let killed: i64 = admin
        .send(Cmd::new("CLIENT").arg("KILL").arg("ID").arg(id.as_str()))
        .await
        .unwrap();
    assert_eq!(killed, 1, "CLIENT KILL ID {id}");
}
