//! Every fixture, served by a mock, comes back through the generated client as
//! the typed value of its status; and the decoding is forward-compatible.

use crate::common;

use common::{ACCESS_TOKEN, API_KEY, AUTH_TOKEN, fixture, fixtures_of};
use httpmock::prelude::*;
use progenitor_client::Error;
use x_dm::tweetapi::types as ta;
use x_dm::x::types as xt;

/// Clients that take each answer as final: these tests are about decoding,
/// and the error fixtures' 429s and 503s would otherwise be waited out.
fn one_attempt(credentials: x_dm::Credentials) -> x_dm::Session {
    x_dm::Session::new(credentials)
        .with_retry(x_dm::RetryPolicy::attempts(1))
        .with_rate_limit(x_dm::RateLimitPolicy::Fail)
}

fn http() -> reqwest::Client {
    x_dm::connect::install_tls_provider();
    reqwest::Client::new()
}

fn x_client(server: &MockServer) -> x_dm::x::generated::Client {
    let session = one_attempt(x_dm::Credentials::bearer(ACCESS_TOKEN).unwrap());
    x_dm::x::generated::Client::new_with_client(&server.base_url(), http(), session)
}

fn tweetapi_client(server: &MockServer) -> x_dm::tweetapi::generated::Client {
    let session = one_attempt(x_dm::Credentials::api_key(API_KEY).unwrap());
    x_dm::tweetapi::generated::Client::new_with_client(&server.base_url(), http(), session)
}

fn serve<'a>(server: &'a MockServer, path: &str, status: u16, body: &str) -> httpmock::Mock<'a> {
    server.mock(|when, then| {
        when.method(GET).path(path);
        then.status(status)
            .header("content-type", "application/json")
            .body(body);
    })
}

/// Asserts that a fixture decoded as its status says: a 2xx into the success
/// type, anything else into the operation's error type.
fn expect_decoded<T, E: std::fmt::Debug>(
    name: &str,
    status: u16,
    result: Result<progenitor_client::ResponseValue<T>, Error<E>>,
) {
    match result {
        Ok(_) => assert!(
            (200..300).contains(&status),
            "{name}: a {status} decoded as success"
        ),
        Err(Error::ErrorResponse(error)) => {
            assert!(!(200..300).contains(&status), "{name}: decoded as an error");
            assert_eq!(error.status().as_u16(), status, "{name}");
        }
        Err(other) => panic!("{name}: {other}"),
    }
}

#[tokio::test]
async fn every_dm_events_fixture_decodes() {
    for (name, status, body) in fixtures_of("getDirectMessagesEventsByConversationId") {
        let server = MockServer::start_async().await;
        let mock = serve(
            &server,
            "/2/dm_conversations/123123123-456456456/dm_events",
            status,
            &body,
        );
        let result = x_client(&server)
            .get_direct_messages_events_by_conversation_id()
            .id("123123123-456456456")
            .send()
            .await;
        expect_decoded(&name, status, result);
        mock.assert();
    }
}

#[tokio::test]
async fn every_chat_conversations_fixture_decodes() {
    for (name, status, body) in fixtures_of("getChatConversations") {
        let server = MockServer::start_async().await;
        let mock = serve(&server, "/2/chat/conversations", status, &body);
        let result = x_client(&server).get_chat_conversations().send().await;
        expect_decoded(&name, status, result);
        mock.assert();
    }
}

#[tokio::test]
async fn every_chat_conversation_fixture_decodes() {
    for (name, status, body) in fixtures_of("getChatConversation") {
        let server = MockServer::start_async().await;
        let mock = serve(
            &server,
            "/2/chat/conversations/g1690000000000000001",
            status,
            &body,
        );
        let result = x_client(&server)
            .get_chat_conversation()
            .id("g1690000000000000001")
            .send()
            .await;
        expect_decoded(&name, status, result);
        mock.assert();
    }
}

