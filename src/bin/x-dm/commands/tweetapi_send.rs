//! `x-dm tweetapi send`: send a message through TweetAPI, once.

use std::path::PathBuf;

use x_dm::tweetapi::types::{MediaData, MediaItem, MediaUrl};

use super::tweetapi_items::TextArgs;
use crate::context::Context;
use crate::export::{self, Failure};

/// `x-dm tweetapi send --conversation <ID> (--text TEXT | --text-file FILE) [--media-url URL | --media FILE]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The conversation: `userId1-userId2`, or a group's numeric id.
    #[arg(long, value_name = "ID")]
    pub conversation: String,

    #[command(flatten)]
    pub text: TextArgs,

    /// Attach the media at this URL.
    #[arg(long, value_name = "URL", conflicts_with = "media")]
    pub media_url: Option<String>,

    /// Attach this file (sent base64-encoded, with its type guessed from its
    /// extension).
    #[arg(long, value_name = "FILE")]
    pub media: Option<PathBuf>,
}

/// Sends the message and prints TweetAPI's answer as one JSON line. A send
/// is never repeated: after a failure that may have reached TweetAPI, the
/// exit code is 3.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.tweetapi_client()?;
    let text = args.text.text()?;
    let media = match (args.media_url, args.media) {
        (Some(url), _) => Some(MediaItem::Url(MediaUrl { url })),
        (None, Some(file)) => {
            let bytes = std::fs::read(&file)
                .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
            Some(MediaItem::Data(MediaData {
                data: base64(&bytes),
                type_: media_type(&file)?.to_owned(),
            }))
        }
        (None, None) => None,
    };
    let reply = client.send(&args.conversation, text, media).send().await?;
    export::answer(Some(reply.raw_body()), &context)
}

/// The MIME type of a media file, from its extension.
fn media_type(file: &std::path::Path) -> Result<&'static str, Failure> {
    let extension = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("jpg" | "jpeg") => Ok("image/jpeg"),
        Some("png") => Ok("image/png"),
        Some("gif") => Ok("image/gif"),
        Some("webp") => Ok("image/webp"),
        Some("mp4") => Ok("video/mp4"),
        Some("mov") => Ok("video/quicktime"),
        _ => Err(Failure::Usage(format!(
            "{}: cannot tell the media type; use a .jpg, .png, .gif, .webp, .mp4 or .mov file",
            file.display()
        ))),
    }
}

/// Standard base64 with padding, as TweetAPI's `media[].data` takes it (a
/// few lines rather than a dependency for the CLI alone).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_pads_as_rfc_4648_says() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(super::base64(plain.as_bytes()), encoded);
        }
    }
}
