//! `VALUES` and `all()` for each enum a list parameter takes, built from the
//! spec's values so that a preset can never drift from the spec.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::model::Operation;
use crate::spec::Document;

/// The presets of every list parameter's item enum, each enum once.
pub fn render(doc: &Document, operations: &[Operation]) -> TokenStream {
    let mut names: Vec<&str> = operations
        .iter()
        .flat_map(|op| &op.params)
        .filter_map(|p| p.list.as_ref().map(|(_, item)| item.as_str()))
        .collect();
    names.sort_unstable();
    names.dedup();
    let impls = names.iter().map(|name| {
        let values: Vec<&str> = doc
            .schema(name)
            .and_then(|schema| schema.get("enum"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let ty = Ident::new(name, Span::call_site());
        quote! {
            impl types::#ty {
                /// Every value the spec lists, in its order.
                pub const VALUES: &'static [&'static str] = &[#(#values),*];

                /// Every value the spec lists, in its order: the `all()` preset.
                pub fn all() -> ::std::vec::Vec<Self> {
                    Self::VALUES.iter().filter_map(|v| v.parse().ok()).collect()
                }
            }
        }
    });
    quote!(#(#impls)*)
}
