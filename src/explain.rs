//! Where a body went wrong, even when its shape is one of several.
//!
//! serde tries each shape of an untagged enum in turn and, when none fits,
//! says only that: the path stops at the enum. For those responses each shape
//! is tried on its own and the deepest failure is the one reported, since it
//! is the shape the body came closest to.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::includes::{self, Decoded, WithIncludes};
use crate::tweetapi::types::{ConversationPage, ConversationResponse, Message};
use crate::x::types::{
    ChatConversation, ChatConversationResponse, ChatConversationsResponse, DmEventsResponse,
    Expansions,
};

/// A response type whose decoding failures can be explained by JSON path.
pub(crate) trait Explain: DeserializeOwned {
    /// The path (`data[3].id`) and the message of the failure to decode
    /// `body` as `Self`.
    fn explain(body: &[u8]) -> (String, String) {
        deepest([failure::<Self>(body)])
    }

    /// `body` as `Self`, with what had to be left out of it; or the path and
    /// message of the failure.
    fn decode(body: &[u8]) -> Result<Decoded<Self>, (String, String)> {
        // The plain decoder is the fast path; the path-tracking one only runs
        // to explain a failure.
        serde_json::from_slice(body)
            .map(|value| (value, Vec::new()))
            .map_err(|_| Self::explain(body))
    }
}

/// X's responses carry `includes`, which may lose an object but not the page.
macro_rules! with_includes {
    ($($response:ty),*) => {$(
        impl WithIncludes for $response {
            fn includes_mut(&mut self) -> &mut Option<Expansions> {
                &mut self.includes
            }
        }
    )*};
}

with_includes!(
    DmEventsResponse,
    ChatConversationsResponse,
    ChatConversationResponse
);

impl Explain for DmEventsResponse {
    fn decode(body: &[u8]) -> Result<Decoded<Self>, (String, String)> {
        includes::decode(body)
    }
}

impl Explain for ChatConversationsResponse {
    fn decode(body: &[u8]) -> Result<Decoded<Self>, (String, String)> {
        includes::decode(body)
    }
}

impl Explain for ChatConversationResponse {
    fn decode(body: &[u8]) -> Result<Decoded<Self>, (String, String)> {
        includes::decode(body)
    }

    fn explain(body: &[u8]) -> (String, String) {
        #[derive(Deserialize)]
        #[allow(dead_code, reason = "only decoded to find where the body fails")]
        struct One {
            data: ChatConversation,
        }
        #[derive(Deserialize)]
        #[allow(dead_code, reason = "only decoded to find where the body fails")]
        struct List {
            data: Vec<ChatConversation>,
        }
        deepest([
            failure::<Self>(body),
            failure::<One>(body),
            failure::<List>(body),
        ])
    }
}

impl Explain for ConversationResponse {
    fn decode(body: &[u8]) -> Result<Decoded<Self>, (String, String)> {
        includes::decode_tweetapi(body)
    }

    fn explain(body: &[u8]) -> (String, String) {
        #[derive(Deserialize)]
        #[allow(dead_code, reason = "only decoded to find where the body fails")]
        struct Wrapped {
            data: ConversationPage,
        }
        #[derive(Deserialize)]
        #[allow(dead_code, reason = "only decoded to find where the body fails")]
        struct List {
            data: Vec<Message>,
        }
        deepest([
            failure::<Self>(body),
            failure::<ConversationPage>(body),
            failure::<Wrapped>(body),
            failure::<List>(body),
        ])
    }
}

/// Where decoding `body` as `T` fails, or `None` if it does not.
fn failure<T: DeserializeOwned>(body: &[u8]) -> Option<(String, String)> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(_) => None,
        Err(error) => Some((error.path().to_string(), error.into_inner().to_string())),
    }
}

/// The failure with the longest path. On a tie, one that says what is wrong
/// there (``missing field `id` ``) beats one that only says a shape did not
/// fit: a one-of's "did not match any variant", or another shape's "invalid
/// type". Then the first.
fn deepest<const N: usize>(failures: [Option<(String, String)>; N]) -> (String, String) {
    let depth = |path: &str| path.matches(['.', '[']).count() + usize::from(path != ".");
    let says_what = |message: &str| {
        !(message.contains("did not match any variant") || message.starts_with("invalid type"))
    };
    let rank = |(path, message): &(String, String)| (depth(path), says_what(message));
    let mut best: Option<(String, String)> = None;
    for failure in failures.into_iter().flatten() {
        if best.as_ref().is_none_or(|best| rank(&failure) > rank(best)) {
            best = Some(failure);
        }
    }
    best.unwrap_or_else(|| {
        (
            ".".to_owned(),
            "the body does not have the documented shape".to_owned(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deepest_failure_wins() {
        let failures = [
            Some((".".to_owned(), "a".to_owned())),
            Some(("data.id".to_owned(), "b".to_owned())),
            None,
        ];
        assert_eq!(deepest(failures).0, "data.id");
        assert_eq!(deepest([None]).0, ".");
    }

    #[test]
    fn a_one_of_item_lacking_a_field_names_the_field() {
        // 2.167's object form of a Chat conversation, without its `id`: every
        // shape fails at `data`, and only one of them says why.
        let cases: [(&[u8], &str); 3] = [
            (br#"{"data":{"type":"group","is_muted":true}}"#, "data"),
            (br#"{"data":[{"id":"g1"},{"type":"group"}]}"#, "data[1]"),
            (br#"{"data":{"messages":[{}]}}"#, "data.messages[0]"),
        ];
        for (index, (body, expected)) in cases.into_iter().enumerate() {
            let (path, message) = if index < 2 {
                ChatConversationResponse::explain(body)
            } else {
                ConversationResponse::explain(body)
            };
            assert_eq!(path, expected);
            assert!(message.starts_with("missing field `id`"), "{message}");
        }
    }
}
