//! The pre-send check: every parameter and body field against the
//! constraints its spec declares.
//!
//! The rules are not written here: codegen reads them from the specs into the
//! generated descriptors. The check runs on the finished request, so it sees
//! exactly what would be sent, whichever builder produced it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock, RwLock};

use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::descriptor::{BodyRule, Location, Operation, Param, Rule};

/// A parameter or body value that breaks a rule of the spec. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidParameter {
    /// The parameter's name as the API spells it, such as `max_results`, or
    /// the JSON path of a body field, such as `$.attachments[0].media_id`.
    pub parameter: Cow<'static, str>,
    /// The rule, in words, such as `must be an integer from 1 to 100`.
    pub rule: String,
    /// The refused value, or `None` for a secret parameter.
    pub value: Option<String>,
}

impl InvalidParameter {
    /// A refusal of `parameter` for breaking `rule`.
    pub fn new(
        parameter: impl Into<Cow<'static, str>>,
        rule: impl Into<String>,
        value: Option<String>,
    ) -> Self {
        Self {
            parameter: parameter.into(),
            rule: rule.into(),
            value,
        }
    }
}

impl fmt::Display for InvalidParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.parameter == "$" || self.parameter.starts_with("$.") {
            write!(f, "invalid body at `{}`: {}", self.parameter, self.rule)?;
        } else {
            write!(f, "invalid parameter `{}`: {}", self.parameter, self.rule)?;
        }
        match &self.value {
            Some(value) => write!(f, " (got {value:?})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for InvalidParameter {}

/// Checks `url` against `operation`'s parameters and requirements.
///
/// `exempt` names a parameter whose length and pattern rules do not apply:
/// the page token the API itself just handed out, which the client follows
/// as it is.
pub fn check_url(
    operation: &Operation,
    url: &reqwest::Url,
    exempt: Option<&str>,
) -> Result<(), InvalidParameter> {
    let path = path_values(operation.path, url);
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let value_of = |param: &Param| match param.location {
        Location::Path => path
            .iter()
            .find(|(name, _)| *name == param.name)
            .map(|(_, value)| value.clone()),
        Location::Query => query
            .iter()
            .find(|(name, _)| name == param.name)
            .map(|(_, value)| value.clone()),
    };
    for param in operation.params {
        match value_of(param) {
            Some(value) if Some(param.name) == exempt => check_kind(param, &value)?,
            Some(value) => check_value(param, &value)?,
            None if param.required => {
                return Err(refuse(param, "is required".to_owned(), None));
            }
            None => {}
        }
    }
    for requirement in operation.requirements {
        let Some(fields) = operation.param(requirement.param) else {
            continue;
        };
        if value_of(fields).is_none() {
            continue;
        }
        let expanded = operation
            .param(requirement.expansions)
            .and_then(value_of)
            .is_some_and(|listed| {
                listed
                    .split(',')
                    .any(|expansion| requirement.any_of.contains(&expansion))
            });
        if !expanded {
            let names: Vec<String> = requirement
                .any_of
                .iter()
                .map(|e| format!("`{e}`"))
                .collect();
            return Err(InvalidParameter::new(
                requirement.param,
                format!(
                    "selects fields of objects that only an expansion returns: add {} to `{}`",
                    names.join(" or "),
                    requirement.expansions
                ),
                None,
            ));
        }
    }
    Ok(())
}

/// Checks a JSON body against `operation`'s body rules.
pub fn check_body(operation: &Operation, body: Option<&Value>) -> Result<(), InvalidParameter> {
    let Some(spec) = &operation.body else {
        return Ok(());
    };
    let Some(body) = body else {
        if spec.required {
            return Err(InvalidParameter::new("$.", "a body is required", None));
        }
        return Ok(());
    };
    for rule in spec.rules {
        // The empty path is the body itself.
        let segments: Vec<&str> = match rule.path {
            "" => Vec::new(),
            path => path.split('.').collect(),
        };
        visit(
            body,
            &segments,
            "$".to_owned(),
            &mut |at, value| match value {
                None if rule.required => Err(InvalidParameter::new(at, "is required", None)),
                None => Ok(()),
                Some(value) => check_json(at, rule, value),
            },
        )?;
    }
    Ok(())
}

/// What [`visit`] calls at each place: its JSON path and its value, if any.
type Check<'a> = dyn FnMut(String, Option<&Value>) -> Result<(), InvalidParameter> + 'a;

/// Calls `f` for each place `segments` names under `value`, with its JSON
/// path; `None` where the place is missing from a parent that exists.
fn visit(
    value: &Value,
    segments: &[&str],
    at: String,
    f: &mut Check<'_>,
) -> Result<(), InvalidParameter> {
    let Some((first, rest)) = segments.split_first() else {
        return f(at, Some(value));
    };
    let (name, each) = match first.strip_suffix("[]") {
        Some(name) => (name, true),
        None => (*first, false),
    };
    let Some(object) = value.as_object() else {
        // A shape the rules do not describe is the server's to judge.
        return Ok(());
    };
    let at = format!("{at}.{name}");
    let Some(child) = object.get(name).filter(|v| !v.is_null()) else {
        return if rest.is_empty() && !each {
            f(at, None)
        } else {
            Ok(())
        };
    };
    if !each {
        return visit(child, rest, at, f);
    }
    if let Some(items) = child.as_array() {
        for (i, item) in items.iter().enumerate() {
            visit(item, rest, format!("{at}[{i}]"), f)?;
        }
    }
    Ok(())
}

fn check_json(at: String, place: &BodyRule, value: &Value) -> Result<(), InvalidParameter> {
    for rule in place.rules {
        let broken = match (*rule, value) {
            (Rule::Range { min, max }, Value::Number(n)) => n
                .as_i64()
                .is_none_or(|n| min.is_some_and(|min| n < min) || max.is_some_and(|max| n > max)),
            (Rule::MinLength(n), Value::String(s)) => s.chars().count() < n,
            (Rule::MaxLength(n), Value::String(s)) => s.chars().count() > n,
            (Rule::Pattern(pattern), Value::String(s)) => !matches_pattern(pattern, s),
            (Rule::MinItems(n), Value::Array(items)) => items.len() < n,
            (Rule::MaxItems(n), Value::Array(items)) => items.len() > n,
            (Rule::OneOf(allowed), Value::String(s)) => !allowed.contains(&s.as_str()),
            (Rule::OneOf(allowed), Value::Array(items)) => items
                .iter()
                .any(|item| item.as_str().is_none_or(|s| !allowed.contains(&s))),
            // An empty list holds nothing, as a missing one.
            (Rule::AnyField(fields), Value::Object(object)) => !fields.iter().any(|field| {
                object
                    .get(*field)
                    .is_some_and(|v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()))
            }),
            _ => false,
        };
        if broken {
            let shown = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            // An object may hold secrets of its own; its path says enough.
            let shown = (!place.secret && !value.is_object()).then(|| excerpt(&shown));
            return Err(InvalidParameter::new(at, describe(rule), shown));
        }
    }
    Ok(())
}

/// A refused body value, cut short: a 10,000-character text need not be
/// repeated whole in an error.
fn excerpt(value: &str) -> String {
    const MAX: usize = 80;
    match value.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &value[..end]),
        None => value.to_owned(),
    }
}

