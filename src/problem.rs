//! What an API said when it refused a request.

use std::fmt;

use serde_json::{Map, Value};

use crate::engine::RateLimits;

include!(concat!(env!("OUT_DIR"), "/x_api_problem_kinds.rs"));

/// A refusal from X or TweetAPI, read from any of the error bodies they send:
/// an RFC 7807 problem, X's legacy `{code, message}`, TweetAPI's
/// `{error: {code, message, details}}` or its flat `{statusCode, message}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The problem's kind; [`ProblemKind::Other`] for unknown types and for
    /// bodies that are not RFC 7807 problems.
    pub kind: ProblemKind,
    /// The problem's `type` URI, as sent.
    pub type_uri: Option<String>,
    /// A short summary (`title`, or the status text).
    pub title: Option<String>,
    /// The explanation (`detail` or `message`).
    pub detail: Option<String>,
    /// An error code: TweetAPI's (`RATE_LIMIT`) or X's legacy number.
    pub code: Option<String>,
    /// Every other field of the body, such as `resource_id` or `details`.
    pub fields: Map<String, Value>,
    /// The start of a body that is not JSON (an HTML page from a proxy).
    pub excerpt: Option<String>,
    /// For a 401 or 403 from X: the OAuth 2.0 scopes the endpoint needs.
    pub required_scopes: &'static [&'static str],
    /// For a 401 or 403: the endpoint takes the app's bearer token
    /// (app-only), not a user's.
    pub app_only: bool,
    /// Attempts made before this answer was taken as final.
    pub attempts: u32,
    /// The rate-limit windows the response described.
    pub rate_limits: RateLimits,
}

/// How much of a body goes into an error, in characters.
pub(crate) const EXCERPT_CHARS: usize = 200;

impl ApiError {
    /// Reads an error body. Never fails: what cannot be read is kept as an
    /// excerpt.
    pub(crate) fn from_body(
        status: u16,
        body: &[u8],
        required_scopes: &'static [&'static str],
    ) -> Self {
        let mut error = ApiError {
            status,
            kind: ProblemKind::Other,
            type_uri: None,
            title: None,
            detail: None,
            code: None,
            fields: Map::new(),
            excerpt: None,
            required_scopes: if matches!(status, 401 | 403) {
                required_scopes
            } else {
                &[]
            },
            app_only: false,
            attempts: 1,
            rate_limits: RateLimits::default(),
        };
        let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else {
            error.excerpt = Some(excerpt(body));
            return error;
        };
        if let Some(Value::Object(mut envelope)) = fields.remove("error") {
            // TweetAPI's envelope: the interesting fields live one level down.
            error.code = envelope.remove("code").map(code_text);
            error.detail = take_string(&mut envelope, "message");
            fields.extend(envelope);
        } else {
            error.type_uri = take_string(&mut fields, "type");
            error.title = take_string(&mut fields, "title");
            error.detail =
                take_string(&mut fields, "detail").or_else(|| take_string(&mut fields, "message"));
            error.code = fields.remove("code").map(code_text);
            fields.remove("status");
            fields.remove("statusCode");
            if let Some(Value::String(text)) = fields.get("error") {
                // NestJS's flat body puts the status text in `error`.
                error.title = Some(text.clone());
                fields.remove("error");
            }
        }
        if let Some(uri) = &error.type_uri {
            error.kind = ProblemKind::from_type_uri(uri);
        }
        error.fields = fields;
        error
    }

    /// TweetAPI's `details.retryAfter`, in seconds.
    pub fn retry_after_secs(&self) -> Option<u64> {
        self.fields.get("details")?.get("retryAfter")?.as_u64()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(title) = &self.title {
            write!(f, ": {title}")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        if let Some(uri) = &self.type_uri {
            write!(f, " ({uri})")?;
        }
        if let Some(excerpt) = &self.excerpt {
            write!(f, ": {excerpt:?}")?;
        }
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        if self.app_only {
            f.write_str(
                "; this endpoint takes the app's bearer token (OAuth 2.0 app-only), not a user's",
            )?;
        }
        if !self.required_scopes.is_empty() {
            write!(
                f,
                "; this endpoint needs an OAuth 2.0 user-context token with the scopes {} \
                 (app-only tokens are not accepted)",
                self.required_scopes.join(", ")
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

fn take_string(fields: &mut Map<String, Value>, key: &str) -> Option<String> {
    match fields.remove(key)? {
        Value::String(text) => Some(text),
        other => {
            fields.insert(key.to_owned(), other);
            None
        }
    }
}

fn code_text(code: Value) -> String {
    match code {
        Value::String(text) => text,
        other => other.to_string(),
    }
}

/// The first characters of a body, for errors. Lossy: a body cut inside a
/// UTF-8 sequence still shows.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut cut: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().nth(EXCERPT_CHARS).is_some() {
        cut.push('…');
    }
    cut
}
