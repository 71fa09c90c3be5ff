//! The second half of fixture validation: a fixture that matches its schema
//! must also decode into the generated Rust type, and writing that value back
//! out must keep every field the spec declares.
//!
//! The round trip treats an absent field, `null`, `[]` and `{}` as the same
//! value: the generated types skip empty optional fields when they serialize,
//! and the specs give those forms no separate meaning. Any other difference,
//! or a declared field that disappears, is a failure. Fields the spec does not
//! declare may be dropped; keeping them is the facade's job.

use std::collections::BTreeSet;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use x_dm::engine::TypeVisitor;
use x_dm::{tweetapi, x};

use crate::fixtures::Fixture;
use crate::report::Failure;
use crate::spec::Api;
use codegen::spec as pointer;

/// Decodes `value` into the type generated for the fixture's operation and
/// status, and checks the round trip.
pub fn check(api: &Api, fixture: &Fixture, value: &Value) -> Vec<Failure> {
    let declared = match api.operations.get(&fixture.operation_id) {
        Some(op) => declared_properties(&api.spec_of(op).doc),
        None => BTreeSet::new(),
    };
    let visitor = RoundTrip {
        value,
        declared: &declared,
        file: &fixture.rel_path,
    };
    let id = fixture.operation_id.as_str();
    let status = fixture.status;
    // The map from operation to type is generated from the specs too.
    x::generated::visit_response(id, status, visitor)
        .or_else(|| {
            let visitor = RoundTrip {
                value,
                declared: &declared,
                file: &fixture.rel_path,
            };
            tweetapi::generated::visit_response(id, status, visitor)
        })
        .unwrap_or_else(|| {
            vec![Failure::file(
                &fixture.rel_path,
                format!("no generated type for `{id}` and status {status} in either spec"),
            )]
        })
}

/// Decodes a fixture into the generated type it is visited with.
struct RoundTrip<'a> {
    value: &'a Value,
    declared: &'a BTreeSet<String>,
    file: &'a str,
}

impl TypeVisitor for RoundTrip<'_> {
    type Output = Vec<Failure>;

    fn visit<T: DeserializeOwned + Serialize + 'static>(self) -> Vec<Failure> {
        round_trip::<T>(self.value, self.declared, self.file)
    }
}

fn round_trip<T: DeserializeOwned + Serialize>(
    value: &Value,
    declared: &BTreeSet<String>,
    file: &str,
) -> Vec<Failure> {
    let decoded: T = match serde_path_to_error::deserialize(value) {
        Ok(decoded) => decoded,
        Err(error) => {
            let at = path_pointer(error.path());
            let message = format!(
                "does not decode into `{}`: {}",
                std::any::type_name::<T>(),
                error.inner()
            );
            return vec![Failure::at(file, &at, message)];
        }
    };
    let written = match serde_json::to_value(&decoded) {
        Ok(written) => written,
        Err(error) => return vec![Failure::file(file, format!("does not serialize: {error}"))],
    };
    let mut failures = Vec::new();
    compare(value, &written, "", declared, file, &mut failures);
    failures
}

fn compare(
    original: &Value,
    written: &Value,
    at: &str,
    declared: &BTreeSet<String>,
    file: &str,
    failures: &mut Vec<Failure>,
) {
    match (original, written) {
        (Value::Object(original), Value::Object(written)) => {
            for (key, value) in original {
                let here = pointer::push(at, key);
                match written.get(key) {
                    Some(back) => compare(value, back, &here, declared, file, failures),
                    None if is_empty(value) || !declared.contains(key) => {}
                    None => failures.push(Failure::at(
                        file,
                        &here,
                        "declared field lost in the decode/encode round trip",
                    )),
                }
            }
        }
        (Value::Array(original), Value::Array(written)) if original.len() == written.len() => {
            for (i, (value, back)) in original.iter().zip(written).enumerate() {
                let here = pointer::push(at, &i.to_string());
                compare(value, back, &here, declared, file, failures);
            }
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => {}
        (original, written) if original == written => {}
        (original, written) => failures.push(Failure::at(
            file,
            at,
            format!("round trip changed {original} into {written}"),
        )),
    }
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        _ => false,
    }
}

/// Every property name declared anywhere in a spec.
///
/// Global rather than per-schema: following `oneOf` branches to know exactly
/// which schema applies at each point is the validator's job, and a name
/// declared elsewhere can only make this check stricter.
fn declared_properties(doc: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut stack = vec![doc];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(fields) => {
                if let Some(Value::Object(properties)) = fields.get("properties") {
                    names.extend(properties.keys().cloned());
                }
                stack.extend(fields.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    names
}

fn path_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .fold(String::new(), |at, token| pointer::push(&at, &token))
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};
    use serde_json::json;

    use super::*;

    /// Declares `name` and `tags`, but, like a mis-generated type, keeps only
    /// `name`.
    #[derive(Deserialize, Serialize)]
    struct Lossy {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nick: Option<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<String>,
    }

    fn declared() -> BTreeSet<String> {
        ["name", "nick", "tags", "lost"].map(str::to_owned).into()
    }

    #[test]
    fn a_declared_field_that_does_not_survive_is_reported() {
        let failures = round_trip::<Lossy>(&json!({"name": "a", "lost": 1}), &declared(), "f.json");
        assert_eq!(
            failures,
            [Failure::at(
                "f.json",
                "/lost",
                "declared field lost in the decode/encode round trip"
            )]
        );
    }

    #[test]
    fn null_empty_and_undeclared_fields_may_disappear() {
        let value = json!({"name": "a", "nick": null, "tags": [], "unknown": {"x": 1}});
        assert!(round_trip::<Lossy>(&value, &declared(), "f.json").is_empty());
    }

    #[test]
    fn a_decode_error_names_the_json_pointer() {
        let failures = round_trip::<Lossy>(
            &json!({"name": "a", "tags": ["ok", 7]}),
            &declared(),
            "f.json",
        );
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].pointer.as_deref(), Some("/tags/1"));
    }

    #[test]
    fn a_changed_value_is_reported() {
        // f32 cannot hold 0.1 exactly, so it comes back as another number.
        #[derive(Deserialize, Serialize)]
        struct Narrow {
            n: f32,
        }
        let failures = round_trip::<Narrow>(&json!({"n": 0.1}), &declared(), "f.json");
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert_eq!(failures[0].pointer.as_deref(), Some("/n"));
        assert!(
            failures[0]
                .message
                .starts_with("round trip changed 0.1 into")
        );
        let failures =
            round_trip::<Lossy>(&json!({"name": "a", "tags": ["x"]}), &declared(), "f.json");
        assert!(failures.is_empty(), "{failures:?}");
    }

    #[test]
    fn declared_names_come_from_every_properties_object() {
        let spec = json!({"components": {"schemas": {
            "A": {"properties": {"a": {}, "b": {"properties": {"c": {}}}}},
            "B": {"oneOf": [{"properties": {"d": {}}}]}
        }}});
        let names: Vec<String> = declared_properties(&spec).into_iter().collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
    }
}
