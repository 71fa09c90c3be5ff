//! `x-dm auth status`: what the profile's login holds, never a token.

use chrono::Utc;
use x_dm::TokenSet;

use crate::context::Context;
use crate::export::Failure;
use crate::profile::Profile;

/// `x-dm auth status` takes no arguments of its own.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Prints the stored login of the profile.
pub async fn run(_: Args, context: Context) -> Result<(), Failure> {
    let profile = Profile::named(&context.profile)?;
    let tokens = profile.require()?;
    print(&profile, &tokens)
}

/// The profile, client, scopes, expiry and whether a refresh token is held,
/// one per line.
pub fn print(profile: &Profile, tokens: &TokenSet) -> Result<(), Failure> {
    let expiry = match tokens.expires_at() {
        Some(at) if at <= Utc::now() => format!("{} (expired)", at.to_rfc3339()),
        Some(at) => format!(
            "{} (in {} min)",
            at.to_rfc3339(),
            (at - Utc::now()).num_minutes()
        ),
        None => "unknown".to_owned(),
    };
    let text = format!(
        "profile: {}\nfile: {}\nclient id: {}\nscopes: {}\nexpires: {}\nrefresh token: {}\n",
        profile.name,
        profile.store.path().display(),
        tokens.client_id().unwrap_or("unknown"),
        tokens.scopes().join(" "),
        expiry,
        if tokens.refresh_token().is_some() {
            "held"
        } else {
            "none (log in with offline.access to renew without logging in again)"
        },
    );
    use std::io::Write;
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(())
}
