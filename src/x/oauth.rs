//! Logging in to X with OAuth 2.0 (authorization code with PKCE), and X's
//! token endpoint, which renews and revokes tokens.
//!
//! The protocol is the `oauth2` crate's (PKCE S256, `state`, the token and
//! revocation requests, HTTP Basic for confidential clients and `client_id`
//! in the body for public ones), driven through this crate's `reqwest`
//! client. What is X's lives here: the endpoints' paths and hosts and the
//! default scopes.

use std::fmt;

use futures::future::BoxFuture;
use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AccessToken, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, ErrorResponseType, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken,
    RequestTokenError, RevocationUrl, Scope, StandardErrorResponse, StandardRevocableToken,
    TokenResponse, TokenUrl,
};
use secrecy::{ExposeSecret, SecretString};

use crate::connect::X_API_BASE_URL;
use crate::engine::http::{DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT, USER_AGENT, http_client};
use crate::engine::options::parse_base_url;
use crate::engine::{Refresh, RefreshingToken, TokenSet};
use crate::{AuthError, Error};

/// Where X sends people to approve an app.
pub const AUTHORIZE_URL: &str = "https://x.com/i/oauth2/authorize";

/// The authorize page's path, under a base URL given instead of X's.
pub const AUTHORIZE_PATH: &str = "/i/oauth2/authorize";

/// The token endpoint's path under the API root: codes and refresh tokens
/// are traded for token sets there.
pub const TOKEN_PATH: &str = "/2/oauth2/token";

/// The revocation endpoint's path under the API root.
pub const REVOKE_PATH: &str = "/2/oauth2/revoke";

/// The scopes the `x-dm` commands need: reading and sending DMs, the users
/// and Tweets they mention, media for attachments, and `offline.access` for
/// a refresh token.
pub const DEFAULT_SCOPES: [&str; 6] = [
    "dm.read",
    "dm.write",
    "tweet.read",
    "users.read",
    "media.write",
    "offline.access",
];

type Configured =
    BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointSet, EndpointSet>;

/// An X app (its OAuth 2.0 client id, and secret for a confidential client)
/// and the endpoints it logs in at. It renews tokens as a [`Refresh`].
///
/// ```
/// # fn run() -> Result<(), x_dm::Error> {
/// let app = x_dm::x::oauth::App::new("my-client-id")?;
/// let login = app.login("http://127.0.0.1:8080/callback", x_dm::x::oauth::DEFAULT_SCOPES)?;
/// assert!(login.authorize_url().as_str().starts_with("https://x.com/i/oauth2/authorize?"));
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct App {
    client_id: String,
    client_secret: Option<SecretString>,
    authorize_url: reqwest::Url,
    token_url: reqwest::Url,
    revoke_url: reqwest::Url,
    http: reqwest::Client,
}

impl App {
    /// A public client (a native app): its id goes in each token request's
    /// body. X's endpoints.
    pub fn new(client_id: impl Into<String>) -> Result<Self, Error> {
        let api = parse_base_url(X_API_BASE_URL)?;
        Ok(Self {
            client_id: client_id.into(),
            client_secret: None,
            authorize_url: parse_base_url(AUTHORIZE_URL)?,
            token_url: join(&api, TOKEN_PATH)?,
            revoke_url: join(&api, REVOKE_PATH)?,
            http: http_client(USER_AGENT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT)?,
        })
    }

