//! X Activity API subscriptions against the fake, through the typed
//! operations.

use x_dm::Client;
use x_dm::testing::FakeX;
use x_dm::x::types::{ActivityEventType, UpdateActivitySubscriptionRequest};

use crate::common::subscription;

const ME: &str = "1234567890";

#[tokio::test]
async fn subscriptions_are_made_listed_changed_and_deleted() {
    let fake = FakeX::start().await.unwrap();
    let client = Client::builder("a-user-token")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let made = client
        .subscribe(subscription(ActivityEventType::DmReceived, ME))
        .send()
        .await
        .unwrap();
    let outcome = &made.items()[0];
    let subscription_id = outcome
        .subscription
        .as_ref()
        .unwrap()
        .subscription_id
        .clone()
        .unwrap();
    assert_eq!(outcome.total_subscriptions, Some(1));
    let raw: serde_json::Value = serde_json::from_slice(&made.raw_items()[0]).unwrap();
    assert_eq!(raw["subscription"]["event_type"], "dm.received");
    assert_eq!(raw["subscription"]["filter"]["user_id"], ME);

    // The same again refreshes it; another type is another.
    client
        .subscribe(subscription(ActivityEventType::DmReceived, ME))
        .send()
        .await
        .unwrap();
    client
        .subscribe(subscription(ActivityEventType::DmSent, "2244994945"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        client
            .activity_subscriptions()
            .send()
            .await
            .unwrap()
            .items()
            .len(),
        2
    );
    let mine = client
        .activity_subscriptions()
        .user_id(ME)
        .send()
        .await
        .unwrap();
    assert_eq!(mine.items().len(), 1);

    let change = UpdateActivitySubscriptionRequest {
        tag: Some("renamed".to_owned()),
        webhook_id: None,
    };
    let changed = client
        .update_subscription(&subscription_id, change.clone())
        .send()
        .await
        .unwrap();
    let tag = changed.items()[0]
        .subscription
        .as_ref()
        .unwrap()
        .tag
        .clone();
    assert_eq!(tag.as_deref(), Some("renamed"));

    assert!(
        client
            .unsubscribe(&subscription_id)
            .send()
            .await
            .unwrap()
            .items()[0]
            .deleted
    );
    assert_eq!(fake.dataset().subscriptions().len(), 1);
    for error in [
        client
            .unsubscribe(&subscription_id)
            .send()
            .await
            .unwrap_err(),
        client
            .update_subscription(&subscription_id, change)
            .send()
            .await
            .unwrap_err(),
    ] {
        assert!(
            matches!(&error, x_dm::Error::Api(api) if api.status == 404),
            "{error}"
        );
    }
}

#[tokio::test]
async fn a_bad_subscription_is_refused_before_any_request() {
    let fake = FakeX::start().await.unwrap();
    let client = Client::builder("a-user-token")
        .base_url(fake.base_url())
        .build()
        .unwrap();
    let mut bad = subscription(ActivityEventType::DmReceived, "not-a-user-id");
    let error = client.subscribe(bad.clone()).send().await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("$.filter.user_id"), "{message}");
    bad.filter.user_id = Some(ME.to_owned());
    bad.tag = Some(String::new());
    assert!(matches!(
        client.subscribe(bad).send().await.unwrap_err(),
        x_dm::Error::InvalidInput(_)
    ));
    assert_eq!(fake.requests(), 0);
}
