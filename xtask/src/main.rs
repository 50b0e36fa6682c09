//! Repository chores.
//!
//! ```text
//! cargo xtask gen-commands [--specs <dir>]
//! ```
//!
//! `gen-commands` turns the Redis command specs (default:
//! `../shared/redis-commands`, relative to the workspace root) into one file
//! per command under `redis-typed/src/commands/<group>/`, the generated
//! section of each group's `mod.rs`, and `commands/registry.rs`. It writes
//! only files that do not exist or start with the `@generated` marker,
//! deletes marked files it no longer generates, and formats what it wrote
//! with rustfmt. Nothing else runs.
//!
//! The generator's rooms: `spec` (the JSON model), `naming` (Rust names),
//! `catalogue` (hand-written commands, corrections), `args` (argument
//! mapping), `reply` (reply mapping), `syntax` (wire syntax for docs),
//! `emit` (Rust source).

mod args;
mod catalogue;
mod emit;
mod naming;
mod reply;
mod spec;
mod syntax;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use spec::{Arg, ArgKind, Command};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("gen-commands") => parse_options(&args[1..]).and_then(|o| gen_commands(&o)),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "usage: cargo xtask gen-commands [--specs <dir>] [--check]";

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

struct Options {
    specs: PathBuf,
    /// Compare with the files on disk instead of writing (for CI).
    check: bool,
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        specs: workspace_root().join("../shared/redis-commands"),
        check: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => options.check = true,
            "--specs" => {
                let dir = PathBuf::from(args.next().ok_or(USAGE)?);
                options.specs = if dir.is_absolute() {
                    dir
                } else {
                    std::env::current_dir()
                        .map_err(|e| e.to_string())?
                        .join(dir)
                };
            }
            other => return Err(format!("unexpected argument {other:?}; {USAGE}")),
        }
    }
    Ok(options)
}

/// What one run produces.
#[derive(Default)]
struct Output {
    /// `group -> module -> source`.
    files: BTreeMap<String, BTreeMap<String, String>>,
    registry: Vec<emit::Entry>,
    /// Commands whose reply is (partly) an untyped `Value`.
    untyped: Vec<(String, String)>,
}

fn gen_commands(options: &Options) -> Result<(), String> {
    let root = workspace_root();
    let commands_dir = root.join("redis-typed/src/commands");
    let mut commands = spec::load(&options.specs)?;
    for cmd in &mut commands {
        catalogue::patch(cmd);
    }

    // Every command's Rust name, and whether docs may link to it.
    let mut names = Vec::new();
    for cmd in &commands {
        let (ty, linkable) = match catalogue::hand_written(&cmd.name) {
            Some((ty, owner)) => {
                let expected = naming::type_name(&cmd.name)?;
                if expected != ty {
                    return Err(format!(
                        "{}: the hand-written type is {ty} but the naming rule gives {expected}",
                        cmd.name
                    ));
                }
                (ty.to_owned(), owner == catalogue::Owner::FirstSet)
            }
            None => (naming::type_name(&cmd.name)?, true),
        };
        names.push((cmd.name.clone(), ty, linkable));
    }
    for (name, _, _) in catalogue::HAND_WRITTEN {
        if !commands.iter().any(|c| c.name == *name) {
            return Err(format!("hand-written {name} is not in the specs"));
        }
    }
    let names_ref = emit::Names { all: &names };

    let mut out = Output::default();
    let mut shared_first_use: BTreeMap<String, (Command, Arg)> = BTreeMap::new();
    for (cmd, (_, ty, _)) in commands.iter().zip(&names) {
        out.registry.push(emit::Entry {
            name: cmd.name.clone(),
            group: cmd.group.clone(),
            rust_type: ty.clone(),
            read_only: cmd.read_only(),
            since: cmd.since.clone(),
            deprecated: cmd.deprecated(),
        });
        if catalogue::hand_written(&cmd.name).is_some() {
            continue;
        }
        let plan = args::plan(cmd, ty).map_err(|e| format!("{}: {e}", cmd.name))?;
        let reply = reply::map(cmd, ty).map_err(|e| format!("{}: {e}", cmd.name))?;
        if reply.untyped && plan.flag.is_none() {
            out.untyped.push((cmd.name.clone(), reply.ty.clone()));
        }
        for shared in &plan.shared {
            let generated = catalogue::SHARED_ENUMS
                .iter()
                .any(|(_, n, _, _)| n == shared);
            if generated && !shared_first_use.contains_key(shared) {
                let arg = find_oneof(&cmd.arguments, shared)
                    .ok_or_else(|| format!("{}: {shared} not found", cmd.name))?;
                shared_first_use.insert(shared.clone(), (cmd.clone(), arg));
            }
        }
        let code = emit::command_file(cmd, ty, &plan, &reply, &names_ref);
        out.files
            .entry(cmd.group.clone())
            .or_default()
            .insert(catalogue::module_name(&cmd.name), code);
    }
    for (name, (cmd, arg)) in &shared_first_use {
        let (_, _, group, doc) = catalogue::SHARED_ENUMS
            .iter()
            .find(|(_, n, _, _)| n == name)
            .expect("shared enums come from the table");
        let code = args::shared_enum(cmd, arg, name, doc)?;
        out.files.entry((*group).to_owned()).or_default().insert(
            naming::field(&snake_type(name)),
            emit::shared_enum_file(&code),
        );
    }
    out.registry.sort_by(|a, b| a.name.cmp(&b.name));

    let changes = plan_writes(&commands_dir, &out)?;
    if options.check {
        if changes.is_empty() {
            println!("gen-commands --check: the generated files are up to date");
            return Ok(());
        }
        for change in &changes {
            println!("out of date: {}", change.describe());
        }
        return Err(format!(
            "{} generated files are out of date: run `cargo xtask gen-commands`",
            changes.len()
        ));
    }
    for change in &changes {
        change.apply()?;
    }

    let generated: usize = out.files.values().map(|m| m.len()).sum();
    println!(
        "gen-commands: {} specs, {} typed ({} generated files, {} hand-written); {} files changed",
        commands.len(),
        out.registry.len(),
        generated,
        catalogue::HAND_WRITTEN.len(),
        changes.len()
    );
    if !out.untyped.is_empty() {
        println!("replies left as `Value` ({}):", out.untyped.len());
        for (name, ty) in &out.untyped {
            println!("  {name}: {ty}");
        }
    }
    Ok(())
}