    /// The same app as a confidential client (a web app or bot): the token
    /// requests authenticate with HTTP Basic, id and secret.
    #[must_use]
    pub fn with_client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = Some(SecretString::from(client_secret.into()));
        self
    }

    /// The same app, logging in at `base` instead of X: `base/i/oauth2/authorize`,
    /// `base/2/oauth2/token` and `base/2/oauth2/revoke`. Plain `http` only
    /// for a loopback host.
    pub fn with_base_url(mut self, base: impl Into<String>) -> Result<Self, Error> {
        let base = parse_base_url(&base.into())?;
        self.authorize_url = join(&base, AUTHORIZE_PATH)?;
        self.token_url = join(&base, TOKEN_PATH)?;
        self.revoke_url = join(&base, REVOKE_PATH)?;
        Ok(self)
    }

    /// The same app, sending through `http` (which should not follow
    /// redirects).
    #[must_use]
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Whether the app authenticates with a client secret.
    pub fn is_confidential(&self) -> bool {
        self.client_secret.is_some()
    }

    /// A login: the authorize URL to send the user to, with a fresh PKCE
    /// verifier (S256) and a fresh `state`. `redirect_uri` must be one the
    /// app has registered.
    pub fn login<S: Into<String>>(
        &self,
        redirect_uri: impl Into<String>,
        scopes: impl IntoIterator<Item = S>,
    ) -> Result<Login, Error> {
        let redirect_uri = redirect_uri.into();
        let redirect = RedirectUrl::new(redirect_uri.clone()).map_err(|_| {
            AuthError::Login(format!("the redirect URI {redirect_uri:?} is not a URL"))
        })?;
        let scopes: Vec<String> = scopes.into_iter().map(Into::into).collect();
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (authorize_url, state) = self
            .oauth()
            .set_redirect_uri(redirect.clone())
            .authorize_url(CsrfToken::new_random)
            .add_scopes(scopes.iter().cloned().map(Scope::new))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Login {
            app: self.clone(),
            authorize_url,
            state,
            verifier,
            redirect,
            scopes,
        })
    }

    /// Trades `tokens`' refresh token for a new set. X rotates refresh
    /// tokens: the one sent stops working, so save the new set before
    /// anything else.
    pub async fn refresh(&self, tokens: &TokenSet) -> Result<TokenSet, Error> {
        let refresh = tokens
            .refresh_token()
            .ok_or(AuthError::NoRefreshToken)?
            .expose_secret()
            .to_owned();
        let http = Http(&self.http, None);
        let response = self
            .oauth()
            .exchange_refresh_token(&RefreshToken::new(refresh))
            .request_async(&http)
            .await
            .map_err(|error| refused("refresh token", "log in again", error))?;
        Ok(self.token_set(&response, tokens.scopes()))
    }

    /// Revokes `token` (an access or refresh token): it stops working at
    /// once.
    pub async fn revoke(&self, token: &SecretString) -> Result<(), Error> {
        // `oauth2` refuses a revocation URL that is not https, as RFC 7009
        // asks. A loopback http root (a local server, the fake: nothing else
        // passes `with_base_url`) is handed to it as https and sent to as it
        // is.
        let mut oauth = self.oauth();
        let mut http = Http(&self.http, None);
        if self.revoke_url.scheme() == "http" {
            let mut https = self.revoke_url.clone();
            let _ = https.set_scheme("https");
            oauth = oauth.set_revocation_url(RevocationUrl::from_url(https));
            http.1 = Some(self.revoke_url.clone());
        }
        let token =
            StandardRevocableToken::AccessToken(AccessToken::new(token.expose_secret().to_owned()));
        oauth
            .revoke_token(token)
            .map_err(|error| AuthError::Login(format!("cannot revoke: {error}")))?
            .request_async(&http)
            .await
            .map_err(|error| refused("revocation", "check the client id", error))?;
        Ok(())
    }

    /// A token that renews itself at this app's token endpoint, starting
    /// from `tokens`.
    pub fn refreshing(&self, tokens: TokenSet) -> RefreshingToken {
        RefreshingToken::new(tokens, self.clone())
    }

    fn oauth(&self) -> Configured {
        let mut client = BasicClient::new(ClientId::new(self.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(self.authorize_url.clone()))
            .set_token_uri(TokenUrl::from_url(self.token_url.clone()))
            .set_revocation_url(RevocationUrl::from_url(self.revoke_url.clone()));
        if let Some(secret) = &self.client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.expose_secret().to_owned()));
        }
        client
    }

    fn token_set(&self, response: &BasicTokenResponse, asked: &[String]) -> TokenSet {
        let mut tokens = TokenSet::new(response.access_token().secret().clone())
            .with_client_id(self.client_id.clone());
        if let Some(refresh) = response.refresh_token() {
            tokens = tokens.with_refresh_token(refresh.secret().clone());
        }
        if let Some(expires_in) = response.expires_in() {
            tokens = tokens.expiring_in(expires_in);
        }
        match response.scopes() {
            Some(scopes) => tokens.with_scopes(scopes.iter().map(|scope| scope.to_string())),
            None => tokens.with_scopes(asked.iter().cloned()),
        }
    }
}

impl Refresh for App {
    fn refresh<'a>(&'a self, current: &'a TokenSet) -> BoxFuture<'a, Result<TokenSet, Error>> {
        Box::pin(App::refresh(self, current))
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("App")
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("token_url", &self.token_url.as_str())
            .finish_non_exhaustive()
    }
}

