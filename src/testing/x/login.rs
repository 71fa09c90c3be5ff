//! X's login endpoints, faked: the authorize page approves at once, the
//! token endpoint trades codes (checking the PKCE verifier) and refresh
//! tokens (each good once: they rotate), revoke forgets a token. With
//! [`FakeConfig::requiring_login`](crate::testing::FakeConfig::requiring_login)
//! the API's routes then take only the live tokens it issued, or a valid
//! OAuth 1.0a signature.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::Response;
use axum::routing::{get, post};
use base64::Engine as _;
use oauth2::{PkceCodeChallenge, PkceCodeVerifier};
use serde_json::json;

use crate::engine::OAuth1;
use crate::engine::oauth1::{self, Nonce};
use crate::testing::Shared;
use crate::testing::server::json_response;
use crate::x::oauth::{AUTHORIZE_PATH, REVOKE_PATH, TOKEN_PATH};

/// The public client every fake knows, and `--demo` logs in with.
pub const DEMO_CLIENT_ID: &str = "demo-client-id";

/// How the fake logs people in: which apps it knows, how long its access
/// tokens live, the OAuth 1.0a user it accepts, and whether the API's
/// routes insist on its own credentials.
#[derive(Clone)]
pub(crate) struct LoginConfig {
    /// Client ids with their secret (`None` for a public client).
    pub clients: Vec<(String, Option<String>)>,
    pub token_lifetime: Duration,
    pub oauth1: Option<OAuth1>,
    pub required: bool,
}

impl std::fmt::Debug for LoginConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Client ids are shown, their secrets never.
        let clients: Vec<(&str, bool)> = self
            .clients
            .iter()
            .map(|(id, secret)| (id.as_str(), secret.is_some()))
            .collect();
        f.debug_struct("LoginConfig")
            .field("clients (id, confidential)", &clients)
            .field("token_lifetime", &self.token_lifetime)
            .field("oauth1", &self.oauth1)
            .field("required", &self.required)
            .finish()
    }
}

impl Default for LoginConfig {
    fn default() -> Self {
        Self {
            clients: vec![(DEMO_CLIENT_ID.to_owned(), None)],
            token_lifetime: Duration::from_secs(2 * 3600),
            oauth1: None,
            required: false,
        }
    }
}

/// What the fake issued and what it remembers of it.
#[derive(Debug)]
pub(crate) struct Logins {
    config: LoginConfig,
    state: Mutex<Issued>,
}

#[derive(Debug, Default)]
struct Issued {
    /// Codes not yet traded, each good once.
    codes: HashMap<String, Grant>,
    /// Access tokens and when they stop working.
    access: HashMap<String, Instant>,
    /// Refresh tokens not yet used.
    refresh: HashMap<String, Grant>,
    /// OAuth 1.0a nonces seen: a replayed request is refused.
    nonces: HashSet<String>,
    refreshes: usize,
    logins: usize,
}

#[derive(Clone, Debug)]
struct Grant {
    client_id: String,
    scopes: String,
    /// For a code: the redirect URI and PKCE challenge it was issued with.
    redirect_uri: String,
    challenge: String,
}

impl Logins {
    pub fn new(config: LoginConfig) -> Self {
        Self {
            config,
            state: Mutex::default(),
        }
    }

    fn issued(&self) -> std::sync::MutexGuard<'_, Issued> {
        // Every change leaves the maps whole.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Refresh grants answered with a new token set.
    pub fn refreshes(&self) -> usize {
        self.issued().refreshes
    }

    /// Codes traded for a token set.
    pub fn logins(&self) -> usize {
        self.issued().logins
    }

    /// Whether `token` is a live access token of this fake.
    pub fn is_live(&self, token: &str) -> bool {
        self.issued()
            .access
            .get(token)
            .is_some_and(|until| Instant::now() < *until)
    }

