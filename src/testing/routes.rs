//! The fake's HTTP side: one handler per endpoint, and the layer in front of
//! them that counts requests, adds latency, applies faults and enforces the
//! rate limit.
//!
//! Every request input is checked, never trusted: a bad query or header is
//! answered the way the real service answers it, never with a panic.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Map, Value, json};

use super::data::{Conversation, Dataset};
use super::knobs::Quota;
use super::{Fault, Shared};
use crate::x::types::{
    ChatConversationExpansion, ChatConversationField, DmEventExpansion, DmEventField, DmEventType,
    MediaField, PostField, TweetField, UserField,
};

/// The live API still names problem types under the old host.
const PROBLEMS: &str = "https://api.twitter.com/2/problems";

const TWEETAPI_PREFIX: &str = "/tw-v2/";

/// Token prefixes, one per endpoint, so that a token is only good where it
/// was issued.
const DM_TOKEN: &str = "DMEV";
const CHAT_TOKEN: &str = "CHAT";
const TWEETAPI_CURSOR: &str = "TWAPI";

const DM_PAGE: usize = 100;
const CHAT_PAGE: usize = 10;
const TWEETAPI_PAGE: usize = 20;

const DM_ID_PATTERN: &str = "^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$";
const CHAT_ID_PATTERN: &str = "^([0-9]{1,19}|[0-9]{1,19}-[0-9]{1,19}|g[0-9]{1,19})$";

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/2/dm_conversations/{id}/dm_events", get(dm_events))
        .route("/2/chat/conversations", get(chat_conversations))
        .route("/2/chat/conversations/{id}", get(chat_conversation))
        .route(
            "/tw-v2/interaction/conversation",
            get(tweetapi_conversation),
        )
        .fallback(no_such_path)
        .layer(middleware::from_fn_with_state(Arc::clone(&shared), knobs))
        .with_state(shared)
}

/// Which service a path belongs to: errors take that service's shape.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Api {
    X,
    TweetApi,
}

impl Api {
    fn of(path: &str) -> Self {
        if path.starts_with(TWEETAPI_PREFIX) {
            Api::TweetApi
        } else {
            Api::X
        }
    }
}

// ------------------------------------------------------------------ the layer

async fn knobs(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    shared.knobs.count_request();
    // Taken on arrival, so that faults go to requests in the order they came.
    let fault = shared.knobs.next_fault();
    let api = Api::of(request.uri().path());
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
    match &fault {
        Some(Fault::Status(code)) => return status_fault(api, *code, shared.knobs.peek()),
        Some(Fault::Slow(delay)) => tokio::time::sleep(*delay).await,
        _ => {}
    }
    let quota = shared.knobs.spend();
    let mut response = if quota.allowed {
        next.run(request).await
    } else {
        too_many_requests(api, quota)
    };
    rate_limit_headers(response.headers_mut(), quota);
    if matches!(fault, Some(Fault::Truncate)) {
        response = truncated(response).await;
    }
    response
}

fn rate_limit_headers(headers: &mut HeaderMap, quota: Quota) {
    headers.insert("x-rate-limit-limit", HeaderValue::from(quota.limit));
    headers.insert("x-rate-limit-remaining", HeaderValue::from(quota.remaining));
    headers.insert("x-rate-limit-reset", HeaderValue::from(quota.reset));
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or_default()
}

fn too_many_requests(api: Api, quota: Quota) -> Response {
    match api {
        Api::X => problem(
            StatusCode::TOO_MANY_REQUESTS,
            json!({
                "title": "Too Many Requests",
                "type": "about:blank",
                "status": 429,
                "detail": "Too Many Requests",
            }),
        ),
        Api::TweetApi => json_response(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({
                "error": {
                    "code": "RATE_LIMIT",
                    "message": "Rate limit exceeded. Please slow down.",
                    "details": { "retryAfter": quota.reset.saturating_sub(unix_now()).max(1) },
                }
            }),
        ),
    }
}

/// The answer to an injected `Fault::Status`.
fn status_fault(api: Api, code: u16, mut quota: Quota) -> Response {
    let status = StatusCode::from_u16(code)
        .ok()
        .filter(|status| (200..=599).contains(&status.as_u16()))
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let reason = status.canonical_reason().unwrap_or("Error");
    if status == StatusCode::TOO_MANY_REQUESTS {
        // A real 429 comes with a spent window; a short one keeps clients
        // that wait for the reset quick.
        quota.remaining = 0;
        quota.reset = unix_now() + 1;
    }
    let mut response = match api {
        Api::X => problem(
            status,
            json!({
                "title": reason,
                "type": "about:blank",
                "status": status.as_u16(),
                "detail": reason,
            }),
        ),
        Api::TweetApi => json_response(
            status,
            &json!({
                "error": {
                    "code": reason.to_ascii_uppercase().replace([' ', '-'], "_"),
                    "message": reason,
                    "details": null,
                }
            }),
        ),
    };
    rate_limit_headers(response.headers_mut(), quota);
    response
}

/// `response` with the first half of its body, and a `Content-Length` that
/// says so: the client reads a complete message that is not JSON.
async fn truncated(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let half = bytes.slice(..bytes.len() / 2);
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(half.len()));
    Response::from_parts(parts, Body::from(half))
}

// ------------------------------------------------------------------ responses

