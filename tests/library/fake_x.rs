//! The built-in fake X API (`x_dm::testing::FakeX`), through the typed
//! clients and through raw HTTP: what it serves, and that it honours what
//! the real APIs do.

use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use x_dm::engine::{Location, Multipart};
use x_dm::prelude::*;
use x_dm::testing::{DEMO_CONVERSATION, Dataset, FakeConfig, FakeX, Fault};
use x_dm::x::types::{AppendMediaUploadData, CreateMessageRequest, MessageAttachment};
use x_dm::{ProblemKind, RetryPolicy};

const TOKEN: &str = "fake-access-token";

fn client(fake: &FakeX) -> Client {
    Client::builder(TOKEN)
        .base_url(fake.base_url())
        .retry(
            RetryPolicy::attempts(3)
                .with_delays(Duration::from_millis(10), Duration::from_millis(40)),
        )
        .build()
        .unwrap()
}

fn tweetapi(fake: &FakeX) -> TweetApiClient {
    TweetApiClient::builder("fake-api-key", "fake-auth-token")
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

fn http() -> reqwest::Client {
    x_dm::connect::install_tls_provider();
    reqwest::Client::new()
}

/// A raw GET with a bearer token (or none).
async fn get(fake: &FakeX, path_and_query: &str, bearer: Option<&str>) -> reqwest::Response {
    let mut request = http().get(format!("{}{path_and_query}", fake.base_url()));
    if let Some(token) = bearer {
        request = request.header("Authorization", format!("Bearer {token}"));
    }
    request.send().await.unwrap()
}

async fn json_of(response: reqwest::Response) -> Value {
    serde_json::from_slice(&response.bytes().await.unwrap()).unwrap()
}

fn header(response: &reqwest::Response, name: &str) -> u64 {
    response.headers()[name].to_str().unwrap().parse().unwrap()
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn demo_events(data: &Dataset) -> &[Value] {
    data.events(DEMO_CONVERSATION).unwrap()
}

fn ids(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["id"].as_str().unwrap()).collect()
}

fn keys(object: &Value) -> HashSet<&str> {
    object
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn strings<'a>(values: impl IntoIterator<Item = &'a Value>) -> HashSet<&'a str> {
    values.into_iter().map(|v| v.as_str().unwrap()).collect()
}

#[tokio::test]
async fn walking_the_demo_conversation_yields_every_event_once_newest_first() {
    let fake = FakeX::start().await.unwrap();
    let data = fake.dataset();
    let expected = fake.dataset().event_count(DEMO_CONVERSATION).unwrap();
    assert!(expected >= 1000, "{expected}");

    let events: Vec<_> = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .max_results(100)
        .items()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(events.len(), expected);
    let numeric: Vec<u64> = events.iter().map(|e| e.id.parse().unwrap()).collect();
    assert!(
        numeric.windows(2).all(|w| w[0] > w[1]),
        "strictly newest first"
    );
    assert_eq!(numeric.iter().collect::<HashSet<_>>().len(), expected);
    let got: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(got, ids(demo_events(&data)));
    assert_eq!(
        fake.requests(),
        expected.div_ceil(100),
        "one request a page"
    );
    let kinds: HashSet<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        kinds,
        HashSet::from(["MessageCreate", "ParticipantsJoin", "ParticipantsLeave"])
    );
}

#[tokio::test]
async fn walking_towards_newer_events_follows_previous_tokens_without_overlap() {
    let fake = FakeX::start().await.unwrap();
    let data = fake.dataset();
    let client = client(&fake);
    let second = client
        .dm_events(DEMO_CONVERSATION)
        .max_results(100)
        .pagination_token(
            client
                .dm_events(DEMO_CONVERSATION)
                .send()
                .await
                .unwrap()
                .next_token()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(second.previous_token().is_some());
    let third_token = second.next_token().unwrap().to_owned();

    let newer: Vec<_> = client
        .dm_events(DEMO_CONVERSATION)
        .max_results(100)
        .pagination_token(third_token)
        .direction(Direction::Newer)
        .items()
        .try_collect()
        .await
        .unwrap();

    let all = ids(demo_events(&data));
    let expected: Vec<&str> = [&all[200..300], &all[100..200], &all[0..100]].concat();
    let got: Vec<&str> = newer.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(got, expected, "third page, then second, then first");
}

#[tokio::test]
async fn only_the_requested_fields_and_the_defaults_come_back() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);

    let bare = client.dm_events(DEMO_CONVERSATION).send().await.unwrap();
    let body: Value = serde_json::from_slice(bare.raw_body()).unwrap();
    let mut messages = 0;
    for event in body["data"].as_array().unwrap() {
        let mut got = keys(event);
        got.remove("reactions"); // a field no spec lists: always sent
        let message = event["event_type"] == "MessageCreate";
        messages += usize::from(message);
        let expected = if message {
            HashSet::from(["id", "event_type", "text"])
        } else {
            HashSet::from(["id", "event_type"])
        };
        assert_eq!(got, expected, "{event}");
    }
    assert!(messages > 0);

    let chosen = client
        .dm_events(DEMO_CONVERSATION)
        .fields([DmEventField::CreatedAt, DmEventField::SenderId])
        .send()
        .await
        .unwrap();
    for event in chosen.items() {
        assert!(event.created_at.is_some());
        assert_eq!(
            event.sender_id.is_some(),
            event.event_type == "MessageCreate"
        );
        assert!(event.attachments.is_none() && event.dm_conversation_id.is_none());
        assert!(event.referenced_tweets.is_empty() && event.participant_ids.is_empty());
    }

    let everything = client
        .dm_events(DEMO_CONVERSATION)
        .fields(DmEventField::all())
        .send()
        .await
        .unwrap();
    let items = everything.items();
    assert!(
        items
            .iter()
            .all(|e| e.dm_conversation_id.as_deref() == Some(DEMO_CONVERSATION))
    );
    assert!(items.iter().any(|e| e.attachments.is_some()));
    assert!(items.iter().any(|e| !e.participant_ids.is_empty()));
}

