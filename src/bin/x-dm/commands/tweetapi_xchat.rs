//! `x-dm tweetapi xchat ...`: XChat (encrypted DMs) in plaintext, which
//! TweetAPI decrypts with the account's PIN.

use futures::TryStreamExt;

use super::tweetapi_items::{self, Item, TextArgs};
use crate::args::Amount;
use crate::context::Context;
use crate::export::{self, Failure, Stop};

/// `x-dm tweetapi xchat ...`.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Unlock XChat with the PIN in TWEETAPI_XCHAT_PIN (never an argument).
    Setup(SetupArgs),
    /// List the XChat conversations.
    Conversations(ConversationsArgs),
    /// Export an XChat conversation's messages, decrypted, newest first.
    History(HistoryArgs),
    /// Send an XChat message, once.
    Send(SendArgs),
}

/// `x-dm tweetapi xchat setup --user <USER_ID>`.
#[derive(Debug, clap::Args)]
pub struct SetupArgs {
    /// The account's own user id.
    #[arg(long, value_name = "USER_ID")]
    pub user: String,
}

/// `x-dm tweetapi xchat conversations [--all]`.
#[derive(Debug, clap::Args)]
pub struct ConversationsArgs {
    /// Follow every page (default: the first).
    #[arg(long)]
    pub all: bool,
}

/// `x-dm tweetapi xchat history <UID:UID> [--limit N | --all]`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The conversation, `userId1:userId2`.
    #[arg(value_name = "UID:UID")]
    pub id: String,

    #[command(flatten)]
    pub amount: Amount,
}

/// `x-dm tweetapi xchat send --to <USER_ID> (--text TEXT | --text-file FILE)`.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The user to send to.
    #[arg(long, value_name = "USER_ID")]
    pub to: String,

    #[command(flatten)]
    pub text: TextArgs,
}

/// Runs one XChat command.
pub async fn run(command: Command, context: Context) -> Result<(), Failure> {
    let client = context.tweetapi_client()?;
    match command {
        Command::Setup(args) => {
            let reply = client.xchat_setup(&args.user).send().await?;
            export::answer(Some(reply.raw_body()), &context)
        }
        Command::Send(args) => {
            let reply = client
                .xchat_send(&args.to, args.text.text()?)
                .send()
                .await?;
            export::answer(Some(reply.raw_body()), &context)
        }
        Command::Conversations(args) => {
            let request = client.xchat_conversations(None);
            let pages: Vec<_> = if args.all {
                request.pages().try_collect().await?
            } else {
                vec![request.send().await?]
            };
            let items = pages
                .iter()
                .flat_map(|page| page.conversations.iter())
                .map(|c| {
                    let who: Vec<&str> = c
                        .participants
                        .iter()
                        .map(|p| {
                            p.screen_name
                                .as_deref()
                                .or(p.user_id.as_deref())
                                .unwrap_or("-")
                        })
                        .collect();
                    Item::new(
                        &c.conversation_id,
                        c,
                        [
                            c.last_message_timestamp
                                .map_or_else(|| "-".to_owned(), |ms| ms.to_string()),
                            who.join(","),
                            c.type_.clone().unwrap_or_else(|| "xchat".to_owned()),
                            c.conversation_id.clone(),
                        ],
                    )
                })
                .collect();
            tweetapi_items::write(items, &context)
        }
        Command::History(args) => {
            let stop = Stop::from(args.amount);
            let limit = match stop {
                Stop::Items(n) => Some(i32::try_from(n.clamp(1, 200)).unwrap_or(200)),
                _ => None,
            };
            let request = client.xchat_history(&args.id, limit);
            let mut messages = Vec::new();
            let mut pages = request.pages();
            while let Some(page) = pages.try_next().await? {
                messages.extend(page.into_value().messages);
                match stop {
                    Stop::OnePage => break,
                    Stop::Items(n) if messages.len() as u64 >= n => {
                        messages.truncate(usize::try_from(n).unwrap_or(usize::MAX));
                        break;
                    }
                    _ => {}
                }
            }
            let items = messages
                .iter()
                .map(|m| {
                    Item::new(
                        &m.id,
                        m,
                        [
                            m.timestamp
                                .map_or_else(|| "-".to_owned(), |ms| ms.to_string()),
                            m.sender_id.clone().unwrap_or_else(|| "-".to_owned()),
                            "message".to_owned(),
                            m.text.clone().unwrap_or_default(),
                        ],
                    )
                })
                .collect();
            tweetapi_items::write(items, &context)
        }
    }
}
