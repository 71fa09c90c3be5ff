//! One request builder for every operation: the generated setters fill it,
//! and `send`, `pages` and `items` are written here once.

use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use futures::StreamExt;
use futures::stream::BoxStream;
use serde_json::Value;

use super::connection::Connection;
use super::descriptor::{Endpoint, Location, Operation, Param};
use super::download::{DownloadStream, Saved};
use super::join::Item;
use super::output::{Cache, Download, FromResponse, Multipart, Paged, Split};
use super::transport::{self, Payload};
use super::validate::{self, InvalidParameter};
use super::wire::CommaList;
use super::{paginate, wire};
use crate::Error;

/// Which way a walk through pages goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Towards older items, following the next page's token (the default).
    #[default]
    Older,
    /// Towards newer items, following the previous page's token.
    Newer,
}

/// Where a page token came from: the caller's is checked against the spec's
/// rules, the API's is followed as it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Origin {
    Caller,
    Api,
}

/// A request of the operation `E`, built by a client and its setters.
///
/// It owns a cheap clone of its client's connection, so its streams are
/// `'static`: `tokio::spawn(request.items().try_collect::<Vec<_>>())` works.
#[must_use]
pub struct Request<E: Endpoint> {
    connection: Connection,
    /// The value of each of the operation's parameters, by index.
    values: Vec<Option<String>>,
    body: Option<Result<Body, String>>,
    start: Option<String>,
    direction: Direction,
    read_ahead: bool,
    endpoint: PhantomData<fn() -> E>,
}

#[derive(Clone)]
enum Body {
    Json(Value),
    Multipart(Multipart),
}

impl<E: Endpoint> Clone for Request<E> {
    fn clone(&self) -> Self {
        Self {
            connection: self.connection.clone(),
            values: self.values.clone(),
            body: self.body.clone(),
            start: self.start.clone(),
            direction: self.direction,
            read_ahead: self.read_ahead,
            endpoint: PhantomData,
        }
    }
}

impl<E: Endpoint> fmt::Debug for Request<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let operation = E::operation();
        let shown: Vec<(&str, &str)> = operation
            .params
            .iter()
            .zip(&self.values)
            .filter_map(|(param, value)| {
                let value = value.as_deref()?;
                Some((param.name, if param.secret { "<redacted>" } else { value }))
            })
            .collect();
        f.debug_struct("Request")
            .field("operation", &operation.id)
            .field("params", &shown)
            .field("start", &self.start)
            .field("direction", &self.direction)
            .field("connection", &self.connection)
            .finish_non_exhaustive()
    }
}

impl<E: Endpoint> Request<E> {
    /// An empty request of `E` on `connection`; the generated constructor
    /// fills in what the caller must give.
    pub(crate) fn with(connection: Connection) -> Self {
        Self {
            connection,
            values: vec![None; E::operation().params.len()],
            body: None,
            start: None,
            direction: Direction::Older,
            read_ahead: false,
            endpoint: PhantomData,
        }
    }

