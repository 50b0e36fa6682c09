//! Bounds inferred for generic types, the way serde infers them: a type
//! parameter that appears in a field the impl needs to write or read gets
//! the trait that field needs (`T: ToRedisArgs`), and an associated type
//! used through a parameter (`T::Id`) gets it directly.

use std::collections::BTreeSet;

use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};

use crate::internals::ast::{Container, Field};

/// `generics` plus `T: bound` for each type parameter (or `T::Assoc`) that
/// appears in a field chosen by `filter`.
pub fn with_bound(
    cont: &Container,
    generics: &syn::Generics,
    filter: impl Fn(&Field) -> bool,
    bound: &syn::Path,
) -> syn::Generics {
    let types: Vec<&syn::Type> = cont
        .all_fields()
        .filter(|field| filter(field))
        .map(|field| field.ty)
        .collect();
    with_bound_on_types(generics, &types, bound)
}

/// Like [`with_bound`], for a list of types.
pub fn with_bound_on_types(
    generics: &syn::Generics,
    types: &[&syn::Type],
    bound: &syn::Path,
) -> syn::Generics {
    let params: BTreeSet<syn::Ident> = generics
        .type_params()
        .map(|param| param.ident.clone())
        .collect();
    if params.is_empty() {
        return generics.clone();
    }
    let mut visitor = FindTyParams {
        params: &params,
        relevant: BTreeSet::new(),
        associated: Vec::new(),
    };
    for ty in types {
        visitor.visit_type(ty);
    }

    // Keep the parameters' declaration order, for readable expansions.
    let bounded = generics
        .type_params()
        .map(|param| &param.ident)
        .filter(|ident| visitor.relevant.contains(*ident))
        .map(|ident| {
            syn::Type::Path(syn::TypePath {
                qself: None,
                path: ident.clone().into(),
            })
        })
        .chain(
            visitor
                .associated
                .into_iter()
                .map(|path| syn::Type::Path(syn::TypePath { qself: None, path })),
        );
    let predicates: Vec<syn::WherePredicate> = bounded
        .map(|bounded_ty| {
            syn::WherePredicate::Type(syn::PredicateType {
                lifetimes: None,
                bounded_ty,
                colon_token: Default::default(),
                bounds: Punctuated::from_iter([syn::TypeParamBound::Trait(syn::TraitBound {
                    paren_token: None,
                    modifier: syn::TraitBoundModifier::None,
                    lifetimes: None,
                    path: bound.clone(),
                })]),
            })
        })
        .collect();
    with_where_predicates(generics, predicates)
}

/// `generics` with `predicates` added to its where clause.
pub fn with_where_predicates(
    generics: &syn::Generics,
    predicates: impl IntoIterator<Item = syn::WherePredicate>,
) -> syn::Generics {
    let mut generics = generics.clone();
    generics.make_where_clause().predicates.extend(predicates);
    generics
}

/// True when `ty` mentions one of the type parameters of `generics`.
pub fn mentions_type_params(generics: &syn::Generics, ty: &syn::Type) -> bool {
    let params: BTreeSet<syn::Ident> = generics
        .type_params()
        .map(|param| param.ident.clone())
        .collect();
    let mut visitor = FindTyParams {
        params: &params,
        relevant: BTreeSet::new(),
        associated: Vec::new(),
    };
    visitor.visit_type(ty);
    !visitor.relevant.is_empty() || !visitor.associated.is_empty()
}

struct FindTyParams<'a> {
    params: &'a BTreeSet<syn::Ident>,
    /// Parameters used as types (`T`, `Vec<T>`).
    relevant: BTreeSet<syn::Ident>,
    /// Associated types reached through a parameter (`T::Id`).
    associated: Vec<syn::Path>,
}

impl<'ast> Visit<'ast> for FindTyParams<'_> {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if let Some(last) = path.segments.last() {
            if last.ident == "PhantomData" {
                // `PhantomData<T>` is `Default` (and zero-sized) whatever
                // `T` is: a skipped marker field needs no bound.
                return;
            }
        }
        if path.leading_colon.is_none() {
            if let Some(first) = path.segments.first() {
                if self.params.contains(&first.ident) {
                    if path.segments.len() == 1 {
                        self.relevant.insert(first.ident.clone());
                    } else if !self.associated.contains(path) {
                        self.associated.push(path.clone());
                    }
                }
            }
        }
        visit::visit_path(self, path);
    }

    // A macro's tokens are opaque: nothing to infer from them.
    fn visit_macro(&mut self, _: &'ast syn::Macro) {}
}
