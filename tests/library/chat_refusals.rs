//! Bad input to the Chat, public-key and DM-block operations is refused
//! before anything is sent, naming the parameter or the body's JSON path and
//! the rule the spec gives it. A catch-all mock counts every request, and
//! must count none.

use crate::common;

use common::x_facade;
use httpmock::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use x_dm::Error;
use x_dm::engine::Request;
use x_dm::x::operations;

fn typed<T: DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body).unwrap()
}

/// Sends `$request`, which must be refused for `$parameter` with a rule
/// that contains `$rule`.
macro_rules! refused {
    ($request:expr, $parameter:expr, $rule:expr) => {{
        match $request.send().await {
            Err(Error::InvalidInput(invalid)) => {
                assert_eq!(invalid.parameter, $parameter, "{}", invalid.rule);
                assert!(
                    invalid.rule.contains($rule),
                    "{}: {}",
                    $parameter,
                    invalid.rule
                );
            }
            other => panic!("{}: expected a refusal, got {other:?}", $parameter),
        }
    }};
}

#[tokio::test]
async fn path_ids_outside_their_patterns_are_refused() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|_, then| {
        then.status(200).body("{}");
    });
    let c = x_facade(&server);
    let group = "^g[0-9]{1,19}$";
    let any = "^([0-9]{1,19}|[0-9]{1,19}-[0-9]{1,19}|g[0-9]{1,19})$";
    // Group-only operations take no 1:1 id.
    refused!(
        Request::<operations::GetChatGroupAdminRequests>::new(&c, "1-2"),
        "id",
        group
    );
    refused!(
        Request::<operations::UpdateChatGroupAdminSettings>::new(
            &c,
            "12",
            typed(json!({"add_member": true}))
        ),
        "id",
        group
    );
    refused!(
        Request::<operations::EnableChatGroupInvite>::new(&c, "1-2", Default::default()),
        "id",
        group
    );
    refused!(
        Request::<operations::AddChatGroupAdmins>::new(&c, "x1", typed(json!({"user_ids": ["1"]}))),
        "id",
        group
    );
    refused!(c.chat_events("g12ab"), "id", any);
    refused!(c.mute_chat("not an id"), "id", any);
    refused!(c.archive_chat("1-2-3"), "id", any);
    // Message requests are 1:1 only.
    refused!(
        c.accept_chat_message_request("g1"),
        "id",
        "^([0-9]{1,19}|[0-9]{1,19}-[0-9]{1,19})$"
    );
    refused!(
        Request::<operations::ApproveChatGroupAdminRequest>::new(
            &c,
            "g1",
            "me",
            Default::default()
        ),
        "user_id",
        "^[0-9]{1,19}$"
    );
    refused!(
        Request::<operations::GetChatGroupInvite>::new(&c, "g1", "short"),
        "token",
        "^[A-Za-z0-9_-]{10}$"
    );
    refused!(
        c.download_chat_media("g1", "not/a/key"),
        "media_hash_key",
        "^[a-zA-Z0-9]{1,50}$"
    );
    refused!(c.block_dms("@theo"), "id", "^[0-9]{1,19}$");
    refused!(
        Request::<operations::ChatMediaUploadFinalize>::new(
            &c,
            "abc",
            typed(json!({"conversation_id": "1-2", "media_hash_key": "h", "num_parts": "1"}))
        ),
        "id",
        "^[0-9]{1,19}$"
    );
    mock.assert_calls(0);
}

#[tokio::test]
async fn query_values_outside_their_rules_are_refused() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|_, then| {
        then.status(200).body("{}");
    });
    let c = x_facade(&server);
    refused!(
        c.chat_events("g1").max_results(101),
        "max_results",
        "from 1 to 100"
    );
    refused!(
        c.chat_message_requests().max_results(51),
        "max_results",
        "from 1 to 50"
    );
    refused!(
        c.chat_message_requests().inbox_type("priority"),
        "inbox_type",
        "you_may_know"
    );
    refused!(
        c.chat_message_requests().pagination_token("CHAT0001"),
        "pagination_token",
        "^[0-9]{1,10}$"
    );
    refused!(
        Request::<operations::GetChatConversationPinnedMessages>::new(&c, "g1")
            .pagination_token("next"),
        "pagination_token",
        "^[0-9]{1,19}$"
    );
    refused!(c.conversations().kind("channel"), "type", "direct");
    refused!(
        c.conversations()
            .participant_ids((1..=11).map(|n| n.to_string())),
        "participant_ids",
        "at most 10"
    );
    refused!(
        c.conversations().participant_query("x".repeat(51)),
        "participant_query",
        "at most 50"
    );
    refused!(
        c.public_keys((1..=101).map(|n| n.to_string())),
        "ids",
        "at most 100"
    );
    refused!(c.public_keys(Vec::<String>::new()), "ids", "");
    // A list's items are checked one by one against their pattern.
    refused!(
        c.public_keys(["1234567890", "@theo"]),
        "ids",
        "^[0-9]{1,19}$"
    );
    refused!(
        c.conversations().participant_ids(["12", "ada"]),
        "participant_ids",
        "^[0-9]{1,19}$"
    );
    mock.assert_calls(0);
}

