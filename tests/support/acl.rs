//! ACL changes the tests make on a running server.

use redis_typed::{Client, Cmd};

/// `ACL SETUSER user resetpass >password`: `password` becomes the user's
/// only password (as a credential rotation does on the server side).
pub async fn set_password(admin: &Client, user: &str, password: &str) {
    admin
        .send(
            Cmd::<()>::new("ACL")
                .arg("SETUSER")
                .arg(user)
                .arg("resetpass")
                .arg(&format!(">{password}")),
        )
        .await
        .unwrap();
}
