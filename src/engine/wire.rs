//! How parameter values look on the wire.

use std::fmt;

use serde::{Serialize, Serializer};

/// Values of an array query parameter, sent as one comma-separated value
/// (`dm_event.fields=id,text`), which is the only form X reads.
///
/// A value given twice is kept once, in first-seen order. An empty list is
/// kept as it is so that the pre-send check can refuse it by name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CommaList<T>(Vec<T>);

impl<T: PartialEq> CommaList<T> {
    /// The values, in the order they will be sent.
    pub fn as_slice(&self) -> &[T] {
        &self.0
    }

    /// How many distinct values the list holds.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the list holds no value.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<T: PartialEq> FromIterator<T> for CommaList<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut values = Vec::new();
        for value in iter {
            if !values.contains(&value) {
                values.push(value);
            }
        }
        Self(values)
    }
}

impl<T: PartialEq> From<Vec<T>> for CommaList<T> {
    fn from(values: Vec<T>) -> Self {
        values.into_iter().collect()
    }
}

impl<T: PartialEq, const N: usize> From<[T; N]> for CommaList<T> {
    fn from(values: [T; N]) -> Self {
        values.into_iter().collect()
    }
}

impl<T: PartialEq + Clone> From<&[T]> for CommaList<T> {
    fn from(values: &[T]) -> Self {
        values.iter().cloned().collect()
    }
}

impl<T: fmt::Display> fmt::Display for CommaList<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, value) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{value}")?;
        }
        Ok(())
    }
}

impl<T: fmt::Display> Serialize for CommaList<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Writes the commas of a query string as X documents them.
///
/// reqwest form-encodes `,` as `%2C`. Both decode to the same character, so the
/// rewrite changes no value; it makes the request read like the docs, and a
/// literal `%2C` in a value is already escaped to `%252C` and left alone.
pub(crate) fn literal_commas(url: &mut reqwest::Url) {
    let Some(query) = url.query() else { return };
    if query.contains("%2C") {
        let rewritten = query.replace("%2C", ",");
        url.set_query(Some(&rewritten));
    }
}
