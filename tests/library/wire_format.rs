//! What goes on the wire: the exact path, query string and credentials of
//! every operation.

use crate::common;

use std::sync::{Arc, Mutex};

use common::{ACCESS_TOKEN, API_KEY, AUTH_TOKEN, fixture, tweetapi_client, x_client};
use httpmock::prelude::*;
use x_dm::x::types::{
    ChatConversationExpansion, ChatConversationField, DmEventExpansion, DmEventField, DmEventType,
    MediaField, TweetField, UserField,
};

/// Records the raw query string of the request the mock sees, so that a
/// mismatch shows both strings instead of a bare 404 from the mock.
fn capture_query<'a>(
    server: &'a MockServer,
    path: &str,
    body: String,
) -> (httpmock::Mock<'a>, Arc<Mutex<Option<String>>>) {
    let seen = Arc::new(Mutex::new(None));
    let sink = Arc::clone(&seen);
    let mock = server.mock(|when, then| {
        when.method(GET).path(path).is_true(move |req| {
            *sink.lock().unwrap() = req.uri().query().map(str::to_owned);
            true
        });
        then.status(200)
            .header("content-type", "application/json")
            .body(body);
    });
    (mock, seen)
}

fn seen(query: &Arc<Mutex<Option<String>>>) -> String {
    query.lock().unwrap().clone().unwrap_or_default()
}

#[tokio::test]
async fn dm_events_sends_comma_separated_lists_under_dotted_names() {
    let server = MockServer::start_async().await;
    let body = fixture(
        "getDirectMessagesEventsByConversationId",
        "200-page-2166.json",
    );
    let (mock, query) = capture_query(
        &server,
        "/2/dm_conversations/123123123-456456456/dm_events",
        body,
    );

    x_client(&server)
        .get_direct_messages_events_by_conversation_id()
        .id("123123123-456456456")
        .max_results(50)
        .pagination_token("18LAA581J5II7LA00C00ZZZZ")
        .event_types([DmEventType::MessageCreate, DmEventType::ParticipantsJoin])
        .dm_event_fields([
            DmEventField::Id,
            DmEventField::Text,
            DmEventField::CreatedAt,
        ])
        .expansions([
            DmEventExpansion::SenderId,
            DmEventExpansion::AttachmentsMediaKeys,
            DmEventExpansion::ReferencedTweetsId,
        ])
        .media_fields([MediaField::Url])
        .user_fields([UserField::Username, UserField::Name])
        .tweet_fields([TweetField::CreatedAt])
        .send()
        .await
        .unwrap();

    mock.assert();
    assert_eq!(
        seen(&query),
        "dm_event.fields=id,text,created_at\
         &event_types=MessageCreate,ParticipantsJoin\
         &expansions=sender_id,attachments.media_keys,referenced_tweets.id\
         &max_results=50\
         &media.fields=url\
         &pagination_token=18LAA581J5II7LA00C00ZZZZ\
         &tweet.fields=created_at\
         &user.fields=username,name"
    );
}

#[tokio::test]
async fn a_value_given_twice_is_sent_once() {
    let server = MockServer::start_async().await;
    let body = fixture(
        "getDirectMessagesEventsByConversationId",
        "200-page-2166.json",
    );
    let (mock, query) = capture_query(
        &server,
        "/2/dm_conversations/1582103724607971328/dm_events",
        body,
    );

    x_client(&server)
        .get_direct_messages_events_by_conversation_id()
        .id("1582103724607971328")
        .dm_event_fields(vec![
            DmEventField::Text,
            DmEventField::Id,
            DmEventField::Text,
        ])
        .send()
        .await
        .unwrap();

    mock.assert();
    assert_eq!(seen(&query), "dm_event.fields=text,id");
}

#[tokio::test]
async fn a_request_without_options_sends_no_query_string() {
    let server = MockServer::start_async().await;
    let body = fixture("getChatConversations", "200-inbox-2166.json");
    let (mock, query) = capture_query(&server, "/2/chat/conversations", body);

    x_client(&server)
        .get_chat_conversations()
        .send()
        .await
        .unwrap();

    mock.assert();
    assert_eq!(seen(&query), "");
}

