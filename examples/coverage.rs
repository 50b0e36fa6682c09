//! Coverage of the typed command catalogue: which Redis commands have a type.
//!
//! ```text
//! cargo run --example coverage [-- <specs dir>]
//! ```
//!
//! Compares three lists: the commands the server knows (`COMMAND LIST`, with
//! subcommands), the Redis command specs (default `../shared/redis-commands`
//! next to the workspace, or `$REDIS_SPECS`), and
//! [`REGISTRY`](redis_typed::commands::registry::REGISTRY). Containers
//! (`CLIENT`, `CONFIG`, ...) are not commands of their own, their subcommands
//! are; Sentinel commands are left out. Prints what is missing, then
//! `coverage: N/M specs, K/L server commands` as the last line.
//!
//! Connects to `$REDIS_URL`, else to 127.0.0.1:6379, else starts a throwaway
//! `redis-server` from PATH. It only reads command metadata.

#[path = "common/throwaway.rs"]
mod throwaway;

use std::collections::BTreeSet;
use std::path::PathBuf;

use redis_typed::commands::registry::REGISTRY;
use redis_typed::commands::CommandList;
use redis_typed::{Client, Cmd, Value};

type BoxError = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let specs_dir = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("REDIS_SPECS").ok())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/redis-commands")
        });
    let specs = spec_commands(&specs_dir)?;

    let (url, _server) = throwaway::server_url()?;
    let client = Client::open(&url).await?;
    let server = server_commands(&client).await?;

    let typed: BTreeSet<String> = REGISTRY.iter().map(|c| c.name.to_owned()).collect();
    let missing_specs: Vec<&String> = specs.difference(&typed).collect();
    let missing_server: Vec<&String> = server.difference(&typed).collect();
    let untyped_specs_on_server: Vec<&String> = server.difference(&specs).collect();

    println!(
        "server {url}: {} commands (containers and Sentinel left out)",
        server.len()
    );
    println!("specs {}: {} commands", specs_dir.display(), specs.len());
    println!("registry: {} typed commands", typed.len());
    print_list("specs without a type", &missing_specs);
    print_list("server commands without a type", &missing_server);
    print_list("server commands without a spec", &untyped_specs_on_server);
    let stale: Vec<&String> = typed.difference(&specs).collect();
    print_list("typed commands without a spec", &stale);

    println!(
        "coverage: {}/{} specs, {}/{} server commands",
        specs.len() - missing_specs.len(),
        specs.len(),
        server.len() - missing_server.len(),
        server.len()
    );
    Ok(())
}

fn print_list(title: &str, items: &[&String]) {
    if items.is_empty() {
        println!("{title}: none");
    } else {
        println!("{title} ({}):", items.len());
        for item in items {
            println!("  {item}");
        }
    }
}

/// The commands of the JSON specs: `"CLIENT KILL"`, without containers and
/// Sentinel.
fn spec_commands(dir: &PathBuf) -> Result<BTreeSet<String>, BoxError> {
    let mut all = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        for (name, spec) in json.as_object().into_iter().flatten() {
            let group = spec["group"].as_str().unwrap_or_default().to_owned();
            let container = spec["container"].as_str().map(str::to_owned);
            all.push((name.clone(), container, group));
        }
    }
    let containers: BTreeSet<String> = all.iter().filter_map(|(_, c, _)| c.clone()).collect();
    Ok(all
        .into_iter()
        .filter(|(name, container, group)| {
            group != "sentinel" && (container.is_some() || !containers.contains(name))
        })
        .map(|(name, container, _)| match container {
            Some(c) => format!("{c} {name}"),
            None => name,
        })
        .collect())
}

/// The server's commands as `"CLIENT KILL"`: `COMMAND LIST` names
/// subcommands `client|kill` (Redis 7); containers are replaced by their
/// subcommands, read with `COMMAND INFO` if the list leaves them out.
async fn server_commands(client: &Client) -> Result<BTreeSet<String>, BoxError> {
    let names: Vec<String> = client.send(CommandList::new()).await?;
    let mut commands: BTreeSet<String> = BTreeSet::new();
    let mut containers: BTreeSet<String> = BTreeSet::new();
    for name in &names {
        match name.split_once('|') {
            Some((container, sub)) => {
                containers.insert(container.to_ascii_uppercase());
                commands.insert(format!("{} {}", container, sub).to_ascii_uppercase());
            }
            None => {
                commands.insert(name.to_ascii_uppercase());
            }
        }
    }
    // Servers that list top-level names only: ask for their subcommands.
    let top_level_only = containers.is_empty();
    for name in names.iter().filter(|_| top_level_only) {
        let info: Value = client
            .send(Cmd::new("COMMAND").arg("INFO").arg(name.as_str()))
            .await?;
        for sub in subcommand_names(&info) {
            containers.insert(name.to_ascii_uppercase());
            commands.insert(sub.replace('|', " ").to_ascii_uppercase());
        }
    }
    for container in &containers {
        commands.remove(container);
    }
    Ok(commands)
}

/// Element 9 of each `COMMAND INFO` entry lists the subcommands (each an
/// entry whose first element is `container|sub`).
fn subcommand_names(info: &Value) -> Vec<String> {
    let text = |v: &Value| match v {
        Value::BulkString(b) | Value::SimpleString(b) => {
            Some(String::from_utf8_lossy(b).into_owned())
        }
        _ => None,
    };
    let mut out = Vec::new();
    if let Value::Array(entries) = info {
        for entry in entries {
            if let Value::Array(fields) = entry {
                if let Some(Value::Array(subs) | Value::Set(subs)) = fields.get(9) {
                    for sub in subs {
                        if let Value::Array(sub_fields) = sub {
                            out.extend(sub_fields.first().and_then(text));
                        }
                    }
                }
            }
        }
    }
    out
}
