//! Registering, listing, validating, replaying and deleting webhooks
//! against the fake, through the typed operations.

use chrono::{TimeZone, Utc};
use x_dm::Client;
use x_dm::testing::FakeX;
use x_dm::x::types::WebhookConfigField;

const URL: &str = "https://bot.example.com/webhooks/x";

fn app(fake: &FakeX) -> Client {
    Client::builder("app-bearer-token")
        .base_url(fake.base_url())
        .build()
        .unwrap()
}

fn status(error: &x_dm::Error) -> u16 {
    match error {
        x_dm::Error::Api(api) => api.status,
        other => panic!("not an API error: {other}"),
    }
}

#[tokio::test]
async fn a_webhook_is_registered_listed_validated_replayed_and_deleted() {
    let fake = FakeX::start().await.unwrap();
    let client = app(&fake);

    let created = client.register_webhook(URL).send().await.unwrap();
    let webhook = &created.items()[0];
    assert_eq!(
        (webhook.url.as_deref(), webhook.valid),
        (Some(URL), Some(true))
    );
    let id = webhook.id.clone();
    let again = client.register_webhook(URL).send().await.unwrap_err();
    assert_eq!(status(&again), 400, "one webhook per URL");

    let listed = client.webhooks().send().await.unwrap();
    assert_eq!(listed.items().len(), 1);
    assert_eq!(listed.items()[0].id, id);
    let urls_only = client
        .webhooks()
        .fields([WebhookConfigField::Url])
        .send()
        .await
        .unwrap();
    let raw: serde_json::Value = serde_json::from_slice(&urls_only.raw_items()[0]).unwrap();
    assert_eq!(
        raw,
        serde_json::json!({ "id": id, "url": URL }),
        "the fields asked for"
    );

    let validated = client.validate_webhook(&id).send().await.unwrap();
    assert!(validated.items()[0].valid);

    let from = Utc.with_ymd_and_hms(2026, 12, 1, 9, 30, 59).unwrap();
    let to = Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap();
    let job = client.replay_webhook(&id, from, to).send().await.unwrap();
    assert!(!job.items()[0].job_id.is_empty());
    let backwards = client
        .replay_webhook(&id, to, from)
        .send()
        .await
        .unwrap_err();
    assert_eq!(status(&backwards), 400);

    let deleted = client.delete_webhook(&id).send().await.unwrap();
    assert!(deleted.items()[0].deleted);
    assert!(fake.dataset().webhooks().is_empty());
    assert!(client.webhooks().send().await.unwrap().items().is_empty());
    for error in [
        client.delete_webhook(&id).send().await.unwrap_err(),
        client.validate_webhook(&id).send().await.unwrap_err(),
        client
            .replay_webhook(&id, from, to)
            .send()
            .await
            .unwrap_err(),
    ] {
        assert_eq!(status(&error), 404, "{error}");
    }
}

#[tokio::test]
async fn bad_webhook_input_is_refused_before_any_request() {
    let fake = FakeX::start().await.unwrap();
    let client = app(&fake);
    let long = format!("https://example.com/{}", "a".repeat(200));
    for error in [
        client.register_webhook("").send().await.unwrap_err(),
        client.register_webhook(long).send().await.unwrap_err(),
        client
            .delete_webhook("not-a-number")
            .send()
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(error, x_dm::Error::InvalidInput(_)), "{error}");
    }
    assert_eq!(fake.requests(), 0);
}
