//! A chunked media upload: the file checked against its category's limits,
//! then initialize, append chunk by chunk, finalize, and the processing
//! status read until X is done with a GIF or video.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::Client;
use super::generated::operations;
use super::types::{
    InitializeMediaUploadRequest, MediaCategory, MediaProcessingInfo, MediaType, UploadedMedia,
};
use crate::Error;
use crate::engine::download::file_error;
use crate::engine::{InvalidParameter, Multipart, Request};

/// The chunk size unless one is set: X's guide sends 1 MiB chunks.
const DEFAULT_CHUNK: usize = 1024 * 1024;

/// The highest segment index X takes (2.169): a larger file gets larger
/// chunks rather than too many.
const LAST_SEGMENT: u64 = 9999;

/// How many status reads a processing upload gets before it is given up.
const MAX_STATUS_READS: u32 = 600;

/// What X takes for each category: the media types and the largest file
/// (X's media best-practices: 5 MB images, 15 MB GIFs, 512 MB videos).
fn limits(category: MediaCategory) -> Option<(&'static [&'static str], u64)> {
    const MB: u64 = 1024 * 1024;
    const IMAGES: &[&str] = &[
        "image/jpeg",
        "image/pjpeg",
        "image/png",
        "image/webp",
        "image/bmp",
        "image/tiff",
    ];
    const GIFS: &[&str] = &["image/gif"];
    const VIDEOS: &[&str] = &["video/mp4", "video/quicktime", "video/webm", "video/mp2t"];
    match category {
        MediaCategory::DmImage | MediaCategory::TweetImage => Some((IMAGES, 5 * MB)),
        MediaCategory::DmGif | MediaCategory::TweetGif => Some((GIFS, 15 * MB)),
        MediaCategory::DmVideo | MediaCategory::TweetVideo | MediaCategory::AmplifyVideo => {
            Some((VIDEOS, 512 * MB))
        }
        MediaCategory::Subtitles => None,
    }
}

/// How far an upload has come, for a progress bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UploadProgress {
    /// `sent` of `total` bytes appended.
    Sending {
        /// Bytes appended so far.
        sent: u64,
        /// The file's size.
        total: u64,
    },
    /// X is processing the media; the percentage when X gives one.
    Processing {
        /// How far processing has come.
        percent: Option<i32>,
    },
}

type Observer = Arc<dyn Fn(UploadProgress) + Send + Sync>;

/// A file to upload, built by [`Client::upload_media`]. Nothing is read or
/// sent until [`send`](Self::send).
#[must_use]
pub struct MediaUpload {
    client: Client,
    path: PathBuf,
    category: Option<MediaCategory>,
    media_type: Option<MediaType>,
    chunk_size: usize,
    on_progress: Option<Observer>,
}

impl fmt::Debug for MediaUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaUpload")
            .field("path", &self.path)
            .field("category", &self.category)
            .field("media_type", &self.media_type)
            .field("chunk_size", &self.chunk_size)
            .finish_non_exhaustive()
    }
}

impl MediaUpload {
    pub(super) fn new(client: Client, path: PathBuf) -> Self {
        Self {
            client,
            path,
            category: None,
            media_type: None,
            chunk_size: DEFAULT_CHUNK,
            on_progress: None,
        }
    }

    /// The category; by default the DM one that the file's type implies
    /// (`dm_image`, `dm_gif`, `dm_video`). Media of a Post category cannot
    /// be attached to a DM.
    pub fn category(mut self, category: impl Into<MediaCategory>) -> Self {
        self.category = Some(category.into());
        self
    }

    /// The media type; by default read from the file's first bytes, or its
    /// extension.
    pub fn media_type(mut self, media_type: impl Into<MediaType>) -> Self {
        self.media_type = Some(media_type.into());
        self
    }

    /// The size of each appended chunk, and so of the one buffer the upload
    /// holds (at least 1 byte; raised when the file would need more chunks
    /// than X numbers).
    pub fn chunk_size(mut self, bytes: usize) -> Self {
        self.chunk_size = bytes.max(1);
        self
    }

    /// Called as chunks are appended and while X processes the media.
    pub fn on_progress(
        mut self,
        observer: impl Fn(UploadProgress) + Send + Sync + 'static,
    ) -> Self {
        self.on_progress = Some(Arc::new(observer));
        self
    }

