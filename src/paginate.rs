//! Pagination as a stream: lazy, guarded against a token that comes back, and
//! flattened into joined items on demand.

use std::collections::{HashSet, VecDeque};
use std::future::Future;

use futures::stream::{self, Stream, StreamExt};

use crate::Error;
use crate::join::{Item, JoinCache, References, WithRaw};

/// A page's token, and who chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Token {
    /// The caller's, such as a token saved from an earlier walk: the spec's
    /// rules apply, as to any input.
    Caller(String),
    /// The API's, from the page before: followed as it came.
    Api(String),
}

impl Token {
    /// The token itself.
    pub fn into_string(self) -> String {
        match self {
            Token::Caller(token) | Token::Api(token) => token,
        }
    }

    /// `parameter`, the token's query parameter, if the API chose the token:
    /// what the pre-send check passes over.
    pub fn issued(token: Option<&Token>, parameter: &'static str) -> Option<&'static str> {
        matches!(token, Some(Token::Api(_))).then_some(parameter)
    }
}

enum Next {
    Fetch(Option<Token>),
    Loop(String),
    Done,
}

/// The pages reached from `start`, one request per page and none before the
/// stream is polled.
///
/// `start` is the caller's token; every later one comes from a page. `next`
/// names the token that leads on from a page, or `None` at the end.
/// A token already followed in this walk ends the stream with
/// [`Error::PaginationLoop`] instead of fetching the same pages forever. An
/// error ends the stream too.
pub(crate) fn pages<'a, P, F, Fut, N>(
    start: Option<String>,
    fetch: F,
    next: N,
) -> impl Stream<Item = Result<P, Error>> + 'a
where
    P: 'a,
    F: FnMut(Option<Token>) -> Fut + 'a,
    Fut: Future<Output = Result<P, Error>> + 'a,
    N: Fn(&P) -> Option<String> + 'a,
{
    // Hashes, not the tokens: a walk of thousands of pages keeps 8 bytes a
    // page, and the loop's error still names the token, which is at hand.
    let seen: HashSet<u64> = start.iter().map(|token| token_hash(token)).collect();
    stream::unfold(
        (Next::Fetch(start.map(Token::Caller)), seen, fetch, next),
        |(state, mut seen, mut fetch, next)| async move {
            let token = match state {
                Next::Done => return None,
                Next::Loop(token) => {
                    return Some((
                        Err(Error::PaginationLoop { token }),
                        (Next::Done, seen, fetch, next),
                    ));
                }
                Next::Fetch(token) => token,
            };
            match fetch(token).await {
                Err(error) => Some((Err(error), (Next::Done, seen, fetch, next))),
                Ok(page) => {
                    let state = match next(&page) {
                        None => Next::Done,
                        Some(token) if !seen.insert(token_hash(&token)) => Next::Loop(token),
                        Some(token) => Next::Fetch(Some(Token::Api(token))),
                    };
                    Some((Ok(page), (state, seen, fetch, next)))
                }
            }
        },
    )
}

/// The items of `pages`, one by one, each joined to the objects included by
/// its page and by earlier pages of the same walk.
///
/// An item that also ended the previous page (X can repeat the boundary event
/// when new messages arrive mid-walk) is passed over, so no item is output
/// twice. Only the previous page's ids are remembered, so memory stays flat.
pub(crate) fn items<'a, S, P, T, U>(
    pages: S,
    split: fn(P, &mut JoinCache<U>) -> Vec<WithRaw<T>>,
) -> impl Stream<Item = Result<Item<T, U>, Error>> + 'a
where
    S: Stream<Item = Result<P, Error>> + Unpin + 'a,
    P: 'a,
    T: References + 'a,
    U: 'a,
{
    let state = (
        pages,
        JoinCache::for_stream(),
        VecDeque::new(),
        HashSet::<String>::new(),
    );
    stream::unfold(
        state,
        move |(mut pages, mut cache, mut ready, mut previous)| async move {
            loop {
                if let Some(item) = ready.pop_front() {
                    return Some((Ok(item), (pages, cache, ready, previous)));
                }
                match pages.next().await? {
                    Err(error) => return Some((Err(error), (pages, cache, ready, previous))),
                    Ok(page) => {
                        let items = split(page, &mut cache);
                        let ids = items
                            .iter()
                            .map(|(item, _)| item.item_id().to_owned())
                            .collect();
                        let fresh: Vec<_> = items
                            .into_iter()
                            .filter(|(item, _)| !previous.contains(item.item_id()))
                            .collect();
                        previous = ids;
                        ready.extend(cache.join(fresh));
                    }
                }
            }
        },
    )
}

/// A token's hash with fixed keys, the same for every walk.
fn token_hash(token: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    token.hash(&mut hasher);
    hasher.finish()
}
