//! How X shapes what it sends: only the requested fields and the defaults,
//! and `includes` holding exactly the objects a page references, with a
//! partial error for each one that is missing.
//!
//! Which fields exist is the spec's word: the values of the operation's
//! `*.fields` parameters, read from its descriptor.

use serde_json::{Map, Value};

use super::partial_not_found;
use crate::testing::data::Dataset;
use crate::testing::server::call::Call;
use crate::x::params;

/// `object` with only what the client asked for: the `keep` keys (defaults
/// and what expansions imply), the requested fields, and any key no spec list
/// knows, as X sends a field it added to everyone.
pub(crate) fn select(
    object: &Value,
    known: &[&[&str]],
    keep: &[&str],
    requested: &[&str],
) -> Value {
    let Value::Object(fields) = object else {
        return object.clone();
    };
    let wanted = |key: &str| {
        keep.contains(&key)
            || requested.contains(&key)
            || !known.iter().any(|list| list.contains(&key))
    };
    Value::Object(
        fields
            .iter()
            .filter(|(key, _)| wanted(key))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
    )
}

pub(crate) fn str_of<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

pub(crate) fn strs(list: Option<&Value>) -> impl Iterator<Item = &str> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
}

/// The media keys a DM event attaches.
pub(crate) fn media_keys(event: &Value) -> impl Iterator<Item = &str> {
    strs(event.get("attachments").and_then(|a| a.get("media_keys")))
}

/// The ids of the Tweets a DM event references.
pub(crate) fn referenced_tweets(event: &Value) -> impl Iterator<Item = &str> {
    event
        .get("referenced_tweets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|reference| str_of(reference, "id"))
}

/// The first occurrence of each id, in order.
pub(crate) fn unique<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for id in ids {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// Each id once, paired with the expansion that named it first.
pub(crate) fn named_by<'a>(
    ids: impl Iterator<Item = (&'a str, &'a str)>,
) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for (id, parameter) in ids {
        if !out.iter().any(|(seen, _)| *seen == id) {
            out.push((id, parameter));
        }
    }
    out
}

/// What kind of object an include is, for [`Includes::add`]: its resource
/// type in partial errors, the fields the spec lists for it, and the fields
/// sent whatever was asked.
pub(crate) struct Kind<'a> {
    pub resource_type: &'a str,
    pub known: &'a [&'a [&'a str]],
    pub defaults: &'a [&'a str],
}

/// Builds `includes` and the partial errors of a page.
#[derive(Default)]
pub(crate) struct Includes {
    lists: Map<String, Value>,
    errors: Vec<Value>,
}

impl Includes {
    /// Adds the objects `ids` name, found by `find` and trimmed to
    /// `requested` fields, under `key`; an id that finds nothing becomes a
    /// partial error naming the expansion it came from.
    pub fn add<'a>(
        &mut self,
        key: &str,
        ids: &[(&'a str, &'a str)],
        find: impl Fn(&str) -> Option<&'a Value>,
        kind: &Kind<'_>,
        requested: &[&str],
    ) {
        let mut found = Vec::new();
        for (id, parameter) in ids {
            match find(id) {
                Some(object) => found.push(select(object, kind.known, kind.defaults, requested)),
                None => self
                    .errors
                    .push(partial_not_found(kind.resource_type, parameter, id)),
            }
        }
        if !found.is_empty() {
            self.lists.insert(key.to_owned(), Value::Array(found));
        }
    }

    /// Adds the users `ids` name, with the `user.fields` the call asks for.
    pub fn users(&mut self, ids: &[(&str, &str)], data: &Dataset, call: &Call) {
        self.add(
            "users",
            ids,
            |id| data.user(id),
            &Kind {
                resource_type: "user",
                known: &[call.allowed(params::USER_FIELDS)],
                defaults: &["id", "name", "username"],
            },
            &call.list(params::USER_FIELDS),
        );
    }

    /// `body` with `includes` and `errors`, when there are any.
    pub fn into_body(self, mut body: Map<String, Value>) -> Map<String, Value> {
        if !self.lists.is_empty() {
            body.insert("includes".into(), Value::Object(self.lists));
        }
        if !self.errors.is_empty() {
            body.insert("errors".into(), Value::Array(self.errors));
        }
        body
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::x::types::DmEventField;

    #[test]
    fn selection_keeps_defaults_requests_and_unknown_keys() {
        let event = json!({"id": "1", "event_type": "MessageCreate", "text": "hi", "sender_id": "2", "created_at": "t", "reactions": []});
        let only = select(
            &event,
            &[DmEventField::VALUES],
            &["id", "event_type", "text"],
            &["created_at"],
        );
        let keys: Vec<&String> = only.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            ["created_at", "event_type", "id", "reactions", "text"]
        );
    }
}
