//! End-to-end: `x-dm auth` against the built-in fake (`--demo`) and a fake
//! of this test's own, and the other commands using the stored login.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Output, Stdio};

use secrecy::ExposeSecret;
use x_dm::testing::{DEMO_CLIENT_ID, DEMO_CONVERSATION, FakeConfig, FakeX};
use x_dm::x::oauth::App;
use x_dm::{FileTokenStore, OAuth1, TokenSet};

/// Every variable that names a credential or where logins are kept.
const CREDENTIAL_VARIABLES: [&str; 9] = [
    "X_ACCESS_TOKEN",
    "X_CONSUMER_KEY",
    "X_CONSUMER_SECRET",
    "X_OAUTH1_ACCESS_TOKEN",
    "X_OAUTH1_ACCESS_TOKEN_SECRET",
    "X_CLIENT_ID",
    "X_CLIENT_SECRET",
    "XDG_CONFIG_HOME",
    "X_DM_CONFIG_DIR",
];

/// The binary with no credential in its environment, keeping logins in
/// `config`.
fn x_dm(config: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_x-dm"));
    for name in CREDENTIAL_VARIABLES {
        command.env_remove(name);
    }
    command.env("X_DM_CONFIG_DIR", config);
    command
}

fn config_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("x-dm-auth-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap()
}

fn token_file(config: &Path) -> PathBuf {
    config.join("tokens").join("default.json")
}

fn stored(config: &Path) -> TokenSet {
    FileTokenStore::new(token_file(config))
        .load()
        .unwrap()
        .unwrap()
}

/// Starts `command` and reads its standard error up to the authorize URL,
/// which stands on a line of its own.
// The child is handed back, and `finish` waits for it.
#[allow(clippy::zombie_processes)]
async fn start_login(mut command: Command) -> (Child, BufReader<ChildStderr>, String, String) {
    tokio::task::spawn_blocking(move || {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut before = String::new();
        loop {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap() == 0 {
                let status = child.wait().unwrap();
                panic!("{status}, and no URL: {before}");
            }
            if line.starts_with("http") {
                return (child, stderr, line.trim().to_owned(), before);
            }
            before.push_str(&line);
        }
    })
    .await
    .unwrap()
}

/// Follows the authorize URL the way a browser would, up to the redirect
/// it answers with.
async fn approve(authorize_url: &str) -> String {
    x_dm::connect::install_tls_provider();
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser.get(authorize_url).send().await.unwrap();
    assert_eq!(answer.status(), 302);
    answer.headers()["location"].to_str().unwrap().to_owned()
}