#[tokio::test]
async fn expansions_include_exactly_the_objects_the_page_references() {
    let fake = FakeX::start().await.unwrap();
    let dataset = fake.dataset();
    let page = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .fields([DmEventField::Text])
        .expansions([
            DmEventExpansion::SenderId,
            DmEventExpansion::AttachmentsMediaKeys,
            DmEventExpansion::ReferencedTweetsId,
        ])
        .user_fields([UserField::CreatedAt])
        .media_fields([MediaField::Width])
        .tweet_fields([TweetField::AuthorId, TweetField::CreatedAt])
        .send()
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(page.raw_body()).unwrap();
    let data = body["data"].as_array().unwrap();
    let includes = &body["includes"];

    // Expanded ids come back in the items even though only `text` was asked.
    let senders: HashSet<&str> = strings(data.iter().filter_map(|e| e.get("sender_id")));
    let users = includes["users"].as_array().unwrap();
    assert_eq!(users.len(), senders.len(), "each user once");
    assert_eq!(strings(users.iter().map(|u| &u["id"])), senders);
    assert!(users.len() < fake.dataset().users().len());
    for user in users {
        let mut got = keys(user);
        assert!(got.remove("fake_note"), "unknown fields are sent");
        assert_eq!(got, HashSet::from(["id", "name", "username", "created_at"]));
    }

    let keys_on_page: HashSet<&str> = strings(
        data.iter()
            .filter_map(|e| e["attachments"]["media_keys"].as_array())
            .flatten(),
    );
    assert!(!keys_on_page.is_empty());
    let media = includes["media"].as_array().unwrap();
    assert_eq!(media.len(), keys_on_page.len());
    assert_eq!(strings(media.iter().map(|m| &m["media_key"])), keys_on_page);
    assert!(media.len() < fake.dataset().media().len());
    for item in media {
        assert_eq!(keys(item), HashSet::from(["media_key", "type", "width"]));
    }

    let quoted: HashSet<&str> = strings(
        data.iter()
            .filter_map(|e| e["referenced_tweets"].as_array())
            .flatten()
            .map(|r| &r["id"]),
    );
    let tweets = includes["tweets"].as_array().unwrap();
    assert_eq!(strings(tweets.iter().map(|t| &t["id"])), quoted);
    for tweet in tweets {
        assert_eq!(
            keys(tweet),
            HashSet::from(["id", "text", "author_id", "created_at"])
        );
    }

    for event in page.joined() {
        if event.event_type == "MessageCreate" {
            let sender = event.sender().expect("every sender resolves");
            let expected = dataset.user(event.sender_id.as_deref().unwrap()).unwrap();
            assert_eq!(sender.username.as_deref(), expected["username"].as_str());
            assert!(event.attached_media().all(|m| m.is_some()));
            assert!(event.referenced_tweets().all(|t| t.is_some()));
        }
    }
}

#[tokio::test]
async fn chat_conversations_page_and_expand_their_members() {
    let fake = FakeX::start().await.unwrap();
    let data = fake.dataset();
    let client = client(&fake);
    let conversations: Vec<_> = client
        .conversations()
        .max_results(10)
        .expansions([ChatConversationExpansion::MemberIds])
        .user_fields([UserField::Username])
        .items()
        .try_collect()
        .await
        .unwrap();

    let expected = data.chat_conversations();
    assert!(expected.len() > 10);
    assert_eq!(conversations.len(), expected.len());
    assert_eq!(fake.requests(), 2, "10 a page");
    // 2.173's default of 200 takes the whole inbox at once.
    let all = client.conversations().send().await.unwrap();
    assert_eq!(all.items().len(), expected.len());
    assert_eq!(all.meta().has_more, Some(false));
    let groups: Vec<_> = conversations.iter().filter(|c| c.is_group()).collect();
    assert!(!groups.is_empty());
    for group in groups {
        assert!(group.id.starts_with('g'));
        assert!(!group.member_ids.is_empty());
        assert!(
            group
                .members()
                .all(|m| m.is_some_and(|u| u.username.is_some()))
        );
        assert!(group.admin_ids.is_empty(), "not asked for");
    }

    // A bare user id names the 1:1 conversation with that user.
    let direct = client
        .conversation("9876543210")
        .fields([
            ChatConversationField::MessageTtlMs,
            ChatConversationField::MessageTtlMsec,
        ])
        .send()
        .await
        .unwrap();
    let direct = &direct.items()[0];
    assert_eq!(direct.id, DEMO_CONVERSATION);
    assert_eq!(direct.type_.as_deref(), Some("direct"));
    assert_eq!(direct.message_ttl_ms, Some(0));
    assert_eq!(direct.message_ttl_msec.as_deref(), Some("0"));
    assert!(direct.participant_ids.is_empty(), "not asked for");
}

#[tokio::test]
async fn the_event_types_filter_keeps_only_those_types() {
    let fake = FakeX::start().await.unwrap();
    let data = fake.dataset();
    let wanted = ["ParticipantsJoin", "ParticipantsLeave"];
    let expected: Vec<&str> = ids(demo_events(&data))
        .into_iter()
        .zip(demo_events(&data))
        .filter(|(_, e)| wanted.contains(&e["event_type"].as_str().unwrap()))
        .map(|(id, _)| id)
        .collect();
    assert!(!expected.is_empty() && expected.len() < demo_events(&data).len());

    let events: Vec<_> = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .event_types([
            DmEventType::ParticipantsJoin,
            DmEventType::ParticipantsLeave,
        ])
        .fields([DmEventField::ParticipantIds])
        .max_results(5)
        .items()
        .try_collect()
        .await
        .unwrap();

    let got: Vec<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(got, expected);
    assert!(
        events
            .iter()
            .all(|e| e.text.is_none() && !e.participant_ids.is_empty())
    );
}

