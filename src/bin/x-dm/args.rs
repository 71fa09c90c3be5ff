//! The command line, as clap reads it.

use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands;
use x_dm::x::types::{
    ChatConversationExpansion, ChatConversationField, DmEventExpansion, DmEventField, DmEventType,
    MediaField, TweetField, UserField,
};

/// Export X (Twitter) DMs and Chat conversations, from the X API or TweetAPI.
///
/// Credentials come from the environment or a stored login, never from
/// arguments (which other users can read in `ps`). For the X API, in this
/// order: X_ACCESS_TOKEN (an OAuth 2.0 user-context token with dm.read,
/// tweet.read and users.read); the four OAuth 1.0a variables X_CONSUMER_KEY,
/// X_CONSUMER_SECRET, X_OAUTH1_ACCESS_TOKEN and X_OAUTH1_ACCESS_TOKEN_SECRET;
/// the profile stored by `x-dm auth login`, renewed as needed. For TweetAPI,
/// TWEETAPI_KEY and TWEETAPI_AUTH_TOKEN (the account's auth_token cookie), and
/// TWEETAPI_XCHAT_PIN for `tweetapi xchat setup`. X_CONSUMER_SECRET (the
/// app's API secret key) for `webhook serve`; X_BEARER_TOKEN (the app's
/// bearer token) for the other `webhook` commands. With --demo, none is
/// needed.
#[derive(Debug, Parser)]
#[command(name = "x-dm", version, about, long_about)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
pub struct Global {
    /// The API root, such as http://127.0.0.1:8080 for a local server (plain
    /// http is allowed for loopback hosts only).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,

    /// Serve every request from the built-in fake X API: no account or
    /// credentials needed.
    #[arg(long, global = true)]
    pub demo: bool,

    /// How to write items: jsonl (one item per line, as the API sent it),
    /// json (one array), pages (one raw response body per line) or table (for
    /// people). Default: table on a terminal, jsonl otherwise.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Write to this file instead of standard output.
    #[arg(short, long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The stored login to use (see `x-dm auth login`).
    #[arg(long, global = true, value_name = "NAME", default_value = crate::profile::DEFAULT_PROFILE)]
    pub profile: String,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One item per line, exactly as the API sent it.
    Jsonl,
    /// One JSON array of items.
    Json,
    /// One raw response body per line.
    Pages,
    /// Time, sender, type and text, for people.
    Table,
}

/// What to do: one variant, and one file under `commands/`, per command.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the Chat conversations in the inbox.
    Conversations(commands::conversations::Args),
    /// Show one Chat conversation.
    Conversation(commands::conversation::Args),
    /// Export the events of a DM conversation, newest first.
    Events(commands::events::Args),
    /// Show one DM event.
    Event(commands::event::Args),
    /// Export the events of every DM conversation, newest first.
    Inbox(commands::inbox::Args),
    /// Delete a DM event you sent.
    Delete(commands::delete::Args),
    /// Send a message, once.
    Send(commands::send::Args),
    /// Group conversations.
    #[command(subcommand)]
    Group(GroupCommand),
    /// Write each new DM event once, as it arrives, until interrupted.
    Watch(commands::watch::Args),
    /// Receive X's webhooks.
    #[command(subcommand)]
    Webhook(WebhookCommand),
    /// X Activity API subscriptions.
    #[command(subcommand)]
    Activity(ActivityCommand),
    /// DM attachments.
    #[command(subcommand)]
    Media(MediaCommand),
    /// X Chat: events, message requests, read state and settings.
    #[command(subcommand)]
    Chat(ChatCommand),
    /// Read and send DMs through TweetAPI.
    #[command(subcommand)]
    Tweetapi(TweetApiCommand),
    /// Keep the whole inbox in a SQLite archive: fetch what is new since
    /// the last run (one request when nothing is), resume an interrupted
    /// run. For cron.
    Archive(commands::archive::Args),
    /// Find messages in the archive, newest first.
    Search(commands::search::Args),
    /// Log in to X, and keep the login's tokens fresh.
    #[command(subcommand)]
    Auth(AuthCommand),
}

/// `x-dm auth ...`.
#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Log in with OAuth 2.0 (PKCE) and store the tokens in the profile.
    Login(commands::auth_login::Args),
    /// Show the profile's login: scopes, expiry, refresh token held. Never a
    /// token.
    Status(commands::auth_status::Args),
    /// Renew the profile's access token now.
    Refresh(commands::auth_refresh::Args),
    /// Revoke the profile's tokens and delete its token file.
    Logout(commands::auth_logout::Args),
}

/// How many items to export.
#[derive(Debug, Args, Clone, Copy)]
#[group(multiple = false)]
pub struct Amount {
    /// Stop after N items (default: one page).
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,

    /// Export every item, following every page.
    #[arg(long)]
    pub all: bool,
}

/// `x-dm group ...`.
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Start a group conversation with its first message.
    Create(commands::group_create::Args),
}

/// `x-dm media ...`.
#[derive(Debug, Subcommand)]
pub enum MediaCommand {
    /// Download one attachment's bytes into -o FILE.
    Download(commands::media_download::Args),
}

