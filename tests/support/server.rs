//! [`RedisServer`]: a throwaway `redis-server` process for one test.
//!
//! Start-up is awaited by an event, not a sleep: the server logs to its
//! stdout (`logfile ""`), a background thread reads that pipe line by line,
//! and the test goes on once "Ready to accept connections" arrives. The same
//! thread keeps draining the pipe for the life of the process, so a chatty
//! server never blocks on a full pipe, and the last lines are kept for error
//! messages.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

const SERVER_BIN: &str = "redis-server";
const CLI_BIN: &str = "redis-cli";
const HOST: &str = "127.0.0.1";
const SERVER_NOT_FOUND: &str = "redis-server not found on PATH; install it with \
     `sudo apt-get install -y redis-server` (Debian/Ubuntu)";
const CLI_NOT_FOUND: &str = "redis-cli not found on PATH; install it with \
     `sudo apt-get install -y redis-tools` (Debian/Ubuntu)";

/// The line redis logs once every listener is open (6.x: "Ready to accept
/// connections"; 7.2+: "... tcp" / "... unix").
const READY: &str = "Ready to accept connections";
const ADDR_IN_USE: &str = "Address already in use";
/// Log lines kept for error messages.
const LOG_LINES: usize = 200;
/// Log lines printed when a server is dropped by a failing test.
const PANIC_LOG_LINES: usize = 30;
/// Fresh ports tried by `start()` when the chosen one was taken meanwhile.
const START_ATTEMPTS: usize = 10;
const DEFAULT_START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long `restart()` retries while its port is still taken.
const RESTART_WINDOW: Duration = Duration::from_secs(5);

/// A `redis-server` process on a free loopback port, in its own temporary
/// directory. Killed (SIGKILL, then reaped) on drop.
#[derive(Debug)]
pub struct RedisServer {
    spec: Spec,
    port: u16,
    child: Option<Child>,
}

/// Options for [`RedisServer`]; see [`RedisServer::builder`].
#[derive(Debug, Clone)]
pub struct RedisServerBuilder {
    args: Vec<OsString>,
    acl_users: Vec<String>,
    unix_socket: bool,
    preferred_port: Option<u16>,
    start_timeout: Duration,
}

/// Everything needed to launch the process again (for `restart()`).
#[derive(Debug)]
struct Spec {
    /// Deleted when the server is dropped, after the process is killed
    /// (fields drop after `Drop::drop`).
    dir: tempfile::TempDir,
    config_file: PathBuf,
    unix_path: Option<PathBuf>,
    /// Extra command-line arguments, after the config file and `--port`.
    args: Vec<OsString>,
    /// The default user's password, for `cli()`.
    password: Option<String>,
    start_timeout: Duration,
    log: Log,
}

impl Default for RedisServerBuilder {
    fn default() -> Self {
        RedisServerBuilder {
            args: Vec::new(),
            acl_users: Vec::new(),
            unix_socket: false,
            preferred_port: None,
            start_timeout: DEFAULT_START_TIMEOUT,
        }
    }
}

impl RedisServerBuilder {
    /// Appends a raw `redis-server` command-line argument, e.g.
    /// `.arg("--maxmemory").arg("10mb")`. Later options override earlier
    /// ones, so these can override the defaults.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends several raw arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<OsString>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets the default user's password (`--requirepass`). [`RedisServer::cli`]
    /// then authenticates with it (it also does when `--requirepass` is
    /// passed through [`arg`](Self::arg)).
    pub fn requirepass(self, password: &str) -> Self {
        self.arg("--requirepass").arg(password)
    }

    /// Adds an ACL user, as the rest of a config-file `user` line:
    /// `"alice on >secret ~* &* +@all"`.
    pub fn acl_user(mut self, spec: &str) -> Self {
        assert!(
            !spec.contains(['\n', '\r']),
            "an ACL user spec is one line: {spec:?}"
        );
        self.acl_users.push(spec.to_owned());
        self
    }

    /// Also listens on a Unix socket in the temporary directory
    /// ([`RedisServer::unix_path`]).
    pub fn unix_socket(mut self) -> Self {
        self.unix_socket = true;
        self
    }

    /// Tries this port first; falls back to a free one if it is taken.
    pub fn preferred_port(mut self, port: u16) -> Self {
        self.preferred_port = Some(port);
        self
    }