#[tokio::test]
async fn every_tweetapi_fixture_decodes() {
    for (name, status, body) in fixtures_of("getTweetApiConversation") {
        let server = MockServer::start_async().await;
        let mock = serve(&server, "/tw-v2/interaction/conversation", status, &body);
        let result = tweetapi_client(&server)
            .get_tweet_api_conversation()
            .auth_token(AUTH_TOKEN)
            .conversation_id("1000000000000000001-1000000000000000002")
            .send()
            .await;
        expect_decoded(&name, status, result);
        mock.assert();
    }
}

async fn dm_events(body: &str) -> xt::DmEventsResponse {
    let server = MockServer::start_async().await;
    serve(
        &server,
        "/2/dm_conversations/1582103724607971328/dm_events",
        200,
        body,
    );
    x_client(&server)
        .get_direct_messages_events_by_conversation_id()
        .id("1582103724607971328")
        .send()
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn seed_002_decodes_verbatim_with_the_legacy_tweet_timestamp() {
    let page = dm_events(&fixture(
        "getDirectMessagesEventsByConversationId",
        "200-seed-002.json",
    ))
    .await;
    let event = &page.data[0];
    assert_eq!(event.event_type, "MessageCreate");
    assert_eq!(
        event.dm_conversation_id.as_deref(),
        Some("123123123-456456456")
    );
    assert_eq!(event.referenced_tweets[0].id, "1346889436626259968");
    assert_eq!(event.hashtags[0].tag, "MondayMotivation");
    let includes = page.includes.unwrap();
    assert_eq!(
        includes.tweets[0].created_at.as_deref(),
        Some("Wed Jan 06 18:40:40 +0000 2021")
    );
    assert_eq!(includes.users[0].username.as_deref(), Some("TwitterDev"));
    assert_eq!(includes.polls[0].voting_status.as_deref(), Some("open"));
    assert_eq!(page.meta.unwrap().result_count, Some(123));
}

#[tokio::test]
async fn seed_001_decodes_with_data_as_an_array_and_2167_with_data_as_an_object() {
    let server = MockServer::start_async().await;
    let client = x_client(&server);
    let mut seed = serve(
        &server,
        "/2/chat/conversations/g1",
        200,
        &fixture("getChatConversation", "200-seed-001.json"),
    );
    let old = client
        .get_chat_conversation()
        .id("g1")
        .send()
        .await
        .unwrap()
        .into_inner();
    seed.delete();
    serve(
        &server,
        "/2/chat/conversations/g1",
        200,
        &fixture("getChatConversation", "200-group-object-2167.json"),
    );
    let new = client
        .get_chat_conversation()
        .id("g1")
        .send()
        .await
        .unwrap()
        .into_inner();

    let Some(xt::ChatConversationData::Array(list)) = old.data else {
        panic!("2.166 sends a list")
    };
    assert_eq!(list[0].message_ttl_msec.as_deref(), Some("<string>"));
    let old_includes = old.includes.unwrap();
    assert_eq!(
        old_includes.tweets[0].created_at.as_deref(),
        Some("Wed Jan 06 18:40:40 +0000 2021")
    );
    assert_eq!(old_includes.places[0].geo.as_ref().unwrap().bbox.len(), 4);
    assert_eq!(
        old.errors.len(),
        1,
        "the seed's 200 carries errors next to data"
    );

    let Some(xt::ChatConversationData::ChatConversation(one)) = new.data else {
        panic!("2.167 sends an object")
    };
    assert_eq!(one.message_ttl_ms, Some(86_400_000));
}

#[tokio::test]
async fn names_from_both_versions_decode() {
    let old = dm_events(&fixture(
        "getDirectMessagesEventsByConversationId",
        "200-page-2166.json",
    ))
    .await;
    let new = dm_events(&fixture(
        "getDirectMessagesEventsByConversationId",
        "200-page-2167.json",
    ))
    .await;
    assert_eq!(old.data[0].referenced_tweets[0].id, "1346889436626259968");
    assert_eq!(old.includes.unwrap().tweets[0].id, "1346889436626259968");
    assert_eq!(new.data[0].referenced_posts[0].id, "1346889436626259968");
    assert_eq!(
        new.data[0].entities.as_ref().unwrap().cashtags[0].tag,
        "XYZ"
    );
    assert_eq!(new.includes.unwrap().posts[0].id, "1346889436626259968");
}

#[tokio::test]
async fn a_200_with_data_and_errors_decodes_both_and_an_unknown_problem_type_stays_readable() {
    let page = dm_events(&fixture(
        "getDirectMessagesEventsByConversationId",
        "200-partial-errors.json",
    ))
    .await;
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.errors.len(), 2);
    let xt::Problem::ResourceNotFoundProblem(known) = &page.errors[0] else {
        panic!("known type decoded as {:?}", page.errors[0])
    };
    assert_eq!(known.resource_id.as_deref(), Some("1580000000000000001"));
    let xt::Problem::GenericProblem(unknown) = &page.errors[1] else {
        panic!("unknown type decoded as {:?}", page.errors[1])
    };
    assert_eq!(
        unknown.type_.as_str(),
        "https://api.x.com/2/problems/brand-new-problem"
    );
    assert_eq!(unknown.extra["section"], "includes");
}

