//! A bad included object costs that object, not the page.
//!
//! What a page includes (X's `includes`, TweetAPI's `users`) is what its
//! items point to, not what the caller asked for, so an included object that
//! lacks a field its schema requires is left out, with a [`Warning`], while
//! the items and every other included object are delivered. A bad item
//! still fails the page. Each API says where its includes are; this is how
//! they are taken apart.
//!
//! The whole body is decoded in one pass first; only a body that fails is
//! taken apart, so pages that decode cost nothing more.

use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::explain::Explain;

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

/// A decoded body and what was left out of it.
pub(crate) type Decoded<T> = (T, Vec<Warning>);

/// Decodes `body` as `T` in one pass; when that fails, decodes it once more
/// with the part `find` locates (and names) set to `null`, and hands that
/// part to `restore`, which keeps what decodes of it.
pub(crate) fn decode_apart<T: Explain>(
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

/// The objects of the list at `path` that decode; a warning for each one
/// that does not, or one for the list if it is not a list.
pub(crate) fn objects<T: DeserializeOwned, P: AsRef<str>>(
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

pub(crate) fn warning(at: String, inner: &str, error: &serde_json::Error) -> Warning {
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
