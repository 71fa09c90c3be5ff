//! X's `includes`, taken apart when one object in them does not decode: that
//! object is left out with a warning, the page is delivered.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::types::Expansions;
use crate::engine::lenient::{Warning, warning};

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
///
/// Each object is tried as the one object of its list, through the
/// generated `Expansions` itself, so that every list the spec gives
/// `includes` is covered without naming any here.
pub(crate) fn expansions(includes: &RawValue, warnings: &mut Vec<Warning>) -> Expansions {
    let lists: BTreeMap<String, &RawValue> = match serde_json::from_str(includes.get()) {
        Ok(lists) => lists,
        Err(error) => {
            warnings.push(warning("includes".to_owned(), ".", &error));
            return Expansions::default();
        }
    };
    let mut kept = serde_json::Map::new();
    for (key, list) in lists {
        let list = match serde_json::from_str::<Option<Vec<&RawValue>>>(list.get()) {
            Ok(list) => list.unwrap_or_default(),
            Err(error) => {
                warnings.push(warning(format!("includes.{key}"), ".", &error));
                continue;
            }
        };
        let mut good = Vec::new();
        for (index, object) in list.into_iter().enumerate() {
            let alone = format!(
                "{{{}:[{}]}}",
                serde_json::Value::from(key.as_str()),
                object.get()
            );
            let mut deserializer = serde_json::Deserializer::from_str(&alone);
            match serde_path_to_error::deserialize::<_, Expansions>(&mut deserializer) {
                Ok(_) => good.push(object),
                Err(error) => {
                    // The path is `<key>[0].<field>`: the object's own part
                    // starts after its list and index.
                    let path = error.path().to_string();
                    let inner = path
                        .split_once("[0]")
                        .map_or(".", |(_, rest)| rest.trim_start_matches('.'));
                    let inner = if inner.is_empty() { "." } else { inner };
                    warnings.push(warning(
                        format!("includes.{key}[{index}]"),
                        inner,
                        error.inner(),
                    ));
                }
            }
        }
        kept.insert(
            key,
            serde_json::Value::from(
                good.into_iter()
                    .map(|raw| serde_json::from_str(raw.get()).unwrap_or_default())
                    .collect::<Vec<serde_json::Value>>(),
            ),
        );
    }
    serde_json::from_value(serde_json::Value::Object(kept)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use crate::x::Page;
    use crate::x::types::DmEvent;

    fn page(body: &str) -> Result<Page<DmEvent>, crate::Error> {
        Page::parse(body.as_bytes().to_vec())
    }

    fn page_of(body: &str) -> Page<DmEvent> {
        page(body).unwrap()
    }

    fn warnings(page: &Page<DmEvent>) -> Vec<(String, String)> {
        page.warnings()
            .iter()
            .map(|w| (w.path.clone(), w.message.clone()))
            .collect()
    }

    #[test]
    fn a_bad_included_object_is_left_out_with_a_warning_naming_its_field() {
        let page = page(
            r#"{"data":[{"id":"1","event_type":"MessageCreate"}],
                "includes":{"places":[{"id":"p1"},{"id":"p2","full_name":"Two"}],
                            "users":[{"id":"u1"}],"polls":[{"id":"q","options":[{"label":"a"}]}]}}"#,
        )
        .unwrap();
        let includes = page.includes();
        assert_eq!(page.items().len(), 1);
        assert_eq!(includes.places.len(), 1);
        assert_eq!(includes.places[0].id, "p2");
        assert_eq!(includes.users.len(), 1);
        assert!(includes.polls.is_empty());
        assert_eq!(
            warnings(&page),
            [
                (
                    "includes.places[0]".to_owned(),
                    "missing field `full_name`".to_owned()
                ),
                (
                    "includes.polls[0].options[0]".to_owned(),
                    "missing field `position`".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn includes_of_the_wrong_shape_are_left_out_whole() {
        let page = page(r#"{"data":[{"id":"1","event_type":"MessageCreate"}],"includes":"none"}"#)
            .unwrap();
        assert_eq!(warnings(&page)[0].0, "includes");
        assert_eq!(page.items().len(), 1);
        let page = page_of(
            r#"{"data":[{"id":"1","event_type":"MessageCreate"}],"includes":{"users":7,"media":[{"media_key":"m","type":"photo"}]}}"#,
        );
        assert_eq!(warnings(&page)[0].0, "includes.users");
        assert_eq!(page.includes().media.len(), 1, "the other lists stay");
    }

    #[test]
    fn a_bad_item_still_fails_the_page_after_bad_includes() {
        let error = page(
            r#"{"includes":{"places":[{"id":"p1"}]},"data":[{"id":"1","event_type":"MessageCreate"},{"event_type":"MessageCreate"}]}"#,
        )
        .unwrap_err();
        let crate::Error::Decode { path, message, .. } = error else {
            panic!("{error:?}")
        };
        assert_eq!(path, "data[1]");
        assert!(message.starts_with("missing field `id`"), "{message}");
    }

    #[test]
    fn a_good_body_has_no_warning() {
        let page = page(
            r#"{"data":[{"id":"1","event_type":"MessageCreate"}],"includes":{"users":[{"id":"u1"}]}}"#,
        )
        .unwrap();
        assert!(page.warnings().is_empty());
        assert_eq!(page.includes().users[0].id, "u1");
    }
}
