//! `x-dm`: export X DMs and Chat conversations in one command.

mod args;
mod checkpoint;
mod export;
mod output;
mod progress;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use secrecy::{ExposeSecret, SecretString};
use x_dm::testing::FakeX;
use x_dm::x::types::{DmEventExpansion, DmEventField, UserField};
use x_dm::{Client, TweetApiClient};

use crate::args::{Cli, Command, Format, Global, TweetApiCommand};
use crate::export::{Failure, Plan, Stop};
use crate::output::Output;
use crate::progress::Progress;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("x-dm: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // Messages can quote a server's text: no escape sequence reaches the
        // terminal.
        Err(Failure::Usage(message)) => {
            eprintln!("x-dm: {}", output::one_line(&message));
            ExitCode::from(2)
        }
        Err(Failure::Run(message)) => {
            eprintln!("x-dm: {}", output::one_line(&message));
            ExitCode::FAILURE
        }
        Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
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

async fn run(cli: Cli) -> Result<(), Failure> {
    let target = Target::new(&cli.global).await?;
    let format = cli.global.format.unwrap_or_else(|| {
        if cli.global.output.is_none() && std::io::stdout().is_terminal() {
            Format::Table
        } else {
            Format::Jsonl
        }
    });
    let output = cli.global.output.clone();
    let progress = Progress::new();
    match cli.command {
        Command::Events(args) => {
            let client = x_client(&target, &progress)?;
            let stop = Stop::from(args.amount);
            // Defaults are values every documented version lists: 2.167 and
            // later no longer list the `sender_id` and `participant_ids`
            // fields, and a strict server would refuse them, but the
            // expansions of the same names bring those ids back in every
            // version. Values asked for by name are sent as they are.
            let mut request = client
                .dm_events(&args.conversation_id)
                .fields(args.fields.map(|list| list.0).unwrap_or_else(|| {
                    use DmEventField as F;
                    vec![F::Id, F::EventType, F::Text, F::CreatedAt, F::Attachments]
                }))
                .expansions(args.expansions.map(|list| list.0).unwrap_or_else(|| {
                    vec![DmEventExpansion::SenderId, DmEventExpansion::ParticipantIds]
                }))
                .user_fields(
                    args.user_fields
                        .map(|list| list.0)
                        .unwrap_or_else(|| vec![UserField::Username, UserField::Name]),
                );
            if let Some(size) = stop.page_size(args.max_results) {
                request = request.max_results(size);
            }
            if let Some(types) = args.event_types.map(|list| list.0) {
                request = request.event_types(types);
            }
            if let Some(fields) = args.media_fields.map(|list| list.0) {
                request = request.media_fields(fields);
            }
            if let Some(fields) = args.tweet_fields.map(|list| list.0) {
                request = request.tweet_fields(fields);
            }
            let plan = Plan {
                command: "events",
                target: args.conversation_id.clone(),
                format,
                stop,
                start: args.pagination_token,
                checkpoint: args.checkpoint,
                output,
            };
            export::run(
                plan,
                |start| match start {
                    Some(token) => request.pagination_token(token).pages(),
                    None => request.pages(),
                },
                &progress,
            )
            .await
        }
        Command::Conversations(args) => {
            let client = x_client(&target, &progress)?;
            let stop = Stop::from(args.amount);
            let (fields, expansions, users) = args.selection.resolve();
            let mut request = client
                .conversations()
                .fields(fields)
                .expansions(expansions)
                .user_fields(users);
            if let Some(size) = stop.page_size(args.max_results) {
                request = request.max_results(size);
            }
            let plan = Plan {
                command: "conversations",
                target: String::new(),
                format,
                stop,
                start: None,
                checkpoint: None,
                output,
            };
            export::run(plan, |_| request.pages(), &progress).await
        }
        Command::Conversation(args) => {
            let client = x_client(&target, &progress)?;
            let (fields, expansions, users) = args.selection.resolve();
            let request = client
                .conversation(&args.id)
                .fields(fields)
                .expansions(expansions)
                .user_fields(users);
            let page = request.send().await?;
            progress.finish();
            let file = output.map(std::fs::File::create).transpose()?;
            let mut out = Output::new(file, format, 0, 0)?;
            let rows = export::ExportPage::rows(&page, &mut export::Names::default());
            for warning in export::ExportPage::warnings(&page) {
                eprintln!("warning: {}", output::one_line(&warning));
            }
            out.page(page.raw_body(), &rows)?;
            Ok(out.finish()?)
        }
        Command::Tweetapi(TweetApiCommand::Conversation(args)) => {
            let client = tweetapi_client(&target, &progress)?;
            let request = client.conversation(&args.id);
            let plan = Plan {
                command: "tweetapi conversation",
                target: args.id.clone(),
                format,
                stop: Stop::from(args.amount),
                start: args.cursor,
                checkpoint: args.checkpoint,
                output,
            };
            export::run(
                plan,
                |start| match start {
                    Some(cursor) => request.cursor(cursor).pages(),
                    None => request.pages(),
                },
                &progress,
            )
            .await
        }
    }
}
