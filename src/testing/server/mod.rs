//! The fake's HTTP side, written once for every API: routes registered from
//! each API's generated descriptors, requests checked against them, and the
//! layer of knobs in front. Nothing here knows an endpoint; each API's
//! module brings its table of handlers and how it words its errors.

pub(crate) mod call;
mod layer;
mod multipart;
pub(crate) mod paging;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware;
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter, on};
use serde_json::Value;

use self::call::{Call, Refusal};
use super::knobs::Quota;
use super::{Fault, Shared, tweetapi, x};
use crate::engine::{Operation, Operations};

/// Bodies larger than this are refused: more than a media chunk may be.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// What serves one operation: reads a checked call, answers it.
pub(crate) type Handler = fn(&Shared, &Call) -> Response;

/// One endpoint of an API's table: the operation's descriptor, named by its
/// generated marker type, and the handler that serves it.
pub(crate) struct Route {
    pub operation: fn() -> &'static Operation,
    pub serve: Handler,
    /// The prefix of the page tokens it issues, if it pages.
    pub tokens: Option<&'static str>,
}

/// One API the fake serves: its operations, its handlers, and how it
/// answers what no handler sees.
pub(crate) struct Api {
    /// Every operation of the API's spec; each gets a route.
    pub operations: Operations,
    /// The handlers, one per served operation.
    pub routes: &'static [Route],
    /// The answer to a request without the API's credential, if it lacks
    /// one.
    pub authorize: fn(&HeaderMap) -> Option<Response>,
    /// The 400 for refused parameters or body fields, none of them empty.
    pub refuse: fn(&Operation, &[Refusal]) -> Response,
    /// The 429 for a spent window.
    pub too_many_requests: fn(Quota) -> Response,
    /// An error of this status in the API's shape, for injected faults and
    /// what the fake cannot serve.
    pub status: fn(StatusCode) -> Response,
    /// The 404 for a path the API does not have.
    pub no_such_path: fn(&Method, &Uri) -> Response,
}

/// The APIs, X first: a path no API claims is answered in X's shape.
static APIS: [&Api; 2] = [&x::API, &tweetapi::API];

/// The API a path belongs to, by its first segment, which each API's
/// operations share (`/2/…`, `/tw-v2/…`): its errors take that API's shape.
pub(crate) fn api_of(path: &str) -> &'static Api {
    let first = |path: &str| {
        path.trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let wanted = first(path);
    APIS.iter()
        .copied()
        .find(|api| api.operations.iter().any(|op| first(op.path) == wanted))
        .unwrap_or(APIS[0])
}

/// Every operation of every API at its spec path and method, behind the
/// layer of knobs.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let mut paths: Vec<(&'static str, MethodRouter<Arc<Shared>>)> = Vec::new();
    let mut registered: Vec<(&'static str, &'static str)> = Vec::new();
    for api in APIS {
        for operation in api.operations {
            let Ok(filter) = MethodFilter::try_from(operation.http_method()) else {
                continue;
            };
            // Two operations on one method and path would be a spec error;
            // the first keeps the route rather than the fake panicking.
            if registered.contains(&(operation.path, operation.method)) {
                continue;
            }
            registered.push((operation.path, operation.method));
            let route = api
                .routes
                .iter()
                .find(|route| (route.operation)().id == operation.id);
            let handler = move |State(shared): State<Arc<Shared>>, request: Request| {
                serve(shared, api, operation, route, request)
            };
            match paths.iter_mut().find(|(path, _)| *path == operation.path) {
                Some((_, methods)) => {
                    *methods = std::mem::take(methods).on(filter, handler);
                }
                None => paths.push((operation.path, on(filter, handler))),
            }
        }
    }
    let mut router = Router::new();
    for (path, methods) in paths {
        router = router.route(path, methods.fallback(no_such_path));
    }
    router
        .merge(x::login::routes())
        .fallback(no_such_path)
        .layer(middleware::from_fn_with_state(
            Arc::clone(&shared),
            layer::knobs,
        ))
        .with_state(shared)
}