#[tokio::test]
async fn bodies_that_break_their_rules_are_refused_naming_the_json_path() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|_, then| {
        then.status(200).body("{}");
    });
    let c = x_facade(&server);
    refused!(
        c.send_chat_message(
            "g1",
            typed(json!({"message_id": "m", "encoded_message_create_event": ""}))
        ),
        "$.encoded_message_create_event",
        "at least 1"
    );
    refused!(
        c.send_chat_message(
            "g1",
            typed(json!({"message_id": "", "encoded_message_create_event": "e"}))
        ),
        "$.message_id",
        "at least 1"
    );
    let bad_signature = json!({"action_signatures": [{
        "message_id": "m", "encoded_message_event_detail": "ZA==",
        "message_event_signature": {"signature": "not base64!", "public_key_version": "1", "signature_version": "1"}
    }]});
    refused!(
        Request::<operations::MuteChatConversation>::new(&c, "g1", typed(bad_signature)),
        "$.action_signatures[0].message_event_signature.signature",
        "pattern"
    );
    refused!(
        c.add_chat_members("g1", typed(json!({"user_ids": []}))),
        "$.user_ids",
        "at least 1"
    );
    refused!(
        c.add_chat_members("g1", typed(json!({"user_ids": ["@ada"]}))),
        "$.user_ids[0]",
        "^[0-9]{1,19}$"
    );
    refused!(
        Request::<operations::RemoveChatGroupAdmins>::new(&c, "g1", typed(json!({"user_ids": []}))),
        "$.user_ids",
        "at least 1"
    );
    refused!(
        Request::<operations::UpdateChatConversationMessageTtl>::new(
            &c,
            "g1",
            typed(json!({"message_ttl_ms": "1 day"}))
        ),
        "$.message_ttl_ms",
        "^[0-9]{1,19}$"
    );
    refused!(
        Request::<operations::EnableChatGroupInvite>::new(
            &c,
            "g1",
            typed(json!({"invite_url": "https://example.com/join"}))
        ),
        "$.invite_url",
        "pattern"
    );
    refused!(
        Request::<operations::EnableChatGroupInvite>::new(
            &c,
            "g1",
            typed(json!({"welcome_message": "w".repeat(1025)}))
        ),
        "$.welcome_message",
        "at most 1024"
    );
    refused!(
        Request::<operations::CreateChatGroupJoinRequest>::new(
            &c,
            "g1",
            typed(json!({"token": "short"}))
        ),
        "$.token",
        "^[A-Za-z0-9_-]{10}$"
    );
    refused!(
        Request::<operations::UpdateChatGroup>::new(
            &c,
            "g1",
            typed(json!({"conversation_key_version": "1", "modified_fields": []}))
        ),
        "$.modified_fields",
        "at least 1"
    );
    refused!(
        Request::<operations::DeleteChatMessages>::new(
            &c,
            "g1",
            typed(
                json!({"delete_message_action": "delete_for_all", "sequence_ids": [], "action_signatures": []})
            )
        ),
        "$.sequence_ids",
        "at least 1"
    );
    refused!(
        Request::<operations::ChatMediaUploadInitialize>::new(
            &c,
            typed(json!({"conversation_id": "g1", "total_bytes": -1}))
        ),
        "$.total_bytes",
        "0"
    );
    mock.assert_calls(0);
}

#[tokio::test]
async fn a_change_that_sets_nothing_is_refused_naming_what_it_may_set() {
    let server = MockServer::start_async().await;
    let mock = server.mock(|_, then| {
        then.status(200).body("{}");
    });
    let c = x_facade(&server);
    refused!(
        Request::<operations::UpdateChatSettings>::new(&c, typed(json!({}))),
        "$",
        "at least one of: allow_dms_from"
    );
    refused!(
        Request::<operations::UpdateChatSettings>::new(&c, typed(json!({"av_settings": {}}))),
        "$.av_settings",
        "at least one of: has_av_calls_enabled"
    );
    refused!(
        Request::<operations::UpdateChatConversationScreenCapture>::new(&c, "g1", typed(json!({}))),
        "$",
        "at least one of: blocking, detection"
    );
    let signed_only = json!({"action_signatures": [{
        "message_id": "m", "encoded_message_event_detail": "ZA==",
        "message_event_signature": {"signature": "c2ln", "public_key_version": "1", "signature_version": "1"}
    }]});
    refused!(
        Request::<operations::UpdateChatGroupAdminSettings>::new(&c, "g1", typed(signed_only)),
        "$",
        "at least one of: add_member"
    );
    mock.assert_calls(0);
}
