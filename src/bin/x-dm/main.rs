//! `x-dm`: export X DMs and Chat conversations in one command.

mod archive_db;
mod args;
mod checkpoint;
mod commands;
mod context;
mod exec;
mod export;
mod media_sink;
mod output;
mod profile;
mod progress;
mod stop;
mod watch_state;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{
    ActivityCommand, AuthCommand, ChatCommand, ChatMembersCommand, Cli, Command, GroupCommand,
    MediaCommand, TweetApiCommand, WebhookCommand,
};
use crate::commands::chat_state::Change;
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
        Command::Media(MediaCommand::Download(args)) => {
            commands::media_download::run(args, context).await
        }
        Command::Chat(command) => chat(command, context).await,
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
        Command::Auth(AuthCommand::Login(args)) => commands::auth_login::run(args, context).await,
        Command::Auth(AuthCommand::Status(args)) => commands::auth_status::run(args, context).await,
        Command::Auth(AuthCommand::Refresh(args)) => {
            commands::auth_refresh::run(args, context).await
        }
        Command::Auth(AuthCommand::Logout(args)) => commands::auth_logout::run(args, context).await,
        Command::Tweetapi(TweetApiCommand::Inbox(args)) => {
            commands::tweetapi_inbox::run(args, context).await
        }
        Command::Tweetapi(TweetApiCommand::Updates(args)) => {
            commands::tweetapi_updates::run(args, context).await
        }
        Command::Tweetapi(TweetApiCommand::Send(args)) => {
            commands::tweetapi_send::run(args, context).await
        }
        Command::Tweetapi(TweetApiCommand::Accept(args)) => {
            commands::tweetapi_accept::run(args, context).await
        }
        Command::Tweetapi(TweetApiCommand::CanDm(args)) => {
            commands::tweetapi_can_dm::run(args, context).await
        }
        Command::Tweetapi(TweetApiCommand::Archive(args)) => {
            commands::tweetapi_archive::run(args, context).await
        }
        Command::Tweetapi(TweetApiCommand::Xchat(command)) => {
            commands::tweetapi_xchat::run(command, context).await
        }
        Command::Archive(args) => commands::archive::run(args, context).await,
        Command::Search(args) => commands::search::run(args, context).await,
    }
}

async fn chat(command: ChatCommand, context: Context) -> Result<(), Failure> {
    use commands::{chat_events, chat_members, chat_requests, chat_settings, chat_state};
    match command {
        ChatCommand::Events(args) => chat_events::run(args, context).await,
        ChatCommand::Requests(args) => chat_requests::run(args, context).await,
        ChatCommand::Accept(args) => chat_state::run(Change::Accept, args, context).await,
        ChatCommand::Read(args) => chat_state::read(args, context).await,
        ChatCommand::Typing(args) => chat_state::run(Change::Typing, args, context).await,
        ChatCommand::Mute(args) => chat_state::run(Change::Mute, args, context).await,
        ChatCommand::Unmute(args) => chat_state::run(Change::Unmute, args, context).await,
        ChatCommand::Archive(args) => chat_state::run(Change::Archive, args, context).await,
        ChatCommand::Unarchive(args) => chat_state::run(Change::Unarchive, args, context).await,
        ChatCommand::Members(ChatMembersCommand::Add(args)) => {
            chat_members::add(args, context).await
        }
        ChatCommand::Members(ChatMembersCommand::Remove(args)) => {
            chat_members::remove(args, context).await
        }
        ChatCommand::Settings(args) => chat_settings::run(args, context).await,
    }
}
