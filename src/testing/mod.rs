//! A fake X API (and TweetAPI) on loopback, for tests and demos that must run
//! without credentials or network: [`FakeX`].
//!
//! Every operation of the crate's specs has a route at its spec path and
//! method, and each request is checked against the same generated
//! descriptors the clients are built from: an unknown, repeated, missing or out-of-rule
//! parameter, or a body that breaks the spec's rules, gets the 400 the real
//! service sends. It answers from a realistic [`Dataset`] generated from a
//! seed, and honours what clients depend on: field selection, expansions
//! with their `includes`, partial errors, `max_results`, pagination tokens,
//! the `event_types` filter, TweetAPI's cursor, and `x-rate-limit-*`
//! headers. Each fake owns its dataset: a message sent to it is the newest
//! event of later reads, on that fake only. Tests can tighten the rate
//! limit and queue faults while it runs.
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use x_dm::Client;
//! use x_dm::testing::{DEMO_CONVERSATION, FakeX};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let fake = FakeX::start().await?;
//! let client = Client::builder("any-token").base_url(fake.base_url()).build()?;
//! let events: Vec<_> = client
//!     .dm_events(DEMO_CONVERSATION)
//!     .items()
//!     .try_collect()
//!     .await?;
//! assert_eq!(Some(events.len()), fake.dataset().event_count(DEMO_CONVERSATION));
//! # Ok(())
//! # }
//! ```
//!
//! | operations | auth |
//! | --- | --- |
//! | [`crate::x::OPERATIONS`] | `Authorization: Bearer …` |
//! | [`crate::tweetapi::OPERATIONS`] | `X-API-Key` header, `authToken` query |
//!
//! Any non-empty credential is accepted, unless
//! [`FakeConfig::requiring_login`] asks for the fake's own: it also serves
//! X's login endpoints (authorize, token, revoke; see
//! [`FakeX::approve`]). An operation the specs have but
//! the fake has no handler for yet answers 501 in its API's error shape.

mod chat;
mod data;
mod knobs;
mod server;
mod store;
mod streams;
mod tweetapi;
mod uploads;
#[cfg(feature = "webhook")]
mod webhook;
mod x;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use chat::{TOY_KEY, TOY_MAGIC, toy_seal};
pub use data::{DEFAULT_SEED, Dataset};
use knobs::Knobs;
use store::Store;
/// The XChat PIN of the fake's account: `TWEETAPI_XCHAT_PIN` must hold it
/// for `xchat/setup` to unlock XChat.
pub use tweetapi::XCHAT_PIN as TWEETAPI_XCHAT_PIN;
#[cfg(feature = "webhook")]
pub use webhook::{WebhookSender, dm_delivery};
pub use x::login::DEMO_CLIENT_ID;
use x::login::{LoginConfig, Logins};

/// The big one-to-one DM conversation: over a thousand events of every type,
/// with attachments, quoted Tweets and, on its third page of 100, a quoted
/// Tweet that no longer exists.
pub const DEMO_CONVERSATION: &str = "1234567890-9876543210";

/// How a [`FakeX`] starts. `FakeConfig::default()` is the fake of
/// [`FakeX::start`]: no rate limit, no added latency, not strict,
/// [`DEFAULT_SEED`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FakeConfig {
    /// Requests allowed per window, and the window's length. `None` advertises
    /// a limit no test reaches and never answers 429.
    pub rate_limit: Option<(u32, Duration)>,
    /// Added to every response, to look like a distant server.
    pub latency: Duration,
    /// Answer 400, as a server that follows the latest documented version
    /// to the letter would, to a query parameter or a field or expansion
    /// value that version no longer lists, even one an older version did
    /// (`dm_event.fields=sender_id`, `tweet.fields`): what the spec marks
    /// `x-legacy`. Otherwise the fake takes the values of every version the
    /// crate's spec knows.
    pub strict: bool,
    /// Where the generated conversation histories start from: fakes with
    /// the same seed, sent the same requests, serve the same bytes. Users,
    /// media, Tweets and the Chat inbox are the same for every seed.
    pub seed: u64,
    /// The apps, token lifetime and OAuth 1.0a user of the login endpoints.
    pub(crate) login: LoginConfig,
}

