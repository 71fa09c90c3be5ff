//! Finding fixtures under `tests/fixtures/` and judging each one against the
//! response schema its directory and file name point at.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::report::Failure;
use crate::schema::{Validators, Violation};
use crate::spec::Api;

const FIXTURES_DIR: &str = "tests/fixtures";
const NEGATIVE_DIR: &str = "invalid";

pub struct Fixture {
    pub operation_id: String,
    pub status: u16,
    /// Lives under `invalid/` and must be rejected by the schema.
    pub negative: bool,
    pub path: PathBuf,
    /// Relative to the workspace root, `/`-separated, for messages.
    pub rel_path: String,
}

#[derive(Default)]
pub struct Tree {
    /// Every operation directory, with how many positive fixtures it holds.
    pub dirs: BTreeMap<String, usize>,
    /// Sorted by path, so output order is stable.
    pub fixtures: Vec<Fixture>,
}

pub enum Verdict {
    /// A positive fixture that matches its schema, parsed.
    Valid(Value),
    /// A negative fixture that its schema rejects, as it should.
    Rejected,
    /// Something was wrong; already reported.
    Failed,
}

pub fn discover(root: &Path, failures: &mut Vec<Failure>) -> Tree {
    let mut tree = Tree::default();
    let Ok(entries) = fs::read_dir(root.join(FIXTURES_DIR)) else {
        // Every operation will be reported as lacking fixtures, which says it all.
        return tree;
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        // Loose files at the top level are not operation fixtures; other
        // tests may keep data there.
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let Some(operation_id) = file_name(&dir) else {
            continue;
        };
        let rel_dir = format!("{FIXTURES_DIR}/{operation_id}");
        let before = tree.fixtures.len();
        scan(
            &dir,
            &rel_dir,
            &operation_id,
            false,
            &mut tree.fixtures,
            failures,
        );
        let positive = tree.fixtures[before..]
            .iter()
            .filter(|f| !f.negative)
            .count();
        tree.dirs.insert(operation_id, positive);
    }
    tree
}

fn scan(
    dir: &Path,
    rel_dir: &str,
    operation_id: &str,
    negative: bool,
    fixtures: &mut Vec<Fixture>,
    failures: &mut Vec<Failure>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            failures.push(Failure::file(
                rel_dir,
                format!("cannot read directory: {e}"),
            ));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    let mut subdirs = Vec::new();
    for path in paths {
        let Some(name) = file_name(&path) else {
            continue;
        };
        // `.gitkeep` and editor droppings are not fixtures.
        if name.starts_with('.') {
            continue;
        }
        let rel_path = format!("{rel_dir}/{name}");
        if path.is_dir() {
            if !negative && name == NEGATIVE_DIR {
                subdirs.push((path, rel_path));
            } else {
                failures.push(Failure::file(
                    &rel_path,
                    format!("unexpected directory (only `{NEGATIVE_DIR}/` is allowed here)"),
                ));
            }
            continue;
        }
        match parse_name(&name) {
            Some(status) => fixtures.push(Fixture {
                operation_id: operation_id.to_owned(),
                status,
                negative,
                path,
                rel_path,
            }),
            None => failures.push(Failure::file(
                &rel_path,
                "fixture name must be <status>-<name>.json with a 3-digit HTTP status (e.g. 200-seed.json)",
            )),
        }
    }
    for (path, rel_path) in subdirs {
        scan(&path, &rel_path, operation_id, true, fixtures, failures);
    }
}

fn file_name(path: &Path) -> Option<String> {
    path.file_name()?.to_str().map(str::to_owned)
}

/// `404-not-found.json` → 404.
fn parse_name(name: &str) -> Option<u16> {
    let stem = name.strip_suffix(".json")?;
    let (status, rest) = stem.split_once('-')?;
    if status.len() != 3 || rest.is_empty() || !status.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let status: u16 = status.parse().ok()?;
    (100..=599).contains(&status).then_some(status)
}

