//! Media bytes the fake holds: uploads from initialization through appended
//! chunks to a finished file, and the bytes of the seeded attachments, so
//! that an upload, a send and a download round-trip the same bytes.

use std::collections::BTreeMap;
use std::sync::Arc;

/// Where X serves legacy DM media: `{dm_id}/{media_id}/{resource_id}`
/// follow.
pub(crate) const TON_DM_MEDIA: &str = "https://ton.twitter.com/1.1/ton/data/dm";

/// The upload sessions and finished files of one fake.
#[derive(Clone, Debug, Default)]
pub(crate) struct Uploads {
    sessions: Vec<Session>,
    files: Vec<File>,
}

#[derive(Clone, Debug)]
struct Session {
    id: String,
    media_key: String,
    media_type: String,
    total_bytes: u64,
    chunks: BTreeMap<u32, Vec<u8>>,
    finalized: bool,
}

/// A finished upload.
#[derive(Clone, Debug)]
pub(crate) struct File {
    pub media_key: String,
    pub media_type: String,
    pub bytes: Arc<[u8]>,
}

/// Why a step of an upload was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Refused {
    /// No session has that id.
    Unknown,
    /// The session is finalized, or its chunks do not add up.
    Invalid(String),
}

impl Uploads {
    /// Opens a session; the media key's prefix says the media's kind as X's
    /// do (`3_` photo, `16_` GIF, `7_` video).
    pub fn start(&mut self, id: String, media_type: &str, total_bytes: u64) -> &str {
        let prefix = match media_type {
            "image/gif" => "16",
            kind if kind.starts_with("video/") => "7",
            _ => "3",
        };
        self.sessions.push(Session {
            media_key: format!("{prefix}_{id}"),
            id,
            media_type: media_type.to_owned(),
            total_bytes,
            chunks: BTreeMap::new(),
            finalized: false,
        });
        &self.sessions[self.sessions.len() - 1].media_key
    }

    /// Stores chunk `index`; a chunk sent again replaces itself.
    pub fn append(&mut self, id: &str, index: u32, bytes: &[u8]) -> Result<(), Refused> {
        let session = self.session(id)?;
        if session.finalized {
            return Err(Refused::Invalid("the upload is already finalized".into()));
        }
        session.chunks.insert(index, bytes.to_vec());
        Ok(())
    }

    /// Joins the chunks in index order into the finished file, which must
    /// have the size the session announced.
    pub fn finalize(&mut self, id: &str) -> Result<File, Refused> {
        let session = self.session(id)?;
        if session.finalized {
            return Err(Refused::Invalid("the upload is already finalized".into()));
        }
        let bytes: Vec<u8> = session.chunks.values().flatten().copied().collect();
        if bytes.len() as u64 != session.total_bytes {
            return Err(Refused::Invalid(format!(
                "the chunks hold {} bytes, not the {} announced",
                bytes.len(),
                session.total_bytes
            )));
        }
        session.finalized = true;
        let file = File {
            media_key: session.media_key.clone(),
            media_type: session.media_type.clone(),
            bytes: bytes.into(),
        };
        self.files.push(file.clone());
        Ok(file)
    }

    /// The finished file of `id`, if its upload was finalized.
    pub fn finished(&self, id: &str) -> Option<&File> {
        let session = self.sessions.iter().find(|s| s.id == id && s.finalized)?;
        self.file(&session.media_key)
    }

    /// Whether a session of that id exists.
    pub fn knows(&self, id: &str) -> bool {
        self.sessions.iter().any(|s| s.id == id)
    }

    /// The file of a media key, if it was uploaded.
    pub fn file(&self, media_key: &str) -> Option<&File> {
        self.files.iter().find(|f| f.media_key == media_key)
    }

    fn session(&mut self, id: &str) -> Result<&mut Session, Refused> {
        self.sessions
            .iter_mut()
            .find(|s| s.id == id)
            .ok_or(Refused::Unknown)
    }
}

/// The bytes of a seeded attachment: a JPEG's markers around bytes drawn
/// from its key, a few KiB, the same on every run.
pub(crate) fn seeded_bytes(media_key: &str) -> Vec<u8> {
    let mut state = media_key
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
    let length = 2048 + (state % 4096) as usize;
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0];
    bytes.extend((0..length).map(|_| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 56) as u8
    }));
    bytes.extend([0xFF, 0xD9]);
    bytes
}

/// The legacy URL of media `media_id` attached to event `dm_id`, with a
/// resource name drawn from the media id.
pub(crate) fn ton_url(dm_id: &str, media_id: &str, extension: &str) -> String {
    let tail = &media_id[media_id.len().saturating_sub(8)..];
    format!("{TON_DM_MEDIA}/{dm_id}/{media_id}/r{tail}.{extension}")
}

/// `(dm_id, media_id, resource_id)` of a legacy DM media URL.
pub(crate) fn ton_parts(url: &str) -> Option<(&str, &str, &str)> {
    let rest = url.strip_prefix(TON_DM_MEDIA)?.strip_prefix('/')?;
    let mut parts = rest.splitn(3, '/');
    Some((parts.next()?, parts.next()?, parts.next()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_join_in_index_order_and_must_add_up() {
        let mut uploads = Uploads::default();
        assert_eq!(uploads.start("1".into(), "image/png", 6), "3_1");
        uploads.append("1", 1, b"def").unwrap();
        uploads.append("1", 0, b"abX").unwrap();
        uploads.append("1", 0, b"abc").unwrap();
        assert_eq!(&*uploads.finalize("1").unwrap().bytes, b"abcdef");
        assert!(matches!(uploads.finalize("1"), Err(Refused::Invalid(_))));
        assert_eq!(uploads.append("2", 0, b"x"), Err(Refused::Unknown));

        uploads.start("3".into(), "video/mp4", 4);
        uploads.append("3", 0, b"abc").unwrap();
        assert!(matches!(uploads.finalize("3"), Err(Refused::Invalid(_))));
        assert!(uploads.finished("3").is_none());
    }

    #[test]
    fn a_ton_url_splits_into_the_download_path() {
        let url = ton_url("11", "1580000000000000101", "jpg");
        assert_eq!(
            ton_parts(&url),
            Some(("11", "1580000000000000101", "r00000101.jpg"))
        );
        let bytes = seeded_bytes("3_1");
        assert_eq!(&bytes[..4], [0xFF, 0xD8, 0xFF, 0xE0], "a JPEG's start");
        assert_eq!(&bytes[bytes.len() - 2..], [0xFF, 0xD9], "and end");
        assert!(
            (2054..2054 + 4096).contains(&bytes.len()),
            "{}",
            bytes.len()
        );
        assert_ne!(bytes, seeded_bytes("3_2"));
    }
}
