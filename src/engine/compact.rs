//! JSON on one line, and otherwise byte for byte as it came.
//!
//! A lexical pass, not a parse: it follows strings and their escapes and
//! drops the whitespace between tokens. Numbers are never read, so
//! `100000000000000000000` and `1.0` stay as they are, and strings are never
//! re-escaped. A body with nothing to drop comes back as it is, uncopied.

use std::borrow::Cow;

/// `json` without insignificant whitespace: the spaces, tabs and line breaks
/// between tokens. Everything else, strings and numbers included, is kept
/// byte for byte.
///
/// Meant for JSON that decodes, such as a page body; on other bytes it still
/// only drops whitespace outside strings.
///
/// ```
/// let pretty = b"{\n  \"id\": \"1\",\n  \"text\": \"a b\",\n  \"n\": 100000000000000000000\n}";
/// assert_eq!(
///     x_dm::compact_json(pretty).as_ref(),
///     br#"{"id":"1","text":"a b","n":100000000000000000000}"#
/// );
/// ```
pub fn compact_json(json: &[u8]) -> Cow<'_, [u8]> {
    // Allocated at the first byte to drop: a compact body is never copied.
    let mut out: Option<Vec<u8>> = None;
    // Where the run of bytes not yet copied to `out` starts.
    let mut kept_from = 0;
    let mut at = 0;
    while at < json.len() {
        match json[at] {
            b'"' => at = string_end(json, at + 1),
            b' ' | b'\t' | b'\n' | b'\r' => {
                let out = out.get_or_insert_with(|| Vec::with_capacity(json.len()));
                out.extend_from_slice(&json[kept_from..at]);
                while at < json.len() && matches!(json[at], b' ' | b'\t' | b'\n' | b'\r') {
                    at += 1;
                }
                kept_from = at;
            }
            _ => at += 1,
        }
    }
    match out {
        None => Cow::Borrowed(json),
        Some(mut out) => {
            out.extend_from_slice(&json[kept_from..]);
            Cow::Owned(out)
        }
    }
}

/// Where the string whose content starts at `from` ends: just past its
/// closing quote, or the end of `json` for a string that never closes.
///
/// Most of a body is string content (texts, URLs, ids), so it is jumped
/// over to the next quote or backslash rather than walked byte by byte.
fn string_end(json: &[u8], mut from: usize) -> usize {
    while let Some(found) = memchr::memchr2(b'"', b'\\', &json[from..]) {
        let at = from + found;
        if json[at] == b'"' {
            return at + 1;
        }
        // A backslash escapes the byte after it, a quote included.
        from = (at + 2).min(json.len());
    }
    json.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Serialize;
    use serde_json::Value;

    fn compacted(json: &str) -> String {
        String::from_utf8(compact_json(json.as_bytes()).into_owned()).unwrap()
    }

    #[test]
    fn whitespace_between_tokens_goes_and_everything_else_stays() {
        let pretty = "{\r\n\t\"a b\" : [ 1.0 , -0.0, 1E+2 ,100000000000000000000 ] ,\n  \"s\": \" x\\\" \\\\\" , \"u\":\"\\u00e9 é\",\"e\" : { } , \"n\" :null }\n";
        assert_eq!(
            compacted(pretty),
            r#"{"a b":[1.0,-0.0,1E+2,100000000000000000000],"s":" x\" \\","u":"\u00e9 é","e":{},"n":null}"#
        );
    }

    #[test]
    fn a_compact_body_comes_back_as_it_is_without_a_copy() {
        let body = br#"{"data":[{"id":"1","text":"two  spaces\n"}],"n":1.50}"#;
        assert!(matches!(compact_json(body), Cow::Borrowed(b) if b == body));
        assert!(matches!(compact_json(b""), Cow::Borrowed(b"")));
    }

    #[test]
    fn a_string_ending_in_a_backslash_ends_where_it_should() {
        assert_eq!(compacted(r#"["\\" , "x"]"#), r#"["\\","x"]"#);
        assert_eq!(compacted(r#"["\\\"" , "x"]"#), r#"["\\\"","x"]"#);
    }

    /// JSON values with strings full of what the pass must not touch:
    /// whitespace, quotes, backslashes and control characters.
    fn json() -> impl Strategy<Value = Value> {
        let text = "[ \t\r\n\"\\\\a-zé\u{1}\u{7f}\u{2028}😀]{0,12}";
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            // Finite, so that the value serializes as a number; both forms
            // write it with the same formatter.
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            text.prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((text, inner), 0..5)
                    .prop_map(|fields| Value::Object(fields.into_iter().collect())),
            ]
        })
    }

    /// The definition, byte by byte: what the fast scan must agree with.
    fn compact_slowly(json: &[u8]) -> Vec<u8> {
        let (mut out, mut in_string, mut escaped) = (Vec::new(), false, false);
        for &byte in json {
            let keep = if in_string {
                if escaped {
                    escaped = false;
                } else if byte == b'\\' {
                    escaped = true;
                } else if byte == b'"' {
                    in_string = false;
                }
                true
            } else if matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                false
            } else {
                in_string = byte == b'"';
                true
            };
            if keep {
                out.push(byte);
            }
        }
        out
    }

    proptest! {
        #[test]
        fn the_fast_scan_agrees_with_the_byte_by_byte_definition_on_any_bytes(
            bytes in prop::collection::vec(prop_oneof![Just(b'"'), Just(b'\\'), Just(b' '), Just(b'\n'), any::<u8>()], 0..200),
        ) {
            prop_assert_eq!(compact_json(&bytes).into_owned(), compact_slowly(&bytes));
        }

        #[test]
        fn pretty_printed_json_compacts_to_serde_json_s_compact_form(value in json()) {
            let pretty = serde_json::to_vec_pretty(&value).unwrap();
            let compact = serde_json::to_vec(&value).unwrap();
            let compacted = compact_json(&pretty);
            prop_assert_eq!(compacted.as_ref(), compact.as_slice());
            prop_assert!(matches!(compact_json(&compact), Cow::Borrowed(_)));
        }

        #[test]
        fn any_whitespace_between_tokens_compacts_away(
            value in json(),
            indent in "[ \t\r\n]{0,4}",
        ) {
            let mut pretty = Vec::new();
            let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
            let mut serializer = serde_json::Serializer::with_formatter(&mut pretty, formatter);
            value.serialize(&mut serializer).unwrap();
            let compact = serde_json::to_vec(&value).unwrap();
            let compacted = compact_json(&pretty);
            prop_assert_eq!(compacted.as_ref(), compact.as_slice());
        }
    }
}
