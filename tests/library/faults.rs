//! Fault injection: every case ends in complete data or the exact typed error,
//! never a panic, never a lost or repeated item, and no error shows a secret.

use crate::common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::fault_server::{FaultServer, Step, quick_client};
use common::{ACCESS_TOKEN, API_KEY, AUTH_TOKEN};
use futures::TryStreamExt;
use serde_json::json;
use x_dm::{Client, Error, ProblemKind, RateLimitPolicy, RetryPolicy, TweetApiClient};

const PROXY_PASSWORD: &str = "proxy-pass-5be1";
const CONVERSATION: &str = "1582103724607971328-1613565123466371072";
const SECRETS: [&str; 4] = [ACCESS_TOKEN, API_KEY, AUTH_TOKEN, PROXY_PASSWORD];

/// Fast retries and short rate-limit waits, so the suite stays quick.
fn client(server: &FaultServer) -> Client {
    quick_client(&server.base_url)
}

fn tweetapi(server: &FaultServer) -> TweetApiClient {
    TweetApiClient::builder(API_KEY, AUTH_TOKEN)
        .proxy(format!("proxy.example:8080@alice:{PROXY_PASSWORD}"))
        .base_url(&server.base_url)
        .retry(
            RetryPolicy::attempts(3)
                .with_delays(Duration::from_millis(10), Duration::from_millis(40)),
        )
        .rate_limit_policy(RateLimitPolicy::Wait {
            max_wait: Duration::from_secs(5),
        })
        .build()
        .unwrap()
}

