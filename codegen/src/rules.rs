//! Schema keywords as the rules the client checks before sending.
//!
//! A keyword the runtime check does not implement fails generation, so that a
//! constraint written in a spec is never silently lost.

use serde_json::{Map, Value};

use crate::model::BodyRule;
use crate::spec::Document;

/// One constraint from a schema.
#[derive(Clone, Debug, PartialEq)]
pub enum Rule {
    /// `minimum` / `maximum` of an integer.
    Range {
        /// The least value allowed.
        min: Option<i64>,
        /// The greatest value allowed.
        max: Option<i64>,
    },
    /// `minLength` of a string, in characters.
    MinLength(u64),
    /// `maxLength` of a string, in characters.
    MaxLength(u64),
    /// `pattern` of a string (ECMA 262).
    Pattern(String),
    /// `minItems` of an array.
    MinItems(u64),
    /// `maxItems` of an array.
    MaxItems(u64),
    /// `enum` of a value, or of each item of an array.
    OneOf(Vec<String>),
    /// `anyOf` of `required` lists, one field each: an object that must have
    /// at least one of these fields (a message's text or attachments).
    AnyField(Vec<String>),
}

/// Keywords that no check implements yet.
const UNSUPPORTED: &[&str] = &["exclusiveMinimum", "exclusiveMaximum", "multipleOf"];

/// The rules of one schema (with its items resolved, for an array).
pub fn of(schema: &Map<String, Value>) -> Result<Vec<Rule>, String> {
    if let Some(keyword) = UNSUPPORTED.iter().find(|k| schema.contains_key(**k)) {
        return Err(format!("uses `{keyword}`, which no check implements yet"));
    }
    for key in ["minimum", "maximum"] {
        if schema.get(key).is_some_and(|v| v.as_i64().is_none()) {
            return Err(format!(
                "`{key}` is not a whole number, which no check implements yet"
            ));
        }
    }
    let enum_values = schema
        .get("items")
        .and_then(|items| items.get("enum"))
        .or_else(|| schema.get("enum"))
        .and_then(Value::as_array);
    if enum_values.is_some_and(|values| values.iter().any(|v| !v.is_string())) {
        return Err("an `enum` that is not of strings, which no check implements yet".to_owned());
    }
    let int = |key: &str| schema.get(key).and_then(Value::as_i64);
    let count = |key: &str| schema.get(key).and_then(Value::as_u64);
    let mut rules = Vec::new();
    if int("minimum").is_some() || int("maximum").is_some() {
        rules.push(Rule::Range {
            min: int("minimum"),
            max: int("maximum"),
        });
    }
    if let Some(n) = count("minLength") {
        rules.push(Rule::MinLength(n));
    }
    if let Some(n) = count("maxLength") {
        rules.push(Rule::MaxLength(n));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        rules.push(Rule::Pattern(pattern.to_owned()));
    }
    if let Some(n) = count("minItems") {
        rules.push(Rule::MinItems(n));
    }
    if let Some(n) = count("maxItems") {
        rules.push(Rule::MaxItems(n));
    }
    let allowed = schema
        .get("items")
        .and_then(|items| items.get("enum"))
        .or_else(|| schema.get("enum"))
        .and_then(Value::as_array);
    if let Some(fields) = any_field(schema) {
        rules.push(Rule::AnyField(fields));
    }
    if let Some(values) = allowed {
        rules.push(Rule::OneOf(
            values
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ));
    }
    Ok(rules)
}

/// The fields of an `anyOf` whose every alternative only requires one
/// field, the way JSON Schema says "at least one of these".
pub(crate) fn any_field(schema: &Map<String, Value>) -> Option<Vec<String>> {
    schema
        .get("anyOf")?
        .as_array()?
        .iter()
        .map(|alternative| {
            let alternative = alternative.as_object()?;
            let required = alternative.get("required")?.as_array()?;
            match (alternative.len(), required.as_slice()) {
                (1, [field]) => field.as_str().map(str::to_owned),
                _ => None,
            }
        })
        .collect()
}

/// How deep a body schema is walked; bodies are shallow, and a recursive
/// schema must still end.
const MAX_DEPTH: usize = 8;

/// The rules of a JSON body, one entry per place that has a rule or must be
/// present. Array items are written `name[]`.
pub fn of_body(doc: &Document, schema: &Value) -> Result<Vec<BodyRule>, String> {
    let mut out = Vec::new();
    walk(doc, schema, "", true, 0, &mut out)?;
    Ok(out)
}

