//! `getDirectMessagesEventsById`: one DM event, with the requested fields
//! and expansions, found in whichever conversation holds it.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Map, Value};

use super::dm_events::shaped;
use super::not_found;
use crate::testing::Shared;
use crate::testing::server::call::Call;
use crate::testing::server::{Route, json_response};
use crate::x::operations::GetDirectMessagesEventsById;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: GetDirectMessagesEventsById::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let id = call.value(params::EVENT_ID).unwrap_or_default();
    let found = data
        .conversation_ids()
        .filter_map(|conversation| data.events(conversation))
        .flatten()
        .find(|event| event.get("id").and_then(Value::as_str) == Some(id));
    let Some(event) = found else {
        return not_found("dm_event", params::EVENT_ID, id);
    };
    let (mut items, includes) = shaped(&data, &[event], call);
    let mut body = Map::new();
    // One event is `data` itself, not a list of one.
    body.insert("data".into(), items.pop().unwrap_or(Value::Null));
    json_response(StatusCode::OK, &Value::Object(includes.into_body(body)))
}
