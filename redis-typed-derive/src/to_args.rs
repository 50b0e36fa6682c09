//! `#[derive(ToRedisArgs)]`: named-field structs as hash field/value pairs,
//! newtypes transparently, tuple structs as a sequence, unit-variant enums
//! as their names, `#[redis(json)]` types as one JSON string.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::bound;
use crate::common::{byte_str, generics, path, predicate, wrap_in_const};
use crate::internals::ast::{self, Container, Data, Field, Style};
use crate::internals::{self, Derive};

pub fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cont = internals::parse(input, Derive::ToRedisArgs)?;
    let krate = cont.attrs.crate_path();
    let ident = &cont.ident;

    let generics = generics(&cont, |g| infer_bounds(&cont, &krate, g));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    let body = if cont.attrs.json.is_some() {
        quote!(#krate::__private::json::write(self, __out);)
    } else {
        match &cont.data {
            Data::Struct(Style::Struct, fields) => write_named(&krate, fields),
            Data::Struct(Style::Tuple | Style::Newtype, fields) => write_tuple(&krate, fields),
            Data::Struct(Style::Unit, _) => quote!(let _ = __out;),
            Data::Enum(variants) => write_enum(variants),
        }
    };

    // Named-field structs can be flattened into another struct.
    let write_fields = match (&cont.data, cont.attrs.json) {
        (Data::Struct(Style::Struct, _), None) => quote! {
            #[automatically_derived]
            impl #impl_generics #krate::__private::WriteFields for #ident #ty_generics #where_clause {
                fn write_fields<__W: #krate::resp::ArgWriter + ?::core::marker::Sized>(&self, __out: &mut __W) {
                    #krate::ToRedisArgs::write_redis_args(self, __out)
                }
            }
        },
        _ => quote!(),
    };

    let single_arg = single_arg(&cont, &krate, &generics);

    Ok(wrap_in_const(quote! {
        #[automatically_derived]
        impl #impl_generics #krate::ToRedisArgs for #ident #ty_generics #where_clause {
            fn write_redis_args<__W: #krate::resp::ArgWriter + ?::core::marker::Sized>(&self, __out: &mut __W) {
                #body
            }
        }
        #write_fields
        #single_arg
    }))
}

