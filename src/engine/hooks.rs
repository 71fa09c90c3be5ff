//! What every generated request goes through.
//!
//! progenitor calls `ClientHooks::pre` with the finished request. Both
//! generated clients refuse there a parameter or body that breaks its spec's
//! rules, and an operation the descriptors do not know, so that nothing
//! invalid reaches the network; they also write list values with literal
//! commas and add the credential the client carries. `exec` then sends it
//! under the same retry and rate-limit policies as the facade.

use progenitor_client::{Error, OperationInfo};

use super::descriptor::{self, Operations};
use super::session::Session;
use super::transport::{self, Reading, Repeat};
use super::validate;

// progenitor's trait fixes the error type; boxing it is not ours to choose.
#[allow(clippy::result_large_err)]
/// Checks and completes a generated request before it is sent.
pub(crate) fn prepare<E>(
    operations: Operations,
    session: &Session,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), Error<E>> {
    let operation = descriptor::find(operations, info.operation_id).ok_or_else(|| {
        Error::InvalidRequest(format!(
            "no operation `{}` in the spec's descriptors",
            info.operation_id
        ))
    })?;
    validate::check_url(operation, request.url(), None)
        .map_err(|refused| Error::InvalidRequest(refused.to_string()))?;
    // Only JSON bodies have rules; the generated client sends a multipart
    // body's operation without it, which the facade's request sends whole.
    let json = operation
        .body
        .as_ref()
        .is_some_and(|body| body.content_type.starts_with("application/json"));
    if json {
        let body = match request.body().and_then(reqwest::Body::as_bytes) {
            Some(bytes) if !bytes.is_empty() => Some(
                serde_json::from_slice::<serde_json::Value>(bytes)
                    .map_err(|e| Error::InvalidRequest(format!("the body is not JSON: {e}")))?,
            ),
            _ => None,
        };
        validate::check_body(operation, body.as_ref())
            .map_err(|refused| Error::InvalidRequest(refused.to_string()))?;
    }
    super::wire::literal_commas(request.url_mut());
    session.credentials.apply(request.headers_mut());
    Ok(())
}

/// Waits out an exhausted window when the policy allows it (otherwise the
/// request goes and the API's 429 comes back as an error response), then
/// sends with the retries its operation allows.
pub(crate) async fn exec(
    operations: Operations,
    client: &reqwest::Client,
    session: &Session,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    // `prepare` refused what the descriptors do not know.
    let Some(operation) = descriptor::find(operations, info.operation_id) else {
        return client.execute(request).await;
    };
    let _ = transport::preflight(session, operation.name).await;
    match transport::send(
        client,
        session,
        operation.name,
        request,
        Repeat::of(operation),
        Reading::Whole,
    )
    .await
    {
        Ok(exchange) => Ok(exchange.into_response()),
        Err(failed) => Err(failed.source.without_url()),
    }
}

/// A generated client goes through `prepare` and `exec` with its spec's
/// descriptors.
macro_rules! hooks {
    ($client:ty, $operations:expr) => {
        impl progenitor_client::ClientHooks<$crate::engine::Session> for $client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> Result<(), progenitor_client::Error<E>> {
                $crate::engine::hooks::prepare($operations, self.inner(), request, info)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                $crate::engine::hooks::exec($operations, self.client(), self.inner(), request, info)
                    .await
            }
        }
    };
}

pub(crate) use hooks;
