//! `deleteDirectMessagesEvents`: the account's own event removed, so that
//! later reads no longer return it.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use super::{not_found, problem_of};
use crate::testing::Shared;
use crate::testing::data::Deleted;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::DeleteDirectMessagesEvents;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: DeleteDirectMessagesEvents::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let id = call.value(params::EVENT_ID).unwrap_or_default();
    match shared.store.write(|data| data.delete_event(id)) {
        Deleted::Yes => json_response(StatusCode::OK, &json!({ "data": { "deleted": true } })),
        Deleted::NotFound => not_found("dm_event", params::EVENT_ID, id),
        Deleted::NotOwn => problem_of(
            StatusCode::FORBIDDEN,
            "not-authorized-for-resource",
            "Forbidden",
            &format!("You are not permitted to delete the dm_event with id: [{id}]."),
        ),
    }
}
