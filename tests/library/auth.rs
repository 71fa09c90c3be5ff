//! Logging in and renewing tokens, end to end against the fake's login
//! endpoints (and httpmock where the exact wire matters); OAuth 1.0a
//! requests checked by the fake's signature check.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{StreamExt, TryStreamExt};
use secrecy::{ExposeSecret, SecretString};
use x_dm::testing::{DEMO_CLIENT_ID, DEMO_CONVERSATION, FakeConfig, FakeX};
use x_dm::x::oauth::{App, DEFAULT_SCOPES};
use x_dm::x::types::CreateMessageRequest;
use x_dm::{AuthError, Client, Error, OAuth1, RefreshingToken, TokenSet};

/// The token sets a store was handed, in order.
type Saved = Arc<Mutex<Vec<TokenSet>>>;

fn app(fake: &FakeX) -> App {
    App::new(DEMO_CLIENT_ID)
        .unwrap()
        .with_base_url(fake.base_url())
        .unwrap()
}

/// A login through the fake's authorize page, over HTTP as a browser would.
async fn log_in(fake: &FakeX, app: &App) -> TokenSet {
    let login = app
        .login("http://127.0.0.1:1/callback", DEFAULT_SCOPES)
        .unwrap();
    x_dm::connect::install_tls_provider();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser
        .get(login.authorize_url().clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 302);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:1/callback?state="),
        "{location}"
    );
    let tokens = login.finish(&location).await.unwrap();
    assert!(fake.is_live(tokens.access_token().expose_secret()));
    tokens
}

fn refreshing(app: &App, tokens: TokenSet) -> (RefreshingToken, Saved) {
    let saved: Saved = Arc::default();
    let store = Arc::clone(&saved);
    let token = app.refreshing(tokens).on_refresh(move |tokens: &TokenSet| {
        store.lock().unwrap().push(tokens.clone());
        Ok(())
    });
    (token, saved)
}

fn client(fake: &FakeX, token: &RefreshingToken) -> Client {
    Client::builder_with(token.clone())
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

fn required(config: FakeConfig) -> FakeConfig {
    config.requiring_login()
}

#[tokio::test]
async fn a_pkce_login_gets_tokens_the_api_takes_and_a_forged_state_gets_nothing() {
    let fake = FakeX::start_with(required(FakeConfig::default()))
        .await
        .unwrap();
    let app = app(&fake);
    let tokens = log_in(&fake, &app).await;
    assert_eq!(tokens.scopes(), DEFAULT_SCOPES);
    assert!(tokens.refresh_token().is_some());
    assert_eq!(tokens.client_id(), Some(DEMO_CLIENT_ID));
    let client = Client::builder(tokens.access_token().expose_secret())
        .base_url(fake.base_url())
        .build()
        .unwrap();
    client.dm_events(DEMO_CONVERSATION).send().await.unwrap();
    // A token the fake never issued is refused.
    let stranger = Client::builder("made-up")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let refused = stranger
        .dm_events(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::Api(error) if error.status == 401),
        "{refused}"
    );

    // A redirect with another login's state is refused before any exchange.
    let login = app
        .login("http://127.0.0.1:1/callback", ["dm.read"])
        .unwrap();
    let other = app
        .login("http://127.0.0.1:1/callback", ["dm.read"])
        .unwrap();
    let redirect = fake.approve(other.authorize_url().as_str()).unwrap();
    let error = login.finish(&redirect).await.unwrap_err();
    assert!(
        matches!(error, Error::Auth(AuthError::StateMismatch)),
        "{error}"
    );
    assert_eq!(fake.logins(), 1);

    // A code traded with another verifier (another login's) is refused.
    let mine = app
        .login("http://127.0.0.1:1/callback", ["dm.read"])
        .unwrap();
    let redirect = fake.approve(mine.authorize_url().as_str()).unwrap();
    let code = mine.code(&redirect).unwrap();
    let error = other.finish(code.expose_secret()).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Auth(AuthError::Refused {
                grant: "authorization code",
                ..
            })
        ),
        "{error}"
    );
    assert!(!error.to_string().contains(code.expose_secret()), "{error}");
}

