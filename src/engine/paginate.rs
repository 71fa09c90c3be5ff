//! Pagination as a stream: lazy, guarded against a token that comes back, and
//! flattened into joined items on demand.

use std::collections::{HashSet, VecDeque};
use std::future::Future;

use futures::stream::{self, Stream, StreamExt};

use super::join::{Item, Keyed, WithRaw};
use super::output::Cache;
use crate::Error;

enum Next {
    Fetch(Option<String>),
    Loop(String),
    Done,
}

/// The pages reached from `start`, one request per page and none before the
/// stream is polled.
///
/// `fetch` is told whether it fetches the first page, whose token the
/// caller gave. `next` names the token that leads on from a page, or `None`
/// at the end.
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
    F: FnMut(Option<String>, bool) -> Fut + 'a,
    Fut: Future<Output = Result<P, Error>> + 'a,
    N: Fn(&P) -> Option<String> + 'a,
{
    // Hashes, not the tokens: a walk of thousands of pages keeps 8 bytes a
    // page, and the loop's error still names the token, which is at hand.
    let seen: HashSet<u64> = start.iter().map(|token| token_hash(token)).collect();
    stream::unfold(
        (Next::Fetch(start), seen, fetch, next, true),
        |(state, mut seen, mut fetch, next, first)| async move {
            let token = match state {
                Next::Done => return None,
                Next::Loop(token) => {
                    return Some((
                        Err(Error::PaginationLoop { token }),
                        (Next::Done, seen, fetch, next, false),
                    ));
                }
                Next::Fetch(token) => token,
            };
            match fetch(token, first).await {
                Err(error) => Some((Err(error), (Next::Done, seen, fetch, next, false))),
                Ok(page) => {
                    let state = match next(&page) {
                        None => Next::Done,
                        Some(token) if !seen.insert(token_hash(&token)) => Next::Loop(token),
                        Some(token) => Next::Fetch(Some(token)),
                    };
                    Some((Ok(page), (state, seen, fetch, next, false)))
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
pub(crate) fn items<'a, S, P, T, C>(
    pages: S,
    split: fn(P, &mut C) -> Vec<WithRaw<T>>,
) -> impl Stream<Item = Result<Item<T, C::Joined>, Error>> + 'a
where
    S: Stream<Item = Result<P, Error>> + Unpin + 'a,
    P: 'a,
    T: Keyed + 'a,
    C: Cache<Item = T> + 'a,
{
    let state = (
        pages,
        C::for_stream(),
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
                            .map(|(item, _)| item.key().to_owned())
                            .collect();
                        let fresh: Vec<_> = items
                            .into_iter()
                            .filter(|(item, _)| !previous.contains(item.key()))
                            .collect();
                        previous = ids;
                        ready.extend(super::join::join(&cache, fresh));
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
