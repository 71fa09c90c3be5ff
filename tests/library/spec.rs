//! Facts about the specs that neither JSON Schema nor the generator checks.

use std::collections::BTreeSet;

use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/openapi/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_norway::from_str(&text).unwrap()
}

/// Every problem type the X docs list, across spec versions 2.112 to 2.173
/// and the response-codes guide (`recipient-not-messageable` from 2.169, the
/// `dm-*` types from 2.173).
const DOCUMENTED_PROBLEM_TYPES: &[&str] = &[
    "client-disconnected",
    "client-forbidden",
    "conflict",
    "disallowed-resource",
    "duplicate-rules",
    "field-hydration-failure",
    "field-unauthorized",
    "internal-error",
    "invalid-request",
    "invalid-rules",
    "noncompliant-rules",
    "not-authorized-for-field",
    "not-authorized-for-resource",
    "oauth1-permissions",
    "operational-disconnect",
    "rate-limit-exceeded",
    "resource-not-found",
    "resource-unavailable",
    "rule-cap",
    "streaming-connection",
    "unsupported-authentication",
    "usage-capped",
    "recipient-not-messageable",
    "dm-bad-attachment",
    "dm-bad-cta",
    "dm-bad-custom-profile",
    "dm-bad-media",
    "dm-bad-quick-reply",
    "dm-bad-url",
    "dm-conversation-name-too-long",
    "dm-conversation-not-found",
    "dm-duplicate",
    "dm-inactive-device",
    "dm-not-delivered",
    "dm-not-found",
    "dm-not-owner",
    "dm-participant-not-added",
    "dm-participant-not-found",
    "dm-participant-restricted",
    "dm-participant-unavailable",
    "dm-rate-limited",
    "dm-recipient-blocks-sender",
    "dm-recipient-cannot-receive",
    "dm-recipient-encrypted-unavailable",
    "dm-recipient-not-accepting",
    "dm-recipient-not-found",
    "dm-recipient-restricts-groups",
    "dm-recipient-unavailable",
    "dm-request-in-progress",
    "dm-safety-limited",
    "dm-safety-rejected",
    "dm-sender-blocks-recipient",
    "dm-sender-declined-dms",
    "dm-sender-dms-closed",
    "dm-sender-encrypted-unavailable",
    "dm-sender-not-in-conversation",
    "dm-sender-not-permitted",
    "dm-sender-not-verified",
    "dm-sender-phone-required",
    "dm-sender-read-only",
    "dm-sender-unavailable",
    "dm-text-empty",
    "dm-text-too-long",
    "dm-too-few-participants",
    "dm-too-many-participants",
    "dm-unsupported-message",
];

fn strings(value: &Value) -> BTreeSet<String> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_documented_problem_type_has_a_schema_under_both_hosts() {
    let spec = load("x-api.yaml");
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let mut listed = BTreeSet::new();
    for (name, schema) in schemas {
        if name.ends_with("Problem") && name != "GenericProblem" {
            listed.extend(strings(&schema["properties"]["type"]["enum"]));
        }
    }
    let expected: BTreeSet<String> = DOCUMENTED_PROBLEM_TYPES
        .iter()
        .flat_map(|slug| {
            ["api.twitter.com", "api.x.com"].map(|host| format!("https://{host}/2/problems/{slug}"))
        })
        .collect();
    assert_eq!(listed, expected);
}

#[test]
fn the_generic_problem_excludes_exactly_the_known_types() {
    // Otherwise a known type matches two `oneOf` branches (invalid JSON
    // Schema), or an unknown one matches none (a decode error).
    let spec = load("x-api.yaml");
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let known: BTreeSet<String> = schemas
        .iter()
        .filter(|(name, _)| name.ends_with("Problem") && *name != "GenericProblem")
        .flat_map(|(_, schema)| strings(&schema["properties"]["type"]["enum"]))
        .collect();
    let excluded = strings(&schemas["GenericProblem"]["properties"]["type"]["not"]["enum"]);
    assert_eq!(excluded, known);
    let variants: BTreeSet<String> = spec["components"]["schemas"]["Problem"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            v["$ref"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_owned()
        })
        .collect();
    let problem_schemas: BTreeSet<String> = schemas
        .keys()
        .filter(|name| name.ends_with("Problem") && *name != "Problem")
        .cloned()
        .collect();
    assert_eq!(
        variants, problem_schemas,
        "every problem schema is a variant of Problem"
    );
}

#[test]
fn dm_and_chat_take_user_context_auth_only_webhooks_the_apps_token_subscriptions_both() {
    let spec = load("x-api.yaml");
    let schemes: BTreeSet<&String> = spec["components"]["securitySchemes"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(
        schemes,
        BTreeSet::from([
            &"BearerToken".to_owned(),
            &"OAuth2UserToken".to_owned(),
            &"UserToken".to_owned()
        ])
    );
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let security = &operation["security"];
            // The app's endpoints: its bearer token first, as X documents.
            if path.starts_with("/2/webhooks") {
                assert!(
                    security[0]["BearerToken"].is_array(),
                    "{method} {path}: the app's bearer token"
                );
                continue;
            }
            // The activity stream: the app's bearer token alone.
            if path == "/2/activity/stream" {
                assert_eq!(
                    security,
                    &serde_json::json!([{ "BearerToken": [] }]),
                    "{method} {path}: the app's bearer token only"
                );
                continue;
            }
            // Subscriptions: the user's token first, the app's also taken.
            if path.starts_with("/2/activity/subscriptions") {
                assert!(
                    security[0]["OAuth2UserToken"].is_array()
                        && security[2]["BearerToken"].is_array(),
                    "{method} {path}: the user's token, then the app's"
                );
                continue;
            }
            assert!(
                security
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|scheme| scheme.get("BearerToken").is_none()),
                "{method} {path}: DM and Chat refuse app-only tokens"
            );
            let scopes = strings(&security[0]["OAuth2UserToken"]);
            // Reads need `dm.read`; writes the scope of what they write.
            let needed = match (method.as_str(), path.as_str()) {
                // Uploads, their status read included, write media.
                (_, p) if p.starts_with("/2/media/") || p.starts_with("/2/chat/media/") => {
                    ["media.write"].as_slice()
                }
                ("get", _) => &["dm.read", "users.read"],
                ("delete", _) => &["dm.write"],
                // X asks only `dm.write` to reserve a group id.
                (_, "/2/chat/conversations/group/initialize") => &["dm.write"],
                _ => &["dm.write", "users.read"],
            };
            assert!(
                needed.iter().all(|scope| scopes.contains(*scope)),
                "{method} {path}: {scopes:?}"
            );
            assert!(
                security[1]["UserToken"].is_array(),
                "{method} {path}: OAuth 1.0a user context"
            );
        }
    }
}
