//! `null` read as absent, for the generated types' optional lists and maps.
//!
//! codegen points every such field here: X sends `null` for optional
//! fields, where its schemas mark them nullable and where they do not, and
//! typify's `#[serde(default)]` only covers a field that is left out.

use serde::{Deserialize, Deserializer};

/// The value, or the type's default (an empty list or map) for `null`.
pub(crate) fn or_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}
