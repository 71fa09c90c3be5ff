//! The Chat, public-key and DM-block operations on the wire: each goes out
//! with its method, path, query and JSON body as the spec says, and its
//! fixture comes back decoded. Bodies are written as JSON and typed through
//! the generated types, so a field the types drop or rename fails the
//! comparison with what was sent.

use crate::common;

use common::fault_server::{FaultServer, Step, quick_client};
use common::fixture;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use x_dm::engine::{Multipart, Request};
use x_dm::x::operations;
use x_dm::x::types::{
    ChatConversationKind, ChatInboxType, ChatMessageEventField, ChatMessageRequestField,
    PublicKeyField,
};

/// `body` read as the generated type `T`.
fn typed<T: DeserializeOwned>(body: &Value) -> T {
    serde_json::from_value(body.clone()).unwrap()
}

/// An action signature as the Chat XDK produces one.
fn signature() -> Value {
    json!({
        "message_id": "m-1",
        "encoded_message_event_detail": "ZGV0YWls",
        "message_event_signature": { "signature": "c2ln", "public_key_version": "1", "signature_version": "1" },
    })
}

/// Sends `$request` (built from `$client`) to a server answering the
/// operation's fixture, checks what went out, and hands back the output.
macro_rules! wire {
    ($op:literal / $file:literal, |$client:ident| $request:expr, $method:literal, $target:expr, $body:expr) => {{
        let status: u16 = $file.split('-').next().unwrap().parse().unwrap();
        let server = FaultServer::start(vec![Step::status(status, fixture($op, $file))]).await;
        let $client = quick_client(&server.base_url);
        let output = $request.send().await.unwrap();
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "{}", $op);
        assert_eq!(seen[0].method, $method, "{}", $op);
        assert_eq!(seen[0].target, $target, "{}", $op);
        let body: Option<Value> = $body;
        match body {
            Some(expected) => {
                assert_eq!(
                    seen[0].content_type.as_deref(),
                    Some("application/json"),
                    "{}",
                    $op
                );
                let sent: Value = serde_json::from_slice(&seen[0].body).unwrap();
                assert_eq!(sent, expected, "{}", $op);
            }
            None => assert!(seen[0].body.is_empty(), "{}: no body", $op),
        }
        output
    }};
}

const GROUP: &str = "g1690000000000000003";
const DIRECT: &str = "1234567890-9876543210";

#[tokio::test]
async fn conversation_reads_go_out_with_their_queries() {
    let page = wire!(
        "getChatConversationEvents" / "200-page-2173.json",
        |c| c
            .chat_events("1234567890:9876543210")
            .max_results(50)
            .fields([
                ChatMessageEventField::EncodedEvent,
                ChatMessageEventField::ConversationKeyVersion
            ]),
        "GET",
        format!(
            "/2/chat/conversations/{DIRECT}/events?max_results=50&chat_message_event.fields=encoded_event,conversation_key_version"
        ),
        None
    );
    assert_eq!(page.items().len(), 2);
    assert_eq!(page.meta().conversation_key_events.len(), 1);
    assert_eq!(page.next_token(), Some("CHEVN000000000002"));

    let page = wire!(
        "getChatConversationPinnedMessages" / "200-pinned-2173.json",
        |c| Request::<operations::GetChatConversationPinnedMessages>::new(&c, GROUP)
            .pagination_token("2"),
        "GET",
        format!("/2/chat/conversations/{GROUP}/pinned_messages?pagination_token=2"),
        None
    );
    assert_eq!(page.items()[0].encoded_event.as_deref(), Some("cGluLTE="));
    assert_eq!(page.items()[1].encoded_event, None, "optional since 2.173");

    let page = wire!(
        "getChatGroupAdminRequests" / "200-requests.json",
        |c| Request::<operations::GetChatGroupAdminRequests>::new(&c, GROUP),
        "GET",
        format!("/2/chat/conversations/{GROUP}/admin_requests"),
        None
    );
    assert_eq!(page.items()[0].username.as_deref(), Some("priya"));
    assert_eq!(page.meta().total_count, Some(1));

    let page = wire!(
        "getChatGroupInvite" / "200-preview-2173.json",
        |c| Request::<operations::GetChatGroupInvite>::new(&c, GROUP, "Ab3_dE-fGh"),
        "GET",
        format!("/2/chat/conversations/{GROUP}/invites/Ab3_dE-fGh"),
        None
    );
    assert_eq!(page.items()[0].member_count, Some(3));

    let page = wire!(
        "getChatConversations" / "200-inbox-2166.json",
        |c| c
            .conversations()
            .unread_only(true)
            .kind(ChatConversationKind::Group.to_string())
            .is_archived(false)
            .participant_ids(["1582103724607971328", "1613565123466371072"])
            .participant_query("@ad")
            .max_results(1000),
        "GET",
        "/2/chat/conversations?max_results=1000&unread_only=true&type=group&is_archived=false&participant_ids=1582103724607971328,1613565123466371072&participant_query=%40ad",
        None
    );
    assert!(!page.items().is_empty());
}

