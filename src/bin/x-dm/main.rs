//! `x-dm`: export X DMs and Chat conversations in one command.

mod args;
mod checkpoint;
mod commands;
mod context;
mod exec;
mod export;
mod output;
mod progress;
mod stop;
mod watch_state;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{ActivityCommand, Cli, Command, GroupCommand, TweetApiCommand, WebhookCommand};
use crate::context::Context;
use crate::export::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // One thread: a walk is sequential, and a multi-thread runtime's worker
    // handoffs cost more than they save (futex parking showed in profiles).
    // The `--demo` fake is served from the same thread between requests.
    let runtime = match tokio::runtime::Builder::new_current_thread()
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
        Err(Failure::Unconfirmed(message)) => {
            eprintln!("x-dm: {}", output::one_line(&message));
            ExitCode::from(3)
        }
        Err(Failure::ClosedPipe) => ExitCode::SUCCESS,
    }
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let context = Context::new(&cli.global).await?;
    match cli.command {
        Command::Events(args) => commands::events::run(args, context).await,
        Command::Event(args) => commands::event::run(args, context).await,
        Command::Inbox(args) => commands::inbox::run(args, context).await,
        Command::Delete(args) => commands::delete::run(args, context).await,
        Command::Send(args) => commands::send::run(args, context).await,
        Command::Group(GroupCommand::Create(args)) => {
            commands::group_create::run(args, context).await
        }
        Command::Conversations(args) => commands::conversations::run(args, context).await,
        Command::Conversation(args) => commands::conversation::run(args, context).await,
        Command::Watch(args) => commands::watch::run(args, context).await,
        Command::Activity(command) => match command {
            ActivityCommand::Subscribe(args) => {
                commands::activity_subscribe::run(args, context).await
            }
            ActivityCommand::List(args) => commands::activity_list::run(args, context).await,
            ActivityCommand::Delete(args) => commands::activity_delete::run(args, context).await,
        },
        Command::Webhook(command) => match command {
            WebhookCommand::Serve(args) => commands::webhook_serve::run(args, context).await,
            WebhookCommand::Register(args) => commands::webhook_register::run(args, context).await,
            WebhookCommand::List(args) => commands::webhook_list::run(args, context).await,
            WebhookCommand::Validate(args) => commands::webhook_validate::run(args, context).await,
            WebhookCommand::Delete(args) => commands::webhook_delete::run(args, context).await,
            WebhookCommand::Replay(args) => commands::webhook_replay::run(args, context).await,
        },
        Command::Tweetapi(TweetApiCommand::Conversation(args)) => {
            commands::tweetapi_conversation::run(args, context).await
        }
    }
}
