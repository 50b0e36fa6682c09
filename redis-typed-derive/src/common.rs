//! Small pieces shared by the three code generators.

use proc_macro2::{Span, TokenStream};
use quote::quote;

use crate::bound;
use crate::internals::ast::Container;

/// Wraps the generated impls in an anonymous constant, as serde does, so
/// that helper items (and `use`s) cannot collide with the user's names.
pub fn wrap_in_const(impls: TokenStream) -> TokenStream {
    quote! {
        #[doc(hidden)]
        #[allow(
            non_upper_case_globals,
            unused_qualifications,
            unreachable_code,
            clippy::match_single_binding,
            clippy::needless_question_mark
        )]
        const _: () = {
            #impls
        };
    }
}

/// `b"name"`.
pub fn byte_str(s: &str) -> syn::LitByteStr {
    syn::LitByteStr::new(s.as_bytes(), Span::call_site())
}

/// The impl's generics: the user's `#[redis(bound = "...")]` when given,
/// otherwise `infer(generics)`.
pub fn generics(
    cont: &Container,
    infer: impl FnOnce(&syn::Generics) -> syn::Generics,
) -> syn::Generics {
    match &cont.attrs.bound {
        Some(bound) => bound::with_where_predicates(cont.generics, bound.value.iter().cloned()),
        None => infer(cont.generics),
    }
}

/// `path: Trait` as a where predicate.
pub fn predicate(ty: TokenStream, bound: TokenStream) -> syn::WherePredicate {
    syn::parse_quote!(#ty: #bound)
}

/// A trait path parsed from tokens.
pub fn path(tokens: TokenStream) -> syn::Path {
    syn::parse_quote!(#tokens)
}
