//! Parsing of `#[redis(...)]` attributes into plain data.
//!
//! This module only reads what is written and reports what cannot be read
//! (unknown names, values of the wrong kind, duplicates). Whether a
//! combination makes sense for a given derive is decided in `check.rs`.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::punctuated::Punctuated;
use syn::Token;

use super::case::RenameRule;
use super::Ctxt;

/// Container attributes, accepted on the struct or enum.
const CONTAINER_ATTRS: &[&str] = &[
    "crate",
    "rename_all",
    "json",
    "bound",
    "name",
    "response",
    "read_only",
];
/// Field attributes.
const FIELD_ATTRS: &[&str] = &[
    "rename", "skip", "default", "flatten", "json", "key", "token",
];
/// Variant attributes.
const VARIANT_ATTRS: &[&str] = &["rename"];

/// A parsed attribute value with the span of the attribute's name, for
/// errors about the attribute as a whole (conflicts, misplacement).
#[derive(Clone)]
pub struct Spanned<T> {
    pub span: Span,
    pub value: T,
}

/// `#[redis(...)]` on the struct or enum.
#[derive(Default)]
pub struct Container {
    /// `crate = "path"`: where the library is.
    pub krate: Option<Spanned<syn::Path>>,
    /// `rename_all = "..."`.
    pub rename_all: Option<Spanned<RenameRule>>,
    /// `json`: the whole value is one JSON string.
    pub json: Option<Span>,
    /// `bound = "T: Trait, ..."`: replaces the inferred bounds.
    pub bound: Option<Spanned<Vec<syn::WherePredicate>>>,
    /// `name = "CLIENT NO-EVICT"` (Command).
    pub name: Option<Spanned<syn::LitStr>>,
    /// `response = Type` (Command).
    pub response: Option<Spanned<syn::Type>>,
    /// `read_only` (Command).
    pub read_only: Option<Span>,
}

/// `#[redis(...)]` on a field.
#[derive(Default)]
pub struct Field {
    /// `rename = "..."`.
    pub rename: Option<Spanned<String>>,
    /// `skip`: not written, filled from its default on read.
    pub skip: Option<Span>,
    /// `default` or `default = "path"`: used when the field is missing.
    pub default: Option<Spanned<Default>>,
    /// `flatten`: a nested struct's fields, inline.
    pub flatten: Option<Span>,
    /// `json`: the value is stored as a JSON string.
    pub json: Option<Span>,
    /// `key` (Command): the field names a key.
    pub key: Option<Span>,
    /// `token = "NX"` (Command): a flag or a named option.
    pub token: Option<Spanned<syn::LitStr>>,
}

/// `#[redis(...)]` on an enum variant.
#[derive(Default)]
pub struct Variant {
    /// `rename = "..."`.
    pub rename: Option<Spanned<String>>,
}

/// Where a missing field's value comes from.
#[derive(Clone)]
pub enum Default {
    /// `Default::default()`.
    Default,
    /// A function called with no arguments.
    Path(syn::ExprPath),
}

