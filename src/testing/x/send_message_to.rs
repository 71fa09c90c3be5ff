//! `createDirectMessagesByParticipantId`: a message to a user, in the
//! one-to-one conversation with them, which a first message starts.

use axum::response::Response;

use super::send_message::{call_body, message_of, send};
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::x::operations::CreateDirectMessagesByParticipantId;
use crate::x::params;

pub(super) const ROUTE: Route = Route {
    operation: CreateDirectMessagesByParticipantId::operation,
    serve,
    tokens: None,
};

fn serve(shared: &Shared, call: &Call) -> Response {
    let user = call.value(params::PARTICIPANT_ID).unwrap_or_default();
    let message = match message_of(shared, call, call_body(call)) {
        Ok(message) => message,
        Err(refused) => return *refused,
    };
    let conversation = shared.store.write(|data| data.direct_conversation_id(user));
    send(shared, &conversation, &message)
}
