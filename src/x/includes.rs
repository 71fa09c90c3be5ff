//! X's `includes`, taken apart when one object in them does not decode: that
//! object is left out with a warning, the page is delivered.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::types::Expansions;
use crate::engine::lenient::{Warning, objects, warning};

/// Where `includes` is in a body, and its name for warnings.
pub(crate) fn find(body: &[u8]) -> Option<(&RawValue, String)> {
    #[derive(Deserialize)]
    struct Parts<'a> {
        #[serde(borrow)]
        includes: Option<&'a RawValue>,
    }
    let includes = serde_json::from_slice::<Parts<'_>>(body).ok()?.includes?;
    Some((includes, String::from("includes")))
}

/// Every included object that decodes on its own; a warning for each one
/// that does not.
pub(crate) fn expansions(includes: &RawValue, warnings: &mut Vec<Warning>) -> Expansions {
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
