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
    /// `x-required-any` of an object: at least one of these fields is set.
    AnyOf(Vec<String>),
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
    // `allOf` parts all apply; one-of shapes are left to the server, since a
    // rule that holds in one shape may not in another.
    for part in object
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        walk(doc, part, path, required, depth + 1, out)?;
    }
    let mut resolved = object.clone();
    if let Some(items) = object.get("items") {
        resolved.insert("items".into(), doc.resolve(items)?.clone());
    }
    let mut rules = of(&resolved).map_err(|e| format!("body `{path}`: {e}"))?;
    if let Some(names) = object.get("x-required-any") {
        let names = names
            .as_array()
            .ok_or_else(|| format!("body `{path}`: `x-required-any` is not a list"))?;
        rules.push(Rule::AnyOf(
            names
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        ));
    }
    let secret = object.get("format").and_then(Value::as_str) == Some("password");
    let legacy = object.get("x-legacy").and_then(Value::as_bool) == Some(true);
    // The body itself (the empty path) has a place only for a rule of its own.
    let placed = if path.is_empty() {
        !rules.is_empty()
    } else {
        required || secret || legacy || !rules.is_empty()
    };
    if placed {
        out.push(BodyRule {
            path: path.to_owned(),
            required,
            secret,
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
    Attachment:
      type: object
      required: [media_id]
      properties:
        media_id: { type: string, pattern: "^[0-9]+$" }
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
        assert!(got.iter().all(|r| r.secret == (r.path == "pin")));
        let paths: Vec<_> = paths.into_iter().filter(|(p, ..)| *p != "pin").collect();
        assert_eq!(
            paths,
            [
                ("text", true, 2),
                ("attachments", false, 1),
                ("attachments[].media_id", true, 1),
            ]
        );
    }

    #[test]
    fn required_any_becomes_a_rule_of_its_object_the_body_itself_included() {
        let doc = Document::from_yaml(
            r##"
openapi: 3.0.3
paths: {}
components:
  schemas:
    Settings:
      type: object
      x-required-any: [a, av]
      properties:
        a: { type: string }
        av: { $ref: "#/components/schemas/Av" }
    Av:
      type: object
      x-required-any: [on]
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
                ("", vec![Rule::AnyOf(vec!["a".into(), "av".into()])]),
                ("av", vec![Rule::AnyOf(vec!["on".into()])]),
            ]
        );
    }
}
