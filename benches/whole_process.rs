//! The everyday export as a user runs it: the release `x-dm` binary writing
//! 1,000 pages of 100 events to /dev/null, against a raw floor, a separate
//! process that follows the next page's token with reqwest, decodes each
//! body into `serde_json::Value` and writes each item back out. Both are
//! whole processes (start-up, runtime, exit included) against the same
//! static loopback server, and each pair is timed in the same run,
//! alternating. Reported: X's DM events as JSONL, JSON and raw pages;
//! TweetAPI's conversation as JSONL; the archive's sync of the same events
//! into SQLite, and search over them; and x-dm's peak RSS for 10 and for
//! 1,000 pages.
//!
//! `cargo bench --features cli --bench whole_process`. Not a test: the
//! figures go in the README, never in an assertion.

mod support;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PAGES: usize = 1_000;
const RUNS: usize = 7;
/// Set in the child process that plays the raw floor, with the API in
/// [`FLOOR_API`].
const FLOOR_URL: &str = "X_DM_BENCH_FLOOR_URL";
const FLOOR_API: &str = "X_DM_BENCH_FLOOR_API";
/// Set to only serve the pages, for profiling a client by hand: the base URL
/// is printed, and the server stops after ten minutes.
const SERVE_ONLY: &str = "X_DM_BENCH_SERVE";
/// Set in a small child that runs the command in its arguments and prints
/// that command's peak RSS: a process forked from this one, which holds every
/// page in memory, would count this one's pages as its own (Linux keeps the
/// high-water mark across exec).
const MEASURE_RSS: &str = "X_DM_BENCH_MEASURE_RSS";

fn main() {
    if std::env::var_os(MEASURE_RSS).is_some() {
        let mut args = std::env::args_os().skip(1);
        let program = args.next().expect("a command to measure");
        println!("{}", peak_rss_kib(Command::new(program).args(args)));
        return;
    }
    if let Ok(base_url) = std::env::var(FLOOR_URL) {
        let tweetapi = std::env::var(FLOOR_API).is_ok_and(|api| api == "tweetapi");
        raw_floor(&base_url, tweetapi);
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
    let x_dm_at = |base_url: &str, args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
        command
            .args(["--base-url", base_url, "-o", "/dev/null"])
            .args(args)
            .env("X_ACCESS_TOKEN", "bench-token")
            .env("TWEETAPI_KEY", "bench-key")
            .env("TWEETAPI_AUTH_TOKEN", "bench-auth-token");
        command
    };
    let x_dm = |args: &[&str]| x_dm_at(&base_url, args);
    let floor = |api: &str| {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command.env(FLOOR_URL, &base_url).env(FLOOR_API, api);
        command
    };
    let events = |format: &'static str| {
        move || x_dm(&["--format", format, "events", support::CONVERSATION, "--all"])
    };
    let tweetapi = || {
        x_dm(&[
            "--format",
            "jsonl",
            "tweetapi",
            "conversation",
            support::CONVERSATION,
            "--all",
        ])
    };
    let [jsonl, x_floor] = timed([&events("jsonl"), &|| floor("x")]);
    report("X events, jsonl", jsonl, x_floor);
    let [json, pages, jsonl] = timed([&events("json"), &events("pages"), &events("jsonl")]);
    report("X events, json vs jsonl", json, jsonl);
    report("X events, pages vs jsonl", pages, jsonl);
    let [tweetapi, tweetapi_floor] = timed([&tweetapi, &|| floor("tweetapi")]);
    report("TweetAPI conversation, jsonl", tweetapi, tweetapi_floor);
    // The archive's sync of the same 100,000 events into a fresh database
    // each round, against the JSONL export; then search over them.
    let archive_dir =
        std::env::temp_dir().join(format!("x-dm-bench-archive-{}", std::process::id()));
    let db = archive_dir.join("archive.sqlite");
    let db_arg = db.to_str().unwrap().to_owned();
    let archive_at = |base_url: &str| {
        let _ = std::fs::remove_dir_all(&archive_dir);
        std::fs::create_dir_all(&archive_dir).unwrap();
        x_dm_at(
            base_url,
            &[
                "archive",
                "--conversation",
                support::CONVERSATION,
                "--db",
                &db_arg,
            ],
        )
    };
    let archive = || archive_at(&base_url);
    let [synced, jsonl] = timed([&archive, &events("jsonl")]);
    report("archive sync vs jsonl export", synced, jsonl);
    let search = |words: &'static str| {
        let db_arg = db_arg.clone();
        move || {
            let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
            command.args([
                "--format", "jsonl", "search", words, "--limit", "20", "--db", &db_arg,
            ]);
            command
        }
    };
    let [rare, common] = timed([&search("page 500"), &search("fox")]);
    println!(
        "whole_process: x-dm search over {} events, whole process: 100 matches {:.1} ms, every event matching {:.1} ms (median of {RUNS}, --limit 20)",
        PAGES * 100,
        rare.as_secs_f64() * 1000.0,
        common.as_secs_f64() * 1000.0
    );
    // The sync's memory against the walk's length: 10 pages, these 1,000,
    // and 3,000, each from a server of its own that has that many.
    let archive_rss = |pages: usize| {
        if pages == PAGES {
            return measured_rss_kib(&archive());
        }
        let server = runtime.block_on(support::StaticServer::start(pages));
        measured_rss_kib(&archive_at(&server.base_url))
    };
    let [short, long, longer] = [10, PAGES, 3 * PAGES].map(archive_rss);
    println!(
        "whole_process: x-dm archive peak RSS: 10 pages {:.1} MiB, {PAGES} pages {:.1} MiB, {} pages {:.1} MiB",
        short as f64 / 1024.0,
        long as f64 / 1024.0,
        3 * PAGES,
        longer as f64 / 1024.0
    );
    let _ = std::fs::remove_dir_all(&archive_dir);
    let short = measured_rss_kib(&x_dm(&[
        "--format",
        "jsonl",
        "events",
        support::CONVERSATION,
        "--limit",
        "1000",
    ]));
    let long = measured_rss_kib(&events("jsonl")());
    println!(
        "whole_process: x-dm peak RSS: 10 pages {:.1} MiB, {PAGES} pages {:.1} MiB",
        short as f64 / 1024.0,
        long as f64 / 1024.0
    );
    drop(server);
}

