//! A request checked against its operation's descriptor, before any handler
//! sees it.
//!
//! Every rule comes from the spec through the generated descriptor: which
//! parameters exist and where, which are required, and what their values
//! must satisfy (`engine::validate`, the same check the client runs before
//! sending). The fake adds only what it alone can know: whether a page token
//! is one it issued. Refusals are gathered, not returned at the first, so
//! that an answer can name every bad parameter as X's does.

use axum::http::{HeaderMap, Uri, header};
use bytes::Bytes;
use serde_json::Value;

use super::multipart::{self, Part};
use super::paging::Cursor;
use crate::engine::validate::{check_body, check_value, path_values_of};
use crate::engine::{Location, Operation, Param};

/// Where a refused value was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    Path,
    Query,
    Body,
}

/// Why a value was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Reason {
    /// A required parameter is absent or empty.
    Missing,
    /// A query parameter was given more than once.
    Repeated,
    /// The operation has no query parameter of that name.
    Unknown,
    /// A rule of the spec, in words (`must be an integer from 1 to 100`).
    Broken(String),
    /// A page token the fake did not issue for this list.
    BadToken,
}

/// One refused value.
#[derive(Clone, Debug)]
pub(crate) struct Refusal {
    /// The parameter, or the body field's path (`attachments[0].media_id`);
    /// `None` for the body as a whole.
    pub parameter: Option<String>,
    pub place: Place,
    /// The refused values, as sent; empty for a secret.
    pub values: Vec<String>,
    pub reason: Reason,
}

impl Refusal {
    /// The body, or a field of it, refused for `rule`.
    pub fn body(parameter: Option<&str>, value: Option<String>, rule: impl Into<String>) -> Self {
        Refusal {
            parameter: parameter.map(str::to_owned),
            place: Place::Body,
            values: value.into_iter().collect(),
            reason: Reason::Broken(rule.into()),
        }
    }

    fn of(param: &Param, place: Place, values: Vec<String>, reason: Reason) -> Self {
        Refusal {
            parameter: Some(param.name.to_owned()),
            place,
            values: if param.secret { Vec::new() } else { values },
            reason,
        }
    }
}

/// A request body, read as its operation's media type says.
#[derive(Debug, Default)]
pub(crate) enum Payload {
    /// The operation takes no body, or none was sent to one that may do
    /// without.
    #[default]
    None,
    /// A JSON body that meets the spec's body rules.
    Json(Value),
    /// The parts of a `multipart/form-data` body.
    Parts(Vec<Part>),
}

/// A request whose path and query meet its operation's descriptor.
#[derive(Debug)]
pub(crate) struct Call {
    pub operation: &'static Operation,
    /// Each path and query parameter given, once, with its value.
    values: Vec<(&'static str, String)>,
    /// Where the page token points, for an operation that pages.
    pub cursor: Option<Cursor>,
    pub payload: Payload,
}

impl Call {
    /// Checks a request to `operation`. `tokens` is the prefix of the page
    /// tokens this endpoint issues; `strict` refuses what the spec marks
    /// `x-legacy`, as a server on the latest version would.
    pub fn check(
        operation: &'static Operation,
        uri: &Uri,
        headers: &HeaderMap,
        body: &Bytes,
        tokens: Option<&str>,
        strict: bool,
    ) -> Result<Call, Vec<Refusal>> {
        let mut refusals = Vec::new();
        let mut call = Call {
            operation,
            values: Vec::new(),
            cursor: None,
            payload: Payload::None,
        };
        for (name, value) in path_values_of(operation.path, uri.path()) {
            if let Some(param) = operation.param(name) {
                call.take(param, Place::Path, value, &mut refusals);
            }
        }
        let query = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes());
        let mut seen: Vec<&str> = Vec::new();
        for (name, value) in query.into_owned() {
            let param = operation
                .params
                .iter()
                .find(|p| p.name == name && p.location == Location::Query);
            match param {
                None => refusals.push(Refusal {
                    parameter: Some(name),
                    place: Place::Query,
                    values: vec![value],
                    reason: Reason::Unknown,
                }),
                Some(param) if seen.contains(&param.name) => refusals.push(Refusal::of(
                    param,
                    Place::Query,
                    vec![value],
                    Reason::Repeated,
                )),
                Some(param) => {
                    seen.push(param.name);
                    if let Some(prefix) = tokens {
                        call.read_token(param, prefix, &value, &mut refusals);
                    }
                    if strict && let Some(refusal) = legacy(param, &value) {
                        refusals.push(refusal);
                        continue;
                    }
                    call.take(param, Place::Query, value, &mut refusals);
                }
            }
        }
        for param in operation.params {
            let given = call.value(param.name).is_some();
            let refused = refusals
                .iter()
                .any(|r| r.parameter.as_deref() == Some(param.name));
            if param.required && !given && !refused {
                let place = match param.location {
                    Location::Path => Place::Path,
                    _ => Place::Query,
                };
                refusals.push(Refusal::of(param, place, Vec::new(), Reason::Missing));
            }
        }
        call.payload = payload(operation, headers, body, strict, &mut refusals);
        if refusals.is_empty() {
            Ok(call)
        } else {
            Err(refusals)
        }
    }

