//! Each kind of `x_dm::Error`, from the bodies and headers X and TweetAPI
//! really send; and no error ever shows a credential.

use crate::common;

use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{
    ACCESS_TOKEN, API_KEY, AUTH_TOKEN, DM_CONVERSATION, TWEETAPI_PATH, dm_events_path, fixture,
    tweetapi_facade, x_facade,
};
use futures::{StreamExt, TryStreamExt};
use httpmock::prelude::*;
use serde_json::json;
use x_dm::prelude::*;
use x_dm::{ApiError, InvalidParameter, ProblemKind};

/// Answers every GET of `path` with `status` and `body`.
fn serve<'a>(server: &'a MockServer, path: &str, status: u16, body: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET).path(path);
        then.status(status)
            .header("content-type", "application/json")
            .body(body);
    })
}

/// A mock that answers anything, to count requests that should not be sent.
fn catch_all(server: &MockServer) -> httpmock::Mock<'_> {
    server.mock(|_, then| {
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"data": []}"#);
    })
}

/// Fails the test if an error shows any credential of the tests.
fn assert_no_secret(error: &Error) {
    let shown = format!("{error} {error:?}");
    for secret in [ACCESS_TOKEN, API_KEY, AUTH_TOKEN] {
        assert!(!shown.contains(secret), "{secret:?} shown in {shown}");
    }
}

