//! `getTweetApiConversation`: one DM conversation's messages, twenty a page
//! by cursor, with their users and the conversation's details, in
//! TweetAPI's words for X's objects.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::{not_found, refuse};
use crate::testing::Shared;
use crate::testing::data::{Conversation, Dataset};
use crate::testing::server::call::Call;
use crate::testing::server::paging::{Cursor, slice};
use crate::testing::server::{Route, json_response};
use crate::testing::x::shape::{media_keys, str_of, unique};
use crate::tweetapi::operations::GetTweetApiConversation;
use crate::tweetapi::params;

pub(super) const ROUTE: Route = Route {
    operation: GetTweetApiConversation::operation,
    serve,
    tokens: Some(TOKENS),
};

const TOKENS: &str = "TWAPI";

/// TweetAPI's page size; it takes none from the caller.
const PAGE: usize = 20;

fn serve(shared: &Shared, call: &Call) -> Response {
    let data = shared.store.snapshot();
    let id = call.value(params::CONVERSATION_ID).unwrap_or_default();
    let Some(conversation) = data.conversation(id) else {
        return not_found("Conversation not found");
    };
    // TweetAPI lists messages only; joins and leaves are not messages.
    let messages: Vec<&Value> = conversation
        .events
        .iter()
        .filter(|event| str_of(event, "event_type") == Some("MessageCreate"))
        .collect();
    let Some(slice) = slice(call.cursor, PAGE, messages.len()) else {
        return refuse(call.operation, &call.token_refused());
    };
    let page_of = messages.get(slice.start..slice.end).unwrap_or_default();
    page(&data, conversation, page_of, slice.next)
}

fn page(
    data: &Dataset,
    conversation: &Conversation,
    page: &[&Value],
    next: Option<Cursor>,
) -> Response {
    let shaped: Vec<Value> = page
        .iter()
        .map(|event| message(data, conversation, event))
        .collect();
    let users = users_of(data, &shaped);
    let info = info(conversation, data.tweetapi.trusted(&conversation.id));
    json_response(
        StatusCode::OK,
        &json!({
            "messages": shaped,
            "users": users,
            "conversationInfo": info,
            "hasMore": next.is_some(),
            "cursor": next.map(|cursor| cursor.encode(TOKENS)),
        }),
    )
}

/// A conversation's details as TweetAPI words them; `trusted` says which
/// inbox timeline it is on.
pub(super) fn info(conversation: &Conversation, trusted: bool) -> Value {
    let last = conversation
        .events
        .iter()
        .find(|event| str_of(event, "event_type") == Some("MessageCreate"));
    json!({
        "id": conversation.id,
        "type": if conversation.group { "GROUP_DM" } else { "ONE_TO_ONE" },
        "participants": conversation.participants,
        "lastMessageId": last.and_then(|m| m.get("id")),
        "lastMessageTime": last.and_then(|m| m.get("created_at")),
        "lastReadMessageId": if trusted { last.and_then(|m| m.get("id")).cloned() } else { Some(json!("0")) },
        "trusted": trusted,
        "muted": conversation.muted,
        "readOnly": false,
        "lowQuality": !trusted,
        "nsfw": false,
        "notificationsDisabled": conversation.muted,
    })
}

/// The users `messages` name, as TweetAPI's full profiles.
pub(super) fn users_of(data: &Dataset, messages: &[Value]) -> Vec<Value> {
    let ids = unique(messages.iter().flat_map(|message| {
        str_of(message, "senderId")
            .into_iter()
            .chain(str_of(message, "recipientId"))
    }));
    ids.iter()
        .filter_map(|id| data.user(id))
        .map(user)
        .collect()
}