    /// What the spec says this request's operation is.
    pub fn operation(&self) -> &'static Operation {
        E::operation()
    }

    pub(crate) fn set(&mut self, index: usize, value: String) {
        self.values[index] = Some(value);
    }

    pub(crate) fn set_list<T: fmt::Display + PartialEq>(
        &mut self,
        index: usize,
        values: impl Iterator<Item = T>,
    ) {
        let list: CommaList<T> = values.collect();
        self.values[index] = Some(list.to_string());
    }

    pub(crate) fn set_json<T: serde::Serialize>(&mut self, body: &T) {
        self.body = Some(
            serde_json::to_value(body)
                .map(Body::Json)
                .map_err(|e| e.to_string()),
        );
    }

    pub(crate) fn set_multipart(&mut self, body: Multipart) {
        self.body = Some(Ok(Body::Multipart(body)));
    }

    pub(crate) fn start_from(&mut self, token: String) {
        self.start = Some(token);
    }

    /// The same request from its newest page on, walking older: how a
    /// watch reads it, whatever page or direction the caller set.
    pub(crate) fn at_newest(mut self) -> Self {
        self.start = None;
        self.direction = Direction::Older;
        self
    }

    /// The connection the request goes through.
    pub(crate) fn connection(&self) -> &Connection {
        &self.connection
    }

    pub(crate) fn set_direction(&mut self, direction: Direction) {
        self.direction = direction;
    }

    /// With `true`, [`pages`](Self::pages) and [`items`](Self::items) send
    /// the next page's request as soon as its token is known, before the
    /// current page is handed out, so that the server works while the caller
    /// does: at most one page ahead. For walks that use every page, such as
    /// a whole export. A stream dropped early has then spent one request of
    /// the rate limit on a page it did not use, which is why it is off by
    /// default.
    pub fn read_ahead(mut self, read_ahead: bool) -> Self {
        self.read_ahead = read_ahead;
        self
    }

    /// Sends the request once: the page the starting token names, or the
    /// first.
    pub async fn send(&self) -> Result<E::Output, Error> {
        self.fetch(self.start.clone(), Origin::Caller).await
    }

    /// The URL this request would be sent to, with `token` as its page token.
    fn url(&self, token: Option<&str>) -> Result<reqwest::Url, Error> {
        let operation = E::operation();
        let token_param = operation.pagination.as_ref().map(|p| p.token);
        let value = |index: usize| -> Option<&str> {
            let param = &operation.params[index];
            if Some(param.name) == token_param {
                return token;
            }
            match param.credential {
                Some(name) => self.connection.credential(name),
                None => self.values[index].as_deref(),
            }
        };
        let mut url = self.connection.base_url().clone();
        {
            let mut segments = url.path_segments_mut().map_err(|()| {
                InvalidParameter::new("base_url", "must be a URL that can take a path", None)
            })?;
            segments.pop_if_empty();
            for part in operation.path.trim_start_matches('/').split('/') {
                match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                    Some(name) => {
                        // codegen refuses a `{name}` that is no path parameter.
                        let Some(index) = operation.index_of(name) else {
                            return Err(
                                InvalidParameter::new(name, "is not a parameter", None).into()
                            );
                        };
                        let given = value(index).unwrap_or_default();
                        check_segment(&operation.params[index], given)?;
                        segments.push(given);
                    }
                    None => {
                        segments.push(part);
                    }
                }
            }
        }
        let query: Vec<(&str, &str)> = operation
            .params
            .iter()
            .enumerate()
            .filter(|(_, param)| param.location == Location::Query)
            .filter_map(|(index, param)| Some((param.name, value(index)?)))
            .collect();
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
            wire::literal_commas(&mut url);
        }
        Ok(url)
    }

    /// The JSON body as sent: the fields the spec fills from credentials
    /// filled (or removed when the client lacks the credential), and a page
    /// token that travels in the body put in its place, with what it carries.
    fn fill_body(&self, value: &Value, token: Option<&str>) -> Value {
        let operation = E::operation();
        let mut value = value.clone();
        let Some(object) = value.as_object_mut() else {
            return value;
        };
        let filled = operation.body.iter().flat_map(|body| body.rules);
        for rule in filled {
            let Some(name) = rule.credential else {
                continue;
            };
            match self.connection.credential(name) {
                Some(secret) => {
                    object.insert(rule.path.to_owned(), Value::String(secret.to_owned()));
                }
                None => {
                    object.remove(rule.path);
                }
            }
        }
        if let (Some(pagination), Some(token)) = (&operation.pagination, token)
            && pagination.in_body
        {
            match carried(pagination, token) {
                Some(fields) => object.extend(fields),
                None => {
                    object.insert(pagination.token.to_owned(), Value::String(token.to_owned()));
                }
            }
        }
        value
    }

    /// The URL and body to send, checked against the operation's rules.
    fn prepare(
        &self,
        token: Option<&str>,
        origin: Origin,
    ) -> Result<(reqwest::Url, Option<Payload>), Error> {
        let operation = E::operation();
        let url = self.url(token)?;
        let exempt = match origin {
            Origin::Api => operation.pagination.as_ref().map(|p| p.token),
            Origin::Caller => None,
        };
        validate::check_url(operation, &url, exempt)?;
        let payload = match &self.body {
            None => {
                validate::check_body(operation, None)?;
                None
            }
            Some(Err(error)) => {
                return Err(InvalidParameter::new(
                    "$.",
                    format!("cannot be encoded: {error}"),
                    None,
                )
                .into());
            }
            Some(Ok(Body::Json(value))) => {
                let value = &self.fill_body(value, token);
                validate::check_body(operation, Some(value))?;
                let bytes = serde_json::to_vec(value).map_err(|e| {
                    InvalidParameter::new("$.", format!("cannot be encoded: {e}"), None)
                })?;
                Some(Payload {
                    content_type: "application/json".to_owned(),
                    bytes: Bytes::from(bytes),
                })
            }
            Some(Ok(Body::Multipart(form))) => {
                validate::check_body(operation, Some(&form.checkable()))?;
                let (bytes, content_type) = form.encode();
                Some(Payload {
                    content_type,
                    bytes,
                })
            }
        };
        Ok((url, payload))
    }

    async fn fetch(&self, token: Option<String>, origin: Origin) -> Result<E::Output, Error> {
        let operation = E::operation();
        let (url, payload) = self.prepare(token.as_deref(), origin)?;
        let response = transport::execute(&self.connection, operation, url, payload).await?;
        E::Output::from_response(response).map_err(|error| match error {
            // The server answered 2xx: a write was carried out, whatever its
            // answer says.
            Error::Decode {
                status,
                path,
                message,
                excerpt,
                ..
            } => Error::Decode {
                status,
                path,
                message,
                excerpt,
                may_have_taken_effect: !operation.idempotent,
            },
            other => other,
        })
    }
}

