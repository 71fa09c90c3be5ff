//! How the TweetAPI commands write what they list (conversations, messages):
//! one JSON item per row, in the global format, and the text they send.

use std::fs::File;
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use bytes::Bytes;
use serde::Serialize;

use crate::context::Context;
use crate::export::Failure;
use crate::output::{Output, Row};

/// One item to write: its id, its JSON and the table's four cells (time,
/// who, kind, text).
pub struct Item {
    pub id: String,
    pub json: Bytes,
    pub cells: [String; 4],
}

impl Item {
    /// An item of a decoded TweetAPI type, which keeps the fields no spec
    /// names: its JSON is what TweetAPI sent, up to key order.
    pub fn new(id: &str, value: &impl Serialize, cells: [String; 4]) -> Self {
        Self {
            id: id.to_owned(),
            json: Bytes::from(serde_json::to_vec(value).unwrap_or_default()),
            cells,
        }
    }
}

/// Writes the items to the context's file or standard output, in its
/// format (`pages` writes each item on its own line, as `jsonl` does: these
/// lists come from more than one response).
pub fn write(items: Vec<Item>, context: &Context) -> Result<(), Failure> {
    context.progress.finish();
    let file = context.output.as_ref().map(File::create).transpose()?;
    let format = match context.format {
        crate::args::Format::Pages => crate::args::Format::Jsonl,
        other => other,
    };
    let mut out = Output::new(file, format, 0, 0, false)?;
    let rows: Vec<Row> = items
        .into_iter()
        .map(|item| Row {
            id: item.id,
            raw: item.json,
            cells: item.cells,
        })
        .collect();
    out.page(&[], &rows)?;
    Ok(out.finish()?)
}

/// A text to send, from an option, a file or standard input.
#[derive(Debug, clap::Args)]
pub struct TextArgs {
    /// The text. Without it or --text-file, the text is read from standard
    /// input when that is not a terminal.
    #[arg(long, value_name = "TEXT", conflicts_with = "text_file")]
    pub text: Option<String>,

    /// Read the text from this file.
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
}

impl TextArgs {
    /// The text. Its length is the spec's to check, before sending.
    pub fn text(self) -> Result<String, Failure> {
        match (self.text, self.text_file) {
            (Some(text), _) => Ok(text),
            (None, Some(file)) => std::fs::read_to_string(&file)
                .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display()))),
            (None, None) if !std::io::stdin().is_terminal() => {
                let mut text = String::new();
                std::io::stdin().read_to_string(&mut text)?;
                Ok(text)
            }
            (None, None) => Err(Failure::Usage(
                "a message needs a text (--text, --text-file or standard input)".to_owned(),
            )),
        }
    }
}