#[tokio::test]
async fn the_page_quoting_a_missing_tweet_carries_a_partial_error_next_to_its_data() {
    let fake = FakeX::start().await.unwrap();
    let data = fake.dataset();
    let client = client(&fake);
    let dangling = data.dangling_tweet_id();
    for size in [100, 30] {
        let pages: Vec<_> = client
            .dm_events(DEMO_CONVERSATION)
            .max_results(size)
            .expansions([DmEventExpansion::ReferencedTweetsId])
            .pages()
            .try_collect()
            .await
            .unwrap();
        let with_errors: Vec<usize> = (0..pages.len())
            .filter(|&i| !pages[i].errors().is_empty())
            .collect();
        let position = demo_events(&data)
            .iter()
            .position(|e| e["referenced_tweets"][0]["id"] == dangling)
            .unwrap();
        assert_eq!(
            with_errors,
            [position / size as usize],
            "max_results {size}"
        );
        let page = &pages[with_errors[0]];
        assert!(!page.items().is_empty(), "data next to errors");
        let quoted: HashSet<&str> = page
            .items()
            .iter()
            .flat_map(|e| e.referenced_tweet_ids())
            .filter(|id| *id != dangling)
            .collect();
        let included: HashSet<&str> = page
            .includes()
            .tweets
            .iter()
            .map(|t| t.id.as_str())
            .collect();
        assert_eq!(included, quoted, "the other Tweets resolve");
        let error = serde_json::to_value(&page.errors()[0]).unwrap();
        assert_eq!(
            error["type"],
            "https://api.twitter.com/2/problems/resource-not-found"
        );
        assert_eq!(error["resource_id"], dangling);
        assert_eq!(error["parameter"], "referenced_tweets.id");
    }
    assert_eq!(
        demo_events(&data)
            .iter()
            .position(|e| e["referenced_tweets"][0]["id"] == dangling),
        Some(250)
    );

    // Without the expansion nothing is looked up, so nothing is missing.
    let pages: Vec<_> = client
        .dm_events(DEMO_CONVERSATION)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert!(pages.iter().all(|p| p.errors().is_empty()));
}

#[tokio::test]
async fn a_rate_limit_counts_down_then_answers_429_until_the_window_resets() {
    let fake = FakeX::start_with(FakeConfig::default().with_rate_limit(3, Duration::from_secs(2)))
        .await
        .unwrap();
    let path = format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events?max_results=1");
    let mut reset = 0;
    for remaining in [2, 1, 0] {
        let response = get(&fake, &path, Some(TOKEN)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "x-rate-limit-limit"), 3);
        assert_eq!(header(&response, "x-rate-limit-remaining"), remaining);
        reset = header(&response, "x-rate-limit-reset");
    }
    assert!(reset >= unix_now() && reset <= unix_now() + 3, "{reset}");

    let refused = get(&fake, &path, Some(TOKEN)).await;
    assert_eq!(refused.status(), 429);
    assert_eq!(header(&refused, "x-rate-limit-remaining"), 0);
    assert_eq!(header(&refused, "x-rate-limit-reset"), reset);
    assert_eq!(
        json_of(refused).await,
        json!({"title": "Too Many Requests", "type": "about:blank", "status": 429, "detail": "Too Many Requests"})
    );
    let other_endpoint = get(&fake, "/2/chat/conversations", Some(TOKEN)).await;
    assert_eq!(
        other_endpoint.status(),
        429,
        "one window for every endpoint"
    );

    // The window ends on the second it advertises; a little margin for the
    // clocks' granularity.
    let until = UNIX_EPOCH + Duration::from_secs(reset) + Duration::from_millis(50);
    tokio::time::sleep(until.duration_since(SystemTime::now()).unwrap_or_default()).await;
    let renewed = get(&fake, &path, Some(TOKEN)).await;
    assert_eq!(renewed.status(), 200);
    assert_eq!(header(&renewed, "x-rate-limit-remaining"), 2);
    assert_eq!(fake.requests(), 6, "429s count as requests");
}

#[tokio::test]
async fn without_a_limit_the_headers_advertise_a_large_one_and_a_reset_within_15_minutes() {
    let fake = FakeX::start().await.unwrap();
    let path = format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events?max_results=1");
    for remaining in [999_999, 999_998] {
        let response = get(&fake, &path, Some(TOKEN)).await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "x-rate-limit-limit"), 1_000_000);
        assert_eq!(header(&response, "x-rate-limit-remaining"), remaining);
        let reset = header(&response, "x-rate-limit-reset");
        assert!(reset > unix_now() && reset <= unix_now() + 15 * 60 + 1);
    }

    // Tightened at run time, starting a window now.
    fake.set_rate_limit(1, Duration::from_secs(60));
    assert_eq!(get(&fake, &path, Some(TOKEN)).await.status(), 200);
    assert_eq!(get(&fake, &path, Some(TOKEN)).await.status(), 429);
}

#[tokio::test]
async fn each_injected_fault_applies_to_exactly_one_request_in_order() {
    let fake = FakeX::start().await.unwrap();
    fake.inject(Fault::Status(503));
    fake.inject(Fault::Slow(Duration::from_millis(300)));
    fake.inject(Fault::Truncate);
    let path = format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events?max_results=3");

    let failed = get(&fake, &path, Some(TOKEN)).await;
    assert_eq!(failed.status(), 503);
    assert!(failed.headers().contains_key("x-rate-limit-reset"));
    let problem = json_of(failed).await;
    assert_eq!(problem["status"], 503);
    assert_eq!(problem["title"], "Service Unavailable");

    let started = Instant::now();
    let slow = get(&fake, &path, Some(TOKEN)).await;
    assert_eq!(slow.status(), 200);
    let slow_body = slow.bytes().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));

    let cut = get(&fake, &path, Some(TOKEN)).await;
    assert_eq!(cut.status(), 200);
    let length = header(&cut, "content-length");
    let cut_body = cut.bytes().await.unwrap();
    assert_eq!(length, cut_body.len() as u64);
    assert_eq!(cut_body.len(), slow_body.len() / 2);
    assert!(slow_body.starts_with(&cut_body));
    assert!(serde_json::from_slice::<Value>(&cut_body).is_err());

    let started = Instant::now();
    let normal = get(&fake, &path, Some(TOKEN)).await;
    assert_eq!(normal.bytes().await.unwrap(), slow_body);
    assert!(started.elapsed() < Duration::from_millis(300));
    assert_eq!(fake.requests(), 4);
}