#[tokio::test]
async fn unknown_fields_and_unknown_event_types_are_not_errors() {
    let body = r#"{
        "data": [
            {"id": "1", "event_type": "MessageReactionCreate", "reaction": {"emoji": "🔥"}},
            {"id": "2", "event_type": "MessageCreate", "text": "hi", "brand_new_field": [1, 2, 3]}
        ],
        "meta": {"result_count": 2, "new_meta": true},
        "new_top_level": {}
    }"#;
    let page = dm_events(body).await;
    assert_eq!(page.data[0].event_type, "MessageReactionCreate");
    assert_eq!(page.data[1].text.as_deref(), Some("hi"));
}

#[tokio::test]
async fn problem_types_decode_under_both_hosts() {
    for host in ["api.twitter.com", "api.x.com"] {
        let body = format!(
            r#"{{"title": "Not Found Error", "detail": "no such conversation",
                "type": "https://{host}/2/problems/resource-not-found",
                "resource_type": "dm_conversation", "resource_id": "1-2", "status": 404}}"#
        );
        let server = MockServer::start_async().await;
        serve(&server, "/2/dm_conversations/1-2/dm_events", 404, &body);
        let error = x_client(&server)
            .get_direct_messages_events_by_conversation_id()
            .id("1-2")
            .send()
            .await
            .unwrap_err();
        let Error::ErrorResponse(body) = error else {
            panic!("{host}: {error}")
        };
        let xt::ErrorResponse::Problem(xt::Problem::ResourceNotFoundProblem(problem)) =
            body.into_inner()
        else {
            panic!("{host}: not decoded as resource-not-found")
        };
        assert_eq!(
            problem.type_.to_string(),
            format!("https://{host}/2/problems/resource-not-found")
        );
    }
}

#[tokio::test]
async fn tweetapi_error_bodies_decode_in_each_documented_shape() {
    let cases = [
        ("401-flat-nest.json", 401),
        ("404-error-envelope.json", 404),
        ("429-error-envelope-details.json", 429),
    ];
    for (name, status) in cases {
        let server = MockServer::start_async().await;
        serve(
            &server,
            "/tw-v2/interaction/conversation",
            status,
            &fixture("getTweetApiConversation", name),
        );
        let error = tweetapi_client(&server)
            .get_tweet_api_conversation()
            .auth_token(AUTH_TOKEN)
            .conversation_id("1-2")
            .send()
            .await
            .unwrap_err();
        let Error::ErrorResponse(body) = error else {
            panic!("{name}: {error}")
        };
        match (name, body.into_inner()) {
            ("401-flat-nest.json", ta::ErrorResponse::FlatError(flat)) => {
                assert_eq!(flat.message, "No API key provided");
            }
            ("404-error-envelope.json", ta::ErrorResponse::ErrorEnvelope(envelope)) => {
                assert!(envelope.error.details.is_none());
            }
            ("429-error-envelope-details.json", ta::ErrorResponse::ErrorEnvelope(envelope)) => {
                assert_eq!(envelope.error.details.unwrap().retry_after, Some(42));
            }
            (name, other) => panic!("{name} decoded as {other:?}"),
        }
    }
}

