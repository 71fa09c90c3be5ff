//! `x-dm activity subscribe --events LIST`: one X Activity API subscription
//! per event type.

use std::io::Write;

use x_dm::x::types::{
    ActivityEventType, ActivitySubscriptionFilterRequest, CreateActivitySubscriptionRequest,
};

use crate::context::Context;
use crate::export::Failure;

/// `x-dm activity subscribe`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The event types, comma-separated: `dm.received,dm.sent`, …
    #[arg(long, value_name = "LIST", value_delimiter = ',', required = true)]
    pub events: Vec<ActivityEventType>,

    /// The user the subscriptions are for (X requires it for `dm.*` and
    /// `chat.*`: the token's user).
    #[arg(long, value_name = "ID")]
    pub user_id: Option<String>,

    /// A tag X sends with each event.
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,

    /// Deliver to this webhook instead of the activity stream.
    #[arg(long, value_name = "ID")]
    pub webhook: Option<String>,
}

/// Subscribes once per event type and writes each of X's answers as one
/// JSON line. A failure stops at that event type; those before it stay.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let mut out: Box<dyn Write> = match &context.output {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    for event_type in args.events {
        let subscription = CreateActivitySubscriptionRequest {
            event_type,
            filter: ActivitySubscriptionFilterRequest {
                user_id: args.user_id.clone(),
                direction: None,
                keyword: None,
                qualifiers: Default::default(),
            },
            expires_at: None,
            tag: args.tag.clone(),
            webhook_id: args.webhook.clone(),
        };
        let page = client.subscribe(subscription).send().await?;
        for raw in page.raw_items() {
            out.write_all(&x_dm::compact_json(raw))?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
    }
    Ok(())
}
