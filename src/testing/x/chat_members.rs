//! Group membership: members added (which approves a pending join request)
//! and removed (the account's own id leaves), admins added and removed.

use axum::response::Response;
use serde_json::Value;

use super::chat_common::{
    admins_only, body_of, conversation_of, each_user, flag, id_list, refuse_field, strings,
};
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::x::operations::{
    AddChatGroupAdmins, AddChatGroupMembers, RemoveChatGroupAdmins, RemoveChatGroupMembers,
};
use crate::x::types::{
    AddChatGroupMembersRequest, ChatGroupUsersRequest, RemoveChatGroupMembersRequest,
};

pub(super) const ADD_MEMBERS: Route = Route {
    operation: AddChatGroupMembers::operation,
    serve: add_members,
    tokens: None,
};

pub(super) const REMOVE_MEMBERS: Route = Route {
    operation: RemoveChatGroupMembers::operation,
    serve: remove_members,
    tokens: None,
};

pub(super) const ADD_ADMINS: Route = Route {
    operation: AddChatGroupAdmins::operation,
    serve: add_admins,
    tokens: None,
};

pub(super) const REMOVE_ADMINS: Route = Route {
    operation: RemoveChatGroupAdmins::operation,
    serve: remove_admins,
    tokens: None,
};

/// The group the call names, if it is a group the fake has.
fn group(shared: &Shared, call: &Call) -> Result<String, Box<Response>> {
    let id = conversation_of(shared, call)?;
    if id.starts_with('g') {
        Ok(id)
    } else {
        Err(Box::new(refuse_field(
            call,
            "id",
            Some(id),
            "names a 1:1 conversation, which has no members to change",
        )))
    }
}

/// Rewrites the id lists `keys` of the group with `change`.
fn edit(shared: &Shared, id: &str, keys: &[&str], change: impl Fn(&mut Vec<String>)) {
    shared.store.write(|data| {
        if let Some(group) = data.chat_mut().0.conversation_mut(id) {
            for key in keys {
                let mut ids = strings(group, key);
                change(&mut ids);
                group[*key] = id_list(&ids);
            }
        }
    });
}

fn add_members(shared: &Shared, call: &Call) -> Response {
    let id = match group(shared, call) {
        Ok(id) => id,
        Err(refused) => return *refused,
    };
    let request: AddChatGroupMembersRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    let restricted = data
        .chat_conversation(&id)
        .and_then(|c| c.pointer("/admin_settings/add_member"))
        == Some(&Value::Bool(true));
    if restricted && !data.chat().is_admin(&id, data.account_id()) {
        return admins_only(&id);
    }
    if let Err(refused) = each_user(
        call,
        &request.user_ids,
        |u| data.user(u).is_some(),
        "names no user",
    ) {
        return *refused;
    }
    let users = request.user_ids.clone();
    edit(shared, &id, &["member_ids", "participant_ids"], |ids| {
        ids.extend(
            users
                .iter()
                .filter(|u| !ids.contains(u))
                .cloned()
                .collect::<Vec<_>>(),
        );
    });
    edit(shared, &id, &["pending_member_ids"], |ids| {
        ids.retain(|u| !users.contains(u))
    });
    if let Some(version) = &request.conversation_key_version {
        let version = version.clone();
        let group = id.clone();
        shared.store.write(|data| {
            data.chat_mut()
                .0
                .key_events
                .entry(group)
                .or_default()
                .push(version)
        });
    }
    flag("added", true)
}

fn remove_members(shared: &Shared, call: &Call) -> Response {
    let id = match group(shared, call) {
        Ok(id) => id,
        Err(refused) => return *refused,
    };
    let request: RemoveChatGroupMembersRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    let me = data.account_id().to_owned();
    let leaving = request.user_ids == [me.clone()];
    if !leaving && !data.chat().is_admin(&id, &me) {
        return admins_only(&id);
    }
    let users = request.user_ids.clone();
    edit(
        shared,
        &id,
        &["member_ids", "participant_ids", "admin_ids"],
        |ids| ids.retain(|u| !users.contains(u)),
    );
    flag("removed", true)
}

/// Admin changes: by an admin, to members of the group.
fn admins(shared: &Shared, call: &Call, add: bool) -> Response {
    let id = match group(shared, call) {
        Ok(id) => id,
        Err(refused) => return *refused,
    };
    let request: ChatGroupUsersRequest = match body_of(call) {
        Ok(request) => request,
        Err(refused) => return *refused,
    };
    let data = shared.store.snapshot();
    if !data.chat().is_admin(&id, data.account_id()) {
        return admins_only(&id);
    }
    let members = data
        .chat_conversation(&id)
        .map(|g| strings(g, "member_ids"))
        .unwrap_or_default();
    if let Err(refused) = each_user(
        call,
        &request.user_ids,
        |u| members.contains(u),
        "is not a member of the group",
    ) {
        return *refused;
    }
    let users = request.user_ids.clone();
    edit(shared, &id, &["admin_ids"], |ids| {
        if add {
            ids.extend(
                users
                    .iter()
                    .filter(|u| !ids.contains(u))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        } else {
            ids.retain(|u| !users.contains(u));
        }
    });
    if add {
        flag("added", true)
    } else {
        flag("removed", true)
    }
}

fn add_admins(shared: &Shared, call: &Call) -> Response {
    admins(shared, call, true)
}

fn remove_admins(shared: &Shared, call: &Call) -> Response {
    admins(shared, call, false)
}