#[tokio::test]
async fn message_requests_settings_and_keys_go_out_with_their_queries() {
    let page = wire!(
        "getChatMessageRequests" / "200-page-2173.json",
        |c| c
            .chat_message_requests()
            .inbox_type(ChatInboxType::LowQuality.to_string())
            .max_results(50)
            .fields([ChatMessageRequestField::MessageEvents]),
        "GET",
        "/2/chat/message_requests?inbox_type=low_quality&max_results=50&chat_message_request.fields=message_events",
        None
    );
    assert_eq!(
        page.items()[0].envelopes().unwrap(),
        [b"toy-request".to_vec()]
    );
    assert_eq!(page.next_token(), Some("1"));

    let page = wire!(
        "getChatMessageRequest" / "200-received-2173.json",
        |c| Request::<operations::GetChatMessageRequest>::new(&c, "1700000000000000003"),
        "GET",
        "/2/chat/message_requests/1700000000000000003",
        None
    );
    assert_eq!(
        page.items()[0].message_request_state.as_deref(),
        Some("received")
    );

    let page = wire!(
        "acceptChatMessageRequest" / "200-accepted-2173.json",
        |c| c.accept_chat_message_request("1700000000000000003"),
        "POST",
        "/2/chat/message_requests/1700000000000000003/accept",
        None
    );
    assert!(page.items()[0].accepted);

    let page = wire!(
        "getChatSettings" / "200-settings-2173.json",
        |c| c.chat_settings(),
        "GET",
        "/2/chat/settings",
        None
    );
    assert_eq!(page.items()[0].allow_dms_from.as_deref(), Some("following"));

    let change =
        json!({ "allow_dms_from": "verified", "av_settings": { "has_av_calls_enabled": false } });
    wire!(
        "updateChatSettings" / "200-updated.json",
        |c| Request::<operations::UpdateChatSettings>::new(&c, typed(&change)),
        "PUT",
        "/2/chat/settings",
        Some(change.clone())
    );

    let page = wire!(
        "getUsersPublicKeys" / "200-keys.json",
        |c| c
            .public_keys(["1234567890", "9876543210"])
            .fields([PublicKeyField::PublicKey]),
        "GET",
        "/2/users/public_keys?ids=1234567890,9876543210&public_key.fields=public_key",
        None
    );
    assert_eq!(page.items().len(), 2);

    wire!(
        "getUsersPublicKey" / "200-keys.json",
        |c| Request::<operations::GetUsersPublicKey>::new(&c, "9876543210"),
        "GET",
        "/2/users/9876543210/public_keys",
        None
    );

    let key = json!({ "public_key": { "public_key": "cHVi", "signing_public_key": "c2ln" } });
    let page = wire!(
        "addUserPublicKey" / "200-registered.json",
        |c| Request::<operations::AddUserPublicKey>::new(&c, "1234567890", typed(&key)),
        "POST",
        "/2/users/1234567890/public_keys",
        Some(key.clone())
    );
    assert_eq!(page.items()[0].public_key_version.as_deref(), Some("3"));

    let page = wire!(
        "blockUsersDms" / "200-blocked.json",
        |c| c.block_dms("9876543210"),
        "POST",
        "/2/users/9876543210/dm/block",
        None
    );
    assert!(page.items()[0].blocked);
    let page = wire!(
        "unblockUsersDms" / "200-unblocked.json",
        |c| c.unblock_dms("9876543210"),
        "POST",
        "/2/users/9876543210/dm/unblock",
        None
    );
    assert!(!page.items()[0].blocked);
}

