//! X's webhook signatures: `sha256=` and the base64 of an HMAC-SHA256 keyed
//! with the app's consumer secret, over the CRC token or the raw body.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ring::hmac;

/// The header X signs each delivery's body in.
pub const SIGNATURE_HEADER: &str = "x-twitter-webhooks-signature";

const PREFIX: &str = "sha256=";

/// Signs and checks with one consumer secret. Only the HMAC key derived
/// from it is kept, and `Debug` shows none of it.
#[derive(Clone)]
pub struct Signer {
    key: hmac::Key,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").finish_non_exhaustive()
    }
}

impl Signer {
    /// A signer with the app's consumer secret (API secret key).
    pub fn new(consumer_secret: impl AsRef<[u8]>) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, consumer_secret.as_ref()),
        }
    }

    /// `sha256=<base64 HMAC-SHA256(secret, message)>`: the CRC's
    /// `response_token` for a `crc_token`, and a body's signature.
    pub fn sign(&self, message: impl AsRef<[u8]>) -> String {
        let tag = hmac::sign(&self.key, message.as_ref());
        format!("{PREFIX}{}", STANDARD.encode(tag.as_ref()))
    }

    /// The JSON X expects in answer to a CRC challenge.
    pub fn crc_response(&self, crc_token: &str) -> serde_json::Value {
        serde_json::json!({ "response_token": self.sign(crc_token) })
    }

    /// Whether `header` is the signature of `body`, compared in constant
    /// time. A missing prefix or bad base64 is no signature.
    pub fn verify(&self, body: &[u8], header: &str) -> bool {
        let Some(encoded) = header.trim().strip_prefix(PREFIX) else {
            return false;
        };
        let Ok(tag) = STANDARD.decode(encoded) else {
            return false;
        };
        hmac::verify(&self.key, body, &tag).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_does_not() {
        let signer = Signer::new("secret");
        let signature = signer.sign(b"{}");
        assert!(signer.verify(b"{}", &signature));
        assert!(!signer.verify(b"{ }", &signature));
        assert!(!Signer::new("other").verify(b"{}", &signature));
        assert!(!signer.verify(b"{}", signature.trim_start_matches("sha256=")));
        assert!(!signer.verify(b"{}", "sha256=not base64!"));
        assert!(!format!("{signer:?}").contains("secret"));
    }
}
