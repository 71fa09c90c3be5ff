//! Loading `openapi/*.yaml`, the checks that need only the specs, and the
//! status-code → response lookup the fixture checks rely on.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use serde_json::{Map, Value};

use codegen::spec::{self as pointer, Document};

use crate::report::Failure;

/// Enough hops for any sane chain of response `$ref`s, while a cycle still
/// ends in a reported failure instead of a hang.
const MAX_REF_HOPS: usize = 32;

pub struct Spec {
    /// Relative to the workspace root, `/`-separated, for messages.
    pub rel_path: String,
    pub doc: Value,
}

pub struct Operation {
    /// Index into [`Api::specs`].
    pub spec: usize,
    /// Pointer to the operation object, e.g. `/paths/~1dm_events/get`.
    pub pointer: String,
}

pub struct Api {
    pub specs: Vec<Spec>,
    /// Keyed by operationId; on a duplicate the first one seen is kept (the
    /// duplicate itself is reported).
    pub operations: BTreeMap<String, Operation>,
}

/// A response object found for a fixture's status, after following `$ref`s.
pub struct Response<'a> {
    /// The key that matched: `"404"`, `"4XX"` or `"default"`.
    pub key: String,
    /// Where the response object itself lives in the spec.
    pub pointer: String,
    pub value: &'a Value,
}

/// A JSON body schema of a response, by media type.
pub struct BodySchema<'a> {
    pub media_type: &'a str,
    pub pointer: String,
    pub schema: &'a Value,
}

/// Loads every spec and runs the spec-only checks (refs, enums, operationIds).
pub fn load(root: &Path, failures: &mut Vec<Failure>) -> Api {
    let mut specs = Vec::new();
    for (rel_path, path) in spec_files(root, failures) {
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) => {
                failures.push(Failure::file(&rel_path, format!("cannot read: {e}")));
                continue;
            }
        };
        match parse_yaml(&text, &rel_path, failures) {
            Some(doc) => specs.push(Spec { rel_path, doc }),
            None => continue,
        }
    }

    for spec in &specs {
        walk(&spec.doc, "", Context::Keywords, &mut |node, at| {
            check_ref(spec, node, at, failures);
            check_enum(spec, node, at, failures);
        });
    }

    let operations = index_operations(&specs, failures);
    Api { specs, operations }
}

fn spec_files(root: &Path, failures: &mut Vec<Failure>) -> Vec<(String, std::path::PathBuf)> {
    let dir = root.join("openapi");
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) => {
            failures.push(Failure::file(
                "openapi",
                format!("cannot read directory: {e}"),
            ));
            return Vec::new();
        }
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && path.extension().is_some_and(|ext| ext == "yaml"))
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?.to_owned();
            Some((format!("openapi/{name}"), path))
        })
        .collect();
    files.sort();
    if files.is_empty() {
        failures.push(Failure::file("openapi", "no *.yaml specs found"));
    }
    files
}

/// The spec as JSON, through the same parser code generation uses.
fn parse_yaml(text: &str, rel_path: &str, failures: &mut Vec<Failure>) -> Option<Value> {
    match Document::parse(text) {
        Ok(document) => Some(document.doc),
        Err(problems) => {
            for problem in problems {
                failures.push(Failure::at(rel_path, &problem.pointer, problem.message));
            }
            None
        }
    }
}

/// Whether an object's keys are OpenAPI/JSON Schema keywords or names chosen
/// by the spec author. It matters because keywords such as `example` hold
/// literal data that must not be checked as spec structure, while a property
/// or response may legitimately be *named* `example` or `default`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Keywords,
    Names,
    /// An entry of an `examples` map, whose `value` is literal data.
    ExampleObject,
}

const NAME_MAPS: [&str; 15] = [
    "paths",
    "properties",
    "patternProperties",
    "definitions",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "content",
    "encoding",
    "variables",
];

const LITERAL_KEYWORDS: [&str; 4] = ["example", "default", "enum", "const"];

/// Visits every object in the spec that is spec structure (not literal
/// example/default/enum data), with its JSON pointer.
fn walk(
    value: &Value,
    at: &str,
    context: Context,
    visit: &mut dyn FnMut(&Map<String, Value>, &str),
) {
    match value {
        Value::Object(map) => {
            if context != Context::Names {
                visit(map, at);
            }
            for (key, child) in map {
                let child_context = match context {
                    Context::Names => Context::Keywords,
                    Context::ExampleObject if key == "value" => continue,
                    Context::Keywords | Context::ExampleObject => {
                        if LITERAL_KEYWORDS.contains(&key.as_str()) {
                            continue;
                        } else if key == "examples" {
                            // Schema `examples` (JSON Schema) is a list and
                            // handled below; OpenAPI `examples` is a map of
                            // Example objects.
                            if let Value::Object(entries) = child {
                                let entries_at = pointer::push(at, key);
                                for (name, entry) in entries {
                                    walk(
                                        entry,
                                        &pointer::push(&entries_at, name),
                                        Context::ExampleObject,
                                        visit,
                                    );
                                }
                            }
                            continue;
                        } else if NAME_MAPS.contains(&key.as_str()) && child.is_object() {
                            Context::Names
                        } else {
                            Context::Keywords
                        }
                    }
                };
                walk(child, &pointer::push(at, key), child_context, visit);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(
                    item,
                    &pointer::push(at, &i.to_string()),
                    Context::Keywords,
                    visit,
                );
            }
        }
        _ => {}
    }
}

