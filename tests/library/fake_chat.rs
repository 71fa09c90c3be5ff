//! X Chat on the fake (`x_dm::testing::FakeX`): each write read back
//! through the operations that show it, and envelopes opened by a toy
//! decryptor plugged into the crate's decryption seam.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures::TryStreamExt;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use x_dm::engine::{Multipart, Request};
use x_dm::testing::{DEMO_CONVERSATION, FakeConfig, FakeX, TOY_KEY, TOY_MAGIC, toy_seal};
use x_dm::x::types::{
    ChatConversation, ChatConversationField, ChatMessageEventField, ChatMessageRequestField,
};
use x_dm::x::{Decryptor, Envelope, EnvelopeError, Opened, Relation, operations};
use x_dm::{Client, Error};

/// A group whose admin is the fake's account.
const MY_GROUP: &str = "g1690000000000000003";
/// A group the fake's account is only a member of.
const THEIR_GROUP: &str = "g1690000000000000004";
const ME: &str = "1234567890";
const PRIYA: &str = "1700000000000000003";
const JONAS: &str = "1700000000000000004";

/// Reads the fake's toy envelopes, and nothing else: what a real
/// decryptor (X's Chat XDK behind an adapter) would do with real ones.
struct ToyDecryptor;

impl Decryptor for ToyDecryptor {
    fn decrypt(&self, envelope: &Envelope<'_>) -> Result<Opened, EnvelopeError> {
        if envelope.key_version.is_some() && envelope.key_events.is_empty() {
            return Err(EnvelopeError::Decrypt("no key change events".into()));
        }
        let plaintext: Vec<u8> = match envelope.bytes.strip_prefix(TOY_MAGIC) {
            Some(sealed) => sealed.iter().map(|b| b ^ TOY_KEY).collect(),
            // Not sealed: an unencrypted event is its own plaintext.
            None => envelope.bytes.to_vec(),
        };
        // The fake's edits and deletions say what they act on as
        // `edit <id> <text>` and `delete <id>`, where X's Thrift events
        // carry it in their decrypted fields.
        let text = String::from_utf8_lossy(&plaintext).into_owned();
        let mut words = text.splitn(3, ' ');
        let relation = match (words.next(), words.next()) {
            (Some("edit"), Some(id)) => Some(Relation::Edits(id.to_owned())),
            (Some("delete"), Some(id)) => Some(Relation::Deletes(id.to_owned())),
            _ => None,
        };
        let opened = Opened::new(plaintext);
        Ok(match relation {
            Some(relation) => opened.with_relation(relation),
            None => opened,
        })
    }
}

