//! `getDirectMessagesEventsByParticipantId`: the events of the one-to-one
//! conversation between the account and a user.

use axum::response::Response;

use super::dm_events::walk;
use super::not_found;
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::x::operations::GetDirectMessagesEventsByParticipantId;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: GetDirectMessagesEventsByParticipantId::operation,
    serve,
    tokens: Some(TOKENS),
};

const TOKENS: &str = "DMWT";

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let user = call.value(params::PARTICIPANT_ID).unwrap_or_default();
    let Some(conversation) = data.direct_conversation(user) else {
        return not_found("user", params::PARTICIPANT_ID, user);
    };
    walk(&data, conversation.events.iter().collect(), call, TOKENS)
}
