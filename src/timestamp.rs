//! X's two timestamp forms.

use chrono::{DateTime, Utc};

/// The legacy form X still sends for some Tweets: `Wed Jan 06 18:40:40 +0000 2021`.
const LEGACY: &str = "%a %b %d %H:%M:%S %z %Y";

/// Reads an RFC 3339 timestamp (`2023-11-07T05:31:56Z`, with or without
/// fractional seconds) or X's legacy form. `None` for anything else.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, LEGACY))
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_read_as_the_same_instant() {
        let modern = parse("2021-01-06T18:40:40.000Z").unwrap();
        assert_eq!(parse("Wed Jan 06 18:40:40 +0000 2021"), Some(modern));
        assert_eq!(parse("2021-01-06T19:40:40+01:00"), Some(modern));
    }

    #[test]
    fn anything_else_is_none() {
        for text in [
            "",
            "<string>",
            "2021-01-06",
            "yesterday",
            "Wed Jan 06 18:40:40 2021",
        ] {
            assert_eq!(parse(text), None, "{text:?}");
        }
    }
}