/// Pairs each `{name}` of the template with the matching segment of the URL.
///
/// Segments are matched from the end because the base URL may carry a path
/// prefix of its own (a proxy, or a test server's mount point).
pub fn path_values<'t>(template: &'t str, url: &reqwest::Url) -> Vec<(&'t str, String)> {
    path_values_of(template, url.path())
}

/// [`path_values`] for a bare path.
pub fn path_values_of<'t>(template: &'t str, path: &str) -> Vec<(&'t str, String)> {
    let template: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let actual: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if actual.len() < template.len() {
        return Vec::new();
    }
    let actual = &actual[actual.len() - template.len()..];
    template
        .iter()
        .zip(actual)
        .filter_map(|(part, segment)| {
            let name = part.strip_prefix('{')?.strip_suffix('}')?;
            let value = percent_decode_str(segment).decode_utf8_lossy().into_owned();
            Some((name, value))
        })
        .collect()
}

/// Checks one value of one parameter against all of its rules.
pub fn check_value(param: &Param, value: &str) -> Result<(), InvalidParameter> {
    check_rules(param, value, |_| true)
}

/// Checks only what a value must be, not how long or what shape: for the
/// token the API handed out.
fn check_kind(param: &Param, value: &str) -> Result<(), InvalidParameter> {
    check_rules(param, value, |rule| {
        !matches!(
            rule,
            Rule::MinLength(_) | Rule::MaxLength(_) | Rule::Pattern(_)
        )
    })
}