    /// Checks the file, uploads it and waits until X has processed it: the
    /// media whose `id` a message attaches.
    ///
    /// A file whose size or type its category does not take is refused
    /// before anything is sent. Initialization is not idempotent and is not
    /// retried once it may have reached X; the chunks and the status reads
    /// are.
    pub async fn send(self) -> Result<UploadedMedia, Error> {
        let mut file = tokio::fs::File::open(&self.path)
            .await
            .map_err(|source| file_error("read", &self.path, source))?;
        let total = file
            .metadata()
            .await
            .map_err(|source| file_error("read", &self.path, source))?
            .len();
        let mut head = [0u8; 16];
        let seen = read_full(&mut file, &mut head, &self.path).await?;
        let media_type = match self.media_type {
            Some(media_type) => media_type,
            None => sniff(&head[..seen], &self.path)?,
        };
        let category = match self.category {
            Some(category) => category,
            None => dm_category(media_type)?,
        };
        check(category, media_type, total)?;

        let body = InitializeMediaUploadRequest {
            additional_owners: Vec::new(),
            media_category: category,
            media_type,
            shared: None,
            total_bytes: i64::try_from(total).unwrap_or(i64::MAX),
        };
        let session = Request::<operations::InitializeMediaUpload>::new(&self.client, body)
            .send()
            .await?;
        let Some(session) = session.items().first() else {
            return Err(no_data("initializeMediaUpload"));
        };
        let id = session.id.clone();

        let chunk = self
            .chunk_size
            .max(total.div_ceil(LAST_SEGMENT + 1) as usize);
        // The first bytes were read to tell the type: start again.
        file.rewind()
            .await
            .map_err(|source| file_error("read", &self.path, source))?;
        let (mut sent, mut index) = (0u64, 0u64);
        loop {
            // A buffer of its own per chunk, moved into its part, not copied.
            let mut buffer = vec![0u8; chunk];
            let filled = read_full(&mut file, &mut buffer, &self.path).await?;
            if filled == 0 {
                break;
            }
            buffer.truncate(filled);
            let part = Multipart::new()
                .text("segment_index", index.to_string())
                .file(
                    "media",
                    "chunk",
                    "application/octet-stream",
                    Bytes::from(buffer),
                );
            self.client.append_media_upload(&id, part).send().await?;
            sent += filled as u64;
            index += 1;
            self.report(UploadProgress::Sending { sent, total });
            if filled < chunk {
                break;
            }
        }
        if sent != total {
            return Err(file_error(
                "read",
                &self.path,
                std::io::Error::other(format!(
                    "it changed size during the upload ({total} bytes, then {sent})"
                )),
            ));
        }

        let finalized = Request::<operations::FinalizeMediaUpload>::new(&self.client, &id)
            .send()
            .await?;
        let mut media = finalized
            .items()
            .first()
            .cloned()
            .ok_or_else(|| no_data("finalizeMediaUpload"))?;
        let mut reads = 0;
        while let Some(wait) = still_processing(&media, &id)? {
            if reads == MAX_STATUS_READS {
                return Err(Error::MediaProcessing {
                    media_id: id,
                    reason: format!("still processing after {MAX_STATUS_READS} status reads"),
                });
            }
            reads += 1;
            self.report(UploadProgress::Processing {
                percent: media
                    .processing_info
                    .as_ref()
                    .and_then(|p| p.progress_percent),
            });
            tokio::time::sleep(wait).await;
            let status = Request::<operations::GetMediaUploadStatus>::new(&self.client, &id)
                .command("STATUS")
                .send()
                .await?;
            media = status
                .items()
                .first()
                .cloned()
                .ok_or_else(|| no_data("getMediaUploadStatus"))?;
        }
        Ok(media)
    }

    fn report(&self, progress: UploadProgress) {
        if let Some(observer) = &self.on_progress {
            observer(progress);
        }
    }
}

/// How long to wait before reading the status again, or `None` once X is
/// done; a failed processing is an error.
fn still_processing(media: &UploadedMedia, id: &str) -> Result<Option<Duration>, Error> {
    let Some(MediaProcessingInfo {
        state,
        check_after_secs,
        error,
        ..
    }) = &media.processing_info
    else {
        return Ok(None);
    };
    match state.as_deref() {
        Some("pending" | "in_progress") => Ok(Some(Duration::from_secs(
            u64::try_from(check_after_secs.unwrap_or(1)).unwrap_or(1),
        ))),
        Some("failed") => Err(Error::MediaProcessing {
            media_id: id.to_owned(),
            reason: error
                .get("message")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("X could not process it")
                .to_owned(),
        }),
        _ => Ok(None),
    }
}

fn no_data(operation: &str) -> Error {
    Error::Decode {
        status: 200,
        path: "data".to_owned(),
        message: format!("{operation} answered without its data"),
        excerpt: String::new(),
        may_have_taken_effect: true,
    }
}

/// Reads until `buffer` is full or the file ends: how many bytes it holds.
async fn read_full(
    file: &mut tokio::fs::File,
    buffer: &mut [u8],
    path: &Path,
) -> Result<usize, Error> {
    let mut filled = 0;
    while filled < buffer.len() {
        let read = file
            .read(&mut buffer[filled..])
            .await
            .map_err(|source| file_error("read", path, source))?;
        if read == 0 {
            break;
        }
        filled += read;
    }
    Ok(filled)
}

