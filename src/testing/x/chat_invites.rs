//! A group's invite link: turned on (with the link the client built) and
//! off, previewed by its token, and the join requests it leads to, which an
//! admin rejects or approves by adding the user.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::chat_common::{
    admins_only, body_of, conversation_of, each_user, flag, id_list, refuse_field, strings,
};
use super::not_found;
use super::shape::select;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::{
    CreateChatGroupJoinRequest, DisableChatGroupInvite, EnableChatGroupInvite, GetChatGroupInvite,
    RejectChatGroupJoinRequests,
};
use crate::x::params;
use crate::x::types::{
    ChatActionRequest, ChatGroupUsersRequest, CreateChatGroupJoinRequestRequest,
    EnableChatGroupInviteRequest,
};

pub(super) const ENABLE: Route = Route {
    operation: EnableChatGroupInvite::operation,
    serve: enable,
    tokens: None,
};

pub(super) const DISABLE: Route = Route {
    operation: DisableChatGroupInvite::operation,
    serve: disable,
    tokens: None,
};

pub(super) const PREVIEW: Route = Route {
    operation: GetChatGroupInvite::operation,
    serve: preview,
    tokens: None,
};

pub(super) const JOIN: Route = Route {
    operation: CreateChatGroupJoinRequest::operation,
    serve: join,
    tokens: None,
};

pub(super) const REJECT_JOINS: Route = Route {
    operation: RejectChatGroupJoinRequests::operation,
    serve: reject_joins,
    tokens: None,
};

/// What a preview says of a group, from its invite and its object.
fn invite_of(group: &Value, id: &str, me: &str) -> Option<Value> {
    let invite = group.get("invite")?;
    let members = strings(group, "member_ids");
    let state = if members.iter().any(|m| m == me) {
        "member"
    } else if strings(group, "pending_member_ids").iter().any(|m| m == me) {
        "requested"
    } else {
        "not_member"
    };
    let mut preview = json!({
        "conversation_id": id,
        "invite_url": invite.get("invite_url"),
        "token": invite.get("token"),
        "member_count": members.len(),
        "join_state": state,
    });
    for key in [
        "expires_at",
        "welcome_message",
        "group_name",
        "group_avatar_url",
    ] {
        if let Some(value) = invite.get(key).filter(|v| !v.is_null()) {
            preview[key] = value.clone();
        }
    }
    Some(preview)
}

fn enable(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let request: EnableChatGroupInviteRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    let me = data.account_id().to_owned();
    if !data.chat().is_admin(&id, &me) {
        return admins_only(&id);
    }
    let url = match &request.invite_url {
        Some(url) if !url.contains(&format!("/{id}/")) => {
            return refuse_field(
                call,
                "invite_url",
                Some(url.clone()),
                "must name the path's conversation",
            );
        }
        Some(url) => url.clone(),
        None if !request.action_signatures.is_empty() => {
            return refuse_field(
                call,
                "invite_url",
                None,
                "is required with action_signatures",
            );
        }
        // X builds a link of its own; the fake's token is the group id's
        // last ten digits.
        None => {
            let digits = id.trim_start_matches('g');
            let tail = &digits[digits.len().saturating_sub(10)..];
            format!("https://x.com/i/chat/group_join/{id}/{tail:0>10}")
        }
    };
    let token = url.rsplit('/').next().unwrap_or_default().to_owned();
    let preview = shared.store.write(|data| {
        let (chat, _) = data.chat_mut();
        let group = chat.conversation_mut(&id)?;
        let mut invite = json!({ "invite_url": url, "token": token, "admin_user_id": me });
        for (key, value) in [
            ("welcome_message", &request.welcome_message),
            ("group_name", &request.decrypted_title),
            ("group_avatar_url", &request.decrypted_avatar_url),
        ] {
            if let Some(value) = value {
                invite[key] = json!(value);
            }
        }
        group["invite"] = invite;
        invite_of(group, &id, &me)
    });
    json_response(StatusCode::OK, &json!({ "data": preview }))
}

fn disable(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    if let Err(refused) = body_of::<ChatActionRequest>(call) {
        return *refused;
    }
    let data = shared.store.snapshot();
    if !data.chat().is_admin(&id, data.account_id()) {
        return admins_only(&id);
    }
    let disabled = shared.store.write(|data| {
        data.chat_mut()
            .0
            .conversation_mut(&id)
            .and_then(|group| group.as_object_mut()?.remove("invite"))
            .is_some()
    });
    flag("disabled", disabled)
}

/// The group behind a live invite token, and the preview it shows.
fn live_invite(
    shared: &Shared,
    call: &Call,
    token: &str,
) -> Result<(String, Value), Box<Response>> {
    let id = conversation_of(shared, call)?;
    let data = shared.store.snapshot();
    let group = data.chat_conversation(&id);
    let preview = group
        .filter(|g| g.pointer("/invite/token").and_then(Value::as_str) == Some(token))
        .and_then(|g| invite_of(g, &id, data.account_id()));
    preview
        .map(|preview| (id, preview))
        .ok_or_else(|| Box::new(not_found("invite", params::TOKEN, token)))
}

fn preview(shared: &Shared, call: &Call) -> Response {
    let token = call.value(params::TOKEN).unwrap_or_default();
    match live_invite(shared, call, token) {
        Ok((_, preview)) => {
            let known = [call.allowed(params::CHAT_GROUP_INVITE_FIELDS)];
            let fields = call.list(params::CHAT_GROUP_INVITE_FIELDS);
            let everything: Vec<&str> = known[0].to_vec();
            let wanted = if fields.is_empty() {
                &everything
            } else {
                &fields
            };
            json_response(
                StatusCode::OK,
                &json!({ "data": select(&preview, &known, &[], wanted) }),
            )
        }
        Err(missing) => *missing,
    }
}

fn join(shared: &Shared, call: &Call) -> Response {
    let request: CreateChatGroupJoinRequestRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let id = match live_invite(shared, call, &request.token) {
        Ok((id, _)) => id,
        Err(missing) => return *missing,
    };
    let requested = shared.store.write(|data| {
        let me = data.account_id().to_owned();
        let group = data.chat_mut().0.conversation_mut(&id)?;
        let mut pending = strings(group, "pending_member_ids");
        if strings(group, "member_ids").contains(&me) {
            return Some(false);
        }
        if !pending.contains(&me) {
            pending.push(me);
        }
        group["pending_member_ids"] = id_list(&pending);
        Some(true)
    });
    flag("requested", requested.unwrap_or(false))
}

fn reject_joins(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let request: ChatGroupUsersRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    if !data.chat().is_admin(&id, data.account_id()) {
        return admins_only(&id);
    }
    let pending = data
        .chat_conversation(&id)
        .map(|g| strings(g, "pending_member_ids"))
        .unwrap_or_default();
    if let Err(refused) = each_user(
        call,
        &request.user_ids,
        |u| pending.contains(u),
        "has no pending join request",
    ) {
        return *refused;
    }
    shared.store.write(|data| {
        if let Some(group) = data.chat_mut().0.conversation_mut(&id) {
            let left: Vec<String> = pending
                .iter()
                .filter(|u| !request.user_ids.contains(u))
                .cloned()
                .collect();
            group["pending_member_ids"] = id_list(&left);
        }
    });
    flag("rejected", true)
}