    /// The value of a path or query parameter, if it was given.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(given, _)| *given == name)
            .map(|(_, value)| value.as_str())
    }

    /// The items of a list parameter, each once, in the order given; empty
    /// when it was not given.
    pub fn list(&self, name: &str) -> Vec<&str> {
        let mut items: Vec<&str> = Vec::new();
        for item in self.value(name).unwrap_or_default().split(',') {
            if !item.is_empty() && !items.contains(&item) {
                items.push(item);
            }
        }
        items
    }

    /// A whole-number parameter; the spec's rules have made sure it is one.
    pub fn number(&self, name: &str) -> Option<usize> {
        self.value(name)?.trim().parse().ok()
    }

    /// The values the spec lists for a parameter of this operation, such as
    /// the fields a `*.fields` parameter may name.
    pub fn allowed(&self, name: &str) -> &'static [&'static str] {
        self.operation
            .param(name)
            .and_then(Param::allowed)
            .unwrap_or_default()
    }

    /// The refusal of the page token this call carries: well formed, but
    /// past the end of the list it would page through.
    pub fn token_refused(&self) -> Vec<Refusal> {
        let Some(param) = self
            .operation
            .pagination
            .as_ref()
            .and_then(|pagination| self.operation.param(pagination.token))
        else {
            return Vec::new();
        };
        let value = self.value(param.name).unwrap_or_default().to_owned();
        vec![Refusal::of(
            param,
            Place::Query,
            vec![value],
            Reason::BadToken,
        )]
    }

    /// Keeps `value` if it meets `param`'s rules, or refuses it.
    fn take(&mut self, param: &'static Param, place: Place, value: String, out: &mut Vec<Refusal>) {
        if param.required && value.trim().is_empty() {
            out.push(Refusal::of(param, place, vec![value], Reason::Missing));
            return;
        }
        let Err(error) = check_value(param, &value) else {
            self.values.push((param.name, value));
            return;
        };
        // A list names only its bad items, as X's answers do.
        let bad: Vec<String> = match param.allowed() {
            Some(allowed) if param.is_list() => value
                .split(',')
                .filter(|item| !allowed.contains(item))
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        };
        let values = if bad.is_empty() { vec![value] } else { bad };
        out.push(Refusal::of(
            param,
            place,
            values,
            Reason::Broken(error.rule),
        ));
    }

    /// Reads the page token, if `param` is the one that takes it.
    fn read_token(&mut self, param: &Param, prefix: &str, value: &str, out: &mut Vec<Refusal>) {
        let Some(pagination) = &self.operation.pagination else {
            return;
        };
        if pagination.token != param.name || check_value(param, value).is_err() {
            return;
        }
        // A list without previous tokens never hands out a backward one.
        match Cursor::decode(prefix, value) {
            Some(Cursor::Before(_)) if pagination.previous.is_none() => {}
            Some(cursor) => {
                self.cursor = Some(cursor);
                return;
            }
            None => {}
        }
        out.push(Refusal::of(
            param,
            Place::Query,
            vec![value.to_owned()],
            Reason::BadToken,
        ));
    }
}

