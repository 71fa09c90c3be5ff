//! Reads a `multipart/form-data` body (RFC 7578) into its parts.
//!
//! The fake needs only the parts' names and bytes: no handler cares whether
//! a part came as a file. Anything malformed is `None`, which the caller
//! answers with a 400, as the real services do.

use bytes::Bytes;

/// One part of a multipart body.
#[derive(Debug)]
pub(crate) struct Part {
    pub name: String,
    pub bytes: Bytes,
}

/// The parts of `body`, sent with `content_type`; `None` unless it is
/// well-formed `multipart/form-data`.
pub(crate) fn parse(content_type: &str, body: &Bytes) -> Option<Vec<Part>> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    let boundary = params
        .split(';')
        .filter_map(|param| param.split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, value)| unquote(value.trim()))
        .filter(|boundary| !boundary.is_empty())?;
    let delimiter = format!("--{boundary}");
    let mut at = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        let rest = body.get(at..)?;
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        if !rest.starts_with(b"\r\n") {
            return None;
        }
        let start = at + 2;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), start)?;
        parts.push(part(body.slice(start..next))?);
        at = next + 2 + delimiter.len();
    }
}

/// One part: its headers, a blank line, its bytes.
fn part(raw: Bytes) -> Option<Part> {
    let split = find(&raw, b"\r\n\r\n", 0)?;
    let headers = std::str::from_utf8(raw.get(..split)?).ok()?;
    let disposition = headers.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(value)
    })?;
    let mut fields = disposition.split(';').map(str::trim);
    if !fields.next()?.eq_ignore_ascii_case("form-data") {
        return None;
    }
    let name = fields.find_map(|field| match field.split_once('=') {
        Some(("name", value)) => Some(unquote(value)),
        _ => None,
    })?;
    Some(Part {
        name,
        bytes: raw.slice(split + 4..),
    })
}

fn unquote(value: &str) -> String {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
        .to_owned()
}

/// Where `needle` first occurs in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|position| from + position)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Multipart;

    #[test]
    fn what_the_client_encodes_comes_back_part_by_part() {
        let (body, content_type) = Multipart::new()
            .text("segment_index", "3")
            .file(
                "media",
                "a.bin",
                "application/octet-stream",
                &b"\r\n--x\x00"[..],
            )
            .encode();
        let parts = parse(&content_type, &body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(
            (parts[0].name.as_str(), &parts[0].bytes[..]),
            ("segment_index", &b"3"[..])
        );
        assert_eq!(parts[1].name, "media");
        assert_eq!(&parts[1].bytes[..], b"\r\n--x\x00");
    }

    #[test]
    fn anything_malformed_is_none_never_a_panic() {
        let good = "multipart/form-data; boundary=b";
        for (content_type, body) in [
            ("application/json", &b"{}"[..]),
            ("multipart/form-data", b"--b--"),
            ("multipart/form-data; boundary=", b"----"),
            (good, b""),
            (good, b"--b"),
            (good, b"--bX"),
            (good, b"--b\r\nno blank line\r\n--b--"),
            (
                good,
                b"--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--",
            ),
            (good, b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--"),
            (
                good,
                b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
            ),
            (good, b"--b\r\n\xff\xfe\r\n\r\nx\r\n--b--"),
        ] {
            assert!(
                parse(content_type, &Bytes::copy_from_slice(body)).is_none(),
                "{content_type} {body:?}"
            );
        }
        let empty = parse(good, &Bytes::from_static(b"--b--\r\n")).unwrap();
        assert!(empty.is_empty());
    }
}
