//! The progenitor client, generated from a copy of the spec prepared for it.
//!
//! Constraints are moved out of the generated types on purpose: progenitor's
//! builders swallow conversion errors ("conversion to `X` for id failed"),
//! while the descriptors let the check name the parameter or JSON path, the
//! rule and the value. Array query parameters are swapped for `CommaList<T>`
//! so that they go out as one comma-separated value, as X expects.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::Operation;
use crate::spec::{self, Document};

/// What the generated clients carry for the hooks: the credential and the
/// retry and rate-limit policies.
const INNER_TYPE: &str = "crate::engine::Session";

/// The schema name `format: password` parameters get for generation.
const SECRET_SCHEMA: &str = "XDmSecretParameter";

/// Keywords that become checks instead of generated newtypes.
const CONSTRAINTS: &[&str] = &[
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
];

/// The generated client's source, formatted.
pub fn render(doc: &Document, operations: &[Operation], module: &str) -> Result<String, String> {
    let mut prepared = doc.doc.clone();
    strip_parameter_constraints(&mut prepared);
    drop_nullable_of_optional_lists(&mut prepared);
    strip_body_constraints(doc, &mut prepared)?;
    drop_unsupported_bodies(&mut prepared);
    let secrets = hide_secret_parameters(&mut prepared);

    let lists: BTreeMap<&str, &str> = operations
        .iter()
        .flat_map(|op| &op.params)
        .filter_map(|p| p.list.as_ref())
        .map(|(list, item)| (list.as_str(), item.as_str()))
        .collect();
    let api: openapiv3::OpenAPI = serde_json::from_value(prepared).map_err(|e| e.to_string())?;
    let mut settings = progenitor::GenerationSettings::new();
    settings
        .with_interface(progenitor::InterfaceStyle::Builder)
        .with_tag(progenitor::TagStyle::Merged)
        .with_hooks(progenitor::HooksMode::Expected)
        .with_inner_type(INNER_TYPE.parse().map_err(|e| format!("{e}"))?);
    if secrets {
        settings.with_replacement(SECRET_SCHEMA, "crate::secret::Secret", std::iter::empty());
    }
    for (list, item) in &lists {
        settings.with_replacement(
            list,
            format!("crate::wire::CommaList<{module}::types::{item}>"),
            std::iter::empty(),
        );
    }
    let tokens = progenitor::Generator::new(&settings)
        .generate_tokens(&api)
        .map_err(|e| e.to_string())?;
    let mut file: syn::File = syn::parse2(tokens).map_err(|e| e.to_string())?;
    read_null_as_default(&mut file);
    Ok(prettyplease::unparse(&file))
}

/// Every operation object of a prepared document.
fn each_operation(doc: &mut Value, mut f: impl FnMut(&mut Value)) {
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for method in spec::METHODS {
                if let Some(op) = item.get_mut(method) {
                    f(op);
                }
            }
        }
    }
}

/// Every parameter object, inline or shared.
fn each_parameter(doc: &mut Value, mut f: impl FnMut(&mut Value)) {
    if let Some(shared) = doc
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        shared.values_mut().for_each(&mut f);
    }
    each_operation(doc, |op| {
        if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
            params.iter_mut().for_each(&mut f);
        }
    });
}

fn strip_parameter_constraints(doc: &mut Value) {
    each_parameter(doc, |param| {
        if let Some(schema) = param.get_mut("schema").and_then(Value::as_object_mut) {
            for keyword in CONSTRAINTS {
                schema.remove(*keyword);
            }
        }
    });
}

/// Removes constraints from every schema a request body reaches, so that the
/// generated body types take any value and the pre-send check names the JSON
/// path of a bad one.
fn strip_body_constraints(original: &Document, doc: &mut Value) -> Result<(), String> {
    let mut names = Vec::new();
    each_operation(doc, |op| {
        if let Some(content) = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
        {
            for media in content.values() {
                collect_refs(&media["schema"], &mut names);
            }
        }
    });
    let mut seen = std::collections::BTreeSet::new();
    while let Some(name) = names.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let schema = original
            .schema(&name)
            .ok_or_else(|| format!("a body names `{name}`, which is not a schema"))?;
        collect_refs(schema, &mut names);
    }
    for name in seen {
        if let Some(schema) = doc.pointer_mut(&spec::push("/components/schemas", &name)) {
            strip_tree(schema);
        }
    }
    Ok(())
}