#[tokio::test]
async fn the_typed_client_retries_past_an_injected_5xx_and_reports_a_truncated_body() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    fake.inject(Fault::Status(503));
    let page = client.dm_events(DEMO_CONVERSATION).send().await.unwrap();
    assert_eq!(page.items().len(), 100);
    assert_eq!(
        fake.requests(),
        2,
        "the fault took one request, the retry got through"
    );

    fake.inject(Fault::Truncate);
    let error = client
        .dm_events(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Decode { status: 200, .. }),
        "{error}"
    );

    fake.inject(Fault::Status(404));
    let error = tweetapi(&fake)
        .conversation(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap_err();
    let Error::Api(error) = error else {
        panic!("{error}")
    };
    assert_eq!(error.status, 404);
    assert_eq!(error.code.as_deref(), Some("NOT_FOUND"), "TweetAPI's shape");
}

#[tokio::test]
async fn x_endpoints_refuse_requests_without_a_bearer_token() {
    let fake = FakeX::start().await.unwrap();
    let unauthorized = json!({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"});
    for path in [
        format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events"),
        "/2/chat/conversations".to_owned(),
        "/2/chat/conversations/g1690000000000000001".to_owned(),
    ] {
        let response = get(&fake, &path, None).await;
        assert_eq!(response.status(), 401, "{path}");
        assert_eq!(json_of(response).await, unauthorized);
        let empty = get(&fake, &path, Some("")).await;
        assert_eq!(empty.status(), 401, "{path}");
        assert_eq!(get(&fake, &path, Some(TOKEN)).await.status(), 200, "{path}");
    }

    let no_key = http()
        .get(format!(
            "{}/tw-v2/interaction/conversation?authToken=a&conversationId={DEMO_CONVERSATION}",
            fake.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 401);
}

#[tokio::test]
async fn unknown_conversations_are_404_resource_not_found() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let missing = "1111111111-2222222222";
    let Error::Api(error) = client.dm_events(missing).send().await.unwrap_err() else {
        panic!("not an API error")
    };
    assert_eq!(error.status, 404);
    assert_eq!(error.kind, ProblemKind::ResourceNotFound);
    assert_eq!(
        error.type_uri.as_deref(),
        Some("https://api.twitter.com/2/problems/resource-not-found")
    );
    assert_eq!(error.fields["resource_id"], missing);
    assert_eq!(error.fields["value"], missing);
    assert_eq!(error.fields["parameter"], "id");
    assert_eq!(error.fields["resource_type"], "dm_conversation");

    let Error::Api(error) = client
        .conversation("g1690000000000000999")
        .send()
        .await
        .unwrap_err()
    else {
        panic!("not an API error")
    };
    assert_eq!(error.status, 404);
    assert_eq!(error.fields["resource_type"], "conversation");

    let Error::Api(error) = tweetapi(&fake)
        .conversation(missing)
        .send()
        .await
        .unwrap_err()
    else {
        panic!("not an API error")
    };
    assert_eq!(error.status, 404);
}

#[tokio::test]
async fn invalid_parameters_are_400_invalid_request_naming_the_parameter() {
    let fake = FakeX::start().await.unwrap();
    let base = format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events");
    let cases = [
        ("max_results=0", "max_results", "0"),
        ("max_results=101", "max_results", "101"),
        ("dm_event.fields=id,pinned", "dm_event.fields", "pinned"),
        (
            "pagination_token=AAAAAAAAAAAAAAAAAAAA",
            "pagination_token",
            "AAAAAAAAAAAAAAAAAAAA",
        ),
        // Well formed, but past the end: never issued.
        (
            "pagination_token=DMEVN999999999999",
            "pagination_token",
            "DMEVN999999999999",
        ),
        ("colour=blue", "colour", "blue"),
    ];
    for (query, parameter, value) in cases {
        let response = get(&fake, &format!("{base}?{query}"), Some(TOKEN)).await;
        assert_eq!(response.status(), 400, "{query}");
        let problem = json_of(response).await;
        assert_eq!(
            problem["type"],
            "https://api.twitter.com/2/problems/invalid-request"
        );
        assert_eq!(
            problem["errors"][0]["parameters"][parameter],
            json!([value]),
            "{query}"
        );
    }

    // The typed client refuses the same value before sending anything.
    let before = fake.requests();
    let error = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .max_results(0)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidInput(_)), "{error}");
    assert_eq!(fake.requests(), before);

    // A token of the right length that the fake never issued gets past the
    // client and is refused by the fake.
    let Error::Api(error) = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .pagination_token("7140dibdnow9c7btw3z2vxvwj8ovfv")
        .send()
        .await
        .unwrap_err()
    else {
        panic!("not an API error")
    };
    assert_eq!(
        (error.status, error.kind),
        (400, ProblemKind::InvalidRequest)
    );
}