    /// A redirect for an authorize URL, as the fake's authorize page would
    /// send the browser: `redirect_uri?code=…&state=…`.
    pub fn approve(&self, query: &HashMap<String, String>) -> Result<String, String> {
        let field = |name: &str| {
            query
                .get(name)
                .filter(|value| !value.is_empty())
                .ok_or_else(|| format!("the authorize URL lacks {name}"))
        };
        if field("response_type")? != "code" {
            return Err("response_type must be code".to_owned());
        }
        let client_id = field("client_id")?;
        if !self.config.clients.iter().any(|(id, _)| id == client_id) {
            return Err("unknown client_id".to_owned());
        }
        if field("code_challenge_method")? != "S256" {
            return Err("code_challenge_method must be S256".to_owned());
        }
        let redirect_uri = field("redirect_uri")?;
        let grant = Grant {
            client_id: client_id.clone(),
            scopes: field("scope")?.clone(),
            redirect_uri: redirect_uri.clone(),
            challenge: field("code_challenge")?.clone(),
        };
        let state = field("state")?;
        let code = random("fake-code");
        self.issued().codes.insert(code.clone(), grant);
        let mut redirect =
            url::Url::parse(redirect_uri).map_err(|_| "redirect_uri is not a URL".to_owned())?;
        redirect
            .query_pairs_mut()
            .append_pair("state", state)
            .append_pair("code", &code);
        Ok(redirect.into())
    }

