//! `x-dm archive export`: the archived events exactly as X sent them,
//! oldest first.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use x_dm::archive::Archive;

use crate::archive_db::{self, Database};
use crate::args::Format;
use crate::context::Context;
use crate::export::Failure;

/// `x-dm archive export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: Database,

    /// Only this conversation's events.
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,
}

/// Writes every event, one at a time: memory stays flat.
pub fn run(args: Args, context: Context) -> Result<(), Failure> {
    // The default on a terminal is the table; an export is JSON lines.
    let json = match context.format_given.unwrap_or(Format::Jsonl) {
        Format::Jsonl => false,
        Format::Json => true,
        Format::Table | Format::Pages => {
            return Err(Failure::Usage(
                "--format: archive export writes jsonl or json".to_owned(),
            ));
        }
    };
    let path = args.database.path(context.demo())?;
    let archive = Archive::open_read_only(&path).map_err(|e| archive_db::failure(&path, e))?;
    let sink: Box<dyn Write> = match &context.output {
        Some(file) => Box::new(File::create(file)?),
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::with_capacity(64 * 1024, sink);
    if json {
        out.write_all(b"[")?;
    }
    let mut first = true;
    let written = archive.for_each_event(args.conversation.as_deref(), |raw| {
        if json {
            out.write_all(if first { b"\n" } else { b",\n" })?;
        }
        first = false;
        // X's bodies are compact: this is the bytes as sent, and a
        // pretty-printed body would still give one line per event.
        out.write_all(&x_dm::compact_json(raw.as_bytes()))?;
        if !json {
            out.write_all(b"\n")?;
        }
        Ok(())
    });
    match written {
        Err(x_dm::archive::Error::Io(error)) => return Err(error.into()),
        other => other.map_err(|e| archive_db::failure(&path, e))?,
    };
    if json {
        out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    }
    Ok(out.flush()?)
}