#[tokio::test]
async fn a_confidential_app_authenticates_with_basic_and_a_public_one_with_its_id() {
    let fake = FakeX::start_with(
        FakeConfig::default().with_confidential_client("confidential-app", "app-secret-9"),
    )
    .await
    .unwrap();
    let confidential = App::new("confidential-app")
        .unwrap()
        .with_client_secret("app-secret-9")
        .with_base_url(fake.base_url())
        .unwrap();
    log_in(&fake, &confidential).await;

    // Without its secret, or with another, the fake refuses the client.
    for app in [
        App::new("confidential-app").unwrap(),
        App::new("confidential-app")
            .unwrap()
            .with_client_secret("wrong"),
    ] {
        let app = app.with_base_url(fake.base_url()).unwrap();
        let login = app.login("http://127.0.0.1:1/cb", ["dm.read"]).unwrap();
        let redirect = fake.approve(login.authorize_url().as_str()).unwrap();
        let error = login.finish(&redirect).await.unwrap_err();
        assert!(
            matches!(&error, Error::Auth(AuthError::Refused { error, .. }) if error == "invalid_client"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn the_token_requests_carry_basic_or_client_id_exactly_as_x_documents() {
    let server = httpmock::MockServer::start_async().await;
    let tokens = r#"{"token_type":"bearer","expires_in":7200,"access_token":"new-access","scope":"dm.read offline.access","refresh_token":"new-refresh"}"#;
    // base64("conf-id:conf-secret")
    let basic = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/2/oauth2/token")
                .header("authorization", "Basic Y29uZi1pZDpjb25mLXNlY3JldA==")
                .header("content-type", "application/x-www-form-urlencoded")
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("refresh_token", "old-refresh")
                .form_urlencoded_tuple_missing("client_id");
            then.status(200)
                .header("content-type", "application/json")
                .body(tokens);
        })
        .await;
    let public = server
        .mock_async(|when, then| {
            when.method("POST")
                .path("/2/oauth2/token")
                .header_missing("authorization")
                .form_urlencoded_tuple("grant_type", "refresh_token")
                .form_urlencoded_tuple("client_id", "public-id");
            then.status(200)
                .header("content-type", "application/json")
                .body(tokens);
        })
        .await;
    let old = TokenSet::new("old-access").with_refresh_token("old-refresh");
    let confidential = App::new("conf-id")
        .unwrap()
        .with_client_secret("conf-secret")
        .with_base_url(server.base_url())
        .unwrap();
    let new = confidential.refresh(&old).await.unwrap();
    assert_eq!(new.access_token().expose_secret(), "new-access");
    assert_eq!(new.refresh_token().unwrap().expose_secret(), "new-refresh");
    assert_eq!(new.scopes(), ["dm.read", "offline.access"]);
    assert!(new.expires_at().is_some());
    basic.assert_async().await;
    let app = App::new("public-id")
        .unwrap()
        .with_base_url(server.base_url())
        .unwrap();
    app.refresh(&old).await.unwrap();
    public.assert_async().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_that_outlives_its_access_token_renews_it_once_and_saves_the_rotated_refresh_token()
{
    // 62 s tokens are due two seconds after they are issued (the margin is
    // 60 s).
    let fake = FakeX::start_with(required(
        FakeConfig::default().with_token_lifetime(Duration::from_secs(62)),
    ))
    .await
    .unwrap();
    let app = app(&fake);
    let first = log_in(&fake, &app).await;
    let (token, saved) = refreshing(&app, first.clone());
    let client = client(&fake, &token);
    let mut pages = client.dm_events(DEMO_CONVERSATION).max_results(50).pages();
    pages.next().await.unwrap().unwrap();
    assert_eq!(fake.refreshes(), 0);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let rest: Vec<_> = pages.take(3).try_collect().await.unwrap();
    assert_eq!(rest.len(), 3);
    assert_eq!(fake.refreshes(), 1);
    assert_eq!(token.refreshes(), 1);

    let saved = saved.lock().unwrap().clone();
    assert_eq!(saved.len(), 1);
    let now = token.tokens().await;
    assert_eq!(
        saved[0].access_token().expose_secret(),
        now.access_token().expose_secret()
    );
    let rotated = saved[0].refresh_token().unwrap().expose_secret().to_owned();
    assert_ne!(rotated, first.refresh_token().unwrap().expose_secret());
    assert!(fake.is_live(now.access_token().expose_secret()));

    // The refresh token used is spent: reusing it fails, and says so.
    let error = app.refresh(&first).await.unwrap_err();
    let Error::Auth(AuthError::Refused {
        grant, error: code, ..
    }) = &error
    else {
        panic!("{error}");
    };
    assert_eq!(
        (*grant, code.as_str()),
        ("refresh token", "invalid_request")
    );
    let shown = error.to_string();
    assert!(shown.contains("log in again"), "{shown}");
    assert!(!shown.contains(first.refresh_token().unwrap().expose_secret()));
    // The saved one still works.
    app.refresh(&saved[0]).await.unwrap();
}

#[tokio::test]
async fn a_401_renews_once_and_sends_again_once_even_a_write() {
    let fake = FakeX::start_with(required(FakeConfig::default()))
        .await
        .unwrap();
    let app = app(&fake);
    let tokens = log_in(&fake, &app).await;
    // The access token dies early (revoked), with hours left on the clock.
    app.revoke(tokens.access_token()).await.unwrap();
    assert!(!fake.is_live(tokens.access_token().expose_secret()));
    let (token, saved) = refreshing(&app, tokens);
    let client = client(&fake, &token);
    let before = fake.requests();
    let message = CreateMessageRequest {
        text: Some("after a refresh".to_owned()),
        attachments: Vec::new(),
    };
    client
        .send_message(DEMO_CONVERSATION, message)
        .send()
        .await
        .unwrap();
    // The refused send, the refresh, the send again.
    assert_eq!(fake.requests() - before, 3);
    assert_eq!(fake.refreshes(), 1);
    assert_eq!(saved.lock().unwrap().len(), 1);
    let events = fake.dataset();
    let sent = events
        .events(DEMO_CONVERSATION)
        .unwrap()
        .iter()
        .filter(|event| event["text"] == "after a refresh")
        .count();
    assert_eq!(sent, 1);

    // The generated client renews the same way.
    app.revoke(token.tokens().await.access_token())
        .await
        .unwrap();
    client
        .generated()
        .get_direct_messages_events_by_conversation_id()
        .id(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap();
    assert_eq!(fake.refreshes(), 2);
}

#[tokio::test]
async fn a_401_after_the_renewal_is_the_answer_not_a_loop() {
    let server = httpmock::MockServer::start_async().await;
    let api = server
        .mock_async(|when, then| {
            when.method("GET")
                .path(format!("/2/dm_conversations/{DEMO_CONVERSATION}/dm_events"));
            then.status(401)
                .header("content-type", "application/problem+json")
                .body(r#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#);
        })
        .await;
    let refresh = server
        .mock_async(|when, then| {
            when.method("POST").path("/2/oauth2/token");
            then.status(200)
                .header("content-type", "application/json")
                .body(r#"{"token_type":"bearer","expires_in":7200,"access_token":"a2","refresh_token":"r2"}"#);
        })
        .await;
    let app = App::new("id")
        .unwrap()
        .with_base_url(server.base_url())
        .unwrap();
    let token = app.refreshing(
        TokenSet::new("a1")
            .with_refresh_token("r1")
            .expiring_in(Duration::from_secs(3600)),
    );
    let client = Client::builder_with(token.clone())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let error = client
        .dm_events(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(e) if e.status == 401),
        "{error}"
    );
    assert_eq!(api.calls_async().await, 2);
    assert_eq!(refresh.calls_async().await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_tasks_sharing_a_client_trigger_one_refresh() {
    let fake = FakeX::start_with(required(FakeConfig::default()))
        .await
        .unwrap();
    let app = app(&fake);
    let tokens = log_in(&fake, &app).await;

    // Due by the clock: the first task renews, the others wait for it.
    let due = tokens.clone().with_expires_at(chrono::Utc::now());
    let (token, saved) = refreshing(&app, due);
    let client = client(&fake, &token);
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let request = client.dm_events(DEMO_CONVERSATION).max_results(1);
            tokio::spawn(async move { request.send().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fake.refreshes(), 1);
    assert_eq!(saved.lock().unwrap().len(), 1);

    // Refused by the API: ten 401s, one renewal, ten sends again.
    let current = token.tokens().await;
    app.revoke(current.access_token()).await.unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let request = client.dm_events(DEMO_CONVERSATION).max_results(1);
            tokio::spawn(async move { request.send().await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(fake.refreshes(), 2);
    assert_eq!(token.refreshes(), 2);
}

#[tokio::test]
async fn oauth1_requests_pass_the_fakes_signature_check_and_a_wrong_secret_does_not() {
    let user = OAuth1::new(
        "consumer-key",
        "consumer-secret",
        "user-token",
        "user-secret",
    );
    let fake = FakeX::start_with(required(FakeConfig::default().with_oauth1(user.clone())))
        .await
        .unwrap();
    let client = Client::builder_with(user)
        .base_url(fake.base_url())
        .build()
        .unwrap();
    // Many signed requests with a query: each one's nonce and signature.
    let pages: Vec<_> = client
        .dm_events(DEMO_CONVERSATION)
        .max_results(100)
        .pages()
        .take(3)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    client
        .generated()
        .get_direct_messages_events_by_conversation_id()
        .id(DEMO_CONVERSATION)
        .max_results(5)
        .send()
        .await
        .unwrap();

    let forger = Client::builder_with(OAuth1::new(
        "consumer-key",
        "consumer-secret",
        "user-token",
        "guessed-secret",
    ))
    .base_url(fake.base_url())
    .build()
    .unwrap();
    let error = forger
        .dm_events(DEMO_CONVERSATION)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Api(e) if e.status == 401),
        "{error}"
    );
}

#[tokio::test]
async fn no_token_code_or_client_secret_reaches_the_logs_at_trace() {
    use tracing_subscriber::fmt::MakeWriter;

    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Buffer {
            self.clone()
        }
    }

    let logs = Buffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let fake = FakeX::start_with(
        required(FakeConfig::default()).with_confidential_client("conf", "conf-secret-xyz"),
    )
    .await
    .unwrap();
    let app = App::new("conf")
        .unwrap()
        .with_client_secret("conf-secret-xyz")
        .with_base_url(fake.base_url())
        .unwrap();
    let login = app
        .login("http://127.0.0.1:1/callback", DEFAULT_SCOPES)
        .unwrap();
    let redirect = fake.approve(login.authorize_url().as_str()).unwrap();
    let code = login.code(&redirect).unwrap();
    let tokens = login.finish(&redirect).await.unwrap();
    let (token, _) = refreshing(&app, tokens.clone().with_expires_at(chrono::Utc::now()));
    let client = client(&fake, &token);
    client.dm_events(DEMO_CONVERSATION).send().await.unwrap();
    let renewed = token.tokens().await;
    let reused = app.refresh(&tokens).await.unwrap_err();
    tracing::error!(error = %reused, debug = ?reused, tokens = ?renewed, "seen by the app");

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("access token renewed"), "{logs}");
    let secrets: Vec<SecretString> = vec![
        tokens.access_token().clone(),
        tokens.refresh_token().unwrap().clone(),
        renewed.access_token().clone(),
        renewed.refresh_token().unwrap().clone(),
        SecretString::from("conf-secret-xyz"),
        code,
    ];
    for secret in &secrets {
        assert!(
            !logs.contains(secret.expose_secret()),
            "a secret is in the logs:\n{logs}"
        );
    }
}

#[test]
fn a_fake_config_shows_its_client_ids_but_never_their_secrets() {
    let config =
        FakeConfig::default().with_confidential_client("confidential-app", "the-client-secret-77");
    let shown = format!("{config:?}");
    assert!(shown.contains("confidential-app"), "{shown}");
    assert!(!shown.contains("the-client-secret-77"), "{shown}");
}
