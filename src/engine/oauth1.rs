//! OAuth 1.0a user-context signing (RFC 5849, HMAC-SHA1), as X documents it.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use secrecy::{ExposeSecret, SecretString};
use sha1::Sha1;

/// What RFC 3986 leaves unreserved, and so OAuth leaves unencoded.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// OAuth 1.0a user context: the app's consumer key and secret and the user's
/// access token and secret. Each request is signed on its own, with a fresh
/// nonce and timestamp; nothing expires or refreshes. `Debug` shows neither
/// secret nor the token.
#[derive(Clone)]
pub struct OAuth1 {
    consumer_key: String,
    consumer_secret: SecretString,
    token: SecretString,
    token_secret: SecretString,
}

/// The per-request values of a signature: in a test, fixed; otherwise
/// fresh each time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nonce {
    /// `oauth_nonce`: unique per request.
    pub nonce: String,
    /// `oauth_timestamp`: Unix seconds.
    pub timestamp: i64,
}

impl Nonce {
    /// A random 32-character nonce and the time now.
    pub fn fresh() -> Self {
        let nonce = std::iter::repeat_with(fastrand::alphanumeric)
            .take(32)
            .collect();
        Self {
            nonce,
            timestamp: chrono::Utc::now().timestamp(),
        }
    }
}

impl OAuth1 {
    /// The credential of an app (consumer key and secret) acting for a user
    /// (access token and secret).
    pub fn new(
        consumer_key: impl Into<String>,
        consumer_secret: impl Into<String>,
        access_token: impl Into<String>,
        access_token_secret: impl Into<String>,
    ) -> Self {
        Self {
            consumer_key: consumer_key.into(),
            consumer_secret: SecretString::from(consumer_secret.into()),
            token: SecretString::from(access_token.into()),
            token_secret: SecretString::from(access_token_secret.into()),
        }
    }

    /// The consumer key, which the header carries in clear.
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// The `Authorization: OAuth …` value for a request to `url` (its query
    /// included) by `method`. `form` holds the fields of an
    /// `application/x-www-form-urlencoded` body, the only kind of body that
    /// is signed; JSON and multipart bodies are not.
    pub fn authorization(
        &self,
        method: &str,
        url: &url::Url,
        form: &[(String, String)],
        nonce: &Nonce,
    ) -> String {
        let signature = self.signature(method, url, form, nonce);
        let mut header = String::from("OAuth ");
        let mut fields = self.protocol_params(nonce);
        fields.push(("oauth_signature", signature));
        fields.sort();
        for (index, (name, value)) in fields.iter().enumerate() {
            if index > 0 {
                header.push_str(", ");
            }
            header.push_str(&format!("{name}=\"{}\"", encode(value)));
        }
        header
    }

    /// The base64 HMAC-SHA1 signature of a request.
    pub fn signature(
        &self,
        method: &str,
        url: &url::Url,
        form: &[(String, String)],
        nonce: &Nonce,
    ) -> String {
        let base = self.base_string(method, url, form, nonce);
        let key = format!(
            "{}&{}",
            encode(self.consumer_secret.expose_secret()),
            encode(self.token_secret.expose_secret())
        );
        // HMAC takes a key of any length.
        let Ok(mut mac) = Hmac::<Sha1>::new_from_slice(key.as_bytes()) else {
            return String::new();
        };
        mac.update(base.as_bytes());
        BASE64.encode(mac.finalize().into_bytes())
    }

    /// The signature base string: method, base URL and sorted parameters,
    /// each percent-encoded.
    pub fn base_string(
        &self,
        method: &str,
        url: &url::Url,
        form: &[(String, String)],
        nonce: &Nonce,
    ) -> String {
        let mut params: Vec<(String, String)> = url
            .query_pairs()
            .map(|(name, value)| (encode(&name), encode(&value)))
            .chain(
                form.iter()
                    .map(|(name, value)| (encode(name), encode(value))),
            )
            .chain(
                self.protocol_params(nonce)
                    .into_iter()
                    .map(|(name, value)| (encode(name), encode(&value))),
            )
            .collect();
        params.sort();
        let joined = params
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("&");
        let mut base_url = url.clone();
        base_url.set_query(None);
        base_url.set_fragment(None);
        format!(
            "{}&{}&{}",
            method.to_ascii_uppercase(),
            encode(base_url.as_str()),
            encode(&joined)
        )
    }