#[tokio::test]
async fn hostile_input_gets_an_error_response_never_a_dropped_connection() {
    let fake = FakeX::start().await.unwrap();
    let demo = format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events");
    let paths = [
        format!("{demo}?max_results=-1"),
        format!("{demo}?max_results=184467440737095516161844674407370955161"),
        format!("{demo}?max_results=%FF%FE"),
        format!("{demo}?expansions="),
        format!("{demo}?expansions=sender_id&expansions=sender_id"),
        format!("{demo}?dm_event.fields=%00,%E2%80%AE"),
        format!("{demo}?pagination_token=DMEV%C3%BC00000000001"),
        format!("{demo}?&&==&=x&%"),
        "/2/dm_conversations/%FF%FE/dm_events".to_owned(),
        "/2/dm_conversations/99999999999999999999999-1/dm_events".to_owned(),
        "/2/chat/conversations/g".to_owned(),
        "/2/chat/conversations?max_results=0&pagination_token=x".to_owned(),
        "/2/nothing/here".to_owned(),
        "/tw-v2/interaction/conversation?authToken=&conversationId=x".to_owned(),
        "/tw-v2/interaction/conversation?authToken=a&conversationId=1-2&cursor=%FF".to_owned(),
    ];
    for path in paths {
        let response = http()
            .get(format!("{}{path}", fake.base_url()))
            .header("Authorization", "Bearer t")
            .header("X-API-Key", "k")
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(
            response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
        assert!(response.bytes().await.is_ok(), "{path}");
    }
}

#[tokio::test]
async fn tweetapi_pages_through_every_message_by_cursor() {
    let fake = FakeX::start().await.unwrap();
    let data = fake.dataset();
    let expected: Vec<&str> = demo_events(&data)
        .iter()
        .filter(|e| e["event_type"] == "MessageCreate")
        .map(|e| e["id"].as_str().unwrap())
        .collect();

    let pages: Vec<_> = tweetapi(&fake)
        .conversation(DEMO_CONVERSATION)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), expected.len().div_ceil(20));
    let (last, earlier) = pages.split_last().unwrap();
    assert!(
        earlier
            .iter()
            .all(|p| p.has_more() == Some(true) && p.items().len() == 20)
    );
    assert_eq!((last.has_more(), last.next_token()), (Some(false), None));

    let messages: Vec<_> = tweetapi(&fake)
        .conversation(DEMO_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();
    let got: Vec<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(got, expected);
    for message in &messages {
        assert!(message.sender().is_some() && message.recipient().is_some());
        assert_ne!(message.sender_id, message.recipient_id);
    }
    let page = &pages[0];
    let info = page.conversation().unwrap();
    assert_eq!(info.id, DEMO_CONVERSATION);
    assert_eq!(info.type_.as_deref(), Some("ONE_TO_ONE"));
    assert!(messages.iter().any(|m| m.attachment.is_some()));
}

