//! What the sending commands take to make a message: its text, from an
//! option, a file or standard input, and the media to attach, uploaded
//! first when given as files.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use x_dm::Client;
use x_dm::x::UploadProgress;
use x_dm::x::types::{CreateMessageRequest, MessageAttachment};

use crate::export::Failure;
use crate::progress::Progress;

/// A message's text and attachments.
#[derive(Debug, clap::Args)]
pub struct MessageArgs {
    /// The text. Without it or --text-file, the text is read from standard
    /// input when that is not a terminal.
    #[arg(long, value_name = "TEXT", conflicts_with = "text_file")]
    pub text: Option<String>,

    /// Read the text from this file.
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,

    /// An uploaded media id to attach (repeatable; X takes one).
    #[arg(long = "media-id", value_name = "ID")]
    pub media_ids: Vec<String>,

    /// A file to upload and attach (repeatable): its type and size are
    /// checked against its DM category (5 MB images, 15 MB GIFs, 512 MB
    /// videos) before the upload starts.
    #[arg(long = "media", value_name = "FILE")]
    pub media: Vec<PathBuf>,
}

impl MessageArgs {
    /// The message to send, its files uploaded first. The spec's rules (a
    /// non-empty text, a media id's pattern) are checked by the request
    /// itself, before anything is sent.
    pub async fn message(
        self,
        client: &Client,
        progress: &Progress,
    ) -> Result<CreateMessageRequest, Failure> {
        let text = match (self.text, self.text_file) {
            (Some(text), _) => Some(text),
            (None, Some(file)) => Some(
                std::fs::read_to_string(&file)
                    .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?,
            ),
            (None, None) if !std::io::stdin().is_terminal() => {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text)?;
                // An empty standard input is no text, not an empty one.
                (!text.is_empty()).then_some(text)
            }
            (None, None) => None,
        };
        if text.is_none() && self.media_ids.is_empty() && self.media.is_empty() {
            return Err(Failure::Usage(
                "a message needs a text (--text, --text-file or standard input), --media or --media-id"
                    .to_owned(),
            ));
        }
        let mut media_ids = self.media_ids;
        for file in self.media {
            let shown = file.display().to_string();
            let bar = progress.clone();
            let uploaded = client
                .upload_media(&file)
                .on_progress(move |step| match step {
                    UploadProgress::Sending { sent, total } => {
                        bar.say(format!("uploading {shown}: {sent} of {total} bytes"));
                    }
                    UploadProgress::Processing { percent } => bar.say(format!(
                        "X is processing {shown}{}",
                        percent.map(|p| format!(": {p}%")).unwrap_or_default()
                    )),
                    _ => {}
                })
                .send()
                .await?;
            media_ids.push(uploaded.id);
        }
        progress.finish();
        let attachments = media_ids
            .into_iter()
            .map(|media_id| MessageAttachment { media_id })
            .collect();
        Ok(CreateMessageRequest { text, attachments })
    }
}