fn client(fake: &FakeX) -> Client {
    Client::builder("fake-token")
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

fn typed<T: DeserializeOwned>(body: Value) -> T {
    serde_json::from_value(body).unwrap()
}

/// The conversation with the 2.173 read-state fields and the rest asked for.
async fn conversation(client: &Client, id: &str) -> ChatConversation {
    client
        .conversation(id)
        .fields([
            ChatConversationField::Unread,
            ChatConversationField::LastReadEventId,
            ChatConversationField::NewestEventId,
            ChatConversationField::IsMuted,
            ChatConversationField::IsArchived,
            ChatConversationField::MessageTtlMs,
            ChatConversationField::ScreenCaptureBlockingEnabled,
            ChatConversationField::Invite,
            ChatConversationField::PendingMemberIds,
            ChatConversationField::AdminSettings,
            ChatConversationField::GroupName,
        ])
        .expansions([
            x_dm::x::types::ChatConversationExpansion::AdminIds,
            x_dm::x::types::ChatConversationExpansion::MemberIds,
        ])
        .send()
        .await
        .unwrap()
        .into_items()
        .remove(0)
}

/// Every event field, as a caller who keeps whole envelopes asks.
fn all_event_fields() -> Vec<ChatMessageEventField> {
    ChatMessageEventField::VALUES
        .iter()
        .filter(|f| **f != "created_at_msec")
        .map(|f| f.parse().unwrap())
        .collect()
}

fn status(error: &Error) -> u16 {
    match error {
        Error::Api(api) => api.status,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_walk_of_events_yields_plaintext_through_the_decryptor() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let data = fake.dataset();
    let expected: Vec<&str> = data
        .events(DEMO_CONVERSATION)
        .unwrap()
        .iter()
        .filter(|e| e["event_type"] == "MessageCreate")
        .map(|e| e["text"].as_str().unwrap())
        .take(data.chat_events(DEMO_CONVERSATION).unwrap().len())
        .collect();
    let opened: Vec<_> = client
        .chat_events(DEMO_CONVERSATION)
        .max_results(25)
        .fields(all_event_fields())
        .decrypted(Arc::new(ToyDecryptor))
        .try_collect()
        .await
        .unwrap();
    let texts: Vec<String> = opened
        .iter()
        .map(|d| String::from_utf8(d.plaintext().unwrap().to_vec()).unwrap())
        .collect();
    assert_eq!(texts, expected);
    assert_eq!(fake.requests(), expected.len().div_ceil(25));
    // Nothing of the envelope is lost on the way: signature, token, links.
    let first = &opened[0].event;
    assert!(first.is_encrypted());
    assert!(
        first
            .message_event_signature
            .as_ref()
            .unwrap()
            .signature
            .is_some()
    );
    assert!(first.conversation_token.is_some());
    assert_eq!(first.is_trusted, Some(true));
    assert_eq!(first.previous_event_id(), opened[1].event.event_id());
    assert!(!String::from_utf8_lossy(&first.envelope().unwrap()).contains(&texts[0]));
}

#[tokio::test]
async fn edits_and_deletions_are_reachable_from_the_message_they_act_on() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let group = "g1690000000000000005";
    let walk: Vec<_> = client
        .chat_events(group)
        .max_results(2)
        .fields(all_event_fields())
        .decrypted(Arc::new(ToyDecryptor))
        .try_collect()
        .await
        .unwrap();
    let ids: Vec<&str> = walk.iter().map(|d| d.event.event_id().unwrap()).collect();
    let digits: u64 = group[1..].parse().unwrap();
    let id = |n: u64| (digits + n).to_string();
    assert_eq!(ids, [id(100), id(99), id(98), id(97), id(96)]);
    let relation = |at: usize| walk[at].opened.as_ref().unwrap().relation.clone();
    assert_eq!(relation(0), Some(Relation::Edits(id(98))));
    assert_eq!(relation(1), Some(Relation::Deletes(id(97))));
    // Across pages: the edit and the deletion came on the page before.
    assert_eq!(walk[2].edited_by, [id(100)]);
    assert_eq!(walk[3].deleted_by.as_deref(), Some(id(99).as_str()));
    assert!(walk[0].edited_by.is_empty() && walk[0].deleted_by.is_none());
    // An edit of a message the walk never reaches is kept, and marked.
    assert_eq!(relation(4), Some(Relation::Edits(id(1))));
    assert_eq!(
        walk[4].plaintext().map(<[u8]>::len),
        Some(format!("edit {} a message older than X keeps", id(1)).len())
    );
}

#[tokio::test]
async fn a_sent_message_comes_back_as_the_newest_event_exactly_as_sent() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let before = client.chat_events(DEMO_CONVERSATION).send().await.unwrap();
    let sealed = toy_seal(b"hello, chat");
    let sent = client
        .send_chat_message(
            "9876543210",
            typed(json!({ "message_id": "m-1", "encoded_message_create_event": sealed, "conversation_token": "dG9r" })),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(sent.items()[0].encoded_message_event, sealed);

    let page = client
        .chat_events(DEMO_CONVERSATION)
        .fields(all_event_fields())
        .send()
        .await
        .unwrap();
    let newest = &page.items()[0];
    assert_eq!(newest.encoded_event, sealed, "the envelope as sent");
    assert_eq!(newest.sender_id.as_deref(), Some(ME));
    assert_eq!(newest.previous_id, before.items()[0].id);
    assert_eq!(newest.conversation_token.as_deref(), Some("dG9r"));
    // The send named no key version; the envelope still opens as the toy
    // seal it is.
    assert!(!newest.is_encrypted());
    assert_eq!(
        newest.decrypt(&ToyDecryptor, &[]).unwrap().plaintext,
        b"hello, chat"
    );
    let state = conversation(&client, DEMO_CONVERSATION).await;
    assert_eq!(state.newest_event_id, newest.id);

    // Deleted for everyone, it is gone from later reads.
    let id = newest.id.clone().unwrap();
    Request::<operations::DeleteChatMessages>::new(
        &client,
        DEMO_CONVERSATION,
        typed(json!({ "delete_message_action": "delete_for_all", "sequence_ids": [id], "action_signatures": [] })),
    )
    .send()
    .await
    .unwrap();
    let after = client.chat_events(DEMO_CONVERSATION).send().await.unwrap();
    assert_eq!(after.items()[0].id, before.items()[0].id);
    // Someone else's message may only be deleted from the account's view.
    let theirs = client
        .chat_events(DEMO_CONVERSATION)
        .fields([ChatMessageEventField::SenderId])
        .send()
        .await
        .unwrap()
        .into_items()
        .into_iter()
        .find(|e| e.sender_id.as_deref() != Some(ME))
        .unwrap();
    let error = Request::<operations::DeleteChatMessages>::new(
        &client,
        DEMO_CONVERSATION,
        typed(json!({ "delete_message_action": "delete_for_all", "sequence_ids": [theirs.id], "action_signatures": [] })),
    )
    .send()
    .await
    .unwrap_err();
    assert_eq!(status(&error), 403);
}

#[tokio::test]
async fn read_state_mute_archive_ttl_and_screen_capture_round_trip() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let seeded = conversation(&client, DEMO_CONVERSATION).await;
    assert_eq!(seeded.unread, Some(true));
    assert_ne!(seeded.last_read_event_id, seeded.newest_event_id);

    client
        .mark_chat_read(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap();
    let read = conversation(&client, DEMO_CONVERSATION).await;
    assert_eq!(
        (read.unread, read.last_read_event_id.as_ref()),
        (Some(false), read.newest_event_id.as_ref())
    );
    client
        .mark_chat_unread(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap();
    assert_eq!(
        conversation(&client, DEMO_CONVERSATION).await.unread,
        Some(true)
    );
    client.chat_typing(DEMO_CONVERSATION).send().await.unwrap();

    assert!(
        client
            .mute_chat(DEMO_CONVERSATION)
            .send()
            .await
            .unwrap()
            .items()[0]
            .muted
    );
    client.archive_chat(DEMO_CONVERSATION).send().await.unwrap();
    let state = conversation(&client, DEMO_CONVERSATION).await;
    assert_eq!(
        (state.is_muted, state.is_archived),
        (Some(true), Some(true))
    );
    let archived = client
        .conversations()
        .is_archived(true)
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = archived.items().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [DEMO_CONVERSATION]);
    client.unmute_chat(DEMO_CONVERSATION).send().await.unwrap();
    client
        .unarchive_chat(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap();
    let state = conversation(&client, DEMO_CONVERSATION).await;
    assert_eq!(
        (state.is_muted, state.is_archived),
        (Some(false), Some(false))
    );

    Request::<operations::UpdateChatConversationMessageTtl>::new(
        &client,
        DEMO_CONVERSATION,
        typed(json!({ "message_ttl_ms": "3600000" })),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        conversation(&client, DEMO_CONVERSATION)
            .await
            .message_ttl_ms,
        Some(3_600_000)
    );
    Request::<operations::DeleteChatConversationMessageTtl>::new(
        &client,
        DEMO_CONVERSATION,
        Default::default(),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        conversation(&client, DEMO_CONVERSATION)
            .await
            .message_ttl_ms,
        Some(0)
    );
    Request::<operations::UpdateChatConversationScreenCapture>::new(
        &client,
        DEMO_CONVERSATION,
        typed(json!({ "blocking": true })),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        conversation(&client, DEMO_CONVERSATION)
            .await
            .screen_capture_blocking_enabled,
        Some(true)
    );
    // In someone else's group only admins change it.
    let error = Request::<operations::UpdateChatConversationScreenCapture>::new(
        &client,
        THEIR_GROUP,
        typed(json!({ "detection": false })),
    )
    .send()
    .await
    .unwrap_err();
    assert_eq!(status(&error), 403);
}

#[tokio::test]
async fn the_inbox_filters_by_kind_participants_and_latest_message_time() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let data = fake.dataset();
    let ids = |page: &x_dm::Page<ChatConversation>| -> Vec<String> {
        page.items().iter().map(|c| c.id.clone()).collect()
    };
    let groups = client.conversations().kind("group").send().await.unwrap();
    assert!(groups.items().iter().all(|c| c.id.starts_with('g')));
    assert!(!groups.items().is_empty());
    let ada = "1582103724607971328";
    let with_ada = client
        .conversations()
        .participant_ids([ada])
        .send()
        .await
        .unwrap();
    assert!(!with_ada.items().is_empty());
    for id in ids(&with_ada) {
        let conversation = data
            .chat_conversations()
            .iter()
            .find(|c| c["id"] == id.as_str())
            .unwrap();
        assert!(
            conversation["participant_ids"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p == ada)
        );
    }
    let latest = |id: &str| {
        data.chat_events(id).unwrap()[0]["created_at"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let demo_latest = latest(DEMO_CONVERSATION);
    let since = client
        .conversations()
        .start_time(demo_latest.clone())
        .send()
        .await
        .unwrap();
    assert!(ids(&since).contains(&DEMO_CONVERSATION.to_owned()));
    for id in ids(&since) {
        assert!(latest(&id) >= demo_latest, "{id}");
    }
    let before = client
        .conversations()
        .end_time(demo_latest.clone())
        .send()
        .await
        .unwrap();
    assert!(!ids(&before).contains(&DEMO_CONVERSATION.to_owned()));
    // Each conversation with a message is on exactly one side of the bound.
    let dated = data
        .chat_conversations()
        .iter()
        .filter(|c| {
            data.chat_events(c["id"].as_str().unwrap())
                .is_some_and(|e| !e.is_empty())
        })
        .count();
    assert_eq!(ids(&since).len() + ids(&before).len(), dated);
}

#[tokio::test]
async fn membership_admins_and_their_requests_round_trip() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let group = conversation(&client, MY_GROUP).await;
    assert_eq!(group.pending_member_ids, [JONAS]);

    // Adding a user with a pending join request approves it.
    client
        .add_chat_members(
            MY_GROUP,
            typed(json!({ "user_ids": [JONAS], "conversation_key_version": "2" })),
        )
        .send()
        .await
        .unwrap();
    let group = conversation(&client, MY_GROUP).await;
    assert!(group.member_ids.iter().any(|m| m == JONAS));
    assert!(group.pending_member_ids.is_empty());
    let keys = client.chat_events(MY_GROUP).send().await.unwrap();
    assert_eq!(
        keys.meta()
            .conversation_key_events
            .last()
            .map(String::as_str),
        Some("2")
    );

    Request::<operations::AddChatGroupAdmins>::new(
        &client,
        MY_GROUP,
        typed(json!({ "user_ids": [JONAS] })),
    )
    .send()
    .await
    .unwrap();
    assert!(
        conversation(&client, MY_GROUP)
            .await
            .admin_ids
            .iter()
            .any(|a| a == JONAS)
    );
    Request::<operations::RemoveChatGroupAdmins>::new(
        &client,
        MY_GROUP,
        typed(json!({ "user_ids": [JONAS] })),
    )
    .send()
    .await
    .unwrap();
    client
        .remove_chat_members(MY_GROUP, typed(json!({ "user_ids": [JONAS] })))
        .send()
        .await
        .unwrap();
    let group = conversation(&client, MY_GROUP).await;
    assert!(!group.member_ids.iter().any(|m| m == JONAS));
    assert!(!group.admin_ids.iter().any(|a| a == JONAS));

    // PRIYA asked to become an admin; approving makes her one.
    let requests = Request::<operations::GetChatGroupAdminRequests>::new(&client, MY_GROUP)
        .send()
        .await
        .unwrap();
    assert_eq!(
        requests
            .items()
            .iter()
            .map(|u| u.id.as_str())
            .collect::<Vec<_>>(),
        [PRIYA]
    );
    Request::<operations::ApproveChatGroupAdminRequest>::new(
        &client,
        MY_GROUP,
        PRIYA,
        Default::default(),
    )
    .send()
    .await
    .unwrap();
    assert!(
        conversation(&client, MY_GROUP)
            .await
            .admin_ids
            .iter()
            .any(|a| a == PRIYA)
    );
    let requests = Request::<operations::GetChatGroupAdminRequests>::new(&client, MY_GROUP)
        .send()
        .await
        .unwrap();
    assert!(requests.items().is_empty());
    let error = Request::<operations::RejectChatGroupAdminRequest>::new(
        &client,
        MY_GROUP,
        PRIYA,
        Default::default(),
    )
    .send()
    .await
    .unwrap_err();
    assert_eq!(status(&error), 404, "no request left to reject");

    // In a group the account does not administer: asking works, deciding does not.
    assert!(
        Request::<operations::CreateChatGroupAdminRequest>::new(
            &client,
            THEIR_GROUP,
            Default::default()
        )
        .send()
        .await
        .unwrap()
        .items()[0]
            .requested
    );
    let error = Request::<operations::AddChatGroupAdmins>::new(
        &client,
        THEIR_GROUP,
        typed(json!({ "user_ids": [ME] })),
    )
    .send()
    .await
    .unwrap_err();
    assert_eq!(status(&error), 403);
    // Leaving is the account removing itself.
    client
        .remove_chat_members(THEIR_GROUP, typed(json!({ "user_ids": [ME] })))
        .send()
        .await
        .unwrap();
    assert!(
        !conversation(&client, THEIR_GROUP)
            .await
            .member_ids
            .iter()
            .any(|m| m == ME)
    );
}

#[tokio::test]
async fn a_rejected_admin_request_is_gone_and_a_new_key_reaches_the_event_pages() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    Request::<operations::RejectChatGroupAdminRequest>::new(
        &client,
        MY_GROUP,
        PRIYA,
        Default::default(),
    )
    .send()
    .await
    .unwrap();
    let requests = Request::<operations::GetChatGroupAdminRequests>::new(&client, MY_GROUP)
        .send()
        .await
        .unwrap();
    assert!(requests.items().is_empty());
    assert!(
        !conversation(&client, MY_GROUP)
            .await
            .admin_ids
            .iter()
            .any(|a| a == PRIYA)
    );

    let before = client.chat_events(DEMO_CONVERSATION).send().await.unwrap();
    let rotation = toy_seal(b"key rotation 2");
    let added = Request::<operations::AddConversationKeys>::new(
        &client,
        "9876543210",
        typed(json!({ "conversation_key_version": "2", "conversation_participant_keys": [], "base64_encoded_key_rotation": rotation })),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        added.items()[0].conversation_id.as_deref(),
        Some(DEMO_CONVERSATION)
    );
    let after = client.chat_events(DEMO_CONVERSATION).send().await.unwrap();
    let mut expected = before.meta().conversation_key_events.clone();
    expected.push(rotation);
    assert_eq!(after.meta().conversation_key_events, expected);
}

#[tokio::test]
async fn invites_join_requests_and_new_groups_round_trip() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let url = format!("https://x.com/i/chat/group_join/{MY_GROUP}/Zz9_aa-Bb1");
    Request::<operations::EnableChatGroupInvite>::new(
        &client,
        MY_GROUP,
        typed(json!({ "invite_url": url, "welcome_message": "hi" })),
    )
    .send()
    .await
    .unwrap();
    let preview = Request::<operations::GetChatGroupInvite>::new(&client, MY_GROUP, "Zz9_aa-Bb1")
        .send()
        .await
        .unwrap();
    let preview = &preview.items()[0];
    assert_eq!(
        (
            preview.join_state.as_deref(),
            preview.member_count,
            preview.welcome_message.as_deref()
        ),
        (Some("member"), Some(3), Some("hi"))
    );
    // The old link stopped working when the new one was made.
    let error = Request::<operations::GetChatGroupInvite>::new(&client, MY_GROUP, "Bookclub01")
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&error), 404);
    let joined = Request::<operations::CreateChatGroupJoinRequest>::new(
        &client,
        MY_GROUP,
        typed(json!({ "token": "Zz9_aa-Bb1" })),
    )
    .send()
    .await
    .unwrap();
    assert!(!joined.items()[0].requested, "already a member");
    Request::<operations::RejectChatGroupJoinRequests>::new(
        &client,
        MY_GROUP,
        typed(json!({ "user_ids": [JONAS] })),
    )
    .send()
    .await
    .unwrap();
    assert!(
        conversation(&client, MY_GROUP)
            .await
            .pending_member_ids
            .is_empty()
    );
    Request::<operations::DisableChatGroupInvite>::new(&client, MY_GROUP, Default::default())
        .send()
        .await
        .unwrap();
    assert!(conversation(&client, MY_GROUP).await.invite.is_none());
    // Without a link of the client's, X makes one.
    let made =
        Request::<operations::EnableChatGroupInvite>::new(&client, MY_GROUP, Default::default())
            .send()
            .await
            .unwrap();
    assert_eq!(made.items()[0].token.as_deref(), Some("0000000003"));

    Request::<operations::UpdateChatGroupAdminSettings>::new(
        &client,
        MY_GROUP,
        typed(json!({ "send_message": true })),
    )
    .send()
    .await
    .unwrap();
    let settings = conversation(&client, MY_GROUP)
        .await
        .admin_settings
        .unwrap();
    assert_eq!(
        (settings.send_message, settings.edit_group_info),
        (Some(true), Some(true)),
        "the rest kept"
    );
    Request::<operations::UpdateChatGroup>::new(&client, MY_GROUP, typed(json!({ "conversation_key_version": "5", "modified_fields": ["group_name"], "group_name": "bmV3" })))
        .send()
        .await
        .unwrap();
    assert_eq!(
        conversation(&client, MY_GROUP).await.group_name.as_deref(),
        Some("bmV3")
    );

    let reserved = Request::<operations::InitializeChatGroup>::new(&client)
        .send()
        .await
        .unwrap();
    let id = reserved.items()[0].conversation_id.clone();
    let create = json!({ "conversation_id": id, "conversation_key_version": "1", "conversation_participant_keys": [], "group_members": [PRIYA, JONAS] });
    Request::<operations::CreateChatConversation>::new(&client, typed(create.clone()))
        .send()
        .await
        .unwrap();
    let group = conversation(&client, &id).await;
    assert_eq!(group.member_ids, [ME, PRIYA, JONAS]);
    assert_eq!(group.admin_ids, [ME]);
    let error = Request::<operations::CreateChatConversation>::new(&client, typed(create))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&error), 400, "an id is good for one group");
}