/// Bounds on the type parameters used by the fields that are written: a
/// hash field's value must be `SingleArg`, a tuple element or a flattened
/// struct `ToRedisArgs`, a `json` value `Serialize`.
fn infer_bounds(cont: &Container, krate: &TokenStream, g: &syn::Generics) -> syn::Generics {
    let ident = &cont.ident;
    if let Some(json) = cont.attrs.json {
        let (_, ty_generics, _) = g.split_for_impl();
        let pred = predicate(
            quote!(#ident #ty_generics),
            quote_spanned!(json=> #krate::__private::json::Serialize),
        );
        return bound::with_where_predicates(g, [pred]);
    }
    let named = matches!(cont.data, Data::Struct(Style::Struct, _));
    let written = |f: &Field| !f.attrs.skipped() && f.attrs.json.is_none();
    let g = bound::with_bound(
        cont,
        g,
        |f| written(f) && named && f.attrs.flatten.is_none(),
        &path(quote!(#krate::SingleArg)),
    );
    let g = bound::with_bound(
        cont,
        &g,
        |f| written(f) && !(named && f.attrs.flatten.is_none()),
        &path(quote!(#krate::ToRedisArgs)),
    );
    bound::with_bound(
        cont,
        &g,
        |f| !f.attrs.skipped() && f.attrs.json.is_some(),
        &path(quote!(#krate::__private::json::Serialize)),
    )
}

/// `SingleArg` for the types that always write one argument: unit-variant
/// enums, `json` types, and newtypes over a `SingleArg` (or `json`) value.
/// They can then be a hash field's value or a command's single value
/// (`Set::new("k", Status::Active)`).
fn single_arg(cont: &Container, krate: &TokenStream, generics: &syn::Generics) -> TokenStream {
    let ident = &cont.ident;
    let generics = match (&cont.data, cont.attrs.json) {
        (_, Some(_)) | (Data::Enum(_), None) => generics.clone(),
        (Data::Struct(Style::Newtype, fields), None) if fields[0].attrs.json.is_some() => {
            generics.clone()
        }
        (Data::Struct(Style::Newtype, fields), None) => {
            // `for<'__a>` keeps the bound from being checked where the impl
            // is written: a newtype over a type that is not `SingleArg`
            // simply does not get the impl.
            let ty = fields[0].ty;
            let pred: syn::WherePredicate = syn::parse_quote!(
                for<'__a> #ty: #krate::SingleArg
            );
            bound::with_where_predicates(generics, [pred])
        }
        _ => return quote!(),
    };
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::SingleArg for #ident #ty_generics #where_clause {}
    }
}

/// `name value name value ...`; a `None` field writes nothing at all.
fn write_named(krate: &TokenStream, fields: &[Field]) -> TokenStream {
    let writes = fields.iter().filter(|f| !f.attrs.skipped()).map(|field| {
        let member = &field.member;
        let ty = field.ty;
        if field.attrs.flatten.is_some() {
            let write_fields = quote_spanned!(ty.span()=>
                <#ty as #krate::__private::WriteFields>::write_fields
            );
            return quote!(#write_fields(&self.#member, __out););
        }
        let name = byte_str(&field.name);
        match ast::option_inner(ty) {
            Some(inner) => {
                let value = write_field_value(krate, field, inner, quote!(__value));
                quote! {
                    if let ::core::option::Option::Some(__value) = &self.#member {
                        __out.write_arg(#name);
                        #value
                    }
                }
            }
            None => {
                let value = write_field_value(krate, field, ty, quote!(&self.#member));
                quote! {
                    __out.write_arg(#name);
                    #value
                }
            }
        }
    });
    let writes: Vec<_> = writes.collect();
    if writes.is_empty() {
        return quote!(let _ = __out;);
    }
    quote!(#(#writes)*)
}

/// Each field's own arguments, in order.
fn write_tuple(krate: &TokenStream, fields: &[Field]) -> TokenStream {
    let writes: Vec<_> = fields
        .iter()
        .filter(|f| !f.attrs.skipped())
        .map(|field| {
            let member = &field.member;
            write_value(krate, field, field.ty, quote!(&self.#member))
        })
        .collect();
    if writes.is_empty() {
        return quote!(let _ = __out;);
    }
    quote!(#(#writes)*)
}

/// Writes `value` (a `&ty` expression) as a hash field's value: exactly one
/// argument, checked at the field's type.
fn write_field_value(
    krate: &TokenStream,
    field: &Field,
    ty: &syn::Type,
    value: TokenStream,
) -> TokenStream {
    if field.attrs.json.is_some() {
        return write_value(krate, field, ty, value);
    }
    let write =
        quote_spanned!(ty.span()=> <#ty as #krate::__private::FieldValue>::write_field_value);
    quote!(#write(#value, __out);)
}

/// Writes `value` (a `&ty` expression) as the field's argument(s).
pub fn write_value(
    krate: &TokenStream,
    field: &Field,
    ty: &syn::Type,
    value: TokenStream,
) -> TokenStream {
    match field.attrs.json {
        Some(_) => {
            let write = quote_spanned!(ty.span()=> #krate::__private::json::write::<#ty, _>);
            quote!(#write(#value, __out);)
        }
        None => {
            let write = quote_spanned!(ty.span()=> <#ty as #krate::ToRedisArgs>::write_redis_args);
            quote!(#write(#value, __out);)
        }
    }
}

/// The variant's name.
fn write_enum(variants: &[ast::Variant]) -> TokenStream {
    if variants.is_empty() {
        return quote! {
            let _ = __out;
            match *self {}
        };
    }
    let arms = variants.iter().map(|variant| {
        let ident = &variant.ident;
        let name = byte_str(&variant.name);
        quote!(Self::#ident => __out.write_arg(#name),)
    });
    quote! {
        match self {
            #(#arms)*
        }
    }
}