impl<E: Endpoint> Request<E>
where
    E::Output: Paged,
{
    /// What leads on from a page of this request, in its direction: the
    /// token the next request takes, or `None` at the last page (no token,
    /// an empty one, `has_more` false, or a field the spec's `end` names
    /// holding its mark). [`pages`](Self::pages) follows
    /// it; a caller that saves its place (a checkpoint) reads it too.
    pub fn continuation(&self) -> impl Fn(&E::Output) -> Option<String> + Send + Sync + 'static {
        let direction = self.direction;
        let pagination = E::operation().pagination.as_ref();
        move |page: &E::Output| {
            let pagination = pagination?;
            if let Some(field) = pagination.has_more
                && page.has_more(field) == Some(false)
            {
                return None;
            }
            if pagination
                .end
                .iter()
                .any(|(field, last)| page.token(field) == Some(*last))
            {
                return None;
            }
            let present = |field: &str| page.token(field).filter(|token| !token.is_empty());
            let token = match direction {
                Direction::Older => pagination.next_fields().find_map(present)?,
                Direction::Newer => present(pagination.previous?)?,
            };
            if pagination.carry.is_empty() || !pagination.in_body {
                return Some(token.to_owned());
            }
            // The token and what it carries, as one JSON object, so that a
            // saved place resumes with all of it.
            let mut fields = serde_json::Map::new();
            fields.insert(pagination.token.to_owned(), Value::from(token));
            for field in pagination.carry {
                if let Some(value) = present(field) {
                    fields.insert((*field).to_owned(), Value::from(value));
                }
            }
            Some(Value::Object(fields).to_string())
        }
    }

    /// Every page from the starting one on, following the tokens the
    /// operation's `x-pagination` names. Nothing is requested before the
    /// stream is polled; a token that comes back ends it with
    /// [`Error::PaginationLoop`].
    pub fn pages(self) -> BoxStream<'static, Result<E::Output, Error>> {
        let start = self.start.clone();
        let continuation = self.continuation();
        paginate::pages(
            start,
            self.read_ahead,
            move |token: Option<String>, first: bool| {
                let request = self.clone();
                async move {
                    let origin = if first { Origin::Caller } else { Origin::Api };
                    request.fetch(token, origin).await
                }
            },
            continuation,
        )
        .boxed()
    }
}

