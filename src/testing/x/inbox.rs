//! `getDirectMessagesEvents`: the events of every conversation, newest
//! first, a page at a time both ways.

use axum::response::Response;

use super::dm_events::walk;
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::x::operations::GetDirectMessagesEvents;

pub(super) const ROUTE: Route = Route {
    operation: GetDirectMessagesEvents::operation,
    serve,
    tokens: Some(TOKENS),
};

const TOKENS: &str = "INBX";

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    walk(&data, data.all_events(), call, TOKENS)
}
