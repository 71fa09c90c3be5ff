//! Creating groups (an id reserved by `initializeChatGroup`, then
//! `createChatConversation`), and changing them: the encrypted name, avatar
//! and description, and which actions only admins may take.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::chat_common::{admins_only, body_of, conversation_of, flag, id_list, refuse_field};
use crate::testing::Shared;
use crate::testing::chat::merge;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::{
    CreateChatConversation, InitializeChatGroup, UpdateChatGroup, UpdateChatGroupAdminSettings,
};
use crate::x::types::{
    ChatGroupModifiedField, CreateChatConversationRequest, UpdateChatGroupAdminSettingsRequest,
    UpdateChatGroupRequest,
};

pub(super) const INITIALIZE: Route = Route {
    operation: InitializeChatGroup::operation,
    serve: initialize,
    tokens: None,
};

pub(super) const CREATE: Route = Route {
    operation: CreateChatConversation::operation,
    serve: create,
    tokens: None,
};

pub(super) const UPDATE: Route = Route {
    operation: UpdateChatGroup::operation,
    serve: update,
    tokens: None,
};

pub(super) const ADMIN_SETTINGS: Route = Route {
    operation: UpdateChatGroupAdminSettings::operation,
    serve: admin_settings,
    tokens: None,
};

fn initialize(shared: &Shared, _: &Call) -> Response {
    let id = shared.store.write(|data| {
        let (chat, mut ids) = data.chat_mut();
        let id = format!("g{}", ids.next());
        chat.reserved.insert(id.clone());
        id
    });
    json_response(
        StatusCode::OK,
        &json!({ "data": { "conversation_id": id } }),
    )
}

fn create(shared: &Shared, call: &Call) -> Response {
    let request: CreateChatConversationRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let id = request.conversation_id.clone();
    if !shared.store.snapshot().chat().reserved.contains(&id) {
        return refuse_field(
            call,
            "conversation_id",
            Some(id),
            "was not handed out by initializeChatGroup",
        );
    }
    let me = shared.store.snapshot().account_id().to_owned();
    let mut members = vec![me.clone()];
    members.extend(request.group_members.iter().filter(|m| **m != me).cloned());
    let admins = if request.group_admins.is_empty() {
        vec![me.clone()]
    } else {
        request.group_admins.clone()
    };
    let sequence = shared.store.write(|data| {
        let (chat, mut ids) = data.chat_mut();
        let now = ids.now();
        let sequence = ids.next();
        chat.reserved.remove(&id);
        let ttl = request.ttl_msec.clone().unwrap_or_else(|| "0".to_owned());
        let mut group = json!({
            "id": id,
            "type": "group",
            "admin_ids": id_list(&admins),
            "member_ids": id_list(&members),
            "participant_ids": id_list(&members),
            "created_at": now,
            "updated_at": now,
            "is_muted": false,
            "is_archived": false,
            "unread": false,
            "message_ttl_msec": ttl,
            "message_ttl_ms": ttl.parse::<u64>().unwrap_or_default(),
            "screen_capture_blocking_enabled": false,
            "screen_capture_detection_enabled": false,
        });
        for (key, value) in [
            ("group_name", &request.group_name),
            ("group_avatar_url", &request.group_avatar_url),
            ("group_description", &request.group_description),
        ] {
            if let Some(value) = value {
                group[key] = json!(value);
            }
        }
        chat.conversations.insert(0, group);
        chat.events.insert(id.clone(), Vec::new());
        chat.key_events
            .insert(id.clone(), vec![request.conversation_key_version.clone()]);
        sequence
    });
    json_response(
        StatusCode::CREATED,
        &json!({ "data": { "conversation_id": id, "conversation_key_change_sequence_id": sequence } }),
    )
}

fn update(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let request: UpdateChatGroupRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let mut changes = Vec::new();
    for (index, field) in request.modified_fields.iter().enumerate() {
        let (key, value) = match field {
            ChatGroupModifiedField::GroupName => ("group_name", &request.group_name),
            ChatGroupModifiedField::GroupAvatarUrl => {
                ("group_avatar_url", &request.group_avatar_url)
            }
            ChatGroupModifiedField::GroupDescription => {
                ("group_description", &request.group_description)
            }
        };
        let Some(value) = value else {
            return refuse_field(
                call,
                &format!("modified_fields[{index}]"),
                Some(key.to_owned()),
                "names a value the body lacks",
            );
        };
        changes.push((key, value.clone()));
    }
    let data = shared.store.snapshot();
    let restricted = data
        .chat_conversation(&id)
        .and_then(|c| c.pointer("/admin_settings/edit_group_info"))
        == Some(&Value::Bool(true));
    if restricted && !data.chat().is_admin(&id, data.account_id()) {
        return admins_only(&id);
    }
    shared.store.write(|data| {
        let (chat, ids) = data.chat_mut();
        let now = ids.now();
        if let Some(group) = chat.conversation_mut(&id) {
            for (key, value) in changes {
                group[key] = json!(value);
            }
            group["group_description_key_version"] = json!(request.conversation_key_version);
            group["updated_at"] = json!(now);
        }
    });
    flag("updated", true)
}

fn admin_settings(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let request: UpdateChatGroupAdminSettingsRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let mut change = serde_json::to_value(&request).unwrap_or_default();
    if let Some(object) = change.as_object_mut() {
        object.remove("action_signatures");
    }
    let data = shared.store.snapshot();
    if !data.chat().is_admin(&id, data.account_id()) {
        return admins_only(&id);
    }
    shared.store.write(|data| {
        if let Some(group) = data.chat_mut().0.conversation_mut(&id) {
            merge(&mut group["admin_settings"], &change);
        }
    });
    flag("updated", true)
}