    /// The client a token request authenticated as: HTTP Basic for a
    /// confidential client, `client_id` in the body for a public one.
    fn client(&self, headers: &HeaderMap, form: &HashMap<String, String>) -> Option<String> {
        let basic = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Basic "));
        match basic {
            Some(encoded) => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(encoded.trim())
                    .ok()?;
                let decoded = String::from_utf8(decoded).ok()?;
                let (id, secret) = decoded.split_once(':')?;
                let decode = |text: &str| {
                    url::form_urlencoded::parse(format!("x={text}").as_bytes())
                        .next()
                        .map(|(_, value)| value.into_owned())
                };
                let (id, secret) = (decode(id)?, decode(secret)?);
                self.config
                    .clients
                    .iter()
                    .any(|(known, known_secret)| {
                        *known == id && known_secret.as_deref() == Some(secret.as_str())
                    })
                    .then_some(id)
            }
            None => {
                let id = form.get("client_id")?;
                // A confidential client must prove it holds its secret.
                self.config
                    .clients
                    .iter()
                    .any(|(known, secret)| known == id && secret.is_none())
                    .then(|| id.clone())
            }
        }
    }

    fn token(&self, headers: &HeaderMap, form: &HashMap<String, String>) -> Response {
        let Some(client_id) = self.client(headers, form) else {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Missing valid authorization header",
            );
        };
        let mut issued = self.issued();
        let grant = match form.get("grant_type").map(String::as_str) {
            Some("authorization_code") => {
                let code = form.get("code").map(String::as_str).unwrap_or_default();
                let Some(grant) = issued.codes.remove(code) else {
                    return invalid("authorization code");
                };
                let verifier =
                    PkceCodeVerifier::new(form.get("code_verifier").cloned().unwrap_or_default());
                let challenge = PkceCodeChallenge::from_code_verifier_sha256(&verifier);
                if grant.client_id != client_id
                    || form.get("redirect_uri") != Some(&grant.redirect_uri)
                    || challenge.as_str() != grant.challenge
                {
                    return invalid("authorization code");
                }
                issued.logins += 1;
                grant
            }
            Some("refresh_token") => {
                let token = form
                    .get("refresh_token")
                    .map(String::as_str)
                    .unwrap_or_default();
                // Used once: rotation.
                match issued.refresh.remove(token) {
                    Some(grant) if grant.client_id == client_id => {
                        issued.refreshes += 1;
                        grant
                    }
                    _ => return invalid("token"),
                }
            }
            _ => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "Only authorization_code and refresh_token are supported",
                );
            }
        };
        let access = random("fake-access");
        let lifetime = self.config.token_lifetime;
        issued
            .access
            .insert(access.clone(), Instant::now() + lifetime);
        let mut body = json!({
            "token_type": "bearer",
            "expires_in": lifetime.as_secs(),
            "access_token": access,
            "scope": grant.scopes,
        });
        if grant
            .scopes
            .split(' ')
            .any(|scope| scope == "offline.access")
        {
            let refresh = random("fake-refresh");
            issued.refresh.insert(refresh.clone(), grant);
            body["refresh_token"] = json!(refresh);
        }
        json_response(StatusCode::OK, &body)
    }

    fn revoke(&self, headers: &HeaderMap, form: &HashMap<String, String>) -> Response {
        if self.client(headers, form).is_none() {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Missing valid authorization header",
            );
        }
        let token = form.get("token").map(String::as_str).unwrap_or_default();
        let mut issued = self.issued();
        issued.access.remove(token);
        issued.refresh.remove(token);
        json_response(StatusCode::OK, &json!({ "revoked": true }))
    }

    /// With logins required, whether a request to the API carries a live
    /// token or a valid signature; `None` lets it through.
    pub fn refuse(&self, method: &Method, uri: &Uri, headers: &HeaderMap) -> bool {
        if !self.config.required {
            return false;
        }
        let Some(value) = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
        else {
            // No credential at all: the API's own check answers.
            return false;
        };
        if let Some(token) = value.strip_prefix("Bearer ") {
            return !self.is_live(token.trim());
        }
        !self.signed(method, uri, headers, value)
    }

    fn signed(&self, method: &Method, uri: &Uri, headers: &HeaderMap, value: &str) -> bool {
        let (Some(credential), Some(fields)) =
            (&self.config.oauth1, oauth1::parse_authorization(value))
        else {
            return false;
        };
        let field = |name: &str| {
            fields
                .iter()
                .find(|(known, _)| known == name)
                .map(|(_, value)| value.clone())
        };
        let host = headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let Ok(url) = url::Url::parse(&format!("http://{host}{uri}")) else {
            return false;
        };
        let (Some(nonce), Some(timestamp), Some(signature)) = (
            field("oauth_nonce"),
            field("oauth_timestamp").and_then(|t| t.parse().ok()),
            field("oauth_signature"),
        ) else {
            return false;
        };
        if field("oauth_consumer_key").as_deref() != Some(credential.consumer_key()) {
            return false;
        }
        let nonce = Nonce { nonce, timestamp };
        // Whatever the header says, the expected signature is computed from
        // the fake's own copy of the secrets and token.
        if credential.signature(method.as_str(), &url, &[], &nonce) != signature {
            return false;
        }
        self.issued().nonces.insert(nonce.nonce)
    }
}

fn invalid(what: &str) -> Response {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &format!("Value passed for the {what} was invalid."),
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    json_response(
        status,
        &json!({ "error": error, "error_description": description }),
    )
}

fn random(prefix: &str) -> String {
    let tail: String = std::iter::repeat_with(fastrand::alphanumeric)
        .take(24)
        .collect();
    format!("{prefix}-{tail}")
}

fn form(body: &Bytes) -> HashMap<String, String> {
    url::form_urlencoded::parse(body)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// The authorize page, the token endpoint and revoke, at X's paths.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route(AUTHORIZE_PATH, get(authorize))
        .route(TOKEN_PATH, post(token))
        .route(REVOKE_PATH, post(revoke))
}

async fn authorize(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match shared.logins.approve(&query) {
        Ok(location) => {
            let mut response = Response::new(axum::body::Body::empty());
            *response.status_mut() = StatusCode::FOUND;
            if let Ok(value) = location.parse() {
                response.headers_mut().insert(header::LOCATION, value);
            }
            response
        }
        Err(reason) => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", &reason),
    }
}

async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    shared.logins.token(&headers, &form(&body))
}

async fn revoke(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    shared.logins.revoke(&headers, &form(&body))
}
