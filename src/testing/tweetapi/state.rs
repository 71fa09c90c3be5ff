//! What TweetAPI's side of the fake remembers beyond X's data: which message
//! requests were accepted, the messages sent through it (which updates
//! report), and whether XChat was unlocked with the right PIN.

use serde_json::Value;

/// The conversations that start as message requests (the untrusted inbox):
/// the last one-to-one conversation and the last group of the dataset.
pub(crate) const REQUESTS: [&str; 2] = ["1234567890-1613565123466371072", "1690000000000000002"];

/// The XChat PIN the fake's account set in X's app.
pub const XCHAT_PIN: &str = "2468";

/// TweetAPI's state of one fake.
#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    /// Message requests accepted so far.
    accepted: Vec<String>,
    /// Messages sent through TweetAPI, in order: (conversation, message id).
    /// A dm-user-updates cursor is an offset into it.
    pub sent: Vec<(String, String)>,
    /// Whether `xchat/setup` was called with the right PIN.
    pub xchat_ready: bool,
    /// XChat messages sent to users without a legacy conversation:
    /// (`uid:uid` conversation, message), newest last.
    pub xchat_sent: Vec<(String, Value)>,
}

impl State {
    /// Whether a conversation is on the trusted timeline.
    pub fn trusted(&self, id: &str) -> bool {
        !REQUESTS.contains(&id) || self.accepted.iter().any(|a| a == id)
    }

    /// Moves a request to the trusted timeline; accepting twice is the same.
    pub fn accept(&mut self, id: &str) {
        if !self.trusted(id) {
            self.accepted.push(id.to_owned());
        }
    }
}
