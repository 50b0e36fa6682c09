//! Derive macros for `redis-typed`: [`ToRedisArgs`](derive@ToRedisArgs),
//! [`FromRedisValue`](derive@FromRedisValue) and [`Command`](derive@Command).
//!
//! Use them through `redis_typed`, which re-exports them behind its default
//! `derive` feature (as serde does), so one dependency is enough:
//!
//! ```ignore
//! use redis_typed::commands::{HGetAll, HSet};
//! use redis_typed::{FromRedisValue, ToRedisArgs};
//!
//! #[derive(ToRedisArgs, FromRedisValue)]
//! struct User {
//!     name: String,
//!     age: u32,
//!     email: Option<String>,
//! }
//!
//! client.send(HSet::new("user:1", &user)).await?;
//! let user: User = client.send(HGetAll::<User>::new("user:1")).await?;
//! ```
//!
//! # How types map
//!
//! | Rust type | `ToRedisArgs` writes | `FromRedisValue` reads |
//! |---|---|---|
//! | struct with named fields | `name value` for each field, in order; a `None` field writes nothing at all | a RESP3 map, a RESP2 flat `name value ...` array or an array of `[name, value]` pairs (nil: no fields), in one pass; unknown names are ignored; a missing `Option` field is `None`; a missing required field is an error naming the struct and the field |
//! | newtype `struct Id(u64)` | the inner value (transparent) | the inner value |
//! | tuple struct | each field's arguments, in order | an array of exactly as many elements |
//! | unit struct | nothing | any reply but an error |
//! | enum of unit variants | the variant's name | a string naming a variant |
//! | `#[redis(json)]` type (any shape) | one JSON string | a JSON string |
//!
//! A hash field's value must write exactly one argument (the library's
//! `SingleArg`: strings, bytes, numbers, `bool`), or names and values would
//! no longer pair up: a `Vec` field does not compile. Store such values with
//! `#[redis(json)]`, or inline a struct's fields with `#[redis(flatten)]`.
//! Derived unit-variant enums, `json` types and newtypes over a single
//! argument implement `SingleArg` themselves, so they work as field values
//! and as command values (`Set::new("k", Status::Active)`).
//!
//! `Option<T>` is recognised by its spelling (`Option`, `std::option::Option`,
//! `core::option::Option`), as derives must: do not name a type of your own
//! `Option`.
//!
//! # Attributes
//!
//! On a struct or enum:
//!
//! | attribute | effect |
//! |---|---|
//! | `#[redis(rename_all = "...")]` | renames every field (structs) or variant (enums): `"lowercase"`, `"UPPERCASE"`, `"PascalCase"`, `"camelCase"`, `"snake_case"`, `"SCREAMING_SNAKE_CASE"`, `"kebab-case"`, `"SCREAMING-KEBAB-CASE"` |
//! | `#[redis(json)]` | the whole value is one JSON string, through serde (needs the library's `json` feature and `Serialize` / `Deserialize` on the type); any shape, enums with data included |
//! | `#[redis(crate = "path")]` | where the library is, when the dependency is renamed (default `::redis_typed`) |
//! | `#[redis(bound = "T: Trait, ...")]` | replaces the inferred bounds of the impl |
//!
//! On a field:
//!
//! | attribute | effect |
//! |---|---|
//! | `#[redis(rename = "name")]` | the name stored in Redis |
//! | `#[redis(skip)]` | not written; filled from `Default` (or `default = "path"`) on read |
//! | `#[redis(default)]` | when missing, `Default::default()` instead of an error |
//! | `#[redis(default = "path")]` | when missing, `path()` |
//! | `#[redis(flatten)]` | a struct with named fields, itself derived, whose fields are written inline and read from the same map |
//! | `#[redis(json)]` | the value is one JSON string (needs the `json` feature) |
//!
//! On a variant: `#[redis(rename = "name")]`.
//!
//! # Commands
//!
//! `#[derive(Command)]` turns a struct into a command: its name, then its
//! fields in order.
//!
//! | attribute | effect |
//! |---|---|
//! | `#[redis(name = "JSON.GET")]` (struct, required) | the command's name; a space separates a subcommand (`"CLIENT NO-EVICT"` is two arguments) |
//! | `#[redis(response = Type)]` (struct, required) | the type the reply decodes into |
//! | `#[redis(read_only)]` (struct) | the command never writes (replicas may serve it) |
//! | `#[redis(key)]` (field) | the field names a key, for cluster routing; its type must be a `RedisKey`, checked at the field |
//! | `#[redis(token = "NX")]` on a `bool` | writes the token when `true` |
//! | `#[redis(token = "EX")]` on an `Option<T>` | writes the token then the value when `Some` |
//! | `#[redis(skip)]` (field) | not written |
//! | `#[redis(json)]` (field) | the value is written as one JSON string |
//!
//! ```ignore
//! /// `JSON.GET key [INDENT indent] [path ...]`
//! #[derive(Command)]
//! #[redis(name = "JSON.GET", response = Option<String>, read_only)]
//! struct JsonGet<'a> {
//!     #[redis(key)]
//!     key: &'a str,
//!     #[redis(token = "INDENT")]
//!     indent: Option<&'a str>,
//!     paths: Vec<&'a str>,
//! }
//! ```
//!
//! # Generic types
//!
//! Bounds are inferred the way serde infers them: a type parameter used in
//! a field that is written gets the trait that field needs (`T: SingleArg`
//! for a hash field's value, `T: ToRedisArgs` for a tuple element or a
//! command argument, `K: RedisKey` for a key, `T: Serialize` for a `json`
//! field), one used in a field that is read gets `T: FromRedisValue` (and
//! `T: Default` when skipped or defaulted). Parameters used only in skipped
//! fields or in `PhantomData` get no bound. `#[redis(bound = "...")]`
//! replaces the inference when it guesses wrong.
//!
//! # Compile-time errors
//!
//! Attributes are parsed and checked before any code is generated, and
//! every problem is reported at once, each at the attribute or field at
//! fault: unknown attributes, values of the wrong kind, conflicting
//! attributes (`skip` with `rename`, `key` with `token`...), unions, enums
//! with data (unless `json`), commands without a name or response type,
//! a `token` on a field that is neither `bool` nor `Option`, `flatten` on a
//! type that cannot be a derived struct, two fields or variants with the same
//! name after renaming. The compile-fail tests in the workspace's
//! `tests/ui/` pin these messages.
//!
//! # What the derives generate
//!
//! No helper allocates and nothing is looked up at run time: the generated
//! code is what a careful person would write by hand. For this type
//!
//! ```ignore
//! #[derive(ToRedisArgs, FromRedisValue)]
//! #[redis(rename_all = "camelCase")]
//! pub struct User {
//!     pub display_name: String,
//!     #[redis(rename = "years")]
//!     pub age: u32,
//!     pub email: Option<String>,
//!     #[redis(default)]
//!     pub login_count: u64,
//! }
//! ```
//!
//! the derives generate the following. The real expansion differs only in
//! spelling: every path is absolute (`::redis_typed::...`,
//! `::core::option::Option::Some`, ...) so that your own `Result`, `Value` or
//! `Option` cannot be picked up, local names start with `__`, and the
//! builder is called `__Fields`. (This code is compiled and compared with
//! the derive's output by the workspace's `tests/derive_expand.rs`.)
//!
//! ```ignore
#![doc = include_str!("../doc/expansion.rs")]
//! ```
//!
//! Reading is one pass over the reply's entries; each name is matched with
//! a `match` on byte strings. A struct that flattens another offers the
//! names that are not its own to the inner struct's `take_field`, so the
//! whole tree is still read in one pass.
//!
//! And for a command,
//!
//! ```ignore
//! #[derive(Command)]
//! #[redis(name = "JSON.SET", response = Option<()>)]
//! pub struct JsonSet<'a, T> {
//!     #[redis(key)]
//!     pub key: &'a str,
//!     pub path: &'a str,
//!     #[redis(json)]
//!     pub value: &'a T,
//!     #[redis(token = "NX")]
//!     pub nx: bool,
//!     #[redis(token = "XX")]
//!     pub xx: bool,
//! }
//! ```
//!
//! generates
//!
//! ```ignore
#![doc = include_str!("../doc/command_expansion.rs")]
//! ```
#![forbid(unsafe_code)]

mod bound;
mod command;
mod common;
mod from_value;
mod internals;
mod to_args;

use proc_macro::TokenStream;
use syn::parse_macro_input;

/// Derives `ToRedisArgs`: named-field structs as hash `name value` pairs,
/// newtypes transparently, tuple structs as a sequence, unit-variant enums
/// as their names, `#[redis(json)]` types as one JSON string. See the crate
/// documentation for the attributes.
#[proc_macro_derive(ToRedisArgs, attributes(redis))]
pub fn derive_to_redis_args(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as syn::DeriveInput);
    to_args::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `FromRedisValue`: named-field structs from a RESP3 map or a RESP2
/// flat array, newtypes transparently, tuple structs from an array,
/// unit-variant enums from their names, `#[redis(json)]` types from a JSON
/// string. See the crate documentation for the attributes.
#[proc_macro_derive(FromRedisValue, attributes(redis))]
pub fn derive_from_redis_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as syn::DeriveInput);
    from_value::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `Command` for a struct whose fields are a command's arguments:
/// `#[redis(name = "...", response = Type)]` on the struct, `key` and
/// `token` on fields. See the crate documentation.
#[proc_macro_derive(Command, attributes(redis))]
pub fn derive_command(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as syn::DeriveInput);
    command::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