/// Operations without a positive fixture, and directories that match no
/// operation (usually a typo or a renamed operationId).
pub fn check_coverage(api: &Api, tree: &Tree, failures: &mut Vec<Failure>) {
    for (operation_id, op) in &api.operations {
        if tree.dirs.get(operation_id).copied().unwrap_or(0) == 0 {
            failures.push(Failure::at(
                &api.spec_of(op).rel_path,
                &op.pointer,
                format!(
                    "operation \"{operation_id}\" has no positive fixture (expected {FIXTURES_DIR}/{operation_id}/<status>-<name>.json)"
                ),
            ));
        }
    }
    for operation_id in tree.dirs.keys() {
        if !api.operations.contains_key(operation_id) {
            failures.push(Failure::file(
                &format!("{FIXTURES_DIR}/{operation_id}"),
                format!("no operation has operationId \"{operation_id}\""),
            ));
        }
    }
}

/// Validates one fixture against every JSON body schema of its response; it
/// matches if any of them accepts it.
pub fn check(
    fixture: &Fixture,
    api: &Api,
    validators: &mut Validators,
    failures: &mut Vec<Failure>,
) -> Verdict {
    let file = fixture.rel_path.as_str();
    // Unknown directories are reported once by `check_coverage`.
    let Some(op) = api.operations.get(&fixture.operation_id) else {
        return Verdict::Failed;
    };
    let response = match api.response(op, fixture.status) {
        Ok(response) => response,
        Err(reason) => {
            failures.push(Failure::file(file, reason));
            return Verdict::Failed;
        }
    };
    let instance: Value = match fs::read_to_string(&fixture.path)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str(&text).map_err(|e| format!("invalid JSON: {e}")))
    {
        Ok(instance) => instance,
        Err(reason) => {
            failures.push(Failure::file(file, reason));
            return Verdict::Failed;
        }
    };

    let spec = api.spec_of(op);
    let bodies = response.body_schemas();
    if bodies.is_empty() {
        failures.push(Failure::file(
            file,
            format!(
                "response {} ({}: {}) has no JSON body schema to validate against",
                response.key, spec.rel_path, response.pointer
            ),
        ));
        return Verdict::Failed;
    }

    let mut results = Vec::new();
    for body in &bodies {
        // A schema that does not compile was reported against the spec.
        let Some(compiled) = validators.get(spec, &body.pointer, body.schema, failures) else {
            return Verdict::Failed;
        };
        let violations = compiled.violations(&instance);
        if violations.is_empty() {
            if fixture.negative {
                failures.push(Failure::file(
                    file,
                    format!(
                        "negative fixture passes validation against response {} ({}); it must fail",
                        response.key, body.media_type
                    ),
                ));
                return Verdict::Failed;
            }
            return Verdict::Valid(instance);
        }
        results.push((body.media_type, violations));
    }

    if fixture.negative {
        return Verdict::Rejected;
    }
    // Media types usually share one schema; say their common errors once.
    let mut grouped: Vec<(Vec<&str>, Vec<Violation>)> = Vec::new();
    for (media_type, violations) in results {
        match grouped.iter_mut().find(|(_, seen)| *seen == violations) {
            Some((media_types, _)) => media_types.push(media_type),
            None => grouped.push((vec![media_type], violations)),
        }
    }
    let label_media = grouped.len() > 1;
    for (media_types, violations) in grouped {
        for violation in violations {
            let message = if label_media {
                format!("{} [{}]", violation.message, media_types.join(", "))
            } else {
                violation.message
            };
            failures.push(Failure::at(file, &violation.pointer, message));
        }
    }
    Verdict::Failed
}

#[cfg(test)]
mod tests {
    use super::parse_name;

    #[test]
    fn fixture_names() {
        assert_eq!(parse_name("200-seed.json"), Some(200));
        assert_eq!(parse_name("429-rate-limited.json"), Some(429));
        assert_eq!(parse_name("200.json"), None);
        assert_eq!(parse_name("200-.json"), None);
        assert_eq!(parse_name("2000-x.json"), None);
        assert_eq!(parse_name("099-x.json"), None);
        assert_eq!(parse_name("200-x.yaml"), None);
    }
}
