//! `ProblemKind`: one variant per problem schema with a fixed `type`, named
//! after the schema, plus `Generic` (`about:blank`) and `Other`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::spec::Document;

/// The hosts X has served problem types under, old and new.
const HOSTS: [&str; 2] = [
    "https://api.twitter.com/2/problems/",
    "https://api.x.com/2/problems/",
];

/// `ProblemKind`, or `None` for a spec without problem types.
pub fn render(doc: &Document) -> Option<TokenStream> {
    let schemas = doc.doc.pointer("/components/schemas")?.as_object()?;
    let mut kinds = Vec::new();
    for (name, schema) in schemas {
        let Some(variant) = name.strip_suffix("Problem") else {
            continue;
        };
        let uri = schema
            .pointer("/properties/type/enum/0")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some((_, slug)) = uri.rsplit_once("/problems/") else {
            continue;
        };
        let description = schema["description"]
            .as_str()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        kinds.push((
            Ident::new(variant, Span::call_site()),
            slug.to_owned(),
            format!("`{slug}`: {description}"),
        ));
    }
    if kinds.is_empty() {
        return None;
    }
    let variants = kinds
        .iter()
        .map(|(variant, _, doc)| quote!(#[doc = #doc] #variant,));
    let arms = kinds
        .iter()
        .map(|(variant, slug, _)| quote!(::core::option::Option::Some(#slug) => Self::#variant,));
    let hosts = HOSTS;
    Some(quote! {
        /// The kind of an RFC 7807 problem, read from its `type` URI under either
        /// host X has used (`api.twitter.com`, `api.x.com`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ProblemKind {
            #(#variants)*
            /// `about:blank`: nothing beyond what the HTTP status says.
            Generic,
            /// A type this crate does not know; the URI is kept on the error.
            Other,
        }

        impl ProblemKind {
            /// The kind of a problem `type` URI.
            pub fn from_type_uri(uri: &str) -> Self {
                if uri == "about:blank" {
                    return Self::Generic;
                }
                let slug = [#(#hosts),*].iter().find_map(|prefix| uri.strip_prefix(prefix));
                match slug {
                    #(#arms)*
                    _ => Self::Other,
                }
            }
        }
    })
}