/// `x-dm chat ...`.
#[derive(Debug, Subcommand)]
pub enum ChatCommand {
    /// Export the events of a Chat conversation, envelopes as sent.
    Events(commands::chat_events::Args),
    /// List the pending message requests.
    Requests(commands::chat_requests::Args),
    /// Accept a 1:1 conversation's message request.
    Accept(commands::chat_state::Args),
    /// Mark a conversation read.
    Read(commands::chat_state::ReadArgs),
    /// Tell a conversation you are typing.
    Typing(commands::chat_state::Args),
    /// Mute a conversation's notifications.
    Mute(commands::chat_state::Args),
    /// Unmute a conversation's notifications.
    Unmute(commands::chat_state::Args),
    /// Archive a conversation.
    Archive(commands::chat_state::Args),
    /// Unarchive a conversation.
    Unarchive(commands::chat_state::Args),
    /// Add or remove group members.
    #[command(subcommand)]
    Members(ChatMembersCommand),
    /// Show your Chat privacy settings.
    Settings(commands::chat_settings::Args),
}

/// `x-dm chat members ...`.
#[derive(Debug, Subcommand)]
pub enum ChatMembersCommand {
    /// Add users to a group.
    Add(commands::chat_members::Args),
    /// Remove users from a group.
    Remove(commands::chat_members::Args),
}

/// `x-dm activity ...`.
#[derive(Debug, Subcommand)]
pub enum ActivityCommand {
    /// Subscribe to event types (with X_ACCESS_TOKEN, the user's token).
    Subscribe(commands::activity_subscribe::Args),
    /// List the subscriptions.
    List(commands::activity_list::Args),
    /// Delete a subscription.
    Delete(commands::activity_delete::Args),
}

/// `x-dm webhook ...`.
#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Answer X's CRC and write each signed delivery once, until interrupted.
    Serve(commands::webhook_serve::Args),
    /// Register a webhook URL (with X_BEARER_TOKEN, the app's token).
    Register(commands::webhook_register::Args),
    /// List the app's webhooks.
    List(commands::webhook_list::Args),
    /// Have X send a webhook its CRC challenge now.
    Validate(commands::webhook_validate::Args),
    /// Delete a webhook.
    Delete(commands::webhook_delete::Args),
    /// Have X deliver a span of the past 24 hours again.
    Replay(commands::webhook_replay::Args),
}

/// `x-dm tweetapi ...`.
#[derive(Debug, Subcommand)]
pub enum TweetApiCommand {
    /// Export the messages of a conversation, newest first.
    Conversation(commands::tweetapi_conversation::Args),
    /// List the inbox's conversations: trusted ones, then message requests.
    Inbox(commands::tweetapi_inbox::Args),
    /// Write new messages as JSON lines, by polling; once, or with --follow.
    Updates(commands::tweetapi_updates::Args),
    /// Send a message, once.
    Send(commands::tweetapi_send::Args),
    /// Accept a message request.
    Accept(commands::tweetapi_accept::Args),
    /// Check whether the account may message some users.
    CanDm(commands::tweetapi_can_dm::Args),
    /// Archive every conversation of the inbox into the SQLite archive of
    /// `x-dm archive`, as the source `tweetapi`.
    Archive(commands::tweetapi_archive::Args),
    /// XChat (encrypted DMs), decrypted by TweetAPI.
    #[command(subcommand)]
    Xchat(commands::tweetapi_xchat::Command),
}

/// The values of a comma-separated LIST option. A type of its own, so that
/// clap keeps the whole list as one value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List<T>(pub Vec<T>);

/// Splits a comma-separated LIST, refusing an unknown value with the list of
/// valid ones.
fn parse_list<T: FromStr>(text: &str, valid: &[&str]) -> Result<List<T>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(|value| {
            value.parse().map_err(|_| {
                format!(
                    "unknown value `{value}`; valid values: {}",
                    valid.join(", ")
                )
            })
        })
        .collect::<Result<Vec<T>, String>>()
        .and_then(|values| {
            if values.is_empty() {
                Err(format!(
                    "the list is empty; valid values: {}",
                    valid.join(", ")
                ))
            } else {
                Ok(List(values))
            }
        })
}

macro_rules! list_parsers {
    ($($name:ident: $ty:ty),* $(,)?) => {$(
        /// Reads a LIST option of these values.
        pub fn $name(text: &str) -> Result<List<$ty>, String> {
            parse_list(text, <$ty>::VALUES)
        }
    )*};
}

list_parsers! {
    chat_conversation_fields: ChatConversationField,
    chat_conversation_expansions: ChatConversationExpansion,
    user_fields: UserField,
    event_types: DmEventType,
    dm_event_fields: DmEventField,
    dm_event_expansions: DmEventExpansion,
    media_fields: MediaField,
    tweet_fields: TweetField,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_split_on_commas_and_unknown_values_name_the_valid_ones() {
        assert_eq!(
            dm_event_fields("id,text").unwrap().0,
            [DmEventField::Id, DmEventField::Text]
        );
        let error = dm_event_fields("id,txt").unwrap_err();
        assert!(
            error.starts_with("unknown value `txt`; valid values: attachments, created_at"),
            "{error}"
        );
        assert!(user_fields(",").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
