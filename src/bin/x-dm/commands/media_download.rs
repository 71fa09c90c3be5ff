//! `x-dm media download`: one DM attachment's bytes, streamed to a file.

use std::io::Write;

use serde_json::json;
use x_dm::x::DmMediaUrl;

use crate::context::Context;
use crate::export::Failure;

/// `x-dm media download <DM_ID> <MEDIA_ID> <RESOURCE_ID> -o FILE`: the
/// three parts of the media's `url`
/// (`https://ton.twitter.com/1.1/ton/data/dm/{DM_ID}/{MEDIA_ID}/{RESOURCE_ID}`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The DM event the media is attached to.
    pub dm_id: String,
    /// The media's id.
    pub media_id: String,
    /// The file's name in the URL, its extension included.
    pub resource_id: String,
}

/// Downloads through the API (never from the media's host directly) into
/// `--output`, which appears only once complete, and prints what it wrote
/// as one JSON line.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let Some(path) = context.output.clone() else {
        return Err(Failure::Usage(
            "media download needs -o FILE: the bytes are not written to a terminal".to_owned(),
        ));
    };
    let client = context.x_client()?;
    let parts = DmMediaUrl::new(args.dm_id, args.media_id, args.resource_id);
    let saved = client.download_media(&parts).save(&path).await?;
    let line = json!({
        "file": saved.path,
        "bytes": saved.bytes,
        "content_type": saved.content_type,
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    Ok(stdout.flush()?)
}
