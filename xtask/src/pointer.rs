//! JSON pointers (RFC 6901), used both to name places in failure messages and
//! to follow local `$ref`s.

use serde_json::Value;

/// Appends one reference token, escaped so keys such as `/dm_events` or
/// `application/json` stay a single segment.
pub fn push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}

/// The JSON pointer a local `$ref` names, or `None` for anything that is not
/// a same-document reference (which this tool does not follow).
///
/// Refs are URI fragments, so they may be percent-encoded on top of the
/// pointer escaping; the validator decodes them, so the spec check must too.
pub fn from_local_ref(reference: &str) -> Option<String> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment)?;
    (decoded.is_empty() || decoded.starts_with('/')).then_some(decoded)
}

/// Follows `pointer` inside `doc`.
pub fn resolve<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    // serde_json implements RFC 6901 exactly, including `~0`/`~1`.
    doc.pointer(pointer)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_tokens() {
        assert_eq!(push("/paths", "/dm_events"), "/paths/~1dm_events");
        assert_eq!(push("", "a~b"), "/a~0b");
    }

    #[test]
    fn decodes_local_refs() {
        assert_eq!(
            from_local_ref("#/components/schemas/A%20B").as_deref(),
            Some("/components/schemas/A B")
        );
        assert_eq!(from_local_ref("other.yaml#/x"), None);
        assert_eq!(from_local_ref("#anchor"), None);
        assert_eq!(from_local_ref("#/bad%zz"), None);
    }
}
