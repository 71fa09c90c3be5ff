//! An OAuth 2.0 access token that renews itself: ahead of its expiry, and
//! once after the API refuses it. Whichever API's token endpoint renews it
//! is behind [`Refresh`]; this module knows none.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::Utc;
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;

use super::token::{TokenSet, TokenStore};
use crate::{AuthError, Error};

/// The least time ahead of expiry a token is renewed: a request signed just
/// before expiry may reach the API just after it.
pub const MIN_REFRESH_AHEAD: Duration = Duration::from_secs(60);

/// Trades a token set's refresh token for a new set, at an API's token
/// endpoint (each API's module has one: X's is `x::oauth::App`).
pub trait Refresh: Send + Sync {
    /// The new set. `current` holds a refresh token.
    fn refresh<'a>(&'a self, current: &'a TokenSet) -> BoxFuture<'a, Result<TokenSet, Error>>;
}

/// An access token that renews itself with its refresh token, shared by
/// every clone (and every client built with it):
///
/// - before a request, when it expires within the margin (60 s at least);
/// - after a 401 to a request sent with it, once; the request is then sent
///   again once. X's 401 does not tell an expired token from a revoked one
///   ("invalid or missing authentication credentials"), and renewing is the
///   one cure for either, so any 401 counts; a second 401 is the answer.
///
/// One renewal at a time: tasks that find the token due wait for the one
/// renewal under way and use its result. Each new set is handed to the
/// store given to [`on_refresh`](Self::on_refresh) before its access token
/// is used, and a set the store refused is offered to it again before use.
#[derive(Clone)]
pub struct RefreshingToken {
    state: Arc<Mutex<State>>,
    refresher: Arc<dyn Refresh>,
    store: Option<Arc<dyn TokenStore>>,
    ahead: Duration,
    refreshes: Arc<AtomicU64>,
}

struct State {
    tokens: TokenSet,
    /// Whether the store has yet to take `tokens`.
    unsaved: bool,
}

impl RefreshingToken {
    /// A token that `refresher` renews, starting from `tokens`.
    pub fn new(tokens: TokenSet, refresher: impl Refresh + 'static) -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                tokens,
                unsaved: false,
            })),
            refresher: Arc::new(refresher),
            store: None,
            ahead: MIN_REFRESH_AHEAD,
            refreshes: Arc::default(),
        }
    }

    /// The same token, saving each new set to `store` before using it.
    #[must_use]
    pub fn on_refresh(mut self, store: impl TokenStore + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// The same token, renewed `ahead` of its expiry ([`MIN_REFRESH_AHEAD`]
    /// at least).
    #[must_use]
    pub fn refresh_ahead(mut self, ahead: Duration) -> Self {
        self.ahead = ahead.max(MIN_REFRESH_AHEAD);
        self
    }

    /// The token set now.
    pub async fn tokens(&self) -> TokenSet {
        self.state.lock().await.tokens.clone()
    }

    /// How many renewals this token (and its clones) made.
    pub fn refreshes(&self) -> u64 {
        self.refreshes.load(Ordering::Relaxed)
    }

    /// Renews the token now, whatever its expiry, and saves the new set.
    pub async fn refresh_now(&self) -> Result<TokenSet, Error> {
        let mut state = self.state.lock().await;
        self.renew(&mut state, false).await?;
        Ok(state.tokens.clone())
    }

    /// The access token to send, renewed first when it is due.
    pub(crate) async fn access(&self) -> Result<SecretString, Error> {
        let mut state = self.state.lock().await;
        let due = state.tokens.expires_within(self.ahead, Utc::now());
        // Without a refresh token an expiring token is still sent: the API
        // decides, and its 401 says what is wrong.
        if due && state.tokens.refresh_token().is_some() {
            tracing::debug!("access token due for renewal");
            self.renew(&mut state, true).await?;
        } else if state.unsaved {
            self.save(&mut state)?;
        }
        Ok(state.tokens.access_token().clone())
    }

    /// After a 401 to a request sent with the access token `sent`: renews,
    /// unless another request renewed it already since. Whether the request
    /// is worth sending again.
    pub(crate) async fn renew_after_unauthorized(
        &self,
        sent: &SecretString,
    ) -> Result<bool, Error> {
        let mut state = self.state.lock().await;
        if state.tokens.access_token().expose_secret() != sent.expose_secret() {
            return Ok(true);
        }
        if state.tokens.refresh_token().is_none() {
            return Ok(false);
        }
        tracing::debug!("access token refused; renewing it once");
        self.renew(&mut state, true).await?;
        Ok(true)
    }

    /// Renews the token; or, `unless_stored` and the store holding a newer
    /// set that is not due (another process renewed), takes that one.
    async fn renew(&self, state: &mut State, unless_stored: bool) -> Result<(), Error> {
        if let Some(stored) = self.newer_in_store(state)? {
            state.tokens = state.tokens.renewed_by(stored);
            if unless_stored && !state.tokens.expires_within(self.ahead, Utc::now()) {
                tracing::info!(
                    expires_at = ?state.tokens.expires_at(),
                    "access token renewed elsewhere; taken from the store"
                );
                return Ok(());
            }
        }
        if state.tokens.refresh_token().is_none() {
            return Err(AuthError::NoRefreshToken.into());
        }
        let new = self.refresher.refresh(&state.tokens).await?;
        state.tokens = state.tokens.renewed_by(new);
        state.unsaved = true;
        self.refreshes.fetch_add(1, Ordering::Relaxed);
        tracing::info!(
            expires_at = ?state.tokens.expires_at(),
            "access token renewed"
        );
        self.save(state)
    }

    /// What the store holds, if it is not what this token holds: a set
    /// saved there since by someone else. A set not yet saved here is newer
    /// than anything there.
    fn newer_in_store(&self, state: &State) -> Result<Option<TokenSet>, Error> {
        let Some(store) = self.store.as_ref().filter(|_| !state.unsaved) else {
            return Ok(None);
        };
        Ok(store.newest()?.filter(|stored| {
            stored.access_token().expose_secret() != state.tokens.access_token().expose_secret()
        }))
    }

    fn save(&self, state: &mut State) -> Result<(), Error> {
        if let Some(store) = &self.store {
            store.save(&state.tokens)?;
        }
        state.unsaved = false;
        Ok(())
    }
}