/// Answers one request to `operation`: credentials first, then the checks
/// the descriptor implies, then the handler.
async fn serve(
    shared: Arc<Shared>,
    api: &'static Api,
    operation: &'static Operation,
    route: Option<&'static Route>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    if let Some(refused) = (api.authorize)(&parts.headers) {
        return refused;
    }
    if shared
        .logins
        .refuse(&parts.method, &parts.uri, &parts.headers)
    {
        return (api.status)(StatusCode::UNAUTHORIZED);
    }
    // An operation the spec gained before the fake learned to serve it.
    let Some(route) = route else {
        return (api.status)(StatusCode::NOT_IMPLEMENTED);
    };
    let Ok(body) = to_bytes(body, MAX_BODY).await else {
        return (api.status)(StatusCode::PAYLOAD_TOO_LARGE);
    };
    let fault = shared.knobs.next_fault_for(operation.id);
    match &fault {
        Some(Fault::Status(code)) => {
            return layer::status_fault(api, *code, shared.knobs.peek());
        }
        Some(Fault::Slow(delay)) => tokio::time::sleep(*delay).await,
        _ => {}
    }
    let response = match Call::check(
        operation,
        &parts.uri,
        &parts.headers,
        &body,
        route.tokens,
        shared.strict,
    ) {
        Ok(call) => (route.serve)(&shared, &call),
        Err(refusals) => (api.refuse)(operation, &refusals),
    };
    match &fault {
        Some(fault) => layer::after(fault, response).await,
        None => response,
    }
}

async fn no_such_path(method: Method, uri: Uri) -> Response {
    (api_of(uri.path()).no_such_path)(&method, &uri)
}

/// The time now, in Unix seconds, as rate-limit resets are given.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .unwrap_or_default()
}

/// `body` as JSON, with `status`.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    // Serializing a `Value` cannot fail: its keys are strings.
    let mut response = Response::new(Body::from(serde_json::to_vec(body).unwrap_or_default()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_handler_serves_an_operation_of_its_own_api() {
        for api in APIS {
            for route in api.routes {
                let operation = (route.operation)();
                assert!(
                    api.operations.iter().any(|op| op.id == operation.id),
                    "{} is in the wrong table",
                    operation.id
                );
            }
        }
    }

    #[test]
    fn every_operation_of_the_specs_has_a_handler() {
        for api in APIS {
            for operation in api.operations {
                assert!(
                    api.routes
                        .iter()
                        .any(|route| (route.operation)().id == operation.id),
                    "the fake serves no {}",
                    operation.id
                );
            }
        }
    }

    #[tokio::test]
    async fn an_operation_without_a_handler_is_501_after_the_credential_check() {
        use crate::testing::data::{DEFAULT_SEED, Dataset};
        use crate::testing::knobs::Knobs;
        use crate::testing::store::Store;

        let shared = Arc::new(Shared {
            store: Store::new(Dataset::seeded(DEFAULT_SEED)),
            streams: crate::testing::streams::Streams::default(),
            logins: crate::testing::x::login::Logins::new(Default::default()),
            knobs: Knobs::new(None),
            latency: std::time::Duration::ZERO,
            strict: false,
        });
        let operation = &crate::x::OPERATIONS[0];
        let request = |bearer: &str| {
            Request::builder()
                .uri(operation.path)
                .header(header::AUTHORIZATION, bearer)
                .body(Body::empty())
                .unwrap()
        };
        let unserved = serve(
            Arc::clone(&shared),
            &x::API,
            operation,
            None,
            request("Bearer t"),
        )
        .await;
        assert_eq!(unserved.status(), StatusCode::NOT_IMPLEMENTED);
        let anonymous = serve(shared, &x::API, operation, None, request("")).await;
        assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn paths_belong_to_the_api_whose_operations_share_their_first_segment() {
        let tweetapi = crate::tweetapi::OPERATIONS[0].path;
        assert!(std::ptr::eq(api_of(tweetapi), &tweetapi::API));
        assert!(std::ptr::eq(api_of("/tw-v2/nothing"), &tweetapi::API));
        assert!(std::ptr::eq(api_of(crate::x::OPERATIONS[0].path), &x::API));
        assert!(std::ptr::eq(api_of("/elsewhere"), &x::API));
        assert!(std::ptr::eq(api_of(""), &x::API));
    }
}