#[tokio::test]
async fn tweetapi_seed_004_decodes_verbatim() {
    let server = MockServer::start_async().await;
    serve(
        &server,
        "/tw-v2/interaction/conversation",
        200,
        &fixture("getTweetApiConversation", "200-seed-004.json"),
    );
    let page = tweetapi_client(&server)
        .get_tweet_api_conversation()
        .auth_token(AUTH_TOKEN)
        .conversation_id("1000000000000000001-1000000000000000002")
        .send()
        .await
        .unwrap()
        .into_inner();
    let ta::ConversationResponse::ConversationPage(page) = page else {
        panic!("seed is not wrapped")
    };
    assert_eq!(page.messages.len(), 2);
    let second = &page.messages[1];
    assert_eq!(second.edit_count, Some(0));
    assert_eq!(
        second.entities.as_ref().unwrap().urls[0]
            .display_url
            .as_deref(),
        Some("pic.x.com/example456")
    );
    let attachment = second.attachment.as_ref().unwrap();
    assert_eq!(attachment.type_.as_deref(), Some("photo"));
    assert_eq!(attachment.photo.as_ref().unwrap().width, Some(800));
    assert_eq!(page.users[1].follower_count, Some(200));
    assert_eq!(page.users[0].location, None);
    let info = page.conversation_info.unwrap();
    assert_eq!(info.type_.as_deref(), Some("ONE_TO_ONE"));
    assert_eq!(info.participants.len(), 2);
    assert_eq!(page.has_more, Some(false));
}

#[test]
fn null_lists_decode_as_empty_and_are_written_out_as_sent() {
    use x_dm::prelude::*;
    // The body of the issue this was found with: one `null` failed the page.
    let body = r#"{"data":[{"attachments":{"media_keys":null},"event_type":"ParticipantsJoin","id":"1990461309327632923"}]}"#;
    let page = Page::<xt::DmEvent>::parse(body).unwrap();
    assert!(page.items()[0].media_keys().is_empty());
    let events = page.joined();
    assert_eq!(
        serde_json::to_string(&events[0]).unwrap(),
        r#"{"attachments":{"media_keys":null},"event_type":"ParticipantsJoin","id":"1990461309327632923"}"#,
        "the null is written out as it came"
    );

    for name in ["200-null-lists-2167.json", "200-null-lists-2166.json"] {
        let page =
            Page::<xt::DmEvent>::parse(fixture("getDirectMessagesEventsByConversationId", name))
                .unwrap_or_else(|e| panic!("{name}: {e}"));
        let first = &page.items()[0];
        assert!(first.cashtags.is_empty() && first.urls.is_empty(), "{name}");
        if let Some(entities) = &first.entities {
            assert!(entities.mentions.is_empty() && entities.hashtags.is_empty());
        }
        assert!(
            page.raw_items()[0].windows(4).any(|w| w == b"null"),
            "{name}"
        );
    }
    let page = Page::<xt::DmEvent>::parse(fixture(
        "getDirectMessagesEventsByConversationId",
        "200-null-lists-2167.json",
    ))
    .unwrap();
    let last = &page.items()[2];
    assert_eq!(last.media_keys(), ["3_1990461309327632000"]);
    assert_eq!(last.entities.as_ref().unwrap().hashtags[0].tag, "one");
}

#[test]
fn null_decodes_as_absent_even_where_x_s_schema_does_not_allow_it() {
    // Rejected by the schema (so it lives under `invalid/`), and still no
    // reason to lose the page.
    let page = x_dm::Page::<xt::DmEvent>::parse(fixture(
        "getDirectMessagesEventsByConversationId",
        "invalid/200-participant-ids-null.json",
    ))
    .unwrap();
    assert!(page.items()[0].participant_ids.is_empty());
}
