//! What the DM event commands select, and the defaults the table needs.

use x_dm::x::types::{DmEventExpansion, DmEventField, MediaField, TweetField, UserField};

use crate::args::{self, List};

/// The fields and expansions of a DM event request.
#[derive(Debug, clap::Args)]
pub struct DmEventSelection {
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
}

impl DmEventSelection {
    /// The event fields to ask for. Defaults are values every documented
    /// version lists: 2.167 and later no longer list the `sender_id` and
    /// `participant_ids` fields, and a strict server would refuse them, but
    /// the expansions of the same names bring those ids back in every
    /// version. Values asked for by name are sent as they are.
    pub fn fields(&self) -> Vec<DmEventField> {
        use DmEventField as F;
        self.fields.clone().map_or_else(
            || vec![F::Id, F::EventType, F::Text, F::CreatedAt, F::Attachments],
            |list| list.0,
        )
    }

    /// The expansions: by default the senders and participants.
    pub fn expansions(&self) -> Vec<DmEventExpansion> {
        self.expansions.clone().map_or_else(
            || vec![DmEventExpansion::SenderId, DmEventExpansion::ParticipantIds],
            |list| list.0,
        )
    }

    /// Adds what saving attachments needs to the selection: the
    /// attachments, their expansion, and each media object's key and URL.
    pub fn ask_for_media(&mut self) {
        let mut fields = self.fields();
        if !fields.contains(&DmEventField::Attachments) {
            fields.push(DmEventField::Attachments);
        }
        self.fields = Some(List(fields));
        let mut expansions = self.expansions();
        if !expansions.contains(&DmEventExpansion::AttachmentsMediaKeys) {
            expansions.push(DmEventExpansion::AttachmentsMediaKeys);
        }
        self.expansions = Some(List(expansions));
        let mut media = self
            .media_fields
            .take()
            .map(|list| list.0)
            .unwrap_or_default();
        for field in [MediaField::MediaKey, MediaField::Type, MediaField::Url] {
            if !media.contains(&field) {
                media.push(field);
            }
        }
        self.media_fields = Some(List(media));
    }

    /// The user fields: by default the handle and name the table shows.
    pub fn user_fields(&self) -> Vec<UserField> {
        self.user_fields
            .clone()
            .map_or_else(|| vec![UserField::Username, UserField::Name], |list| list.0)
    }
}

/// Applies a [`DmEventSelection`] to a request of either DM event operation:
/// they are different generated types with the same setters.
macro_rules! select_dm_events {
    ($request:expr, $selection:expr) => {{
        let selection = $selection;
        let mut request = $request
            .fields(selection.fields())
            .expansions(selection.expansions())
            .user_fields(selection.user_fields());
        if let Some(fields) = selection.media_fields.map(|list| list.0) {
            request = request.media_fields(fields);
        }
        if let Some(fields) = selection.tweet_fields.map(|list| list.0) {
            request = request.tweet_fields(fields);
        }
        request
    }};
}

pub(crate) use select_dm_events;
