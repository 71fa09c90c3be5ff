//! The command line, as clap reads it.

use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};
use x_dm::x::types::{
    ChatConversationExpansion, ChatConversationField, DmEventExpansion, DmEventField, DmEventType,
    MediaField, TweetField, UserField,
};

/// Export X (Twitter) DMs and Chat conversations, from the X API or TweetAPI.
///
/// Credentials come from the environment only, never from arguments (which
/// other users can read in `ps`): X_ACCESS_TOKEN (an OAuth 2.0 user-context
/// token with dm.read, tweet.read and users.read) for the X API;
/// TWEETAPI_KEY and TWEETAPI_AUTH_TOKEN (the account's auth_token cookie) for
/// TweetAPI. With --demo, none is needed.
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

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the Chat conversations in the inbox.
    Conversations(ConversationsArgs),
    /// Show one Chat conversation.
    Conversation(ConversationArgs),
    /// Export the events of a DM conversation, newest first.
    Events(EventsArgs),
    /// Read DMs through TweetAPI.
    #[command(subcommand)]
    Tweetapi(TweetApiCommand),
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

/// `x-dm conversations`.
#[derive(Debug, Args)]
pub struct ConversationsArgs {
    /// Conversations per request, 1 to 100.
    #[arg(long, value_name = "N")]
    pub max_results: Option<i32>,

    #[command(flatten)]
    pub amount: Amount,

    #[command(flatten)]
    pub selection: ChatSelectionArgs,
}

/// `x-dm conversation <ID>`.
#[derive(Debug, Args)]
pub struct ConversationArgs {
    /// The conversation: a user id, `uid-uid`, `uid:uid` or a `g` group id.
    pub id: String,

    #[command(flatten)]
    pub selection: ChatSelectionArgs,
}

/// What both Chat commands select.
#[derive(Debug, Args)]
pub struct ChatSelectionArgs {
    /// Conversation fields to return (comma-separated). Default: id, type,
    /// group_name, created_at, updated_at.
    #[arg(long, value_name = "LIST", value_parser = chat_conversation_fields)]
    pub fields: Option<List<ChatConversationField>>,

    /// Id lists to expand into users (comma-separated). Default: member_ids,
    /// participant_ids, which also bring the ids themselves.
    #[arg(long, value_name = "LIST", value_parser = chat_conversation_expansions)]
    pub expansions: Option<List<ChatConversationExpansion>>,

    /// User fields to return for expanded users (comma-separated).
    #[arg(long, value_name = "LIST", value_parser = user_fields)]
    pub user_fields: Option<List<UserField>>,
}

impl ChatSelectionArgs {
    /// The fields, expansions and user fields to ask for, with the defaults
    /// the table needs (types, members and their handles) where none is given.
    ///
    /// Defaults are values every documented version lists. The member and
    /// participant ids are not fields from 2.167 on; their expansions bring
    /// them back in every version.
    pub fn resolve(
        self,
    ) -> (
        Vec<ChatConversationField>,
        Vec<ChatConversationExpansion>,
        Vec<UserField>,
    ) {
        use ChatConversationField as F;
        let fields = self.fields.map_or_else(
            || vec![F::Id, F::Type, F::GroupName, F::CreatedAt, F::UpdatedAt],
            |list| list.0,
        );
        let expansions = self.expansions.map_or_else(
            || {
                vec![
                    ChatConversationExpansion::MemberIds,
                    ChatConversationExpansion::ParticipantIds,
                ]
            },
            |list| list.0,
        );
        let users = self
            .user_fields
            .map_or_else(|| vec![UserField::Username, UserField::Name], |list| list.0);
        (fields, expansions, users)
    }
}

/// `x-dm events <CONVERSATION_ID>`.
#[derive(Debug, Args)]
pub struct EventsArgs {
    /// The DM conversation: `uid-uid` for one-to-one, a numeric id for groups.
    pub conversation_id: String,

    #[command(flatten)]
    pub amount: Amount,

    /// Events per request, 1 to 100.
    #[arg(long, value_name = "N")]
    pub max_results: Option<i32>,

    /// Only these event types (comma-separated).
    #[arg(long, value_name = "LIST", value_parser = event_types)]
    pub event_types: Option<List<DmEventType>>,

    /// Event fields to return (comma-separated). Default: id, event_type,
    /// text, created_at and attachments, which every doc version lists;
    /// sender_id and participant_ids come with the default expansions.
    /// Referenced Tweets need an expansion: referenced_tweets.id (2.166) or
    /// referenced_posts (2.167 and later).
    #[arg(long, value_name = "LIST", value_parser = dm_event_fields)]
    pub fields: Option<List<DmEventField>>,

    /// Fields to expand into objects (comma-separated). Default: sender_id,
    /// participant_ids.
    #[arg(long, value_name = "LIST", value_parser = dm_event_expansions)]
    pub expansions: Option<List<DmEventExpansion>>,

    /// User fields to return (comma-separated). Default: username, name.
    #[arg(long, value_name = "LIST", value_parser = user_fields)]
    pub user_fields: Option<List<UserField>>,

    /// Media fields to return (comma-separated); needs the
    /// attachments.media_keys expansion.
    #[arg(long, value_name = "LIST", value_parser = media_fields)]
    pub media_fields: Option<List<MediaField>>,

    /// Tweet fields to return (comma-separated); needs the
    /// referenced_tweets.id expansion.
    #[arg(long, value_name = "LIST", value_parser = tweet_fields)]
    pub tweet_fields: Option<List<TweetField>>,

    /// Start from this page (a next_token saved from an earlier run).
    #[arg(long, value_name = "T")]
    pub pagination_token: Option<String>,

    /// Save progress here after each page, and resume from it when run again
    /// with the same output file. Needs --output.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
}

/// `x-dm tweetapi ...`.
#[derive(Debug, Subcommand)]
pub enum TweetApiCommand {
    /// Export the messages of a conversation, newest first.
    Conversation(TweetApiConversationArgs),
}

/// `x-dm tweetapi conversation <ID>`.
#[derive(Debug, Args)]
pub struct TweetApiConversationArgs {
    /// The conversation: `userId1-userId2`, or a group's numeric id.
    pub id: String,

    #[command(flatten)]
    pub amount: Amount,

    /// Start from this page (a cursor saved from an earlier run).
    #[arg(long, value_name = "C")]
    pub cursor: Option<String>,

    /// Save progress here after each page, and resume from it when run again
    /// with the same output file. Needs --output.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
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
        fn $name(text: &str) -> Result<List<$ty>, String> {
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