/// The media type of a file: from its first bytes, else its extension.
pub(crate) fn sniff(head: &[u8], path: &Path) -> Result<MediaType, Error> {
    let by_bytes = match head {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => Some("image/webp"),
        [b'B', b'M', ..] => Some("image/bmp"),
        [b'I', b'I', 0x2A, 0x00, ..] | [b'M', b'M', 0x00, 0x2A, ..] => Some("image/tiff"),
        [_, _, _, _, b'f', b't', b'y', b'p', b'q', b't', ..] => Some("video/quicktime"),
        [_, _, _, _, b'f', b't', b'y', b'p', ..] => Some("video/mp4"),
        [0x1A, 0x45, 0xDF, 0xA3, ..] => Some("video/webm"),
        _ => None,
    };
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let by_name = match extension.as_deref() {
        Some("jpg" | "jpeg") => Some("image/jpeg"),
        Some("png") => Some("image/png"),
        Some("gif") => Some("image/gif"),
        Some("webp") => Some("image/webp"),
        Some("mp4" | "m4v") => Some("video/mp4"),
        Some("mov") => Some("video/quicktime"),
        Some("webm") => Some("video/webm"),
        Some("srt") => Some("text/srt"),
        Some("vtt") => Some("text/vtt"),
        _ => None,
    };
    by_bytes
        .or(by_name)
        .and_then(|media_type| media_type.parse().ok())
        .ok_or_else(|| {
            InvalidParameter::new(
                "media_type",
                "cannot be told from the file's bytes or name; set it",
                None,
            )
            .into()
        })
}

/// The DM category a media type belongs to.
fn dm_category(media_type: MediaType) -> Result<MediaCategory, Error> {
    let kind = media_type.to_string();
    if kind == "image/gif" {
        Ok(MediaCategory::DmGif)
    } else if kind.starts_with("image/") {
        Ok(MediaCategory::DmImage)
    } else if kind.starts_with("video/") {
        Ok(MediaCategory::DmVideo)
    } else {
        Err(InvalidParameter::new(
            "media_category",
            format!("has no DM category for {kind}; set one"),
            Some(kind),
        )
        .into())
    }
}

/// Refuses a file its category does not take, before anything is sent.
pub(crate) fn check(
    category: MediaCategory,
    media_type: MediaType,
    size: u64,
) -> Result<(), Error> {
    if size == 0 {
        return Err(InvalidParameter::new(
            "total_bytes",
            "must be at least 1: the file is empty",
            Some("0".into()),
        )
        .into());
    }
    let Some((types, largest)) = limits(category) else {
        return Ok(());
    };
    let kind = media_type.to_string();
    if !types.contains(&kind.as_str()) {
        return Err(InvalidParameter::new(
            "media_type",
            format!("must be one of {} for {category}", types.join(", ")),
            Some(kind),
        )
        .into());
    }
    if size > largest {
        return Err(InvalidParameter::new(
            "total_bytes",
            format!(
                "must be at most {largest} bytes ({} MB) for {category}",
                largest / (1024 * 1024)
            ),
            Some(size.to_string()),
        )
        .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_read_from_bytes_first_then_the_name() {
        let png = sniff(b"\x89PNG\r\n\x1a\n", Path::new("photo.jpg")).unwrap();
        assert_eq!(png.to_string(), "image/png");
        let mov = sniff(b"\0\0\0\x14ftypqt  ", Path::new("clip")).unwrap();
        assert_eq!(mov.to_string(), "video/quicktime");
        let named = sniff(b"????", Path::new("clip.MP4")).unwrap();
        assert_eq!(named.to_string(), "video/mp4");
        let error = sniff(b"????", Path::new("notes.txt")).unwrap_err();
        assert!(error.to_string().contains("media_type"), "{error}");
    }

    #[test]
    fn a_file_beyond_its_category_is_refused_naming_the_rule() {
        let jpeg: MediaType = "image/jpeg".parse().unwrap();
        let gif: MediaType = "image/gif".parse().unwrap();
        assert!(check(MediaCategory::DmImage, jpeg, 5 * 1024 * 1024).is_ok());
        let big = check(MediaCategory::DmImage, jpeg, 5 * 1024 * 1024 + 1).unwrap_err();
        assert!(big.to_string().contains("total_bytes"), "{big}");
        assert!(big.to_string().contains("at most 5242880 bytes"), "{big}");
        let wrong = check(MediaCategory::DmVideo, jpeg, 10).unwrap_err();
        assert!(wrong.to_string().contains("media_type"), "{wrong}");
        assert!(check(MediaCategory::DmGif, gif, 15 * 1024 * 1024).is_ok());
        assert!(check(MediaCategory::DmImage, jpeg, 0).is_err());
        assert_eq!(dm_category(gif).unwrap(), MediaCategory::DmGif);
    }
}
