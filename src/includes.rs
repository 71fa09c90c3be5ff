//! A bad included object costs that object, not the page.
//!
//! X's `includes` (and TweetAPI's `users`) hold what the page's items point
//! to, not what the caller asked for, so a user, place or poll that lacks a
//! field its schema requires is left out (with a [`Warning`]) while the items
//! and every other included object are delivered. A bad item still fails the
//! page.
//!
//! The whole body is decoded in one pass first; only a body that fails is
//! taken apart, so pages that decode cost nothing more.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::explain::Explain;
use crate::tweetapi::types::{ConversationResponse, WrappedData};
use crate::x::types::Expansions;

/// Something the API sent that the page leaves out because it could not be
/// decoded; the raw body still holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warning {
    /// Where it is in the body, as a JSON path (`includes.places[0]`).
    pub path: String,
    /// Why it could not be decoded, such as ``missing field `full_name` ``.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "left out {}: {}", self.path, self.message)
    }
}

/// A response with an `includes` object.
pub(crate) trait WithIncludes: Explain {
    fn includes_mut(&mut self) -> &mut Option<Expansions>;
}

/// A decoded body and what was left out of it.
pub(crate) type Decoded<T> = (T, Vec<Warning>);

/// Decodes an X response, leaving out included objects that do not decode.
/// The error is the path and message of the failure that remains.
pub(crate) fn decode<T: WithIncludes>(body: &[u8]) -> Result<Decoded<T>, (String, String)> {
    #[derive(Deserialize)]
    struct Parts<'a> {
        #[serde(borrow)]
        includes: Option<&'a RawValue>,
    }
    fn find(body: &[u8]) -> Option<(&RawValue, String)> {
        let includes = serde_json::from_slice::<Parts<'_>>(body).ok()?.includes?;
        Some((includes, String::from("includes")))
    }
    decode_apart(body, find, |value: &mut T, includes, _, warnings| {
        *value.includes_mut() = Some(expansions(includes, warnings));
    })
}

/// Decodes a TweetAPI page, leaving out users that do not decode: TweetAPI's
/// `users`, at the top or inside `data`, are its includes.
pub(crate) fn decode_tweetapi(
    body: &[u8],
) -> Result<Decoded<ConversationResponse>, (String, String)> {
    #[derive(Deserialize)]
    struct Parts<'a> {
        #[serde(borrow)]
        users: Option<&'a RawValue>,
        #[serde(borrow)]
        data: Option<&'a RawValue>,
    }
    fn find(body: &[u8]) -> Option<(&RawValue, String)> {
        let top = serde_json::from_slice::<Parts<'_>>(body).ok()?;
        if let Some(users) = top.users {
            return Some((users, String::from("users")));
        }
        let inner = serde_json::from_str::<Parts<'_>>(top.data?.get()).ok()?;
        Some((inner.users?, String::from("data.users")))
    }
    decode_apart(body, find, |value, users, path, warnings| {
        let page = match value {
            ConversationResponse::ConversationPage(page) => page,
            ConversationResponse::WrappedConversationPage(wrapper) => match &mut wrapper.data {
                WrappedData::ConversationPage(page) => page,
                WrappedData::Array(_) => return,
            },
        };
        page.users = objects(Some((path, users)), warnings);
    })
}

/// Decodes `body` as `T` in one pass; when that fails, decodes it once more
/// with the part `find` locates (and names) set to `null`, and hands that
/// part to `restore`, which keeps what decodes of it.
fn decode_apart<T: Explain>(
    body: &[u8],
    find: fn(&[u8]) -> Option<(&RawValue, String)>,
    restore: impl FnOnce(&mut T, &RawValue, &str, &mut Vec<Warning>),
) -> Result<Decoded<T>, (String, String)> {
    if let Ok(value) = serde_json::from_slice::<T>(body) {
        return Ok((value, Vec::new()));
    }
    let Some((part, path)) = find(body) else {
        return Err(T::explain(body));
    };
    // The rest of the body, as if the part had not been sent: what fails
    // now is outside it, and the error says where.
    let rest = splice_null(body, part);
    let mut value = serde_json::from_slice::<T>(&rest).map_err(|_| T::explain(&rest))?;
    let mut warnings = Vec::new();
    restore(&mut value, part, &path, &mut warnings);
    for warning in &warnings {
        tracing::warn!(path = %warning.path, message = %warning.message, "included object left out");
    }
    Ok((value, warnings))
}

/// `body` with the bytes of `part`, which it contains, replaced by `null`.
fn splice_null(body: &[u8], part: &RawValue) -> Vec<u8> {
    let text = part.get().as_bytes();
    let start = (text.as_ptr() as usize).wrapping_sub(body.as_ptr() as usize);
    let end = start.saturating_add(text.len());
    match (body.get(..start), body.get(end..)) {
        (Some(before), Some(after)) => [before, b"null", after].concat(),
        // Not a view of the body after all: decoded as it is, the body fails
        // as it did, which is still an error and never a wrong page.
        _ => body.to_vec(),
    }
}

/// Every included object that decodes on its own; a warning for each one
/// that does not.
fn expansions(includes: &RawValue, warnings: &mut Vec<Warning>) -> Expansions {
    let lists: BTreeMap<String, &RawValue> = match serde_json::from_str(includes.get()) {
        Ok(lists) => lists,
        Err(error) => {
            warnings.push(warning("includes".to_owned(), ".", &error));
            return Expansions::default();
        }
    };
    let take = |key: &str| {
        let list = lists.get(key)?;
        Some((format!("includes.{key}"), *list))
    };
    Expansions {
        media: objects(take("media"), warnings),
        places: objects(take("places"), warnings),
        polls: objects(take("polls"), warnings),
        posts: objects(take("posts"), warnings),
        topics: objects(take("topics"), warnings),
        tweets: objects(take("tweets"), warnings),
        users: objects(take("users"), warnings),
    }
}