#[tokio::test]
async fn conversation_writes_go_out_with_their_bodies() {
    let message = json!({ "message_id": "m-1", "encoded_message_create_event": "VE9ZMQ==", "conversation_token": "dG9r", "xdk_version": "0.3.0" });
    let page = wire!(
        "sendChatMessage" / "201-sent.json",
        |c| c.send_chat_message("9876543210", typed(&message)),
        "POST",
        "/2/chat/conversations/9876543210/messages",
        Some(message.clone())
    );
    assert!(page.items()[0].encoded_message_event.starts_with("dG95"));

    let delete = json!({ "delete_message_action": "delete_for_all", "sequence_ids": ["1"], "action_signatures": [signature()] });
    wire!(
        "deleteChatMessages" / "200-deleted.json",
        |c| Request::<operations::DeleteChatMessages>::new(&c, DIRECT, typed(&delete)),
        "POST",
        format!("/2/chat/conversations/{DIRECT}/messages/delete"),
        Some(delete.clone())
    );

    // 2.173: no body field is needed; the empty object still goes out.
    wire!(
        "markChatConversationRead" / "200-read.json",
        |c| c.mark_chat_read(DIRECT),
        "POST",
        format!("/2/chat/conversations/{DIRECT}/read"),
        Some(json!({}))
    );
    let legacy = json!({ "seen_until_sequence_id": "1890000000000000011" });
    wire!(
        "markChatConversationRead" / "200-read.json",
        |c| Request::<operations::MarkChatConversationRead>::new(&c, DIRECT, typed(&legacy)),
        "POST",
        format!("/2/chat/conversations/{DIRECT}/read"),
        Some(legacy.clone())
    );
    wire!(
        "markChatConversationUnread" / "200-unread-2173.json",
        |c| c.mark_chat_unread(DIRECT),
        "POST",
        format!("/2/chat/conversations/{DIRECT}/unread"),
        None
    );
    wire!(
        "sendChatTypingIndicator" / "200-sent.json",
        |c| c.chat_typing(DIRECT),
        "POST",
        format!("/2/chat/conversations/{DIRECT}/typing"),
        None
    );

    let page = wire!(
        "muteChatConversation" / "200-muted.json",
        |c| c.mute_chat(DIRECT),
        "POST",
        format!("/2/chat/conversations/{DIRECT}/mute"),
        Some(json!({}))
    );
    assert!(page.items()[0].muted);
    let page = wire!(
        "unmuteChatConversation" / "200-unmuted.json",
        |c| c.unmute_chat(DIRECT),
        "DELETE",
        format!("/2/chat/conversations/{DIRECT}/mute"),
        Some(json!({}))
    );
    assert!(!page.items()[0].muted);
    let page = wire!(
        "archiveChatConversation" / "200-archived-2173.json",
        |c| c.archive_chat(DIRECT),
        "POST",
        format!("/2/chat/conversations/{DIRECT}/archive"),
        Some(json!({}))
    );
    assert!(page.items()[0].archived);
    wire!(
        "unarchiveChatConversation" / "200-unarchived-2173.json",
        |c| c.unarchive_chat(DIRECT),
        "DELETE",
        format!("/2/chat/conversations/{DIRECT}/archive"),
        Some(json!({}))
    );

    let signed = json!({ "action_signatures": [signature()] });
    wire!(
        "deleteChatConversation" / "200-deleted.json",
        |c| Request::<operations::DeleteChatConversation>::new(&c, DIRECT, typed(&signed)),
        "DELETE",
        format!("/2/chat/conversations/{DIRECT}"),
        Some(signed.clone())
    );
    let ttl = json!({ "message_ttl_ms": "86400000" });
    wire!(
        "updateChatConversationMessageTtl" / "200-updated.json",
        |c| Request::<operations::UpdateChatConversationMessageTtl>::new(&c, DIRECT, typed(&ttl)),
        "PUT",
        format!("/2/chat/conversations/{DIRECT}/message_ttl"),
        Some(ttl.clone())
    );
    wire!(
        "deleteChatConversationMessageTtl" / "200-deleted.json",
        |c| Request::<operations::DeleteChatConversationMessageTtl>::new(
            &c,
            DIRECT,
            typed(&signed)
        ),
        "DELETE",
        format!("/2/chat/conversations/{DIRECT}/message_ttl"),
        Some(signed.clone())
    );
    let capture = json!({ "blocking": true, "blocking_action_signatures": [signature()] });
    let page = wire!(
        "updateChatConversationScreenCapture" / "200-blocking.json",
        |c| Request::<operations::UpdateChatConversationScreenCapture>::new(
            &c,
            DIRECT,
            typed(&capture)
        ),
        "PUT",
        format!("/2/chat/conversations/{DIRECT}/screen_capture"),
        Some(capture.clone())
    );
    assert_eq!(page.items()[0].blocking, Some(true));
    let keys = json!({ "conversation_key_version": "1760000000000", "conversation_participant_keys": [{ "user_id": "1234567890", "public_key_version": "1", "encrypted_conversation_key": "a2V5" }] });
    let page = wire!(
        "addConversationKeys" / "200-keys-added.json",
        |c| Request::<operations::AddConversationKeys>::new(&c, "9876543210", typed(&keys)),
        "POST",
        "/2/chat/conversations/9876543210/keys",
        Some(keys.clone())
    );
    assert_eq!(
        page.items()[0].sequence_id.as_deref(),
        Some("1890000000000000003")
    );
}