/// The body fields a token of `pagination` stands for, when it carries more
/// than the token itself: the JSON object [`Request::continuation`] made.
fn carried(
    pagination: &super::descriptor::Pagination,
    token: &str,
) -> Option<serde_json::Map<String, Value>> {
    if pagination.carry.is_empty() {
        return None;
    }
    let Ok(Value::Object(fields)) = serde_json::from_str::<Value>(token) else {
        return None;
    };
    let known =
        |name: &String| name == pagination.token || pagination.carry.contains(&name.as_str());
    fields
        .keys()
        .all(known)
        .then_some(fields)
        .filter(|fields| fields.values().all(Value::is_string))
}

/// Refuses a path value that the URL would change or that would lead to
/// another path: empty, `.` or `..` (which URLs resolve away), or one with
/// a control character (which URLs drop). Whatever else it holds is
/// percent-encoded into its one segment.
fn check_segment(param: &'static Param, value: &str) -> Result<(), InvalidParameter> {
    let refused = if value.is_empty() {
        Some("must not be empty")
    } else if value == "." || value == ".." {
        Some("must not be `.` or `..`")
    } else if value.chars().any(char::is_control) {
        Some("must not hold control characters")
    } else {
        None
    };
    match refused {
        Some(rule) => {
            let shown = (!param.secret).then(|| value.escape_debug().to_string());
            Err(InvalidParameter::new(param.name, rule, shown))
        }
        None => Ok(()),
    }
}

/// An item of the pages of `P`, joined to what they included.
pub type ItemOf<P> = Item<<P as Split>::Item, <<P as Split>::Cache as Cache>::Joined>;

impl<E: Endpoint> Request<E>
where
    E::Output: Paged + Split,
{
    /// Every item, one by one, each joined to the objects its page (or an
    /// earlier one) included. Only the pages the taken items need are
    /// fetched.
    pub fn items(self) -> BoxStream<'static, Result<ItemOf<E::Output>, Error>> {
        paginate::items(self.pages(), <E::Output as Split>::split).boxed()
    }
}

impl<E: Endpoint<Output = Download>> Request<E> {
    /// Sends the request and hands back its body as it arrives, never held
    /// whole in memory. The retries the operation allows cover the request
    /// and the response's head.
    pub async fn open(&self) -> Result<DownloadStream, Error> {
        let (url, payload) = self.prepare(self.start.as_deref(), Origin::Caller)?;
        let response = transport::open(&self.connection, E::operation(), url, payload).await?;
        Ok(DownloadStream::new(response))
    }

    /// Streams the body to `path`, which appears only once complete; see
    /// [`DownloadStream::save`].
    pub async fn save(&self, path: impl AsRef<std::path::Path>) -> Result<Saved, Error> {
        self.open().await?.save(path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SECRET: Param = Param {
        name: "token",
        location: Location::Path,
        required: true,
        secret: true,
        credential: None,
        rules: &[],
        legacy: false,
        legacy_values: &[],
    };

    static CARRYING: super::super::descriptor::Pagination = super::super::descriptor::Pagination {
        token: "cursor",
        in_body: true,
        next: "cursor",
        next_also: &[],
        carry: &["graphSnapshotId"],
        end: &[],
        previous: None,
        has_more: None,
        page_size: None,
    };

    #[test]
    fn only_the_object_a_continuation_makes_stands_for_carried_fields() {
        let fields = carried(&CARRYING, r#"{"cursor":"c2","graphSnapshotId":"g1"}"#).unwrap();
        assert_eq!(fields["graphSnapshotId"], "g1");
        // Anything else is a plain token, sent as it is.
        for plain in [
            "c2",
            r#"{"cursor":"c2","other":"x"}"#,
            r#"{"cursor":2}"#,
            r#"["c2"]"#,
        ] {
            assert!(carried(&CARRYING, plain).is_none(), "{plain}");
        }
    }

    #[test]
    fn a_refused_secret_path_value_is_not_repeated() {
        let refused = check_segment(&SECRET, "hunter2\n").unwrap_err();
        assert_eq!(refused.value, None);
        assert!(!refused.to_string().contains("hunter2"), "{refused}");
        assert!(check_segment(&SECRET, "fine").is_ok());
    }
}