#[tokio::test]
async fn chat_conversations_query() {
    let server = MockServer::start_async().await;
    let body = fixture("getChatConversations", "200-inbox-2166.json");
    let (mock, query) = capture_query(&server, "/2/chat/conversations", body);

    x_client(&server)
        .get_chat_conversations()
        .max_results(2)
        .pagination_token("1hnhq4ccfdn8nt4e8ctqh3nfat5d3oq3")
        .chat_conversation_fields([
            ChatConversationField::Type,
            ChatConversationField::MessageTtlMsec,
        ])
        .expansions([ChatConversationExpansion::MemberIds])
        .user_fields([UserField::Username])
        .send()
        .await
        .unwrap();

    mock.assert();
    assert_eq!(
        seen(&query),
        "chat_conversation.fields=type,message_ttl_msec\
         &expansions=member_ids\
         &max_results=2\
         &pagination_token=1hnhq4ccfdn8nt4e8ctqh3nfat5d3oq3\
         &user.fields=username"
    );
}

#[tokio::test]
async fn chat_conversation_path_and_query() {
    let server = MockServer::start_async().await;
    let body = fixture("getChatConversation", "200-group-object-2167.json");
    let (mock, query) = capture_query(&server, "/2/chat/conversations/g1690000000000000001", body);

    x_client(&server)
        .get_chat_conversation()
        .id("g1690000000000000001")
        .expansions([
            ChatConversationExpansion::AdminIds,
            ChatConversationExpansion::ParticipantIds,
        ])
        .send()
        .await
        .unwrap();

    mock.assert();
    assert_eq!(seen(&query), "expansions=admin_ids,participant_ids");
}

#[tokio::test]
async fn x_requests_carry_the_bearer_token_and_a_user_agent() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/2/chat/conversations")
            .header("authorization", format!("Bearer {ACCESS_TOKEN}"))
            .header("user-agent", x_dm::connect::USER_AGENT)
            .header("accept", "application/json");
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture("getChatConversations", "200-empty-inbox.json"));
    });

    x_client(&server)
        .get_chat_conversations()
        .send()
        .await
        .unwrap();

    mock.assert();
}

#[tokio::test]
async fn tweetapi_sends_the_key_as_a_header_and_the_auth_token_as_a_query_parameter() {
    let server = MockServer::start_async().await;
    let seen_query = Arc::new(Mutex::new(None));
    let sink = Arc::clone(&seen_query);
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/tw-v2/interaction/conversation")
            .header("x-api-key", API_KEY)
            .header_missing("authorization")
            .is_true(move |req| {
                *sink.lock().unwrap() = req.uri().query().map(str::to_owned);
                true
            });
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture("getTweetApiConversation", "200-seed-004.json"));
    });

    tweetapi_client(&server)
        .get_tweet_api_conversation()
        .auth_token(AUTH_TOKEN)
        .conversation_id("123456789-987654321")
        .cursor("GRwmgIC9reXb8bsxFoCAvfWbqfS7MSUAAA==")
        .proxy("proxy.example:8080@alice:s3cret")
        .send()
        .await
        .unwrap();

    mock.assert();
    assert_eq!(
        seen(&seen_query),
        format!(
            "authToken={AUTH_TOKEN}&conversationId=123456789-987654321\
             &cursor=GRwmgIC9reXb8bsxFoCAvfWbqfS7MSUAAA%3D%3D\
             &proxy=proxy.example%3A8080%40alice%3As3cret"
        )
    );
}

#[test]
fn the_generated_tweetapi_builder_never_shows_its_secrets() {
    x_dm::connect::install_tls_provider();
    let client = x_dm::connect::tweetapi_client("http://127.0.0.1:9", API_KEY).unwrap();
    let builder = client
        .get_tweet_api_conversation()
        .auth_token(AUTH_TOKEN)
        .proxy("proxy.example:8080@alice:s3cret-proxy-pass")
        .conversation_id("1-2");
    let shown = format!("{builder:?} {client:?}");
    for secret in [AUTH_TOKEN, API_KEY, "s3cret-proxy-pass"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    assert!(
        shown.contains("1-2"),
        "non-secret parameters still show: {shown}"
    );
}

#[tokio::test]
async fn a_chat_conversation_given_as_uid_colon_uid_is_sent_as_uid_dash_uid() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.method(GET)
            .path("/2/chat/conversations/1582103724607971328-1613565123466371072");
        then.status(200)
            .header("content-type", "application/json")
            .body(fixture("getChatConversation", "200-group-object-2167.json"));
    });
    common::x_facade(&server)
        .conversation("1582103724607971328:1613565123466371072")
        .send()
        .await
        .unwrap();
    mock.assert();
}