#[tokio::test]
async fn message_requests_are_listed_accepted_once_and_deleted() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    let known: Vec<_> = client
        .chat_message_requests()
        .max_results(1)
        .fields([
            ChatMessageRequestField::ConversationId,
            ChatMessageRequestField::MessageEvents,
        ])
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(known.len(), 2);
    assert_eq!(fake.requests(), 2, "one a page, numeric tokens");
    let hidden = client
        .chat_message_requests()
        .inbox_type("low_quality")
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.items().len(), 1);
    let preview = known[0].envelopes().unwrap();
    assert_eq!(&preview[0][..4], TOY_MAGIC);

    let id = known[0].conversation_id.clone().unwrap();
    let detail = Request::<operations::GetChatMessageRequest>::new(&client, &id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        detail.items()[0].message_request_state.as_deref(),
        Some("received")
    );
    client
        .accept_chat_message_request(&id)
        .send()
        .await
        .unwrap();
    let detail = Request::<operations::GetChatMessageRequest>::new(&client, &id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        detail.items()[0].message_request_state.as_deref(),
        Some("none")
    );
    assert!(
        client
            .conversations()
            .send()
            .await
            .unwrap()
            .items()
            .iter()
            .any(|c| c.id == id)
    );
    let error = client
        .accept_chat_message_request(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&error), 404, "no request pending after an accept");

    // Deleting a pending request's conversation deletes the request (2.173).
    let other = known[1].conversation_id.clone().unwrap();
    Request::<operations::DeleteChatConversation>::new(&client, &other, Default::default())
        .send()
        .await
        .unwrap();
    let left = client.chat_message_requests().send().await.unwrap();
    assert!(left.items().is_empty());
}

