//! `x-dm activity list`: the X Activity API subscriptions.

use std::io::Write;

use crate::context::Context;
use crate::export::Failure;

/// `x-dm activity list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only the subscriptions of this user.
    #[arg(long, value_name = "ID")]
    pub user_id: Option<String>,
}

/// Writes each subscription as one JSON line, as X sent it.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let client = context.x_client()?;
    let mut request = client.activity_subscriptions();
    if let Some(user) = args.user_id {
        request = request.user_id(user);
    }
    let page = request.send().await?;
    let mut out: Box<dyn Write> = match &context.output {
        Some(path) => Box::new(std::fs::File::create(path)?),
        None => Box::new(std::io::stdout().lock()),
    };
    for raw in page.raw_items() {
        out.write_all(&x_dm::compact_json(raw))?;
        out.write_all(b"\n")?;
    }
    Ok(out.flush()?)
}
