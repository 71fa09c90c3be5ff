//! A streamed body of newline-delimited JSON, read a line at a time as it
//! arrives: blank lines are keep-alives, and a line that never ends is
//! refused before it fills memory.

use bytes::{Buf, Bytes, BytesMut};

use super::download::DownloadStream;
use crate::Error;

/// The longest line taken by default: far above any event, far below what
/// would hurt a process reading it.
pub const MAX_LINE: usize = 4 * 1024 * 1024;

/// The lines of a streamed body.
#[derive(Debug)]
pub struct Lines {
    body: DownloadStream,
    buffer: BytesMut,
    /// How much of `buffer` is known to hold no newline.
    scanned: usize,
    max_line: usize,
}

impl Lines {
    /// Reads `body` line by line.
    pub fn new(body: DownloadStream) -> Self {
        Self {
            body,
            buffer: BytesMut::new(),
            scanned: 0,
            max_line: MAX_LINE,
        }
    }

    /// The longest line to take; a longer one is an [`Error::Decode`].
    #[must_use]
    pub fn max_line(mut self, max_line: usize) -> Self {
        self.max_line = max_line;
        self
    }

    /// The next line that is not blank, without its line ending; `None`
    /// when the body ended after a whole line. A body cut in the middle of
    /// a line is an error: the half line is never handed out.
    pub async fn next_line(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            if let Some(at) = memchr::memchr(b'\n', &self.buffer[self.scanned..]) {
                if self.scanned + at > self.max_line {
                    return Err(self.too_long());
                }
                let mut line = self.buffer.split_to(self.scanned + at + 1).freeze();
                self.scanned = 0;
                line.truncate(line.len() - 1);
                if line.last() == Some(&b'\r') {
                    line.truncate(line.len() - 1);
                }
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                return Ok(Some(line));
            }
            self.scanned = self.buffer.len();
            if self.buffer.len() > self.max_line {
                return Err(self.too_long());
            }
            match self.body.chunk().await? {
                Some(chunk) => self.buffer.extend_from_slice(chunk.chunk()),
                None if self.buffer.iter().all(u8::is_ascii_whitespace) => return Ok(None),
                None => return Err(cut_short(&self.buffer)),
            }
        }
    }

    fn too_long(&self) -> Error {
        Error::Decode {
            status: 200,
            path: "$".to_owned(),
            message: format!("a line longer than {} bytes", self.max_line),
            excerpt: excerpt(&self.buffer),
            may_have_taken_effect: false,
        }
    }
}

fn cut_short(rest: &[u8]) -> Error {
    Error::Decode {
        status: 200,
        path: "$".to_owned(),
        message: "the stream ended in the middle of a line".to_owned(),
        excerpt: excerpt(rest),
        may_have_taken_effect: false,
    }
}

fn excerpt(bytes: &[u8]) -> String {
    String::from_utf8_lossy(&bytes[..bytes.len().min(80)]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(body: &'static [u8]) -> Lines {
        let response = reqwest::Response::from(http::Response::new(body.to_vec()));
        Lines::new(DownloadStream::new(response))
    }

    #[tokio::test]
    async fn keep_alives_are_skipped_and_a_half_line_at_the_end_is_an_error() {
        let mut lines = lines_of(b"\r\n{\"a\":1}\r\n\r\n  \n{\"b\":2}\n{\"c\"");
        assert_eq!(lines.next_line().await.unwrap().unwrap(), &b"{\"a\":1}"[..]);
        assert_eq!(lines.next_line().await.unwrap().unwrap(), &b"{\"b\":2}"[..]);
        let error = lines.next_line().await.unwrap_err();
        assert!(error.to_string().contains("middle of a line"), "{error}");

        let mut whole = lines_of(b"{\"a\":1}\n\r\n");
        assert!(whole.next_line().await.unwrap().is_some());
        assert!(whole.next_line().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn a_line_longer_than_the_limit_is_refused() {
        let mut lines = lines_of(b"0123456789abcdef\n").max_line(8);
        let error = lines.next_line().await.unwrap_err();
        assert!(error.to_string().contains("longer than 8 bytes"), "{error}");
    }
}
