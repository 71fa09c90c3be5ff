//! `x-dm chat accept|read|typing|mute|unmute|archive|unarchive <ID>`: one
//! change to a Chat conversation, each written as X's answer on one line.

use crate::context::Context;
use crate::export::{self, Failure};

/// A conversation to change.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The conversation: a user id, `uid-uid`, `uid:uid` or a `g` group id.
    pub id: String,
}

/// `x-dm chat read <ID>`.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// The conversation: a user id, `uid-uid`, `uid:uid` or a `g` group id.
    pub id: String,

    /// Mark read up to this event, as servers before 2.173 require; without
    /// it, up to the newest event.
    #[arg(long, value_name = "SEQUENCE_ID")]
    pub until: Option<String>,
}

/// The one change a command makes.
#[derive(Clone, Copy, Debug)]
pub enum Change {
    Accept,
    Typing,
    Mute,
    Unmute,
    Archive,
    Unarchive,
}

/// Makes the change and writes X's answer.
pub async fn run(change: Change, args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let id = args.id.as_str();
    let raw = match change {
        Change::Accept => client
            .accept_chat_message_request(id)
            .send()
            .await?
            .raw_items()
            .first()
            .cloned(),
        Change::Typing => client
            .chat_typing(id)
            .send()
            .await?
            .raw_items()
            .first()
            .cloned(),
        Change::Mute => client
            .mute_chat(id)
            .send()
            .await?
            .raw_items()
            .first()
            .cloned(),
        Change::Unmute => client
            .unmute_chat(id)
            .send()
            .await?
            .raw_items()
            .first()
            .cloned(),
        Change::Archive => client
            .archive_chat(id)
            .send()
            .await?
            .raw_items()
            .first()
            .cloned(),
        Change::Unarchive => client
            .unarchive_chat(id)
            .send()
            .await?
            .raw_items()
            .first()
            .cloned(),
    };
    export::answer(raw.as_ref(), &context)
}

/// Marks the conversation read and writes X's answer.
pub async fn read(args: ReadArgs, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let page = match args.until {
        Some(until) => client.mark_chat_read_until(&args.id, until).send().await?,
        None => client.mark_chat_read(&args.id).send().await?,
    };
    export::answer(page.raw_items().first(), &context)
}
