//! One HTTP exchange: send a checked request and read the whole body.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use serde::de::DeserializeOwned;

use crate::Error;
use crate::auth::Credentials;
use crate::problem::{ApiError, excerpt};

/// A response, read to the end.
#[derive(Debug)]
pub(crate) struct Exchange {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// Sends a GET with the credential and reads the response.
pub(crate) async fn get(
    http: &reqwest::Client,
    credentials: &Credentials,
    url: reqwest::Url,
) -> Result<Exchange, Error> {
    let mut request = reqwest::Request::new(reqwest::Method::GET, url);
    credentials.apply(request.headers_mut());
    request
        .headers_mut()
        .insert(ACCEPT, HeaderValue::from_static("application/json"));
    let response = http.execute(request).await?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    Ok(Exchange {
        status,
        headers,
        body,
    })
}

impl Exchange {
    /// The body as `T` for a 2xx, or the error the body describes.
    ///
    /// `scopes` are the OAuth 2.0 scopes of the operation, named in the error
    /// of a 401 or 403.
    pub fn decode<T: DeserializeOwned>(&self, scopes: &'static [&'static str]) -> Result<T, Error> {
        if !(200..300).contains(&self.status) {
            return Err(self.error(scopes));
        }
        // The plain decoder is the fast path; the path-tracking one only runs
        // to explain a failure.
        serde_json::from_slice(&self.body).map_err(|_| self.decode_error::<T>())
    }

    fn decode_error<T: DeserializeOwned>(&self) -> Error {
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(error) => (error.path().to_string(), error.into_inner().to_string()),
            // Cannot happen: the same bytes just failed. Say so rather than panic.
            Ok(_) => (".".to_owned(), "failed to decode".to_owned()),
        };
        Error::Decode {
            status: self.status,
            path,
            message,
            excerpt: excerpt(&self.body),
        }
    }

    /// The error a non-2xx response describes.
    pub fn error(&self, scopes: &'static [&'static str]) -> Error {
        let error = ApiError::from_body(self.status, &self.body, scopes);
        if self.status == 429 {
            let reset = self.reset_time(&error);
            Error::RateLimited {
                reset,
                error: Box::new(error),
            }
        } else {
            Error::Api(Box::new(error))
        }
    }

    /// When a 429's limit resets: `x-rate-limit-reset` (Unix seconds), else
    /// `Retry-After` (seconds), else TweetAPI's `details.retryAfter`.
    fn reset_time(&self, error: &ApiError) -> Option<DateTime<Utc>> {
        let header = |name: &str| -> Option<i64> {
            self.headers.get(name)?.to_str().ok()?.trim().parse().ok()
        };
        if let Some(at) = header("x-rate-limit-reset") {
            return DateTime::from_timestamp(at, 0);
        }
        let after = header("retry-after")
            .or_else(|| error.retry_after_secs().and_then(|s| i64::try_from(s).ok()))?;
        Some(Utc::now() + chrono::Duration::seconds(after))
    }
}