/// Writes `input` to the child and collects the rest of its output.
async fn finish(mut child: Child, mut stderr: BufReader<ChildStderr>, input: String) -> Output {
    tokio::task::spawn_blocking(move || {
        if let Some(mut stdin) = child.stdin.take() {
            stdin.write_all(input.as_bytes()).unwrap();
        }
        let mut rest = String::new();
        stderr.read_to_string(&mut rest).unwrap();
        let mut output = child.wait_with_output().unwrap();
        output.stderr = rest.into_bytes();
        output
    })
    .await
    .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_login_headless_saves_a_private_token_file_and_status_shows_no_token() {
    let config = config_dir("headless");
    let mut command = x_dm(&config);
    command.args(["--demo", "auth", "login", "--headless"]);
    let (child, stderr, url, _) = start_login(command).await;
    assert!(url.contains("/i/oauth2/authorize?"), "{url}");
    assert!(url.contains("code_challenge_method=S256"), "{url}");
    let redirect = approve(&url).await;
    let output = finish(child, stderr, format!("{redirect}\n")).await;
    assert!(output.status.success(), "{output:?}");
    let tokens = stored(&config);
    assert_eq!(tokens.client_id(), Some(DEMO_CLIENT_ID));
    let status = text(&output.stdout);
    assert!(status.contains("profile: default"), "{status}");
    assert!(status.contains("refresh token: held"), "{status}");
    assert!(status.contains("dm.read dm.write"), "{status}");
    #[cfg(unix)]
    {
        assert_eq!(mode(&token_file(&config)), 0o600);
        assert_eq!(mode(&config), 0o700);
        assert_eq!(mode(&config.join("tokens")), 0o700);
    }

    let output = run({
        let mut command = x_dm(&config);
        command.args(["auth", "status"]);
        command
    })
    .await;
    assert!(output.status.success(), "{output:?}");
    let shown = format!("{}{}{}", text(&output.stdout), text(&output.stderr), status);
    for secret in [
        tokens.access_token().expose_secret(),
        tokens.refresh_token().unwrap().expose_secret(),
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }

    // A pasted redirect of another login is refused, and nothing is saved.
    let other = config_dir("headless-forged");
    let mut command = x_dm(&other);
    command.args(["--demo", "auth", "login", "--headless"]);
    let (child, stderr, _, _) = start_login(command).await;
    let output = finish(
        child,
        stderr,
        "http://127.0.0.1:8080/callback?state=forged&code=abc\n".to_owned(),
    )
    .await;
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(
        text(&output.stderr).contains("state does not match"),
        "{output:?}"
    );
    assert!(!token_file(&other).exists());

    // A token file others can read is refused, with the fix.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(token_file(&config), std::fs::Permissions::from_mode(0o644))
            .unwrap();
        let output = run({
            let mut command = x_dm(&config);
            command.args(["auth", "status"]);
            command
        })
        .await;
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        assert!(text(&output.stderr).contains("chmod 600"), "{output:?}");
    }
    let _ = std::fs::remove_dir_all(&config);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_login_then_reads_sends_refresh_and_logout_with_the_stored_profile() {
    let fake = FakeX::start_with(FakeConfig::default().requiring_login())
        .await
        .unwrap();
    let base = fake.base_url();
    let config = config_dir("callback");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redirect_uri = format!("http://127.0.0.1:{port}/callback");
    let mut command = x_dm(&config);
    command.env("X_CLIENT_ID", DEMO_CLIENT_ID).args([
        "--base-url",
        &base,
        "auth",
        "login",
        "--redirect-uri",
        &redirect_uri,
    ]);
    let (child, stderr, url, _) = start_login(command).await;
    let redirect = approve(&url).await;
    assert!(redirect.starts_with(&redirect_uri), "{redirect}");
    // The browser lands on the command's own listener.
    let landing = reqwest::get(&redirect).await.unwrap();
    assert_eq!(landing.status(), 200);
    let output = finish(child, stderr, String::new()).await;
    assert!(output.status.success(), "{output:?}");
    assert!(
        text(&output.stderr).contains("Waiting up to 5 minutes"),
        "{output:?}"
    );
    let first = stored(&config);
    assert!(fake.is_live(first.access_token().expose_secret()));

    // Other commands use the stored login when the environment names none.
    let events = |config: &Path| {
        let mut command = x_dm(config);
        command.args(["--base-url", &base, "--format", "jsonl"]);
        command.args(["events", DEMO_CONVERSATION, "--limit", "2"]);
        command
    };
    let output = run(events(&config)).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(text(&output.stdout).lines().count(), 2);

    // `auth refresh` renews now and saves the rotated refresh token.
    let output = run({
        let mut command = x_dm(&config);
        command.args(["--base-url", &base, "auth", "refresh"]);
        command
    })
    .await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(fake.refreshes(), 1);
    let second = stored(&config);
    assert_ne!(
        second.refresh_token().unwrap().expose_secret(),
        first.refresh_token().unwrap().expose_secret()
    );

    // A send whose token X refuses renews it once and goes through once.
    let app = App::new(DEMO_CLIENT_ID)
        .unwrap()
        .with_base_url(&base)
        .unwrap();
    app.revoke(second.access_token()).await.unwrap();
    let output = run({
        let mut command = x_dm(&config);
        command.args([
            "--base-url",
            &base,
            "send",
            "--conversation",
            DEMO_CONVERSATION,
        ]);
        command.args(["--text", "sent with a renewed token"]);
        command
    })
    .await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(fake.refreshes(), 2);
    let data = fake.dataset();
    let sent = data
        .events(DEMO_CONVERSATION)
        .unwrap()
        .iter()
        .filter(|event| event["text"] == "sent with a renewed token")
        .count();
    assert_eq!(sent, 1);
    let third = stored(&config);
    assert!(fake.is_live(third.access_token().expose_secret()));

    // `auth logout` revokes and deletes; then no credential is left, and the
    // error names all three ways to give one.
    let output = run({
        let mut command = x_dm(&config);
        command.args(["--base-url", &base, "auth", "logout"]);
        command
    })
    .await;
    assert!(output.status.success(), "{output:?}");
    assert!(!token_file(&config).exists());
    assert!(!fake.is_live(third.access_token().expose_secret()));
    let output = run(events(&config)).await;
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let message = text(&output.stderr);
    for way in ["X_ACCESS_TOKEN", "X_CONSUMER_KEY", "x-dm auth login"] {
        assert!(message.contains(way), "{message}");
    }
    let _ = std::fs::remove_dir_all(&config);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_oauth1_variables_sign_requests_the_fake_accepts() {
    let user = OAuth1::new("ck", "consumer-secret", "user-token", "user-secret");
    let fake = FakeX::start_with(FakeConfig::default().requiring_login().with_oauth1(user))
        .await
        .unwrap();
    let config = config_dir("oauth1");
    let mut command = x_dm(&config);
    command
        .env("X_CONSUMER_KEY", "ck")
        .env("X_CONSUMER_SECRET", "consumer-secret")
        .env("X_OAUTH1_ACCESS_TOKEN", "user-token")
        .env("X_OAUTH1_ACCESS_TOKEN_SECRET", "user-secret")
        .args(["--base-url", &fake.base_url(), "--format", "jsonl"])
        .args(["events", DEMO_CONVERSATION, "--limit", "3"]);
    let output = run(command).await;
    assert!(output.status.success(), "{output:?}");
    assert_eq!(text(&output.stdout).lines().count(), 3);
}
