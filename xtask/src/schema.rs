//! OpenAPI 3.0 schema objects → JSON Schema (Draft 4, the draft OAS 3.0 is
//! closest to), compiled validators, and readable validation errors.

use std::collections::HashMap;

use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::{Map, Value, json};

use crate::report::Failure;
use crate::spec::Spec;

/// Keywords that only mean something to OpenAPI. Draft 4 would ignore most of
/// them anyway; dropping them keeps `nullable` from being silently ignored
/// and keeps literal `example` data out of the compiled schema.
const OPENAPI_ONLY: [&str; 8] = [
    "nullable",
    "discriminator",
    "example",
    "xml",
    "externalDocs",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Rewrites one OpenAPI 3.0 schema object into an equivalent Draft 4 schema.
pub fn convert(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        if OPENAPI_ONLY.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let converted = match key.as_str() {
            "properties" | "patternProperties" | "definitions" => match value {
                Value::Object(schemas) => Value::Object(
                    schemas
                        .iter()
                        .map(|(name, schema)| (name.clone(), convert(schema)))
                        .collect(),
                ),
                other => other.clone(),
            },
            "allOf" | "anyOf" | "oneOf" => match value {
                Value::Array(schemas) => Value::Array(schemas.iter().map(convert).collect()),
                other => other.clone(),
            },
            "items" => match value {
                Value::Array(schemas) => Value::Array(schemas.iter().map(convert).collect()),
                other => convert(other),
            },
            // `convert` leaves booleans alone, which both keywords allow.
            "additionalProperties" | "not" => convert(value),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        make_nullable(out)
    } else {
        Value::Object(out)
    }
}

fn make_nullable(mut schema: Map<String, Value>) -> Value {
    // `type` cannot express "null or X" for these: `$ref` siblings are ignored
    // in Draft 4, and a composition would still reject null through its
    // subschemas.
    let composite = ["$ref", "allOf", "anyOf", "oneOf", "not"]
        .iter()
        .any(|key| schema.contains_key(*key));
    if composite {
        return json!({ "anyOf": [{ "type": "null" }, Value::Object(schema)] });
    }
    match schema.get_mut("type") {
        Some(Value::String(single)) if single != "null" => {
            let single = single.clone();
            schema.insert("type".into(), json!([single, "null"]));
        }
        Some(Value::Array(types)) if !types.contains(&json!("null")) => types.push(json!("null")),
        _ => {}
    }
    if let Some(Value::Array(values)) = schema.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    Value::Object(schema)
}

/// The document a response schema is compiled from: the converted schema at
/// the root, plus the converted `components` at the same place as in the
/// spec, so `#/components/schemas/X` refs resolve unchanged and nothing is
/// ever fetched from the network or the filesystem.
fn root_document(schema: &Value, spec: &Value) -> Value {
    let mut root = match convert(schema) {
        Value::Object(map) => map,
        other => [("allOf".to_owned(), json!([other]))].into_iter().collect(),
    };
    let schemas = spec
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|schemas| {
            schemas
                .iter()
                .map(|(name, schema)| (name.clone(), convert(schema)))
                .collect::<Map<_, _>>()
        })
        .unwrap_or_default();
    root.insert("components".into(), json!({ "schemas": schemas }));
    Value::Object(root)
}

/// A response body schema ready to validate against. The document is kept
/// because error locations point into it, and naming the schemas involved
/// is what makes a `oneOf` failure fixable.
pub struct Compiled {
    document: Value,
    validator: Validator,
}

impl Compiled {
    pub fn new(schema: &Value, spec: &Value) -> Result<Self, String> {
        let document = root_document(schema, spec);
        let validator = jsonschema::draft4::options()
            .should_validate_formats(true)
            .build(&document)
            .map_err(|e| e.to_string())?;
        Ok(Self {
            document,
            validator,
        })
    }

    pub fn violations(&self, instance: &Value) -> Vec<Violation> {
        let mut out = Vec::new();
        for error in self.validator.iter_errors(instance) {
            self.flatten(&error, &mut out);
        }
        out.dedup();
        out
    }

    /// "Not valid under any of anyOf/oneOf" at an object is useless for
    /// finding a typo ten levels down. When all but one branch reject the
    /// value's very type (the usual case for `nullable` wrappers), that
    /// branch is the one the author meant, so its errors are reported
    /// instead.
    fn flatten(&self, error: &ValidationError<'_>, out: &mut Vec<Violation>) {
        let here = error.instance_path().as_str();
        let mut message = self.describe(error);
        if let ValidationErrorKind::AnyOf { context }
        | ValidationErrorKind::OneOfNotValid { context } = error.kind()
        {
            let plausible: Vec<_> = context
                .iter()
                .filter(|branch| {
                    !branch.iter().any(|e| {
                        matches!(e.kind(), ValidationErrorKind::Type { .. })
                            && e.instance_path().as_str() == here
                    })
                })
                .collect();
            if let [branch] = plausible.as_slice() {
                for e in *branch {
                    self.flatten(e, out);
                }
                return;
            }
            // Several candidates: name the closest one's first problem.
            let closest = plausible
                .iter()
                .map(|branch| {
                    let mut inner = Vec::new();
                    for e in *branch {
                        self.flatten(e, &mut inner);
                    }
                    inner
                })
                .filter(|inner| !inner.is_empty())
                .min_by_key(Vec::len);
            if let Some(first) = closest.as_ref().and_then(|inner| inner.first()) {
                let at = if first.pointer.is_empty() {
                    "(root)"
                } else {
                    &first.pointer
                };
                message.push_str(&format!(
                    " (closest match fails at {at}: {})",
                    first.message
                ));
            }
        }
        out.push(Violation {
            pointer: here.to_owned(),
            message,
        });
    }