fn walk(
    doc: &Document,
    schema: &Value,
    path: &str,
    required: bool,
    depth: usize,
    out: &mut Vec<BodyRule>,
) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Ok(());
    }
    let schema = doc.resolve(schema)?;
    let Some(object) = schema.as_object() else {
        return Ok(());
    };
    // `allOf` parts all apply. One-of shapes are left to the server, since a
    // rule that holds in one shape may not in another, unless every shape is
    // closed (`additionalProperties: false`): a field then belongs to the
    // shapes that name it, and its rules apply wherever it is present, though
    // no shape's fields are required of the others.
    for part in object
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(doc, part, path, required, depth + 1, out)?;
    }
    let shapes = object.get("oneOf").and_then(Value::as_array);
    let closed = |shape: &Value| {
        doc.resolve(shape)
            .is_ok_and(|shape| shape.get("additionalProperties") == Some(&Value::Bool(false)))
    };
    if let Some(shapes) = shapes.filter(|shapes| shapes.iter().all(closed)) {
        for shape in shapes {
            let mut open = doc.resolve(shape)?.clone();
            if let Some(shape) = open.as_object_mut() {
                shape.remove("required");
            }
            walk(doc, &open, path, false, depth + 1, out)?;
        }
    }
    let mut resolved = object.clone();
    if let Some(items) = object.get("items") {
        resolved.insert("items".into(), doc.resolve(items)?.clone());
    }
    let rules = of(&resolved).map_err(|e| format!("body `{path}`: {e}"))?;
    let secret = object.get("format").and_then(Value::as_str) == Some("password");
    let credential = object
        .get("x-credential")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if credential.is_some() && (path.contains('.') || path.contains('[')) {
        return Err(format!(
            "body `{path}`: `x-credential` is only read on a top-level body field"
        ));
    }
    let legacy = object.get("x-legacy").and_then(Value::as_bool) == Some(true);
    // The body itself (the empty path) has a place only for a rule of its own.
    let placed = if path.is_empty() {
        !rules.is_empty()
    } else {
        required || secret || legacy || credential.is_some() || !rules.is_empty()
    };
    if placed {
        out.push(BodyRule {
            path: path.to_owned(),
            required,
            secret,
            credential,
            rules,
            legacy,
        });
    }
    let needed: Vec<&str> = object
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if let Some(properties) = object.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            let child = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            walk(
                doc,
                property,
                &child,
                needed.contains(&name.as_str()),
                depth + 1,
                out,
            )?;
        }
    }
    if let Some(items) = object.get("items") {
        walk(doc, items, &format!("{path}[]"), false, depth + 1, out)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(schema: Value) -> Result<Vec<Rule>, String> {
        of(schema.as_object().unwrap())
    }

    #[test]
    fn an_any_of_single_required_fields_is_one_rule_and_other_any_ofs_none() {
        let got = rules(serde_json::json!({
            "type": "object", "anyOf": [{"required": ["text"]}, {"required": ["attachments"]}]
        }))
        .unwrap();
        assert_eq!(
            got,
            [Rule::AnyField(vec!["text".into(), "attachments".into()])]
        );
        let shapes = rules(serde_json::json!({
            "anyOf": [{"required": ["a", "b"]}, {"type": "string"}]
        }))
        .unwrap();
        assert!(shapes.is_empty(), "{shapes:?}");
    }

    #[test]
    fn every_supported_keyword_becomes_a_rule() {
        let got = rules(serde_json::json!({
            "type": "string", "minLength": 1, "maxLength": 5, "pattern": "^a", "enum": ["a", "ab"]
        }))
        .unwrap();
        assert_eq!(
            got,
            [
                Rule::MinLength(1),
                Rule::MaxLength(5),
                Rule::Pattern("^a".into()),
                Rule::OneOf(vec!["a".into(), "ab".into()]),
            ]
        );
        let list = rules(serde_json::json!({
            "type": "array", "minItems": 1, "maxItems": 50, "items": {"enum": ["x"]}
        }))
        .unwrap();
        assert_eq!(
            list,
            [
                Rule::MinItems(1),
                Rule::MaxItems(50),
                Rule::OneOf(vec!["x".into()])
            ]
        );
    }

    #[test]
    fn an_unsupported_keyword_fails_instead_of_vanishing() {
        let error = rules(serde_json::json!({"type": "integer", "multipleOf": 2})).unwrap_err();
        assert!(error.contains("multipleOf"), "{error}");
        let error = rules(serde_json::json!({"type": "number", "minimum": 0.5})).unwrap_err();
        assert!(error.contains("minimum"), "{error}");
        let error = rules(serde_json::json!({"type": "integer", "enum": [1, 2]})).unwrap_err();
        assert!(error.contains("enum"), "{error}");
    }

    #[test]
    fn body_rules_follow_refs_properties_items_and_all_of() {
        let doc = Document::from_yaml(
            r##"
openapi: 3.0.3
paths: {}
components:
  schemas:
    Message:
      allOf:
        - { $ref: "#/components/schemas/Text" }
        - type: object
          properties:
            attachments:
              type: array
              maxItems: 1
              items: { $ref: "#/components/schemas/Attachment" }
    Text:
      type: object
      required: [text]
      properties:
        text: { type: string, minLength: 1, maxLength: 10000 }
        note: { type: string }
        pin: { type: string, format: password }
        authToken: { type: string, format: password, x-credential: auth_token }
    Attachment:
      type: object
      required: [media_id]
      properties:
        media_id: { type: string, pattern: "^[0-9]+$" }
    Media:
      type: object
      properties:
        closed:
          type: array
          items:
            oneOf:
              - { type: object, additionalProperties: false, required: [url], properties: { url: { type: string, minLength: 1 } } }
              - { type: object, additionalProperties: false, required: [data, type], properties: { data: { type: string }, type: { type: string, minLength: 1 } } }
        open:
          oneOf:
            - { type: object, properties: { a: { type: string, minLength: 1 } } }
            - { type: object, additionalProperties: false, properties: { b: { type: string, minLength: 1 } } }
"##,
        )
        .unwrap();
        let schema = serde_json::json!({"$ref": "#/components/schemas/Message"});
        let got = of_body(&doc, &schema).unwrap();
        let paths: Vec<_> = got
            .iter()
            .map(|r| (r.path.as_str(), r.required, r.rules.len()))
            .collect();
        assert!(got.iter().any(|r| r.path == "pin" && r.secret), "{got:?}");
        let secrets = ["pin", "authToken"];
        assert!(
            got.iter()
                .all(|r| r.secret == secrets.contains(&r.path.as_str()))
        );
        let filled: Vec<_> = got.iter().filter_map(|r| r.credential.as_deref()).collect();
        assert_eq!(filled, ["auth_token"], "{got:?}");
        let paths: Vec<_> = paths
            .into_iter()
            .filter(|(p, ..)| !secrets.contains(p))
            .collect();
        assert_eq!(
            paths,
            [
                ("text", true, 2),
                ("attachments", false, 1),
                ("attachments[].media_id", true, 1),
            ]
        );
        let media = serde_json::json!({"$ref": "#/components/schemas/Media"});
        let got = of_body(&doc, &media).unwrap();
        let paths: Vec<_> = got
            .iter()
            .map(|r| (r.path.as_str(), r.required, r.rules.len()))
            .collect();
        assert_eq!(
            paths,
            [("closed[].url", false, 1), ("closed[].type", false, 1)],
            "closed shapes' rules apply where present, none is required; an open one-of is the server's"
        );
    }

    #[test]
    fn any_of_required_fields_becomes_a_rule_of_its_object_the_body_itself_included() {
        let doc = Document::from_yaml(
            r##"
openapi: 3.0.3
paths: {}
components:
  schemas:
    Settings:
      type: object
      anyOf: [{ required: [a] }, { required: [av] }]
      properties:
        a: { type: string }
        av: { $ref: "#/components/schemas/Av" }
    Av:
      type: object
      anyOf: [{ required: [on] }]
      properties:
        on: { type: boolean }
"##,
        )
        .unwrap();
        let got = of_body(
            &doc,
            &serde_json::json!({"$ref": "#/components/schemas/Settings"}),
        )
        .unwrap();
        let places: Vec<_> = got
            .iter()
            .map(|r| (r.path.as_str(), r.rules.clone()))
            .collect();
        assert_eq!(
            places,
            [
                ("", vec![Rule::AnyField(vec!["a".into(), "av".into()])]),
                ("av", vec![Rule::AnyField(vec!["on".into()])]),
            ]
        );
    }
}
