//! An OAuth 2.0 token set, and where a new one is saved before it is used.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::{AuthError, Error};

/// What a token endpoint grants: an access token, the refresh token that
/// renews it (with `offline.access`), when the access token expires, and the
/// scopes granted. `Debug` shows neither token.
#[derive(Clone)]
pub struct TokenSet {
    access_token: SecretString,
    refresh_token: Option<SecretString>,
    expires_at: Option<DateTime<Utc>>,
    scopes: Vec<String>,
    client_id: Option<String>,
}

impl TokenSet {
    /// A token set holding `access_token` alone: no refresh token, no known
    /// expiry, no scopes.
    pub fn new(access_token: impl Into<String>) -> Self {
        Self {
            access_token: SecretString::from(access_token.into()),
            refresh_token: None,
            expires_at: None,
            scopes: Vec::new(),
            client_id: None,
        }
    }

    /// The same set with a refresh token.
    #[must_use]
    pub fn with_refresh_token(mut self, refresh_token: impl Into<String>) -> Self {
        self.refresh_token = Some(SecretString::from(refresh_token.into()));
        self
    }

    /// The same set expiring at `expires_at`.
    #[must_use]
    pub fn with_expires_at(mut self, expires_at: DateTime<Utc>) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The same set expiring `expires_in` from now, as a token response's
    /// `expires_in` says.
    #[must_use]
    pub fn expiring_in(mut self, expires_in: Duration) -> Self {
        self.expires_at = chrono::TimeDelta::from_std(expires_in)
            .ok()
            .and_then(|delta| Utc::now().checked_add_signed(delta));
        self
    }

    /// The same set with the scopes granted.
    #[must_use]
    pub fn with_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The same set, remembering the client (app) it was issued to, which a
    /// refresh must name again.
    #[must_use]
    pub fn with_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The access token, to put on the wire.
    pub fn access_token(&self) -> &SecretString {
        &self.access_token
    }

    /// The refresh token, if one was granted.
    pub fn refresh_token(&self) -> Option<&SecretString> {
        self.refresh_token.as_ref()
    }

    /// When the access token expires, if known.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.expires_at
    }

    /// The scopes granted.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The client the tokens were issued to, if known.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// Whether the access token expires within `margin` of `now` (or has).
    pub fn expires_within(&self, margin: Duration, now: DateTime<Utc>) -> bool {
        let margin = chrono::TimeDelta::from_std(margin).unwrap_or(chrono::TimeDelta::MAX);
        self.expires_at
            .is_some_and(|at| now.checked_add_signed(margin).is_none_or(|soon| at <= soon))
    }

    /// A refreshed set: what the endpoint did not send again (a refresh
    /// token X did not rotate, the scopes, the client) is kept from `self`.
    pub(crate) fn renewed_by(&self, mut new: TokenSet) -> TokenSet {
        if new.refresh_token.is_none() {
            new.refresh_token.clone_from(&self.refresh_token);
        }
        if new.scopes.is_empty() {
            new.scopes.clone_from(&self.scopes);
        }
        if new.client_id.is_none() {
            new.client_id.clone_from(&self.client_id);
        }
        new
    }

    /// The set as JSON, tokens included: only for a token file.
    pub fn to_json(&self) -> String {
        let stored = Stored {
            access_token: self.access_token.expose_secret().to_owned(),
            refresh_token: self
                .refresh_token
                .as_ref()
                .map(|token| token.expose_secret().to_owned()),
            expires_at: self.expires_at,
            scopes: self.scopes.clone(),
            client_id: self.client_id.clone(),
        };
        // A struct of strings always serializes.
        serde_json::to_string_pretty(&stored).unwrap_or_default()
    }

    /// A set read back from [`to_json`](Self::to_json). The error names the
    /// field at fault, never a value.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let stored: Stored = serde_json::from_str(json).map_err(|error| {
            // serde_json quotes what it could not read; say where instead.
            format!(
                "not a token set (line {}, column {})",
                error.line(),
                error.column()
            )
        })?;
        Ok(Self {
            access_token: SecretString::from(stored.access_token),
            refresh_token: stored.refresh_token.map(SecretString::from),
            expires_at: stored.expires_at,
            scopes: stored.scopes,
            client_id: stored.client_id,
        })
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"<redacted>")
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("client_id", &self.client_id)
            .finish()
    }
}