impl fmt::Debug for RefreshingToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshingToken")
            .field("ahead", &self.ahead)
            .field("store", &self.store.is_some())
            .field("refreshes", &self.refreshes())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex as StdMutex;

    use super::*;

    /// Hands out `access-N`/`refresh-N`, slowly, counting calls.
    #[derive(Default)]
    struct Counter {
        calls: AtomicU64,
        /// The refresh tokens it was handed.
        seen: Arc<StdMutex<Vec<String>>>,
    }

    impl Refresh for Counter {
        fn refresh<'a>(&'a self, current: &'a TokenSet) -> BoxFuture<'a, Result<TokenSet, Error>> {
            Box::pin(async move {
                let refresh = current.refresh_token().unwrap().expose_secret().to_owned();
                self.seen.lock().unwrap().push(refresh);
                tokio::time::sleep(Duration::from_millis(20)).await;
                let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(TokenSet::new(format!("access-{n}"))
                    .with_refresh_token(format!("refresh-{n}"))
                    .expiring_in(Duration::from_secs(7200)))
            })
        }
    }

    fn due(store: Arc<StdMutex<Vec<String>>>) -> RefreshingToken {
        let tokens = TokenSet::new("access-0")
            .with_refresh_token("refresh-0")
            .expiring_in(Duration::from_secs(30));
        RefreshingToken::new(tokens, Counter::default()).on_refresh(move |tokens: &TokenSet| {
            store
                .lock()
                .unwrap()
                .push(tokens.access_token().expose_secret().to_owned());
            Ok(())
        })
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn many_tasks_finding_the_token_due_make_one_renewal() {
        let saved = Arc::new(StdMutex::new(Vec::new()));
        let token = due(Arc::clone(&saved));
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let token = token.clone();
                tokio::spawn(async move { token.access().await.unwrap() })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.unwrap().expose_secret(), "access-1");
        }
        assert_eq!(token.refreshes(), 1);
        assert_eq!(*saved.lock().unwrap(), ["access-1"]);
    }

    #[tokio::test]
    async fn a_token_within_the_margin_is_renewed_and_saved_before_use() {
        let saved = Arc::new(StdMutex::new(Vec::new()));
        // 30 s left is inside the 60 s margin.
        let token = due(Arc::clone(&saved));
        let access = token.access().await.unwrap();
        assert_eq!(access.expose_secret(), "access-1");
        assert_eq!(*saved.lock().unwrap(), ["access-1"]);
        // Two hours left: used as it is.
        let again = token.access().await.unwrap();
        assert_eq!(again.expose_secret(), "access-1");
        assert_eq!(token.refreshes(), 1);
        // The margin cannot be set below a minute.
        assert_eq!(
            token.clone().refresh_ahead(Duration::from_secs(1)).ahead,
            MIN_REFRESH_AHEAD
        );
    }

    #[tokio::test]
    async fn a_401_to_a_replaced_token_does_not_renew_again() {
        let saved = Arc::new(StdMutex::new(Vec::new()));
        let token = due(saved);
        let first = token.access().await.unwrap();
        assert_eq!(token.refreshes(), 1);
        // The first 401 to the current token renews; a 401 to a token
        // replaced since just sends again with the new one.
        assert!(token.renew_after_unauthorized(&first).await.unwrap());
        assert_eq!(token.refreshes(), 2);
        assert!(token.renew_after_unauthorized(&first).await.unwrap());
        assert_eq!(token.refreshes(), 2);
        let second = token.access().await.unwrap();
        assert_eq!(second.expose_secret(), "access-2");
    }

    #[tokio::test]
    async fn a_set_the_store_refused_is_not_used_until_saved() {
        let refuse = Arc::new(std::sync::atomic::AtomicBool::new(true));
        let flag = Arc::clone(&refuse);
        let token = RefreshingToken::new(
            TokenSet::new("access-0")
                .with_refresh_token("refresh-0")
                .expiring_in(Duration::ZERO),
            Counter::default(),
        )
        .on_refresh(move |_: &TokenSet| {
            if flag.load(Ordering::SeqCst) {
                Err(AuthError::Store {
                    path: "tokens.json".into(),
                    message: "disk full".to_owned(),
                }
                .into())
            } else {
                Ok(())
            }
        });
        let error = token.access().await.unwrap_err().to_string();
        assert!(error.contains("disk full"), "{error}");
        assert!(token.access().await.is_err());
        refuse.store(false, Ordering::SeqCst);
        let access = token.access().await.unwrap();
        // The set renewed first is kept, not renewed again and lost.
        assert_eq!(access.expose_secret(), "access-1");
        assert_eq!(token.refreshes(), 1);
    }

    /// A store another process writes to, as a file store shared by two
    /// programs is.
    #[derive(Clone, Default)]
    struct Shared(Arc<StdMutex<Option<TokenSet>>>);

    impl TokenStore for Shared {
        fn save(&self, tokens: &TokenSet) -> Result<(), Error> {
            *self.0.lock().unwrap() = Some(tokens.clone());
            Ok(())
        }

        fn newest(&self) -> Result<Option<TokenSet>, Error> {
            Ok(self.0.lock().unwrap().clone())
        }
    }

    #[tokio::test]
    async fn a_set_another_process_renewed_is_taken_from_the_store_not_renewed_again() {
        let store = Shared::default();
        let old = TokenSet::new("access-0")
            .with_refresh_token("refresh-0")
            .expiring_in(Duration::from_secs(30));
        store.save(&old).unwrap();
        let counter = Counter::default();
        let seen = Arc::clone(&counter.seen);
        let token = RefreshingToken::new(old, counter).on_refresh(store.clone());
        // Another process renewed: refresh-0 is spent, refresh-9 is live.
        store
            .save(
                &TokenSet::new("access-9")
                    .with_refresh_token("refresh-9")
                    .expiring_in(Duration::from_secs(7200)),
            )
            .unwrap();
        let access = token.access().await.unwrap();
        assert_eq!(access.expose_secret(), "access-9");
        assert_eq!(token.refreshes(), 0);
        // Asked to renew now, it renews from the live refresh token.
        let renewed = token.refresh_now().await.unwrap();
        assert_eq!(renewed.access_token().expose_secret(), "access-1");
        assert_eq!(token.refreshes(), 1);
        assert_eq!(*seen.lock().unwrap(), ["refresh-9"]);
        assert_eq!(
            store
                .newest()
                .unwrap()
                .unwrap()
                .access_token()
                .expose_secret(),
            "access-1"
        );
    }

    #[tokio::test]
    async fn without_a_refresh_token_nothing_is_renewed() {
        let token = RefreshingToken::new(
            TokenSet::new("access-0").expiring_in(Duration::ZERO),
            Counter::default(),
        );
        let access = token.access().await.unwrap();
        assert_eq!(access.expose_secret(), "access-0");
        assert!(!token.renew_after_unauthorized(&access).await.unwrap());
        let error = token.refresh_now().await.unwrap_err();
        assert!(matches!(error, Error::Auth(AuthError::NoRefreshToken)));
    }
}
