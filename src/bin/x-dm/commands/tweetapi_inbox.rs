//! `x-dm tweetapi inbox`: the conversations of the inbox through TweetAPI.

use futures::TryStreamExt;
use x_dm::tweetapi::Timeline;

use super::tweetapi_items::{self, Item};
use crate::args::Amount;
use crate::context::Context;
use crate::export::{Failure, Stop};

/// `x-dm tweetapi inbox [--untrusted] [--limit N | --all] [--filter-low-quality]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the message requests (the untrusted timeline). Without it, the
    /// trusted conversations come first, then the requests.
    #[arg(long)]
    pub untrusted: bool,

    #[command(flatten)]
    pub amount: Amount,

    /// Leave out conversations TweetAPI marks low quality.
    #[arg(long)]
    pub filter_low_quality: bool,
}

/// Lists the conversations: by default those of the inbox's first state;
/// with --all, then every page of the timelines.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.tweetapi_client()?;
    let mut request = client.inbox().filter_low_quality(args.filter_low_quality);
    if args.untrusted {
        request = request.only(Timeline::Untrusted);
    }
    let conversations: Vec<_> = match Stop::from(args.amount) {
        Stop::All => request.conversations().try_collect().await?,
        Stop::Items(limit) => {
            let limit = usize::try_from(limit).unwrap_or(usize::MAX);
            let mut walk = request.conversations();
            let mut taken = Vec::new();
            while taken.len() < limit {
                match walk.try_next().await? {
                    Some(conversation) => taken.push(conversation),
                    None => break,
                }
            }
            taken
        }
        Stop::OnePage => {
            let state = client.inbox_initial_state().send().await?;
            state
                .into_value()
                .conversations
                .into_iter()
                .filter(|c| !args.untrusted || c.trusted == Some(false))
                .filter(|c| !(args.filter_low_quality && c.low_quality == Some(true)))
                .collect()
        }
    };
    let items = conversations
        .iter()
        .map(|c| {
            let kind = if c.trusted == Some(false) {
                "request"
            } else {
                "conversation"
            };
            Item::new(
                &c.id,
                c,
                [
                    c.last_message_time
                        .clone()
                        .unwrap_or_else(|| "-".to_owned()),
                    c.participants.join(","),
                    kind.to_owned(),
                    c.id.clone(),
                ],
            )
        })
        .collect();
    tweetapi_items::write(items, &context)
}