fn api_error(error: Error) -> Box<ApiError> {
    assert_no_secret(&error);
    match error {
        Error::Api(error) => error,
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

fn invalid(error: Error) -> InvalidParameter {
    assert_no_secret(&error);
    match error {
        Error::InvalidInput(invalid) => invalid,
        other => panic!("expected Error::InvalidInput, got {other:?}"),
    }
}

async fn dm_error(status: u16, body: &str) -> Error {
    let server = MockServer::start_async().await;
    let mock = serve(&server, &dm_events_path(), status, body);
    let error = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .send()
        .await
        .unwrap_err();
    mock.assert_calls(1);
    error
}

#[tokio::test]
async fn a_401_names_the_scopes_and_says_app_only_tokens_are_refused() {
    let error = api_error(
        dm_error(
            401,
            &fixture("getChatConversations", "401-unauthorized.json"),
        )
        .await,
    );

    assert_eq!(error.status, 401);
    assert_eq!(error.kind, ProblemKind::Generic);
    assert_eq!(error.type_uri.as_deref(), Some("about:blank"));
    assert_eq!(error.title.as_deref(), Some("Unauthorized"));
    assert_eq!(
        error.required_scopes,
        ["dm.read", "tweet.read", "users.read"]
    );
    let shown = error.to_string();
    assert!(shown.starts_with("HTTP 401: Unauthorized"), "{shown}");
    assert!(shown.contains("dm.read, tweet.read, users.read"), "{shown}");
    assert!(
        shown.contains("app-only tokens are not accepted"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_403_unsupported_authentication_under_api_twitter_com_is_told_apart() {
    let server = MockServer::start_async().await;
    let mock = serve(
        &server,
        "/2/chat/conversations",
        403,
        &fixture(
            "getChatConversations",
            "403-unsupported-authentication.json",
        ),
    );

    let error = x_facade(&server)
        .conversations()
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();

    mock.assert_calls(1);
    let error = api_error(error);
    assert_eq!(error.kind, ProblemKind::UnsupportedAuthentication);
    assert_eq!(
        error.type_uri.as_deref(),
        Some("https://api.twitter.com/2/problems/unsupported-authentication")
    );
    assert!(
        error
            .detail
            .as_deref()
            .unwrap()
            .contains("OAuth 2.0 Application-Only is forbidden")
    );
    // The Chat inbox needs no `tweet.read`.
    assert_eq!(error.required_scopes, ["dm.read", "users.read"]);
    assert!(error.to_string().contains("dm.read, users.read"));
}

#[tokio::test]
async fn a_404_resource_not_found_under_api_x_com_keeps_its_fields() {
    let server = MockServer::start_async().await;
    let mock = serve(
        &server,
        "/2/chat/conversations/g1690000000000000999",
        404,
        &fixture("getChatConversation", "404-not-found-2167.json"),
    );

    let error = x_facade(&server)
        .conversation("g1690000000000000999")
        .send()
        .await
        .unwrap_err();

    mock.assert_calls(1);
    let error = api_error(error);
    assert_eq!(error.status, 404);
    assert_eq!(error.kind, ProblemKind::ResourceNotFound);
    assert_eq!(error.fields["resource_id"], "g1690000000000000999");
    assert_eq!(error.fields["resource_type"], "conversation");
    assert_eq!(error.fields["parameter"], "id");
    assert_eq!(
        error.detail.as_deref(),
        Some("Could not find conversation with id: [g1690000000000000999].")
    );
    assert!(error.required_scopes.is_empty(), "no scope hint on a 404");
    assert!(!error.to_string().contains("scopes"));
}

#[tokio::test]
async fn the_same_problem_type_reads_the_same_under_both_hosts() {
    for host in ["api.twitter.com", "api.x.com"] {
        let body = fixture(
            "getDirectMessagesEventsByConversationId",
            "403-not-authorized-for-resource.json",
        )
        .replace("api.twitter.com", host);
        let error = api_error(dm_error(403, &body).await);
        assert_eq!(error.kind, ProblemKind::NotAuthorizedForResource, "{host}");
        assert_eq!(error.fields["section"], "data", "{host}");
    }
}

#[tokio::test]
async fn a_problem_type_no_list_knows_is_other_with_its_uri_kept() {
    let body = json!({
        "title": "Brand New Problem",
        "detail": "Something X has not documented yet.",
        "type": "https://api.x.com/2/problems/brand-new-problem",
        "status": 409,
        "section": "includes",
    });
    let error = api_error(dm_error(409, &body.to_string()).await);

    assert_eq!(error.kind, ProblemKind::Other);
    assert_eq!(
        error.type_uri.as_deref(),
        Some("https://api.x.com/2/problems/brand-new-problem")
    );
    assert_eq!(error.title.as_deref(), Some("Brand New Problem"));
    assert_eq!(error.fields["section"], "includes");
    assert!(
        error
            .to_string()
            .contains("(https://api.x.com/2/problems/brand-new-problem)")
    );
}

#[tokio::test]
async fn a_non_json_error_body_is_kept_as_an_excerpt() {
    let html = format!("<html><body>{}</body></html>", "Bad Gateway ".repeat(40));
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET).path(dm_events_path());
        then.status(403)
            .header("content-type", "text/html")
            .body(&html);
    });

    let error = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .send()
        .await
        .unwrap_err();

    mock.assert_calls(1);
    let error = api_error(error);
    assert_eq!(error.kind, ProblemKind::Other);
    let excerpt = error.excerpt.as_deref().unwrap();
    assert!(excerpt.starts_with("<html><body>Bad Gateway"), "{excerpt}");
    assert!(excerpt.chars().count() < html.len(), "cut short: {excerpt}");
}

/// A reset time a day ahead, in whole seconds: far enough that no client
/// policy would wait for it.
fn reset_in_a_day() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp() + 24 * 60 * 60, 0).unwrap()
}

#[tokio::test]
async fn a_429_reads_its_reset_from_x_rate_limit_reset() {
    let reset = reset_in_a_day();
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET).path(dm_events_path());
        then.status(429)
            .header("content-type", "application/json")
            .header("x-rate-limit-limit", "15")
            .header("x-rate-limit-remaining", "0")
            .header("x-rate-limit-reset", reset.timestamp().to_string())
            .body(fixture(
                "getChatConversations",
                "429-too-many-requests.json",
            ));
    });

    let error = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();

    mock.assert_calls(1);
    assert_no_secret(&error);
    let shown = error.to_string();
    match error {
        Error::RateLimited { reset: got, .. } => assert_eq!(got, Some(reset)),
        other => panic!("expected Error::RateLimited, got {other:?}"),
    }
    assert!(shown.contains(&reset.to_rfc3339()), "{shown}");
    assert!(shown.contains("Too Many Requests"), "{shown}");
}

