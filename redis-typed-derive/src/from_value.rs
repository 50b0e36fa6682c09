//! `#[derive(FromRedisValue)]`: named-field structs from RESP3 maps and
//! RESP2 flat arrays (one pass, a `match` on the field name), newtypes
//! transparently, tuple structs from an array of exactly their length,
//! unit-variant enums from their names, `#[redis(json)]` types from a JSON
//! string.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::bound;
use crate::common::{byte_str, generics, path, predicate, wrap_in_const};
use crate::internals::ast::{self, Container, Data, Field, Style};
use crate::internals::{self, attr, Derive};

pub fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cont = internals::parse(input, Derive::FromRedisValue)?;
    let krate = cont.attrs.crate_path();
    let ident = &cont.ident;

    let generics = generics(&cont, |g| infer_bounds(&cont, &krate, g));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    if cont.attrs.json.is_some() {
        return Ok(wrap_in_const(quote! {
            #[automatically_derived]
            impl #impl_generics #krate::FromRedisValue for #ident #ty_generics #where_clause {
                fn from_redis_value(
                    __value: #krate::Value,
                ) -> #krate::Result<Self> {
                    #krate::__private::json::decode(__value)
                }
            }
        }));
    }

    let impls = match &cont.data {
        Data::Struct(Style::Struct, fields) => read_named(&cont, &krate, &generics, fields),
        Data::Struct(style, fields) => {
            let body = match style {
                Style::Newtype => read_newtype(&krate, ident, &fields[0]),
                Style::Tuple => read_tuple(&krate, ident, fields),
                _ => quote! {
                    <() as #krate::FromRedisValue>::from_redis_value(__value).map(|()| #ident)
                },
            };
            from_redis_value_impl(&krate, &generics, ident, body)
        }
        Data::Enum(variants) => {
            from_redis_value_impl(&krate, &generics, ident, read_enum(&krate, variants))
        }
    };
    Ok(wrap_in_const(impls))
}

