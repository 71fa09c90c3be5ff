//! What both Chat commands select, and the defaults the table needs.

use clap::Args;
use x_dm::x::types::{ChatConversationExpansion, ChatConversationField, UserField};

use crate::args::{self, List};

/// What both Chat commands select.
#[derive(Debug, Args)]
pub struct ChatSelection {
    /// Conversation fields to return (comma-separated). Default: id, type,
    /// group_name, created_at, updated_at.
    #[arg(long, value_name = "LIST", value_parser = args::chat_conversation_fields)]
    pub fields: Option<List<ChatConversationField>>,

    /// Id lists to expand into users (comma-separated). Default: member_ids,
    /// participant_ids, which also bring the ids themselves.
    #[arg(long, value_name = "LIST", value_parser = args::chat_conversation_expansions)]
    pub expansions: Option<List<ChatConversationExpansion>>,

    /// User fields to return for expanded users (comma-separated).
    #[arg(long, value_name = "LIST", value_parser = args::user_fields)]
    pub user_fields: Option<List<UserField>>,
}

impl ChatSelection {
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
