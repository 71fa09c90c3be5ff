//! What every command that walks DM events takes, and the walk itself: the
//! three DM event lists are different generated requests with the same
//! setters.

use std::path::PathBuf;

use x_dm::x::types::DmEventType;

use super::dm_event_selection::DmEventSelection;
use crate::args::{self, Amount, List};

/// The options of a walk through DM events.
#[derive(Debug, clap::Args)]
pub struct DmEventWalk {
    #[command(flatten)]
    pub amount: Amount,

    /// Events per request, 1 to 100.
    #[arg(long, value_name = "N")]
    pub max_results: Option<i32>,

    /// Only these event types (comma-separated).
    #[arg(long, value_name = "LIST", value_parser = args::event_types)]
    pub event_types: Option<List<DmEventType>>,

    #[command(flatten)]
    pub selection: DmEventSelection,

    /// Start from this page (a next_token saved from an earlier run).
    #[arg(long, value_name = "T")]
    pub pagination_token: Option<String>,

    /// Save progress here after each page, and resume from it when run again
    /// with the same output file. Needs --output.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,

    /// Save every attachment into DIR, one file per media key, skipping
    /// those already there, with a line per file in DIR/index.jsonl. Asks
    /// for the attachments and their URLs.
    #[arg(long, value_name = "DIR")]
    pub download_media: Option<PathBuf>,
}

/// Exports the DM events `$request` lists, with a [`DmEventWalk`]'s options;
/// `$command` and `$target` tie its checkpoint to this export.
macro_rules! export_dm_events {
    ($request:expr, $walk:expr, $command:expr, $target:expr, $context:expr) => {{
        let mut walk: $crate::commands::dm_event_walk::DmEventWalk = $walk;
        let context: &$crate::context::Context = $context;
        let media = match walk.download_media.take() {
            Some(dir) => {
                walk.selection.ask_for_media();
                Some($crate::media_sink::MediaSink::open(
                    context.x_client()?,
                    dir,
                )?)
            }
            None => None,
        };
        let stop = $crate::export::Stop::from(walk.amount);
        let mut request =
            $crate::commands::dm_event_selection::select_dm_events!($request, walk.selection);
        if let Some(size) = stop.page_size(walk.max_results) {
            request = request.max_results(size);
        }
        // Every page is wanted: the next one can be on its way while this
        // one is written.
        request = request.read_ahead(matches!(stop, $crate::export::Stop::All));
        if let Some(types) = walk.event_types.map(|list| list.0) {
            request = request.event_types(types);
        }
        let plan = $crate::export::Plan {
            start: walk.pagination_token,
            checkpoint: walk.checkpoint,
            media,
            ..$crate::export::Plan::new($command, $target, stop, context)
        };
        $crate::export::run(
            plan,
            request.continuation(),
            |start| match start {
                Some(token) => request.pagination_token(token).pages(),
                None => request.pages(),
            },
            &context.progress,
        )
        .await
    }};
}

pub(crate) use export_dm_events;
