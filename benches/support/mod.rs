//! What the benches share: realistic page bodies and a static server that
//! serves them from memory over loopback, so that the server costs next to
//! nothing and the client is what is measured.

#![allow(dead_code, reason = "each bench uses a different part")]

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::IntoResponse;
use bytes::Bytes;
use serde_json::{Value, json};

/// The conversation every bench walks.
pub const CONVERSATION: &str = "1234567890-9876543210";

/// The token that leads to page `index`.
pub fn token(index: usize) -> String {
    format!("PAGE-TOKEN-{index:010}")
}

/// Page `index` of `pages`: 100 MessageCreate events from 10 senders, with
/// media and referenced Tweets, and the users, media and Tweets they
/// reference included; `next_token` on every page but the last.
pub fn page(index: usize, pages: usize) -> Bytes {
    let users: Vec<Value> = (0..10)
        .map(|u| {
            json!({"id": format!("{}", 1_000_000 + u), "name": format!("User {u}"), "username": format!("user_{u}"),
                   "created_at": "2013-12-14T04:35:55Z", "protected": false, "verified": u % 3 == 0,
                   "public_metrics": {"followers_count": 100 * u, "following_count": 50, "tweet_count": 1000, "listed_count": 3}})
        })
        .collect();
    let mut media = Vec::new();
    let mut tweets = Vec::new();
    let data: Vec<Value> = (0..100)
        .map(|i| {
            let id = 1_900_000_000_000_000_000u64 - (index * 100 + i) as u64;
            let mut event = json!({
                "id": id.to_string(),
                "event_type": "MessageCreate",
                "text": format!("Message {i} of page {index}: the quick brown fox jumps over the lazy dog #tag https://t.co/abc{i}"),
                "created_at": "2026-05-12T14:02:31.000Z",
                "dm_conversation_id": CONVERSATION,
                "sender_id": format!("{}", 1_000_000 + i % 10),
                "hashtags": [{"start": 60, "end": 64, "tag": "tag"}],
                "urls": [{"start": 65, "end": 88, "url": format!("https://t.co/abc{i}"), "expanded_url": "https://example.com/a/long/path", "display_url": "example.com/a/long…"}]
            });
            if i % 5 == 0 {
                let key = format!("3_{id}");
                event["attachments"] = json!({"media_keys": [key]});
                media.push(json!({"media_key": key, "type": "photo", "url": "https://pbs.twimg.com/media/x.jpg", "width": 1200, "height": 800}));
            }
            if i % 10 == 3 {
                let tweet = format!("{}", 1_346_889_436_626_259_968u64 + i as u64);
                event["referenced_tweets"] = json!([{"id": tweet}]);
                tweets.push(json!({"id": tweet, "text": "A Tweet that was shared in a DM", "author_id": "2244994945", "created_at": "Wed Jan 06 18:40:40 +0000 2021"}));
            }
            event
        })
        .collect();
    let mut meta = json!({"result_count": 100});
    if index + 1 < pages {
        meta["next_token"] = json!(token(index + 1));
    }
    if index > 0 {
        meta["previous_token"] = json!(token(index - 1));
    }
    let body = json!({"data": data, "includes": {"users": users, "media": media, "tweets": tweets}, "meta": meta});
    Bytes::from(serde_json::to_vec(&body).unwrap())
}

/// Page `index` of `pages` of the same conversation through TweetAPI: 100
/// messages, their users, and the cursor of the next page on every page but
/// the last.
pub fn tweetapi_page(index: usize, pages: usize) -> Bytes {
    let users: Vec<Value> = (0..2)
        .map(|u| {
            json!({"id": format!("{}", 1_000_000 + u), "name": format!("User {u}"), "username": format!("user_{u}"),
                   "profileImageUrl": "https://pbs.twimg.com/profile_images/x.jpg", "verified": false})
        })
        .collect();
    let messages: Vec<Value> = (0..100)
        .map(|i| {
            let id = 1_900_000_000_000_000_000u64 - (index * 100 + i) as u64;
            json!({
                "id": id.to_string(),
                "conversationId": CONVERSATION,
                "senderId": format!("{}", 1_000_000 + i % 2),
                "recipientId": format!("{}", 1_000_001 - i % 2),
                "text": format!("Message {i} of page {index}: the quick brown fox jumps over the lazy dog #tag https://t.co/abc{i}"),
                "createdAt": "2026-05-12T14:02:31.000Z",
                "requestId": null,
                "editCount": 0,
                "entities": {"hashtags": [{"text": "tag", "indices": [60, 64]}],
                             "urls": [{"url": format!("https://t.co/abc{i}"), "expandedUrl": "https://example.com/a/long/path", "indices": [65, 88]}]}
            })
        })
        .collect();
    let more = index + 1 < pages;
    let mut body = json!({"messages": messages, "users": users, "hasMore": more});
    if more {
        body["cursor"] = json!(token(index + 1));
    }
    Bytes::from(serde_json::to_vec(&body).unwrap())
}

/// A server on 127.0.0.1 serving `pages` pages of the conversation's events,
/// from X and from TweetAPI.
pub struct StaticServer {
    pub base_url: String,
    _task: tokio::task::JoinHandle<()>,
}

#[derive(serde::Deserialize)]
struct PageQuery {
    pagination_token: Option<String>,
    cursor: Option<String>,
}

/// What the server serves: X's pages and TweetAPI's.
struct Bodies {
    x: Vec<Bytes>,
    tweetapi: Vec<Bytes>,
}

fn index_of(token: Option<String>) -> usize {
    token
        .and_then(|token| {
            token
                .strip_prefix("PAGE-TOKEN-")
                .and_then(|n| n.parse::<usize>().ok())
        })
        .unwrap_or(0)
}

async fn serve_page(
    State(bodies): State<Arc<Bodies>>,
    Query(query): Query<PageQuery>,
) -> impl IntoResponse {
    let index = index_of(query.pagination_token);
    let body = bodies.x.get(index).cloned().unwrap_or_default();
    ([("content-type", "application/json")], body)
}

async fn serve_tweetapi_page(
    State(bodies): State<Arc<Bodies>>,
    Query(query): Query<PageQuery>,
) -> impl IntoResponse {
    let index = index_of(query.cursor);
    let body = bodies.tweetapi.get(index).cloned().unwrap_or_default();
    ([("content-type", "application/json")], body)
}

impl StaticServer {
    pub async fn start(pages: usize) -> Self {
        let bodies = Arc::new(Bodies {
            x: (0..pages).map(|i| page(i, pages)).collect(),
            tweetapi: (0..pages).map(|i| tweetapi_page(i, pages)).collect(),
        });
        let app = axum::Router::new()
            .route(
                "/2/dm_conversations/{id}/dm_events",
                axum::routing::get(serve_page),
            )
            .route(
                "/tw-v2/interaction/conversation",
                axum::routing::get(serve_tweetapi_page),
            )
            .with_state(bodies);
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            base_url,
            _task: task,
        }
    }
}