impl Container {
    pub fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut out = Container::default();
        for_each_redis_meta(cx, attrs, |meta, name| {
            let span = meta.path.span();
            match name.as_str() {
                "crate" => {
                    if let Some(lit) = lit_str(cx, &meta, "crate", "crate = \"path\"")? {
                        match lit.parse::<syn::Path>() {
                            Ok(path) => set(cx, &mut out.krate, "crate", span, path),
                            Err(_) => cx.error_spanned_by(
                                &lit,
                                format!("`crate` expects a path, found {:?}", lit.value()),
                            ),
                        }
                    }
                }
                "rename_all" => {
                    let hint = "rename_all = \"snake_case\"";
                    if let Some(lit) = lit_str(cx, &meta, "rename_all", hint)? {
                        match RenameRule::from_str(&lit.value()) {
                            Ok(rule) => set(cx, &mut out.rename_all, "rename_all", span, rule),
                            Err(err) => cx.error_spanned_by(&lit, err),
                        }
                    }
                }
                "json" => flag(cx, &meta, &mut out.json, "json")?,
                "bound" => {
                    if let Some(lit) = lit_str(cx, &meta, "bound", "bound = \"T: Trait\"")? {
                        let parser = Punctuated::<syn::WherePredicate, Token![,]>::parse_terminated;
                        match lit.parse_with(parser) {
                            Ok(preds) => set(
                                cx,
                                &mut out.bound,
                                "bound",
                                span,
                                preds.into_iter().collect(),
                            ),
                            Err(err) => cx.error_spanned_by(
                                &lit,
                                format!("`bound` expects where-clause predicates: {err}"),
                            ),
                        }
                    }
                }
                "name" => {
                    if let Some(lit) = lit_str(cx, &meta, "name", "name = \"JSON.GET\"")? {
                        set(cx, &mut out.name, "name", span, lit);
                    }
                }
                "response" => {
                    if let Some(ty) = type_value(cx, &meta)? {
                        set(cx, &mut out.response, "response", span, ty);
                    }
                }
                "read_only" => flag(cx, &meta, &mut out.read_only, "read_only")?,
                _ => unknown(cx, &meta, "container", &name, CONTAINER_ATTRS)?,
            }
            Ok(())
        });
        out
    }

    /// The path of the library in generated code.
    pub fn crate_path(&self) -> TokenStream {
        match &self.krate {
            Some(path) => path.value.to_token_stream(),
            None => quote::quote!(::redis_typed),
        }
    }
}

impl Field {
    pub fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut out = Field::default();
        for_each_redis_meta(cx, attrs, |meta, name| {
            let span = meta.path.span();
            match name.as_str() {
                "rename" => {
                    if let Some(lit) = lit_str(cx, &meta, "rename", "rename = \"name\"")? {
                        set(cx, &mut out.rename, "rename", span, lit.value());
                    }
                }
                "skip" => flag(cx, &meta, &mut out.skip, "skip")?,
                "default" => {
                    if meta.input.peek(Token![=]) {
                        let hint = "default = \"path::to::function\"";
                        if let Some(lit) = lit_str(cx, &meta, "default", hint)? {
                            match lit.parse::<syn::ExprPath>() {
                                Ok(path) => {
                                    set(cx, &mut out.default, "default", span, Default::Path(path))
                                }
                                Err(_) => cx.error_spanned_by(
                                    &lit,
                                    format!(
                                        "`default` expects the path of a function, found {:?}",
                                        lit.value()
                                    ),
                                ),
                            }
                        }
                    } else {
                        set(cx, &mut out.default, "default", span, Default::Default);
                    }
                }
                "flatten" => flag(cx, &meta, &mut out.flatten, "flatten")?,
                "json" => flag(cx, &meta, &mut out.json, "json")?,
                "key" => flag(cx, &meta, &mut out.key, "key")?,
                "token" => {
                    if let Some(lit) = lit_str(cx, &meta, "token", "token = \"NX\"")? {
                        set(cx, &mut out.token, "token", span, lit);
                    }
                }
                _ => unknown(cx, &meta, "field", &name, FIELD_ATTRS)?,
            }
            Ok(())
        });
        out
    }

    /// True when the field takes no part in reading or writing.
    pub fn skipped(&self) -> bool {
        self.skip.is_some()
    }
}

impl Variant {
    pub fn from_ast(cx: &Ctxt, attrs: &[syn::Attribute]) -> Self {
        let mut out = Variant::default();
        for_each_redis_meta(cx, attrs, |meta, name| {
            let span = meta.path.span();
            match name.as_str() {
                "rename" => {
                    if let Some(lit) = lit_str(cx, &meta, "rename", "rename = \"name\"")? {
                        set(cx, &mut out.rename, "rename", span, lit.value());
                    }
                }
                _ => unknown(cx, &meta, "variant", &name, VARIANT_ATTRS)?,
            }
            Ok(())
        });
        out
    }
}