/// The objects of the list at `path` that decode; a warning for each one
/// that does not, or one for the list if it is not a list.
fn objects<T: DeserializeOwned, P: AsRef<str>>(
    list: Option<(P, &RawValue)>,
    warnings: &mut Vec<Warning>,
) -> Vec<T> {
    let Some((path, list)) = list else {
        return Vec::new();
    };
    let path = path.as_ref();
    let items = match serde_json::from_str::<Option<Vec<&RawValue>>>(list.get()) {
        Ok(items) => items.unwrap_or_default(),
        Err(error) => {
            warnings.push(warning(path.to_owned(), ".", &error));
            return Vec::new();
        }
    };
    let mut decoded = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let mut deserializer = serde_json::Deserializer::from_str(item.get());
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Ok(object) => decoded.push(object),
            Err(error) => warnings.push(warning(
                format!("{path}[{index}]"),
                &error.path().to_string(),
                error.inner(),
            )),
        }
    }
    decoded
}

fn warning(at: String, inner: &str, error: &serde_json::Error) -> Warning {
    let path = match inner {
        "." => at,
        inner if inner.starts_with('[') => format!("{at}{inner}"),
        inner => format!("{at}.{inner}"),
    };
    Warning {
        path,
        message: without_position(error),
    }
}

/// serde_json's message without its line and column, which count from the
/// start of the object, not of the body, and would mislead.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(bare) => bare.to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x::types::DmEventsResponse;

    fn decoded(body: &str) -> Result<Decoded<DmEventsResponse>, (String, String)> {
        decode::<DmEventsResponse>(body.as_bytes())
    }

    #[test]
    fn a_bad_included_object_is_left_out_with_a_warning() {
        let (page, warnings) = decoded(
            r#"{"data":[{"id":"1","event_type":"MessageCreate"}],
                "includes":{"places":[{"id":"p1"},{"id":"p2","full_name":"Two"}],
                            "users":[{"id":"u1"}],"polls":[{"id":"q","options":[{"label":"a"}]}]}}"#,
        )
        .unwrap();
        let includes = page.includes.unwrap();
        assert_eq!(page.data.len(), 1);
        assert_eq!(includes.places.len(), 1);
        assert_eq!(includes.places[0].id, "p2");
        assert_eq!(includes.users.len(), 1);
        assert!(includes.polls.is_empty());
        assert_eq!(
            warnings,
            [
                Warning {
                    path: "includes.places[0]".into(),
                    message: "missing field `full_name`".into()
                },
                Warning {
                    path: "includes.polls[0].options[0]".into(),
                    message: "missing field `position`".into()
                },
            ]
        );
    }

    #[test]
    fn includes_of_the_wrong_shape_are_left_out_whole() {
        let (page, warnings) =
            decoded(r#"{"data":[{"id":"1","event_type":"MessageCreate"}],"includes":{"users":7}}"#)
                .unwrap();
        assert!(page.includes.unwrap().users.is_empty());
        assert_eq!(warnings[0].path, "includes.users");
        let (_, warnings) =
            decoded(r#"{"data":[{"id":"1","event_type":"MessageCreate"}],"includes":"none"}"#)
                .unwrap();
        assert_eq!(warnings[0].path, "includes");
    }

    #[test]
    fn a_bad_item_still_fails_and_is_the_error_even_after_bad_includes() {
        let (path, message) = decoded(
            r#"{"includes":{"places":[{"id":"p1"}]},"data":[{"id":"1","event_type":"MessageCreate"},{"event_type":"MessageCreate"}]}"#,
        )
        .unwrap_err();
        assert_eq!(path, "data[1]");
        assert!(message.starts_with("missing field `id`"), "{message}");
    }

    #[test]
    fn a_tweetapi_user_that_does_not_decode_is_left_out_in_either_shape() {
        let bodies = [
            (
                r#"{"messages":[{"id":"m1"}],"users":[{"name":"no id"},{"id":"u2"}]}"#,
                "users[0]",
            ),
            (
                r#"{"data":{"messages":[{"id":"m1"}],"users":[{"name":"no id"},{"id":"u2"}]}}"#,
                "data.users[0]",
            ),
        ];
        for (body, path) in bodies {
            let (page, warnings) = decode_tweetapi(body.as_bytes()).unwrap();
            let page = match page {
                ConversationResponse::ConversationPage(page) => page,
                ConversationResponse::WrappedConversationPage(wrapper) => match wrapper.data {
                    WrappedData::ConversationPage(page) => page,
                    WrappedData::Array(_) => panic!("{body}: read as a list"),
                },
            };
            assert_eq!(page.messages.len(), 1, "{body}");
            assert_eq!(page.users.len(), 1, "{body}");
            assert_eq!(warnings[0].path, path);
        }
        // A bad message still fails the page.
        let (path, _) = decode_tweetapi(br#"{"messages":[{}],"users":[{}]}"#).unwrap_err();
        assert_eq!(path, "messages[0]");
    }

    #[test]
    fn a_good_body_has_no_warning() {
        let (page, warnings) = decoded(
            r#"{"data":[{"id":"1","event_type":"MessageCreate"}],"includes":{"users":[{"id":"u1"}]}}"#,
        )
        .unwrap();
        assert!(warnings.is_empty());
        assert_eq!(page.includes.unwrap().users[0].id, "u1");
    }
}
