//! The everyday export as a user runs it: the release `x-dm` binary writing
//! 1,000 pages of 100 events as JSONL to /dev/null, against a raw floor, a
//! separate process that follows `next_token` with reqwest, decodes each body
//! into `serde_json::Value` and writes each event back out. Both are whole
//! processes (start-up, runtime, TLS set-up and exit included) against the
//! same static loopback server. Prints the median of each and their ratio.
//!
//! `cargo bench --features cli --bench whole_process`. Not a test: the
//! figures go in the README, never in an assertion.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PAGES: usize = 1_000;
const RUNS: usize = 7;
/// Set in the child process that plays the raw floor.
const FLOOR_URL: &str = "X_DM_BENCH_FLOOR_URL";
/// Set to only serve the pages, for profiling a client by hand: the base URL
/// is printed, and the server stops after ten minutes.
const SERVE_ONLY: &str = "X_DM_BENCH_SERVE";

fn main() {
    if let Ok(base_url) = std::env::var(FLOOR_URL) {
        raw_floor(&base_url);
        return;
    }
    // `cargo bench` passes `--bench`; a filter that names another bench
    // means this one is not wanted.
    let wanted = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .all(|filter| "whole_process".contains(&filter));
    if !wanted {
        return;
    }
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server = runtime.block_on(support::StaticServer::start(PAGES));
    let base_url = server.base_url.clone();
    if std::env::var_os(SERVE_ONLY).is_some() {
        println!("{base_url}");
        std::thread::sleep(Duration::from_secs(600));
        return;
    }
    // The server answers on the runtime's worker threads while this thread
    // runs the clients.
    let x_dm = env!("CARGO_BIN_EXE_x-dm");
    let me = std::env::current_exe().unwrap();
    let mut cli = Vec::new();
    let mut floor = Vec::new();
    // Alternate, so that a slow spell of the machine hits both alike.
    for _ in 0..RUNS {
        cli.push(time(
            Command::new(x_dm)
                .args([
                    "--base-url",
                    &base_url,
                    "--format",
                    "jsonl",
                    "-o",
                    "/dev/null",
                    "events",
                    support::CONVERSATION,
                    "--all",
                ])
                .env("X_ACCESS_TOKEN", "bench-token"),
        ));
        floor.push(time(Command::new(&me).env(FLOOR_URL, &base_url)));
    }
    let (cli, floor) = (median(cli), median(floor));
    println!(
        "whole_process: {PAGES} pages of 100 events to /dev/null, median of {RUNS}: \
         x-dm {:.3} s, raw floor {:.3} s, ratio {:.2}",
        cli.as_secs_f64(),
        floor.as_secs_f64(),
        cli.as_secs_f64() / floor.as_secs_f64()
    );
    drop(server);
}

fn time(command: &mut Command) -> Duration {
    let started = Instant::now();
    let status = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{command:?} failed: {status}");
    started.elapsed()
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

/// The floor: what a careful hand-written exporter does.
fn raw_floor(base_url: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        x_dm::connect::install_tls_provider();
        let http = reqwest::Client::new();
        let url = format!(
            "{base_url}/2/dm_conversations/{}/dm_events",
            support::CONVERSATION
        );
        let mut out = std::io::BufWriter::with_capacity(
            64 * 1024,
            std::fs::File::create("/dev/null").unwrap(),
        );
        let mut token: Option<String> = None;
        loop {
            let mut request = http
                .get(&url)
                .bearer_auth("token")
                .query(&[("max_results", "100")]);
            if let Some(token) = &token {
                request = request.query(&[("pagination_token", token)]);
            }
            let body = request.send().await.unwrap().bytes().await.unwrap();
            let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
            for event in page["data"].as_array().into_iter().flatten() {
                serde_json::to_writer(&mut out, event).unwrap();
                out.write_all(b"\n").unwrap();
            }
            match page["meta"]["next_token"].as_str() {
                Some(next) => token = Some(next.to_owned()),
                None => break,
            }
        }
        out.flush().unwrap();
    });
}
