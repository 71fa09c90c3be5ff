//! `getTweetApiInboxTimelineTrusted`: the trusted inbox timeline, a page at a
//! time from the cursor of the first state or of the previous page.

use axum::response::Response;

use super::timeline::{self, TRUSTED_TOKENS};
use crate::testing::Shared;
use crate::testing::server::Route;
use crate::testing::server::call::Call;
use crate::tweetapi::operations::GetTweetApiInboxTimelineTrusted;

pub(super) const ROUTE: Route = Route {
    operation: GetTweetApiInboxTimelineTrusted::operation,
    serve,
    tokens: Some(TRUSTED_TOKENS),
};

fn serve(shared: &Shared, call: &Call) -> Response {
    timeline::serve(shared, call, true)
}
