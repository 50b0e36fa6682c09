//! The derive input, with its attributes parsed: what the code generators
//! work from.

use syn::ext::IdentExt;

use super::{attr, Ctxt, Derive};

/// A struct or enum with its `#[redis]` attributes read.
pub struct Container<'a> {
    pub ident: syn::Ident,
    pub attrs: attr::Container,
    pub data: Data<'a>,
    pub generics: &'a syn::Generics,
    pub original: &'a syn::DeriveInput,
}

pub enum Data<'a> {
    Enum(Vec<Variant<'a>>),
    Struct(Style, Vec<Field<'a>>),
}

pub struct Variant<'a> {
    pub ident: syn::Ident,
    pub attrs: attr::Variant,
    /// The name stored in Redis, after `rename` / `rename_all`.
    pub name: String,
    pub style: Style,
    pub fields: Vec<Field<'a>>,
    pub original: &'a syn::Variant,
}

pub struct Field<'a> {
    /// `self.<member>`: a name or an index.
    pub member: syn::Member,
    pub attrs: attr::Field,
    /// The name stored in Redis, after `rename` / `rename_all` (the index
    /// for tuple fields).
    pub name: String,
    pub ty: &'a syn::Type,
}

#[derive(Copy, Clone, PartialEq, Eq)]
pub enum Style {
    /// Named fields.
    Struct,
    /// Several unnamed fields.
    Tuple,
    /// One unnamed field.
    Newtype,
    /// No fields.
    Unit,
}

impl<'a> Container<'a> {
    /// Reads the input; `None` (error reported) for a union.
    pub fn from_ast(cx: &Ctxt, input: &'a syn::DeriveInput, derive: Derive) -> Option<Self> {
        let attrs = attr::Container::from_ast(cx, &input.attrs);
        let rule = attrs
            .rename_all
            .as_ref()
            .map(|r| r.value)
            .unwrap_or(super::case::RenameRule::None);
        let data = match &input.data {
            syn::Data::Struct(data) => {
                let (style, fields) = struct_from_ast(cx, &data.fields, rule);
                Data::Struct(style, fields)
            }
            syn::Data::Enum(data) => Data::Enum(
                data.variants
                    .iter()
                    .map(|variant| {
                        let attrs = attr::Variant::from_ast(cx, &variant.attrs);
                        let name = match &attrs.rename {
                            Some(rename) => rename.value.clone(),
                            None => rule.apply_to_variant(&variant.ident.unraw().to_string()),
                        };
                        let (style, fields) = struct_from_ast(cx, &variant.fields, rule);
                        Variant {
                            ident: variant.ident.clone(),
                            attrs,
                            name,
                            style,
                            fields,
                            original: variant,
                        }
                    })
                    .collect(),
            ),
            syn::Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    format!("redis-typed cannot derive {derive} for a union"),
                );
                return None;
            }
        };
        Some(Container {
            ident: input.ident.clone(),
            attrs,
            data,
            generics: &input.generics,
            original: input,
        })
    }

    /// Every field of the struct, or of every variant.
    pub fn all_fields(&self) -> Box<dyn Iterator<Item = &Field<'a>> + '_> {
        match &self.data {
            Data::Struct(_, fields) => Box::new(fields.iter()),
            Data::Enum(variants) => Box::new(variants.iter().flat_map(|v| v.fields.iter())),
        }
    }
}

fn struct_from_ast<'a>(
    cx: &Ctxt,
    fields: &'a syn::Fields,
    rule: super::case::RenameRule,
) -> (Style, Vec<Field<'a>>) {
    let style = match fields {
        syn::Fields::Named(_) => Style::Struct,
        syn::Fields::Unnamed(f) if f.unnamed.len() == 1 => Style::Newtype,
        syn::Fields::Unnamed(_) => Style::Tuple,
        syn::Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let attrs = attr::Field::from_ast(cx, &field.attrs);
            let (member, name) = match &field.ident {
                Some(ident) => {
                    let name = match &attrs.rename {
                        Some(rename) => rename.value.clone(),
                        None => rule.apply_to_field(&ident.unraw().to_string()),
                    };
                    (syn::Member::Named(ident.clone()), name)
                }
                None => (syn::Member::Unnamed(i.into()), i.to_string()),
            };
            Field {
                member,
                attrs,
                name,
                ty: &field.ty,
            }
        })
        .collect();
    (style, fields)
}

/// `T` when `ty` is `Option<T>` (also `std::option::Option<T>` and
/// `core::option::Option<T>`). Recognised by name, as derives must: a type
/// of your own called `Option` is taken for the standard one.
pub fn option_inner(ty: &syn::Type) -> Option<&syn::Type> {
    let path = match ungroup(ty) {
        syn::Type::Path(ty) if ty.qself.is_none() => &ty.path,
        _ => return None,
    };
    let segments: Vec<_> = path.segments.iter().collect();
    let plain = |seg: &syn::PathSegment| seg.arguments.is_none();
    let is_option = match segments.as_slice() {
        [last] => last.ident == "Option",
        [root, module, last] => {
            (root.ident == "std" || root.ident == "core")
                && module.ident == "option"
                && last.ident == "Option"
                && plain(root)
                && plain(module)
        }
        _ => false,
    };
    if !is_option {
        return None;
    }
    match &segments.last()?.arguments {
        syn::PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// True when `ty` is written `bool`.
pub fn is_bool(ty: &syn::Type) -> bool {
    matches!(ungroup(ty), syn::Type::Path(ty) if ty.qself.is_none() && ty.path.is_ident("bool"))
}

/// Why `ty` cannot be a flattened struct, when that can be seen from its
/// spelling: standard scalars and containers, references, tuples, arrays.
pub fn not_flattenable(ty: &syn::Type) -> Option<String> {
    const NOT_STRUCTS: &[&str] = &[
        "bool", "char", "str", "String", "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16",
        "u32", "u64", "u128", "usize", "f32", "f64", "Vec", "VecDeque", "HashMap", "BTreeMap",
        "HashSet", "BTreeSet", "Bytes", "Box", "Rc", "Arc", "Cow",
    ];
    match ungroup(ty) {
        syn::Type::Path(path) if path.qself.is_none() => {
            if option_inner(ty).is_some() {
                return Some("an `Option`".into());
            }
            let last = path.path.segments.last()?;
            NOT_STRUCTS
                .iter()
                .any(|name| last.ident == name)
                .then(|| format!("`{}`", last.ident))
        }
        syn::Type::Path(_) | syn::Type::Macro(_) => None,
        syn::Type::Reference(_) => Some("a reference".into()),
        syn::Type::Tuple(_) => Some("a tuple".into()),
        syn::Type::Array(_) | syn::Type::Slice(_) => Some("an array".into()),
        _ => Some("this type".into()),
    }
}

fn ungroup(mut ty: &syn::Type) -> &syn::Type {
    loop {
        match ty {
            syn::Type::Group(group) => ty = &group.elem,
            syn::Type::Paren(paren) => ty = &paren.elem,
            _ => return ty,
        }
    }
}

/// Splits a command name or token on whitespace: `"CLIENT NO-EVICT"` is
/// two arguments.
pub fn words(lit: &syn::LitStr) -> Vec<String> {
    lit.value().split_whitespace().map(str::to_owned).collect()
}
