//! The Redis command specs (`src/commands/*.json` in the Redis repository),
//! read into a small model: only what the generator uses.
//!
//! One file holds one command (or a container such as `CLIENT`); a
//! subcommand file names its container (`"container": "CLIENT"`). Containers
//! themselves and the `sentinel` group are left out: the commands are the
//! subcommands, and Sentinel is a different server.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value};

/// One command, e.g. `LINSERT` or `CLIENT KILL`.
#[derive(Debug, Clone)]
pub struct Command {
    /// The full name as sent: `"CLIENT KILL"`.
    pub name: String,
    pub group: String,
    pub summary: String,
    pub complexity: Option<String>,
    pub since: String,
    /// `command_flags`: `READONLY`, `WRITE`, `BLOCKING`, `ADMIN`, ...
    pub flags: Vec<String>,
    /// `doc_flags`: `DEPRECATED`, `SYSCMD`.
    pub doc_flags: Vec<String>,
    /// The flags of each key spec, by index (`NOT_KEY` marks shard channels).
    pub key_specs: Vec<Vec<String>>,
    pub arguments: Vec<Arg>,
    pub reply_schema: Option<Value>,
    pub deprecated_since: Option<String>,
    pub replaced_by: Option<String>,
    /// `(version, change)` pairs.
    pub history: Vec<(String, String)>,
}

impl Command {
    /// The words sent before the arguments: `["CLIENT", "KILL"]`.
    pub fn name_words(&self) -> Vec<&str> {
        self.name.split(' ').collect()
    }

    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }

    pub fn read_only(&self) -> bool {
        self.has_flag("READONLY")
    }

    pub fn deprecated(&self) -> bool {
        self.deprecated_since.is_some()
    }
}

/// One argument, possibly a `oneof` or `block` of others.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub name: String,
    pub kind: ArgKind,
    /// The token written before the value (`COUNT` in `[COUNT count]`), or
    /// the whole argument for a pure token.
    pub token: Option<String>,
    /// `display_text`, shown instead of the name in the syntax line.
    pub display: Option<String>,
    pub optional: bool,
    pub multiple: bool,
    /// The token is repeated before each value (`GET p [GET p ...]`).
    pub multiple_token: bool,
    pub since: Option<String>,
    pub deprecated_since: Option<String>,
    pub key_spec_index: Option<usize>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ArgKind {
    Key,
    String,
    Integer,
    Double,
    Pattern,
    UnixTime,
    PureToken,
    OneOf(Vec<Arg>),
    Block(Vec<Arg>),
}

impl Arg {
    /// The nested arguments of a `oneof` or `block`.
    pub fn children(&self) -> &[Arg] {
        match &self.kind {
            ArgKind::OneOf(args) | ArgKind::Block(args) => args,
            _ => &[],
        }
    }

    /// The name shown in the syntax line.
    pub fn display_name(&self) -> &str {
        self.display.as_deref().unwrap_or(&self.name)
    }
}

/// Reads every spec in `dir`, except the `sentinel` group and containers,
/// sorted by group then name.
pub fn load(dir: &Path) -> Result<Vec<Command>, String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut raw = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let text = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let json: Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let Value::Object(commands) = json else {
            return Err(format!("{}: not a JSON object", path.display()));
        };
        for (name, spec) in commands {
            raw.push((name, spec, path.display().to_string()));
        }
    }
    if raw.is_empty() {
        return Err(format!("no command specs (*.json) in {}", dir.display()));
    }

    let containers: BTreeSet<String> = raw
        .iter()
        .filter_map(|(_, spec, _)| spec.get("container")?.as_str().map(str::to_owned))
        .collect();
    let mut commands = Vec::new();
    for (name, spec, file) in raw {
        let parse = || -> Result<Option<Command>, String> {
            let spec = spec.as_object().ok_or("not an object")?;
            let group = str_field(spec, "group")?;
            let container = opt_str(spec, "container");
            if group == "sentinel" || (container.is_none() && containers.contains(&name)) {
                return Ok(None);
            }
            Ok(Some(command(&name, container, group, spec)?))
        };
        match parse() {
            Ok(Some(command)) => commands.push(command),
            Ok(None) => {}
            Err(e) => return Err(format!("{file}: {name}: {e}")),
        }
    }
    commands.sort_by(|a, b| (&a.group, &a.name).cmp(&(&b.group, &b.name)));
    Ok(commands)
}

fn command(
    name: &str,
    container: Option<String>,
    group: String,
    spec: &Map<String, Value>,
) -> Result<Command, String> {
    let full_name = match &container {
        Some(c) => format!("{c} {name}"),
        None => name.to_owned(),
    };
    let arguments = match spec.get("arguments") {
        Some(Value::Array(args)) => args.iter().map(arg).collect::<Result<_, _>>()?,
        _ => Vec::new(),
    };
    let key_specs = match spec.get("key_specs") {
        Some(Value::Array(specs)) => specs.iter().map(|s| strings(s.get("flags"))).collect(),
        _ => Vec::new(),
    };
    let history = match spec.get("history") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|h| {
                let pair = h.as_array()?;
                Some((
                    pair.first()?.as_str()?.to_owned(),
                    pair.get(1)?.as_str()?.to_owned(),
                ))
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(Command {
        name: full_name,
        group,
        summary: str_field(spec, "summary")?,
        complexity: opt_str(spec, "complexity"),
        since: str_field(spec, "since")?,
        flags: strings(spec.get("command_flags")),
        doc_flags: strings(spec.get("doc_flags")),
        key_specs,
        arguments,
        reply_schema: spec.get("reply_schema").cloned(),
        deprecated_since: opt_str(spec, "deprecated_since"),
        replaced_by: opt_str(spec, "replaced_by"),
        history,
    })
}

fn arg(value: &Value) -> Result<Arg, String> {
    let obj = value.as_object().ok_or("argument is not an object")?;
    let name = str_field(obj, "name")?;
    let children = || -> Result<Vec<Arg>, String> {
        match obj.get("arguments") {
            Some(Value::Array(args)) => args.iter().map(arg).collect(),
            _ => Err(format!("{name}: oneof/block without arguments")),
        }
    };
    let kind = match str_field(obj, "type")?.as_str() {
        "key" => ArgKind::Key,
        "string" => ArgKind::String,
        "integer" => ArgKind::Integer,
        "double" => ArgKind::Double,
        "pattern" => ArgKind::Pattern,
        "unix-time" => ArgKind::UnixTime,
        "pure-token" => ArgKind::PureToken,
        "oneof" => ArgKind::OneOf(children()?),
        "block" => ArgKind::Block(children()?),
        other => return Err(format!("{name}: unknown argument type {other:?}")),
    };
    let flag = |key: &str| obj.get(key).and_then(Value::as_bool).unwrap_or(false);
    Ok(Arg {
        kind,
        token: opt_str(obj, "token"),
        display: opt_str(obj, "display_text"),
        optional: flag("optional"),
        multiple: flag("multiple"),
        multiple_token: flag("multiple_token"),
        since: opt_str(obj, "since"),
        deprecated_since: opt_str(obj, "deprecated_since"),
        key_spec_index: obj
            .get("key_spec_index")
            .and_then(Value::as_u64)
            .map(|i| i as usize),
        name,
    })
}

fn str_field(obj: &Map<String, Value>, key: &str) -> Result<String, String> {
    opt_str(obj, key).ok_or_else(|| format!("missing string field {key:?}"))
}

fn opt_str(obj: &Map<String, Value>, key: &str) -> Option<String> {
    obj.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}
