//! `x-dm archive`: bring the SQLite archive up to date with X.

use std::io::IsTerminal;

use x_dm::archive::{Archive, Outcome, Scope};

use crate::archive_db::{self, Database};
use crate::context::Context;
use crate::export::Failure;

/// `x-dm archive`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub action: Option<Action>,

    #[command(flatten)]
    pub database: Database,

    /// Walk only this conversation instead of the whole inbox.
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,

    /// Then download the attachments not downloaded yet into a folder
    /// beside the database (FILE.media/), each once, named after its media
    /// key.
    #[arg(long)]
    pub media: bool,
}

/// `x-dm archive ...`: what else there is to do with an archive.
#[derive(Debug, clap::Subcommand)]
pub enum Action {
    /// Write the archived events exactly as X sent them, oldest first.
    Export(super::archive_export::Args),
    /// Per conversation: events, first and last time, participants; and the
    /// last sync.
    Stats(super::archive_stats::Args),
}

/// Syncs, then says what it did on a terminal. Warnings go to standard
/// error whatever it is, so that cron mails them.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    match args.action {
        Some(Action::Export(args)) => return super::archive_export::run(args, context),
        Some(Action::Stats(args)) => return super::archive_stats::run(args, context),
        None => {}
    }
    let path = args.database.path(context.demo())?;
    archive_db::make_room(&path)?;
    let mut archive = Archive::open(&path).map_err(|e| archive_db::failure(&path, e))?;
    let client = context.x_client()?;
    let scope = match args.conversation {
        Some(id) => Scope::Conversation(id),
        None => Scope::Inbox,
    };
    let progress = context.progress.clone();
    let synced = archive
        .sync_with(&client, &scope, |report| {
            progress.page(report.pages, report.added)
        })
        .await;
    progress.finish();
    let report = synced.map_err(|e| archive_db::failure(&path, e))?;
    if report.outcome == Some(Outcome::ReachedEnd { gap: true }) {
        eprintln!(
            "warning: {}: X no longer serves the events between this sync and the last (it keeps 30 days): some may be lost; sync at least once a month",
            path.display()
        );
    }
    let terminal = std::io::stderr().is_terminal();
    if terminal {
        eprintln!(
            "{}: {} new event(s), {} request(s){}",
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
    if !args.media {
        return Ok(());
    }
    let media = archive
        .download_media(&client)
        .await
        .map_err(|e| archive_db::failure(&path, e))?;
    for (key, why) in &media.failed {
        eprintln!("warning: media {key}: {}", crate::output::one_line(why));
    }
    if terminal {
        eprintln!(
            "{}: {} attachment(s) downloaded, {} missing at X, {} without a DM media URL",
            archive.media_dir().display(),
            media.saved + media.recovered,
            media.missing,
            media.unavailable
        );
    }
    if media.failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::Run(format!(
            "{} attachment(s) could not be downloaded; the next run tries them again",
            media.failed.len()
        )))
    }
}
