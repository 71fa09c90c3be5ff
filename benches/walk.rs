//! Walking 1,000 pages of 100 events from a static loopback server: the
//! facade's `items()` stream against a raw reqwest + serde_json loop that
//! follows `next_token` itself. Reported as events/s.

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::TryStreamExt;
use serde_json::Value;

const PAGES: usize = 1_000;

async fn facade(client: &x_dm::Client) -> usize {
    let mut events = client
        .dm_events(support::CONVERSATION)
        .max_results(100)
        .items();
    let mut count = 0;
    while let Some(event) = events.try_next().await.unwrap() {
        count += usize::from(!event.id.is_empty());
    }
    count
}

/// What a careful hand-written client does: one reqwest client, the body
/// decoded into `Value`, the token followed until it is absent.
async fn raw_loop(http: &reqwest::Client, base_url: &str) -> usize {
    let url = format!(
        "{base_url}/2/dm_conversations/{}/dm_events",
        support::CONVERSATION
    );
    let mut token: Option<String> = None;
    let mut count = 0;
    loop {
        let mut request = http
            .get(&url)
            .bearer_auth("token")
            .query(&[("max_results", "100")]);
        if let Some(token) = &token {
            request = request.query(&[("pagination_token", token)]);
        }
        let body = request.send().await.unwrap().bytes().await.unwrap();
        let page: Value = serde_json::from_slice(&body).unwrap();
        count += page["data"].as_array().map_or(0, |data| {
            data.iter()
                .filter(|event| event["id"].as_str().is_some_and(|id| !id.is_empty()))
                .count()
        });
        match page["meta"]["next_token"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => return count,
        }
    }
}

fn walk(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let server = runtime.block_on(support::StaticServer::start(PAGES));
    let client = x_dm::Client::builder("token")
        .base_url(&server.base_url)
        .build()
        .unwrap();
    x_dm::connect::install_tls_provider();
    let http = reqwest::Client::new();
    assert_eq!(runtime.block_on(facade(&client)), PAGES * 100);
    assert_eq!(
        runtime.block_on(raw_loop(&http, &server.base_url)),
        PAGES * 100
    );

    let mut group = c.benchmark_group("walk_1000_pages");
    group.sample_size(10);
    group.throughput(Throughput::Elements((PAGES * 100) as u64));
    group.bench_function("raw_reqwest_serde_json_loop", |b| {
        b.to_async(&runtime)
            .iter(|| raw_loop(&http, &server.base_url))
    });
    group.bench_function("facade_items_stream", |b| {
        b.to_async(&runtime).iter(|| facade(&client))
    });
    group.finish();
}

criterion_group!(benches, walk);
criterion_main!(benches);
