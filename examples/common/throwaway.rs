//! Finds a Redis server for an example: `$REDIS_URL`, else one listening on
//! 127.0.0.1:6379, else a throwaway `redis-server` started from PATH on a
//! free port and killed when the returned guard is dropped.
//!
//! Used with `#[path = "common/throwaway.rs"] mod throwaway;` (this folder has
//! no `main.rs`, so cargo does not take it for an example).
// Each example uses part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

type BoxError = Box<dyn std::error::Error>;

/// A `redis-server` started by [`server_url`]; killed on drop.
pub struct Throwaway(Child);

impl Drop for Throwaway {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The URL to connect to, and the throwaway server behind it if one had to
/// be started (keep it alive as long as the URL is used).
pub fn server_url() -> Result<(String, Option<Throwaway>), BoxError> {
    if let Ok(url) = std::env::var("REDIS_URL") {
        return Ok((url, None));
    }
    let default = SocketAddr::from(([127, 0, 0, 1], 6379));
    if TcpStream::connect_timeout(&default, Duration::from_millis(300)).is_ok() {
        return Ok(("redis://127.0.0.1:6379".to_owned(), None));
    }

    eprintln!("nothing listens on 127.0.0.1:6379; starting a throwaway redis-server");
    let (url, server) = start()?;
    Ok((url, Some(server)))
}

/// Always starts a throwaway `redis-server` on a free port (for examples
/// that change server state, such as ACL users, and must never do that to
/// somebody's server). Returns its URL and the guard that stops it.
pub fn start() -> Result<(String, Throwaway), BoxError> {
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    eprintln!("starting redis-server on port {port}");
    let spawned = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--logfile", ""])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn();
    let mut server = match spawned {
        Ok(child) => Throwaway(child),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("redis-server not found on PATH; install it with \
                 `sudo apt-get install -y redis-server`, or set REDIS_URL"
                .into())
        }
        Err(e) => return Err(e.into()),
    };

    // Read the server's log until it says it is ready, then keep draining it
    // so the pipe never fills.
    let log = server.0.stdout.take().expect("stdout is piped");
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(log).lines().map_while(Result::ok) {
            if line.contains("Ready to accept connections") {
                let _ = ready_tx.send(());
            }
        }
    });
    // An error here means the server exited, or was not ready within 10 s.
    ready_rx
        .recv_timeout(Duration::from_secs(10))
        .map_err(|_| format!("redis-server on port {port} did not start"))?;
    Ok((format!("redis://127.0.0.1:{port}"), server))
}

impl Throwaway {
    /// Kills the server at once (SIGKILL: no shutdown, no final save) and
    /// waits for it to exit.
    pub fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A free loopback port (for a server restarted on the same port).
pub fn free_port() -> Result<u16, BoxError> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts a throwaway `redis-server` on `port` from a config file written
/// into `dir` (which also becomes its working directory): the lines of
/// `config` are appended to the same bind/port settings [`start`] uses, so
/// ACL `user` lines are parsed word for word. Returns once it is ready to
/// accept connections (after loading any AOF or RDB file in `dir`).
pub fn start_on(
    port: u16,
    dir: &std::path::Path,
    config: &[String],
) -> Result<Throwaway, BoxError> {
    let mut text = format!(
        "port {port}\nbind 127.0.0.1\nprotected-mode no\ndaemonize no\nlogfile \"\"\ndir \"{}\"\n",
        dir.display()
    );
    for line in config {
        text.push_str(line);
        text.push('\n');
    }
    let file = dir.join("throwaway.conf");
    std::fs::write(&file, text)?;
    let spawned = Command::new("redis-server")
        .arg(&file)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn();
    let mut server = match spawned {
        Ok(child) => Throwaway(child),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("redis-server not found on PATH; install it with \
                 `sudo apt-get install -y redis-server`"
                .into())
        }
        Err(e) => return Err(e.into()),
    };
    let log = server.0.stdout.take().expect("stdout is piped");
    let (ready_tx, ready_rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(log).lines().map_while(Result::ok) {
            if line.contains("Ready to accept connections") {
                let _ = ready_tx.send(());
            }
        }
    });
    ready_rx
        .recv_timeout(Duration::from_secs(30))
        .map_err(|_| format!("redis-server on port {port} did not start"))?;
    Ok(server)
}
