//! `#[derive(Command)]`: a struct whose fields are a command's arguments.
//!
//! ```text
//! #[redis(name = "SET", response = ())]   SET key value [NX] [EX seconds]
//! ```

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::bound;
use crate::common::{byte_str, generics, path, predicate, wrap_in_const};
use crate::internals::ast::{self, Data, Field};
use crate::internals::{self, Derive};
use crate::to_args::write_value;

pub fn expand(input: &syn::DeriveInput) -> syn::Result<TokenStream> {
    let cont = internals::parse(input, Derive::Command)?;
    let krate = cont.attrs.crate_path();
    let ident = &cont.ident;
    let fields = match &cont.data {
        Data::Struct(_, fields) => fields,
        Data::Enum(_) => unreachable!("rejected by check"),
    };
    let name = cont.attrs.name.as_ref().expect("checked").value.clone();
    let response = &cont.attrs.response.as_ref().expect("checked").value;

    let generics = generics(&cont, |g| {
        let g = bound::with_bound(
            &cont,
            g,
            |f| !f.attrs.skipped() && f.attrs.key.is_none() && f.attrs.json.is_none(),
            &path(quote!(#krate::ToRedisArgs)),
        );
        let g = bound::with_bound(
            &cont,
            &g,
            |f| !f.attrs.skipped() && f.attrs.key.is_some(),
            &path(quote!(#krate::RedisKey)),
        );
        let g = bound::with_bound(
            &cont,
            &g,
            |f| !f.attrs.skipped() && f.attrs.json.is_some(),
            &path(quote!(#krate::__private::json::Serialize)),
        );
        if bound::mentions_type_params(cont.generics, response) {
            let pred = predicate(quote!(#response), quote!(#krate::FromRedisValue));
            bound::with_where_predicates(&g, [pred])
        } else {
            g
        }
    });
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();

    let name_args = ast::words(&name).into_iter().map(|word| {
        let word = byte_str(&word);
        quote!(__out.write_arg(#word);)
    });
    let field_args = fields
        .iter()
        .filter(|f| !f.attrs.skipped())
        .map(|field| write_field(&krate, field));

    let keys: Vec<_> = fields
        .iter()
        .filter(|f| f.attrs.key.is_some())
        .map(|field| {
            let member = &field.member;
            let ty = field.ty;
            // Spanned at the field's type: a type that is not a key is
            // reported there.
            let key_bytes = quote_spanned!(ty.span()=> #krate::__private::key_bytes::<#ty>);
            quote!(__f(#key_bytes(&self.#member));)
        })
        .collect();
    let for_each_key = if keys.is_empty() {
        None
    } else {
        Some(quote! {
            fn for_each_key(&self, __f: &mut dyn ::core::ops::FnMut(&[u8])) {
                #(#keys)*
            }
        })
    };
    let read_only = cont.attrs.read_only.map(|_| {
        quote! {
            fn read_only(&self) -> bool {
                true
            }
        }
    });

    Ok(wrap_in_const(quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Command for #ident #ty_generics #where_clause {
            type Response = #response;

            fn write_args<__W: #krate::resp::ArgWriter + ?::core::marker::Sized>(&self, __out: &mut __W) {
                #(#name_args)*
                #(#field_args)*
            }

            #for_each_key
            #read_only
        }
    }))
}

/// A token flag, a token and its value, or the field's own arguments.
fn write_field(krate: &TokenStream, field: &Field) -> TokenStream {
    let member = &field.member;
    let Some(token) = &field.attrs.token else {
        return write_value(krate, field, field.ty, quote!(&self.#member));
    };
    let token_args: Vec<_> = ast::words(&token.value)
        .into_iter()
        .map(|word| {
            let word = byte_str(&word);
            quote!(__out.write_arg(#word);)
        })
        .collect();
    if ast::is_bool(field.ty) {
        return quote! {
            if self.#member {
                #(#token_args)*
            }
        };
    }
    let inner = ast::option_inner(field.ty).expect("checked: bool or Option");
    let value = write_value(krate, field, inner, quote!(__value));
    quote! {
        if let ::core::option::Option::Some(__value) = &self.#member {
            #(#token_args)*
            #value
        }
    }
}
