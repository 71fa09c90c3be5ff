//! `x-dm auth refresh`: renew the profile's token now.

use super::auth_status;
use crate::context::Context;
use crate::export::Failure;
use crate::profile::{self, Profile};

/// `x-dm auth refresh` takes no arguments of its own.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Trades the stored refresh token for a new set, saved before anything
/// else (the old refresh token stops working).
pub async fn run(_: Args, context: Context) -> Result<(), Failure> {
    let profile = Profile::named(&context.profile)?;
    let tokens = profile.require()?;
    let app = profile::app(&profile::client_id_of(&tokens)?, context.base_url())?;
    let renewed = app
        .refreshing(tokens)
        .on_refresh(profile.store.clone())
        .refresh_now()
        .await?;
    auth_status::print(&profile, &renewed)
}
