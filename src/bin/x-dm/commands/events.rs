//! `x-dm events <CONVERSATION_ID>`: export the events of a DM conversation.

use std::path::PathBuf;

use x_dm::x::types::{
    DmEventExpansion, DmEventField, DmEventType, MediaField, TweetField, UserField,
};

use crate::args::{self, Amount, List};
use crate::context::Context;
use crate::export::{self, Failure, Plan, Stop};

/// `x-dm events <CONVERSATION_ID>`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The DM conversation: `uid-uid` for one-to-one, a numeric id for groups.
    pub conversation_id: String,

    #[command(flatten)]
    pub amount: Amount,

    /// Events per request, 1 to 100.
    #[arg(long, value_name = "N")]
    pub max_results: Option<i32>,

    /// Only these event types (comma-separated).
    #[arg(long, value_name = "LIST", value_parser = args::event_types)]
    pub event_types: Option<List<DmEventType>>,

    /// Event fields to return (comma-separated). Default: id, event_type,
    /// text, created_at and attachments, which every doc version lists;
    /// sender_id and participant_ids come with the default expansions.
    /// Referenced Tweets need an expansion: referenced_tweets.id (2.166) or
    /// referenced_posts (2.167 and later).
    #[arg(long, value_name = "LIST", value_parser = args::dm_event_fields)]
    pub fields: Option<List<DmEventField>>,

    /// Fields to expand into objects (comma-separated). Default: sender_id,
    /// participant_ids.
    #[arg(long, value_name = "LIST", value_parser = args::dm_event_expansions)]
    pub expansions: Option<List<DmEventExpansion>>,

    /// User fields to return (comma-separated). Default: username, name.
    #[arg(long, value_name = "LIST", value_parser = args::user_fields)]
    pub user_fields: Option<List<UserField>>,

    /// Media fields to return (comma-separated); needs the
    /// attachments.media_keys expansion.
    #[arg(long, value_name = "LIST", value_parser = args::media_fields)]
    pub media_fields: Option<List<MediaField>>,

    /// Tweet fields to return (comma-separated); needs the
    /// referenced_tweets.id expansion.
    #[arg(long, value_name = "LIST", value_parser = args::tweet_fields)]
    pub tweet_fields: Option<List<TweetField>>,

    /// Start from this page (a next_token saved from an earlier run).
    #[arg(long, value_name = "T")]
    pub pagination_token: Option<String>,

    /// Save progress here after each page, and resume from it when run again
    /// with the same output file. Needs --output.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
}

/// Exports the conversation's events, page after page.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let stop = Stop::from(args.amount);
    // Defaults are values every documented version lists: 2.167 and later no
    // longer list the `sender_id` and `participant_ids` fields, and a strict
    // server would refuse them, but the expansions of the same names bring
    // those ids back in every version. Values asked for by name are sent as
    // they are.
    let mut request =
        client
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
        format: context.format,
        stop,
        start: args.pagination_token,
        checkpoint: args.checkpoint,
        output: context.output.clone(),
    };
    export::run(
        plan,
        |start| match start {
            Some(token) => request.pagination_token(token).pages(),
            None => request.pages(),
        },
        &context.progress,
    )
    .await
}