fn check_rules(
    param: &Param,
    value: &str,
    applies: impl Fn(&Rule) -> bool,
) -> Result<(), InvalidParameter> {
    let is_list = param.is_list();
    let items: Vec<&str> = if value.is_empty() {
        Vec::new()
    } else {
        value.split(',').collect()
    };
    for rule in param.rules.iter().filter(|rule| applies(rule)) {
        let broken = match *rule {
            Rule::Range { min, max } => match value.parse::<i64>() {
                Ok(n) => min.is_some_and(|min| n < min) || max.is_some_and(|max| n > max),
                Err(_) => true,
            },
            Rule::MinLength(n) => value.chars().count() < n,
            Rule::MaxLength(n) => value.chars().count() > n,
            Rule::Pattern(pattern) if is_list => {
                items.iter().any(|item| !matches_pattern(pattern, item))
            }
            Rule::Pattern(pattern) => !matches_pattern(pattern, value),
            Rule::MinItems(n) => items.len() < n,
            Rule::MaxItems(n) => items.len() > n,
            Rule::OneOf(allowed) if is_list => items.iter().any(|item| !allowed.contains(item)),
            Rule::OneOf(allowed) => !allowed.contains(&value),
            // A parameter is text, never an object with fields.
            Rule::AnyField(_) => false,
        };
        if broken {
            let shown = (!param.secret).then(|| value.to_owned());
            return Err(refuse(param, describe(rule), shown));
        }
    }
    Ok(())
}

/// A compiled pattern, or `None` for one that does not compile.
type Compiled = Option<Arc<regress::Regex>>;

/// Every pattern seen so far, compiled once: the check runs on every request.
static PATTERNS: LazyLock<RwLock<HashMap<&'static str, Compiled>>> = LazyLock::new(RwLock::default);

fn matches_pattern(pattern: &'static str, value: &str) -> bool {
    let cached = PATTERNS
        .read()
        .ok()
        .and_then(|patterns| patterns.get(pattern).cloned());
    let regex = match cached {
        Some(regex) => regex,
        None => {
            let regex = regress::Regex::new(pattern).ok().map(Arc::new);
            if let Ok(mut patterns) = PATTERNS.write() {
                patterns.insert(pattern, regex.clone());
            }
            regex
        }
    };
    // A pattern that does not compile is a spec bug; refusing is the safe side.
    regex.is_some_and(|re| re.find(value).is_some())
}

fn describe(rule: &Rule) -> String {
    match *rule {
        Rule::Range {
            min: Some(min),
            max: Some(max),
        } => format!("must be an integer from {min} to {max}"),
        Rule::Range { min: Some(min), .. } => format!("must be an integer of at least {min}"),
        Rule::Range { max: Some(max), .. } => format!("must be an integer of at most {max}"),
        Rule::Range { .. } => "must be an integer".to_owned(),
        Rule::MinLength(n) => format!("must be at least {n} characters long"),
        Rule::MaxLength(n) => format!("must be at most {n} characters long"),
        Rule::Pattern(pattern) => format!("must match the pattern `{pattern}`"),
        Rule::MinItems(n) => format!("must list at least {n} value(s)"),
        Rule::MaxItems(n) => format!("must list at most {n} value(s)"),
        Rule::OneOf(allowed) => format!("must be one of: {}", allowed.join(", ")),
        Rule::AnyField(fields) => format!("must have at least one of: {}", fields.join(", ")),
    }
}