    /// How long to wait for "Ready to accept connections" (default 20 s).
    pub fn start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = timeout;
        self
    }

    /// Starts the server and waits until it accepts connections.
    ///
    /// Panics, with the server's log, if it fails to start or is not ready
    /// in time; panics with an install hint if `redis-server` is not on PATH.
    pub fn start(self) -> RedisServer {
        let spec = self.spec();
        let mut last_error = String::new();
        for attempt in 0..START_ATTEMPTS {
            let port = match (attempt, self.preferred_port) {
                (0, Some(port)) => port,
                _ => free_port(),
            };
            match spec.launch(port) {
                Launch::Ready(child) => {
                    return RedisServer {
                        spec,
                        port,
                        child: Some(child),
                    }
                }
                Launch::AddrInUse(error) => last_error = error,
                Launch::Failed(error) => panic!("{error}"),
            }
        }
        panic!("redis-server found no free port in {START_ATTEMPTS} attempts; last: {last_error}")
    }

    fn spec(&self) -> Spec {
        let dir = tempfile::Builder::new()
            .prefix("redis-typed-test-")
            .tempdir()
            .expect("create a temporary directory for redis-server");
        let unix_path = self.unix_socket.then(|| dir.path().join("redis.sock"));

        // Options go in a config file rather than on the command line so
        // that ACL user lines are parsed by redis itself, word for word.
        let mut config = String::new();
        let mut line = |l: &str| {
            config.push_str(l);
            config.push('\n');
        };
        line("bind 127.0.0.1");
        line("protected-mode no");
        line("daemonize no");
        line(&format!("dir {}", quote(&dir.path().to_string_lossy())));
        line("save \"\"");
        line("appendonly no");
        line("logfile \"\"");
        if version() >= (7, 0, 0) {
            // DEBUG SLEEP and friends, for timeout and failover tests.
            line("enable-debug-command yes");
        }
        if let Some(path) = &unix_path {
            line(&format!("unixsocket {}", quote(&path.to_string_lossy())));
            line("unixsocketperm 700");
        }
        for user in &self.acl_users {
            line(&format!("user {user}"));
        }
        let config_file = dir.path().join("redis.conf");
        std::fs::write(&config_file, config).expect("write redis.conf");

        let password = self
            .args
            .iter()
            .rposition(|a| a == "--requirepass")
            .and_then(|i| self.args.get(i + 1))
            .map(|p| p.to_string_lossy().into_owned());

        Spec {
            dir,
            config_file,
            unix_path,
            args: self.args.clone(),
            password,
            start_timeout: self.start_timeout,
            log: Log::default(),
        }
    }
}

impl RedisServer {
    /// Starts a server with the default options.
    pub fn start() -> RedisServer {
        RedisServer::builder().start()
    }

    /// Options: extra arguments, ACL users, a Unix socket.
    pub fn builder() -> RedisServerBuilder {
        RedisServerBuilder::default()
    }

    /// The version of `redis-server` on PATH, from `redis-server --version`.
    pub fn version() -> (u32, u32, u32) {
        version()
    }

    /// True when the server on PATH is at least `min`; otherwise prints why
    /// the calling test skips `what` and returns false:
    ///
    /// ```ignore
    /// if !RedisServer::version_at_least((7, 2, 0), "CLIENT NO-TOUCH") {
    ///     return;
    /// }
    /// ```
    pub fn version_at_least(min: (u32, u32, u32), what: &str) -> bool {
        let found = version();
        if found >= min {
            return true;
        }
        println!(
            "SKIPPED {what}: needs redis-server >= {}.{}.{}, found {}.{}.{}",
            min.0, min.1, min.2, found.0, found.1, found.2
        );
        false
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The host the server listens on: `127.0.0.1`.
    pub fn host(&self) -> &'static str {
        HOST
    }

