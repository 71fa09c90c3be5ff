//! X's side of a webhook, for tests of a receiver: deliveries signed with a
//! test consumer secret, sent once or repeated as X repeats them.

use serde_json::json;

use crate::x::webhook::{SIGNATURE_HEADER, Signer};

/// Sends signed webhook deliveries to a receiver's URL, as X does.
#[derive(Debug)]
pub struct WebhookSender {
    url: String,
    signer: Signer,
    http: reqwest::Client,
}

impl WebhookSender {
    /// A sender to `url`, signing with `consumer_secret`.
    pub fn new(url: impl Into<String>, consumer_secret: impl AsRef<[u8]>) -> Self {
        Self {
            url: url.into(),
            signer: Signer::new(consumer_secret),
            http: {
                crate::engine::http::install_tls_provider();
                reqwest::Client::new()
            },
        }
    }

    /// POSTs `body` signed, `times` times in a row (X repeats a delivery it
    /// thinks failed), and returns each answer's status.
    pub async fn deliver(&self, body: &[u8], times: usize) -> Result<Vec<u16>, reqwest::Error> {
        let signature = self.signer.sign(body);
        self.send(body, Some(&signature), times).await
    }

    /// POSTs `body` with `signature` as its signature header, or with none.
    pub async fn send(
        &self,
        body: &[u8],
        signature: Option<&str>,
        times: usize,
    ) -> Result<Vec<u16>, reqwest::Error> {
        let mut statuses = Vec::with_capacity(times);
        for _ in 0..times {
            let mut request = self
                .http
                .post(&self.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.to_vec());
            if let Some(signature) = signature {
                request = request.header(SIGNATURE_HEADER, signature);
            }
            statuses.push(request.send().await?.status().as_u16());
        }
        Ok(statuses)
    }

    /// Sends X's CRC challenge and returns the answer's status and body.
    pub async fn crc(&self, token: &str) -> Result<(u16, String), reqwest::Error> {
        let response = self
            .http
            .get(&self.url)
            .query(&[("crc_token", token)])
            .send()
            .await?;
        let status = response.status().as_u16();
        Ok((status, response.text().await?))
    }
}

/// An Account Activity delivery of one message from `sender_id` to
/// `for_user_id`, in the documented shape.
pub fn dm_delivery(for_user_id: &str, event_id: &str, sender_id: &str, text: &str) -> Vec<u8> {
    json!({
        "for_user_id": for_user_id,
        "direct_message_events": [{
            "type": "message_create",
            "id": event_id,
            "created_timestamp": "1516403560557",
            "message_create": {
                "target": { "recipient_id": for_user_id },
                "sender_id": sender_id,
                "message_data": { "text": text, "entities": { "hashtags": [], "symbols": [], "user_mentions": [], "urls": [] } }
            }
        }],
        "users": {}
    })
    .to_string()
    .into_bytes()
}