impl Default for FakeConfig {
    fn default() -> Self {
        Self {
            rate_limit: None,
            latency: Duration::ZERO,
            strict: false,
            seed: DEFAULT_SEED,
            login: LoginConfig::default(),
        }
    }
}

impl FakeConfig {
    /// This configuration with its histories generated from `seed`.
    #[must_use]
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// This configuration with `limit` requests per `window`.
    #[must_use]
    pub fn with_rate_limit(mut self, limit: u32, window: Duration) -> Self {
        self.rate_limit = Some((limit, window));
        self
    }

    /// This configuration with `latency` added to every response.
    #[must_use]
    pub fn with_latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// This configuration's access tokens living `lifetime` (two hours by
    /// default, as X's), and saying so in `expires_in`.
    #[must_use]
    pub fn with_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.login.token_lifetime = lifetime;
        self
    }

    /// This configuration knowing a confidential app, which must
    /// authenticate with HTTP Basic. [`DEMO_CLIENT_ID`] is always known, as
    /// a public app.
    #[must_use]
    pub fn with_confidential_client(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
    ) -> Self {
        self.login
            .clients
            .push((client_id.into(), Some(client_secret.into())));
        self
    }

    /// This configuration accepting OAuth 1.0a requests signed with
    /// `credential`.
    #[must_use]
    pub fn with_oauth1(mut self, credential: crate::OAuth1) -> Self {
        self.login.oauth1 = Some(credential);
        self
    }

    /// This configuration's X routes taking only live access tokens the
    /// fake issued, or a valid OAuth 1.0a signature (with
    /// [`with_oauth1`](Self::with_oauth1)); anything else is a 401. Otherwise
    /// any non-empty bearer token is accepted.
    #[must_use]
    pub fn requiring_login(mut self) -> Self {
        self.login.required = true;
        self
    }

    /// This configuration refusing what the latest documented version does
    /// not list (see [`strict`](Self::strict)).
    #[must_use]
    pub fn strict(mut self) -> Self {
        self.strict = true;
        self
    }
}

/// A failure to inflict on one upcoming request, whichever endpoint it asks.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and a JSON error body in the endpoint's shape
    /// (an RFC 7807 problem on X's paths, TweetAPI's `error` envelope on its
    /// path). The request does not count against the rate limit. A 429 says
    /// the window is spent and resets within a second or two; a status that
    /// is not a final HTTP status (below 200 or above 599) becomes 500.
    Status(u16),
    /// Wait this long, then answer normally.
    Slow(Duration),
    /// Answer normally, but with only the first half of the body: valid HTTP
    /// (the `Content-Length` matches), invalid JSON.
    Truncate,
    /// Read the whole request and carry it out (a message is sent), then
    /// close the connection without answering: the client cannot tell
    /// whether its request took effect.
    DropAfterRequest,
}

/// What the handlers share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub store: Store,
    pub streams: streams::Streams,
    pub logins: Logins,
    pub knobs: Knobs,
    pub latency: Duration,
    pub strict: bool,
}