/// One login under way: the authorize URL to send the user to, and what
/// checks and completes the redirect that comes back. Made by
/// [`App::login`]; `Debug` shows neither the verifier nor the state.
pub struct Login {
    app: App,
    authorize_url: reqwest::Url,
    state: CsrfToken,
    verifier: PkceCodeVerifier,
    redirect: RedirectUrl,
    scopes: Vec<String>,
}

impl Login {
    /// Where to send the user.
    pub fn authorize_url(&self) -> &reqwest::Url {
        &self.authorize_url
    }

    /// The redirect URI the authorize URL names.
    pub fn redirect_uri(&self) -> &str {
        self.redirect.as_str()
    }

    /// The code a redirect carries, once its `state` is this login's.
    /// `redirect` is the whole URL the browser was sent to, its query alone,
    /// or just the code (which carries no state to check).
    pub fn code(&self, redirect: &str) -> Result<SecretString, Error> {
        let redirect = redirect.trim();
        let query = match redirect.split_once('?') {
            Some((_, query)) => Some(query),
            None if redirect.contains('=') => Some(redirect),
            None => None,
        };
        let Some(query) = query else {
            if redirect.is_empty() {
                return Err(AuthError::NoCode { error: None }.into());
            }
            return Ok(SecretString::from(redirect.to_owned()));
        };
        let query = query.split('#').next().unwrap_or_default();
        let mut state = None;
        let mut code = None;
        let mut error = None;
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match &*name {
                "state" => state = Some(value.into_owned()),
                "code" => code = Some(value.into_owned()),
                "error" => error = Some(value.into_owned()),
                _ => {}
            }
        }
        if state.as_deref() != Some(self.state.secret().as_str()) {
            return Err(AuthError::StateMismatch.into());
        }
        code.map(SecretString::from)
            .ok_or_else(|| AuthError::NoCode { error }.into())
    }

    /// Checks the redirect (see [`code`](Self::code)) and trades its code,
    /// with this login's verifier, for a token set.
    pub async fn finish(self, redirect: &str) -> Result<TokenSet, Error> {
        let code = self.code(redirect)?;
        let app = &self.app;
        let http = Http(&app.http, None);
        let response = app
            .oauth()
            .set_redirect_uri(self.redirect.clone())
            .exchange_code(AuthorizationCode::new(code.expose_secret().to_owned()))
            .set_pkce_verifier(self.verifier)
            .request_async(&http)
            .await
            .map_err(|error| refused("authorization code", "start the login again", error))?;
        Ok(app.token_set(&response, &self.scopes))
    }
}

impl fmt::Debug for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Login")
            .field("app", &self.app)
            .field("redirect_uri", &self.redirect.as_str())
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

fn join(base: &reqwest::Url, path: &str) -> Result<reqwest::Url, Error> {
    let root = base.as_str().trim_end_matches('/');
    parse_base_url(&format!("{root}{path}"))
}

/// This crate's HTTP client, as `oauth2` calls one, and the URL to send to
/// instead of the one `oauth2` names, if any.
struct Http<'a>(&'a reqwest::Client, Option<reqwest::Url>);

impl<'c> oauth2::AsyncHttpClient<'c> for Http<'_> {
    type Error = reqwest::Error;
    type Future = BoxFuture<'c, Result<oauth2::HttpResponse, reqwest::Error>>;

    fn call(&'c self, request: oauth2::HttpRequest) -> Self::Future {
        Box::pin(send(self.0, request, self.1.clone()))
    }
}

/// One exchange with a token endpoint, for `oauth2`, through reqwest.
async fn send(
    http: &reqwest::Client,
    request: oauth2::HttpRequest,
    target: Option<reqwest::Url>,
) -> Result<oauth2::HttpResponse, reqwest::Error> {
    let mut request = reqwest::Request::try_from(request)?;
    if let Some(target) = target {
        *request.url_mut() = target;
    }
    let response = http.execute(request).await?;
    let mut answer = http::Response::builder().status(response.status());
    if let Some(headers) = answer.headers_mut() {
        *headers = response.headers().clone();
    }
    let body = response.bytes().await?.to_vec();
    // The status and headers came from a response: they are valid.
    Ok(answer.body(body).unwrap_or_default())
}