/// A DM page with the given event ids and next token.
fn page(ids: &[u64], next: Option<&str>) -> String {
    let data: Vec<_> = ids
        .iter()
        .map(|id| json!({"id": id.to_string(), "event_type": "MessageCreate", "text": format!("message {id}")}))
        .collect();
    let mut meta = json!({"result_count": ids.len()});
    if let Some(next) = next {
        meta["next_token"] = json!(next);
    }
    json!({"data": data, "meta": meta}).to_string()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn unix(at: SystemTime) -> f64 {
    at.duration_since(UNIX_EPOCH).unwrap().as_secs_f64()
}

fn assert_no_secrets(error: &Error) {
    let shown = format!("{error} {error:?}");
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

async fn all_ids(client: &Client) -> Result<Vec<String>, Error> {
    let events: Vec<_> = client.dm_events(CONVERSATION).items().try_collect().await?;
    Ok(events.into_iter().map(|event| event.id.clone()).collect())
}

fn ids(range: impl IntoIterator<Item = u64>) -> Vec<String> {
    range.into_iter().map(|id| id.to_string()).collect()
}

#[tokio::test]
async fn a_429_is_waited_out_until_the_reset_and_the_walk_completes() {
    let reset = unix_now() + 2;
    let server = FaultServer::start(vec![
        Step::ok(page(&[6, 5, 4], Some("TOKEN-0000000000001"))),
        Step::status(
            429,
            r#"{"title":"Too Many Requests","type":"about:blank","status":429}"#,
        )
        .header("x-rate-limit-limit", 15)
        .header("x-rate-limit-remaining", 0)
        .header("x-rate-limit-reset", reset),
        Step::ok(page(&[3, 2, 1], None)),
    ])
    .await;

    assert_eq!(all_ids(&client(&server)).await.unwrap(), ids((1..=6).rev()));

    let seen = server.seen();
    assert_eq!(
        seen.len(),
        3,
        "page 2 fetched once more after the 429, nothing else"
    );
    assert_eq!(
        seen[1].target, seen[2].target,
        "the same request is sent again"
    );
    assert!(
        unix(seen[2].at) >= reset as f64,
        "retried {:.2}s before the reset",
        reset as f64 - unix(seen[2].at)
    );
}

#[tokio::test]
async fn an_exhausted_window_is_waited_out_before_the_next_request() {
    let reset = unix_now() + 2;
    let server = FaultServer::start(vec![
        Step::ok(page(&[4, 3], Some("TOKEN-0000000000001")))
            .header("x-rate-limit-limit", 15)
            .header("x-rate-limit-remaining", 0)
            .header("x-rate-limit-reset", reset),
        Step::ok(page(&[2, 1], None)),
    ])
    .await;

    assert_eq!(all_ids(&client(&server)).await.unwrap(), ids((1..=4).rev()));

    let seen = server.seen();
    assert_eq!(seen.len(), 2, "no 429 drawn");
    assert!(
        unix(seen[1].at) >= reset as f64,
        "sent {:.2}s before the reset",
        reset as f64 - unix(seen[1].at)
    );
}

#[tokio::test]
async fn a_wait_longer_than_the_maximum_fails_at_once_with_the_reset() {
    let reset = unix_now() + 600;
    let server = FaultServer::start(vec![
        Step::status(
            429,
            r#"{"title":"Too Many Requests","type":"about:blank","status":429}"#,
        )
        .header("x-rate-limit-remaining", 0)
        .header("x-rate-limit-reset", reset),
    ])
    .await;
    let client = client(&server);

    let started = SystemTime::now();
    let error = client.dm_events(CONVERSATION).send().await.unwrap_err();
    assert!(
        started.elapsed().unwrap() < Duration::from_secs(2),
        "no waiting"
    );
    let Error::RateLimited {
        reset: Some(at),
        error: Some(_),
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(at.timestamp() as u64, reset);
    assert_no_secrets(&error);

    // The window is known to be exhausted: the next call fails without sending.
    let error = client.dm_events(CONVERSATION).send().await.unwrap_err();
    assert!(
        matches!(error, Error::RateLimited { error: None, .. }),
        "{error:?}"
    );
    assert_eq!(server.seen().len(), 1);
}

#[tokio::test]
async fn a_503_twice_then_a_200_completes() {
    let down = r#"{"title":"Service Unavailable","type":"about:blank","status":503}"#;
    let server = FaultServer::start(vec![
        Step::status(503, down),
        Step::status(503, down),
        Step::ok(page(&[2, 1], None)),
    ])
    .await;
    assert_eq!(all_ids(&client(&server)).await.unwrap(), ids([2, 1]));
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_503_forever_fails_with_the_last_status_and_the_attempts() {
    let server = FaultServer::start(vec![Step::status(
        503,
        r#"{"title":"Service Unavailable","type":"about:blank"}"#,
    )])
    .await;
    let error = client(&server)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((api.status, api.attempts), (503, 3));
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
    assert_eq!(server.seen().len(), 3);
    assert_no_secrets(&error);
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error_with_status_and_excerpt() {
    let server = FaultServer::start(vec![Step::ok(
        r#"{"data": [{"id": "1", "event_type": "MessageCre"#,
    )])
    .await;
    let error = client(&server)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap_err();
    let Error::Decode {
        status, excerpt, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!(*status, 200);
    assert!(excerpt.starts_with(r#"{"data": [{"id": "1""#), "{excerpt}");
    assert_eq!(server.seen().len(), 1, "a bad body is not retried");
    assert_no_secrets(&error);
}

#[tokio::test]
async fn invalid_json_is_a_decode_error() {
    let server = FaultServer::start(vec![Step::ok("this is not JSON")]).await;
    let error = client(&server)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Decode { status: 200, excerpt, .. } if excerpt == "this is not JSON"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_body_of_the_wrong_shape_names_the_json_path() {
    let server = FaultServer::start(vec![Step::ok(
        r#"{"data": [{"id": "1", "event_type": 7}]}"#,
    )])
    .await;
    let error = client(&server)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap_err();
    let Error::Decode { path, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(path, "data[0].event_type");
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_retried_then_reported_with_an_excerpt() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server = FaultServer::start(vec![Step::Reply {
        status: 502,
        headers: vec![("content-type".into(), "text/html".into())],
        body: html.into(),
    }])
    .await;
    let error = client(&server)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((api.status, api.attempts), (502, 3));
    assert!(api.excerpt.as_deref().unwrap().contains("502 Bad Gateway"));
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_dropped_connection_and_a_body_cut_short_are_retried() {
    let full = page(&[2, 1], None);
    let server = FaultServer::start(vec![
        Step::Drop,
        Step::CutShort {
            status: 200,
            declared: full.len() + 100,
            body: full[..20].to_owned(),
        },
        Step::ok(full),
    ])
    .await;
    assert_eq!(all_ids(&client(&server)).await.unwrap(), ids([2, 1]));
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_connection_that_keeps_dropping_is_a_transport_error_after_every_attempt() {
    let server = FaultServer::start(vec![Step::Drop]).await;
    let error = client(&server)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 3, .. }),
        "{error:?}"
    );
    assert_no_secrets(&error);
}

#[tokio::test]
async fn a_server_slower_than_the_timeout_is_a_timeout_after_every_attempt() {
    let server = FaultServer::start(vec![Step::Slow {
        delay: Duration::from_secs(3),
        body: page(&[1], None),
    }])
    .await;
    let error = client(&server)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap_err();
    let Error::Transport {
        source, attempts, ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(source.is_timeout(), "{source:?}");
    assert_eq!(*attempts, 3);
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_next_token_loop_ends_the_walk_with_an_error_and_no_repeated_item() {
    let server = FaultServer::start(vec![
        Step::ok(page(&[6, 5], Some("TOKEN-0000000000001"))),
        Step::ok(page(&[4, 3], Some("TOKEN-0000000000002"))),
        Step::ok(page(&[2, 1], Some("TOKEN-0000000000001"))),
    ])
    .await;
    let client = client(&server);
    let mut seen = Vec::new();
    let mut events = client.dm_events(CONVERSATION).items();
    let error = loop {
        match events.try_next().await {
            Ok(Some(event)) => seen.push(event.id.clone()),
            Ok(None) => panic!("the loop was followed to an end"),
            Err(error) => break error,
        }
    };
    assert_eq!(seen, ids((1..=6).rev()));
    assert!(
        matches!(&error, Error::PaginationLoop { token } if token == "TOKEN-0000000000001"),
        "{error:?}"
    );
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn an_event_repeated_across_a_page_boundary_is_output_once() {
    let server = FaultServer::start(vec![
        Step::ok(page(&[5, 4, 3], Some("TOKEN-0000000000001"))),
        Step::ok(page(&[3, 2, 1], None)),
    ])
    .await;
    assert_eq!(all_ids(&client(&server)).await.unwrap(), ids((1..=5).rev()));
}

#[tokio::test]
async fn problems_become_typed_errors_without_secrets() {
    let cases = [
        (
            401,
            json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}),
            ProblemKind::Generic,
        ),
        (
            403,
            json!({"title": "Forbidden", "type": "about:blank", "status": 403, "detail": "Forbidden"}),
            ProblemKind::Generic,
        ),
        (
            404,
            json!({"title": "Not Found Error", "type": "https://api.twitter.com/2/problems/resource-not-found",
                   "detail": "Could not find DM conversation", "resource_type": "dm_conversation", "resource_id": CONVERSATION}),
            ProblemKind::ResourceNotFound,
        ),
    ];
    for (status, body, kind) in cases {
        let server = FaultServer::start(vec![Step::status(status, body.to_string())]).await;
        let error = client(&server)
            .dm_events(CONVERSATION)
            .send()
            .await
            .unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{status}: {error:?}")
        };
        assert_eq!((api.status, api.kind), (status, kind));
        assert_eq!(server.seen().len(), 1, "{status} is not retried");
        let shown = error.to_string();
        if status == 404 {
            assert_eq!(api.fields["resource_id"], CONVERSATION);
        } else {
            assert!(
                shown.contains("dm.read, tweet.read, users.read") && shown.contains("app-only"),
                "{shown}"
            );
        }
        assert_no_secrets(&error);
    }
}

#[tokio::test]
async fn a_200_with_data_and_errors_keeps_both() {
    let body = json!({
        "data": [{"id": "1", "event_type": "MessageCreate", "text": "hi", "referenced_tweets": [{"id": "99"}]}],
        "errors": [{"title": "Not Found Error", "type": "https://api.twitter.com/2/problems/resource-not-found",
                    "resource_id": "99", "resource_type": "tweet", "detail": "gone"}],
        "meta": {"result_count": 1}
    });
    let server = FaultServer::start(vec![Step::ok(body.to_string())]).await;
    let page = client(&server)
        .dm_events(CONVERSATION)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items().len(), 1);
    assert_eq!(page.errors().len(), 1);
}

#[tokio::test]
async fn tweetapi_errors_in_each_documented_shape() {
    let retry_after = json!({"error": {"code": "RATE_LIMIT", "message": "Rate limit exceeded", "details": {"retryAfter": 42}}});
    let server = FaultServer::start(vec![Step::status(429, retry_after.to_string())]).await;
    let started = unix_now();
    let error = tweetapi(&server)
        .conversation("1-2")
        .send()
        .await
        .unwrap_err();
    let Error::RateLimited {
        reset: Some(reset),
        error: Some(api),
    } = &error
    else {
        panic!("{error:?}")
    };
    assert!(
        reset.timestamp() as u64 >= started + 41,
        "reset from details.retryAfter"
    );
    assert_eq!(api.code.as_deref(), Some("RATE_LIMIT"));
    assert_no_secrets(&error);

    let envelope = json!({"error": {"code": "NOT_FOUND", "message": "Conversation not found"}});
    let flat = json!({"statusCode": 401, "message": "No API key provided"});
    for (status, body, detail) in [
        (404, envelope, "Conversation not found"),
        (401, flat, "No API key provided"),
    ] {
        let server = FaultServer::start(vec![Step::status(status, body.to_string())]).await;
        let error = tweetapi(&server)
            .conversation("1-2")
            .send()
            .await
            .unwrap_err();
        let Error::Api(api) = &error else {
            panic!("{error:?}")
        };
        assert_eq!((api.status, api.detail.as_deref()), (status, Some(detail)));
        assert!(api.required_scopes.is_empty(), "TweetAPI has no scopes");
        assert_no_secrets(&error);
    }
}

#[tokio::test(flavor = "current_thread")]
async fn neither_errors_nor_logs_show_the_session_cookie() {
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = Arc::clone(&logs);
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || Writer(Arc::clone(&sink)))
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = FaultServer::start(vec![Step::Drop]).await;
    let error = tweetapi(&server)
        .conversation("1-2")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { attempts: 3, .. }),
        "{error:?}"
    );
    assert_no_secrets(&error);
    assert!(
        server.seen()[0].target.contains(AUTH_TOKEN),
        "the cookie did travel, as TweetAPI needs"
    );

    let logs = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("waiting") && logs.contains("/tw-v2/interaction/conversation"),
        "{logs}"
    );
    for secret in SECRETS {
        assert!(!logs.contains(secret), "{secret} in the logs:\n{logs}");
    }
}

/// Collects what the subscriber writes.
struct Writer(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