    /// `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://{HOST}:{}", self.port)
    }

    /// `redis://USER:PASS@127.0.0.1:PORT`, user and password percent-encoded.
    pub fn url_with(&self, user: &str, pass: &str) -> String {
        format!(
            "redis://{}:{}@{HOST}:{}",
            percent_encode(user),
            percent_encode(pass),
            self.port
        )
    }

    /// The Unix socket path. Panics unless the server was built with
    /// [`RedisServerBuilder::unix_socket`].
    pub fn unix_path(&self) -> &Path {
        self.spec
            .unix_path
            .as_deref()
            .expect("no Unix socket: start the server with RedisServer::builder().unix_socket()")
    }

    /// `unix:///path/to/redis.sock`.
    pub fn unix_url(&self) -> String {
        format!("unix://{}", self.unix_path().display())
    }

    /// The server's working directory (`--dir`), deleted on drop.
    pub fn dir(&self) -> &Path {
        self.spec.dir.path()
    }

    /// The process id, while the server runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// True between a start and a `kill()`, even if the process died on its
    /// own (e.g. after `SHUTDOWN`).
    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }

    /// The last lines the server logged (stdout and stderr), across restarts.
    pub fn log(&self) -> String {
        self.spec.log.tail()
    }

    /// Kills the server with SIGKILL, as a crash would, and reaps it.
    /// Does nothing if it is not running.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Fails only if the process is already gone; `wait` reaps it
            // either way, so no zombie is left behind.
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server again on the same port and directory (killing it
    /// first if it still runs), for reconnection tests. Retries for a few
    /// seconds while the port is still taken; panics with the log otherwise.
    pub fn restart(&mut self) {
        self.kill();
        self.spec.log.push("---- restart ----".to_owned());
        let deadline = Instant::now() + RESTART_WINDOW;
        loop {
            match self.spec.launch(self.port) {
                Launch::Ready(child) => {
                    self.child = Some(child);
                    return;
                }
                Launch::AddrInUse(_) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(100))
                }
                Launch::AddrInUse(error) | Launch::Failed(error) => {
                    panic!("restarting redis-server on port {}: {error}", self.port)
                }
            }
        }
    }

    /// Runs `redis-cli -p PORT ARGS...` (authenticated as the default user
    /// when the server has a `--requirepass`) and returns its output without
    /// the trailing newline. Panics if the command fails or replies with an
    /// error. For setup and checks that must not depend on the library.
    pub fn cli(&self, args: &[&str]) -> String {
        self.try_cli(args)
            .unwrap_or_else(|e| panic!("redis-cli {} failed: {e}", args.join(" ")))
    }

    /// Like [`cli`](Self::cli), but returns the error (an error reply on
    /// redis >= 7, or a failure to connect) instead of panicking.
    pub fn try_cli(&self, args: &[&str]) -> Result<String, String> {
        self.run_cli(None, self.spec.password.as_deref(), args)
    }

    /// Like [`try_cli`](Self::try_cli), authenticated as `user`/`pass`.
    pub fn try_cli_as(&self, user: &str, pass: &str, args: &[&str]) -> Result<String, String> {
        self.run_cli(Some(user), Some(pass), args)
    }

    fn run_cli(
        &self,
        user: Option<&str>,
        pass: Option<&str>,
        args: &[&str],
    ) -> Result<String, String> {
        let mut cmd = Command::new(CLI_BIN);
        cmd.args(["-h", HOST, "-p", &self.port.to_string()]);
        if let Some(user) = user {
            cmd.args(["--user", user]);
        }
        // The password goes through the environment: no warning, and it does
        // not show in `ps`.
        match pass {
            Some(pass) => cmd.env("REDISCLI_AUTH", pass),
            None => cmd.env_remove("REDISCLI_AUTH"),
        };
        if version() >= (7, 0, 0) {
            // Exit non-zero on an error reply (older redis-cli lacks `-e`).
            cmd.arg("-e");
        }
        let output = match cmd.args(args).stdin(Stdio::null()).output() {
            Ok(output) => output,
            Err(e) if e.kind() == io::ErrorKind::NotFound => panic!("{CLI_NOT_FOUND}"),
            Err(e) => panic!("could not run redis-cli: {e}"),
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stdout = stdout.trim_end_matches('\n');
        if output.status.success() {
            Ok(stdout.to_owned())
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            Err(format!("{} {}", stdout, stderr.trim_end())
                .trim()
                .to_owned())
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
        if thread::panicking() {
            // The test failed: its output is shown, so show the server's too.
            let tail = self.spec.log.tail();
            let start = tail.lines().count().saturating_sub(PANIC_LOG_LINES);
            eprintln!("--- last lines of redis-server on port {} ---", self.port);
            for line in tail.lines().skip(start) {
                eprintln!("{line}");
            }
        }
    }
}

/// How one launch ended.
enum Launch {
    Ready(Child),
    /// The port was taken: try another (or wait, for a restart).
    AddrInUse(String),
    Failed(String),
}

/// What the pipe-reading threads report to the launching thread.
enum Event {
    Line(String),
    Closed,
}

impl Spec {
    /// Starts `redis-server` on `port` and waits for its ready line.
    fn launch(&self, port: u16) -> Launch {
        let mut command = Command::new(SERVER_BIN);
        command
            .arg(&self.config_file)
            .arg("--port")
            .arg(port.to_string())
            .args(&self.args)
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == io::ErrorKind::NotFound => panic!("{SERVER_NOT_FOUND}"),
            Err(e) => panic!("could not start redis-server: {e}"),
        };

        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        drain(stdout, port, self.log.clone(), tx.clone());
        drain(stderr, port, self.log.clone(), tx);

        let deadline = Instant::now() + self.start_timeout;
        let mut lines = Vec::new();
        let mut in_use = false;
        let mut open_pipes = 2;
        while open_pipes > 0 {
            match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(Event::Line(line)) if line.contains(READY) => return Launch::Ready(child),
                Ok(Event::Line(line)) => {
                    in_use |= line.contains(ADDR_IN_USE);
                    lines.push(line);
                }
                Ok(Event::Closed) => open_pipes -= 1,
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Launch::Failed(failure(
                        &format!(
                            "redis-server on port {port} was not ready within {:?}",
                            self.start_timeout
                        ),
                        &command,
                        &lines,
                    ));
                }
            }
        }
        // Both pipes closed: the process has exited (or is about to).
        let status = child.wait();
        let status = status.map_or_else(|e| e.to_string(), |s| s.to_string());
        let what = format!("redis-server on port {port} exited ({status}) before it was ready");
        if in_use {
            Launch::AddrInUse(failure(&what, &command, &lines))
        } else {
            Launch::Failed(failure(&what, &command, &lines))
        }
    }
}