/// An `oauth2` failure as an error that shows no token and no body.
fn refused<T>(
    grant: &'static str,
    advice: &'static str,
    error: RequestTokenError<reqwest::Error, StandardErrorResponse<T>>,
) -> Error
where
    T: ErrorResponseType + fmt::Display + 'static,
{
    let auth = match error {
        RequestTokenError::ServerResponse(response) => AuthError::Refused {
            grant,
            error: response.error().to_string(),
            description: response.error_description().cloned(),
            advice,
        },
        RequestTokenError::Request(error) => AuthError::Transport(error.without_url()),
        RequestTokenError::Parse(error, _body) => {
            AuthError::BadResponse(format!("cannot read it at {}", error.path()))
        }
        RequestTokenError::Other(message) => AuthError::BadResponse(message),
    };
    auth.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app() -> App {
        App::new("client-1")
            .unwrap()
            .with_client_secret("client-secret-shh")
    }

    #[test]
    fn the_authorize_url_asks_for_s256_with_a_fresh_state_and_verifier_each_time() {
        let app = app();
        let first = app
            .login("http://127.0.0.1:8080/callback", DEFAULT_SCOPES)
            .unwrap();
        let second = app
            .login("http://127.0.0.1:8080/callback", DEFAULT_SCOPES)
            .unwrap();
        let query = |login: &Login| -> Vec<(String, String)> {
            login
                .authorize_url()
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        };
        let value = |pairs: &[(String, String)], name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        let (a, b) = (query(&first), query(&second));
        assert_eq!(value(&a, "code_challenge_method"), "S256");
        assert_eq!(value(&a, "response_type"), "code");
        assert_eq!(value(&a, "client_id"), "client-1");
        assert_eq!(value(&a, "redirect_uri"), "http://127.0.0.1:8080/callback");
        assert_eq!(value(&a, "scope"), DEFAULT_SCOPES.join(" "));
        assert_ne!(value(&a, "state"), value(&b, "state"));
        assert_ne!(value(&a, "code_challenge"), value(&b, "code_challenge"));
        // The challenge is the verifier's SHA-256, never the verifier.
        assert_eq!(
            value(&a, "code_challenge"),
            PkceCodeChallenge::from_code_verifier_sha256(&first.verifier).as_str()
        );
        assert!(
            !first
                .authorize_url()
                .as_str()
                .contains(first.verifier.secret())
        );
        assert!(
            first
                .authorize_url()
                .as_str()
                .starts_with("https://x.com/i/oauth2/authorize?")
        );
    }

    #[test]
    fn a_redirect_with_another_state_is_refused() {
        let login = app()
            .login("http://127.0.0.1:8080/callback", ["dm.read"])
            .unwrap();
        let state = login.state.secret().clone();
        let code = login
            .code(&format!(
                "http://127.0.0.1:8080/callback?state={state}&code=abc"
            ))
            .unwrap();
        assert_eq!(code.expose_secret(), "abc");
        assert_eq!(
            login
                .code(&format!("state={state}&code=abc"))
                .unwrap()
                .expose_secret(),
            "abc"
        );
        for bad in [
            "http://127.0.0.1:8080/callback?state=forged&code=abc".to_owned(),
            "http://127.0.0.1:8080/callback?code=abc".to_owned(),
        ] {
            let error = login.code(&bad).unwrap_err();
            assert!(
                matches!(error, Error::Auth(AuthError::StateMismatch)),
                "{error}"
            );
        }
        let denied = login
            .code(&format!("?state={state}&error=access_denied"))
            .unwrap_err()
            .to_string();
        assert!(denied.contains("access_denied"), "{denied}");
        assert_eq!(
            login.code("  bare-code\n").unwrap().expose_secret(),
            "bare-code"
        );
    }

    #[test]
    fn a_base_url_moves_every_endpoint_and_debug_shows_no_secret() {
        let app = app().with_base_url("http://127.0.0.1:9999").unwrap();
        assert_eq!(
            app.token_url.as_str(),
            "http://127.0.0.1:9999/2/oauth2/token"
        );
        assert_eq!(
            app.revoke_url.as_str(),
            "http://127.0.0.1:9999/2/oauth2/revoke"
        );
        let login = app.login("http://127.0.0.1:8080/cb", ["dm.read"]).unwrap();
        assert!(
            login
                .authorize_url()
                .as_str()
                .starts_with("http://127.0.0.1:9999/i/oauth2/authorize?")
        );
        let shown = format!("{app:?} {login:?}");
        assert!(!shown.contains("client-secret-shh"), "{shown}");
        assert!(!shown.contains(login.verifier.secret()), "{shown}");
        assert!(!shown.contains(login.state.secret()), "{shown}");
        assert!(
            App::new("c")
                .unwrap()
                .with_base_url("http://example.com")
                .is_err()
        );
    }
}