#[tokio::test]
async fn settings_keys_blocks_and_media_round_trip() {
    let fake = FakeX::start().await.unwrap();
    let client = client(&fake);
    Request::<operations::UpdateChatSettings>::new(&client, typed(json!({ "allow_dms_from": "verified", "av_settings": { "av_call_permissions": { "accept_calls_from_everyone": true } } })))
        .send()
        .await
        .unwrap();
    let settings = client
        .chat_settings()
        .send()
        .await
        .unwrap()
        .into_items()
        .remove(0);
    assert_eq!(settings.allow_dms_from.as_deref(), Some("verified"));
    assert_eq!(
        settings.dm_receipt_settings.as_deref(),
        Some("all_enabled"),
        "kept"
    );
    let calls = settings.av_settings.unwrap().av_call_permissions.unwrap();
    assert_eq!(
        (
            calls.accept_calls_from_everyone,
            calls.accept_calls_from_following
        ),
        (Some(true), Some(true))
    );

    let added = Request::<operations::AddUserPublicKey>::new(
        &client,
        ME,
        typed(json!({ "public_key": { "public_key": "bmV3" } })),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(added.items()[0].public_key_version.as_deref(), Some("2"));
    let keys = client.public_keys([ME, "9876543210"]).send().await.unwrap();
    let versions: Vec<_> = keys
        .items()
        .iter()
        .map(|k| k.public_key_version.as_deref().unwrap())
        .collect();
    assert_eq!(versions, ["1", "2", "1"]);
    let error = Request::<operations::AddUserPublicKey>::new(
        &client,
        "9876543210",
        typed(json!({ "public_key": {} })),
    )
    .send()
    .await
    .unwrap_err();
    assert_eq!(status(&error), 403, "only the account's own keys");

    assert!(client.block_dms("9876543210").send().await.unwrap().items()[0].blocked);
    assert!(
        !client
            .unblock_dms("9876543210")
            .send()
            .await
            .unwrap()
            .items()[0]
            .blocked
    );

    let sealed = b"\x00\x01sealed media bytes".to_vec();
    let init = Request::<operations::ChatMediaUploadInitialize>::new(
        &client,
        typed(json!({ "conversation_id": DEMO_CONVERSATION, "total_bytes": sealed.len() })),
    )
    .send()
    .await
    .unwrap()
    .into_items()
    .remove(0);
    for (index, chunk) in sealed.chunks(10).enumerate() {
        let segment = Multipart::new()
            .text("conversation_id", DEMO_CONVERSATION)
            .text("media_hash_key", init.media_hash_key.clone())
            .text("segment_index", index.to_string())
            .file(
                "media",
                "segment.bin",
                "application/octet-stream",
                chunk.to_vec(),
            );
        Request::<operations::ChatMediaUploadAppend>::new(&client, &init.session_id, segment)
            .send()
            .await
            .unwrap();
    }
    let short = Request::<operations::ChatMediaUploadFinalize>::new(&client, &init.session_id, typed(json!({ "conversation_id": DEMO_CONVERSATION, "media_hash_key": init.media_hash_key, "num_parts": "1" })))
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&short), 400);
    Request::<operations::ChatMediaUploadFinalize>::new(&client, &init.session_id, typed(json!({ "conversation_id": DEMO_CONVERSATION, "media_hash_key": init.media_hash_key, "num_parts": "2" })))
        .send()
        .await
        .unwrap();
    let download = client
        .download_chat_media(DEMO_CONVERSATION, &init.media_hash_key)
        .send()
        .await
        .unwrap();
    assert_eq!(download.bytes.to_vec(), sealed);
    assert_eq!(STANDARD.encode(&download.bytes), STANDARD.encode(&sealed));
}

