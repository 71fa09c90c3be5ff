//! What every generated request goes through before it is sent.
//!
//! progenitor calls `ClientHooks::pre` with the finished request. Both clients
//! refuse a parameter that breaks its spec's rules there, so that nothing
//! invalid reaches the network, write list values with literal commas, and
//! add the credential the client carries.

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

use crate::auth::Credentials;
use crate::validate::{self, Operation};

// progenitor's trait fixes the error type; boxing it is not ours to choose.
#[allow(clippy::result_large_err)]
fn prepare<E>(
    rules: &[Operation],
    credentials: &Credentials,
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), Error<E>> {
    validate::check(rules, info.operation_id, request.url())
        .map_err(|refused| Error::InvalidRequest(refused.to_string()))?;
    crate::wire::literal_commas(request.url_mut());
    credentials.apply(request.headers_mut());
    Ok(())
}

impl ClientHooks<Credentials> for crate::x::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        prepare(validate::X_API, self.inner(), request, info)
    }
}

impl ClientHooks<Credentials> for crate::tweetapi::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        prepare(validate::TWEETAPI, self.inner(), request, info)
    }
}
