//! Where logins are kept, one token file per profile, and the X app that
//! renews them.

use std::path::PathBuf;

use x_dm::x::oauth::App;
use x_dm::{FileTokenStore, TokenSet};

use crate::export::Failure;

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// One profile's token file.
pub struct Profile {
    /// The profile's name.
    pub name: String,
    /// Its token file.
    pub store: FileTokenStore,
}

impl Profile {
    /// The profile `name`, in `X_DM_CONFIG_DIR` or the user's config
    /// directory. A name is letters, digits, `-` and `_`: it names a file.
    pub fn named(name: &str) -> Result<Self, Failure> {
        let valid = !name.is_empty()
            && name.len() <= 64
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid {
            return Err(Failure::Usage(format!(
                "--profile {name:?}: a profile name is 1 to 64 letters, digits, `-` or `_`"
            )));
        }
        let path = config_dir()?.join("tokens").join(format!("{name}.json"));
        Ok(Self {
            name: name.to_owned(),
            store: FileTokenStore::new(path),
        })
    }

    /// The stored token set, refusing a file others can read.
    pub fn load(&self) -> Result<Option<TokenSet>, Failure> {
        Ok(self.store.load()?)
    }

    /// The stored token set, or a usage error saying how to log in.
    pub fn require(&self) -> Result<TokenSet, Failure> {
        self.load()?.ok_or_else(|| {
            Failure::Usage(format!(
                "no login is stored for profile {:?}; run `x-dm auth login{}`",
                self.name,
                if self.name == DEFAULT_PROFILE {
                    String::new()
                } else {
                    format!(" --profile {}", self.name)
                }
            ))
        })
    }
}

/// `X_DM_CONFIG_DIR`, else `$XDG_CONFIG_HOME/x-dm`, else `~/.config/x-dm`.
fn config_dir() -> Result<PathBuf, Failure> {
    let set = |name: &str| std::env::var_os(name).filter(|value| !value.is_empty());
    if let Some(dir) = set("X_DM_CONFIG_DIR") {
        return Ok(PathBuf::from(dir));
    }
    if let Some(dir) = set("XDG_CONFIG_HOME") {
        return Ok(PathBuf::from(dir).join("x-dm"));
    }
    if let Some(home) = set("HOME") {
        return Ok(PathBuf::from(home).join(".config").join("x-dm"));
    }
    Err(Failure::Usage(
        "cannot tell where to keep logins: set X_DM_CONFIG_DIR".to_owned(),
    ))
}

/// The X app: `client_id`, the secret from `X_CLIENT_SECRET` if set (a
/// confidential client), its endpoints under `base_url` if given.
pub fn app(client_id: &str, base_url: Option<&str>) -> Result<App, Failure> {
    let mut app = App::new(client_id)?;
    if let Some(secret) = std::env::var("X_CLIENT_SECRET")
        .ok()
        .filter(|secret| !secret.is_empty())
    {
        app = app.with_client_secret(secret);
    }
    if let Some(base_url) = base_url {
        app = app.with_base_url(base_url)?;
    }
    Ok(app)
}

/// The client id of a stored login: the one it was issued to, else
/// `X_CLIENT_ID`.
pub fn client_id_of(tokens: &TokenSet) -> Result<String, Failure> {
    tokens
        .client_id()
        .map(str::to_owned)
        .or_else(|| {
            std::env::var("X_CLIENT_ID")
                .ok()
                .filter(|id| !id.is_empty())
        })
        .ok_or_else(|| {
            Failure::Usage(
                "the stored login names no client id; set X_CLIENT_ID or log in again".to_owned(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_name_that_is_not_a_plain_file_name_is_refused() {
        for name in ["", "../elsewhere", "a/b", "with space", &"x".repeat(65)] {
            let Err(Failure::Usage(message)) = Profile::named(name) else {
                panic!("{name:?} was taken");
            };
            assert!(message.contains("--profile"), "{message}");
        }
    }
}