/// The token file's shape.
#[derive(Serialize, Deserialize)]
struct Stored {
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<DateTime<Utc>>,
    #[serde(default)]
    scopes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
}

/// Where a refreshed token set is saved, before its access token is used:
/// X rotates the refresh token on every refresh, and a client that loses
/// the new one is locked out.
///
/// A closure `Fn(&TokenSet) -> Result<(), Error>` is a store too.
pub trait TokenStore: Send + Sync {
    /// Saves `tokens`. An error stops the request that needed them.
    fn save(&self, tokens: &TokenSet) -> Result<(), Error>;

    /// The set the store holds now, for a store that can read it back
    /// (`None` otherwise, the default). A renewal looks here first: when
    /// another process sharing the store renewed already, its refresh token
    /// is the live one, and the one in memory was rotated away.
    fn newest(&self) -> Result<Option<TokenSet>, Error> {
        Ok(None)
    }
}

impl<F> TokenStore for F
where
    F: Fn(&TokenSet) -> Result<(), Error> + Send + Sync,
{
    fn save(&self, tokens: &TokenSet) -> Result<(), Error> {
        self(tokens)
    }
}

/// A token set in a file of its own, readable by its owner only, written
/// whole or not at all: a temporary file beside it, synced, then renamed
/// over it.
#[derive(Clone, Debug)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// The store at `path`. Nothing is read or written yet.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// Where the tokens are kept.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The stored set, or `None` when there is no file. A file that others
    /// can read is refused, with how to fix it.
    pub fn load(&self) -> Result<Option<TokenSet>, Error> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(self.failed(&error)),
        };
        self.refuse_if_shared()?;
        TokenSet::from_json(&text)
            .map(Some)
            .map_err(|message| self.error(message))
    }

    /// Deletes the file; no file is no error.
    pub fn delete(&self) -> Result<(), Error> {
        match std::fs::remove_file(&self.path) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(self.failed(&error)),
            _ => Ok(()),
        }
    }

    #[cfg(unix)]
    fn refuse_if_shared(&self) -> Result<(), Error> {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&self.path)
            .map_err(|error| self.failed(&error))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(AuthError::SharedTokenFile {
                path: self.path.clone(),
                mode: mode & 0o777,
            }
            .into());
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn refuse_if_shared(&self) -> Result<(), Error> {
        Ok(())
    }

    fn write(&self, tokens: &TokenSet) -> std::io::Result<()> {
        let directory = self
            .path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        create_private_dir(directory)?;
        let name = self
            .path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let temporary = directory.join(format!(".{name}.{}.tmp", std::process::id()));
        let written = (|| {
            let mut file = private_file(&temporary)?;
            file.write_all(tokens.to_json().as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            std::fs::rename(&temporary, &self.path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written?;
        // The rename is durable once the directory is.
        if let Ok(directory) = std::fs::File::open(directory) {
            let _ = directory.sync_all();
        }
        Ok(())
    }

    fn error(&self, message: String) -> Error {
        AuthError::Store {
            path: self.path.clone(),
            message,
        }
        .into()
    }

    fn failed(&self, error: &std::io::Error) -> Error {
        self.error(error.to_string())
    }
}

impl TokenStore for FileTokenStore {
    fn save(&self, tokens: &TokenSet) -> Result<(), Error> {
        self.write(tokens).map_err(|error| self.failed(&error))
    }

    fn newest(&self) -> Result<Option<TokenSet>, Error> {
        self.load()
    }
}

/// Creates `directory` and its parents, the last with mode 0700.
fn create_private_dir(directory: &Path) -> std::io::Result<()> {
    if directory.is_dir() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(directory)
}

/// A new file at `path`, mode 0600 from its creation on.
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> TokenSet {
        TokenSet::new("access-secret-1")
            .with_refresh_token("refresh-secret-1")
            .expiring_in(Duration::from_secs(7200))
            .with_scopes(["dm.read", "offline.access"])
            .with_client_id("client-1")
    }

    #[test]
    fn debug_shows_no_token() {
        let shown = format!("{:?}", tokens());
        assert!(!shown.contains("secret"), "{shown}");
        assert!(
            shown.contains("dm.read") && shown.contains("client-1"),
            "{shown}"
        );
    }

    #[test]
    fn a_token_set_survives_its_file_and_a_bad_file_names_no_value() {
        let back = TokenSet::from_json(&tokens().to_json()).unwrap();
        assert_eq!(back.access_token().expose_secret(), "access-secret-1");
        assert_eq!(
            back.refresh_token().map(ExposeSecret::expose_secret),
            Some("refresh-secret-1")
        );
        let original = tokens();
        assert!(back.expires_at().is_some());
        assert_eq!(
            TokenSet::from_json(&original.to_json())
                .unwrap()
                .expires_at(),
            original.expires_at()
        );
        assert_eq!(back.scopes(), ["dm.read", "offline.access"]);
        let error =
            TokenSet::from_json(r#"{"access_token": 12, "x": "leaky-secret"}"#).unwrap_err();
        assert!(
            !error.contains("leaky") && error.contains("line 1"),
            "{error}"
        );
    }

    #[test]
    fn expiry_is_judged_with_the_margin() {
        let now = Utc::now();
        let set = TokenSet::new("a").with_expires_at(now + chrono::TimeDelta::seconds(90));
        assert!(!set.expires_within(Duration::from_secs(60), now));
        assert!(set.expires_within(Duration::from_secs(90), now));
        assert!(!TokenSet::new("a").expires_within(Duration::from_secs(60), now));
    }

    #[test]
    fn a_renewal_keeps_the_refresh_token_x_did_not_rotate() {
        let old = tokens();
        let new = old.renewed_by(TokenSet::new("access-2"));
        assert_eq!(
            new.refresh_token().map(ExposeSecret::expose_secret),
            Some("refresh-secret-1")
        );
        assert_eq!(new.client_id(), Some("client-1"));
        let rotated = old.renewed_by(TokenSet::new("access-2").with_refresh_token("refresh-2"));
        assert_eq!(
            rotated.refresh_token().map(ExposeSecret::expose_secret),
            Some("refresh-2")
        );
    }

    #[cfg(unix)]
    #[test]
    fn the_file_store_writes_privately_and_atomically_and_refuses_a_shared_file() {
        use std::os::unix::fs::PermissionsExt;
        let root = std::env::temp_dir().join(format!("x-dm-store-{}", fastrand::u64(..)));
        let path = root.join("profiles").join("default.json");
        let store = FileTokenStore::new(&path);
        assert!(store.load().unwrap().is_none());
        store.save(&tokens()).unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        store
            .save(&tokens().renewed_by(TokenSet::new("access-2").with_refresh_token("refresh-2")))
            .unwrap();
        let loaded = store.load().unwrap().unwrap();
        assert_eq!(loaded.access_token().expose_secret(), "access-2");
        // Only the file is left: the temporary one was renamed over it.
        let entries: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(entries, [std::ffi::OsString::from("default.json")]);

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let error = store.load().unwrap_err().to_string();
        assert!(
            error.contains("chmod 600") && error.contains("default.json"),
            "{error}"
        );
        assert!(!error.contains("access-2"), "{error}");

        store.delete().unwrap();
        store.delete().unwrap();
        assert!(store.load().unwrap().is_none());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
