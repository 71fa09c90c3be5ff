//! DM attachments: where their bytes are, read from the `url` X gives each
//! media object, and the request that downloads them.

use std::fmt;

use super::generated::operations;
use super::types::Media;
use crate::engine::Request;

/// `GET /2/dm_conversations/media/{dm_id}/{media_id}/{resource_id}`, built
/// by [`Client::download_media`](super::Client::download_media). Its
/// [`save`](Request::save) streams the bytes to a file.
pub type MediaDownloadRequest = Request<operations::DmConversationsMediaDownload>;

/// The three parts that name a DM attachment's bytes: the event that
/// carries it, the media's id and the file's name.
///
/// ```
/// use x_dm::x::DmMediaUrl;
///
/// let url = "https://ton.twitter.com/1.1/ton/data/dm/1580705921830768647/1580705915350646784/hVJQTwig.jpg";
/// let parts = DmMediaUrl::parse(url).unwrap();
/// assert_eq!(parts.dm_id, "1580705921830768647");
/// assert_eq!(parts.media_id, "1580705915350646784");
/// assert_eq!(parts.resource_id, "hVJQTwig.jpg");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DmMediaUrl {
    /// The DM event the media is attached to.
    pub dm_id: String,
    /// The media's id.
    pub media_id: String,
    /// The file's name, its extension included.
    pub resource_id: String,
}

/// Where legacy DM media URLs put the three parts: after this path.
const TON_PATH: &str = "/1.1/ton/data/dm/";

/// Where the v2 download endpoint puts them.
const V2_PATH: &str = "/2/dm_conversations/media/";

impl DmMediaUrl {
    /// The parts, given separately.
    pub fn new(
        dm_id: impl Into<String>,
        media_id: impl Into<String>,
        resource_id: impl Into<String>,
    ) -> Self {
        Self {
            dm_id: dm_id.into(),
            media_id: media_id.into(),
            resource_id: resource_id.into(),
        }
    }

    /// The parts of a legacy DM media URL
    /// (`https://ton.twitter.com/1.1/ton/data/dm/{dm_id}/{media_id}/{resource_id}`)
    /// or of a v2 download URL; `None` for any other URL, such as a Post's
    /// media on `pbs.twimg.com`, which needs no download endpoint. A query
    /// (`?name=small`) is left out of the resource.
    pub fn parse(url: &str) -> Option<Self> {
        let parsed = url::Url::parse(url).ok()?;
        let path = parsed.path();
        let rest = path
            .find(TON_PATH)
            .map(|at| &path[at + TON_PATH.len()..])
            .or_else(|| path.strip_prefix(V2_PATH))?;
        let mut parts = rest.split('/');
        let (dm_id, media_id, resource_id) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || [dm_id, media_id, resource_id].contains(&"") {
            return None;
        }
        Some(Self::new(dm_id, media_id, resource_id))
    }

    /// The parts of a media object's `url`, when it names a DM attachment.
    pub fn of(media: &Media) -> Option<Self> {
        Self::parse(media.url.as_deref()?)
    }
}

impl DmMediaUrl {
    /// The file a download of this media is saved as: `{media_key}.{ext}`,
    /// the extension (lower case) taken from the resource's name; `None`
    /// for a key that is not a plain name (X's are `3_1234…`), so that no
    /// key can name a file outside the folder it is saved in.
    pub fn file_name(&self, media_key: &str) -> Option<String> {
        let plain = |text: &str| {
            !text.is_empty()
                && text
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        if !plain(media_key) {
            return None;
        }
        let extension = std::path::Path::new(&self.resource_id)
            .extension()
            .and_then(|ext| ext.to_str())
            .filter(|ext| ext.len() <= 8 && plain(ext));
        Some(match extension {
            Some(ext) => format!("{media_key}.{}", ext.to_ascii_lowercase()),
            None => media_key.to_owned(),
        })
    }
}

impl fmt::Display for DmMediaUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.dm_id, self.media_id, self.resource_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_named_after_its_media_key_and_nothing_else() {
        let named = |resource: &str| DmMediaUrl::new("1", "2", resource);
        assert_eq!(
            named("rabcdefgh.JPG")
                .file_name("3_1580000000000000101")
                .as_deref(),
            Some("3_1580000000000000101.jpg")
        );
        assert_eq!(named("noext").file_name("3_1").as_deref(), Some("3_1"));
        assert_eq!(named("a.tar/../x").file_name("3_1").as_deref(), Some("3_1"));
        assert_eq!(named("a.jpg").file_name("../etc"), None);
        assert_eq!(named("a.jpg").file_name(""), None);
    }

    #[test]
    fn other_urls_and_incomplete_paths_are_not_dm_media() {
        for url in [
            "https://pbs.twimg.com/media/abc.jpg",
            "https://ton.twitter.com/1.1/ton/data/dm/1/2",
            "https://ton.twitter.com/1.1/ton/data/dm/1/2/3/4",
            "https://ton.twitter.com/1.1/ton/data/dm/1//3",
            "not a url",
        ] {
            assert_eq!(DmMediaUrl::parse(url), None, "{url}");
        }
        let v2 = DmMediaUrl::parse("http://127.0.0.1:9/2/dm_conversations/media/1/2/a.png?x=1");
        assert_eq!(v2, Some(DmMediaUrl::new("1", "2", "a.png")));
    }
}
