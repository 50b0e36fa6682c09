//! Tests of the test harness itself (`tests/support`): it uses only
//! `redis-server` and `redis-cli`, never the library under test.

mod support;

use std::os::unix::net::UnixStream;
use std::path::Path;

use support::RedisServer;

fn alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[test]
fn two_servers_run_side_by_side() {
    let a = RedisServer::start();
    let b = RedisServer::start();
    assert_ne!(a.port(), b.port());
    assert_ne!(a.dir(), b.dir());
    assert_eq!(a.cli(&["PING"]), "PONG");
    assert_eq!(b.cli(&["PING"]), "PONG");

    // They are two servers, not one: a key set in one is not in the other.
    a.cli(&["SET", "k", "in-a"]);
    assert_eq!(a.cli(&["GET", "k"]), "in-a");
    assert_eq!(b.cli(&["EXISTS", "k"]), "0");

    assert_eq!(a.url(), format!("redis://127.0.0.1:{}", a.port()));
    assert_eq!(a.addr().to_string(), format!("127.0.0.1:{}", a.port()));
    assert_eq!(a.host(), "127.0.0.1");
    assert!(
        a.log().contains("Ready to accept connections"),
        "{}",
        a.log()
    );
}

#[test]
fn server_uses_its_temp_dir_and_keeps_nothing() {
    let server = RedisServer::start();
    let dir = server.cli(&["CONFIG", "GET", "dir"]);
    assert_eq!(dir, format!("dir\n{}", server.dir().display()));
    let save = server.cli(&["CONFIG", "GET", "save"]);
    assert_eq!(save.lines().nth(1).unwrap_or(""), "", "{save}");
    assert_eq!(
        server.cli(&["CONFIG", "GET", "appendonly"]),
        "appendonly\nno"
    );
}

#[test]
fn kill_then_restart_on_the_same_port() {
    let mut server = RedisServer::start();
    let port = server.port();
    let first_pid = server.pid().unwrap();
    server.cli(&["SET", "k", "v"]);

    server.kill();
    assert!(!server.is_running());
    assert_eq!(server.pid(), None);
    assert!(
        !alive(first_pid),
        "killed server {first_pid} still in /proc"
    );
    let err = server.try_cli(&["PING"]).unwrap_err();
    assert!(err.contains("refused"), "{err}");
    server.kill(); // a second kill does nothing

    server.restart();
    assert_eq!(server.port(), port);
    assert_ne!(server.pid(), Some(first_pid));
    assert_eq!(server.cli(&["PING"]), "PONG");
    // Nothing was persisted.
    assert_eq!(server.cli(&["EXISTS", "k"]), "0");

    // Restarting a running server kills it first.
    let second_pid = server.pid().unwrap();
    server.restart();
    assert!(!alive(second_pid));
    assert_eq!(server.cli(&["PING"]), "PONG");
    assert!(server.log().contains("---- restart ----"));
}

#[test]
fn drop_kills_the_process() {
    let server = RedisServer::builder().unix_socket().start();
    let pid = server.pid().unwrap();
    let dir = server.dir().to_owned();
    assert!(alive(pid));
    drop(server);
    assert!(!alive(pid), "dropped server {pid} still in /proc");
    assert!(!dir.exists(), "temp dir {} left behind", dir.display());
}

#[test]
fn password_and_acl_users() {
    let server = RedisServer::builder()
        .arg("--requirepass")
        .arg("pw")
        .acl_user("alice on >s3cr:t@ ~* &* +@all")
        .acl_user("bob on >bobpw ~bob:* +get")
        .start();

    // cli() authenticates as the default user with --requirepass.
    assert_eq!(server.cli(&["PING"]), "PONG");
    assert_eq!(
        server.try_cli_as("alice", "s3cr:t@", &["ACL", "WHOAMI"]),
        Ok("alice".to_owned())
    );
    assert_eq!(
        server.try_cli_as("bob", "bobpw", &["GET", "bob:x"]),
        Ok(String::new())
    );
    let denied = server.try_cli_as("bob", "bobpw", &["SET", "bob:x", "1"]);
    assert!(denied.unwrap_err().contains("NOPERM"));
    let wrong = server.try_cli_as("alice", "nope", &["PING"]);
    assert!(wrong.is_err());

    assert_eq!(
        server.url_with("alice", "s3cr:t@"),
        format!("redis://alice:s3cr%3At%40@127.0.0.1:{}", server.port())
    );
}

#[test]
fn requirepass_shortcut() {
    let server = RedisServer::builder().requirepass("pw").start();
    assert_eq!(server.cli(&["PING"]), "PONG");
    let unauthenticated = server.try_cli_as("default", "wrong", &["PING"]);
    assert!(unauthenticated.is_err());
}

#[test]
fn cli_reports_error_replies() {
    let server = RedisServer::start();
    if !RedisServer::version_at_least((7, 0, 0), "error replies as redis-cli failures") {
        return;
    }
    let err = server.try_cli(&["GET"]).unwrap_err();
    assert!(err.contains("wrong number of arguments"), "{err}");
}

#[test]
fn unix_socket_answers() {
    use std::io::{Read, Write};

    let server = RedisServer::builder().unix_socket().start();
    let path = server.unix_path();
    assert!(path.starts_with(server.dir()));
    assert_eq!(server.unix_url(), format!("unix://{}", path.display()));

    let mut stream = UnixStream::connect(path).unwrap();
    stream.write_all(b"*1\r\n$4\r\nPING\r\n").unwrap();
    let mut reply = [0u8; 7];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!(&reply, b"+PONG\r\n");
}

#[test]
fn a_taken_port_falls_back_to_a_free_one() {
    let first = RedisServer::start();
    let second = RedisServer::builder().preferred_port(first.port()).start();
    assert_ne!(second.port(), first.port());
    assert_eq!(second.cli(&["PING"]), "PONG");
}

#[test]
#[should_panic(expected = "Bad directive")]
fn a_server_that_cannot_start_fails_with_its_log() {
    RedisServer::builder()
        .arg("--no-such-option")
        .arg("x")
        .start();
}

#[test]
fn version_is_read() {
    let (major, _, _) = RedisServer::version();
    assert!(major >= 5, "unexpected redis-server version {major}");
    assert!(RedisServer::version_at_least((1, 0, 0), "nothing"));
    assert!(!RedisServer::version_at_least(
        (999, 0, 0),
        "a future command"
    ));
}

#[test]
#[should_panic(expected = "was not ready within")]
fn a_server_not_ready_in_time_fails() {
    RedisServer::builder()
        .start_timeout(std::time::Duration::ZERO)
        .start();
}