/// The median time of each command over [`RUNS`] rounds, the commands
/// alternating so that a slow spell of the machine hits them alike.
fn timed<const N: usize>(commands: [&dyn Fn() -> Command; N]) -> [Duration; N] {
    let mut runs: [Vec<Duration>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..RUNS {
        for (command, runs) in commands.iter().zip(&mut runs) {
            runs.push(time(&mut command()));
        }
    }
    runs.map(|mut runs| {
        runs.sort();
        runs[runs.len() / 2]
    })
}

fn report(what: &str, measured: Duration, against: Duration) {
    println!(
        "whole_process: {what}: {:.3} s against {:.3} s, ratio {:.2} (median of {RUNS}, {PAGES} pages of 100)",
        measured.as_secs_f64(),
        against.as_secs_f64(),
        measured.as_secs_f64() / against.as_secs_f64()
    );
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

/// `command`'s peak RSS, measured by a small child of this process (see
/// [`MEASURE_RSS`]).
fn measured_rss_kib(command: &Command) -> i64 {
    let output = Command::new(std::env::current_exe().unwrap())
        .env(MEASURE_RSS, "1")
        .envs(command.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .arg(command.get_program())
        .args(command.get_args())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(output.status.success(), "{command:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}

/// The child's peak resident set, as the kernel counted it at its exit.
#[allow(
    clippy::zombie_processes,
    reason = "reaped by wait4, which std's wait would leave nothing for"
)]
fn peak_rss_kib(command: &mut Command) -> i64 {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pid = i32::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: `wait4` writes only into the two values given, which live
    // for the call; the child is ours and reaped once, here.
    let mut usage = unsafe { std::mem::zeroed::<libc::rusage>() };
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed"
    );
    usage.ru_maxrss
}

/// Where the floor's pages are and how they lead on.
struct Walk {
    url: String,
    token: &'static str,
    items: &'static str,
    next: fn(&serde_json::Value) -> Option<&str>,
}

/// The floor: what a careful hand-written exporter does.
fn raw_floor(base_url: &str, tweetapi: bool) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        x_dm::connect::install_tls_provider();
        let http = reqwest::Client::new();
        let walk = if tweetapi {
            Walk {
                url: format!("{base_url}/tw-v2/interaction/conversation"),
                token: "cursor",
                items: "messages",
                next: |page| {
                    page["hasMore"]
                        .as_bool()
                        .unwrap_or(false)
                        .then(|| page["cursor"].as_str())
                        .flatten()
                },
            }
        } else {
            Walk {
                url: format!(
                    "{base_url}/2/dm_conversations/{}/dm_events",
                    support::CONVERSATION
                ),
                token: "pagination_token",
                items: "data",
                next: |page| page["meta"]["next_token"].as_str(),
            }
        };
        let Walk {
            url,
            token: token_param,
            items,
            next,
        } = walk;
        let mut out = std::io::BufWriter::with_capacity(
            64 * 1024,
            std::fs::File::create("/dev/null").unwrap(),
        );
        let mut token: Option<String> = None;
        loop {
            let mut request = http.get(&url).bearer_auth("token");
            if tweetapi {
                request = request.query(&[
                    ("authToken", "auth"),
                    ("conversationId", support::CONVERSATION),
                ]);
            } else {
                request = request.query(&[("max_results", "100")]);
            }
            if let Some(token) = &token {
                request = request.query(&[(token_param, token)]);
            }
            let body = request.send().await.unwrap().bytes().await.unwrap();
            let page: serde_json::Value = serde_json::from_slice(&body).unwrap();
            for item in page[items].as_array().into_iter().flatten() {
                serde_json::to_writer(&mut out, item).unwrap();
                out.write_all(b"\n").unwrap();
            }
            match next(&page) {
                Some(next) => token = Some(next.to_owned()),
                None => break,
            }
        }
        out.flush().unwrap();
    });
}