#[tokio::test]
async fn group_writes_go_out_with_their_bodies() {
    let page = wire!(
        "initializeChatGroup" / "200-initialized.json",
        |c| Request::<operations::InitializeChatGroup>::new(&c),
        "POST",
        "/2/chat/conversations/group/initialize",
        None
    );
    let id = page.items()[0].conversation_id.clone();
    let create = json!({ "conversation_id": id, "conversation_key_version": "1", "group_members": ["9876543210", "1582103724607971328"],
        "conversation_participant_keys": [{ "user_id": "9876543210", "encrypted_conversation_key": "a2V5" }], "group_name": "ZW5j", "ttl_msec": "0" });
    let page = wire!(
        "createChatConversation" / "201-created.json",
        |c| Request::<operations::CreateChatConversation>::new(&c, typed(&create)),
        "POST",
        "/2/chat/conversations/group",
        Some(create.clone())
    );
    assert_eq!(page.items()[0].conversation_id, "g1890000000000000001");

    let update = json!({ "conversation_key_version": "2", "modified_fields": ["group_name"], "group_name": "bmV3" });
    wire!(
        "updateChatGroup" / "200-updated-key-rotated.json",
        |c| Request::<operations::UpdateChatGroup>::new(&c, GROUP, typed(&update)),
        "PUT",
        format!("/2/chat/conversations/{GROUP}"),
        Some(update.clone())
    );
    let settings = json!({ "send_message": true });
    wire!(
        "updateChatGroupAdminSettings" / "200-updated.json",
        |c| Request::<operations::UpdateChatGroupAdminSettings>::new(&c, GROUP, typed(&settings)),
        "PUT",
        format!("/2/chat/conversations/{GROUP}/admin_settings"),
        Some(settings.clone())
    );

    let add = json!({ "user_ids": ["1700000000000000004"], "conversation_key_version": "3" });
    wire!(
        "addChatGroupMembers" / "200-added.json",
        |c| c.add_chat_members(GROUP, typed(&add)),
        "POST",
        format!("/2/chat/conversations/{GROUP}/members"),
        Some(add.clone())
    );
    let remove = json!({ "user_ids": ["1700000000000000004"], "group_key_rotation_data": { "conversation_key_version": "4", "rotated_pmk_bundle": [{ "base64_encoded_encrypted_pmk": "cG1r", "message_sequence_id": "7" }] } });
    wire!(
        "removeChatGroupMembers" / "200-removed.json",
        |c| c.remove_chat_members(GROUP, typed(&remove)),
        "POST",
        format!("/2/chat/conversations/{GROUP}/members/remove"),
        Some(remove.clone())
    );
    let users = json!({ "user_ids": ["1700000000000000005"] });
    wire!(
        "addChatGroupAdmins" / "200-added.json",
        |c| Request::<operations::AddChatGroupAdmins>::new(&c, GROUP, typed(&users)),
        "POST",
        format!("/2/chat/conversations/{GROUP}/admins"),
        Some(users.clone())
    );
    wire!(
        "removeChatGroupAdmins" / "200-removed.json",
        |c| Request::<operations::RemoveChatGroupAdmins>::new(&c, GROUP, typed(&users)),
        "POST",
        format!("/2/chat/conversations/{GROUP}/admins/remove"),
        Some(users.clone())
    );
    wire!(
        "rejectChatGroupJoinRequests" / "200-rejected.json",
        |c| Request::<operations::RejectChatGroupJoinRequests>::new(&c, GROUP, typed(&users)),
        "POST",
        format!("/2/chat/conversations/{GROUP}/join_requests/reject"),
        Some(users.clone())
    );

    let empty = json!({});
    wire!(
        "createChatGroupAdminRequest" / "200-requested.json",
        |c| Request::<operations::CreateChatGroupAdminRequest>::new(&c, GROUP, typed(&empty)),
        "POST",
        format!("/2/chat/conversations/{GROUP}/admin_requests"),
        Some(empty.clone())
    );
    wire!(
        "approveChatGroupAdminRequest" / "200-approved.json",
        |c| Request::<operations::ApproveChatGroupAdminRequest>::new(
            &c,
            GROUP,
            "1700000000000000003",
            typed(&empty)
        ),
        "POST",
        format!("/2/chat/conversations/{GROUP}/admin_requests/1700000000000000003/approve"),
        Some(empty.clone())
    );
    wire!(
        "rejectChatGroupAdminRequest" / "200-rejected.json",
        |c| Request::<operations::RejectChatGroupAdminRequest>::new(
            &c,
            GROUP,
            "1700000000000000003",
            typed(&empty)
        ),
        "POST",
        format!("/2/chat/conversations/{GROUP}/admin_requests/1700000000000000003/reject"),
        Some(empty.clone())
    );

    let invite = json!({ "invite_url": format!("https://x.com/i/chat/group_join/{GROUP}/Ab3_dE-fGh"), "welcome_message": "hi" });
    let page = wire!(
        "enableChatGroupInvite" / "200-enabled.json",
        |c| Request::<operations::EnableChatGroupInvite>::new(&c, GROUP, typed(&invite)),
        "POST",
        format!("/2/chat/conversations/{GROUP}/invite"),
        Some(invite.clone())
    );
    assert_eq!(page.items()[0].token.as_deref(), Some("Ab3_dE-fGh"));
    wire!(
        "disableChatGroupInvite" / "200-disabled.json",
        |c| Request::<operations::DisableChatGroupInvite>::new(&c, GROUP, typed(&empty)),
        "DELETE",
        format!("/2/chat/conversations/{GROUP}/invite"),
        Some(empty.clone())
    );
    let join = json!({ "token": "Ab3_dE-fGh" });
    wire!(
        "createChatGroupJoinRequest" / "200-requested.json",
        |c| Request::<operations::CreateChatGroupJoinRequest>::new(&c, GROUP, typed(&join)),
        "POST",
        format!("/2/chat/conversations/{GROUP}/join_requests"),
        Some(join.clone())
    );
}

