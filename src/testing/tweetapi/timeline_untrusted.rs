//! `getTweetApiInboxTimelineUntrusted`: the untrusted inbox timeline, a page at a
//! time from the cursor of the first state or of the previous page.

use axum::response::Response;

use super::timeline::{self, UNTRUSTED_TOKENS};
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::tweetapi::operations::GetTweetApiInboxTimelineUntrusted;

pub(super) const ROUTE: Route = Route {
    operation: GetTweetApiInboxTimelineUntrusted::operation,
    serve,
    tokens: Some(UNTRUSTED_TOKENS),
};

fn serve(shared: &Shared, call: &Call) -> Response {
    timeline::serve(shared, call, false)
}
