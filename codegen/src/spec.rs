//! One spec document and its one `$ref` resolver, shared by code generation
//! and `cargo xtask validate`.

use serde_json::Value;

/// The HTTP methods an OpenAPI path item may hold, in the order the
/// specification lists them.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Enough hops for any sane chain of `$ref`s, while a cycle still ends in an
/// error instead of a hang.
const MAX_REF_HOPS: usize = 32;

/// A spec, parsed from YAML into JSON values.
#[derive(Clone, Debug)]
pub struct Document {
    /// The whole document.
    pub doc: Value,
}

/// Where an operation lives in its document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationAt<'a> {
    /// The path template, such as `/2/dm_events/{event_id}`.
    pub path: &'a str,
    /// The lower-case method key, such as `get`.
    pub method: &'static str,
    /// The operation's `operationId`, if it has one.
    pub id: Option<&'a str>,
    /// A JSON pointer to the operation object.
    pub pointer: String,
    /// The operation object.
    pub value: &'a Value,
}

impl Document {
    /// Parses a YAML spec, or says everything that stops it being JSON.
    pub fn parse(text: &str) -> Result<Self, Vec<Problem>> {
        let mut yaml: serde_norway::Value = serde_norway::from_str(text).map_err(|e| {
            vec![Problem {
                pointer: String::new(),
                message: format!("invalid YAML: {e}"),
            }]
        })?;
        yaml.apply_merge().map_err(|e| {
            vec![Problem {
                pointer: String::new(),
                message: format!("invalid YAML merge key: {e}"),
            }]
        })?;
        let mut problems = Vec::new();
        let doc = yaml_to_json(yaml, "", &mut problems);
        if !doc.is_object() {
            problems.push(Problem {
                pointer: String::new(),
                message: "the spec is not a mapping".to_owned(),
            });
        }
        if problems.is_empty() {
            Ok(Self { doc })
        } else {
            Err(problems)
        }
    }

    /// Parses a YAML spec; the first problem is the error.
    pub fn from_yaml(text: &str) -> Result<Self, String> {
        Self::parse(text).map_err(|problems| {
            problems
                .iter()
                .map(|p| format!("{}: {}", p.pointer, p.message))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    /// `value` itself, or what its `$ref` chain leads to.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Result<&'a Value, String> {
        let mut value = value;
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(value);
            };
            let pointer =
                local_ref(reference).ok_or_else(|| format!("external $ref `{reference}`"))?;
            value = self
                .doc
                .pointer(&pointer)
                .ok_or_else(|| format!("unresolved $ref `{reference}`"))?;
        }
        Err("a $ref cycle".to_owned())
    }

    /// Every operation, path by path in key order (serde_json's maps are
    /// sorted), and in [`METHODS`] order within a path.
    pub fn operations(&self) -> Vec<OperationAt<'_>> {
        let mut out = Vec::new();
        let Some(paths) = self.doc.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            let item_at = push("/paths", path);
            for method in METHODS {
                let Some(value) = item.get(method) else {
                    continue;
                };
                out.push(OperationAt {
                    path,
                    method,
                    id: value.get("operationId").and_then(Value::as_str),
                    pointer: push(&item_at, method),
                    value,
                });
            }
        }
        out
    }

    /// The named component schema.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.doc.pointer(&push("/components/schemas", name))
    }
}

/// Something in a spec's YAML that JSON cannot say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where, as a JSON pointer.
    pub pointer: String,
    /// What.
    pub message: String,
}

/// Converts by hand rather than deserializing straight into a JSON value
/// because YAML allows non-string keys, and OpenAPI specs routinely write
/// `responses: {200: ...}` with an integer key.
fn yaml_to_json(yaml: serde_norway::Value, at: &str, problems: &mut Vec<Problem>) -> Value {
    use serde_norway::Value as Y;
    let mut problem = |message: String| {
        problems.push(Problem {
            pointer: at.to_owned(),
            message,
        });
    };
    match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::String(s) => Value::String(s),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into()
            } else if let Some(u) = n.as_u64() {
                u.into()
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f).map_or_else(
                    || {
                        problem(format!("number {n} has no JSON equivalent"));
                        Value::Null
                    },
                    Value::Number,
                )
            }
        }
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, &push(at, &i.to_string()), problems))
                .collect(),
        ),
        Y::Mapping(mapping) => {
            let mut out = serde_json::Map::new();
            for (key, value) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => {
                        problems.push(Problem {
                            pointer: at.to_owned(),
                            message: format!("mapping key {other:?} is not a scalar"),
                        });
                        continue;
                    }
                };
                let child = yaml_to_json(value, &push(at, &key), problems);
                out.insert(key, child);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, at, problems),
    }
}

/// The last segment of a schema's `$ref`: the name of the component, and of
/// the type generated for it.
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.rsplit('/').next()
}

/// Appends one reference token to a JSON pointer (RFC 6901), escaped so that
/// keys such as `/dm_events` or `application/json` stay one segment.
pub fn push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// The JSON pointer a same-document `$ref` names, or `None` for anything
/// else. Refs are URI fragments, so they may be percent-encoded on top of the
/// pointer escaping.
pub fn local_ref(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment)?;
    (decoded.is_empty() || decoded.starts_with('/')).then_some(decoded)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
paths:
  /a/{id}:
    get: { operationId: getA }
    post: { operationId: postA }
components:
  schemas:
    One: { $ref: "#/components/schemas/Two" }
    Two: { type: string }
    Loop: { $ref: "#/components/schemas/Loop" }
"##;

    #[test]
    fn refs_are_followed_to_the_end_and_cycles_are_errors() {
        let doc = Document::from_yaml(SPEC).unwrap();
        let one = doc.schema("One").unwrap();
        assert_eq!(doc.resolve(one).unwrap()["type"], "string");
        assert!(doc.resolve(doc.schema("Loop").unwrap()).is_err());
        let missing = serde_json::json!({"$ref": "#/components/schemas/Nope"});
        assert!(doc.resolve(&missing).unwrap_err().contains("unresolved"));
        let external = serde_json::json!({"$ref": "other.yaml#/x"});
        assert!(doc.resolve(&external).unwrap_err().contains("external"));
    }

    #[test]
    fn operations_come_in_path_and_method_order() {
        let doc = Document::from_yaml(SPEC).unwrap();
        let ops = doc.operations();
        let ids: Vec<_> = ops.iter().map(|op| op.id.unwrap()).collect();
        assert_eq!(ids, ["getA", "postA"]);
        assert_eq!(ops[1].pointer, "/paths/~1a~1{id}/post");
    }

    #[test]
    fn integer_keys_become_strings_and_bad_keys_are_named() {
        let doc = Document::parse("responses:\n  200: { description: ok }\n").unwrap();
        assert_eq!(doc.doc["responses"]["200"]["description"], "ok");
        let problems = Document::parse("a:\n  ? [1, 2]\n  : x\n").unwrap_err();
        assert_eq!(problems[0].pointer, "/a");
        assert!(problems[0].message.contains("not a scalar"));
    }

    #[test]
    fn pointers_escape_and_refs_decode() {
        assert_eq!(push("/paths", "/a~b"), "/paths/~1a~0b");
        assert_eq!(
            local_ref("#/components/schemas/A%20B").as_deref(),
            Some("/components/schemas/A B")
        );
        assert_eq!(local_ref("other#/x"), None);
        assert_eq!(local_ref("#x"), None);
    }
}
