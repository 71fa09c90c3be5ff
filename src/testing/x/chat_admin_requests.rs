//! Admin requests of a group: listed (to admins, as users), made by the
//! account, approved (the user becomes an admin) or rejected.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::chat_common::{admins_only, body_of, conversation_of, flag, id_list, strings};
use super::not_found;
use super::refuse;
use super::shape::select;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::paging::slice;
use crate::testing::server::{Route, json_response};
use crate::x::operations::{
    ApproveChatGroupAdminRequest, CreateChatGroupAdminRequest, GetChatGroupAdminRequests,
    RejectChatGroupAdminRequest,
};
use crate::x::params;
use crate::x::types::ChatActionRequest;

pub(super) const LIST: Route = Route {
    operation: GetChatGroupAdminRequests::operation,
    serve: list,
    tokens: Some(TOKENS),
};

pub(super) const CREATE: Route = Route {
    operation: CreateChatGroupAdminRequest::operation,
    serve: create,
    tokens: None,
};

pub(super) const APPROVE: Route = Route {
    operation: ApproveChatGroupAdminRequest::operation,
    serve: |shared, call| decide(shared, call, true),
    tokens: None,
};

pub(super) const REJECT: Route = Route {
    operation: RejectChatGroupAdminRequest::operation,
    serve: |shared, call| decide(shared, call, false),
    tokens: None,
};

const TOKENS: &str = "CHAR";

/// X documents no page size here; the fake pages by ten.
const PAGE: usize = 10;

fn list(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    let data = shared.store.snapshot();
    if !data.chat().is_admin(&id, data.account_id()) {
        return admins_only(&id);
    }
    let requesters = data
        .chat()
        .admin_requests
        .get(&id)
        .cloned()
        .unwrap_or_default();
    let Some(slice) = slice(call.cursor, PAGE, requesters.len()) else {
        return refuse(call.operation, &call.token_refused());
    };
    let known = [call.allowed(params::USER_FIELDS)];
    let fields = call.list(params::USER_FIELDS);
    let users: Vec<Value> = requesters[slice.start..slice.end]
        .iter()
        .filter_map(|user| data.user(user))
        .map(|user| select(user, &known, &["id", "name", "username"], &fields))
        .collect();
    let mut body = Map::new();
    let mut meta = json!({ "result_count": users.len(), "total_count": requesters.len() });
    if let Some(next) = slice.next {
        meta["next_token"] = json!(next.encode(TOKENS));
    }
    if !users.is_empty() {
        body.insert("data".into(), Value::Array(users));
    }
    body.insert("meta".into(), meta);
    json_response(StatusCode::OK, &Value::Object(body))
}

fn create(shared: &Shared, call: &Call) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    if let Err(refused) = body_of::<ChatActionRequest>(call) {
        return *refused;
    }
    let requested = shared.store.write(|data| {
        let me = data.account_id().to_owned();
        let (chat, _) = data.chat_mut();
        if chat.is_admin(&id, &me) {
            return false;
        }
        let requests = chat.admin_requests.entry(id.clone()).or_default();
        if !requests.contains(&me) {
            requests.push(me);
        }
        true
    });
    flag("requested", requested)
}

fn decide(shared: &Shared, call: &Call, approve: bool) -> Response {
    let id = match conversation_of(shared, call) {
        Ok(id) => id,
        Err(missing) => return *missing,
    };
    if let Err(refused) = body_of::<ChatActionRequest>(call) {
        return *refused;
    }
    let user = call.value(params::USER_ID).unwrap_or_default().to_owned();
    let data = shared.store.snapshot();
    if !data.chat().is_admin(&id, data.account_id()) {
        return admins_only(&id);
    }
    if !data
        .chat()
        .admin_requests
        .get(&id)
        .is_some_and(|r| r.contains(&user))
    {
        return not_found("admin_request", params::USER_ID, &user);
    }
    shared.store.write(|data| {
        let (chat, _) = data.chat_mut();
        if let Some(requests) = chat.admin_requests.get_mut(&id) {
            requests.retain(|r| *r != user);
        }
        if approve && let Some(group) = chat.conversation_mut(&id) {
            let mut admins = strings(group, "admin_ids");
            admins.push(user.clone());
            group["admin_ids"] = id_list(&admins);
        }
    });
    if approve {
        flag("approved", true)
    } else {
        flag("rejected", true)
    }
}