    fn protocol_params(&self, nonce: &Nonce) -> Vec<(&'static str, String)> {
        vec![
            ("oauth_consumer_key", self.consumer_key.clone()),
            ("oauth_nonce", nonce.nonce.clone()),
            ("oauth_signature_method", "HMAC-SHA1".to_owned()),
            ("oauth_timestamp", nonce.timestamp.to_string()),
            ("oauth_token", self.token.expose_secret().to_owned()),
            ("oauth_version", "1.0".to_owned()),
        ]
    }
}

impl fmt::Debug for OAuth1 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth1")
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"<redacted>")
            .field("access_token", &"<redacted>")
            .field("access_token_secret", &"<redacted>")
            .finish()
    }
}

/// Percent-encoding as OAuth has it: everything but the unreserved
/// characters, in upper-case hex.
pub fn encode(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// The fields of an `Authorization: OAuth …` header, decoded. For a server
/// (the fake) that checks signatures.
pub fn parse_authorization(header: &str) -> Option<Vec<(String, String)>> {
    let fields = header.strip_prefix("OAuth ")?;
    fields
        .split(',')
        .map(|field| {
            let (name, value) = field.trim().split_once('=')?;
            let value = value.strip_prefix('"')?.strip_suffix('"')?;
            let value = percent_encoding::percent_decode_str(value)
                .decode_utf8()
                .ok()?
                .into_owned();
            Some((name.to_owned(), value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// X's worked example ("Creating a signature"): the consumer, token and
    /// secrets of the docs, their nonce and timestamp, and the request that
    /// posts "Hello Ladies + Gentlemen, a signed OAuth request!".
    fn example() -> (OAuth1, url::Url, Vec<(String, String)>, Nonce) {
        let credential = OAuth1::new(
            "xvz1evFS4wEEPTGEFPHBog",
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        );
        let url =
            url::Url::parse("https://api.x.com/1.1/statuses/update.json?include_entities=true")
                .unwrap();
        let form = vec![(
            "status".to_owned(),
            "Hello Ladies + Gentlemen, a signed OAuth request!".to_owned(),
        )];
        let nonce = Nonce {
            nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg".to_owned(),
            timestamp: 1_318_622_958,
        };
        (credential, url, form, nonce)
    }

    #[test]
    fn xs_worked_example_is_reproduced_exactly() {
        let (credential, url, form, nonce) = example();
        assert_eq!(
            credential.base_string("POST", &url, &form, &nonce),
            "POST&https%3A%2F%2Fapi.x.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
        );
        // The docs' result for this base string and signing key.
        assert_eq!(
            credential.signature("POST", &url, &form, &nonce),
            "Ls93hJiZbQ3akF3HF3x1Bz8/zU4="
        );
        let header = credential.authorization("POST", &url, &form, &nonce);
        assert_eq!(
            header,
            "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", oauth_signature=\"Ls93hJiZbQ3akF3HF3x1Bz8%2FzU4%3D\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", oauth_version=\"1.0\""
        );
        let fields = parse_authorization(&header).unwrap();
        assert!(fields.contains(&(
            "oauth_signature".to_owned(),
            "Ls93hJiZbQ3akF3HF3x1Bz8/zU4=".to_owned()
        )));
    }

    #[test]
    fn percent_encoding_follows_x_s_table() {
        // X's "Percent encoding parameters" examples.
        assert_eq!(encode("Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
        assert_eq!(encode("An encoded string!"), "An%20encoded%20string%21");
        assert_eq!(encode("Dogs, Cats & Mice"), "Dogs%2C%20Cats%20%26%20Mice");
        assert_eq!(encode("☃"), "%E2%98%83");
    }

    #[test]
    fn debug_shows_no_secret() {
        let (credential, ..) = example();
        let shown = format!("{credential:?}");
        for secret in [
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }

    #[test]
    fn each_fresh_nonce_differs() {
        assert_ne!(Nonce::fresh().nonce, Nonce::fresh().nonce);
    }
}
