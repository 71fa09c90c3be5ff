//! `x-dm send`: send a message to a user or a conversation, once.

use x_dm::Client;
use x_dm::prelude::*;
use x_dm::x::types::{DmEventExpansion, DmEventField};

use super::message::MessageArgs;
use crate::context::Context;
use crate::export::{self, Failure};

/// How many of the conversation's newest events the check after an
/// ambiguous failure reads.
const CHECKED_EVENTS: i32 = 20;

/// How far back the check looks for the message, in minutes.
const CHECKED_MINUTES: i64 = 10;

/// `x-dm send (--to <USER_ID> | --conversation <ID>) [--text TEXT | --text-file FILE] [--media FILE]... [--media-id ID]...`.
#[derive(Debug, clap::Args)]
#[group(id = "recipient", required = true, multiple = false, args = ["to", "conversation"])]
pub struct Args {
    /// The user to send to, in your one-to-one conversation with them.
    #[arg(long, value_name = "USER_ID")]
    pub to: Option<String>,

    /// The conversation to send to: `uid-uid` or a group's id.
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,

    #[command(flatten)]
    pub message: MessageArgs,
}

/// Where the message goes.
enum Recipient {
    User(String),
    Conversation(String),
}

/// Sends the message and prints the new event's ids as one JSON line. A
/// send is never repeated: after a failure that may have reached X, the
/// conversation's newest events are read for the same text, what was found
/// is said, and the exit code is 3.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let recipient = match (args.to, args.conversation) {
        (Some(user), _) => Recipient::User(user),
        (None, Some(id)) => Recipient::Conversation(id),
        (None, None) => return Err(Failure::Usage("name --to or --conversation".to_owned())),
    };
    let message = args.message.message(&client, &context.progress).await?;
    let text = message.text.clone();
    let sent = match &recipient {
        Recipient::User(user) => client.send_message_to(user, message).send().await,
        Recipient::Conversation(id) => client.send_message(id, message).send().await,
    };
    match sent {
        Ok(page) => export::answer(page.raw_items().first(), &context),
        Err(error) if error.may_have_taken_effect() => {
            let found = look_for(&client, &recipient, text.as_deref()).await;
            Err(Failure::Unconfirmed(format!(
                "{error}; the message may have been sent, and was not sent again. {found}"
            )))
        }
        Err(error) => Err(error.into()),
    }
}

/// What the conversation's newest events say of a send that may have gone
/// out: an event with the same text, sent in the last minutes by someone
/// other than the recipient, or none.
async fn look_for(client: &Client, recipient: &Recipient, text: Option<&str>) -> String {
    let Some(text) = text else {
        return "A message without text cannot be looked for: check the conversation before sending again.".to_owned();
    };
    let fields = [
        DmEventField::Id,
        DmEventField::EventType,
        DmEventField::Text,
        DmEventField::CreatedAt,
    ];
    let page = match recipient {
        Recipient::User(user) => {
            client
                .dm_events_with(user)
                .fields(fields)
                .expansions([DmEventExpansion::SenderId])
                .max_results(CHECKED_EVENTS)
                .send()
                .await
        }
        Recipient::Conversation(id) => {
            client
                .dm_events(id)
                .fields(fields)
                .expansions([DmEventExpansion::SenderId])
                .max_results(CHECKED_EVENTS)
                .send()
                .await
        }
    };
    let page = match page {
        Ok(page) => page,
        Err(error) => {
            return format!(
                "Reading the conversation to check failed too ({error}): check it before sending again."
            );
        }
    };
    let other = match recipient {
        Recipient::User(user) => Some(user.as_str()),
        Recipient::Conversation(_) => None,
    };
    // The newest first: the send, if it went out, is the newest match.
    let found = page.items().iter().find(|event| {
        event.text.as_deref() == Some(text)
            && (other.is_none() || event.sender_id.as_deref() != other)
    });
    let Some(event) = found else {
        return format!(
            "No event with the same text among the newest {CHECKED_EVENTS}: it may still appear; check before sending again."
        );
    };
    let at = event.created_at.as_deref().unwrap_or("an unknown time");
    let recent = event.created().is_some_and(|sent| {
        sent >= chrono::Utc::now() - chrono::TimeDelta::minutes(CHECKED_MINUTES)
    });
    if recent {
        format!(
            "Found it: event {} at {at}, with the same text. Do not send it again.",
            event.id
        )
    } else {
        format!(
            "The newest event with the same text, {}, is from {at}, more than {CHECKED_MINUTES} minutes ago: probably an earlier message; check before sending again.",
            event.id
        )
    }
}