/// Calls `f` for each item of each `#[redis(...)]` attribute, with the
/// item's name. An error returned by `f` (or by syn) ends that attribute
/// only: the others are still read.
fn for_each_redis_meta(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    mut f: impl FnMut(ParseNestedMeta, String) -> syn::Result<()>,
) {
    for attr in attrs {
        if !attr.path().is_ident("redis") {
            continue;
        }
        if let syn::Meta::List(list) = &attr.meta {
            if list.tokens.is_empty() {
                continue;
            }
        }
        let result = attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(|ident| ident.to_string())
                .unwrap_or_else(|| meta.path.to_token_stream().to_string().replace(' ', ""));
            f(meta, name)
        });
        if let Err(err) = result {
            cx.syn_error(err);
        }
    }
}

/// Stores an attribute's value, reporting a second occurrence.
fn set<T>(cx: &Ctxt, slot: &mut Option<Spanned<T>>, name: &str, span: Span, value: T) {
    if slot.is_some() {
        cx.error_at(span, format!("duplicate redis attribute `{name}`"));
    } else {
        *slot = Some(Spanned { span, value });
    }
}

/// A flag attribute (`skip`): it takes no value.
fn flag(cx: &Ctxt, meta: &ParseNestedMeta, slot: &mut Option<Span>, name: &str) -> syn::Result<()> {
    let span = meta.path.span();
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        let value = skip_value(meta.input)?;
        cx.error_spanned_by(
            value,
            format!("`{name}` takes no value: write `#[redis({name})]`"),
        );
    } else if slot.is_some() {
        cx.error_at(span, format!("duplicate redis attribute `{name}`"));
    } else {
        *slot = Some(span);
    }
    Ok(())
}

/// The string literal after `name =`, or `None` (error reported) when the
/// value is missing or is not a string.
fn lit_str(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    name: &str,
    hint: &str,
) -> syn::Result<Option<syn::LitStr>> {
    if !meta.input.peek(Token![=]) {
        let rest = skip_value(meta.input)?;
        let msg = format!("`{name}` expects a string literal: write `#[redis({hint})]`");
        if rest.is_empty() {
            cx.error_spanned_by(&meta.path, msg);
        } else {
            cx.error_spanned_by(rest, msg);
        }
        return Ok(None);
    }
    let value = meta.value()?;
    if value.peek(syn::LitStr) {
        let lit: syn::LitStr = value.parse()?;
        return Ok(Some(lit));
    }
    let found = skip_value(value)?;
    cx.error_spanned_by(
        &found,
        format!("`{name}` expects a string literal: write `#[redis({hint})]`"),
    );
    Ok(None)
}

/// A type after `name =`, written bare (`response = Option<String>`) or in
/// a string (`response = "Option<String>"`).
fn type_value(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<syn::Type>> {
    if !meta.input.peek(Token![=]) {
        cx.error_spanned_by(
            &meta.path,
            "`response` expects a type: write `#[redis(response = Type)]`",
        );
        let _ = skip_value(meta.input)?;
        return Ok(None);
    }
    let value = meta.value()?;
    if value.peek(syn::LitStr) {
        let lit: syn::LitStr = value.parse()?;
        return match lit.parse::<syn::Type>() {
            Ok(ty) => Ok(Some(ty)),
            Err(_) => {
                cx.error_spanned_by(&lit, "`response` expects a type");
                Ok(None)
            }
        };
    }
    Ok(Some(value.parse::<syn::Type>()?))
}

/// Reports an unknown attribute and skips its value, if any.
fn unknown(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    place: &str,
    name: &str,
    known: &[&str],
) -> syn::Result<()> {
    let list = known
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    cx.error_spanned_by(
        &meta.path,
        format!("unknown redis {place} attribute `{name}`; expected one of {list}"),
    );
    let _ = skip_value(meta.input)?;
    Ok(())
}

/// Consumes `= value` or `(...)` up to the next top-level comma, returning
/// the tokens consumed.
fn skip_value(input: ParseStream) -> syn::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
    }
    while !input.is_empty() && !input.peek(Token![,]) {
        let tt: proc_macro2::TokenTree = input.parse()?;
        tokens.extend([tt]);
    }
    Ok(tokens)
}

trait PathSpan {
    fn span(&self) -> Span;
}

impl PathSpan for syn::Path {
    fn span(&self) -> Span {
        match self.get_ident() {
            Some(ident) => ident.span(),
            None => syn::spanned::Spanned::span(self),
        }
    }
}
