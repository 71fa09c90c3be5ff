//! Where a body went wrong, even when its shape is one of several.
//!
//! serde tries each shape of an untagged enum in turn and, when none fits,
//! says only that: the path stops at the enum. For those responses each shape
//! is tried on its own and the deepest failure is the one reported, since it
//! is the shape the body came closest to.

use serde::de::DeserializeOwned;

/// A response type whose decoding failures can be explained by JSON path.
pub(crate) trait Explain: DeserializeOwned {
    /// The path (`data[3].id`) and the message of the failure to decode
    /// `body` as `Self`.
    fn explain(body: &[u8]) -> (String, String) {
        deepest([failure::<Self>(body)])
    }
}

/// Where decoding `body` as `T` fails, or `None` if it does not.
pub(crate) fn failure<T: DeserializeOwned>(body: &[u8]) -> Option<(String, String)> {
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
pub(crate) fn deepest<const N: usize>(failures: [Option<(String, String)>; N]) -> (String, String) {
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
    fn on_a_tie_the_failure_that_says_what_is_wrong_wins() {
        let failures = [
            Some((
                "data".to_owned(),
                "data did not match any variant".to_owned(),
            )),
            Some((
                "data".to_owned(),
                "invalid type: map, expected a sequence".to_owned(),
            )),
            Some(("data".to_owned(), "missing field `id`".to_owned())),
        ];
        assert_eq!(deepest(failures).1, "missing field `id`");
    }
}