fn collect_refs(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(name) = spec::ref_name(value) {
                into.push(name.to_owned());
            }
            map.values().for_each(|v| collect_refs(v, into));
        }
        Value::Array(list) => list.iter().for_each(|v| collect_refs(v, into)),
        _ => {}
    }
}

fn strip_tree(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // Keys of `properties` are field names, not keywords.
            let is_schema = map.contains_key("type")
                || map.contains_key("items")
                || map.contains_key("enum")
                || CONSTRAINTS.iter().any(|k| map.contains_key(*k));
            if is_schema {
                for keyword in CONSTRAINTS {
                    if map.get(*keyword).is_some_and(|v| !v.is_object()) {
                        map.remove(*keyword);
                    }
                }
                // "At least one of these fields" is a check, not a type.
                if crate::rules::any_field(map).is_some() {
                    map.remove("anyOf");
                }
            }
            map.values_mut().for_each(strip_tree);
        }
        Value::Array(list) => list.iter_mut().for_each(strip_tree),
        _ => {}
    }
}

/// progenitor takes JSON, form and octet-stream bodies only; a multipart
/// body is sent by the facade, from the descriptor, and the generated method
/// goes without it.
fn drop_unsupported_bodies(doc: &mut Value) {
    each_operation(doc, |op| {
        let unsupported = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
            .is_some_and(|content| content.keys().all(|t| t.starts_with("multipart/")));
        if unsupported && let Some(op) = op.as_object_mut() {
            op.remove("requestBody");
        }
    });
}

/// Points every `format: password` parameter and body property at one named
/// schema, which the generator replaces with `crate::secret::Secret`: the
/// generated types' and builders' `Debug` then never shows the value.
/// Returns whether there was any.
fn hide_secret_parameters(doc: &mut Value) -> bool {
    let secret = || serde_json::json!({ "$ref": format!("#/components/schemas/{SECRET_SCHEMA}") });
    let mut found = false;
    each_parameter(doc, |param| {
        if param.pointer("/schema/format").and_then(Value::as_str) == Some("password") {
            param["schema"] = secret();
            found = true;
        }
    });
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        for schema in schemas.values_mut() {
            found |= hide_secret_properties(schema, &secret);
        }
    }
    if found {
        doc["components"]["schemas"][SECRET_SCHEMA] = serde_json::json!({ "type": "string" });
    }
    found
}

/// Points the `format: password` properties under `schema`, however deep,
/// at the secret schema; whether there was any.
fn hide_secret_properties(schema: &mut Value, secret: &impl Fn() -> Value) -> bool {
    let mut found = false;
    match schema {
        Value::Object(map) => {
            if let Some(properties) = map.get_mut("properties").and_then(Value::as_object_mut) {
                for property in properties.values_mut() {
                    if property.get("format").and_then(Value::as_str) == Some("password") {
                        *property = secret();
                        found = true;
                    }
                }
            }
            for value in map.values_mut() {
                found |= hide_secret_properties(value, secret);
            }
        }
        Value::Array(list) => {
            for value in list {
                found |= hide_secret_properties(value, secret);
            }
        }
        _ => {}
    }
    found
}

/// What the generated types call to read `null` as an empty list or map.
const NULL_AS_DEFAULT: &str = "crate::engine::nulls::or_default";

/// Removes `nullable` from the optional array properties of every component
/// schema.
///
/// Every optional list reads `null` as empty anyway (see
/// [`read_null_as_default`]); left in, `nullable` would only make typify wrap
/// those few lists in an `Option`, unlike every other list.
fn drop_nullable_of_optional_lists(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for schema in schemas.values_mut() {
        let required: Vec<String> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for (name, property) in properties.iter_mut() {
            if required.contains(name) {
                continue;
            }
            if let Some(property) = property.as_object_mut()
                && property.get("type").and_then(Value::as_str) == Some("array")
            {
                property.remove("nullable");
            }
        }
    }
}

