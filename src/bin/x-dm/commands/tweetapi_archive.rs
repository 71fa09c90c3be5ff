//! `x-dm tweetapi archive`: bring the SQLite archive up to date with every
//! conversation of the TweetAPI inbox, into the same tables as `x-dm
//! archive`, with `source` `tweetapi`.

use std::io::IsTerminal;

use x_dm::archive::Archive;

use crate::archive_db::{self, Database};
use crate::context::Context;
use crate::export::Failure;

/// `x-dm tweetapi archive [--db FILE]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub database: Database,
}

/// Syncs, then says what it did on a terminal.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let path = args.database.path(context.demo())?;
    archive_db::make_room(&path)?;
    let mut archive = Archive::open(&path).map_err(|e| archive_db::failure(&path, e))?;
    let client = context.tweetapi_client()?;
    let progress = context.progress.clone();
    let synced = archive
        .sync_tweetapi_with(&client, |report| progress.page(report.pages, report.added))
        .await;
    progress.finish();
    let report = synced.map_err(|e| archive_db::failure(&path, e))?;
    if std::io::stderr().is_terminal() {
        eprintln!(
            "{}: {} new message(s) from TweetAPI, {} conversation page(s){}",
            path.display(),
            report.added,
            report.pages,
            if report.resumed {
                ", after finishing an interrupted sync"
            } else {
                ""
            }
        );
    }
    Ok(())
}