/// The refusal, by a server on the latest version, of a parameter that
/// version no longer has or of the values it no longer lists.
fn legacy(param: &Param, value: &str) -> Option<Refusal> {
    if param.legacy {
        return Some(Refusal::of(
            param,
            Place::Query,
            vec![value.to_owned()],
            Reason::Unknown,
        ));
    }
    let old: Vec<String> = value
        .split(',')
        .filter(|item| param.legacy_values.contains(item))
        .map(str::to_owned)
        .collect();
    if old.is_empty() {
        return None;
    }
    let current: Vec<&str> = param
        .allowed()
        .unwrap_or_default()
        .iter()
        .copied()
        .filter(|item| !param.legacy_values.contains(item))
        .collect();
    let rule = format!("must be one of: {}", current.join(", "));
    Some(Refusal::of(param, Place::Query, old, Reason::Broken(rule)))
}

/// The body of a call to `operation`, read as the spec's media type says
/// and, for JSON, checked against the spec's body rules.
fn payload(
    operation: &Operation,
    headers: &HeaderMap,
    body: &Bytes,
    strict: bool,
    refusals: &mut Vec<Refusal>,
) -> Payload {
    let Some(spec) = &operation.body else {
        return Payload::None;
    };
    if body.is_empty() {
        if spec.required {
            refusals.push(Refusal::body(None, None, "a body is required"));
        }
        return Payload::None;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case(spec.content_type) {
        refusals.push(Refusal::body(
            None,
            Some(content_type.to_owned()),
            format!("must be sent as {}", spec.content_type),
        ));
        return Payload::None;
    }
    if essence.eq_ignore_ascii_case("multipart/form-data") {
        return match multipart::parse(content_type, body) {
            Some(parts) => Payload::Parts(parts),
            None => {
                refusals.push(Refusal::body(
                    None,
                    None,
                    "is not well-formed multipart/form-data",
                ));
                Payload::None
            }
        };
    }
    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        refusals.push(Refusal::body(None, None, "is not valid JSON"));
        return Payload::None;
    };
    // A strict server knows only the latest version's fields. The spec
    // marks top-level ones only, which is where X has dropped fields.
    let dropped = spec
        .rules
        .iter()
        .filter(|rule| strict && rule.legacy)
        .find(|rule| json.get(rule.path).is_some_and(|v| !v.is_null()));
    if let Some(rule) = dropped {
        refusals.push(Refusal::body(
            Some(rule.path),
            None,
            "is not a field of the latest version",
        ));
        return Payload::None;
    }
    match check_body(operation, Some(&json)) {
        Ok(()) => Payload::Json(json),
        Err(error) => {
            let field = error.parameter.strip_prefix("$.").filter(|f| !f.is_empty());
            refusals.push(Refusal::body(field, error.value, error.rule));
            Payload::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x::operations::{
        CreateDirectMessagesByConversationId, GetDirectMessagesEventsByConversationId,
    };
    use crate::x::params;

    fn check(query: &str) -> Result<Call, Vec<Refusal>> {
        let uri: Uri = format!("/2/dm_conversations/1-2/dm_events{query}")
            .parse()
            .unwrap();
        Call::check(
            GetDirectMessagesEventsByConversationId::operation(),
            &uri,
            &HeaderMap::new(),
            &Bytes::new(),
            Some("DMEV"),
            false,
        )
    }

    fn reasons(refusals: &[Refusal]) -> Vec<(&str, &Reason)> {
        refusals
            .iter()
            .map(|r| (r.parameter.as_deref().unwrap_or("$"), &r.reason))
            .collect()
    }

    #[test]
    fn values_that_meet_the_spec_are_read_back_by_name() {
        let call = check(
            "?max_results=5&expansions=sender_id,sender_id&pagination_token=DMEVP000000000007",
        )
        .unwrap();
        assert_eq!(call.value(params::ID), Some("1-2"));
        assert_eq!(call.number(params::MAX_RESULTS), Some(5));
        assert_eq!(call.list(params::EXPANSIONS), ["sender_id"]);
        assert!(call.list(params::DM_EVENT_FIELDS).is_empty());
        assert_eq!(call.cursor, Some(Cursor::Before(7)));
        assert!(call.allowed(params::DM_EVENT_FIELDS).contains(&"sender_id"));
    }

    #[test]
    fn every_bad_parameter_is_refused_at_once() {
        let refusals = check(
            "?max_results=101&dm_event.fields=id,pinned&max_results=1&colour=blue&pagination_token=DMEVN00000000001x",
        )
        .unwrap_err();
        let got = reasons(&refusals);
        assert!(
            matches!(got[0], ("max_results", Reason::Broken(rule)) if rule.contains("1 to 100")),
            "{got:?}"
        );
        assert_eq!(refusals[1].values, ["pinned"]);
        assert_eq!(got[2], ("max_results", &Reason::Repeated));
        assert_eq!(got[3], ("colour", &Reason::Unknown));
        assert_eq!(got[4], ("pagination_token", &Reason::BadToken));
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn strict_checks_refuse_what_the_spec_marks_legacy() {
        let strict = |query: &str| {
            let uri: Uri = format!("/2/dm_conversations/1-2/dm_events{query}")
                .parse()
                .unwrap();
            let operation = GetDirectMessagesEventsByConversationId::operation();
            Call::check(
                operation,
                &uri,
                &HeaderMap::new(),
                &Bytes::new(),
                None,
                true,
            )
        };
        let refusals = strict("?dm_event.fields=id,sender_id&tweet.fields=text").unwrap_err();
        assert_eq!(refusals[0].values, ["sender_id"]);
        assert!(matches!(&refusals[0].reason, Reason::Broken(rule) if !rule.contains("sender_id")));
        assert_eq!(refusals[1].parameter.as_deref(), Some(params::TWEET_FIELDS));
        assert_eq!(refusals[1].reason, Reason::Unknown);
        assert!(strict("?dm_event.fields=id,text&post.fields=text").is_ok());
    }

    #[test]
    fn a_path_value_breaking_the_spec_pattern_is_refused() {
        let uri: Uri = "/2/dm_conversations/12345/dm_events".parse().unwrap();
        let refusals = Call::check(
            GetDirectMessagesEventsByConversationId::operation(),
            &uri,
            &HeaderMap::new(),
            &Bytes::new(),
            None,
            false,
        )
        .unwrap_err();
        assert_eq!(refusals[0].place, Place::Path);
        assert!(matches!(&refusals[0].reason, Reason::Broken(rule) if rule.contains("pattern")));
    }

    #[test]
    fn a_json_body_is_checked_against_the_spec_body_rules() {
        let operation = CreateDirectMessagesByConversationId::operation();
        let uri: Uri = "/2/dm_conversations/1-2/messages".parse().unwrap();
        let mut json = HeaderMap::new();
        json.insert(header::CONTENT_TYPE, "application/json".parse().unwrap());
        let send = |headers: &HeaderMap, body: &'static str| {
            Call::check(
                operation,
                &uri,
                headers,
                &Bytes::from_static(body.as_bytes()),
                None,
                false,
            )
        };
        assert!(matches!(
            send(&json, r#"{"text":"hi"}"#).unwrap().payload,
            Payload::Json(_)
        ));
        let refused = |headers, body| send(headers, body).unwrap_err().remove(0);
        let empty = refused(&json, r#"{"text":""}"#);
        assert_eq!(
            (empty.parameter.as_deref(), empty.values.as_slice()),
            (Some("text"), &[String::new()][..])
        );
        let media = refused(&json, r#"{"attachments":[{"media_id":"x"}]}"#);
        assert_eq!(media.parameter.as_deref(), Some("attachments[0].media_id"));
        assert_eq!(refused(&json, "not json").parameter, None);
        assert_eq!(refused(&json, "").parameter, None);
        assert_eq!(
            refused(&HeaderMap::new(), r#"{"text":"hi"}"#).place,
            Place::Body
        );
    }
}
