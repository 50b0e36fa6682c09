//! Checks run after parsing and before any code is generated: attributes
//! that do not belong to this derive, combinations that conflict, shapes that
//! cannot be mapped. Each error is spanned at the attribute or field at
//! fault, and all of them are reported together.

use std::collections::BTreeMap;

use proc_macro2::Span;

use super::ast::{self, Container, Data, Field, Style};
use super::{Ctxt, Derive};

pub fn check(cx: &Ctxt, cont: &Container, derive: Derive) {
    match derive {
        Derive::Command => check_command(cx, cont),
        Derive::ToRedisArgs | Derive::FromRedisValue => check_data(cx, cont, derive),
    }
}

/// `ToRedisArgs` / `FromRedisValue`.
fn check_data(cx: &Ctxt, cont: &Container, derive: Derive) {
    let attrs = &cont.attrs;
    for (span, name) in [
        (attrs.name.as_ref().map(|a| a.span), "name"),
        (attrs.response.as_ref().map(|a| a.span), "response"),
        (attrs.read_only, "read_only"),
    ] {
        if let Some(span) = span {
            cx.error_at(span, only_for_command(name, derive));
        }
    }

    if attrs.json.is_some() {
        // The whole value goes through serde: our other attributes would be
        // silently ignored, so they are errors.
        if let Some(rename_all) = &attrs.rename_all {
            cx.error_at(
                rename_all.span,
                "`rename_all` has no effect on a `#[redis(json)]` type: use serde's own attributes",
            );
        }
        for field in cont.all_fields() {
            if let Some(span) = field_attr_span(&field.attrs) {
                cx.error_at(
                    span,
                    "field attributes have no effect on a `#[redis(json)]` type",
                );
            }
        }
        if let Data::Enum(variants) = &cont.data {
            for variant in variants {
                if let Some(rename) = &variant.attrs.rename {
                    cx.error_at(
                        rename.span,
                        "variant attributes have no effect on a `#[redis(json)]` type",
                    );
                }
            }
        }
        return;
    }

    match &cont.data {
        Data::Enum(variants) => {
            for variant in variants {
                if variant.style != Style::Unit {
                    cx.error_spanned_by(
                        &variant.original.fields,
                        format!(
                            "derive({derive}) supports enums of unit variants only (stored as \
                             their names); variant `{}` has data. Store the enum as JSON with \
                             `#[redis(json)]` on the enum",
                            variant.ident
                        ),
                    );
                }
            }
            let mut seen = BTreeMap::new();
            for variant in variants {
                if let Some(first) = seen.insert(variant.name.clone(), &variant.ident) {
                    let span = match &variant.attrs.rename {
                        Some(rename) => rename.span,
                        None => variant.ident.span(),
                    };
                    cx.error_at(
                        span,
                        format!(
                            "variant name `{}` is already used by variant `{first}`",
                            variant.name
                        ),
                    );
                    seen.insert(variant.name.clone(), first);
                }
            }
        }
        Data::Struct(style, fields) => {
            if *style != Style::Struct {
                if let Some(rename_all) = &attrs.rename_all {
                    cx.error_at(
                        rename_all.span,
                        "`rename_all` needs a struct with named fields or an enum",
                    );
                }
            }
            for field in fields {
                check_data_field(cx, field, *style, derive);
            }
            if *style == Style::Struct {
                check_duplicate_names(cx, fields);
            }
        }
    }
}

fn check_data_field(cx: &Ctxt, field: &Field, style: Style, derive: Derive) {
    let attrs = &field.attrs;
    if let Some(key) = attrs.key {
        cx.error_at(key, only_for_command("key", derive));
    }
    if let Some(token) = &attrs.token {
        cx.error_at(token.span, only_for_command("token", derive));
    }

    if style != Style::Struct {
        if let Some(rename) = &attrs.rename {
            cx.error_at(rename.span, "`rename` needs a named field");
        }
        if let Some(default) = &attrs.default {
            cx.error_at(
                default.span,
                "`default` needs a named field: the elements of a tuple struct are all present",
            );
        }
        if let Some(flatten) = attrs.flatten {
            cx.error_at(flatten, "`flatten` needs a named field");
        }
        if style == Style::Newtype {
            if let Some(skip) = attrs.skip {
                cx.error_at(skip, "the only field of a newtype cannot be skipped");
            }
        }
    }

    if attrs.skip.is_some() {
        if let Some(rename) = &attrs.rename {
            conflict(cx, rename.span, "skip", "rename");
        }
        if let Some(flatten) = attrs.flatten {
            conflict(cx, flatten, "skip", "flatten");
        }
        if let Some(json) = attrs.json {
            conflict(cx, json, "skip", "json");
        }
    }

    if attrs.flatten.is_some() && style == Style::Struct {
        if let Some(rename) = &attrs.rename {
            conflict(cx, rename.span, "flatten", "rename");
        }
        if let Some(default) = &attrs.default {
            conflict(cx, default.span, "flatten", "default");
        }
        if let Some(json) = attrs.json {
            conflict(cx, json, "flatten", "json");
        }
        if attrs.skip.is_none() {
            if let Some(what) = ast::not_flattenable(field.ty) {
                cx.error_spanned_by(
                    field.ty,
                    format!(
                        "`flatten` needs a struct with named fields that derives {derive}, \
                         not {what}"
                    ),
                );
            }
        }
    }
}

