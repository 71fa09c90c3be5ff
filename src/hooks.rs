//! What every generated request goes through.
//!
//! progenitor calls `ClientHooks::pre` with the finished request. Both clients
//! refuse a parameter that breaks its spec's rules there, so that nothing
//! invalid reaches the network, write list values with literal commas, and
//! add the credential the client carries. `exec` then sends it under the same
//! retry and rate-limit policies as the facade.

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

use crate::session::Session;
use crate::transport;
use crate::validate::{self, Operation};

// progenitor's trait fixes the error type; boxing it is not ours to choose.
#[allow(clippy::result_large_err)]
fn prepare<E>(
    rules: &[Operation],
    session: &Session,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), Error<E>> {
    validate::check(rules, info.operation_id, request.url())
        .map_err(|refused| Error::InvalidRequest(refused.to_string()))?;
    crate::wire::literal_commas(request.url_mut());
    session.credentials.apply(request.headers_mut());
    Ok(())
}

/// Waits out an exhausted window when the policy allows it (otherwise the
/// request goes and the API's 429 comes back as an error response), then
/// sends with retries.
async fn exec(
    client: &reqwest::Client,
    session: &Session,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let _ = transport::preflight(session, info.operation_id).await;
    match transport::send(client, session, info.operation_id, request).await {
        Ok(exchange) => Ok(exchange.into_response()),
        Err(failed) => Err(failed.source.without_url()),
    }
}

/// Both generated clients go through `prepare` and `exec`, each with its
/// spec's rules.
macro_rules! hooks {
    ($client:ty, $rules:expr) => {
        impl ClientHooks<Session> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> Result<(), Error<E>> {
                prepare($rules, self.inner(), request, info)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                exec(self.client(), self.inner(), request, info).await
            }
        }
    };
}

hooks!(crate::x::Client, validate::X_API);
hooks!(crate::tweetapi::Client, validate::TWEETAPI);
