//! Pagination as a stream: lazy, guarded against a token that comes back, and
//! flattened into joined items on demand.

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use futures::stream::{self, Stream, StreamExt};

use super::join::{Item, Keyed, WithRaw};
use super::output::Cache;
use crate::Error;

enum Next {
    Fetch(Option<String>),
    Loop(String),
    Done,
}

/// The next page's request, sent ahead while the current page is worked on.
enum Ahead<Fut: Future> {
    Pending(Pin<Box<Fut>>),
    Ready(Fut::Output),
}

/// Where a walk is, between two pages.
struct Walk<F, Fut: Future, N> {
    next_step: Next,
    /// Hashes, not the tokens: a walk of thousands of pages keeps 8 bytes a
    /// page, and the loop's error still names the token, which is at hand.
    seen: HashSet<u64>,
    fetch: F,
    next: N,
    first: bool,
    read_ahead: bool,
    ahead: Option<Ahead<Fut>>,
}

/// The pages reached from `start`, one request per page and none before the
/// stream is polled.
///
/// `fetch` is told whether it fetches the first page, whose token the
/// caller gave. `next` names the token that leads on from a page, or `None`
/// at the end. With `read_ahead`, the next page's request is sent as soon as
/// its token is known, before the current page is handed out, so that the
/// server works while the caller does; a stream dropped early has then asked
/// for one page it did not use.
///
/// A token already followed in this walk ends the stream with
/// [`Error::PaginationLoop`] instead of fetching the same pages forever. An
/// error ends the stream too.
pub(crate) fn pages<'a, P, F, Fut, N>(
    start: Option<String>,
    read_ahead: bool,
    fetch: F,
    next: N,
) -> impl Stream<Item = Result<P, Error>> + 'a
where
    P: 'a,
    F: FnMut(Option<String>, bool) -> Fut + 'a,
    Fut: Future<Output = Result<P, Error>> + 'a,
    N: Fn(&P) -> Option<String> + 'a,
{
    let walk = Walk {
        seen: start.iter().map(|token| token_hash(token)).collect(),
        next_step: Next::Fetch(start),
        fetch,
        next,
        first: true,
        read_ahead,
        ahead: None,
    };
    stream::unfold(walk, |mut walk| async move {
        let token = match std::mem::replace(&mut walk.next_step, Next::Done) {
            Next::Done => return None,
            Next::Loop(token) => return Some((Err(Error::PaginationLoop { token }), walk)),
            Next::Fetch(token) => token,
        };
        let fetched = match walk.ahead.take() {
            Some(Ahead::Ready(result)) => result,
            Some(Ahead::Pending(request)) => request.await,
            None => (walk.fetch)(token, walk.first).await,
        };
        walk.first = false;
        let page = match fetched {
            Err(error) => return Some((Err(error), walk)),
            Ok(page) => page,
        };
        walk.next_step = match (walk.next)(&page) {
            None => Next::Done,
            Some(token) if !walk.seen.insert(token_hash(&token)) => Next::Loop(token),
            Some(token) => {
                if walk.read_ahead {
                    walk.ahead = Some(send_ahead((walk.fetch)(Some(token.clone()), false)).await);
                }
                Next::Fetch(Some(token))
            }
        };
        Some((Ok(page), walk))
    })
}

/// Starts `request` and lets the runtime write it out, without waiting for
/// the answer.
async fn send_ahead<Fut: Future>(request: Fut) -> Ahead<Fut> {
    let mut request = Box::pin(request);
    let polled = std::future::poll_fn(|cx| Poll::Ready(request.as_mut().poll(cx))).await;
    if let Poll::Ready(result) = polled {
        return Ahead::Ready(result);
    }
    // The connection is driven by its own task: one turn of the runtime
    // puts the request on the wire.
    yield_once().await;
    Ahead::Pending(request)
}

/// Gives the runtime one turn, whichever runtime it is.
async fn yield_once() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
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

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::{StreamExt, TryStreamExt};

    use super::*;

    /// A walk of pages `1..=last`, each page's token its number, recording
    /// every request as it starts.
    fn walk(
        last: u32,
        read_ahead: bool,
        log: Arc<Mutex<Vec<Option<String>>>>,
    ) -> impl Stream<Item = Result<u32, Error>> {
        pages(
            None,
            read_ahead,
            move |token: Option<String>, _first| {
                log.lock().unwrap().push(token.clone());
                let page = token.map_or(1, |t| t.parse().unwrap());
                async move { Ok(page) }
            },
            move |page: &u32| (*page < last).then(|| (page + 1).to_string()),
        )
    }

    #[tokio::test]
    async fn reading_ahead_sends_the_next_request_before_the_page_is_handed_out() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let mut stream = Box::pin(walk(3, true, Arc::clone(&log)));
        assert_eq!(stream.next().await.unwrap().unwrap(), 1);
        assert_eq!(*log.lock().unwrap(), [None, Some("2".to_owned())]);
        let rest: Vec<u32> = stream.try_collect().await.unwrap();
        assert_eq!(rest, [2, 3]);
        assert_eq!(
            *log.lock().unwrap(),
            [None, Some("2".to_owned()), Some("3".to_owned())],
            "each page requested once, in order, nothing past the last"
        );
    }

    #[tokio::test]
    async fn without_reading_ahead_a_page_is_requested_only_when_wanted() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let first: Vec<u32> = walk(3, false, Arc::clone(&log))
            .take(1)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(first, [1]);
        assert_eq!(*log.lock().unwrap(), [None]);
    }
}
