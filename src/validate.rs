//! The pre-send check: every request parameter against the constraints its
//! spec declares.
//!
//! The rules are not written here: `build.rs` reads them from the specs into
//! `OUT_DIR/*_rules.rs`. The check runs on the finished request, so it sees
//! exactly what would be sent, whichever builder produced it.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

use percent_encoding::percent_decode_str;

/// Where a parameter travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Location {
    Path,
    Query,
}

/// One constraint from a parameter's schema.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Rule {
    /// `minimum` / `maximum` of an integer.
    Range { min: Option<i64>, max: Option<i64> },
    /// `minLength` of a string.
    MinLength(usize),
    /// `pattern` of a string (ECMA 262, as JSON Schema says).
    Pattern(&'static str),
    /// `minItems` of an array.
    MinItems(usize),
    /// `enum` of a value, or of each item of an array.
    OneOf(&'static [&'static str]),
}

/// A parameter of an operation and its rules.
#[derive(Debug)]
pub(crate) struct Param {
    pub name: &'static str,
    pub location: Location,
    pub required: bool,
    /// Declared `format: password`: its value never appears in an error.
    pub secret: bool,
    pub rules: &'static [Rule],
}

/// An operation's path template and parameters.
#[derive(Debug)]
pub(crate) struct Operation {
    /// The generated method's name, which is what `OperationInfo` carries.
    pub method: &'static str,
    pub path: &'static str,
    /// The OAuth 2.0 scopes the operation needs (none for TweetAPI).
    pub scopes: &'static [&'static str],
    pub params: &'static [Param],
}

/// The rules of `openapi/x-api.yaml`.
pub(crate) static X_API: &[Operation] = include!(concat!(env!("OUT_DIR"), "/x_api_rules.rs"));

/// The rules of `openapi/tweetapi.yaml`.
pub(crate) static TWEETAPI: &[Operation] = include!(concat!(env!("OUT_DIR"), "/tweetapi_rules.rs"));

/// A parameter value that breaks a rule of the spec. Nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidParameter {
    /// The parameter's name as the API spells it, such as `max_results`.
    pub parameter: &'static str,
    /// The rule, in words, such as `must be an integer from 1 to 100`.
    pub rule: String,
    /// The refused value, or `None` for a secret parameter.
    pub value: Option<String>,
}

impl fmt::Display for InvalidParameter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid parameter `{}`: {}", self.parameter, self.rule)?;
        match &self.value {
            Some(value) => write!(f, " (got {value:?})"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for InvalidParameter {}

/// Checks `url` against the rules of the operation whose generated method is
/// `method`.
///
/// An operation the table does not know passes: the table is generated from
/// the same spec as the client, so that only happens for a hand-built request.
pub(crate) fn check(
    operations: &[Operation],
    method: &str,
    url: &reqwest::Url,
) -> Result<(), InvalidParameter> {
    check_except(operations, method, url, &[])
}

/// [`check`], passing over the parameters named in `issued`, whose values the
/// API itself just handed out (a page's `next_token`).
///
/// The spec's rules describe what a caller may send. A value the API chose is
/// followed as it came: refusing it would end a walk over something no caller
/// can change.
pub(crate) fn check_except(
    operations: &[Operation],
    method: &str,
    url: &reqwest::Url,
    issued: &[&str],
) -> Result<(), InvalidParameter> {
    let Some(operation) = operations.iter().find(|op| op.method == method) else {
        return Ok(());
    };
    let path = path_values(operation.path, url);
    for param in operation.params {
        if issued.contains(&param.name) {
            continue;
        }
        let value = match param.location {
            Location::Path => path
                .iter()
                .find(|(name, _)| *name == param.name)
                .map(|(_, value)| value.clone()),
            Location::Query => url
                .query_pairs()
                .find(|(name, _)| name == param.name)
                .map(|(_, value)| value.into_owned()),
        };
        match value {
            Some(value) => check_value(param, &value)?,
            None if param.required => {
                return Err(refuse(param, "is required".to_owned(), None));
            }
            None => {}
        }
    }
    Ok(())
}

/// The scopes an operation needs, for the hint on a 401 or 403.
pub(crate) fn scopes_of(operations: &[Operation], method: &str) -> &'static [&'static str] {
    operations
        .iter()
        .find(|op| op.method == method)
        .map_or(&[], |op| op.scopes)
}

/// Checks one value of one parameter, for checks that happen before a request
/// exists (typed ids, builders). A parameter the table does not know passes.
pub(crate) fn check_param(
    operations: &[Operation],
    method: &str,
    name: &str,
    value: &str,
) -> Result<(), InvalidParameter> {
    let param = operations
        .iter()
        .filter(|op| op.method == method)
        .flat_map(|op| op.params)
        .find(|param| param.name == name);
    match param {
        Some(param) => check_value(param, value),
        None => Ok(()),
    }
}

/// Pairs each `{name}` of the template with the matching segment of the URL.
///
/// Segments are matched from the end because the base URL may carry a path
/// prefix of its own (a proxy, or a test server's mount point).
fn path_values<'t>(template: &'t str, url: &reqwest::Url) -> Vec<(&'t str, String)> {
    let template: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let actual: Vec<&str> = url.path().trim_start_matches('/').split('/').collect();
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

fn check_value(param: &Param, value: &str) -> Result<(), InvalidParameter> {
    let is_list = param
        .rules
        .iter()
        .any(|rule| matches!(rule, Rule::MinItems(_)));
    let items: Vec<&str> = if value.is_empty() {
        Vec::new()
    } else {
        value.split(',').collect()
    };
    for rule in param.rules {
        let broken = match *rule {
            Rule::Range { min, max } => match value.parse::<i64>() {
                Ok(n) => min.is_some_and(|min| n < min) || max.is_some_and(|max| n > max),
                Err(_) => true,
            },
            Rule::MinLength(n) => value.chars().count() < n,
            Rule::Pattern(pattern) => !matches_pattern(pattern, value),
            Rule::MinItems(n) => items.len() < n,
            Rule::OneOf(allowed) if is_list => items.iter().any(|item| !allowed.contains(item)),
            Rule::OneOf(allowed) => !allowed.contains(&value),
        };
        if broken {
            let shown = (!param.secret).then(|| value.to_owned());
            return Err(refuse(param, describe(rule), shown));
        }
    }
    Ok(())
}

/// Every pattern of both rule tables, compiled once: the check runs on every
/// request.
static PATTERNS: LazyLock<HashMap<&'static str, regress::Regex>> = LazyLock::new(|| {
    X_API
        .iter()
        .chain(TWEETAPI)
        .flat_map(|op| op.params)
        .flat_map(|param| param.rules)
        .filter_map(|rule| match rule {
            Rule::Pattern(pattern) => Some(*pattern),
            _ => None,
        })
        .filter_map(|pattern| Some((pattern, regress::Regex::new(pattern).ok()?)))
        .collect()
});

fn matches_pattern(pattern: &str, value: &str) -> bool {
    // A pattern that does not compile is a spec bug; refusing is the safe side.
    PATTERNS
        .get(pattern)
        .is_some_and(|re| re.find(value).is_some())
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
        Rule::Pattern(pattern) => format!("must match the pattern `{pattern}`"),
        Rule::MinItems(n) => format!("must list at least {n} value(s)"),
        Rule::OneOf(allowed) => format!("must be one of: {}", allowed.join(", ")),
    }
}

fn refuse(param: &Param, rule: String, value: Option<String>) -> InvalidParameter {
    InvalidParameter {
        parameter: param.name,
        rule,
        value,
    }
}