fn refuse(param: &Param, rule: String, value: Option<String>) -> InvalidParameter {
    InvalidParameter::new(param.name, rule, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::descriptor::Body;

    static OP: Operation = Operation {
        id: "createThing",
        name: "create_thing",
        method: "POST",
        path: "/2/things/{id}",
        params: &[
            Param {
                name: "id",
                location: Location::Path,
                required: true,
                secret: false,
                credential: None,
                rules: &[Rule::Pattern("^[0-9]+$")],
                legacy: false,
                legacy_values: &[],
            },
            Param {
                name: "token",
                location: Location::Query,
                required: false,
                secret: false,
                credential: None,
                rules: &[Rule::MinLength(16)],
                legacy: false,
                legacy_values: &[],
            },
        ],
        body: Some(Body {
            content_type: "application/json",
            required: true,
            rules: &[
                BodyRule {
                    path: "text",
                    required: true,
                    secret: false,
                    credential: None,
                    rules: &[Rule::MaxLength(5)],
                    legacy: false,
                },
                BodyRule {
                    path: "pin",
                    required: false,
                    secret: true,
                    credential: None,
                    rules: &[Rule::Pattern("^[0-9]{4,6}$")],
                    legacy: false,
                },
                BodyRule {
                    path: "attachments[].media_id",
                    required: true,
                    secret: false,
                    credential: None,
                    rules: &[Rule::Pattern("^[0-9]+$")],
                    legacy: false,
                },
            ],
        }),
        scopes: &[],
        app_only: false,
        pagination: None,
        idempotent: false,
        accept: "application/json",
        requirements: &[],
    };

    fn url(path_and_query: &str) -> reqwest::Url {
        reqwest::Url::parse(&format!("http://127.0.0.1/base{path_and_query}")).unwrap()
    }

    #[test]
    fn a_token_from_the_api_skips_length_rules_but_one_from_the_caller_does_not() {
        let short = url("/2/things/1?token=abc");
        let error = check_url(&OP, &short, None).unwrap_err();
        assert_eq!(error.parameter, "token");
        assert!(check_url(&OP, &short, Some("token")).is_ok());
        let bad_id = url("/2/things/x?token=abc");
        assert_eq!(
            check_url(&OP, &bad_id, Some("token"))
                .unwrap_err()
                .parameter,
            "id"
        );
    }

    #[test]
    fn body_rules_name_the_json_path_with_its_index() {
        let body = serde_json::json!({"text": "hi", "attachments": [{"media_id": "1"}, {"media_id": "x"}]});
        let error = check_body(&OP, Some(&body)).unwrap_err();
        assert_eq!(error.parameter, "$.attachments[1].media_id");
        assert!(
            error
                .to_string()
                .starts_with("invalid body at `$.attachments[1].media_id`: must match")
        );

        let missing = serde_json::json!({"attachments": []});
        assert_eq!(
            check_body(&OP, Some(&missing)).unwrap_err().parameter,
            "$.text"
        );
        let long = serde_json::json!({"text": "far too long"});
        let error = check_body(&OP, Some(&long)).unwrap_err();
        assert_eq!(error.rule, "must be at most 5 characters long");
        assert!(check_body(&OP, None).is_err(), "the body is required");
        assert!(check_body(&OP, Some(&serde_json::json!({"text": "ok"}))).is_ok());
        let error = check_body(
            &OP,
            Some(&serde_json::json!({"text": "ok", "pin": "hunter2"})),
        )
        .unwrap_err();
        assert_eq!(
            (error.parameter.as_ref(), error.value.as_deref()),
            ("$.pin", None)
        );
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }
}