#[tokio::test]
async fn x_s_legacy_429_body_is_rate_limited_with_its_code() {
    let reset = reset_in_a_day();
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path(dm_events_path());
        then.status(429)
            .header("content-type", "application/json")
            .header("x-rate-limit-reset", reset.timestamp().to_string())
            .body(fixture(
                "getDirectMessagesEventsByConversationId",
                "429-legacy-error.json",
            ));
    });

    let error = x_facade(&server)
        .dm_events(DM_CONVERSATION)
        .send()
        .await
        .unwrap_err();

    let shown = error.to_string();
    assert!(
        matches!(error, Error::RateLimited { reset: Some(got), .. } if got == reset),
        "{error:?}"
    );
    assert!(shown.contains("Rate limit exceeded [88]"), "{shown}");
}

#[tokio::test]
async fn a_429_without_any_reset_is_rate_limited_until_an_unknown_time() {
    let error = dm_error(
        429,
        &fixture("getChatConversations", "429-too-many-requests.json"),
    )
    .await;

    assert!(
        matches!(error, Error::RateLimited { reset: None, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("rate limited until an unknown time"),
        "{error}"
    );
}

#[tokio::test]
async fn a_tweetapi_429_envelope_reads_its_reset_from_details_retry_after() {
    let body = json!({"error": {
        "code": "RATE_LIMIT",
        "message": "Rate limit exceeded. Please slow down.",
        "details": {"retryAfter": 3600, "traceId": "c0ffee00-0000-4000-8000-000000000001"},
    }});
    let server = MockServer::start_async().await;
    let mock = serve(&server, TWEETAPI_PATH, 429, &body.to_string());

    let before = Utc::now();
    let error = tweetapi_facade(&server)
        .conversation("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap_err();
    let after = Utc::now();

    mock.assert_calls(1);
    assert_no_secret(&error);
    let shown = error.to_string();
    let Error::RateLimited {
        reset: Some(reset), ..
    } = error
    else {
        panic!("expected Error::RateLimited with a reset, got {error:?}")
    };
    let hour = chrono::Duration::seconds(3600);
    assert!(
        before + hour - chrono::Duration::seconds(1) <= reset
            && reset <= after + hour + chrono::Duration::seconds(1),
        "{reset} is not an hour after {before}"
    );
    assert!(
        shown.contains("Rate limit exceeded. Please slow down. [RATE_LIMIT]"),
        "{shown}"
    );
}

#[tokio::test]
async fn tweetapi_s_flat_401_is_an_api_error_with_its_message() {
    let server = MockServer::start_async().await;
    let mock = serve(
        &server,
        TWEETAPI_PATH,
        401,
        &fixture("getTweetApiConversation", "401-flat-nest.json"),
    );

    let error = tweetapi_facade(&server)
        .conversation("1000000000000000001-1000000000000000002")
        .items()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();

    mock.assert_calls(1);
    let error = api_error(error);
    assert_eq!(error.status, 401);
    assert_eq!(error.detail.as_deref(), Some("No API key provided"));
    assert!(error.required_scopes.is_empty(), "TweetAPI has no scopes");
    assert!(error.fields.is_empty(), "{:?}", error.fields);
    assert_eq!(error.to_string(), "HTTP 401: No API key provided");
}

#[tokio::test]
async fn tweetapi_s_404_envelope_keeps_its_code() {
    let server = MockServer::start_async().await;
    serve(
        &server,
        TWEETAPI_PATH,
        404,
        &fixture("getTweetApiConversation", "404-error-envelope.json"),
    );

    let error = tweetapi_facade(&server)
        .conversation("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap_err();

    let error = api_error(error);
    assert_eq!(error.code.as_deref(), Some("NOT_FOUND"));
    assert_eq!(error.detail.as_deref(), Some("Conversation not found"));
}

#[tokio::test]
async fn a_200_of_the_wrong_shape_is_a_decode_error_naming_the_field() {
    let body = json!({
        "data": [
            {"id": "2", "event_type": "MessageCreate"},
            {"id": "1", "event_type": "MessageCreate", "sender_id": 1582103724607971328_u64},
        ],
    })
    .to_string();
    let error = dm_error(200, &body).await;

    assert_no_secret(&error);
    let Error::Decode {
        status,
        path,
        message,
        excerpt,
        ..
    } = error
    else {
        panic!("expected Error::Decode, got {error:?}")
    };
    assert_eq!(status, 200);
    assert_eq!(path, "data[1].sender_id");
    assert!(message.contains("expected a string"), "{message}");
    assert!(body.starts_with(&excerpt), "{excerpt}");
}

#[tokio::test]
async fn a_tweetapi_200_of_the_wrong_shape_names_the_field() {
    // TweetAPI's response is one of several shapes; the error must still say
    // which field of the body was wrong, not only that no shape matched.
    let body = json!({
        "messages": [
            {"id": "5000000000000000002", "text": "fine"},
            {"id": 5000000000000000001_u64, "text": "id is a number"},
        ],
        "hasMore": false,
    })
    .to_string();
    let server = MockServer::start_async().await;
    let mock = serve(&server, TWEETAPI_PATH, 200, &body);

    let error = tweetapi_facade(&server)
        .conversation("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap_err();

    mock.assert_calls(1);
    assert_no_secret(&error);
    let Error::Decode {
        status,
        path,
        message,
        excerpt,
        ..
    } = error
    else {
        panic!("expected Error::Decode, got {error:?}")
    };
    assert_eq!(status, 200);
    assert!(body.starts_with(&excerpt), "{excerpt}");
    assert_eq!(path, "messages[1].id", "message: {message}");
}

#[tokio::test]
async fn a_chat_conversation_200_of_the_wrong_shape_names_the_field() {
    // 2.167's object form of `data`, with a field of the wrong type.
    let body = json!({
        "data": {"id": "g1690000000000000001", "type": "group", "is_muted": "no"},
    })
    .to_string();
    let server = MockServer::start_async().await;
    serve(
        &server,
        "/2/chat/conversations/g1690000000000000001",
        200,
        &body,
    );

    let error = x_facade(&server)
        .conversation("g1690000000000000001")
        .send()
        .await
        .unwrap_err();

    let Error::Decode {
        status,
        path,
        message,
        ..
    } = error
    else {
        panic!("expected Error::Decode, got {error:?}")
    };
    assert_eq!(status, 200);
    assert_eq!(path, "data.is_muted", "message: {message}");
}

#[tokio::test]
async fn a_chat_conversation_without_its_id_names_the_missing_field() {
    // One of two shapes (object or list), and neither fits: the error still
    // says what is missing, not only that no shape matched.
    let body = fixture(
        "getChatConversation",
        "invalid/200-conversation-without-id.json",
    );
    let server = MockServer::start_async().await;
    serve(
        &server,
        "/2/chat/conversations/g1690000000000000001",
        200,
        &body,
    );

    let error = x_facade(&server)
        .conversation("g1690000000000000001")
        .send()
        .await
        .unwrap_err();

    let shown = error.to_string();
    let Error::Decode { path, message, .. } = error else {
        panic!("expected Error::Decode, got {error:?}")
    };
    assert_eq!(path, "data");
    assert!(message.starts_with("missing field `id`"), "{message}");
    assert!(shown.contains("at data: missing field `id`"), "{shown}");
}

#[tokio::test]
async fn a_bad_item_fails_the_page_even_when_an_included_object_is_bad_too() {
    let body = json!({
        "includes": {"users": [{"username": "no_id"}]},
        "data": [
            {"id": "2", "event_type": "MessageCreate"},
            {"event_type": "MessageCreate", "text": "no id"},
        ],
    })
    .to_string();
    let Error::Decode { path, message, .. } = dm_error(200, &body).await else {
        panic!("expected Error::Decode")
    };
    assert_eq!(path, "data[1]");
    assert!(message.starts_with("missing field `id`"), "{message}");
}

#[tokio::test]
async fn a_decode_error_outside_the_items_names_the_field_too() {
    let body = json!({"data": [], "meta": {"result_count": "three"}}).to_string();
    let error = dm_error(200, &body).await;

    let Error::Decode { status, path, .. } = error else {
        panic!("expected Error::Decode, got {error:?}")
    };
    assert_eq!(status, 200);
    assert_eq!(path, "meta.result_count");
}

#[tokio::test]
async fn a_decode_error_keeps_only_the_start_of_a_long_body() {
    let padding = "x".repeat(5_000);
    let body =
        json!({"meta": {"result_count": 1, "next_token": 7}, "padding": padding}).to_string();
    let error = dm_error(200, &body).await;

    let shown = error.to_string();
    let Error::Decode { path, excerpt, .. } = error else {
        panic!("expected Error::Decode, got {error:?}")
    };
    assert_eq!(path, "meta.next_token");
    assert!(excerpt.chars().count() < 300, "{} chars", excerpt.len());
    assert!(shown.contains("cannot decode the HTTP 200 response at meta.next_token"));
}

#[tokio::test]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = x_facade(&server);

    let error = invalid(
        client
            .dm_events(DM_CONVERSATION)
            .max_results(0)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "max_results");
    assert_eq!(error.rule, "must be an integer from 1 to 100");
    assert_eq!(error.value.as_deref(), Some("0"));

    let error = invalid(client.dm_events("not-an-id").send().await.unwrap_err());
    assert_eq!(error.parameter, "id");
    assert_eq!(
        error.rule,
        "must match the pattern `^([0-9]{1,19}-[0-9]{1,19}|[0-9]{15,19})$`"
    );

    let error = invalid(
        client
            .dm_events(DM_CONVERSATION)
            .fields(Vec::<DmEventField>::new())
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "dm_event.fields");
    assert_eq!(error.rule, "must list at least 1 value(s)");

    let error = invalid(
        client
            .dm_events(DM_CONVERSATION)
            .user_fields([UserField::Username])
            .expansions([DmEventExpansion::AttachmentsMediaKeys])
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "user.fields");
    assert!(
        error.rule.contains("`sender_id` or `participant_ids`"),
        "{}",
        error.rule
    );

    let error = invalid(
        client
            .dm_events(DM_CONVERSATION)
            .media_fields([MediaField::Url])
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "media.fields");
    assert!(
        error.rule.contains("`attachments.media_keys`"),
        "{}",
        error.rule
    );

    let error = invalid(
        client
            .dm_events(DM_CONVERSATION)
            .tweet_fields([TweetField::CreatedAt])
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "tweet.fields");
    assert!(
        error
            .rule
            .contains("`referenced_tweets.id` or `referenced_posts`"),
        "{}",
        error.rule
    );

    let error = invalid(
        client
            .dm_events(DM_CONVERSATION)
            .pagination_token("too-short")
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "pagination_token");
    assert_eq!(error.rule, "must be at least 16 characters long");

    let error = invalid(
        client
            .conversations()
            .max_results(1001)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "max_results");

    let error = invalid(
        client
            .conversations()
            .user_fields([UserField::Username])
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "user.fields");

    let error = invalid(client.conversation("group-1").send().await.unwrap_err());
    assert_eq!(error.parameter, "id");

    let error = invalid(
        client
            .conversation("g1690000000000000001")
            .fields(Vec::<ChatConversationField>::new())
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "chat_conversation.fields");

    mock.assert_calls(0);
}

#[tokio::test]
async fn bad_input_ends_a_stream_at_its_first_item_without_a_request() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);
    let client = x_facade(&server);

    let results: Vec<_> = client
        .dm_events(DM_CONVERSATION)
        .max_results(101)
        .items()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    let error = invalid(results.into_iter().next().unwrap().unwrap_err());
    assert_eq!(error.parameter, "max_results");

    let results: Vec<_> = client
        .dm_events(DM_CONVERSATION)
        .pagination_token("short")
        .pages()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    let error = invalid(results.into_iter().next().unwrap().unwrap_err());
    assert_eq!(error.parameter, "pagination_token");

    mock.assert_calls(0);
}

#[tokio::test]
async fn tweetapi_bad_input_is_refused_and_secrets_are_not_repeated() {
    let server = MockServer::start_async().await;
    let mock = catch_all(&server);

    let error = invalid(
        tweetapi_facade(&server)
            .conversation("not a conversation")
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(error.parameter, "conversationId");
    assert_eq!(error.value.as_deref(), Some("not a conversation"));

    let bad_proxy = "no-port-here-secret-proxy-pass";
    let client = x_dm::TweetApiClient::builder(API_KEY, AUTH_TOKEN)
        .proxy(bad_proxy)
        .base_url(server.base_url())
        .build()
        .unwrap();
    let error = client
        .conversation("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    let error = invalid(error);
    assert_eq!(error.parameter, "proxy");
    assert_eq!(error.value, None, "a secret parameter's value is not kept");
    assert!(!shown.contains(bad_proxy), "{shown}");

    let error = x_dm::TweetApiClient::builder(API_KEY, "")
        .base_url(server.base_url())
        .build()
        .unwrap()
        .conversation("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap_err();
    let error = invalid(error);
    assert_eq!(error.parameter, "authToken");
    assert_eq!(error.value, None);

    mock.assert_calls(0);
}

#[tokio::test]
async fn a_credential_that_cannot_be_a_header_is_refused_without_showing_it() {
    let error = x_dm::Client::new("secret-token-with\na-line-break").unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidCredential {
            credential: "access token"
        }
    ));
    assert!(!format!("{error} {error:?}").contains("secret-token"));

    let error = x_dm::TweetApiClient::new("secret-key\r\n", AUTH_TOKEN).unwrap_err();
    assert!(matches!(
        error,
        Error::InvalidCredential {
            credential: "TweetAPI key"
        }
    ));
    assert!(!format!("{error} {error:?}").contains("secret-key"));
}

#[tokio::test]
async fn a_base_url_that_is_not_http_is_refused() {
    let error = x_dm::Client::builder(ACCESS_TOKEN)
        .base_url("ftp://example.invalid")
        .build()
        .unwrap_err();
    let error = invalid(error);
    assert_eq!(error.parameter, "base_url");
}

/// The address of a loopback port nothing listens on.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

#[tokio::test]
async fn a_transport_error_shows_neither_the_url_nor_any_credential() {
    let base = closed_port();
    let x = x_dm::Client::builder(ACCESS_TOKEN)
        .base_url(&base)
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let error = x.dm_events(DM_CONVERSATION).send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_no_secret(&error);

    let tweetapi = x_dm::TweetApiClient::builder(API_KEY, AUTH_TOKEN)
        .base_url(&base)
        .connect_timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    let error = tweetapi
        .conversation("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    // TweetAPI's URL carries the auth token as a query parameter.
    assert_no_secret(&error);
    assert!(!format!("{error:?}").contains("authToken"), "{error:?}");
}

#[tokio::test]
async fn a_timeout_shows_no_credential() {
    let server = MockServer::start_async().await;
    server.mock(|when, then| {
        when.method(GET).path(TWEETAPI_PATH);
        then.status(200)
            .delay(Duration::from_secs(3))
            .header("content-type", "application/json")
            .body(r#"{"messages": []}"#);
    });
    let client = x_dm::TweetApiClient::builder(API_KEY, AUTH_TOKEN)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let error = client
        .conversation("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap_err();

    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_no_secret(&error);
}

#[tokio::test]
async fn clients_do_not_show_their_credentials() {
    let server = MockServer::start_async().await;
    let shown = format!("{:?} {:?}", x_facade(&server), tweetapi_facade(&server));
    for secret in [ACCESS_TOKEN, API_KEY, AUTH_TOKEN] {
        assert!(!shown.contains(secret), "{secret:?} shown in {shown}");
    }
}
