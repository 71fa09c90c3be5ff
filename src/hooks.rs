//! What every generated request goes through before it is sent.
//!
//! progenitor calls `ClientHooks::pre` with the finished request. Both clients
//! refuse a parameter that breaks its spec's rules there, so that nothing
//! invalid reaches the network, and write list values with literal commas.

use progenitor_client::{ClientHooks, Error, OperationInfo};

use crate::validate::{self, Operation};

async fn prepare<E>(
    rules: &[Operation],
    request: &mut reqwest::Request,
    info: &OperationInfo,
) -> Result<(), Error<E>> {
    validate::check(rules, info.operation_id, request.url())
        .map_err(|refused| Error::InvalidRequest(refused.to_string()))?;
    crate::wire::literal_commas(request.url_mut());
    Ok(())
}

impl ClientHooks for crate::x::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        prepare(validate::X_API, request, info).await
    }
}

impl ClientHooks for crate::tweetapi::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        prepare(validate::TWEETAPI, request, info).await
    }
}