    /// The library's message, with whole objects and arrays elided (echoing
    /// a 2 KB fixture back makes the line unreadable) and, for a `oneOf`
    /// that matched several branches, which ones: that is a schema bug, and
    /// the fix starts from their names.
    fn describe(&self, error: &ValidationError<'_>) -> String {
        let mut message = match error.instance().as_ref() {
            Value::Object(_) => error.masked_with("{...}").to_string(),
            Value::Array(_) => error.masked_with("[...]").to_string(),
            _ => error.to_string(),
        };
        if let ValidationErrorKind::OneOfMultipleValid { context } = error.kind() {
            let at = error.schema_path().as_str();
            let branches = self.document.pointer(at).and_then(Value::as_array);
            let matched: Vec<String> = context
                .iter()
                .enumerate()
                .filter(|(_, errors)| errors.is_empty())
                .map(|(i, _)| {
                    branches
                        .and_then(|b| b.get(i))
                        .and_then(|b| b.get("$ref"))
                        .and_then(Value::as_str)
                        .map_or_else(|| format!("#{at}/{i}"), str::to_owned)
                })
                .collect();
            message.push_str(&format!(" ({at} matched {})", matched.join(", ")));
        }
        message
    }
}

/// Compiled validators, built once per response body schema however many
/// fixtures use it.
#[derive(Default)]
pub struct Validators {
    built: HashMap<(String, String), Option<Compiled>>,
}

impl Validators {
    /// The validator for the schema at `at` in `spec`, or `None` if it does
    /// not compile (reported once, against the spec).
    pub fn get(
        &mut self,
        spec: &Spec,
        at: &str,
        schema: &Value,
        failures: &mut Vec<Failure>,
    ) -> Option<&Compiled> {
        self.built
            .entry((spec.rel_path.clone(), at.to_owned()))
            .or_insert_with(|| {
                Compiled::new(schema, &spec.doc)
                    .map_err(|e| {
                        failures.push(Failure::at(
                            &spec.rel_path,
                            at,
                            format!("cannot compile as JSON Schema: {e}"),
                        ));
                    })
                    .ok()
            })
            .as_ref()
    }
}

/// One reason an instance does not match, at a pointer inside the instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn validate(schema: Value, spec: Value, instance: Value) -> Vec<Violation> {
        Compiled::new(&schema, &spec)
            .expect("schema compiles")
            .violations(&instance)
    }

    #[test]
    fn nullable_type_accepts_null_only_when_nullable() {
        let spec = json!({});
        assert!(
            validate(
                json!({"type": "string", "nullable": true}),
                spec.clone(),
                Value::Null
            )
            .is_empty()
        );
        assert!(!validate(json!({"type": "string"}), spec.clone(), Value::Null).is_empty());
        assert!(
            !validate(
                json!({"type": "string", "nullable": false}),
                spec,
                Value::Null
            )
            .is_empty()
        );
    }

    #[test]
    fn nullable_enum_gets_null_added() {
        let schema = json!({"type": "string", "enum": ["a", "b"], "nullable": true});
        let spec = json!({});
        assert!(validate(schema.clone(), spec.clone(), Value::Null).is_empty());
        assert!(validate(schema.clone(), spec.clone(), json!("a")).is_empty());
        assert!(!validate(schema, spec, json!("c")).is_empty());
    }

    #[test]
    fn nullable_ref_and_composition_accept_null() {
        let spec =
            json!({"components": {"schemas": {"A": {"type": "object", "required": ["id"]}}}});
        let by_ref = json!({"$ref": "#/components/schemas/A", "nullable": true});
        let by_all_of = json!({"allOf": [{"$ref": "#/components/schemas/A"}], "nullable": true});
        for schema in [by_ref, by_all_of] {
            assert!(validate(schema.clone(), spec.clone(), Value::Null).is_empty());
            assert!(validate(schema.clone(), spec.clone(), json!({"id": 1})).is_empty());
            // The nullable wrapper must not hide the real problem's pointer.
            assert_eq!(
                validate(schema, spec.clone(), json!({})),
                vec![Violation {
                    pointer: String::new(),
                    message: "\"id\" is a required property".into()
                }]
            );
        }
        let not_nullable = json!({"$ref": "#/components/schemas/A"});
        assert!(!validate(not_nullable, spec, Value::Null).is_empty());
    }

    #[test]
    fn openapi_only_keywords_do_not_break_validation() {
        let schema = json!({
            "type": "object",
            "discriminator": {"propertyName": "kind"},
            "example": {"kind": 1},
            "xml": {"name": "x"},
            "externalDocs": {"url": "https://example.com"},
            "deprecated": true,
            "x-rust-type": "Foo",
            "properties": {
                "kind": {"type": "string", "readOnly": true, "writeOnly": false},
                "x-literal": {"type": "integer"}
            }
        });
        assert!(
            validate(
                schema.clone(),
                json!({}),
                json!({"kind": "a", "x-literal": 1})
            )
            .is_empty()
        );
        // A property *named* `x-...` is still checked.
        assert_eq!(
            validate(schema, json!({}), json!({"x-literal": "no"}))[0].pointer,
            "/x-literal"
        );
    }

    #[test]
    fn one_of_matching_several_branches_names_them() {
        let spec = json!({"components": {"schemas": {
            "Known": {"type": "object", "properties": {"type": {"enum": ["a"]}}},
            "Generic": {"type": "object"}
        }}});
        let schema = json!({"oneOf": [
            {"$ref": "#/components/schemas/Known"},
            {"$ref": "#/components/schemas/Generic"}
        ]});
        let found = validate(schema, spec, json!({"type": "a"}));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.ends_with(
                "(/oneOf matched #/components/schemas/Known, #/components/schemas/Generic)"
            ),
            "{found:?}"
        );
    }
}