#[tokio::test]
async fn media_uploads_and_downloads_go_out_as_the_spec_says() {
    let init = json!({ "conversation_id": DIRECT, "total_bytes": 11 });
    let page = wire!(
        "chatMediaUploadInitialize" / "200-session.json",
        |c| Request::<operations::ChatMediaUploadInitialize>::new(&c, typed(&init)),
        "POST",
        "/2/chat/media/upload/initialize",
        Some(init.clone())
    );
    assert_eq!(page.items()[0].media_hash_key, "a1b2c3d4e5");

    let server = FaultServer::start(vec![Step::ok(fixture(
        "chatMediaUploadAppend",
        "200-stored.json",
    ))])
    .await;
    let segment = Multipart::new()
        .text("conversation_id", DIRECT)
        .text("media_hash_key", "a1b2c3d4e5")
        .text("segment_index", "0")
        .file(
            "media",
            "segment.bin",
            "application/octet-stream",
            &b"\x00sealed"[..],
        );
    let page = Request::<operations::ChatMediaUploadAppend>::new(
        &quick_client(&server.base_url),
        "1890000000000000006",
        segment,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(page.items()[0].expires_at, Some(1_767_225_600));
    let seen = &server.seen()[0];
    assert_eq!(
        (seen.method.as_str(), seen.target.as_str()),
        ("POST", "/2/chat/media/upload/1890000000000000006/append")
    );
    assert!(
        seen.content_type
            .as_deref()
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    assert!(
        String::from_utf8_lossy(&seen.body)
            .contains("name=\"media_hash_key\"\r\n\r\na1b2c3d4e5\r\n")
    );

    let finalize =
        json!({ "conversation_id": DIRECT, "media_hash_key": "a1b2c3d4e5", "num_parts": "1" });
    wire!(
        "chatMediaUploadFinalize" / "200-finalized.json",
        |c| Request::<operations::ChatMediaUploadFinalize>::new(
            &c,
            "1890000000000000006",
            typed(&finalize)
        ),
        "POST",
        "/2/chat/media/upload/1890000000000000006/finalize",
        Some(finalize.clone())
    );

    let server = FaultServer::start(vec![Step::ok("\u{1}sealed bytes")]).await;
    let download = quick_client(&server.base_url)
        .download_chat_media(DIRECT, "a1b2c3d4e5")
        .send()
        .await
        .unwrap();
    assert_eq!(&download.bytes[..], b"\x01sealed bytes");
    assert_eq!(
        server.seen()[0].target,
        format!("/2/chat/media/{DIRECT}/a1b2c3d4e5")
    );
}
