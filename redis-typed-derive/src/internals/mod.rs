//! Everything about the derive input that is not code generation: the
//! parsed attributes (`attr`), the input they annotate (`ast`), `rename_all`
//! rules (`case`), the checks that reject what cannot work (`check`) and the
//! error context (`ctxt`).

pub mod ast;
pub mod attr;
pub mod case;
pub mod check;
mod ctxt;

use std::fmt;

pub use ctxt::Ctxt;

/// Which derive is running: some attributes belong to one derive only.
#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Derive {
    ToRedisArgs,
    FromRedisValue,
    Command,
}

impl fmt::Display for Derive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Derive::ToRedisArgs => "ToRedisArgs",
            Derive::FromRedisValue => "FromRedisValue",
            Derive::Command => "Command",
        })
    }
}

/// Parses `input` and runs every check: the container to generate code
/// from, or all the errors found.
pub fn parse(input: &syn::DeriveInput, derive: Derive) -> syn::Result<ast::Container<'_>> {
    let cx = Ctxt::new();
    let cont = ast::Container::from_ast(&cx, input, derive);
    if let Some(cont) = &cont {
        check::check(&cx, cont, derive);
    }
    cx.check()?;
    Ok(cont.expect("a container without errors"))
}
