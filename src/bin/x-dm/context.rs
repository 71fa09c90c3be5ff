//! What every command runs with: where requests go, the credentials from
//! the environment, the output format and file, and the progress display.

use std::io::IsTerminal;
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use x_dm::testing::FakeX;
use x_dm::{Client, TweetApiClient};

use crate::args::{Format, Global};
use crate::export::Failure;
use crate::progress::Progress;

/// A command's surroundings.
pub struct Context {
    target: Target,
    /// How items are written.
    pub format: Format,
    /// Whether `--format` was given, rather than chosen for the terminal.
    pub format_given: bool,
    /// Where they are written; standard output when `None`.
    pub output: Option<PathBuf>,
    /// The progress display on standard error.
    pub progress: Progress,
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
            format_given: global.format.is_some(),
            output: global.output.clone(),
            progress: Progress::new(),
        })
    }

    /// The X client, with `X_ACCESS_TOKEN`.
    pub fn x_client(&self) -> Result<Client, Failure> {
        x_client(&self.target, &self.progress)
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

fn x_client(target: &Target, progress: &Progress) -> Result<Client, Failure> {
    let token = credential("X_ACCESS_TOKEN", target)?;
    client_with(token, target, progress)
}

fn client_with(
    token: SecretString,
    target: &Target,
    progress: &Progress,
) -> Result<Client, Failure> {
    let mut builder = Client::builder(token.expose_secret());
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