fn json_response(status: StatusCode, body: &Value) -> Response {
    // Serializing a `Value` cannot fail: its keys are strings.
    let mut response = Response::new(Body::from(serde_json::to_vec(body).unwrap_or_default()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// An RFC 7807 problem, served as X serves them.
fn problem(status: StatusCode, body: Value) -> Response {
    let mut response = json_response(status, &body);
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

fn unauthorized() -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        json!({
            "title": "Unauthorized",
            "type": "about:blank",
            "status": 401,
            "detail": "Unauthorized",
        }),
    )
}

fn not_found(resource_type: &str, id: &str) -> Response {
    problem(
        StatusCode::NOT_FOUND,
        json!({
            "detail": format!("Could not find {resource_type} with id: [{id}]."),
            "title": "Not Found Error",
            "resource_type": resource_type,
            "parameter": "id",
            "value": id,
            "resource_id": id,
            "type": format!("{PROBLEMS}/resource-not-found"),
            "status": 404,
        }),
    )
}

/// A missing object that an expansion names, reported next to the data.
fn partial_not_found(resource_type: &str, parameter: &str, id: &str) -> Value {
    json!({
        "value": id,
        "detail": format!("Could not find {resource_type} with {parameter}: [{id}]."),
        "title": "Not Found Error",
        "resource_type": resource_type,
        "parameter": parameter,
        "resource_id": id,
        "type": format!("{PROBLEMS}/resource-not-found"),
    })
}

async fn no_such_path(uri: Uri) -> Response {
    match Api::of(uri.path()) {
        Api::X => json_response(
            StatusCode::NOT_FOUND,
            &json!({ "errors": [{ "message": "Sorry, that page does not exist", "code": 34 }] }),
        ),
        Api::TweetApi => json_response(
            StatusCode::NOT_FOUND,
            &json!({
                "statusCode": 404,
                "message": format!("Cannot GET {}", uri.path()),
                "error": "Not Found",
            }),
        ),
    }
}

// ------------------------------------------------------------------ requests

fn has_bearer(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_once(' '))
        .is_some_and(|(scheme, token)| {
            scheme.eq_ignore_ascii_case("Bearer") && !token.trim().is_empty()
        })
}

/// The query's pairs, decoded, in order, repeats kept: lists arrive as one
/// comma-separated value.
fn query_pairs(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// What a query parameter may hold.
#[derive(Clone, Copy)]
enum Rule {
    MaxResults,
    Token,
    /// A comma-separated list of these values.
    List(&'static [&'static str]),
}

const DM_EVENTS_PARAMS: &[(&str, Rule)] = &[
    ("dm_event.fields", Rule::List(DmEventField::VALUES)),
    ("event_types", Rule::List(DmEventType::VALUES)),
    ("expansions", Rule::List(DmEventExpansion::VALUES)),
    ("max_results", Rule::MaxResults),
    ("media.fields", Rule::List(MediaField::VALUES)),
    ("pagination_token", Rule::Token),
    ("post.fields", Rule::List(PostField::VALUES)),
    ("tweet.fields", Rule::List(TweetField::VALUES)),
    ("user.fields", Rule::List(UserField::VALUES)),
];

const CHAT_LIST_PARAMS: &[(&str, Rule)] = &[
    (
        "chat_conversation.fields",
        Rule::List(ChatConversationField::VALUES),
    ),
    ("expansions", Rule::List(ChatConversationExpansion::VALUES)),
    ("max_results", Rule::MaxResults),
    ("pagination_token", Rule::Token),
    ("user.fields", Rule::List(UserField::VALUES)),
];

const CHAT_ONE_PARAMS: &[(&str, Rule)] = &[
    (
        "chat_conversation.fields",
        Rule::List(ChatConversationField::VALUES),
    ),
    ("expansions", Rule::List(ChatConversationExpansion::VALUES)),
    ("user.fields", Rule::List(UserField::VALUES)),
];

/// What X's latest documented version (spec 2.173) lists for each query
/// parameter, for strict mode: `None` for a parameter that takes no list. A
/// parameter not named here is not in that version.
type Latest = &'static [(&'static str, Option<&'static [&'static str]>)];

/// `user.fields` in 2.173: 2.167's list (which dropped `affiliation`,
/// `most_recent_tweet_id` and `pinned_tweet_id`) plus `subscriber_count`
/// (2.169) and `active_follower_count` (2.173).
const LATEST_USER_FIELDS: &[&str] = &[
    "active_follower_count",
    "confirmed_email",
    "connection_status",
    "created_at",
    "description",
    "entities",
    "id",
    "is_identity_verified",
    "location",
    "name",
    "parody",
    "profile_banner_url",
    "profile_image_url",
    "protected",
    "public_metrics",
    "receives_your_dm",
    "subscriber_count",
    "subscribes_to_you",
    "subscription",
    "subscription_type",
    "url",
    "username",
    "verified",
    "verified_followers_count",
    "verified_type",
    "withheld",
];

