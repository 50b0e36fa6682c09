//! The wire syntax of a command, as redis.io prints it:
//! `LINSERT key <BEFORE | AFTER> pivot element`.

use crate::spec::{Arg, ArgKind, Command};

/// The whole command line: name, then every argument.
pub fn command(cmd: &Command) -> String {
    let mut out = cmd.name.clone();
    for arg in &cmd.arguments {
        out.push(' ');
        out.push_str(&arg_syntax(arg));
    }
    out
}

/// One argument: `[COUNT count]`, `key [key ...]`, `<NX | XX>`.
pub fn arg_syntax(arg: &Arg) -> String {
    let one = single(arg);
    let repeated = if arg.multiple {
        if arg.multiple_token {
            format!("{one} [{one} ...]")
        } else {
            // The token comes once, before the values.
            let value = value(arg);
            match &arg.token {
                Some(t) if arg.kind != ArgKind::PureToken => {
                    format!("{t} {value} [{value} ...]")
                }
                _ => format!("{value} [{value} ...]"),
            }
        }
    } else {
        one
    };
    if arg.optional {
        format!("[{}]", strip_angle(&repeated))
    } else {
        repeated
    }
}

/// One occurrence, with its token.
fn single(arg: &Arg) -> String {
    match (&arg.kind, &arg.token) {
        (ArgKind::PureToken, Some(t)) => t.clone(),
        (_, Some(t)) => format!("{t} {}", value(arg)),
        (_, None) => value(arg),
    }
}

/// The value part, without the token.
fn value(arg: &Arg) -> String {
    match &arg.kind {
        ArgKind::OneOf(alts) => format!(
            "<{}>",
            alts.iter().map(arg_syntax).collect::<Vec<_>>().join(" | ")
        ),
        ArgKind::Block(members) => members.iter().map(arg_syntax).collect::<Vec<_>>().join(" "),
        ArgKind::PureToken => arg.token.clone().unwrap_or_default(),
        _ => arg.display_name().to_owned(),
    }
}

/// `[<a | b>]` reads `[a | b]`.
fn strip_angle(s: &str) -> String {
    if s.starts_with('<') && s.ends_with('>') && balanced(&s[1..s.len() - 1]) {
        s[1..s.len() - 1].to_owned()
    } else {
        s.to_owned()
    }
}

fn balanced(s: &str) -> bool {
    let mut depth = 0i32;
    for c in s.chars() {
        match c {
            '<' | '[' => depth += 1,
            '>' | ']' => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}