/// `GeoUnit` -> `geo_unit`.
fn snake_type(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The `oneof` whose token set is shared enum `name`.
fn find_oneof(args: &[Arg], name: &str) -> Option<Arg> {
    let (tokens, ..) = catalogue::SHARED_ENUMS
        .iter()
        .find(|(_, n, _, _)| *n == name)?;
    for arg in args {
        if let ArgKind::OneOf(alts) = &arg.kind {
            let t: Vec<&str> = alts.iter().filter_map(|a| a.token.as_deref()).collect();
            if t == *tokens && alts.iter().all(|a| a.kind == ArgKind::PureToken) {
                return Some(arg.clone());
            }
        }
        if let Some(found) = find_oneof(arg.children(), name) {
            return Some(found);
        }
    }
    None
}

/// One change to the tree.
enum Change {
    Write(PathBuf, String),
    Remove(PathBuf),
}

impl Change {
    fn describe(&self) -> String {
        match self {
            Change::Write(path, _) => format!("write {}", path.display()),
            Change::Remove(path) => format!("remove {}", path.display()),
        }
    }

    fn apply(&self) -> Result<(), String> {
        match self {
            Change::Write(path, text) => fs::write(path, text),
            Change::Remove(path) => fs::remove_file(path),
        }
        .map_err(|e| format!("{}: {e}", self.describe()))
    }
}

/// What must change on disk: generated files (formatted) that are new or
/// differ, stale generated files, group sections, the registry. Never
/// touches a file that exists without the `@generated` marker.
fn plan_writes(commands_dir: &Path, out: &Output) -> Result<Vec<Change>, String> {
    let mut changes = Vec::new();
    let groups: BTreeSet<String> = fs::read_dir(commands_dir)
        .map_err(|e| format!("{}: {e}", commands_dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("mod.rs").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    for group in out.files.keys() {
        if !groups.contains(group) {
            return Err(format!("no folder commands/{group}/ with a mod.rs"));
        }
    }
    let write = |changes: &mut Vec<Change>, path: PathBuf, text: String| {
        if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            changes.push(Change::Write(path, text));
        }
    };
    for group in &groups {
        let dir = commands_dir.join(group);
        let files = out.files.get(group).cloned().unwrap_or_default();
        let mut stale = Vec::new();
        for entry in fs::read_dir(&dir).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default()
                .to_owned();
            if path.extension().and_then(|e| e.to_str()) == Some("rs")
                && stem != "mod"
                && !files.contains_key(&stem)
                && is_generated(&path)
            {
                stale.push(path);
            }
        }
        let mut modules = Vec::new();
        for (module, code) in &files {
            let path = dir.join(format!("{module}.rs"));
            if path.exists() && !is_generated(&path) {
                return Err(format!(
                    "{} exists and is hand-written: add its command to HAND_WRITTEN (or a \
                     MODULE_NAMES entry) in xtask/src/catalogue.rs",
                    path.display()
                ));
            }
            write(&mut changes, path, rustfmt(code)?);
            modules.push(module.clone());
        }
        let mod_rs = dir.join("mod.rs");
        let text = fs::read_to_string(&mod_rs).map_err(|e| format!("{}: {e}", mod_rs.display()))?;
        write(
            &mut changes,
            mod_rs.clone(),
            with_section(&mod_rs, &text, &emit::mod_section(&modules))?,
        );
        changes.extend(stale.into_iter().map(Change::Remove));
    }
    let registry = commands_dir.join("registry.rs");
    if registry.exists() && !is_generated(&registry) {
        return Err(format!("{} exists and is hand-written", registry.display()));
    }
    write(
        &mut changes,
        registry,
        rustfmt(&emit::registry(&out.registry))?,
    );
    Ok(changes)
}

fn is_generated(path: &Path) -> bool {
    fs::read_to_string(path)
        .map(|s| s.starts_with(emit::MARKER))
        .unwrap_or(false)
}

/// `text` (a group's `mod.rs`) with the lines between
/// `// <generated-modules>` and `// </generated-modules>` replaced by
/// `section`; nothing else changes.
fn with_section(path: &Path, text: &str, section: &str) -> Result<String, String> {
    let open = text
        .find("// <generated-modules>")
        .ok_or_else(|| format!("{}: no `// <generated-modules>` line", path.display()))?;
    let open_end = open
        + text[open..]
            .find('\n')
            .map(|i| i + 1)
            .unwrap_or(text.len() - open);
    let close = text[open_end..]
        .find("// </generated-modules>")
        .map(|i| i + open_end)
        .ok_or_else(|| format!("{}: no `// </generated-modules>` line", path.display()))?;
    Ok(format!("{}{section}{}", &text[..open_end], &text[close..]))
}

/// `code` formatted by rustfmt (edition 2021, the workspace's settings).
fn rustfmt(code: &str) -> Result<String, String> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .current_dir(workspace_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run rustfmt: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let input = code.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    writer
        .join()
        .expect("writer thread")
        .map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!(
            "rustfmt rejected generated code:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8(output.stdout).map_err(|e| e.to_string())
}