/// A DM event as TweetAPI words a message.
pub(super) fn message(data: &Dataset, conversation: &Conversation, event: &Value) -> Value {
    let sender = str_of(event, "sender_id");
    let recipient = if conversation.group {
        None
    } else {
        conversation
            .participants
            .iter()
            .find(|p| Some(p.as_str()) != sender)
    };
    let mut message = json!({
        "id": event.get("id"),
        "conversationId": conversation.id,
        "senderId": sender,
        "recipientId": recipient,
        "text": event.get("text"),
        "createdAt": event.get("created_at"),
        "requestId": null,
        "editCount": 0,
    });
    if let Some(entities) = event.get("entities") {
        let list = |key: &str, shape: &dyn Fn(&Value) -> Value| -> Value {
            entities
                .get(key)
                .and_then(Value::as_array)
                .map_or_else(|| json!([]), |items| items.iter().map(shape).collect())
        };
        let indices = |e: &Value| json!([e.get("start"), e.get("end")]);
        message["entities"] = json!({
            "urls": list("urls", &|u| json!({
                "url": u.get("url"),
                "expandedUrl": u.get("expanded_url"),
                "displayUrl": u.get("display_url"),
            })),
            "mentions": list("mentions", &|m| json!({
                "id": m.get("id"),
                "screenName": m.get("username"),
                "indices": indices(m),
            })),
            "hashtags": list("hashtags", &|h| json!({ "text": h.get("tag"), "indices": indices(h) })),
        });
    }
    if let Some(media) = media_keys(event)
        .next()
        .and_then(|key| data.media_item(key))
    {
        let kind = str_of(media, "type").unwrap_or("photo");
        let id = str_of(media, "media_key")
            .and_then(|key| key.split_once('_'))
            .map(|(_, id)| id);
        let url = media
            .get("url")
            .or_else(|| media.pointer("/variants/0/url"))
            .cloned()
            .unwrap_or(Value::Null);
        let mut attachment = json!({ "type": kind });
        attachment[kind] = json!({
            "id": id,
            "url": url,
            "width": media.get("width"),
            "height": media.get("height"),
        });
        message["attachment"] = attachment;
    }
    if let Some(reactions) = event.get("reactions") {
        // Unknown to TweetAPI's spec too: clients must carry it through.
        message["reactions"] = reactions.clone();
    }
    message
}

/// An X user as TweetAPI's full profile.
pub(super) fn user(user: &Value) -> Value {
    let metric = |key: &str| user.pointer(&format!("/public_metrics/{key}")).cloned();
    let verified_type = str_of(user, "verified_type").filter(|t| *t != "none");
    json!({
        "id": user.get("id"),
        "username": user.get("username"),
        "name": user.get("name"),
        "bio": user.get("description"),
        "location": user.get("location"),
        "website": user.get("url"),
        "pinnedTweetIds": user.get("pinned_tweet_id").map(|id| vec![id.clone()]).unwrap_or_default(),
        "avatar": user.get("profile_image_url"),
        "banner": user.get("profile_banner_url"),
        "profileImageShape": if verified_type == Some("business") { "Square" } else { "Circle" },
        "verified": user.get("verified"),
        "isBlueVerified": verified_type.is_some(),
        "verifiedType": verified_type,
        "verifiedSince": null,
        "isIdentityVerified": false,
        "isProtected": user.get("protected"),
        "possiblySensitive": false,
        "profileInterstitialType": null,
        "withheldInCountries": [],
        "professional": null,
        "businessAccount": null,
        "creatorSubscriptionsCount": 0,
        "hasHiddenSubscriptions": false,
        "highlightsInfo": null,
        "hasGraduatedAccess": true,
        "isProfileTranslatable": false,
        "hasCustomTimelines": false,
        "isTranslator": false,
        "affiliatesHighlightedLabel": null,
        "defaultProfile": false,
        "defaultProfileImage": false,
        "followerCount": metric("followers_count"),
        "followingCount": metric("following_count"),
        "tweetCount": metric("tweet_count"),
        "listedCount": metric("listed_count"),
        "mediaCount": metric("media_count"),
        "favoritesCount": metric("like_count"),
        "createdAt": user.get("created_at"),
    })
}
