//! Decoding one full 100-event page (users, media and Tweets included): the
//! generated types, the facade's page (typed plus each item's raw JSON), and
//! `serde_json::Value` as the untyped baseline. Reported as MB/s.

mod support;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use x_dm::Page;
use x_dm::x::types::{DmEvent, DmEventsResponse};

fn decode(c: &mut Criterion) {
    let body = support::page(3, 10);
    let mut group = c.benchmark_group("decode_100_event_page");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&body)).unwrap())
    });
    group.bench_function("generated_types", |b| {
        b.iter(|| serde_json::from_slice::<DmEventsResponse>(black_box(&body)).unwrap())
    });
    group.bench_function("facade_page", |b| {
        b.iter(|| Page::<DmEvent>::parse(black_box(body.clone())).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