#[tokio::test]
async fn fields_2_173_dropped_are_taken_by_default_and_refused_by_a_strict_server() {
    let lenient = FakeX::start().await.unwrap();
    let strict = FakeX::start_with(FakeConfig::default().strict())
        .await
        .unwrap();
    let events = lenient.dataset().chat_events(DEMO_CONVERSATION).unwrap()[1]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for fake in [&lenient, &strict] {
        let client = client(fake);
        let read = client
            .mark_chat_read_until(DEMO_CONVERSATION, &events)
            .send()
            .await;
        let key = Request::<operations::AddUserPublicKey>::new(
            &client,
            ME,
            typed(json!({ "public_key": { "public_key": "cHVi" }, "version": "7" })),
        )
        .send()
        .await;
        if std::ptr::eq(fake, &strict) {
            assert_eq!(status(&read.unwrap_err()), 400);
            assert_eq!(status(&key.unwrap_err()), 400);
            // The 2.173 forms are fine.
            client
                .mark_chat_read(DEMO_CONVERSATION)
                .send()
                .await
                .unwrap();
        } else {
            read.unwrap();
            assert_eq!(
                key.unwrap().items()[0].public_key_version.as_deref(),
                Some("7")
            );
            let state = conversation(&client, DEMO_CONVERSATION).await;
            assert_eq!(state.last_read_event_id.as_deref(), Some(events.as_str()));
        }
    }
}
