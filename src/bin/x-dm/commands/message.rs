//! What the sending commands take to make a message: its text, from an
//! option, a file or standard input, and the media to attach.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use x_dm::x::types::{CreateMessageRequest, MessageAttachment};

use crate::export::Failure;

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
}

impl MessageArgs {
    /// The message to send. The spec's rules (a non-empty text, a media id's
    /// pattern) are checked by the request itself, before anything is sent.
    pub fn message(self) -> Result<CreateMessageRequest, Failure> {
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
        let attachments = self
            .media_ids
            .into_iter()
            .map(|media_id| MessageAttachment { media_id })
            .collect::<Vec<_>>();
        if text.is_none() && attachments.is_empty() {
            return Err(Failure::Usage(
                "a message needs a text (--text, --text-file or standard input) or --media-id"
                    .to_owned(),
            ));
        }
        Ok(CreateMessageRequest { text, attachments })
    }
}
