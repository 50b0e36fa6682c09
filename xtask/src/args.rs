//! Argument mapping: a command's spec arguments become struct fields,
//! constructor parameters, builder methods, and the code that writes them
//! and names the keys.
//!
//! - Required arguments go in the constructor; optional ones in builder
//!   methods (the last call wins).
//! - `key` is a generic `K: RedisKey`; user data (`element`, `member`,
//!   `value`, `field`, ...) a generic `SingleArg` parameter; other strings
//!   `String` (`impl Into<String>` in), integers `i64`, doubles `f64`,
//!   Unix times `u64`. Repeated arguments take iterators and are stored as
//!   `Vec`.
//! - A command's only required `oneof` becomes one constructor per
//!   alternative (`LInsert::before`, `LInsert::after`); other required
//!   `oneof`s are public enums; an optional `oneof` is one method per
//!   alternative setting one private `Option<enum>`, so two alternatives can
//!   never both be sent. `YES | NO` and `ON | OFF` inside other arguments
//!   are `bool`s.
//! - A required `block` is flattened into the command; an optional one is
//!   one method taking its members; a repeated one an iterator of tuples.
//! - Inside enums, keys and user data are `Bytes` (a generic there could not
//!   be inferred from variants that do not use it).
//! - `numkeys` is written from the number of keys, never asked for.

use std::collections::BTreeSet;

use crate::catalogue;
use crate::naming;
use crate::spec::{Arg, ArgKind, Command};
use crate::syntax;

/// A Rust type the generator uses for an argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    Generic(String),
    String,
    Secret,
    Bytes,
    I64,
    F64,
    U64,
    Bool,
    ScoreBound,
    LexBound,
    Named(String),
    Tuple(Vec<Ty>),
    Vec(Box<Ty>),
    Option(Box<Ty>),
}

impl Ty {
    /// The type as stored.
    pub fn rust(&self) -> String {
        match self {
            Ty::Generic(g) => g.clone(),
            Ty::String => "String".into(),
            Ty::Secret => "Secret".into(),
            Ty::Bytes => "Bytes".into(),
            Ty::I64 => "i64".into(),
            Ty::F64 => "f64".into(),
            Ty::U64 => "u64".into(),
            Ty::Bool => "bool".into(),
            Ty::ScoreBound => "ScoreBound".into(),
            Ty::LexBound => "LexBound".into(),
            Ty::Named(n) => n.clone(),
            Ty::Tuple(ts) => format!("({})", join(ts.iter().map(Ty::rust))),
            Ty::Vec(t) => format!("Vec<{}>", t.rust()),
            Ty::Option(t) => format!("Option<{}>", t.rust()),
        }
    }

    /// The type as taken by a constructor or method.
    pub fn param(&self) -> String {
        match self {
            Ty::String => "impl Into<String>".into(),
            Ty::Secret => "impl Into<Secret>".into(),
            Ty::Bytes => "impl Into<Bytes>".into(),
            Ty::ScoreBound => "impl Into<ScoreBound>".into(),
            Ty::Tuple(ts) => format!("({})", join(ts.iter().map(Ty::param))),
            Ty::Vec(t) => format!("impl IntoIterator<Item = {}>", t.param()),
            other => other.rust(),
        }
    }

    fn converts(&self) -> bool {
        match self {
            Ty::String | Ty::Secret | Ty::Bytes | Ty::ScoreBound => true,
            Ty::Tuple(ts) => ts.iter().any(Ty::converts),
            Ty::Vec(_) => true,
            _ => false,
        }
    }

    /// Converts `expr` (of the `param` type) to the stored type.
    pub fn convert(&self, expr: &str) -> String {
        match self {
            Ty::String | Ty::Secret | Ty::Bytes | Ty::ScoreBound => format!("{expr}.into()"),
            Ty::Vec(t) => match &**t {
                Ty::String | Ty::Secret | Ty::Bytes | Ty::ScoreBound => {
                    format!("{expr}.into_iter().map(Into::into).collect()")
                }
                Ty::Tuple(ts) if t.converts() => {
                    let names: Vec<String> = (0..ts.len()).map(|i| format!("x{i}")).collect();
                    let conv: Vec<String> =
                        ts.iter().zip(&names).map(|(t, n)| t.convert(n)).collect();
                    format!(
                        "{expr}.into_iter().map(|({})| ({})).collect()",
                        names.join(", "),
                        conv.join(", ")
                    )
                }
                _ => format!("{expr}.into_iter().collect()"),
            },
            _ => expr.to_owned(),
        }
    }

    /// The generic parameters this type names.
    pub fn generics(&self, out: &mut Vec<String>) {
        match self {
            Ty::Generic(g) if !out.contains(g) => out.push(g.clone()),
            Ty::Tuple(ts) => ts.iter().for_each(|t| t.generics(out)),
            Ty::Vec(t) | Ty::Option(t) => t.generics(out),
            _ => {}
        }
    }

