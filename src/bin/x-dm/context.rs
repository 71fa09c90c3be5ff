//! What every command runs with: where requests go, the credentials from
//! the environment, the output format and file, and the progress display.

use std::io::IsTerminal;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use x_dm::testing::FakeX;
use x_dm::{Client, Credentials, OAuth1, TweetApiClient};

use crate::args::{Format, Global};
use crate::export::Failure;
use crate::profile::Profile;
use crate::progress::Progress;

/// A command's surroundings.
pub struct Context {
    target: Target,
    /// How items are written.
    pub format: Format,
    /// The format `--format` named, if it did: commands that write only
    /// JSON take the terminal's table default for their own.
    pub format_given: Option<Format>,
    /// Where they are written; standard output when `None`.
    pub output: Option<PathBuf>,
    /// The progress display on standard error.
    pub progress: Progress,
    /// The stored login to use when the environment names no credential.
    pub profile: String,
}

impl Context {
    /// The context the global options describe.
    pub async fn new(global: &Global) -> Result<Self, Failure> {
        let target = Target::new(global).await?;
        let format = global.format.unwrap_or_else(|| {
            if global.output.is_none() && std::io::stdout().is_terminal() {
                Format::Table
            } else {
                Format::Jsonl
            }
        });
        Ok(Self {
            target,
            format,
            format_given: global.format,
            output: global.output.clone(),
            progress: Progress::new(),
            profile: global.profile.clone(),
        })
    }

    /// Where requests go, when not to the real API: `--base-url`, or the
    /// built-in fake's root with `--demo`.
    pub fn base_url(&self) -> Option<&str> {
        self.target.base_url.as_deref()
    }

    /// Whether requests go to the built-in fake.
    pub fn demo(&self) -> bool {
        self.target.demo()
    }

    /// The X client, with `X_ACCESS_TOKEN`, the OAuth 1.0a variables or the
    /// stored profile, in that order.
    pub fn x_client(&self) -> Result<Client, Failure> {
        x_client(&self.target, &self.progress, &self.profile)
    }

    /// The X client acting for the app, with `X_BEARER_TOKEN`: what the
    /// webhook endpoints take.
    pub fn app_client(&self) -> Result<Client, Failure> {
        let token = credential("X_BEARER_TOKEN", &self.target)?;
        client_with(token, &self.target, &self.progress)
    }

    /// The app's consumer secret, from `X_CONSUMER_SECRET` only.
    pub fn consumer_secret(&self) -> Result<SecretString, Failure> {
        credential("X_CONSUMER_SECRET", &self.target)
    }

    /// The TweetAPI client, with `TWEETAPI_KEY` and `TWEETAPI_AUTH_TOKEN`.
    pub fn tweetapi_client(&self) -> Result<TweetApiClient, Failure> {
        tweetapi_client(&self.target, &self.progress)
    }
}

/// Where requests go: the built-in fake for `--demo`, else `--base-url` or
/// the real API. The fake lives as long as this value.
struct Target {
    base_url: Option<String>,
    _fake: Option<FakeX>,
}

impl Target {
    async fn new(global: &Global) -> Result<Self, Failure> {
        if global.demo {
            let fake = FakeX::start().await?;
            return Ok(Self {
                base_url: Some(fake.base_url()),
                _fake: Some(fake),
            });
        }
        Ok(Self {
            base_url: global.base_url.clone(),
            _fake: None,
        })
    }

    fn demo(&self) -> bool {
        self._fake.is_some()
    }
}

/// A credential from the environment; with `--demo`, a stand-in.
fn credential(name: &str, target: &Target) -> Result<SecretString, Failure> {
    if target.demo() {
        return Ok(SecretString::from(format!(
            "demo-{}",
            name.to_ascii_lowercase()
        )));
    }
    match std::env::var(name) {
        Ok(value) if !value.is_empty() => Ok(SecretString::from(value)),
        _ => Err(Failure::Usage(format!(
            "set {name} in the environment (credentials are never taken as arguments), or try --demo"
        ))),
    }
}

/// The four variables of an OAuth 1.0a user context.
const OAUTH1: [&str; 4] = [
    "X_CONSUMER_KEY",
    "X_CONSUMER_SECRET",
    "X_OAUTH1_ACCESS_TOKEN",
    "X_OAUTH1_ACCESS_TOKEN_SECRET",
];

/// The X credential: `X_ACCESS_TOKEN`; else the OAuth 1.0a variables, all
/// four; else the stored profile, renewing itself and saving each new set
/// to its file.
fn x_credentials(target: &Target, profile: &str) -> Result<Credentials, Failure> {
    if target.demo() {
        return Ok(Credentials::bearer(
            credential("X_ACCESS_TOKEN", target)?.expose_secret(),
        )?);
    }
    if let Some(token) = set("X_ACCESS_TOKEN") {
        return Ok(Credentials::bearer(token.expose_secret())?);
    }
    let oauth1: Vec<SecretString> = OAUTH1.iter().filter_map(|name| set(name)).collect();
    if let [key, secret, token, token_secret] = oauth1.as_slice() {
        return Ok(Credentials::oauth1(OAuth1::new(
            key.expose_secret(),
            secret.expose_secret(),
            token.expose_secret(),
            token_secret.expose_secret(),
        )));
    }
    let profile = Profile::named(profile)?;
    let Some(tokens) = profile.load()? else {
        return Err(Failure::Usage(format!(
            "no X credential: set X_ACCESS_TOKEN, or all four of {}, or log in with `x-dm auth login` \
             (profile {:?}); credentials are never taken as arguments. Or try --demo",
            OAUTH1.join(", "),
            profile.name
        )));
    };
    let app = crate::profile::app(
        &crate::profile::client_id_of(&tokens)?,
        target.base_url.as_deref(),
    )?;
    Ok(Credentials::refreshing(
        app.refreshing(tokens).on_refresh(profile.store),
    ))
}

/// A variable's value, if set and not empty.
fn set(name: &str) -> Option<SecretString> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.is_empty())
        .map(SecretString::from)
}

fn x_client(target: &Target, progress: &Progress, profile: &str) -> Result<Client, Failure> {
    let builder = Client::builder_with(x_credentials(target, profile)?);
    finish(builder, target, progress)
}

/// A client with the app's bearer token, for the endpoints that take it.
fn client_with(
    token: SecretString,
    target: &Target,
    progress: &Progress,
) -> Result<Client, Failure> {
    finish(Client::builder(token.expose_secret()), target, progress)
}

fn finish(
    mut builder: x_dm::x::ClientBuilder,
    target: &Target,
    progress: &Progress,
) -> Result<Client, Failure> {
    if let Some(base_url) = &target.base_url {
        builder = builder.base_url(base_url);
    }
    let progress = progress.clone();
    Ok(builder.on_wait(move |wait| progress.wait(wait)).build()?)
}

fn tweetapi_client(target: &Target, progress: &Progress) -> Result<TweetApiClient, Failure> {
    let key = credential("TWEETAPI_KEY", target)?;
    let auth_token = credential("TWEETAPI_AUTH_TOKEN", target)?;
    let mut builder = TweetApiClient::builder(key.expose_secret(), auth_token.expose_secret());
    if let Some(base_url) = &target.base_url {
        builder = builder.base_url(base_url);
    }
    let progress = progress.clone();
    Ok(builder.on_wait(move |wait| progress.wait(wait)).build()?)
}