/// Two fields stored under the same name would overwrite each other.
fn check_duplicate_names(cx: &Ctxt, fields: &[Field]) {
    let mut seen = BTreeMap::new();
    for field in fields {
        if field.attrs.skipped() || field.attrs.flatten.is_some() {
            continue;
        }
        if let Some(first) = seen.insert(field.name.clone(), &field.member) {
            let span = match &field.attrs.rename {
                Some(rename) => rename.span,
                None => syn::spanned::Spanned::span(&field.member),
            };
            cx.error_at(
                span,
                format!(
                    "field name `{}` is already used by field `{}`",
                    field.name,
                    member_name(first)
                ),
            );
            seen.insert(field.name.clone(), first);
        }
    }
}

/// `Command`.
fn check_command(cx: &Ctxt, cont: &Container) {
    let attrs = &cont.attrs;
    let fields = match &cont.data {
        Data::Struct(_, fields) => fields,
        Data::Enum(_) => {
            let enum_token = match &cont.original.data {
                syn::Data::Enum(data) => data.enum_token,
                _ => unreachable!(),
            };
            cx.error_spanned_by(
                enum_token,
                "derive(Command) needs a struct: a command is a struct whose fields are its \
                 arguments",
            );
            return;
        }
    };

    match &attrs.name {
        None => cx.error_spanned_by(
            &cont.ident,
            "derive(Command) needs the command's name: add `#[redis(name = \"...\")]`",
        ),
        Some(name) if ast::words(&name.value).is_empty() => {
            cx.error_spanned_by(&name.value, "the command name is empty")
        }
        Some(_) => {}
    }
    if attrs.response.is_none() {
        cx.error_spanned_by(
            &cont.ident,
            "derive(Command) needs the reply's type: add `#[redis(response = Type)]`",
        );
    }
    if let Some(rename_all) = &attrs.rename_all {
        cx.error_at(rename_all.span, not_for_command("rename_all"));
    }
    if let Some(json) = attrs.json {
        cx.error_at(json, not_for_command("json"));
    }

    for field in fields {
        let attrs = &field.attrs;
        if let Some(rename) = &attrs.rename {
            cx.error_at(rename.span, not_for_command("rename"));
        }
        if let Some(default) = &attrs.default {
            cx.error_at(default.span, not_for_command("default"));
        }
        if let Some(flatten) = attrs.flatten {
            cx.error_at(flatten, not_for_command("flatten"));
        }
        if let Some(key) = attrs.key {
            if let Some(token) = &attrs.token {
                conflict(cx, token.span, "key", "token");
            }
            if attrs.skip.is_some() {
                conflict(cx, key, "skip", "key");
            }
            if let Some(json) = attrs.json {
                conflict(cx, json, "key", "json");
            }
        }
        if let (Some(token), None) = (&attrs.token, attrs.key) {
            if let Some(skip) = attrs.skip {
                conflict(cx, skip, "token", "skip");
            }
            if ast::words(&token.value).is_empty() {
                cx.error_spanned_by(&token.value, "the token is empty");
            }
            let is_bool = ast::is_bool(field.ty);
            if is_bool {
                if let Some(json) = attrs.json {
                    conflict(cx, json, "token", "json on a `bool` flag");
                }
            } else if ast::option_inner(field.ty).is_none() {
                cx.error_spanned_by(
                    field.ty,
                    format!(
                        "`#[redis(token = {:?})]` needs a `bool` field (the token is written when \
                         true) or an `Option<_>` field (the token and the value are written when \
                         present)",
                        token.value.value()
                    ),
                );
            }
        }
        if let (Some(_), Some(json)) = (attrs.skip, attrs.json) {
            conflict(cx, json, "skip", "json");
        }
    }
}

/// The span of the first attribute given to a field, if any.
fn field_attr_span(attrs: &super::attr::Field) -> Option<Span> {
    [
        attrs.rename.as_ref().map(|a| a.span),
        attrs.skip,
        attrs.default.as_ref().map(|a| a.span),
        attrs.flatten,
        attrs.json,
        attrs.key,
        attrs.token.as_ref().map(|a| a.span),
    ]
    .into_iter()
    .flatten()
    .next()
}

fn conflict(cx: &Ctxt, span: Span, first: &str, second: &str) {
    cx.error_at(
        span,
        format!("`{first}` and `{second}` cannot be used on the same field"),
    );
}

fn only_for_command(name: &str, derive: Derive) -> String {
    format!("`{name}` is an attribute of derive(Command), not of derive({derive})")
}

fn not_for_command(name: &str) -> String {
    format!("`{name}` is not supported by derive(Command)")
}

fn member_name(member: &syn::Member) -> String {
    match member {
        syn::Member::Named(ident) => ident.to_string(),
        syn::Member::Unnamed(index) => index.index.to_string(),
    }
}
