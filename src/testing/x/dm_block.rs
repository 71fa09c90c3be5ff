//! `blockUsersDms` and `unblockUsersDms`: the users the account has
//! DM-blocked, answered with whether the user is blocked now.

use axum::response::Response;

use super::chat_common::flag;
use super::not_found;
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::x::operations::{BlockUsersDms, UnblockUsersDms};
use crate::x::params;

pub(super) const BLOCK: Route = Route {
    operation: BlockUsersDms::operation,
    serve: |shared, call| set(shared, call, true),
    tokens: None,
};

pub(super) const UNBLOCK: Route = Route {
    operation: UnblockUsersDms::operation,
    serve: |shared, call| set(shared, call, false),
    tokens: None,
};

fn set(shared: &Shared, call: &Call, block: bool) -> Response {
    let id = call.value(params::ID).unwrap_or_default().to_owned();
    if shared.store.snapshot().user(&id).is_none() {
        return not_found("user", params::ID, &id);
    }
    shared.store.write(|data| {
        let blocked = &mut data.chat_mut().0.blocked;
        if block {
            blocked.insert(id);
        } else {
            blocked.remove(&id);
        }
    });
    flag("blocked", block)
}