#[tokio::test]
async fn unknown_fields_survive_the_typed_clients() {
    let fake = FakeX::start().await.unwrap();
    let data = fake.dataset();
    let events = demo_events(&data);
    let (position, with_reactions) = events
        .iter()
        .enumerate()
        .find(|(_, e)| e.get("reactions").is_some())
        .unwrap();

    let items: Vec<_> = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .expansions([DmEventExpansion::SenderId])
        .items()
        .take(position + 1)
        .try_collect()
        .await
        .unwrap();
    let item = &items[position];
    assert_eq!(item.id, with_reactions["id"].as_str().unwrap());
    assert_eq!(item.extra["reactions"], with_reactions["reactions"]);
    let written = serde_json::to_value(item).unwrap();
    assert_eq!(written["reactions"], with_reactions["reactions"]);
    let sender = serde_json::to_value(item.sender().unwrap()).unwrap();
    assert!(sender["fake_note"].is_string(), "{sender}");

    let messages: Vec<_> = tweetapi(&fake)
        .conversation(DEMO_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();
    let message = messages
        .iter()
        .find(|m| m.id == with_reactions["id"])
        .unwrap();
    assert_eq!(
        serde_json::to_value(message).unwrap()["reactions"],
        with_reactions["reactions"]
    );
}

#[tokio::test]
async fn latency_delays_every_response_and_dropping_the_fake_stops_it() {
    let fake = FakeX::start_with(FakeConfig::default().with_latency(Duration::from_millis(200)))
        .await
        .unwrap();
    for path in ["/2/chat/conversations", "/2/nothing/here"] {
        let started = Instant::now();
        get(&fake, path, Some(TOKEN)).await;
        assert!(started.elapsed() >= Duration::from_millis(200), "{path}");
    }

    let url = format!("{}/2/chat/conversations", fake.base_url());
    drop(fake);
    tokio::task::yield_now().await;
    assert!(http().get(url).bearer_auth(TOKEN).send().await.is_err());
}

#[tokio::test]
async fn strict_mode_refuses_what_the_latest_version_does_not_list() {
    let strict = FakeX::start_with(FakeConfig::default().strict())
        .await
        .unwrap();
    let lenient = FakeX::start().await.unwrap();
    let events = format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events");
    let chat = "/2/chat/conversations";
    let refused = [
        (
            format!("{events}?dm_event.fields=id,sender_id"),
            "dm_event.fields",
            json!(["sender_id"]),
        ),
        (
            format!("{events}?dm_event.fields=participant_ids,referenced_tweets"),
            "dm_event.fields",
            json!(["participant_ids", "referenced_tweets"]),
        ),
        (
            format!("{events}?expansions=referenced_tweets.id"),
            "expansions",
            json!(["referenced_tweets.id"]),
        ),
        (
            format!("{events}?expansions=sender_id&tweet.fields=text"),
            "tweet.fields",
            json!(["text"]),
        ),
        (
            format!("{events}?expansions=sender_id&user.fields=pinned_tweet_id"),
            "user.fields",
            json!(["pinned_tweet_id"]),
        ),
        (
            format!("{chat}?chat_conversation.fields=id,member_ids"),
            "chat_conversation.fields",
            json!(["member_ids"]),
        ),
        (
            format!("{chat}/g1690000000000000001?chat_conversation.fields=message_ttl_msec"),
            "chat_conversation.fields",
            json!(["message_ttl_msec"]),
        ),
    ];
    for (path, parameter, values) in refused {
        let response = get(&strict, &path, Some(TOKEN)).await;
        assert_eq!(response.status(), 400, "{path}");
        let problem = json_of(response).await;
        assert_eq!(
            problem["errors"][0]["parameters"][parameter], values,
            "{path}"
        );
        // Older versions list them, and so does the fake by default.
        assert_eq!(
            get(&lenient, &path, Some(TOKEN)).await.status(),
            200,
            "{path}"
        );
    }
    let accepted = [
        format!(
            "{events}?dm_event.fields=id,text,attachments&expansions=sender_id,participant_ids,referenced_posts&post.fields=text&user.fields=username"
        ),
        format!(
            "{chat}?chat_conversation.fields=id,type,message_ttl_ms&expansions=member_ids&max_results=5"
        ),
    ];
    for path in accepted {
        assert_eq!(
            get(&strict, &path, Some(TOKEN)).await.status(),
            200,
            "{path}"
        );
    }

    // Ids that are no longer fields still come back through their expansions.
    let page = client(&strict)
        .dm_events(DEMO_CONVERSATION)
        .fields([DmEventField::Id, DmEventField::Text])
        .expansions([DmEventExpansion::SenderId])
        .send()
        .await
        .unwrap();
    let messages = page
        .items()
        .iter()
        .filter(|event| event.event_type == "MessageCreate");
    assert!(messages.clone().count() > 10);
    assert!(messages.clone().all(|event| event.sender_id.is_some()));
}

fn message(text: &str, media_ids: &[&str]) -> CreateMessageRequest {
    CreateMessageRequest {
        text: Some(text.to_owned()),
        attachments: media_ids
            .iter()
            .map(|id| MessageAttachment {
                media_id: (*id).to_owned(),
            })
            .collect(),
    }
}

/// A raw POST with a bearer token and `content_type`.
async fn post(fake: &FakeX, path: &str, content_type: &str, body: &str) -> reqwest::Response {
    http()
        .post(format!("{}{path}", fake.base_url()))
        .bearer_auth(TOKEN)
        .header("Content-Type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sent_message_is_the_newest_event_of_later_reads_on_that_fake_only() {
    let fake = FakeX::start().await.unwrap();
    let other = FakeX::start().await.unwrap();
    let before = fake.dataset();
    let count = before.event_count(DEMO_CONVERSATION).unwrap();

    let sent = client(&fake)
        .send_message(
            DEMO_CONVERSATION,
            message("Sent from the test", &["1580000000000000101"]),
        )
        .send()
        .await
        .unwrap();
    let sent = &sent.items()[0];
    assert_eq!(sent.dm_conversation_id, DEMO_CONVERSATION);

    let newest = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .fields([DmEventField::SenderId, DmEventField::Attachments])
        .max_results(1)
        .send()
        .await
        .unwrap();
    let newest = &newest.items()[0];
    assert_eq!(newest.id, sent.dm_event_id);
    assert_eq!(newest.event_type, "MessageCreate");
    assert_eq!(newest.text.as_deref(), Some("Sent from the test"));
    assert_eq!(newest.sender_id.as_deref(), Some(before.account_id()));
    assert_eq!(
        newest.attachments.as_ref().unwrap().media_keys,
        ["3_1580000000000000101"]
    );
    let previous_newest: u64 = demo_events(&before)[0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(sent.dm_event_id.parse::<u64>().unwrap() > previous_newest);

    // Every reader of that fake sees it: a walk, TweetAPI, the dataset.
    let walked: Vec<_> = client(&fake)
        .dm_events(DEMO_CONVERSATION)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(walked.len(), count + 1);
    let messages = tweetapi(&fake)
        .conversation(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap();
    assert_eq!(messages.items()[0].id, sent.dm_event_id);
    assert_eq!(
        fake.dataset().event_count(DEMO_CONVERSATION),
        Some(count + 1)
    );
    assert_eq!(
        before.event_count(DEMO_CONVERSATION),
        Some(count),
        "a snapshot keeps what it saw"
    );

    // Another fake's data is its own.
    assert_eq!(other.dataset().event_count(DEMO_CONVERSATION), Some(count));
    let theirs = client(&other)
        .dm_events(DEMO_CONVERSATION)
        .max_results(1)
        .send()
        .await
        .unwrap();
    assert_eq!(theirs.items()[0].id, demo_events(&before)[0]["id"]);

    let Error::Api(error) = client(&fake)
        .send_message("1111111111-2222222222", message("hi", &[]))
        .send()
        .await
        .unwrap_err()
    else {
        panic!("not an API error")
    };
    assert_eq!(
        (error.status, error.kind),
        (404, ProblemKind::ResourceNotFound)
    );
    assert_eq!(error.fields["resource_type"], "dm_conversation");
    assert_eq!(error.fields["parameter"], "dm_conversation_id");
}

#[tokio::test]
async fn fakes_with_the_same_seed_serve_the_same_bytes_and_other_seeds_other_histories() {
    let seeded = |seed| FakeX::start_with(FakeConfig::default().with_seed(seed));
    let (a, b, c) = (
        seeded(42).await.unwrap(),
        seeded(42).await.unwrap(),
        seeded(43).await.unwrap(),
    );
    let default = FakeX::start().await.unwrap();
    let events = format!(
        "/2/dm_conversations/{DEMO_CONVERSATION}/dm_events?max_results=40&dm_event.fields=created_at,sender_id&expansions=sender_id,attachments.media_keys"
    );
    let bytes = |fake: &FakeX| {
        let path = events.clone();
        let url = format!("{}{path}", fake.base_url());
        async move {
            let response = http().get(url).bearer_auth(TOKEN).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap()
        }
    };
    assert_eq!(bytes(&a).await, bytes(&b).await);
    assert_ne!(bytes(&a).await, bytes(&c).await);
    assert_ne!(bytes(&a).await, bytes(&default).await);
    let conversation = |fake: &FakeX| {
        let client = tweetapi(fake);
        async move {
            let page = client.conversation(DEMO_CONVERSATION).send().await.unwrap();
            page.raw_body().clone()
        }
    };
    assert_eq!(conversation(&a).await, conversation(&b).await);

    // The same writes give the same ids and times.
    for fake in [&a, &b] {
        client(fake)
            .send_message(DEMO_CONVERSATION, message("same", &[]))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(bytes(&a).await, bytes(&b).await);
    assert_ne!(
        bytes(&a).await,
        bytes(&seeded(42).await.unwrap()).await,
        "the write shows"
    );
}

/// The rule of `operation`'s parameter `name` that `value` breaks, in the
/// words of the client's own check: what the fake's refusals must match.
fn spec_rule(operation: &x_dm::engine::Operation, name: &str, value: &str) -> String {
    x_dm::validate::check_value(operation.param(name).unwrap(), value)
        .unwrap_err()
        .rule
}

#[tokio::test]
async fn parameters_are_refused_by_the_rules_the_spec_declares() {
    use x_dm::x::operations::{GetChatConversation, GetDirectMessagesEventsByConversationId};
    use x_dm::x::params;

    let fake = FakeX::start().await.unwrap();
    let events = GetDirectMessagesEventsByConversationId::operation();
    let base = format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events");
    let refused = |path: String| {
        let fake = &fake;
        async move {
            let response = get(fake, &path, Some(TOKEN)).await;
            assert_eq!(response.status(), 400, "{path}");
            let problem = json_of(response).await;
            assert_eq!(
                problem["type"],
                "https://api.twitter.com/2/problems/invalid-request"
            );
            problem["errors"][0].clone()
        }
    };

    let error = refused(format!("{base}?max_results=101")).await;
    assert_eq!(error["parameters"]["max_results"], json!(["101"]));
    let rule = spec_rule(events, params::MAX_RESULTS, "101");
    assert!(
        error["message"].as_str().unwrap().ends_with(&rule),
        "{error}"
    );

    let error = refused(format!("{base}?pagination_token=DMEVN0000001")).await;
    let rule = spec_rule(events, params::PAGINATION_TOKEN, "DMEVN0000001");
    assert!(rule.contains("16"), "the spec's minLength: {rule}");
    assert!(
        error["message"].as_str().unwrap().ends_with(&rule),
        "{error}"
    );

    // The conversation id's pattern is the spec's, on every operation.
    for (path, name, id) in [
        ("/2/dm_conversations/12345/dm_events", params::ID, "12345"),
        ("/2/chat/conversations/g", params::ID, "g"),
        ("/2/chat/conversations/1-2-3", params::ID, "1-2-3"),
    ] {
        let error = refused(path.to_owned()).await;
        assert_eq!(error["parameters"][name], json!([id]), "{path}");
        let operation = if path.contains("chat") {
            GetChatConversation::operation()
        } else {
            events
        };
        let rule = spec_rule(operation, name, id);
        assert!(rule.contains("pattern"), "{rule}");
        assert!(
            error["message"].as_str().unwrap().ends_with(&rule),
            "{error}"
        );
    }
    let response = post(
        &fake,
        "/2/dm_conversations/not-a-conversation/messages",
        "application/json",
        r#"{"text":"hi"}"#,
    )
    .await;
    assert_eq!(response.status(), 400);
    let problem = json_of(response).await;
    assert_eq!(
        problem["errors"][0]["parameters"][params::DM_CONVERSATION_ID],
        json!(["not-a-conversation"])
    );

    // A parameter the operation does not take, named with the ones it does.
    let error = refused(format!("{base}?colour=blue&max_results=5")).await;
    assert_eq!(error["parameters"], json!({"colour": ["blue"]}));
    let message = error["message"].as_str().unwrap();
    for param in events
        .params
        .iter()
        .filter(|p| p.location == Location::Query)
    {
        assert!(message.contains(param.name), "{message}");
    }
    let chat_only = refused(format!("{base}?chat_conversation.fields=id")).await;
    assert_eq!(
        chat_only["parameters"],
        json!({"chat_conversation.fields": ["id"]})
    );

    // Given twice, even with the same value.
    let error = refused(format!("{base}?max_results=5&max_results=5")).await;
    assert_eq!(error["parameters"]["max_results"], json!(["5"]));

    // Every bad parameter at once.
    let response = get(
        &fake,
        &format!("{base}?max_results=0&event_types=Typing&colour=blue"),
        Some(TOKEN),
    )
    .await;
    let problem = json_of(response).await;
    let named: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["parameters"].as_object().unwrap().keys())
        .map(String::as_str)
        .collect();
    assert_eq!(named, ["max_results", "event_types", "colour"]);

    // TweetAPI refuses in its own shape, first refusal only.
    let tweetapi_refusal = |query: &'static str| {
        let url = format!("{}/tw-v2/interaction/conversation?{query}", fake.base_url());
        async move {
            let response = http()
                .get(url)
                .header("X-API-Key", "k")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 400, "{query}");
            let body = json_of(response).await;
            assert_eq!(body["error"]["code"], 400, "{body}");
            body["error"]["message"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(
        tweetapi_refusal("authToken=a").await,
        "conversationId is required"
    );
    assert_eq!(
        tweetapi_refusal("authToken=a&conversationId=1-2&colour=blue").await,
        "property colour should not exist"
    );
    assert!(
        tweetapi_refusal("authToken=a&conversationId=x")
            .await
            .contains("pattern")
    );
    assert_eq!(
        tweetapi_refusal("authToken=a&conversationId=1-2&cursor=TWAPIP000000000001").await,
        "cursor is invalid",
        "TweetAPI hands out no backward cursor"
    );
}

#[tokio::test]
async fn a_bad_send_body_is_refused_with_400_and_writes_nothing() {
    let fake = FakeX::start().await.unwrap();
    let count = fake.dataset().event_count(DEMO_CONVERSATION).unwrap();
    let path = format!("/2/dm_conversations/{DEMO_CONVERSATION}/messages");
    let json = "application/json";
    let cases: [(&str, &str, Value); 8] = [
        (json, r#"{"text":""}"#, json!({"text": [""]})),
        (
            json,
            r#"{"text":"hi","attachments":[{"media_id":"x"}]}"#,
            json!({"attachments[0].media_id": ["x"]}),
        ),
        (
            json,
            r#"{"attachments":[{"media_id":"1580000000000000101"},{"media_id":"1580000000000000102"}]}"#,
            Value::Null,
        ),
        (
            json,
            r#"{"attachments":[{"media_id":"42"}]}"#,
            json!({"attachments[0].media_id": ["42"]}),
        ),
        (json, "{}", Value::Null),
        (json, r#"{"text":5}"#, Value::Null),
        (json, "not json", Value::Null),
        ("text/plain", r#"{"text":"hi"}"#, Value::Null),
    ];
    for (content_type, body, parameters) in cases {
        let response = post(&fake, &path, content_type, body).await;
        assert_eq!(response.status(), 400, "{body}");
        let problem = json_of(response).await;
        assert_eq!(
            problem["type"], "https://api.twitter.com/2/problems/invalid-request",
            "{body}"
        );
        if !parameters.is_null() {
            assert_eq!(problem["errors"][0]["parameters"], parameters, "{body}");
        }
        assert!(problem["errors"][0]["message"].is_string(), "{body}");
    }
    let empty = http()
        .post(format!("{}{path}", fake.base_url()))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), 400, "a body is required");
    assert_eq!(fake.dataset().event_count(DEMO_CONVERSATION), Some(count));

    let sent = post(&fake, &path, json, r#"{"text":"ok"}"#).await;
    assert_eq!(sent.status(), 201);
    assert_eq!(
        fake.dataset().event_count(DEMO_CONVERSATION),
        Some(count + 1)
    );
}

/// A new upload session's media id.
async fn session(fake: &FakeX) -> String {
    let body = x_dm::x::types::InitializeMediaUploadRequest {
        additional_owners: Vec::new(),
        media_category: x_dm::x::types::MediaCategory::DmImage,
        media_type: "image/png".parse().unwrap(),
        shared: None,
        total_bytes: 8,
    };
    let page = x_dm::engine::Request::<x_dm::x::operations::InitializeMediaUpload>::new(
        &client(fake),
        body,
    )
    .send()
    .await
    .unwrap();
    page.items()[0].id.clone()
}

async fn append(fake: &FakeX, body: Multipart) -> Result<x_dm::Page<AppendMediaUploadData>, Error> {
    let id = session(fake).await;
    client(fake).append_media_upload(id, body).send().await
}

#[tokio::test]
async fn a_media_chunk_is_taken_as_multipart_and_a_bad_one_refused() {
    let fake = FakeX::start().await.unwrap();
    let chunk = |index: &str| {
        Multipart::new().text("segment_index", index).file(
            "media",
            "chunk.bin",
            "application/octet-stream",
            &b"\x00\x01binary"[..],
        )
    };
    let page = append(&fake, chunk("0")).await.unwrap();
    let expires_at = page.items()[0].expires_at.unwrap();
    let again = append(&FakeX::start().await.unwrap(), chunk("1"))
        .await
        .unwrap();
    assert_eq!(
        again.items()[0].expires_at,
        Some(expires_at),
        "deterministic"
    );

    // What the spec's rules refuse never leaves the client.
    let before = fake.requests();
    for (body, parameter) in [
        (chunk("10000"), "$.segment_index"),
        (
            Multipart::new().file("media", "c.bin", "application/octet-stream", &b"x"[..]),
            "$.segment_index",
        ),
        (Multipart::new().text("segment_index", "0"), "$.media"),
    ] {
        let error = client(&fake)
            .append_media_upload("1880028106020515840", body)
            .send()
            .await
            .unwrap_err();
        let Error::InvalidInput(refused) = &error else {
            panic!("not refused: {error}")
        };
        assert_eq!(refused.parameter, parameter);
    }
    assert_eq!(fake.requests(), before, "nothing sent");
    // What only the server judges: an index that is not a number.
    let Error::Api(error) = append(&fake, chunk("first")).await.unwrap_err() else {
        panic!("not an API error")
    };
    assert_eq!(
        (error.status, error.kind),
        (400, ProblemKind::InvalidRequest)
    );
    assert!(
        error.fields["errors"][0]["parameters"]
            .get("segment_index")
            .is_some(),
        "{:?}",
        error.fields
    );
    let Error::Api(unknown) = client(&fake)
        .append_media_upload("1880028106020515840", chunk("0"))
        .send()
        .await
        .unwrap_err()
    else {
        panic!("not an API error")
    };
    assert_eq!(unknown.status, 404, "no session has that id");
    let path = "/2/media/upload/1880028106020515840/append";
    let response = post(
        &fake,
        path,
        "multipart/form-data; boundary=b",
        "--b\r\nbroken",
    )
    .await;
    assert_eq!(response.status(), 400);
    let response = post(&fake, path, "application/json", "{}").await;
    assert_eq!(response.status(), 400);
    let response = post(
        &fake,
        "/2/media/upload/x/append",
        "multipart/form-data; boundary=b",
        "--b--",
    )
    .await;
    assert_eq!(response.status(), 400, "the id's pattern");
}

#[tokio::test]
async fn a_known_path_with_another_method_is_a_page_that_does_not_exist() {
    let fake = FakeX::start().await.unwrap();
    let messages = format!("/2/dm_conversations/{DEMO_CONVERSATION}/messages");
    let response = get(&fake, &messages, Some(TOKEN)).await;
    assert_eq!(response.status(), 404);
    assert_eq!(json_of(response).await["errors"][0]["code"], 34);
    let events = format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events");
    let response = post(&fake, &events, "application/json", "{}").await;
    assert_eq!(response.status(), 404);
    let response = http()
        .post(format!(
            "{}/tw-v2/interaction/conversation",
            fake.base_url()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        json_of(response).await["message"],
        "Cannot POST /tw-v2/interaction/conversation"
    );
}

#[tokio::test]
async fn a_dm_event_is_served_by_id_with_what_its_expansions_include() {
    let fake = FakeX::start().await.unwrap();
    let data = fake.dataset();
    let event = data
        .events(DEMO_CONVERSATION)
        .unwrap()
        .iter()
        .find(|event| event["event_type"] == "MessageCreate")
        .unwrap()
        .clone();
    let id = event["id"].as_str().unwrap();
    let page = client(&fake)
        .dm_event(id)
        .fields([DmEventField::Id, DmEventField::Text])
        .expansions([DmEventExpansion::SenderId])
        .send()
        .await
        .unwrap();
    let raw: Value = serde_json::from_slice(page.raw_body()).unwrap();
    assert!(raw["data"].is_object(), "one event is `data` itself: {raw}");
    let joined = page.joined();
    assert_eq!(joined.len(), 1);
    assert_eq!(joined[0].id, id);
    assert_eq!(joined[0].text.as_deref(), event["text"].as_str());
    let sender = joined[0].sender().expect("the sender is included");
    assert_eq!(Some(sender.id.as_str()), event["sender_id"].as_str());

    let response = get(&fake, "/2/dm_events/1000000000000000001", Some(TOKEN)).await;
    assert_eq!(response.status(), 404);
    let response = get(&fake, "/2/dm_events/not-an-id", Some(TOKEN)).await;
    assert_eq!(response.status(), 400);
}
