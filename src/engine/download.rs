//! A response body too large to hold: read chunk by chunk, or streamed to a
//! file that appears under its name only once it is complete.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use tokio::io::AsyncWriteExt;

use super::http::DEFAULT_TIMEOUT;
use crate::Error;

/// A download's body as it arrives.
#[derive(Debug)]
pub struct DownloadStream {
    response: reqwest::Response,
    idle: Duration,
}

/// A file a download wrote whole.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Saved {
    /// Where it is.
    pub path: PathBuf,
    /// How many bytes it holds.
    pub bytes: u64,
    /// The `Content-Type` the server named.
    pub content_type: Option<String>,
}

impl DownloadStream {
    pub(crate) fn new(response: reqwest::Response) -> Self {
        Self {
            response,
            idle: DEFAULT_TIMEOUT,
        }
    }

    /// How long to wait for the next chunk before the body counts as
    /// stalled ([`Error::Stalled`]); 30 s unless set. The body as a whole
    /// has no deadline, so a large file on a slow link is not cut.
    #[must_use]
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle = idle;
        self
    }

    /// The `Content-Type` the server named.
    pub fn content_type(&self) -> Option<&str> {
        self.response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
    }

    /// The size the server announced, if it did.
    pub fn content_length(&self) -> Option<u64> {
        self.response.content_length()
    }

    /// The next chunk, or `None` at the end. A body cut short is an error,
    /// never a silent end.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        match tokio::time::timeout(self.idle, self.response.chunk()).await {
            Ok(chunk) => Ok(chunk?),
            Err(_) => Err(Error::Stalled { idle: self.idle }),
        }
    }

    /// Streams the body to `path`. The bytes go to a temporary file beside
    /// it, which is renamed to `path` once the last byte is on disk: a
    /// download cut short, or a process killed midway, never leaves a
    /// partial file under the final name.
    pub async fn save(mut self, path: impl AsRef<Path>) -> Result<Saved, Error> {
        let path = path.as_ref();
        let content_type = self.content_type().map(str::to_owned);
        let partial = partial_name(path);
        let written = self.write_to(&partial).await;
        let bytes = match written {
            Ok(bytes) => bytes,
            Err(error) => {
                // Best effort: the error that stopped the download matters
                // more than one about cleaning up after it.
                let _ = tokio::fs::remove_file(&partial).await;
                return Err(error);
            }
        };
        if let Err(source) = tokio::fs::rename(&partial, path).await {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(file_error("rename into", path, source));
        }
        Ok(Saved {
            path: path.to_owned(),
            bytes,
            content_type,
        })
    }

    async fn write_to(&mut self, partial: &Path) -> Result<u64, Error> {
        let io = |source| file_error("write", partial, source);
        let mut file = tokio::fs::File::create(partial).await.map_err(io)?;
        let mut bytes = 0;
        while let Some(chunk) = self.chunk().await? {
            file.write_all(&chunk).await.map_err(io)?;
            bytes += chunk.len() as u64;
        }
        file.flush().await.map_err(io)?;
        file.sync_all().await.map_err(io)?;
        Ok(bytes)
    }
}

/// A hidden name beside `path`, unique to this process and moment, so that
/// two downloads of one file never write into each other.
fn partial_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| since.subsec_nanos())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}-{nanos}.part", std::process::id()))
}

pub(crate) fn file_error(action: &'static str, path: &Path, source: std::io::Error) -> Error {
    Error::File {
        action,
        path: path.to_owned(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_partial_file_is_hidden_beside_the_target() {
        let partial = partial_name(Path::new("/tmp/media/abc.jpg"));
        assert_eq!(partial.parent(), Some(Path::new("/tmp/media")));
        let name = partial.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".abc.jpg.") && name.ends_with(".part"),
            "{name}"
        );
    }
}