/// The DM events endpoint in 2.173, unchanged since 2.167: no
/// `participant_ids`, `referenced_tweets` or `sender_id` field (their
/// expansions bring them), `referenced_posts` for `referenced_tweets.id`, and
/// `post.fields` for `tweet.fields`.
const LATEST_DM_EVENTS: Latest = &[
    (
        "dm_event.fields",
        Some(&[
            "attachments",
            "created_at",
            "dm_conversation_id",
            "entities",
            "event_type",
            "id",
            "text",
        ]),
    ),
    ("event_types", Some(DmEventType::VALUES)),
    (
        "expansions",
        Some(&[
            "attachments.media_keys",
            "participant_ids",
            "referenced_posts",
            "sender_id",
        ]),
    ),
    ("max_results", None),
    ("media.fields", Some(MediaField::VALUES)),
    ("pagination_token", None),
    ("post.fields", Some(PostField::VALUES)),
    ("user.fields", Some(LATEST_USER_FIELDS)),
];

/// `chat_conversation.fields` in 2.173: no `admin_ids`, `member_ids` or
/// `participant_ids` (their expansions bring them) and no 2.166
/// `message_ttl_msec`.
const LATEST_CHAT_FIELDS: &[&str] = &[
    "admin_settings",
    "created_at",
    "group_avatar_url",
    "group_description",
    "group_description_key_version",
    "group_name",
    "id",
    "invite",
    "is_archived",
    "is_muted",
    "last_read_event_id",
    "message_ttl_ms",
    "newest_event_id",
    "pending_member_ids",
    "screen_capture_blocking_enabled",
    "screen_capture_detection_enabled",
    "type",
    "unread",
    "updated_at",
];

const LATEST_CHAT_LIST: Latest = &[
    ("chat_conversation.fields", Some(LATEST_CHAT_FIELDS)),
    ("expansions", Some(ChatConversationExpansion::VALUES)),
    ("max_results", None),
    ("pagination_token", None),
    ("user.fields", Some(LATEST_USER_FIELDS)),
];

const LATEST_CHAT_ONE: Latest = &[
    ("chat_conversation.fields", Some(LATEST_CHAT_FIELDS)),
    ("expansions", Some(ChatConversationExpansion::VALUES)),
    ("user.fields", Some(LATEST_USER_FIELDS)),
];

/// In strict mode, refuses what `latest` does not list, as a server on that
/// version would: a parameter it lacks, or a list value it lacks.
fn refuse_unlisted(strict: bool, raw: Option<&str>, latest: Latest, refusals: &mut Refusals) {
    if !strict {
        return;
    }
    for (name, value) in query_pairs(raw) {
        match latest.iter().find(|(known, _)| *known == name) {
            None => {
                let known: Vec<&str> = latest.iter().map(|(name, _)| *name).collect();
                refusals.add(
                    &name,
                    &[&value],
                    format!(
                        "The query parameters [{name}] is not one of [{}]",
                        known.join(",")
                    ),
                );
            }
            Some((_, Some(allowed))) => {
                let bad: Vec<&str> = value
                    .split(',')
                    .filter(|item| !allowed.contains(item))
                    .collect();
                if !bad.is_empty() {
                    refusals.add(
                        &name,
                        &bad,
                        format!(
                            "The `{name}` query parameter value [{}] is not one of [{}]",
                            bad.join(","),
                            allowed.join(",")
                        ),
                    );
                }
            }
            Some((_, None)) => {}
        }
    }
}

/// A checked X query.
#[derive(Default)]
struct Params {
    max_results: Option<usize>,
    token: Option<Cursor>,
    lists: Vec<(&'static str, Vec<String>)>,
}

impl Params {
    fn list(&self, name: &str) -> &[String] {
        self.lists
            .iter()
            .find(|(list, _)| *list == name)
            .map_or(&[], |(_, values)| values.as_slice())
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.list(name).iter().any(|v| v == value)
    }
}

/// The refusals of one request, gathered so that a 400 names every bad
/// parameter at once, as X's does.
#[derive(Default)]
struct Refusals(Vec<Value>);

impl Refusals {
    fn add(&mut self, parameter: &str, values: &[&str], message: String) {
        let mut parameters = Map::new();
        parameters.insert(parameter.to_owned(), json!(values));
        self.0
            .push(json!({ "parameters": parameters, "message": message }));
    }