/// Makes every optional list and map of the generated types read `null` as
/// empty, as an absent field is read.
///
/// X sends `null` for optional fields, where its schemas say so and where
/// they do not, and one such value must not fail a whole page. Optional
/// fields of other types are `Option`s, which read `null` as `None` already;
/// lists and maps get typify's plain `#[serde(default)]`, which does not.
fn read_null_as_default(file: &mut syn::File) {
    let attribute: syn::Attribute =
        syn::parse_quote!(#[serde(deserialize_with = #NULL_AS_DEFAULT)]);
    for item in &mut file.items {
        let syn::Item::Mod(module) = item else {
            continue;
        };
        if module.ident != "types" {
            continue;
        }
        for item in module.content.iter_mut().flat_map(|(_, items)| items) {
            let syn::Item::Struct(item) = item else {
                continue;
            };
            for field in &mut item.fields {
                if has_plain_default(&field.attrs) {
                    field.attrs.push(attribute.clone());
                }
            }
        }
    }
}

/// Whether a field says `#[serde(default)]` without a function of its own.
fn has_plain_default(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .any(|attr| {
            let mut plain = false;
            let parsed = attr.parse_nested_meta(|meta| {
                if meta.input.peek(syn::Token![=]) {
                    meta.value()?.parse::<syn::Expr>()?;
                } else if meta.path.is_ident("default") {
                    plain = true;
                }
                Ok(())
            });
            plain && parsed.is_ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_constraints_leave_the_generated_types_and_field_names_stay() {
        let spec = r##"
openapi: 3.0.3
paths:
  /m:
    post:
      operationId: send
      requestBody:
        content:
          application/json:
            schema: { $ref: "#/components/schemas/New" }
      responses: { "204": { description: ok } }
components:
  schemas:
    New:
      type: object
      properties:
        maxLength: { type: string, maxLength: 3 }
        parts: { type: array, maxItems: 1, items: { $ref: "#/components/schemas/Part" } }
    Part: { type: string, pattern: "^a$" }
    Untouched: { type: string, pattern: "^b$" }
"##;
        let original = Document::from_yaml(spec).unwrap();
        let mut doc = original.doc.clone();
        strip_body_constraints(&original, &mut doc).unwrap();
        let schemas = &doc["components"]["schemas"];
        assert!(schemas["New"]["properties"]["maxLength"].is_object());
        assert!(
            schemas["New"]["properties"]["maxLength"]
                .get("maxLength")
                .is_none()
        );
        assert!(
            schemas["New"]["properties"]["parts"]
                .get("maxItems")
                .is_none()
        );
        assert!(schemas["Part"].get("pattern").is_none());
        assert_eq!(schemas["Untouched"]["pattern"], "^b$");
    }

    #[test]
    fn optional_lists_lose_nullable_and_plain_defaults_read_null() {
        let mut doc = serde_json::json!({"components": {"schemas": {"A": {
            "required": ["kept"],
            "properties": {
                "kept": {"type": "array", "nullable": true},
                "list": {"type": "array", "nullable": true},
                "text": {"type": "string", "nullable": true}
            }
        }}}});
        drop_nullable_of_optional_lists(&mut doc);
        let properties = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(properties["kept"]["nullable"], true);
        assert!(properties["list"].get("nullable").is_none());
        assert_eq!(properties["text"]["nullable"], true);

        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct A {
                    #[serde(default)]
                    pub list: Vec<u8>,
                    #[serde(default = "f")]
                    pub other: Vec<u8>,
                }
            }
        };
        read_null_as_default(&mut file);
        let code = prettyplease::unparse(&file);
        assert_eq!(
            code.matches("crate::engine::nulls::or_default").count(),
            1,
            "{code}"
        );
    }

    #[test]
    fn multipart_bodies_are_dropped_for_progenitor() {
        let mut doc = serde_json::json!({"paths": {"/u": {"post": {
            "requestBody": {"content": {"multipart/form-data": {"schema": {}}}}
        }}}});
        drop_unsupported_bodies(&mut doc);
        assert!(doc.pointer("/paths/~1u/post/requestBody").is_none());
    }
}
