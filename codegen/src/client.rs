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
    crate::format(tokens)
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

/// Points every `format: password` parameter at one named schema, which the
/// generator replaces with `crate::secret::Secret`: the generated builders'
/// `Debug` then never shows the value. Returns whether there was any.
fn hide_secret_parameters(doc: &mut Value) -> bool {
    let mut found = false;
    each_parameter(doc, |param| {
        if param.pointer("/schema/format").and_then(Value::as_str) == Some("password") {
            param["schema"] =
                serde_json::json!({ "$ref": format!("#/components/schemas/{SECRET_SCHEMA}") });
            found = true;
        }
    });
    if found {
        doc["components"]["schemas"][SECRET_SCHEMA] = serde_json::json!({ "type": "string" });
    }
    found
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
    fn multipart_bodies_are_dropped_for_progenitor() {
        let mut doc = serde_json::json!({"paths": {"/u": {"post": {
            "requestBody": {"content": {"multipart/form-data": {"schema": {}}}}
        }}}});
        drop_unsupported_bodies(&mut doc);
        assert!(doc.pointer("/paths/~1u/post/requestBody").is_none());
    }
}