/// Reads `stream` line by line until it closes: each line goes to the log
/// and, while the launcher still listens, to `tx`.
fn drain(stream: impl Read + Send + 'static, port: u16, log: Log, tx: mpsc::Sender<Event>) {
    thread::Builder::new()
        .name(format!("redis-server-{port}-log"))
        .spawn(move || {
            let mut reader = BufReader::new(stream);
            let mut buf = Vec::new();
            loop {
                buf.clear();
                match reader.read_until(b'\n', &mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        let line = String::from_utf8_lossy(&buf).trim_end().to_owned();
                        log.push(line.clone());
                        // Fails once the launcher stopped listening: fine.
                        let _ = tx.send(Event::Line(line));
                    }
                }
            }
            let _ = tx.send(Event::Closed);
        })
        .expect("spawn a thread to read redis-server's output");
}

fn failure(what: &str, command: &Command, lines: &[String]) -> String {
    let mut message = format!("{what}\ncommand: {command:?}\n--- redis-server output ---\n");
    for line in lines {
        let _ = writeln!(message, "{line}");
    }
    message.push_str("--- end of output ---");
    message
}

/// The last [`LOG_LINES`] lines logged, shared with the reading threads.
#[derive(Debug, Clone, Default)]
struct Log(Arc<Mutex<VecDeque<String>>>);

impl Log {
    fn push(&self, line: String) {
        let mut lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if lines.len() == LOG_LINES {
            lines.pop_front();
        }
        lines.push_back(line);
    }

    fn tail(&self) -> String {
        let lines = self.0.lock().unwrap_or_else(|e| e.into_inner());
        lines.iter().map(|l| format!("{l}\n")).collect()
    }
}

/// A port that was free a moment ago: bound on 127.0.0.1:0, then released.
/// Another process may take it before redis does; `start()` retries then.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0 to find a free port")
        .port()
}

/// `redis-server --version`, parsed once per test binary.
fn version() -> (u32, u32, u32) {
    static VERSION: OnceLock<(u32, u32, u32)> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let output = match Command::new(SERVER_BIN).arg("--version").output() {
            Ok(output) => output,
            Err(e) if e.kind() == io::ErrorKind::NotFound => panic!("{SERVER_NOT_FOUND}"),
            Err(e) => panic!("could not run redis-server --version: {e}"),
        };
        let text = String::from_utf8_lossy(&output.stdout);
        parse_version(&text).unwrap_or_else(|| {
            panic!("cannot read a version in `redis-server --version`: {text:?}")
        })
    })
}

/// Reads `v=7.0.15` out of `Redis server v=7.0.15 sha=... bits=64 ...`.
fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let v = text.split_whitespace().find_map(|w| w.strip_prefix("v="))?;
    let mut parts = v.split('.').map(|p| p.parse::<u32>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

/// A config-file string: double-quoted, with `\` and `"` escaped.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}
