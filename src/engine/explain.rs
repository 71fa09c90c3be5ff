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

/// The failure with the longest path; the first on a tie.
pub(crate) fn deepest<const N: usize>(failures: [Option<(String, String)>; N]) -> (String, String) {
    let depth = |path: &str| path.matches(['.', '[']).count() + usize::from(path != ".");
    let mut best: Option<(String, String)> = None;
    for failure in failures.into_iter().flatten() {
        if best
            .as_ref()
            .is_none_or(|(path, _)| depth(&failure.0) > depth(path))
        {
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
}