/// A running fake, bound to a free port on 127.0.0.1. Dropping it stops the
/// server: it accepts no more connections and closes the open ones once their
/// current response is sent.
pub struct FakeX {
    address: SocketAddr,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl FakeX {
    /// Starts a fake with the default seed's dataset, no rate limit and no
    /// faults, on the current Tokio runtime.
    pub async fn start() -> std::io::Result<FakeX> {
        Self::start_with(FakeConfig::default()).await
    }

    /// Starts a fake configured by `config`, on the current Tokio runtime.
    pub async fn start_with(config: FakeConfig) -> std::io::Result<FakeX> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            store: Store::new(Dataset::seeded(config.seed)),
            streams: streams::Streams::default(),
            logins: Logins::new(config.login),
            knobs: Knobs::new(config.rate_limit),
            latency: config.latency,
            strict: config.strict,
        });
        let app = server::router(Arc::clone(&shared));
        let server = tokio::spawn(async move {
            // `serve` only returns if accepting fails for good; there is no
            // one left to tell, and requests then fail on the client's side.
            let _ = axum::serve(listener, app).await;
        });
        Ok(FakeX {
            address,
            shared,
            server,
        })
    }

    /// The root to give a client's `base_url`: `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Requests received so far on every endpoint, 429s and faults included.
    pub fn requests(&self) -> usize {
        self.shared.knobs.requests()
    }

    /// From now on, allows `limit` requests per `window` across all
    /// endpoints, starting a fresh window now.
    pub fn set_rate_limit(&self, limit: u32, window: Duration) {
        self.shared.knobs.set_rate_limit(limit, window);
    }

    /// Queues `fault` for one upcoming request. Faults are used in the order
    /// they were queued, one per request.
    pub fn inject(&self, fault: Fault) {
        self.shared.knobs.inject(fault);
    }

    /// Queues `fault` for the next request of the operation `E` alone
    /// (`x_dm::x::operations::CreateDirectMessagesByConversationId`), after
    /// its credential is checked; faults queued with [`inject`](Self::inject)
    /// come first. Per-operation faults of one operation are used in order.
    pub fn inject_into<E: crate::engine::Endpoint>(&self, fault: Fault) {
        self.shared.knobs.inject_into(E::operation().id, fault);
    }

    /// Cuts every activity stream open now, as a dropped connection would:
    /// the client sees its body end in an error. Streams opened later are
    /// not affected; queue `Fault::Status(503)` with
    /// [`inject_into`](Self::inject_into) to refuse reconnects too.
    pub fn cut_activity_streams(&self) {
        self.shared.streams.cut();
    }

    /// Activity streams opened so far. Each counts once it has noted the
    /// events already there: a DM written after the count moved is sent on
    /// it.
    pub fn activity_streams_opened(&self) -> u64 {
        self.shared.streams.opened_count()
    }

    /// Refresh tokens traded for a new token set so far.
    pub fn refreshes(&self) -> usize {
        self.shared.logins.refreshes()
    }

    /// Authorization codes traded for a token set so far.
    pub fn logins(&self) -> usize {
        self.shared.logins.logins()
    }

    /// Whether `access_token` is one the fake issued, not expired nor
    /// revoked.
    pub fn is_live(&self, access_token: &str) -> bool {
        self.shared.logins.is_live(access_token)
    }

    /// Where the fake's authorize page sends the browser for
    /// `authorize_url` (it approves at once): the redirect URI with a code
    /// and the state. `Err` says what the URL lacks.
    pub fn approve(&self, authorize_url: &str) -> Result<String, String> {
        let url = url::Url::parse(authorize_url).map_err(|error| error.to_string())?;
        let query = url.query_pairs().into_owned().collect();
        self.shared.logins.approve(&query)
    }

    /// Posts `count` messages from the user `sender_id` to the DM
    /// conversation `conversation_id` now, each newer than every event
    /// before it, and returns their ids, oldest first: the new messages a
    /// watch should see. Every later read, the inbox's included, has them.
    /// `None`, and nothing posted, when the fake has no such conversation
    /// or the sender is not one of its participants.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// use x_dm::testing::{DEMO_CONVERSATION, FakeX};
    /// let fake = FakeX::start().await?;
    /// let ids = fake.post_messages(DEMO_CONVERSATION, "9876543210", 3).unwrap();
    /// assert_eq!(ids.len(), 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn post_messages(
        &self,
        conversation_id: &str,
        sender_id: &str,
        count: usize,
    ) -> Option<Vec<String>> {
        self.shared
            .store
            .write(|data| data.receive_messages(conversation_id, sender_id, count))
    }

    /// The data the fake serves now, writes included, to compare responses
    /// with. A snapshot: writes after this call do not change it, and
    /// holding it never holds up the fake.
    pub fn dataset(&self) -> Arc<Dataset> {
        self.shared.store.snapshot()
    }
}

impl fmt::Debug for FakeX {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeX")
            .field("base_url", &self.base_url())
            .field("requests", &self.requests())
            .finish_non_exhaustive()
    }
}

impl Drop for FakeX {
    fn drop(&mut self) {
        self.server.abort();
    }
}
