//! `x-dm auth logout`: revoke the profile's tokens and delete its file.

use crate::context::Context;
use crate::export::Failure;
use crate::profile::{self, Profile};

/// `x-dm auth logout` takes no arguments of its own.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Revokes the refresh and access tokens, then deletes the token file
/// whatever X answered: a logout leaves no token on disk.
pub async fn run(_: Args, context: Context) -> Result<(), Failure> {
    let profile = Profile::named(&context.profile)?;
    let tokens = profile.require()?;
    let revoked = async {
        let app = profile::app(&profile::client_id_of(&tokens)?, context.base_url())?;
        if let Some(refresh) = tokens.refresh_token() {
            app.revoke(refresh).await?;
        }
        app.revoke(tokens.access_token()).await?;
        Ok::<(), Failure>(())
    }
    .await;
    profile.store.delete()?;
    match revoked {
        Ok(()) => {
            eprintln!(
                "x-dm: logged out of profile {:?}; its tokens are revoked and {} is deleted",
                profile.name,
                profile.store.path().display()
            );
            Ok(())
        }
        Err(Failure::Run(message) | Failure::Usage(message)) => Err(Failure::Run(format!(
            "deleted {}, but revoking the tokens failed: {message}",
            profile.store.path().display()
        ))),
        Err(other) => Err(other),
    }
}