fn infer_bounds(cont: &Container, krate: &TokenStream, g: &syn::Generics) -> syn::Generics {
    let ident = &cont.ident;
    if let Some(json) = cont.attrs.json {
        let (_, ty_generics, _) = g.split_for_impl();
        let pred = predicate(
            quote!(#ident #ty_generics),
            quote_spanned!(json=> #krate::__private::json::DeserializeOwned),
        );
        return bound::with_where_predicates(g, [pred]);
    }
    let g = bound::with_bound(
        cont,
        g,
        |f| !f.attrs.skipped() && f.attrs.json.is_none(),
        &path(quote!(#krate::FromRedisValue)),
    );
    let g = bound::with_bound(
        cont,
        &g,
        |f| !f.attrs.skipped() && f.attrs.json.is_some(),
        &path(quote!(#krate::__private::json::DeserializeOwned)),
    );
    let g = bound::with_bound(
        cont,
        &g,
        |f| {
            matches!(
                f.attrs.default,
                Some(attr::Spanned {
                    value: attr::Default::Default,
                    ..
                })
            ) || (f.attrs.skipped() && f.attrs.default.is_none())
        },
        &path(quote!(::core::default::Default)),
    );
    bound::with_where_predicates(&g, flatten_predicates(cont, krate))
}

/// `Inner<T>: ReadFields` for flattened fields whose type is generic: the
/// builder's field type needs it to be well-formed.
fn flatten_predicates(cont: &Container, krate: &TokenStream) -> Vec<syn::WherePredicate> {
    cont.all_fields()
        .filter(|f| f.attrs.flatten.is_some() && !f.attrs.skipped())
        .filter(|f| bound::mentions_type_params(cont.generics, f.ty))
        .map(|f| {
            let ty = f.ty;
            predicate(quote!(#ty), quote!(#krate::__private::ReadFields))
        })
        .collect()
}

fn from_redis_value_impl(
    krate: &TokenStream,
    generics: &syn::Generics,
    ident: &syn::Ident,
    body: TokenStream,
) -> TokenStream {
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::FromRedisValue for #ident #ty_generics #where_clause {
            fn from_redis_value(__value: #krate::Value) -> #krate::Result<Self> {
                #body
            }
        }
    }
}

/// Decodes `__value` as the field's type (or, for a `json` field, parses
/// it as JSON), naming the field in a conversion error.
fn decode_field(krate: &TokenStream, field: &Field) -> TokenStream {
    let ty = field.ty;
    let decode = match field.attrs.json {
        Some(json) => quote_spanned!(json=> #krate::__private::json::decode::<#ty>),
        None => quote_spanned!(ty.span()=> <#ty as #krate::FromRedisValue>::from_redis_value),
    };
    let name = &field.name;
    quote! {
        #decode(__value).map_err(|__e| #krate::__private::field_error::<Self>(#name, __e))?
    }
}

/// The value of a field that is skipped, or missing with a `default`.
fn default_value(field: &Field) -> TokenStream {
    match &field.attrs.default {
        Some(attr::Spanned {
            value: attr::Default::Path(path),
            ..
        }) => {
            // Through a typed `fn` pointer spanned at the path: a function
            // of the wrong type is reported at the attribute, plainly.
            let ty = field.ty;
            let default = quote_spanned!(path.span()=> #path);
            quote!({
                let __default: fn() -> #ty = #default;
                __default()
            })
        }
        _ => quote!(::core::default::Default::default()),
    }
}

/// The `ReadFields` impl (a builder of optional fields, filled by one pass
/// over the map) and `FromRedisValue` on top of it.
fn read_named(
    cont: &Container,
    krate: &TokenStream,
    generics: &syn::Generics,
    fields: &[Field],
) -> TokenStream {
    let ident = &cont.ident;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let builder = format_ident!("__Fields");
    let read_fields = quote!(#krate::__private::ReadFields);
    let read: Vec<&Field> = fields.iter().filter(|f| !f.attrs.skipped()).collect();

    // The builder keeps the user's generics; its where clause adds only what
    // its own field types need (flattened builders).
    let builder_generics =
        bound::with_where_predicates(cont.generics, flatten_predicates(cont, krate));
    let (builder_impl_generics, _, builder_where) = builder_generics.split_for_impl();
    let marker = if cont.generics.params.is_empty() {
        None
    } else {
        let (_, user_ty_generics, _) = cont.generics.split_for_impl();
        Some(quote!(::core::marker::PhantomData<fn() -> #ident #user_ty_generics>))
    };

    let builder_fields = read.iter().map(|field| {
        let member = &field.member;
        let ty = field.ty;
        if field.attrs.flatten.is_some() {
            let builder_ty = quote_spanned!(ty.span()=> <#ty as #read_fields>::Builder);
            quote!(#member: #builder_ty,)
        } else {
            quote!(#member: ::core::option::Option<#ty>,)
        }
    });
    let marker_field = marker.as_ref().map(|m| quote!(__marker: #m,));
    let builder_def = quote! {
        pub struct #builder #builder_impl_generics #builder_where {
            #(#builder_fields)*
            #marker_field
        }
    };

    let builder_init = read.iter().map(|field| {
        let member = &field.member;
        let ty = field.ty;
        if field.attrs.flatten.is_some() {
            quote!(#member: <#ty as #read_fields>::builder(),)
        } else {
            quote!(#member: ::core::option::Option::None,)
        }
    });
    let marker_init = marker
        .as_ref()
        .map(|_| quote!(__marker: ::core::marker::PhantomData,));

    let arms = read
        .iter()
        .filter(|f| f.attrs.flatten.is_none())
        .map(|field| {
            let member = &field.member;
            let name = byte_str(&field.name);
            let decode = decode_field(krate, field);
            quote! {
                #name => __fields.#member = ::core::option::Option::Some(#decode),
            }
        });
    // A name that is none of ours is offered to each flattened struct in
    // turn; a name nobody takes is handed back (and ignored by the caller).
    let offers = read.iter().filter(|f| f.attrs.flatten.is_some()).map(|field| {
        let member = &field.member;
        let ty = field.ty;
        quote! {
            let __value = match <#ty as #read_fields>::take_field(&mut __fields.#member, __name, __value)? {
                ::core::option::Option::Some(__value) => __value,
                ::core::option::Option::None => return ::core::result::Result::Ok(::core::option::Option::None),
            };
        }
    });

    let finish_fields = fields.iter().map(|field| {
        let member = &field.member;
        let ty = field.ty;
        let value = if field.attrs.skipped() {
            default_value(field)
        } else if field.attrs.flatten.is_some() {
            quote!(<#ty as #read_fields>::finish(__fields.#member)?)
        } else {
            match &field.attrs.default {
                // `Default::default()` (for an `Option`: `None`).
                Some(attr::Spanned {
                    value: attr::Default::Default,
                    ..
                }) => quote!(__fields.#member.unwrap_or_default()),
                None if ast::option_inner(ty).is_some() => {
                    quote!(__fields.#member.unwrap_or_default())
                }
                Some(_) => {
                    let default = default_value(field);
                    quote! {
                        match __fields.#member {
                            ::core::option::Option::Some(__value) => __value,
                            ::core::option::Option::None => #default,
                        }
                    }
                }
                None => {
                    let name = &field.name;
                    quote! {
                        match __fields.#member {
                            ::core::option::Option::Some(__value) => __value,
                            ::core::option::Option::None => {
                                return ::core::result::Result::Err(
                                    #krate::__private::missing_field::<Self>(#name),
                                )
                            }
                        }
                    }
                }
            }
        };
        quote!(#member: #value,)
    });

    quote! {
        #builder_def

        #[automatically_derived]
        impl #impl_generics #read_fields for #ident #ty_generics #where_clause {
            type Builder = #builder #ty_generics;

            fn builder() -> Self::Builder {
                #builder {
                    #(#builder_init)*
                    #marker_init
                }
            }

            fn take_field(
                __fields: &mut Self::Builder,
                __name: &[u8],
                __value: #krate::Value,
            ) -> #krate::Result<::core::option::Option<#krate::Value>> {
                match __name {
                    #(#arms)*
                    _ => {
                        #(#offers)*
                        return ::core::result::Result::Ok(::core::option::Option::Some(__value));
                    }
                }
                ::core::result::Result::Ok(::core::option::Option::None)
            }

            fn finish(__fields: Self::Builder) -> #krate::Result<Self> {
                ::core::result::Result::Ok(#ident {
                    #(#finish_fields)*
                })
            }
        }

        #[automatically_derived]
        impl #impl_generics #krate::FromRedisValue for #ident #ty_generics #where_clause {
            fn from_redis_value(__value: #krate::Value) -> #krate::Result<Self> {
                #krate::__private::read_fields(__value)
            }
        }
    }
}

/// The wrapped type's own decoding, errors untouched.
fn read_newtype(krate: &TokenStream, ident: &syn::Ident, field: &Field) -> TokenStream {
    let ty = field.ty;
    let decode = match field.attrs.json {
        Some(json) => quote_spanned!(json=> #krate::__private::json::decode::<#ty>),
        None => quote_spanned!(ty.span()=> <#ty as #krate::FromRedisValue>::from_redis_value),
    };
    quote!(::core::result::Result::Ok(#ident(#decode(__value)?)))
}

/// An array of exactly as many elements as there are (unskipped) fields.
fn read_tuple(krate: &TokenStream, ident: &syn::Ident, fields: &[Field]) -> TokenStream {
    let read: Vec<_> = fields.iter().filter(|f| !f.attrs.skipped()).collect();
    let len = read.len();
    let len_lit = proc_macro2::Literal::usize_unsuffixed(len);
    let elements: Vec<_> = (0..len).map(|i| format_ident!("__e{}", i)).collect();
    let mut next = elements.iter();
    let values = fields.iter().map(|field| {
        if field.attrs.skipped() {
            return default_value(field);
        }
        let element = next.next().expect("one element per read field");
        let decode = decode_field(krate, field);
        quote!({
            let __value = #element;
            #decode
        })
    });
    let values: Vec<_> = values.collect();
    quote! {
        let [#(#elements),*] = #krate::__private::sequence::<Self, #len_lit>(__value)?;
        ::core::result::Result::Ok(#ident(#(#values),*))
    }
}

/// A string naming one of the variants.
fn read_enum(krate: &TokenStream, variants: &[ast::Variant]) -> TokenStream {
    let arms = variants.iter().map(|variant| {
        let ident = &variant.ident;
        let name = byte_str(&variant.name);
        quote!(::core::option::Option::Some(#name) => ::core::result::Result::Ok(Self::#ident),)
    });
    quote! {
        match #krate::__private::text(&__value) {
            #(#arms)*
            _ => ::core::result::Result::Err(#krate::types::unexpected::<Self>(&__value)),
        }
    }
}