fn check_ref(spec: &Spec, node: &Map<String, Value>, at: &str, failures: &mut Vec<Failure>) {
    let Some(Value::String(reference)) = node.get("$ref") else {
        return;
    };
    let at = pointer::push(at, "$ref");
    match pointer::local_ref(reference) {
        None => failures.push(Failure::at(
            &spec.rel_path,
            &at,
            format!("$ref \"{reference}\" is not a local JSON-pointer ref (\"#/...\"); external refs are not supported"),
        )),
        Some(target) if spec.doc.pointer(&target).is_none() => failures.push(
            Failure::at(&spec.rel_path, &at, format!("$ref \"{reference}\" does not resolve")),
        ),
        Some(_) => {}
    }
}

fn check_enum(spec: &Spec, node: &Map<String, Value>, at: &str, failures: &mut Vec<Failure>) {
    let Some(Value::Array(values)) = node.get("enum") else {
        return;
    };
    let at = pointer::push(at, "enum");
    for (i, value) in values.iter().enumerate() {
        let mut earlier = values[..i].iter().enumerate().filter(|(_, v)| *v == value);
        // Report each repeated value once, at its second occurrence.
        if let (Some((first, _)), None) = (earlier.next(), earlier.next()) {
            failures.push(Failure::at(
                &spec.rel_path,
                &at,
                format!("value {value} repeats (indexes {first} and {i})"),
            ));
        }
    }
}

fn index_operations(specs: &[Spec], failures: &mut Vec<Failure>) -> BTreeMap<String, Operation> {
    let mut operations: BTreeMap<String, Operation> = BTreeMap::new();
    for (index, spec) in specs.iter().enumerate() {
        if spec.doc.get("paths").and_then(Value::as_object).is_none() {
            failures.push(Failure::file(&spec.rel_path, "no `paths` object"));
            continue;
        }
        let document = Document {
            doc: spec.doc.clone(),
        };
        for op in document.operations() {
            let Some(id) = op.id else {
                failures.push(Failure::at(
                    &spec.rel_path,
                    &op.pointer,
                    "operation has no operationId",
                ));
                continue;
            };
            if let Some(first) = operations.get(id) {
                failures.push(Failure::at(
                    &spec.rel_path,
                    &pointer::push(&op.pointer, "operationId"),
                    format!(
                        "operationId \"{id}\" is already used by {}: {}",
                        specs[first.spec].rel_path, first.pointer
                    ),
                ));
                continue;
            }
            operations.insert(
                id.to_owned(),
                Operation {
                    spec: index,
                    pointer: op.pointer,
                },
            );
        }
    }
    operations
}

impl Api {
    pub fn spec_of(&self, op: &Operation) -> &Spec {
        &self.specs[op.spec]
    }

    /// The response documented for `status`: the exact code, else its range
    /// (`4XX`), else `default` — the precedence OpenAPI 3.0 defines.
    pub fn response(&self, op: &Operation, status: u16) -> Result<Response<'_>, String> {
        let spec = self.spec_of(op);
        let responses_at = pointer::push(&op.pointer, "responses");
        let responses = spec.doc.pointer(&responses_at).and_then(Value::as_object);
        let exact = status.to_string();
        let range = format!("{}XX", status / 100);
        let candidates = [
            exact.clone(),
            range.clone(),
            range.to_lowercase(),
            "default".to_owned(),
        ];
        let Some((key, value)) = candidates
            .iter()
            .find_map(|key| responses?.get(key).map(|value| (key, value)))
        else {
            return Err(format!(
                "no response for status {status} in {} {op_at} (looked for \"{exact}\", \"{range}\", \"default\")",
                spec.rel_path,
                op_at = op.pointer,
            ));
        };

        let mut at = pointer::push(&responses_at, key);
        let mut value = value;
        for _ in 0..MAX_REF_HOPS {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return Ok(Response {
                    key: key.clone(),
                    pointer: at,
                    value,
                });
            };
            // An unresolvable ref was already reported by the spec check.
            let target = pointer::local_ref(reference)
                .ok_or_else(|| format!("response {key} has an external $ref \"{reference}\""))?;
            value = spec
                .doc
                .pointer(&target)
                .ok_or_else(|| format!("response {key} $ref \"{reference}\" does not resolve"))?;
            at = target;
        }
        Err(format!("response {key} has a $ref cycle"))
    }
}

impl Response<'_> {
    /// The JSON media types of the response that carry a schema.
    pub fn body_schemas(&self) -> Vec<BodySchema<'_>> {
        let Some(content) = self.value.get("content").and_then(Value::as_object) else {
            return Vec::new();
        };
        let content_at = pointer::push(&self.pointer, "content");
        content
            .iter()
            .filter(|(media_type, _)| is_json(media_type))
            .filter_map(|(media_type, media)| {
                Some(BodySchema {
                    media_type,
                    pointer: pointer::push(&pointer::push(&content_at, media_type), "schema"),
                    schema: media.get("schema")?,
                })
            })
            .collect()
    }
}

fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}