    /// The value when the constructor does not set it.
    pub fn default_value(&self) -> String {
        match self {
            Ty::Vec(_) => "Vec::new()".into(),
            Ty::Option(_) => "None".into(),
            Ty::Bool => "false".into(),
            other => panic!("no default for {other:?}"),
        }
    }
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

/// A generic type parameter of a command.
#[derive(Debug, Clone)]
pub struct Generic {
    pub name: String,
    pub bound: String,
    /// Set only by an optional argument: the constructor fixes it to this
    /// default and the argument's method re-types the command.
    pub optional_default: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub ty: Ty,
}

/// A constructor: `new`, or one per alternative of the required `oneof`.
#[derive(Debug, Clone)]
pub struct Ctor {
    pub name: String,
    /// The wire syntax it builds (for its doc).
    pub syntax: String,
    pub params: Vec<Param>,
    /// `(field, expression)` for fields it sets; others take their default.
    pub inits: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Method {
    pub name: String,
    pub doc: String,
    pub params: Vec<Param>,
    pub kind: MethodKind,
}

#[derive(Debug, Clone)]
pub enum MethodKind {
    /// `self.field = expr` for each pair, then `self`.
    Assign(Vec<(String, String)>),
    /// Sets `field` from an iterator of a new type for generic `generic`,
    /// returning the command with that parameter changed.
    Retype {
        field: String,
        generic: String,
        bound: String,
    },
    /// Turns the reply flag on (assigning the fields first).
    Flag(Vec<(String, String)>),
}

/// One line of `write_args`; [`Write::Flag`] is written only when the reply
/// flag is on.
#[derive(Debug, Clone)]
pub enum Write {
    Line(String),
    Flag(String),
}

/// Everything the emitter needs about a command's arguments.
#[derive(Debug, Default)]
pub struct Plan {
    pub generics: Vec<Generic>,
    pub fields: Vec<(String, Ty)>,
    pub ctors: Vec<Ctor>,
    pub methods: Vec<Method>,
    /// Code of the enums this command defines.
    pub enums: Vec<String>,
    /// Shared enums it uses.
    pub shared: BTreeSet<String>,
    pub write: Vec<Write>,
    pub keys: Vec<String>,
    /// The reply flag's const parameter, if the command has one.
    pub flag: Option<&'static catalogue::ReplyFlag>,
}

/// A value in generated code: a place (`self.key`, `x.0`) or a reference
/// binding (`x` from `for x in &v`).
#[derive(Debug, Clone)]
struct E {
    code: String,
    place: bool,
    /// Inside an enum (keys and data are `Bytes` there).
    nested: bool,
}

impl E {
    /// A field of the command: `self.key`.
    fn top(code: impl Into<String>) -> E {
        E {
            code: code.into(),
            place: true,
            nested: false,
        }
    }
    /// A binding of a `match` on an enum.
    fn variant(code: impl Into<String>) -> E {
        E {
            code: code.into(),
            place: false,
            nested: true,
        }
    }
    /// A reference binding (`for x in &v`, `if let Some(x) = &o`) within `self`'s context.
    fn bind(&self, code: impl Into<String>) -> E {
        E {
            code: code.into(),
            place: false,
            nested: self.nested,
        }
    }
    fn by_ref(&self) -> String {
        if self.place {
            format!("&{}", self.code)
        } else {
            self.code.clone()
        }
    }
    fn copied(&self) -> String {
        if self.place {
            self.code.clone()
        } else {
            format!("*{}", self.code)
        }
    }
    fn field(&self, i: usize) -> E {
        E {
            code: format!("{}.{i}", self.code),
            place: true,
            nested: self.nested,
        }
    }
}

struct Planner<'a> {
    cmd: &'a Command,
    type_name: &'a str,
    plan: Plan,
    /// Enum names already defined (or shared), so each is written once.
    enum_names: BTreeSet<String>,
    /// Nesting depth of loops/bindings, for fresh binding names.
    depth: usize,
    /// External enums used (written by a local function).
    external: BTreeSet<String>,
}

/// The code of a shared enum (`catalogue::SHARED_ENUMS`), from its first
/// use: `arg` in `cmd`.
pub fn shared_enum(cmd: &Command, arg: &Arg, name: &str, doc: &str) -> Result<String, String> {
    let mut p = Planner {
        cmd,
        type_name: name,
        plan: Plan::default(),
        enum_names: BTreeSet::new(),
        depth: 0,
        external: BTreeSet::new(),
    };
    p.enum_code(name, arg, true, Some(doc))
}

/// Plans `cmd` (already patched) as type `type_name`.
pub fn plan(cmd: &Command, type_name: &str) -> Result<Plan, String> {
    let mut p = Planner {
        cmd,
        type_name,
        plan: Plan::default(),
        enum_names: BTreeSet::new(),
        depth: 0,
        external: BTreeSet::new(),
    };
    p.plan.flag = catalogue::reply_flag(&cmd.name);
    p.top_level()?;
    Ok(p.plan)
}

/// Required, single blocks are transparent: their members are arguments of
/// the command.
fn flatten(args: &[Arg]) -> Vec<Arg> {
    let mut out = Vec::new();
    for arg in args {
        match &arg.kind {
            ArgKind::Block(members) if !arg.optional && !arg.multiple && arg.token.is_none() => {
                out.extend(flatten(members))
            }
            _ => out.push(arg.clone()),
        }
    }
    out
}

/// `YES | NO` or `ON | OFF`: a `bool`, true for `YES`/`ON`. Returns the
/// two tokens as the spec spells them.
fn bool_tokens(arg: &Arg) -> Option<(String, String)> {
    let ArgKind::OneOf(alts) = &arg.kind else {
        return None;
    };
    let tokens: Vec<&str> = alts
        .iter()
        .filter(|a| a.kind == ArgKind::PureToken)
        .filter_map(|a| a.token.as_deref())
        .collect();
    if alts.len() != 2 || tokens.len() != 2 {
        return None;
    }
    let find = |word: &str| {
        tokens
            .iter()
            .find(|t| t.eq_ignore_ascii_case(word))
            .map(|t| t.to_string())
    };
    [("YES", "NO"), ("ON", "OFF")]
        .iter()
        .find_map(|(yes, no)| Some((find(yes)?, find(no)?)))
}

/// The name of an alternative or option, from its token when it is a word.
fn token_or_name(arg: &Arg) -> &str {
    match &arg.token {
        Some(t) if naming::is_word_token(t) => t,
        _ => &arg.name,
    }
}

/// "x.y.z" as a comparable tuple.
pub fn version(v: &str) -> (u32, u32, u32) {
    let mut parts = v.split('.').map(|p| p.parse().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

impl Planner<'_> {
    // ------------------------------------------------------------ types

    fn is_data(&self, arg: &Arg) -> Option<&'static str> {
        catalogue::DATA_ARGS
            .iter()
            .find(|(name, _, groups)| {
                *name == arg.name
                    && (groups.is_empty() || groups.contains(&self.cmd.group.as_str()))
            })
            .map(|(_, param, _)| *param)
    }

    fn is_bound(&self, arg: &Arg) -> bool {
        catalogue::BOUND_ARGS.contains(&(self.cmd.name.as_str(), arg.name.as_str()))
    }

    /// A string argument naming a shard channel: routed like a key. (The
    /// spec gives these commands a `NOT_KEY` key spec without linking it to
    /// the argument.)
    fn is_routing(&self, arg: &Arg) -> bool {
        arg.kind == ArgKind::String
            && arg.name == "shardchannel"
            && self
                .cmd
                .key_specs
                .iter()
                .any(|flags| flags.iter().any(|f| f == "NOT_KEY"))
    }

    /// The type of one value of `arg` (ignoring optional/multiple); `None`
    /// when it carries no data (a token).
    fn one_ty(&mut self, arg: &Arg, nested: bool) -> Result<Option<Ty>, String> {
        Ok(Some(match &arg.kind {
            ArgKind::Key if nested => Ty::Bytes,
            ArgKind::Key => Ty::Generic("K".into()),
            ArgKind::String if catalogue::SECRET_ARGS.contains(&arg.name.as_str()) => Ty::Secret,
            ArgKind::String => match self.is_data(arg) {
                Some(_) if nested => Ty::Bytes,
                Some(param) => Ty::Generic(param.into()),
                None if self.is_bound(arg) => Ty::LexBound,
                None => Ty::String,
            },
            ArgKind::Pattern => Ty::String,
            ArgKind::Integer => Ty::I64,
            ArgKind::Double if self.is_bound(arg) => Ty::ScoreBound,
            ArgKind::Double => Ty::F64,
            ArgKind::UnixTime => Ty::U64,
            ArgKind::PureToken => return Ok(None),
            ArgKind::OneOf(_) if bool_tokens(arg).is_some() => Ty::Bool,
            ArgKind::OneOf(_) => Ty::Named(self.enum_for(arg, true)?),
            ArgKind::Block(members) => {
                let mut types = Vec::new();
                for m in members {
                    if let Some(t) = self.full_ty(m, nested)? {
                        types.push(t);
                    }
                }
                match types.len() {
                    0 => return Ok(None),
                    1 => types.remove(0),
                    _ => Ty::Tuple(types),
                }
            }
        }))
    }

    /// The type of `arg` as stored: `Vec` when repeated, `Option` (or
    /// `bool` for a token) when optional.
    fn full_ty(&mut self, arg: &Arg, nested: bool) -> Result<Option<Ty>, String> {
        let one = self.one_ty(arg, nested)?;
        Ok(match (one, arg.optional, arg.multiple) {
            (None, true, _) => Some(Ty::Bool),
            (None, false, _) => None,
            (Some(t), _, true) => Some(Ty::Vec(Box::new(t))),
            (Some(t), true, false) => Some(Ty::Option(Box::new(t))),
            (Some(t), false, false) => Some(t),
        })
    }

    /// The data members of a block (or the alternative itself), with
    /// their stored types.
    fn data_members(&mut self, arg: &Arg, nested: bool) -> Result<Vec<(Arg, Ty)>, String> {
        match &arg.kind {
            ArgKind::Block(members) => {
                let mut out = Vec::new();
                for m in members {
                    if let Some(t) = self.full_ty(m, nested)? {
                        out.push((m.clone(), t));
                    }
                }
                Ok(out)
            }
            _ => Ok(self
                .full_ty(arg, nested)?
                .map(|t| vec![(arg.clone(), t)])
                .unwrap_or_default()),
        }
    }

    // ------------------------------------------------------------ enums

    /// The enum for a `oneof`, defining it on first use. `public` enums are
    /// part of the API; private ones back an option set by methods.
    fn enum_for(&mut self, arg: &Arg, public: bool) -> Result<String, String> {
        let alts = arg.children();
        let keys: Vec<&str> = alts.iter().map(token_or_name).collect();
        if let Some((_, name, variants)) = catalogue::EXTERNAL_ENUMS
            .iter()
            .find(|(k, ..)| *k == keys.as_slice())
        {
            self.plan.shared.insert((*name).to_owned());
            if self.external.insert((*name).to_owned()) {
                let code = self.external_writer(name, variants, arg)?;
                self.plan.enums.push(code);
            }
            return Ok((*name).to_owned());
        }
        if alts.iter().all(|a| a.kind == ArgKind::PureToken) {
            let tokens: Vec<&str> = alts.iter().filter_map(|a| a.token.as_deref()).collect();
            if let Some((_, name, _, _)) = catalogue::SHARED_ENUMS
                .iter()
                .find(|(t, ..)| *t == tokens.as_slice())
            {
                self.plan.shared.insert((*name).to_owned());
                return Ok((*name).to_owned());
            }
        }
        let name = match catalogue::ENUM_NAMES
            .iter()
            .find(|(c, a, _)| *c == self.cmd.name && *a == arg.name)
        {
            Some((_, _, n)) => (*n).to_owned(),
            None => format!("{}{}", self.type_name, naming::pascal(&arg.name)?),
        };
        if !self.enum_names.insert(name.clone()) {
            return Ok(name);
        }
        let code = self.enum_code(&name, arg, public, None)?;
        self.plan.enums.push(code);
        Ok(name)
    }

    /// The code of enum `name` for `oneof` `arg`; `shared` is the doc of an
    /// enum written to its own file (its `write` is then `pub(crate)`).
    fn enum_code(
        &mut self,
        name: &str,
        arg: &Arg,
        public: bool,
        shared: Option<&str>,
    ) -> Result<String, String> {
        let vis = if public { "pub " } else { "" };
        let write_vis = if shared.is_some() { "pub(crate) " } else { "" };
        let mut variants = String::new();
        let mut arms = Vec::new();
        let mut key_arms = Vec::new();
        let mut all_unit = true;
        for alt in arg.children() {
            let alt = Arg {
                optional: false,
                ..alt.clone()
            };
            let variant = naming::pascal(token_or_name(&alt))?;
            let members = self.data_members(&alt, true)?;
            let bindings: Vec<String> = members
                .iter()
                .map(|(m, _)| naming::field(&m.name))
                .collect();
            let doc = format!("`{}`", syntax::arg_syntax(&alt));
            if members.is_empty() {
                variants += &format!("{}\n    {variant},\n", indent_doc(&format!("{doc}.")));
            } else {
                all_unit = false;
                let types = join(members.iter().map(|(_, t)| t.rust()));
                variants += &format!(
                    "{}\n    {variant}({types}),\n",
                    indent_doc(&format!("{doc}."))
                );
            }
            let pattern = if bindings.is_empty() {
                format!("{name}::{variant}")
            } else {
                format!("{name}::{variant}({})", bindings.join(", "))
            };
            let exprs: Vec<E> = bindings.iter().map(|b| E::variant(b.clone())).collect();
            let mut body = Vec::new();
            self.write_alternative(&alt, &exprs, &mut body)?;
            arms.push(format!("{pattern} => {{\n{}\n}}", body.join("\n")));
            if self.contains_keys(&alt) {
                let mut keys = Vec::new();
                self.keys_alternative(&alt, &exprs, &mut keys)?;
                key_arms.push((pattern.clone(), keys.join("\n")));
            }
        }
        let derive = if all_unit {
            "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]"
        } else {
            "#[derive(Debug, Clone, PartialEq)]"
        };
        let doc = match shared {
            Some(doc) => doc_comment(doc),
            None => doc_comment(&format!(
                "The `{}` choice of [`{}`]: one value, so two alternatives can never be sent \
                 together.",
                syntax::arg_syntax(&Arg {
                    optional: false,
                    multiple: false,
                    token: None,
                    ..arg.clone()
                }),
                self.type_name
            )),
        };
        let mut code = format!("{doc}\n{derive}\n{vis}enum {name} {{\n{variants}}}\n\n");
        code += &format!(
            "impl {name} {{\n    {write_vis}fn write<W: ArgWriter + ?Sized>(&self, out: &mut W) {{\n        match self {{\n{}\n        }}\n    }}\n",
            arms.join(",\n")
        );
        if let [(pattern, body)] = key_arms.as_slice() {
            if arg.children().len() > 1 {
                code += &format!(
                    "\n    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {{\n        if let {pattern} = self {{\n{body}\n        }}\n    }}\n"
                );
            } else {
                code += &format!(
                    "\n    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {{\n        let {pattern} = self;\n{body}\n    }}\n"
                );
            }
        } else if !key_arms.is_empty() {
            let arms: Vec<String> = key_arms
                .iter()
                .map(|(p, b)| format!("{p} => {{\n{b}\n}}"))
                .collect();
            let rest = if key_arms.len() < arg.children().len() {
                ",\n_ => {}"
            } else {
                ""
            };
            code += &format!(
                "\n    fn for_each_key(&self, f: &mut dyn FnMut(&[u8])) {{\n        match self {{\n{}{rest}\n        }}\n    }}\n",
                arms.join(",\n")
            );
        }
        code += "}\n";
        Ok(code)
    }

    /// A private `write_<type>` function for an enum defined by hand
    /// elsewhere (its variants in spec order are `variants`).
    fn external_writer(
        &mut self,
        name: &str,
        variants: &[&str],
        arg: &Arg,
    ) -> Result<String, String> {
        let mut arms = Vec::new();
        for (alt, variant) in arg.children().iter().zip(variants) {
            let alt = Arg {
                optional: false,
                ..alt.clone()
            };
            let members = self.data_members(&alt, true)?;
            let bindings: Vec<String> = members
                .iter()
                .map(|(m, _)| naming::field(&m.name))
                .collect();
            let pattern = if bindings.is_empty() {
                format!("{name}::{variant}")
            } else {
                format!("{name}::{variant}({})", bindings.join(", "))
            };
            let exprs: Vec<E> = bindings.iter().map(|b| E::variant(b.clone())).collect();
            let mut body = Vec::new();
            self.write_alternative(&alt, &exprs, &mut body)?;
            arms.push(format!("{pattern} => {{\n{}\n}}", body.join("\n")));
        }
        Ok(format!(
            "{}\nfn {}<W: ArgWriter + ?Sized>(value: &{name}, out: &mut W) {{\n    match value {{\n{}\n    }}\n}}\n",
doc_comment(&format!(
                "Writes `{}` (a [`{name}`]).",
                syntax::arg_syntax(&Arg { optional: false, multiple: false, token: None, ..arg.clone() })
            )),
            external_fn(name),
            arms.join(",\n")
        ))
    }

    /// The statement writing enum value `e` of type `name`.
    fn write_enum(&self, name: &str, e: &E) -> String {
        if self.external.contains(name) {
            format!("{}({}, out);", external_fn(name), e.by_ref())
        } else {
            format!("{}.write(out);", e.code)
        }
    }

    // ------------------------------------------------------------ write

    /// Writes an alternative (its token, then its data from `exprs`).
    fn write_alternative(
        &mut self,
        alt: &Arg,
        exprs: &[E],
        out: &mut Vec<String>,
    ) -> Result<(), String> {
        match &alt.kind {
            ArgKind::PureToken => {
                out.push(token_line(alt.token.as_deref().unwrap_or_default()));
                Ok(())
            }
            ArgKind::Block(members) => {
                if let Some(t) = &alt.token {
                    out.push(token_line(t));
                }
                self.write_members(members, exprs, out)
            }
            _ => {
                if let Some(t) = &alt.token {
                    out.push(token_line(t));
                }
                self.write_one(alt, &exprs[0], out)
            }
        }
    }

    fn write_members(
        &mut self,
        members: &[Arg],
        exprs: &[E],
        out: &mut Vec<String>,
    ) -> Result<(), String> {
        let mut next = exprs.iter();
        for m in members {
            if self.full_ty(m, true)?.is_some() {
                let e = next.next().ok_or("block member without a value")?.clone();
                self.write_arg(m, &e, out)?;
            } else {
                self.write_arg(m, &E::top("()"), out)?;
            }
        }
        Ok(())
    }

    /// Writes `arg` (token, optional/multiple wrappers and value) from `e`.
    fn write_arg(&mut self, arg: &Arg, e: &E, out: &mut Vec<String>) -> Result<(), String> {
        if arg.kind == ArgKind::PureToken {
            let line = token_line(arg.token.as_deref().unwrap_or_default());
            if arg.optional {
                out.push(format!("if {} {{\n{line}\n}}", e.copied()));
            } else {
                out.push(line);
            }
            return Ok(());
        }
        let token = arg.token.clone();
        let tok = |out: &mut Vec<String>| {
            if let Some(t) = &token {
                out.push(token_line(t));
            }
        };
        let nested = self.one_ty(arg, true)?;
        if nested.is_none() {
            // A block of tokens (`NO ONE`).
            let mut inner = Vec::new();
            tok(&mut inner);
            self.write_members(arg.children(), &[], &mut inner)?;
            if arg.optional {
                out.push(format!("if {} {{\n{}\n}}", e.copied(), inner.join("\n")));
            } else {
                out.extend(inner);
            }
            return Ok(());
        }
        self.depth += 1;
        let x = binding(arg, self.depth);
        let result = (|| {
            if arg.multiple {
                let mut body = Vec::new();
                if arg.multiple_token {
                    tok(&mut body);
                }
                self.write_one(arg, &e.bind(&x), &mut body)?;
                let lp = format!("for {x} in {} {{\n{}\n}}", e.by_ref(), body.join("\n"));
                if arg.multiple_token || token.is_none() {
                    out.push(lp);
                } else if arg.optional {
                    let mut inner = Vec::new();
                    tok(&mut inner);
                    inner.push(lp);
                    out.push(format!(
                        "if !{}.is_empty() {{\n{}\n}}",
                        e.code,
                        inner.join("\n")
                    ));
                } else {
                    tok(out);
                    out.push(lp);
                }
            } else if arg.optional {
                let mut body = Vec::new();
                tok(&mut body);
                self.write_one(arg, &e.bind(&x), &mut body)?;
                out.push(format!(
                    "if let Some({x}) = {} {{\n{}\n}}",
                    e.by_ref(),
                    body.join("\n")
                ));
            } else {
                tok(out);
                self.write_one(arg, e, out)?;
            }
            Ok(())
        })();
        self.depth -= 1;
        result
    }

    /// Writes one value of `arg` (no token, no wrappers).
    fn write_one(&mut self, arg: &Arg, e: &E, out: &mut Vec<String>) -> Result<(), String> {
        match &arg.kind {
            ArgKind::OneOf(_) => {
                if let Some((yes, no)) = bool_tokens(arg) {
                    out.push(format!(
                        "if {} {{\n{}\n}} else {{\n{}\n}}",
                        e.copied(),
                        token_line(&yes),
                        token_line(&no)
                    ));
                } else {
                    let name = self.enum_for(arg, true)?;
                    out.push(self.write_enum(&name, e));
                }
            }
            ArgKind::Block(members) => {
                let count = self.data_members(arg, true)?.len();
                let exprs: Vec<E> = if count == 1 {
                    vec![e.clone()]
                } else {
                    (0..count).map(|i| e.field(i)).collect()
                };
                self.write_members(members, &exprs, out)?;
            }
            _ => {
                // Keys and data are generic at the top level and `Bytes` in
                // enums: both write through `ToRedisArgs`.
                let ty = self.one_ty(arg, e.nested)?.ok_or("leaf without a type")?;
                out.push(match ty {
                    Ty::String | Ty::LexBound => format!("out.write_arg({}.as_bytes());", e.code),
                    Ty::Secret => format!("out.write_arg({}.expose().as_bytes());", e.code),
                    Ty::I64 => format!("out.write_i64({});", e.copied()),
                    Ty::F64 => format!("out.write_f64({});", e.copied()),
                    Ty::U64 => format!("out.write_u64({});", e.copied()),
                    Ty::ScoreBound => format!("{}.write(out);", e.code),
                    Ty::Bytes => format!("out.write_arg({});", e.by_ref()),
                    _ => format!("{}.write_redis_args(out);", e.code),
                });
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------- keys

    fn contains_keys(&self, arg: &Arg) -> bool {
        arg.kind == ArgKind::Key
            || self.is_routing(arg)
            || arg.children().iter().any(|c| self.contains_keys(c))
    }

    fn keys_alternative(
        &mut self,
        alt: &Arg,
        exprs: &[E],
        out: &mut Vec<String>,
    ) -> Result<(), String> {
        match &alt.kind {
            ArgKind::Block(members) => self.keys_members(members, exprs, out),
            _ => self.keys_one(alt, &exprs[0], out),
        }
    }

    fn keys_members(
        &mut self,
        members: &[Arg],
        exprs: &[E],
        out: &mut Vec<String>,
    ) -> Result<(), String> {
        let mut next = exprs.iter();
        for m in members {
            if self.full_ty(m, true)?.is_some() {
                let e = next.next().ok_or("block member without a value")?.clone();
                if self.contains_keys(m) {
                    self.keys_arg(m, &e, out)?;
                }
            }
        }
        Ok(())
    }

    fn keys_arg(&mut self, arg: &Arg, e: &E, out: &mut Vec<String>) -> Result<(), String> {
        self.depth += 1;
        let x = binding(arg, self.depth);
        let result = (|| {
            if arg.multiple {
                let mut body = Vec::new();
                self.keys_one(arg, &e.bind(&x), &mut body)?;
                out.push(format!(
                    "for {x} in {} {{\n{}\n}}",
                    e.by_ref(),
                    body.join("\n")
                ));
            } else if arg.optional {
                let mut body = Vec::new();
                self.keys_one(arg, &e.bind(&x), &mut body)?;
                out.push(format!(
                    "if let Some({x}) = {} {{\n{}\n}}",
                    e.by_ref(),
                    body.join("\n")
                ));
            } else {
                self.keys_one(arg, e, out)?;
            }
            Ok(())
        })();
        self.depth -= 1;
        result
    }

    fn keys_one(&mut self, arg: &Arg, e: &E, out: &mut Vec<String>) -> Result<(), String> {
        match &arg.kind {
            ArgKind::Key if e.nested => out.push(format!("f({});", e.by_ref())),
            ArgKind::Key => out.push(format!("f({}.key_bytes());", e.code)),
            ArgKind::String if self.is_routing(arg) => {
                out.push(format!("f({}.as_bytes());", e.code))
            }
            ArgKind::OneOf(_) => out.push(format!("{}.for_each_key(f);", e.code)),
            ArgKind::Block(members) => {
                let count = self.data_members(arg, true)?.len();
                let exprs: Vec<E> = if count == 1 {
                    vec![e.clone()]
                } else {
                    (0..count).map(|i| e.field(i)).collect()
                };
                self.keys_members(members, &exprs, out)?;
            }
            _ => {}
        }
        Ok(())
    }

    // -------------------------------------------------------- top level

    fn top_level(&mut self) -> Result<(), String> {
        let items = flatten(&self.cmd.arguments);
        let required_oneofs: Vec<usize> = items
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.kind, ArgKind::OneOf(_)) && !a.optional && !a.multiple)
            .map(|(i, _)| i)
            .collect();
        let ctor_oneof = (required_oneofs.len() == 1).then(|| required_oneofs[0]);

        // Generic parameters: which are set only by optional arguments?
        let mut required_generics = Vec::new();
        let mut optional_generics = Vec::new();
        for (i, arg) in items.iter().enumerate() {
            if Some(i) == ctor_oneof || matches!(arg.kind, ArgKind::OneOf(_)) {
                continue; // enums hold concrete types
            }
            if let Some(t) = self.full_ty(arg, false)? {
                if arg.optional {
                    t.generics(&mut optional_generics);
                } else {
                    t.generics(&mut required_generics);
                }
            }
        }
        let mut order: Vec<String> = required_generics.clone();
        for g in &optional_generics {
            if !order.contains(g) {
                order.push(g.clone());
            }
        }
        // `K` first, then the others in order of appearance.
        order.sort_by_key(|g| g != "K");
        for g in order {
            let optional = !required_generics.contains(&g);
            let bound = if g == "K" { "RedisKey" } else { "SingleArg" };
            let default = if g == "K" { "String" } else { "Bytes" };
            self.plan.generics.push(Generic {
                name: g,
                bound: bound.into(),
                optional_default: optional.then(|| default.to_owned()),
            });
        }
        // Optional-only generics go last, so that they can have defaults.
        self.plan
            .generics
            .sort_by_key(|g| g.optional_default.is_some());

        let mut required: Vec<Param> = Vec::new();
        let mut inits: Vec<(String, String)> = Vec::new();
        let mut ctor_alternatives: Option<(usize, Arg, String)> = None;
        let mut i = 0;
        while i < items.len() {
            let arg = &items[i];
            let field = naming::field(&arg.name);
            // `numkeys`: the number of keys that follow.
            if arg.name == "numkeys" && arg.kind == ArgKind::Integer {
                if let Some(next) = items
                    .get(i + 1)
                    .filter(|n| n.kind == ArgKind::Key && n.multiple)
                {
                    let keys = field_name(next);
                    self.plan.write.push(Write::Line(format!(
                        "out.write_u64(self.{keys}.len() as u64);"
                    )));
                    i += 1;
                    continue;
                }
            }
            if let Some(flag) = self.plan.flag.filter(|f| f.arg == arg.name) {
                self.flag_option(arg, flag)?;
                i += 1;
                continue;
            }
            if Some(i) == ctor_oneof {
                let name = self.enum_for(arg, false)?;
                self.plan
                    .fields
                    .push((field.clone(), Ty::Named(name.clone())));
                let write = self.write_enum(&name, &E::top(format!("self.{field}")));
                self.plan.write.push(Write::Line(write));
                if self.contains_keys(arg) {
                    self.plan
                        .keys
                        .push(format!("self.{field}.for_each_key(f);"));
                }
                required.push(Param {
                    name: format!("\u{0}{i}"),
                    ty: Ty::Bool,
                });
                ctor_alternatives = Some((required.len() - 1, arg.clone(), name));
                i += 1;
                continue;
            }
            if arg.optional
                && !arg.multiple
                && matches!(arg.kind, ArgKind::OneOf(_))
                && bool_tokens(arg).is_none()
            {
                // Set by one method per alternative: the enum stays private.
                self.enum_for(arg, false)?;
            }
            let ty = self.full_ty(arg, false)?;
            let e = E::top(format!("self.{}", field_name(arg)));
            let mut write = Vec::new();
            self.write_arg(arg, &e, &mut write)?;
            self.plan.write.extend(write.into_iter().map(Write::Line));
            if self.contains_keys(arg) {
                let mut keys = Vec::new();
                self.keys_arg(arg, &e, &mut keys)?;
                self.plan.keys.extend(keys);
            }
            let Some(ty) = ty else {
                i += 1;
                continue; // a required token
            };
            let name = field_name(arg);
            self.plan.fields.push((name.clone(), ty.clone()));
            if !arg.optional {
                inits.push((name.clone(), ty.convert(&name)));
                required.push(Param { name, ty });
            } else {
                self.option_methods(arg, &name, &ty)?;
            }
            i += 1;
        }

        // Constructors.
        match ctor_alternatives {
            None => self.plan.ctors.push(Ctor {
                name: "new".into(),
                syntax: self.required_syntax(None),
                params: required,
                inits,
            }),
            Some((slot, oneof, enum_name)) => {
                for alt in oneof.children() {
                    let alt = Arg {
                        optional: false,
                        ..alt.clone()
                    };
                    let members = self.data_members(&alt, true)?;
                    let variant = naming::pascal(token_or_name(&alt))?;
                    let mut params = required.clone();
                    let alt_params: Vec<Param> = members
                        .iter()
                        .map(|(m, t)| Param {
                            name: naming::field(&m.name),
                            ty: t.clone(),
                        })
                        .collect();
                    let value = if alt_params.is_empty() {
                        format!("{enum_name}::{variant}")
                    } else {
                        format!(
                            "{enum_name}::{variant}({})",
                            join(alt_params.iter().map(|p| p.ty.convert(&p.name)))
                        )
                    };
                    params.splice(slot..=slot, alt_params);
                    let mut ctor_inits = inits.clone();
                    let field = naming::field(&oneof.name);
                    let pos = self
                        .plan
                        .fields
                        .iter()
                        .position(|(f, _)| *f == field)
                        .unwrap_or(0);
                    ctor_inits.push((field, value));
                    // Keep field order for readability.
                    ctor_inits.sort_by_key(|(f, _)| {
                        self.plan
                            .fields
                            .iter()
                            .position(|(g, _)| g == f)
                            .unwrap_or(pos)
                    });
                    let name = match catalogue::CONSTRUCTOR_NAMES
                        .iter()
                        .find(|(c, a, _)| *c == self.cmd.name && *a == alt.name)
                    {
                        Some((_, _, n)) => (*n).to_owned(),
                        None => naming::snake(token_or_name(&alt))?,
                    };
                    self.plan.ctors.push(Ctor {
                        name,
                        syntax: self.required_syntax(Some((&oneof, &alt))),
                        params,
                        inits: ctor_inits,
                    });
                }
            }
        }
        self.check_names()
    }

    /// Builder methods for an optional argument stored in `field` as `ty`.
    fn option_methods(&mut self, arg: &Arg, field: &str, ty: &Ty) -> Result<(), String> {
        let since = self.since_note(arg);
        let syntax = syntax::arg_syntax(arg);
        match (&arg.kind, ty) {
            (ArgKind::OneOf(_), Ty::Option(inner)) if self.plan.shared.contains(&inner.rust()) => {
                let name = naming::snake(arg.token.as_deref().unwrap_or(&arg.name))?;
                let p = Param {
                    name: naming::field(&arg.name),
                    ty: (**inner).clone(),
                };
                self.plan.methods.push(Method {
                    name,
                    doc: format!(
                        "Adds `{}`{}.",
                        required_syntax_of(arg),
                        since.unwrap_or_default()
                    ),
                    kind: MethodKind::Assign(vec![(field.to_owned(), format!("Some({})", p.name))]),
                    params: vec![p],
                });
            }
            (ArgKind::OneOf(alts), Ty::Option(inner)) if !matches!(**inner, Ty::Bool) => {
                let enum_name = inner.rust();
                let all = syntax::arg_syntax(&Arg {
                    optional: false,
                    token: None,
                    ..arg.clone()
                });
                let prefix = match &arg.token {
                    Some(t) => format!("{}_", naming::snake(t)?),
                    None => String::new(),
                };
                for alt in alts {
                    let alt = Arg {
                        optional: false,
                        ..alt.clone()
                    };
                    let members = self.data_members(&alt, true)?;
                    let variant = naming::pascal(token_or_name(&alt))?;
                    let params: Vec<Param> = members
                        .iter()
                        .map(|(m, t)| Param {
                            name: naming::field(&m.name),
                            ty: t.clone(),
                        })
                        .collect();
                    let value = if params.is_empty() {
                        format!("Some({enum_name}::{variant})")
                    } else {
                        format!(
                            "Some({enum_name}::{variant}({}))",
                            join(params.iter().map(|p| p.ty.convert(&p.name)))
                        )
                    };
                    let alt_syntax = match &arg.token {
                        Some(t) => format!("{t} {}", syntax::arg_syntax(&alt)),
                        None => syntax::arg_syntax(&alt),
                    };
                    let since = self.since_note(&alt).or_else(|| since.clone());
                    self.plan.methods.push(Method {
                        name: naming::ident(&format!(
                            "{prefix}{}",
                            naming::snake(token_or_name(&alt))?
                        )),
                        doc: format!(
                            "Adds `{alt_syntax}`{}: one of `{all}`, the last call wins.",
                            since.unwrap_or_default()
                        ),
                        params,
                        kind: MethodKind::Assign(vec![(field.to_owned(), value)]),
                    });
                }
            }
            (_, Ty::Bool) => {
                self.plan.methods.push(Method {
                    name: naming::snake(token_or_name(arg))?,
                    doc: format!(
                        "Adds `{}`{}.",
                        arg.token.as_deref().unwrap_or(&syntax),
                        since.unwrap_or_default()
                    ),
                    params: Vec::new(),
                    kind: MethodKind::Assign(vec![(field.to_owned(), "true".into())]),
                });
            }
            (_, Ty::Vec(item)) => {
                let name = naming::plural(&naming::snake(&arg.name)?);
                let mut generics = Vec::new();
                item.generics(&mut generics);
                let retype = generics.into_iter().find(|g| {
                    self.plan
                        .generics
                        .iter()
                        .any(|p| p.name == *g && p.optional_default.is_some())
                });
                let doc = if let Ty::Named(item) = &**item {
                    format!(
                        "Adds the repeated `{}` arguments, one [`{item}`] each{} (replacing values \
                         given before).",
                        arg.name,
                        since.clone().unwrap_or_default()
                    )
                } else {
                    format!(
                        "Adds `{}`{} (replacing values given before).",
                        required_syntax_of(arg),
                        since.unwrap_or_default()
                    )
                };
                let kind = match retype {
                    Some(generic) => MethodKind::Retype {
                        field: field.to_owned(),
                        bound: if generic == "K" {
                            "RedisKey".into()
                        } else {
                            "SingleArg".into()
                        },
                        generic,
                    },
                    None => MethodKind::Assign(vec![(field.to_owned(), ty.convert(&name))]),
                };
                self.plan.methods.push(Method {
                    name: name.clone(),
                    doc,
                    params: vec![Param {
                        name,
                        ty: ty.clone(),
                    }],
                    kind,
                });
            }
            (_, Ty::Option(inner)) => {
                let name = match (&arg.token, &arg.kind) {
                    (Some(t), _) if naming::is_word_token(t) => naming::snake(t)?,
                    (None, ArgKind::Block(members)) => {
                        match members.first().and_then(|m| m.token.as_deref()) {
                            Some(t) if naming::is_word_token(t) => naming::snake(t)?,
                            _ => naming::snake(&arg.name)?,
                        }
                    }
                    _ => naming::snake(&arg.name)?,
                };
                let (params, value) = if matches!(arg.kind, ArgKind::Block(_)) {
                    let members = self.data_members(arg, false)?;
                    let params: Vec<Param> = members
                        .iter()
                        .map(|(m, t)| Param {
                            name: naming::field(&m.name),
                            ty: t.clone(),
                        })
                        .collect();
                    let values = join(params.iter().map(|p| p.ty.convert(&p.name)));
                    let value = if params.len() == 1 {
                        format!("Some({values})")
                    } else {
                        format!("Some(({values}))")
                    };
                    (params, value)
                } else {
                    let p = Param {
                        name: naming::field(&arg.name),
                        ty: (**inner).clone(),
                    };
                    let value = format!("Some({})", p.ty.convert(&p.name));
                    (vec![p], value)
                };
                self.plan.methods.push(Method {
                    name,
                    doc: format!(
                        "Adds `{}`{}.",
                        required_syntax_of(arg),
                        since.unwrap_or_default()
                    ),
                    params,
                    kind: MethodKind::Assign(vec![(field.to_owned(), value)]),
                });
            }
            _ => {
                return Err(format!(
                    "{}: no builder for optional {}",
                    self.cmd.name, arg.name
                ))
            }
        }
        Ok(())
    }

    /// The option that switches the reply type (a const parameter).
    fn flag_option(
        &mut self,
        arg: &Arg,
        flag: &'static catalogue::ReplyFlag,
    ) -> Result<(), String> {
        let since = self.since_note(arg).unwrap_or_default();
        if arg.kind == ArgKind::PureToken {
            let token = arg.token.clone().unwrap_or_default();
            self.plan.write.push(Write::Flag(token_line(&token)));
            self.plan.methods.push(Method {
                name: naming::snake(&token)?,
                doc: format!(
                    "Adds `{token}`{since}: the reply becomes `{}`.",
                    flag.flagged
                ),
                params: Vec::new(),
                kind: MethodKind::Flag(Vec::new()),
            });
        } else {
            let field = field_name(arg);
            let ty = self.full_ty(arg, false)?.ok_or("flag without a value")?;
            let e = E::top(format!("self.{field}"));
            let mut write = Vec::new();
            self.write_arg(arg, &e, &mut write)?;
            self.plan.write.extend(write.into_iter().map(Write::Line));
            if self.contains_keys(arg) {
                let mut keys = Vec::new();
                self.keys_arg(arg, &e, &mut keys)?;
                self.plan.keys.extend(keys);
            }
            self.plan.fields.push((field.clone(), ty.clone()));
            let Ty::Option(inner) = &ty else {
                return Err("flag argument must be optional".into());
            };
            let p = Param {
                name: field.clone(),
                ty: (**inner).clone(),
            };
            let token = arg.token.clone().unwrap_or_else(|| arg.name.clone());
            self.plan.methods.push(Method {
                name: naming::snake(&token)?,
                doc: format!(
                    "Adds `{}`{since}: the reply becomes `{}`.",
                    syntax::arg_syntax(&Arg {
                        optional: false,
                        ..arg.clone()
                    }),
                    flag.flagged
                ),
                params: vec![p.clone()],
                kind: MethodKind::Flag(vec![(field, format!("Some({})", p.ty.convert(&p.name)))]),
            });
        }
        Ok(())
    }

    /// " (Redis x.y.z+)" when the argument is newer than the command.
    fn since_note(&self, arg: &Arg) -> Option<String> {
        let since = arg.since.as_deref()?;
        (version(since) > version(&self.cmd.since)).then(|| format!(" (Redis {since}+)"))
    }

    /// The syntax a constructor builds: the name and the required
    /// arguments, with `alt` chosen for the `oneof`.
    fn required_syntax(&self, choice: Option<(&Arg, &Arg)>) -> String {
        let mut out = self.cmd.name.clone();
        for arg in flatten(&self.cmd.arguments) {
            if arg.optional || arg.name == "numkeys" {
                continue;
            }
            out.push(' ');
            match choice {
                Some((oneof, alt)) if oneof.name == arg.name => {
                    out.push_str(&syntax::arg_syntax(alt))
                }
                _ => out.push_str(&syntax::arg_syntax(&arg)),
            }
        }
        out
    }

    /// Method and constructor names must not collide.
    fn check_names(&self) -> Result<(), String> {
        let mut seen = BTreeSet::new();
        for name in self
            .plan
            .ctors
            .iter()
            .map(|c| &c.name)
            .chain(self.plan.methods.iter().map(|m| &m.name))
        {
            if !seen.insert(name) {
                return Err(format!(
                    "{}: two associated items named `{name}`: add a name to xtask/src/catalogue.rs",
                    self.cmd.name
                ));
            }
        }
        Ok(())
    }
}

/// The field (and parameter) name of a top-level argument: plural when
/// repeated.
fn field_name(arg: &Arg) -> String {
    if let (ArgKind::PureToken, Some(token)) = (&arg.kind, &arg.token) {
        if naming::is_word_token(token) {
            // `[ALPHA]` is named `sorting` in the spec: the token says more.
            return naming::snake(token).unwrap_or_else(|_| naming::field(&arg.name));
        }
    }
    let base = naming::field(&arg.name);
    if arg.multiple {
        naming::ident(&naming::plural(&base))
    } else {
        base
    }
}

/// `text` as `///` lines indented for an enum variant.
fn indent_doc(text: &str) -> String {
    doc_comment(text)
        .lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The name bound to one value of `arg` in a loop or `if let` (the
/// argument's own name; nested levels get their depth appended, so an outer
/// binding is never shadowed by a namesake).
fn binding(arg: &Arg, depth: usize) -> String {
    let name = naming::field(&arg.name);
    let name = if depth > 1 {
        format!("{name}{depth}")
    } else {
        name
    };
    match name.as_str() {
        "out" | "f" | "self_" => format!("{name}_value"),
        _ => name,
    }
}

/// `text` as `///` lines.
fn doc_comment(text: &str) -> String {
    crate::emit::wrap(text)
        .iter()
        .map(|l| format!("/// {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The syntax of an optional argument without its brackets.
fn required_syntax_of(arg: &Arg) -> String {
    syntax::arg_syntax(&Arg {
        optional: false,
        ..arg.clone()
    })
}

/// `GeoShape` -> `write_geo_shape`.
fn external_fn(name: &str) -> String {
    let mut out = String::from("write");
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

fn token_line(token: &str) -> String {
    if token == "\"\"" {
        // The spec's `""` is an empty argument.
        "out.write_arg(b\"\");".to_owned()
    } else {
        format!("out.write_arg(b{token:?});")
    }
}