    /// The 400 to answer with, if anything was refused.
    fn response(self) -> Option<Response> {
        if self.0.is_empty() {
            return None;
        }
        Some(problem(
            StatusCode::BAD_REQUEST,
            json!({
                "errors": self.0,
                "title": "Invalid Request",
                "detail": "One or more parameters to your request was invalid.",
                "type": format!("{PROBLEMS}/invalid-request"),
            }),
        ))
    }
}

fn parse_params(
    raw: Option<&str>,
    rules: &[(&'static str, Rule)],
    token_prefix: &str,
    refusals: &mut Refusals,
) -> Params {
    let mut params = Params::default();
    let mut seen: Vec<&str> = Vec::new();
    let mut unknown: Vec<(String, String)> = Vec::new();
    let pairs = query_pairs(raw);
    for (name, value) in &pairs {
        let Some(&(name, rule)) = rules.iter().find(|(known, _)| known == name) else {
            unknown.push((name.clone(), value.clone()));
            continue;
        };
        if seen.contains(&name) {
            refusals.add(
                name,
                &[value],
                format!("The `{name}` query parameter can only be given once"),
            );
            continue;
        }
        seen.push(name);
        match rule {
            Rule::MaxResults => match value.trim().parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => params.max_results = Some(n),
                _ => refusals.add(
                    name,
                    &[value],
                    format!(
                        "The `{name}` query parameter value [{value}] is not between 1 and 100"
                    ),
                ),
            },
            Rule::Token => match Cursor::decode(token_prefix, value) {
                Some(cursor) => params.token = Some(cursor),
                None => refusals.add(name, &[value], bad_token_message(value)),
            },
            Rule::List(allowed) => {
                let mut values: Vec<String> = Vec::new();
                let mut bad: Vec<&str> = Vec::new();
                for item in value.split(',') {
                    if !allowed.contains(&item) {
                        bad.push(item);
                    } else if !values.iter().any(|v| v == item) {
                        values.push(item.to_owned());
                    }
                }
                if bad.is_empty() {
                    params.lists.push((name, values));
                } else {
                    refusals.add(
                        name,
                        &bad,
                        format!(
                            "The `{name}` query parameter value [{}] is not one of [{}]",
                            bad.join(","),
                            allowed.join(",")
                        ),
                    );
                }
            }
        }
    }
    if !unknown.is_empty() {
        let names: Vec<&str> = unknown.iter().map(|(name, _)| name.as_str()).collect();
        let known: Vec<&str> = rules.iter().map(|(name, _)| *name).collect();
        let mut parameters = Map::new();
        for (name, value) in &unknown {
            parameters.insert(name.clone(), json!([value]));
        }
        refusals.0.push(json!({
            "parameters": parameters,
            "message": format!(
                "The query parameters [{}] is not one of [{}]",
                names.join(","),
                known.join(",")
            ),
        }));
    }
    params
}

fn bad_token_message(value: &str) -> String {
    format!("The `pagination_token` query parameter value [{value}] is not a valid token")
}

fn check_id(id: &str, valid: bool, pattern: &str, refusals: &mut Refusals) {
    if !valid {
        refusals.add(
            "id",
            &[id],
            format!("The `id` path parameter value [{id}] does not match {pattern}"),
        );
    }
}

fn digits(text: &str, lengths: std::ops::RangeInclusive<usize>) -> bool {
    lengths.contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_pair(id: &str) -> bool {
    id.split_once('-')
        .is_some_and(|(a, b)| digits(a, 1..=19) && digits(b, 1..=19))
}

fn is_dm_conversation_id(id: &str) -> bool {
    is_pair(id) || digits(id, 15..=19)
}

fn is_chat_conversation_id(id: &str) -> bool {
    digits(id, 1..=19) || is_pair(id) || id.strip_prefix('g').is_some_and(|g| digits(g, 1..=19))
}

// ------------------------------------------------------------------ pagination

/// Where a token points: the page starting at an offset (`next_token`) or
/// the page ending just before one (`previous_token`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cursor {
    From(usize),
    Before(usize),
}

impl Cursor {
    /// A prefix, a direction letter and a zero-padded offset: at least 16
    /// characters, as X's tokens are.
    fn encode(self, prefix: &str) -> String {
        match self {
            Cursor::From(offset) => format!("{prefix}N{offset:012}"),
            Cursor::Before(offset) => format!("{prefix}P{offset:012}"),
        }
    }

    fn decode(prefix: &str, token: &str) -> Option<Cursor> {
        let (direction, offset) = token.strip_prefix(prefix)?.split_at_checked(1)?;
        if offset.len() != 12 || !offset.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let offset = offset.parse().ok()?;
        match direction {
            "N" => Some(Cursor::From(offset)),
            "P" => Some(Cursor::Before(offset)),
            _ => None,
        }
    }
}

/// The items of one page and the tokens around it.
struct Slice {
    start: usize,
    end: usize,
    next: Option<Cursor>,
    previous: Option<Cursor>,
}

/// The page `cursor` names among `len` items, `size` at most; `None` for a
/// cursor the fake cannot have issued for this list.
fn slice(cursor: Option<Cursor>, size: usize, len: usize) -> Option<Slice> {
    let (start, end) = match cursor {
        None => (0, size.min(len)),
        Some(Cursor::From(start)) if start < len => (start, start.saturating_add(size).min(len)),
        Some(Cursor::Before(end)) if (1..=len).contains(&end) => (end.saturating_sub(size), end),
        Some(_) => return None,
    };
    Some(Slice {
        start,
        end,
        next: (end < len).then_some(Cursor::From(end)),
        previous: (start > 0).then_some(Cursor::Before(start)),
    })
}

// ------------------------------------------------------------------ shaping

/// `object` with only what the client asked for: the `keep` keys (defaults
/// and what expansions imply), the requested fields, and any key no spec list
/// knows, as X sends a field it added to everyone.
fn select(object: &Value, known: &[&[&str]], keep: &[&str], requested: &[String]) -> Value {
    let Value::Object(fields) = object else {
        return object.clone();
    };
    let wanted = |key: &str| {
        keep.contains(&key)
            || requested.iter().any(|r| r == key)
            || !known.iter().any(|list| list.contains(&key))
    };
    Value::Object(
        fields
            .iter()
            .filter(|(key, _)| wanted(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
    )
}

fn str_of<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

fn strs(list: Option<&Value>) -> impl Iterator<Item = &str> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

fn media_keys(event: &Value) -> impl Iterator<Item = &str> {
    strs(event.get("attachments").and_then(|a| a.get("media_keys")))
}

fn referenced_tweets(event: &Value) -> impl Iterator<Item = &str> {
    event
        .get("referenced_tweets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|reference| str_of(reference, "id"))
}

/// The first occurrence of each id, in order.
fn unique<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Builds `includes` and the partial errors of a page.
#[derive(Default)]
struct Includes {
    lists: Map<String, Value>,
    errors: Vec<Value>,
}

impl Includes {
    /// Adds the objects `ids` name, found by `find` and trimmed to
    /// `requested` fields, under `key`; an id that finds nothing becomes a
    /// partial error naming `parameter`.
    fn add<'a>(
        &mut self,
        key: &str,
        ids: &[(&'a str, &'a str)],
        find: impl Fn(&str) -> Option<&'a Value>,
        (resource_type, known, defaults): (&str, &[&[&str]], &[&str]),
        requested: &[String],
    ) {
        let mut found = Vec::new();
        for (id, parameter) in ids {
            match find(id) {
                Some(object) => found.push(select(object, known, defaults, requested)),
                None => self
                    .errors
                    .push(partial_not_found(resource_type, parameter, id)),
            }
        }
        if !found.is_empty() {
            self.lists.insert(key.to_owned(), Value::Array(found));
        }
    }

    /// Adds the users `ids` name.
    fn users(&mut self, ids: &[(&str, &str)], data: &'static Dataset, params: &Params) {
        self.add(
            "users",
            ids,
            |id| data.user(id),
            ("user", &[UserField::VALUES], &["id", "name", "username"]),
            params.list("user.fields"),
        );
    }

    /// `body` with `includes` and `errors`, when there are any.
    fn into_body(self, mut body: Map<String, Value>) -> Map<String, Value> {
        if !self.lists.is_empty() {
            body.insert("includes".into(), Value::Object(self.lists));
        }
        if !self.errors.is_empty() {
            body.insert("errors".into(), Value::Array(self.errors));
        }
        body
    }
}

/// Each id once, paired with the expansion that named it first.
fn named_by<'a>(ids: impl Iterator<Item = (&'a str, &'a str)>) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for (id, parameter) in ids {
        if !out.iter().any(|(seen, _)| *seen == id) {
            out.push((id, parameter));
        }
    }
    out
}

// ------------------------------------------------------------------ X: DM events

async fn dm_events(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if !has_bearer(&headers) {
        return unauthorized();
    }
    let id = path.map(|Path(id)| id).unwrap_or_default();
    let mut refusals = Refusals::default();
    check_id(
        &id,
        is_dm_conversation_id(&id),
        DM_ID_PATTERN,
        &mut refusals,
    );
    let params = parse_params(raw.as_deref(), DM_EVENTS_PARAMS, DM_TOKEN, &mut refusals);
    refuse_unlisted(
        shared.strict,
        raw.as_deref(),
        LATEST_DM_EVENTS,
        &mut refusals,
    );
    if let Some(response) = refusals.response() {
        return response;
    }
    let data = shared.dataset;
    let Some(conversation) = data.conversation(&id) else {
        return not_found("dm_conversation", &id);
    };
    let types = params.list("event_types");
    let events: Vec<&Value> = conversation
        .events
        .iter()
        .filter(|event| {
            types.is_empty()
                || str_of(event, "event_type").is_some_and(|t| types.iter().any(|w| w == t))
        })
        .collect();
    let size = params.max_results.unwrap_or(DM_PAGE);
    let Some(slice) = slice(params.token, size, events.len()) else {
        return invalid_token(&params, DM_TOKEN);
    };
    let page = events.get(slice.start..slice.end).unwrap_or_default();
    dm_page(data, page, &params, &slice)
}

fn dm_page(data: &'static Dataset, page: &[&Value], params: &Params, slice: &Slice) -> Response {
    let expands = |name: &str| params.has("expansions", name);
    let mut keep = vec!["id", "event_type", "text"];
    // X puts the ids an expansion resolves into the item, asked for or not.
    for (expansion, field) in [
        ("sender_id", "sender_id"),
        ("participant_ids", "participant_ids"),
        ("attachments.media_keys", "attachments"),
        ("referenced_tweets.id", "referenced_tweets"),
        ("referenced_posts", "referenced_tweets"),
    ] {
        if expands(expansion) {
            keep.push(field);
        }
    }
    let items: Vec<Value> = page
        .iter()
        .map(|event| {
            select(
                event,
                &[DmEventField::VALUES],
                &keep,
                params.list("dm_event.fields"),
            )
        })
        .collect();

    let mut includes = Includes::default();
    let users = named_by(page.iter().flat_map(|event| {
        let senders = str_of(event, "sender_id")
            .filter(|_| expands("sender_id"))
            .map(|id| (id, "sender_id"));
        let participants = strs(event.get("participant_ids"))
            .filter(|_| expands("participant_ids"))
            .map(|id| (id, "participant_ids"));
        senders.into_iter().chain(participants)
    }));
    includes.users(&users, data, params);
    if expands("attachments.media_keys") {
        let keys = named_by(
            page.iter()
                .flat_map(|event| media_keys(event))
                .map(|key| (key, "attachments.media_keys")),
        );
        includes.add(
            "media",
            &keys,
            |key| data.media_item(key),
            ("media", &[MediaField::VALUES], &["media_key", "type"]),
            params.list("media.fields"),
        );
    }
    // 2.166 names the expansion `referenced_tweets.id` and the include
    // `tweets`; 2.167 `referenced_posts` and `posts`. Either is served.
    for (expansion, key, fields) in [
        ("referenced_tweets.id", "tweets", "tweet.fields"),
        ("referenced_posts", "posts", "post.fields"),
    ] {
        if expands(expansion) {
            let ids = named_by(
                page.iter()
                    .flat_map(|event| referenced_tweets(event))
                    .map(|id| (id, expansion)),
            );
            includes.add(
                key,
                &ids,
                |id| data.tweet(id),
                (
                    "tweet",
                    &[TweetField::VALUES, PostField::VALUES],
                    &["id", "text"],
                ),
                params.list(fields),
            );
        }
    }

    let mut body = Map::new();
    if !items.is_empty() {
        body.insert("data".into(), Value::Array(items));
    }
    let mut meta = json!({ "result_count": page.len() });
    if let Some(next) = slice.next {
        meta["next_token"] = json!(next.encode(DM_TOKEN));
    }
    if let Some(previous) = slice.previous {
        meta["previous_token"] = json!(previous.encode(DM_TOKEN));
    }
    body.insert("meta".into(), meta);
    json_response(StatusCode::OK, &Value::Object(includes.into_body(body)))
}

fn invalid_token(params: &Params, prefix: &str) -> Response {
    let token = params.token.map(|t| t.encode(prefix)).unwrap_or_default();
    let mut refusals = Refusals::default();
    refusals.add("pagination_token", &[&token], bad_token_message(&token));
    refusals
        .response()
        .unwrap_or_else(|| json_response(StatusCode::BAD_REQUEST, &Value::Null))
}

// ------------------------------------------------------------------ X: Chat

async fn chat_conversations(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if !has_bearer(&headers) {
        return unauthorized();
    }
    let mut refusals = Refusals::default();
    let params = parse_params(raw.as_deref(), CHAT_LIST_PARAMS, CHAT_TOKEN, &mut refusals);
    refuse_unlisted(
        shared.strict,
        raw.as_deref(),
        LATEST_CHAT_LIST,
        &mut refusals,
    );
    if let Some(response) = refusals.response() {
        return response;
    }
    let data = shared.dataset;
    let all = data.chat_conversations();
    let size = params.max_results.unwrap_or(CHAT_PAGE);
    let Some(slice) = slice(params.token, size, all.len()) else {
        return invalid_token(&params, CHAT_TOKEN);
    };
    let page: Vec<&Value> = all
        .get(slice.start..slice.end)
        .unwrap_or_default()
        .iter()
        .collect();
    let (items, includes) = chat_items(data, &page, &params);
    let mut body = Map::new();
    if !items.is_empty() {
        body.insert("data".into(), Value::Array(items));
    }
    let mut meta = json!({
        "result_count": page.len(),
        "has_more": slice.next.is_some(),
        "has_message_requests": true,
    });
    if let Some(next) = slice.next {
        meta["next_token"] = json!(next.encode(CHAT_TOKEN));
    }
    body.insert("meta".into(), meta);
    json_response(StatusCode::OK, &Value::Object(includes.into_body(body)))
}

async fn chat_conversation(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if !has_bearer(&headers) {
        return unauthorized();
    }
    let id = path.map(|Path(id)| id).unwrap_or_default();
    let mut refusals = Refusals::default();
    check_id(
        &id,
        is_chat_conversation_id(&id),
        CHAT_ID_PATTERN,
        &mut refusals,
    );
    let params = parse_params(raw.as_deref(), CHAT_ONE_PARAMS, CHAT_TOKEN, &mut refusals);
    refuse_unlisted(
        shared.strict,
        raw.as_deref(),
        LATEST_CHAT_ONE,
        &mut refusals,
    );
    if let Some(response) = refusals.response() {
        return response;
    }
    let data = shared.dataset;
    let Some(conversation) = data.chat_conversation(&direct_id(data, &id)) else {
        return not_found("conversation", &id);
    };
    let (items, includes) = chat_items(data, &[conversation], &params);
    let mut body = Map::new();
    // 2.166 sends the one conversation as a list of one, like the rest of
    // what the fake serves.
    body.insert("data".into(), Value::Array(items));
    json_response(StatusCode::OK, &Value::Object(includes.into_body(body)))
}

/// A bare user id names the 1:1 conversation with that user.
fn direct_id(data: &Dataset, id: &str) -> String {
    if !digits(id, 1..=19) {
        return id.to_owned();
    }
    let me = data.account_id();
    let (a, b) = match (id.parse::<u64>(), me.parse::<u64>()) {
        (Ok(other), Ok(mine)) if other < mine => (id, me),
        _ => (me, id),
    };
    format!("{a}-{b}")
}

fn chat_items(data: &'static Dataset, page: &[&Value], params: &Params) -> (Vec<Value>, Includes) {
    let expansions = params.list("expansions");
    let mut keep = vec!["id", "type"];
    keep.extend(expansions.iter().map(String::as_str));
    let items = page
        .iter()
        .map(|conversation| {
            select(
                conversation,
                &[ChatConversationField::VALUES],
                &keep,
                params.list("chat_conversation.fields"),
            )
        })
        .collect();
    let users = named_by(page.iter().flat_map(|conversation| {
        expansions.iter().flat_map(move |expansion| {
            strs(conversation.get(expansion)).map(move |id| (id, expansion.as_str()))
        })
    }));
    let mut includes = Includes::default();
    includes.users(&users, data, params);
    (items, includes)
}

// ------------------------------------------------------------------ TweetAPI

fn tweetapi_error(status: StatusCode, code: Value, message: &str) -> Response {
    json_response(
        status,
        &json!({ "error": { "code": code, "message": message, "details": null } }),
    )
}

async fn tweetapi_conversation(
    State(shared): State<Arc<Shared>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let has_key = headers
        .get("x-api-key")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|key| !key.trim().is_empty());
    if !has_key {
        // TweetAPI answers this one in NestJS's flat shape.
        return json_response(
            StatusCode::UNAUTHORIZED,
            &json!({ "statusCode": 401, "message": "No API key provided", "error": "Unauthorized" }),
        );
    }
    let pairs = query_pairs(raw.as_deref());
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    let bad = |message: &str| tweetapi_error(StatusCode::BAD_REQUEST, json!(400), message);
    if first("authToken").is_none_or(|token| token.trim().is_empty()) {
        return bad("authToken is required");
    }
    let Some(id) = first("conversationId") else {
        return bad("conversationId is required");
    };
    if !(is_pair(id) || digits(id, 1..=19)) {
        return bad("conversationId must be userId1-userId2 or a group conversation id");
    }
    let cursor = match first("cursor") {
        None => None,
        Some(text) => match Cursor::decode(TWEETAPI_CURSOR, text) {
            Some(cursor @ Cursor::From(_)) => Some(cursor),
            _ => return bad("cursor is invalid"),
        },
    };
    let data = shared.dataset;
    let Some(conversation) = data.conversation(id) else {
        return tweetapi_error(
            StatusCode::NOT_FOUND,
            json!("NOT_FOUND"),
            "Conversation not found",
        );
    };
    // TweetAPI lists messages only; joins and leaves are not messages.
    let messages: Vec<&Value> = conversation
        .events
        .iter()
        .filter(|event| str_of(event, "event_type") == Some("MessageCreate"))
        .collect();
    let Some(slice) = slice(cursor, TWEETAPI_PAGE, messages.len()) else {
        return bad("cursor is invalid");
    };
    let page = messages.get(slice.start..slice.end).unwrap_or_default();
    tweetapi_page(data, conversation, page, &messages, slice.next)
}

fn tweetapi_page(
    data: &Dataset,
    conversation: &Conversation,
    page: &[&Value],
    messages: &[&Value],
    next: Option<Cursor>,
) -> Response {
    let shaped: Vec<Value> = page
        .iter()
        .map(|event| tweetapi_message(data, conversation, event))
        .collect();
    let user_ids = unique(shaped.iter().flat_map(|message| {
        str_of(message, "senderId")
            .into_iter()
            .chain(str_of(message, "recipientId"))
    }));
    let users: Vec<Value> = user_ids
        .iter()
        .filter_map(|id| data.user(id))
        .map(tweetapi_user)
        .collect();
    let last = messages.first();
    let info = json!({
        "id": conversation.id,
        "type": if conversation.group { "GROUP_DM" } else { "ONE_TO_ONE" },
        "participants": conversation.participants,
        "lastMessageId": last.and_then(|m| m.get("id")),
        "lastMessageTime": last.and_then(|m| m.get("created_at")),
        "lastReadMessageId": last.and_then(|m| m.get("id")),
        "trusted": true,
        "muted": conversation.muted,
        "readOnly": false,
        "lowQuality": false,
        "nsfw": false,
        "notificationsDisabled": conversation.muted,
    });
    json_response(
        StatusCode::OK,
        &json!({
            "messages": shaped,
            "users": users,
            "conversationInfo": info,
            "hasMore": next.is_some(),
            "cursor": next.map(|cursor| cursor.encode(TWEETAPI_CURSOR)),
        }),
    )
}

/// A DM event as TweetAPI words a message.
fn tweetapi_message(data: &Dataset, conversation: &Conversation, event: &Value) -> Value {
    let sender = str_of(event, "sender_id");
    let recipient = if conversation.group {
        None
    } else {
        conversation
            .participants
            .iter()
            .find(|p| Some(p.as_str()) != sender)
    };
    let mut message = json!({
        "id": event.get("id"),
        "conversationId": conversation.id,
        "senderId": sender,
        "recipientId": recipient,
        "text": event.get("text"),
        "createdAt": event.get("created_at"),
        "requestId": null,
        "editCount": 0,
    });
    if let Some(entities) = event.get("entities") {
        let list = |key: &str, shape: &dyn Fn(&Value) -> Value| -> Value {
            entities
                .get(key)
                .and_then(Value::as_array)
                .map_or_else(|| json!([]), |items| items.iter().map(shape).collect())
        };
        let indices = |e: &Value| json!([e.get("start"), e.get("end")]);
        message["entities"] = json!({
            "urls": list("urls", &|u| json!({
                "url": u.get("url"),
                "expandedUrl": u.get("expanded_url"),
                "displayUrl": u.get("display_url"),
            })),
            "mentions": list("mentions", &|m| json!({
                "id": m.get("id"),
                "screenName": m.get("username"),
                "indices": indices(m),
            })),
            "hashtags": list("hashtags", &|h| json!({ "text": h.get("tag"), "indices": indices(h) })),
        });
    }
    if let Some(media) = media_keys(event)
        .next()
        .and_then(|key| data.media_item(key))
    {
        let kind = str_of(media, "type").unwrap_or("photo");
        let id = str_of(media, "media_key")
            .and_then(|key| key.split_once('_'))
            .map(|(_, id)| id);
        let url = media
            .get("url")
            .or_else(|| media.pointer("/variants/0/url"))
            .cloned()
            .unwrap_or(Value::Null);
        let mut attachment = json!({ "type": kind });
        attachment[kind] = json!({
            "id": id,
            "url": url,
            "width": media.get("width"),
            "height": media.get("height"),
        });
        message["attachment"] = attachment;
    }
    if let Some(reactions) = event.get("reactions") {
        // Unknown to TweetAPI's spec too: clients must carry it through.
        message["reactions"] = reactions.clone();
    }
    message
}

/// An X user as TweetAPI's full profile.
fn tweetapi_user(user: &Value) -> Value {
    let metric = |key: &str| user.pointer(&format!("/public_metrics/{key}")).cloned();
    let verified_type = str_of(user, "verified_type").filter(|t| *t != "none");
    json!({
        "id": user.get("id"),
        "username": user.get("username"),
        "name": user.get("name"),
        "bio": user.get("description"),
        "location": user.get("location"),
        "website": user.get("url"),
        "pinnedTweetIds": user.get("pinned_tweet_id").map(|id| vec![id.clone()]).unwrap_or_default(),
        "avatar": user.get("profile_image_url"),
        "banner": user.get("profile_banner_url"),
        "profileImageShape": if verified_type == Some("business") { "Square" } else { "Circle" },
        "verified": user.get("verified"),
        "isBlueVerified": verified_type.is_some(),
        "verifiedType": verified_type,
        "verifiedSince": null,
        "isIdentityVerified": false,
        "isProtected": user.get("protected"),
        "possiblySensitive": false,
        "profileInterstitialType": null,
        "withheldInCountries": [],
        "professional": null,
        "businessAccount": null,
        "creatorSubscriptionsCount": 0,
        "hasHiddenSubscriptions": false,
        "highlightsInfo": null,
        "hasGraduatedAccess": true,
        "isProfileTranslatable": false,
        "hasCustomTimelines": false,
        "isTranslator": false,
        "affiliatesHighlightedLabel": null,
        "defaultProfile": false,
        "defaultProfileImage": false,
        "followerCount": metric("followers_count"),
        "followingCount": metric("following_count"),
        "tweetCount": metric("tweet_count"),
        "listedCount": metric("listed_count"),
        "mediaCount": metric("media_count"),
        "favoritesCount": metric("like_count"),
        "createdAt": user.get("created_at"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_anything_else() {
        for cursor in [Cursor::From(0), Cursor::From(1200), Cursor::Before(7)] {
            let token = cursor.encode(DM_TOKEN);
            assert!(token.len() >= 16, "{token}");
            assert_eq!(Cursor::decode(DM_TOKEN, &token), Some(cursor));
            assert_eq!(Cursor::decode(CHAT_TOKEN, &token), None);
        }
        for bad in [
            "",
            "DMEV",
            "DMEVN",
            "DMEVX000000000001",
            "DMEVN00000000001",
            "DMEVN0000000000ü1",
            "DMEVN+00000000001",
        ] {
            assert_eq!(Cursor::decode(DM_TOKEN, bad), None, "{bad}");
        }
    }

    #[test]
    fn slices_walk_both_ways_without_overlap() {
        let first = slice(None, 100, 250).unwrap();
        assert_eq!((first.start, first.end, first.previous), (0, 100, None));
        let third = slice(
            first.next.and_then(|n| slice(Some(n), 100, 250)?.next),
            100,
            250,
        )
        .unwrap();
        assert_eq!((third.start, third.end, third.next), (200, 250, None));
        let back = slice(Some(Cursor::Before(50)), 100, 250).unwrap();
        assert_eq!((back.start, back.end, back.previous), (0, 50, None));
        assert!(slice(Some(Cursor::From(250)), 100, 250).is_none());
        assert!(slice(Some(Cursor::Before(0)), 100, 250).is_none());
        assert!(slice(Some(Cursor::Before(251)), 100, 250).is_none());
        let empty = slice(None, 100, 0).unwrap();
        assert_eq!((empty.start, empty.end, empty.next), (0, 0, None));
    }

    #[test]
    fn selection_keeps_defaults_requests_and_unknown_keys() {
        let event = json!({"id": "1", "event_type": "MessageCreate", "text": "hi", "sender_id": "2", "created_at": "t", "reactions": []});
        let only = select(
            &event,
            &[DmEventField::VALUES],
            &["id", "event_type", "text"],
            &["created_at".to_owned()],
        );
        let keys: Vec<&String> = only.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["created_at", "event_type", "id", "reactions", "text"]
        );
    }

    #[test]
    fn ids_are_checked_without_panicking() {
        for good in ["1234567890-9876543210", "123456789012345"] {
            assert!(is_dm_conversation_id(good), "{good}");
        }
        for bad in [
            "",
            "-",
            "1-",
            "12345",
            "a-b",
            "１２３-４５６",
            "1-2-3",
            "12345678901234567890-1",
        ] {
            assert!(!is_dm_conversation_id(bad), "{bad}");
        }
        assert!(is_chat_conversation_id("g1690000000000000001"));
        assert!(!is_chat_conversation_id("g"));
    }
}
