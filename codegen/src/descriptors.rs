//! One descriptor per operation, and what the facade builds on it: a marker
//! type per operation, its request's constructor and setters, the parameter
//! names as constants, and the map from operation to response type.

use heck::ToShoutySnakeCase;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Body, BodyRule, Kind, Location, Operation, Pagination, Param, Success};
use crate::rules::Rule;

/// Where the generated code finds what it builds on, and which type each
/// response becomes.
pub struct Paths<'a> {
    /// The facade type of an operation whose response has `data` items, with
    /// `{item}` standing for the item type: `crate::x::Page<{item}>`.
    pub page: &'a str,
}

fn ident(name: &str) -> Ident {
    let name = name.replace(['.', '-'], "_");
    if syn::parse_str::<Ident>(&name).is_ok() {
        Ident::new(&name, Span::call_site())
    } else {
        Ident::new_raw(&name, Span::call_site())
    }
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

fn opt_i64(value: Option<i64>) -> TokenStream {
    match value {
        Some(v) => quote!(::core::option::Option::Some(#v)),
        None => quote!(::core::option::Option::None),
    }
}

fn rule(rule: &Rule) -> TokenStream {
    match rule {
        Rule::Range { min, max } => {
            let (min, max) = (opt_i64(*min), opt_i64(*max));
            quote!(crate::engine::Rule::Range { min: #min, max: #max })
        }
        Rule::MinLength(n) => {
            let n = *n as usize;
            quote!(crate::engine::Rule::MinLength(#n))
        }
        Rule::MaxLength(n) => {
            let n = *n as usize;
            quote!(crate::engine::Rule::MaxLength(#n))
        }
        Rule::Pattern(p) => quote!(crate::engine::Rule::Pattern(#p)),
        Rule::MinItems(n) => {
            let n = *n as usize;
            quote!(crate::engine::Rule::MinItems(#n))
        }
        Rule::MaxItems(n) => {
            let n = *n as usize;
            quote!(crate::engine::Rule::MaxItems(#n))
        }
        Rule::OneOf(values) => quote!(crate::engine::Rule::OneOf(&[#(#values),*])),
        Rule::AnyField(fields) => quote!(crate::engine::Rule::AnyField(&[#(#fields),*])),
    }
}

fn param(param: &Param) -> TokenStream {
    let name = &param.name;
    let location = match param.location {
        Location::Path => quote!(crate::engine::Location::Path),
        Location::Query => quote!(crate::engine::Location::Query),
    };
    let required = param.required;
    let secret = param.secret;
    let credential = opt_str(param.credential.as_deref());
    let rules = param.rules.iter().map(rule);
    let legacy = param.legacy;
    let legacy_values = &param.legacy_values;
    quote! {
        crate::engine::Param {
            name: #name,
            location: #location,
            required: #required,
            secret: #secret,
            credential: #credential,
            rules: &[#(#rules),*],
            legacy: #legacy,
            legacy_values: &[#(#legacy_values),*],
        }
    }
}

fn body(body: &Body) -> TokenStream {
    let content_type = &body.content_type;
    let required = body.required;
    let rules = body.rules.iter().map(|BodyRule { path, required, secret, credential, rules, legacy }| {
        let rules = rules.iter().map(rule);
        let credential = opt_str(credential.as_deref());
        quote!(crate::engine::BodyRule { path: #path, required: #required, secret: #secret, credential: #credential, rules: &[#(#rules),*], legacy: #legacy })
    });
    quote! {
        ::core::option::Option::Some(crate::engine::Body {
            content_type: #content_type,
            required: #required,
            rules: &[#(#rules),*],
        })
    }
}

fn pagination(pagination: Option<&Pagination>) -> TokenStream {
    let Some(p) = pagination else {
        return quote!(::core::option::Option::None);
    };
    let token = &p.token;
    let in_body = p.in_body;
    // The model refuses an `x-pagination` without a `next` field.
    let (next, next_also) = p
        .next
        .split_first()
        .map_or(("", &[][..]), |(first, rest)| (first.as_str(), rest));
    let carry = &p.carry;
    let end = p.end.iter().map(|(field, value)| quote!((#field, #value)));
    let previous = opt_str(p.previous.as_deref());
    let has_more = opt_str(p.has_more.as_deref());
    let page_size = opt_str(p.page_size.as_deref());
    quote! {
        ::core::option::Option::Some(crate::engine::Pagination {
            token: #token,
            in_body: #in_body,
            next: #next,
            next_also: &[#(#next_also),*],
            carry: &[#(#carry),*],
            end: &[#(#end),*],
            previous: #previous,
            has_more: #has_more,
            page_size: #page_size,
        })
    }
}

fn descriptor(op: &Operation) -> TokenStream {
    let id = &op.id;
    let name = &op.name;
    let method = &op.method;
    let path = &op.path;
    let params = op.params.iter().map(param);
    let body = op
        .body
        .as_ref()
        .map_or_else(|| quote!(::core::option::Option::None), body);
    let scopes = &op.scopes;
    let app_only = op.app_only;
    let pagination = pagination(op.pagination.as_ref());
    let idempotent = op.idempotent;
    let accept = op.accept();
    let requirements = op.requirements.iter().map(|r| {
        let (param, expansions, any_of) = (&r.param, &r.expansions, &r.any_of);
        quote!(crate::engine::Requirement { param: #param, expansions: #expansions, any_of: &[#(#any_of),*] })
    });
    quote! {
        crate::engine::Operation {
            id: #id,
            name: #name,
            method: #method,
            path: #path,
            params: &[#(#params),*],
            body: #body,
            scopes: &[#(#scopes),*],
            app_only: #app_only,
            pagination: #pagination,
            idempotent: #idempotent,
            accept: #accept,
            requirements: &[#(#requirements),*],
        }
    }
}

/// The type an operation's response becomes in the facade.
fn output(op: &Operation, paths: &Paths<'_>) -> Result<TokenStream, String> {
    let template = match (&op.output, &op.success) {
        (Some(output), _) => output.clone(),
        (None, Success::Empty) => "crate::engine::Empty".to_owned(),
        (None, Success::Bytes(_)) => "crate::engine::Download".to_owned(),
        (None, Success::Json(_)) => match &op.item {
            Some(item) => paths.page.replace("{item}", &format!("types::{item}")),
            None if !paths.page.contains("{item}") => paths.page.to_owned(),
            None => {
                return Err(format!(
                    "{}: the response has no `data` items; name its facade type with `x-output`",
                    op.id
                ));
            }
        },
    };
    let ty: syn::Type = syn::parse_str(&template).map_err(|e| format!("{}: {e}", op.id))?;
    Ok(quote!(#ty))
}

/// What a setter takes and how it records the value.
fn setter(op: &Operation, index: usize, param: &Param) -> TokenStream {
    let name = ident(&param.setter);
    let doc = if param.description.is_empty() {
        format!("Sets `{}`.", param.name)
    } else {
        format!("{} (`{}`)", param.description, param.name)
    };
    let is_token = op
        .pagination
        .as_ref()
        .is_some_and(|p| p.token == param.name);
    if is_token {
        return quote! {
            #[doc = #doc]
            ///
            /// A token given here is checked against the spec's rules; tokens
            /// the API hands out while paging are followed as they are.
            pub fn #name(mut self, token: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.start_from(token.into());
                self
            }
        };
    }
    match &param.kind {
        Kind::Integer(bits) => {
            let ty = if *bits == 32 {
                quote!(i32)
            } else {
                quote!(i64)
            };
            quote! {
                #[doc = #doc]
                pub fn #name(mut self, value: #ty) -> Self {
                    self.set(#index, value.to_string());
                    self
                }
            }
        }
        Kind::Boolean => quote! {
            #[doc = #doc]
            pub fn #name(mut self, value: bool) -> Self {
                self.set(#index, value.to_string());
                self
            }
        },
        Kind::String => quote! {
            #[doc = #doc]
            pub fn #name(mut self, value: impl ::core::convert::Into<::std::string::String>) -> Self {
                self.set(#index, value.into());
                self
            }
        },
        Kind::List(item) => {
            let item = ident(item);
            quote! {
                #[doc = #doc]
                ///
                /// Takes any iterable of values; a value given twice is sent once.
                pub fn #name<I>(mut self, values: I) -> Self
                where
                    I: ::core::iter::IntoIterator,
                    I::Item: ::std::borrow::Borrow<types::#item>,
                {
                    self.set_list(#index, values.into_iter().map(|v| ::std::borrow::Borrow::borrow(&v).clone()));
                    self
                }
            }
        }
        Kind::StringList => quote! {
            #[doc = #doc]
            ///
            /// Takes any iterable of values; a value given twice is sent once.
            pub fn #name<I>(mut self, values: I) -> Self
            where
                I: ::core::iter::IntoIterator,
                I::Item: ::core::convert::Into<::std::string::String>,
            {
                self.set_list(#index, values.into_iter().map(::core::convert::Into::<::std::string::String>::into));
                self
            }
        },
    }
}

/// Whether the caller gives the parameter to the constructor: path
/// parameters and required query parameters that no credential fills. A
/// page token never is: the walk sets it.
fn is_argument(op: &Operation, param: &Param) -> bool {
    let token = op
        .pagination
        .as_ref()
        .is_some_and(|p| p.token == param.name);
    !token && param.credential.is_none() && (param.location == Location::Path || param.required)
}

fn request_impl(op: &Operation) -> TokenStream {
    let marker = ident(&op.type_name());
    let mut args = Vec::new();
    let mut sets = Vec::new();
    for (index, param) in op.params.iter().enumerate() {
        if is_argument(op, param) {
            let arg = ident(&param.setter);
            args.push(quote!(#arg: impl ::core::convert::AsRef<str>));
            sets.push(quote!(request.set(#index, #arg.as_ref().to_owned());));
        }
    }
    match op.body.as_ref() {
        Some(Body {
            type_name: Some(name),
            content_type,
            ..
        }) if content_type.starts_with("application/json") => {
            let ty = ident(name);
            args.push(quote!(body: types::#ty));
            sets.push(quote!(request.set_json(&body);));
        }
        Some(body) if body.content_type.starts_with("multipart/") => {
            args.push(quote!(body: crate::engine::Multipart));
            sets.push(quote!(request.set_multipart(body);));
        }
        _ => {}
    }
    let setters = op
        .params
        .iter()
        .enumerate()
        .filter(|(_, p)| !is_argument(op, p) && p.credential.is_none())
        .map(|(index, p)| setter(op, index, p));
    let direction = op
        .pagination
        .as_ref()
        .filter(|p| p.previous.is_some())
        .map(|_| {
            quote! {
                /// Which token [`pages`](Self::pages) and [`items`](Self::items)
                /// follow: the next (older) page's, or the previous (newer) one's.
                pub fn direction(mut self, direction: crate::engine::Direction) -> Self {
                    self.set_direction(direction);
                    self
                }
            }
        });
    let new_doc = format!(
        "A request of `{} {}`{}",
        op.method,
        op.path,
        if op.summary.is_empty() {
            ".".to_owned()
        } else {
            format!(
                ": {}",
                op.summary.trim_end_matches('.').to_lowercase() + "."
            )
        }
    );
    let body = if sets.is_empty() {
        quote!(Self::with(client.connection()))
    } else {
        quote! {
            let mut request = Self::with(client.connection());
            #(#sets)*
            request
        }
    };
    quote! {
        impl crate::engine::Request<operations::#marker> {
            #[doc = #new_doc]
            ///
            /// Takes the client to send with and what the operation requires:
            /// its path parameters, its required query parameters and its body.
            pub fn new(client: &impl crate::engine::Connected, #(#args),*) -> Self {
                #body
            }

            #(#setters)*

            #direction
        }
    }
}

/// The descriptors file of one spec.
pub fn render(operations: &[Operation], paths: &Paths<'_>) -> Result<TokenStream, String> {
    let descriptors = operations.iter().map(descriptor);
    let markers = operations.iter().enumerate().map(|(index, op)| {
        let marker = ident(&op.type_name());
        let doc = format!("`{} {}` (`{}`).", op.method, op.path, op.id);
        quote! {
            #[doc = #doc]
            #[derive(Clone, Copy, Debug)]
            pub struct #marker;

            impl #marker {
                /// What the spec says this operation is.
                pub fn operation() -> &'static crate::engine::Operation {
                    &super::OPERATIONS[#index]
                }
            }
        }
    });
    let mut endpoints = Vec::new();
    for op in operations {
        let marker = ident(&op.type_name());
        let output = output(op, paths)?;
        endpoints.push(quote! {
            impl crate::engine::Endpoint for operations::#marker {
                type Output = #output;
                fn operation() -> &'static crate::engine::Operation {
                    operations::#marker::operation()
                }
            }
        });
    }
    let requests = operations.iter().map(request_impl);
    let mut names: Vec<&str> = operations
        .iter()
        .flat_map(|op| &op.params)
        .map(|p| p.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let consts = names.iter().map(|name| {
        let constant = ident(&name.replace(['.', '-'], "_").to_shouty_snake_case());
        let doc = format!("`{name}`");
        quote!(#[doc = #doc] pub const #constant: &str = #name;)
    });
    let mut arms = Vec::new();
    for op in operations {
        let id = &op.id;
        if let Success::Json(name) = &op.success {
            let ty = ident(name);
            arms.push(
                quote!((#id, true) => ::core::option::Option::Some(visitor.visit::<types::#ty>()),),
            );
        }
        if let Some(name) = &op.error {
            let ty = ident(name);
            arms.push(quote!((#id, false) => ::core::option::Option::Some(visitor.visit::<types::#ty>()),));
        }
    }
    Ok(quote! {
        /// What the spec says each operation is: by path, in key order, and
        /// by method within a path.
        pub static OPERATIONS: &[crate::engine::Operation] = &[#(#descriptors),*];

        /// One marker type per operation, named after its `operationId`.
        pub mod operations {
            #(#markers)*
        }

        #(#endpoints)*

        #(#requests)*

        /// Every parameter name the spec uses, as the API spells it.
        pub mod params {
            #(#consts)*
        }

        /// Calls `visitor` with the generated type of `operation_id`'s
        /// response body for `status`, or returns `None` for an operation
        /// the spec does not have.
        pub fn visit_response<V: crate::engine::TypeVisitor>(
            operation_id: &str,
            status: u16,
            visitor: V,
        ) -> ::core::option::Option<V::Output> {
            let success = (200..300).contains(&status);
            match (operation_id, success) {
                #(#arms)*
                _ => ::core::option::Option::None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model;
    use crate::spec::Document;

    const SPEC: &str = r##"
openapi: 3.0.3
paths:
  /2/things/{id}:
    get:
      operationId: getThing
      x-pagination: { token: pagination_token, next: meta.next_token, previous: meta.previous_token }
      parameters:
        - { name: id, in: path, required: true, schema: { type: string } }
        - { name: pagination_token, in: query, schema: { type: string, minLength: 16 } }
        - { name: thing.fields, in: query, x-facade-setter: fields, schema: { $ref: "#/components/schemas/FieldList" } }
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/ThingResponse" }
components:
  schemas:
    Field: { type: string, enum: [a] }
    FieldList: { type: array, items: { $ref: "#/components/schemas/Field" } }
    Thing: { type: object }
    ThingResponse: { type: object, properties: { data: { $ref: "#/components/schemas/Thing" } } }
"##;

    fn rendered() -> String {
        let ops = model::operations(&Document::from_yaml(SPEC).unwrap()).unwrap();
        let tokens = render(
            &ops,
            &Paths {
                page: "crate::x::Page<{item}>",
            },
        )
        .unwrap();
        crate::format(tokens).unwrap()
    }

    #[test]
    fn the_descriptor_carries_the_spec() {
        let code = rendered();
        assert!(code.contains(r#"path: "/2/things/{id}""#), "{code}");
        assert!(
            code.contains("rules: &[crate::engine::Rule::MinLength(16usize)]"),
            "{code}"
        );
        assert!(code.contains(r#"previous: ::core::option::Option::Some("meta.previous_token")"#));
        assert!(code.contains(r#"next: "meta.next_token""#), "{code}");
        assert!(code.contains("next_also: &[]"), "{code}");
        assert!(code.contains("end: &[]"), "{code}");
        let several = SPEC.replace(
            "next: meta.next_token,",
            "next: [meta.next_token, next_token], end: { meta.status: DONE },",
        );
        let ops = model::operations(&Document::from_yaml(&several).unwrap()).unwrap();
        let tokens = render(
            &ops,
            &Paths {
                page: "crate::x::Page<{item}>",
            },
        )
        .unwrap();
        let code = crate::format(tokens).unwrap();
        assert!(code.contains(r#"next_also: &["next_token"]"#), "{code}");
        assert!(
            code.contains(r#"end: &[("meta.status", "DONE")]"#),
            "{code}"
        );
        assert!(
            code.contains("type Output = crate::x::Page<types::Thing>;"),
            "{code}"
        );
    }

    #[test]
    fn setters_and_constructor_follow_the_parameters() {
        let code = rendered();
        assert!(code.contains("pub fn new("), "{code}");
        assert!(
            code.contains("id: impl ::core::convert::AsRef<str>"),
            "{code}"
        );
        assert!(code.contains("pub fn fields<I>"), "{code}");
        assert!(code.contains("pub fn pagination_token("), "{code}");
        assert!(code.contains("self.start_from(token.into())"), "{code}");
        assert!(code.contains("pub fn direction("), "{code}");
        assert!(code.contains(r#"pub const THING_FIELDS: &str = "thing.fields";"#));
    }

    #[test]
    fn a_response_without_items_needs_an_output() {
        let spec = SPEC.replace(
            "data: { $ref: \"#/components/schemas/Thing\" }",
            "other: {}",
        );
        let ops = model::operations(&Document::from_yaml(&spec).unwrap()).unwrap();
        let error = render(
            &ops,
            &Paths {
                page: "crate::x::Page<{item}>",
            },
        )
        .unwrap_err();
        assert!(error.contains("x-output"), "{error}");
    }
}
