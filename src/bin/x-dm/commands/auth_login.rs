//! `x-dm auth login`: OAuth 2.0 with PKCE, through a local callback or,
//! headless, a pasted redirect; the token set is saved to the profile.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use x_dm::TokenStore;
use x_dm::testing::DEMO_CLIENT_ID;
use x_dm::x::oauth::{DEFAULT_SCOPES, Login};

use super::auth_status;
use crate::context::Context;
use crate::export::Failure;
use crate::profile::{self, Profile};

/// How long the local callback waits for the browser.
const WAIT: Duration = Duration::from_secs(5 * 60);

/// The redirect URI when none is given.
const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:8080/callback";

/// `x-dm auth login [--client-id ID] [--scopes LIST] [--redirect-uri URI] [--headless]`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The app's OAuth 2.0 client id (default: X_CLIENT_ID). A confidential
    /// app's secret is read from X_CLIENT_SECRET only.
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,

    /// The scopes to ask for, separated by spaces or commas.
    #[arg(long, value_name = "LIST", default_value_t = DEFAULT_SCOPES.join(" "))]
    pub scopes: String,

    /// Where X sends the browser back: a loopback http URI this command
    /// listens on (registered in the app's settings).
    #[arg(long, value_name = "URI", default_value = DEFAULT_REDIRECT_URI)]
    pub redirect_uri: String,

    /// Print the authorize URL and read the redirect URL (or its code) from
    /// standard input, for machines without a browser.
    #[arg(long)]
    pub headless: bool,
}

/// Logs in and saves the token set to the profile.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    let profile = Profile::named(&context.profile)?;
    let client_id = match args.client_id.or_else(|| env("X_CLIENT_ID")) {
        Some(id) => id,
        None if context.demo() => DEMO_CLIENT_ID.to_owned(),
        None => {
            return Err(Failure::Usage(
                "name the app's client id with --client-id or X_CLIENT_ID".to_owned(),
            ));
        }
    };
    let app = profile::app(&client_id, context.base_url())?;
    let scopes: Vec<&str> = args
        .scopes
        .split([' ', ','])
        .filter(|scope| !scope.is_empty())
        .collect();
    if scopes.is_empty() {
        return Err(Failure::Usage(
            "--scopes: name at least one scope".to_owned(),
        ));
    }
    let login = app.login(&args.redirect_uri, scopes)?;
    let redirect = if args.headless {
        pasted(&login).await?
    } else {
        callback(&login).await?
    };
    let tokens = login.finish(&redirect).await?;
    profile.store.save(&tokens)?;
    eprintln!(
        "x-dm: logged in; profile {:?} saved to {}",
        profile.name,
        profile.store.path().display()
    );
    auth_status::print(&profile, &tokens)
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// Headless: the URL on a line of its own on standard error, the redirect
/// read back from standard input.
async fn pasted(login: &Login) -> Result<String, Failure> {
    eprintln!("Open this URL in a browser and approve the app:");
    eprintln!("{}", login.authorize_url());
    eprintln!("Then paste the whole URL the browser was sent to (or just its code) here:");
    let mut line = String::new();
    BufReader::new(tokio::io::stdin())
        .read_line(&mut line)
        .await?;
    if line.trim().is_empty() {
        return Err(Failure::Usage(
            "nothing was pasted: give the redirect URL or the code".to_owned(),
        ));
    }
    Ok(line)
}

/// With a browser: listen where the redirect URI points, send the browser
/// to X, and take the redirect that comes back.
async fn callback(login: &Login) -> Result<String, Failure> {
    let uri = url::Url::parse(login.redirect_uri())
        .map_err(|_| Failure::Usage("--redirect-uri is not a URL".to_owned()))?;
    let loopback = match uri.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if uri.scheme() != "http" || !loopback {
        return Err(Failure::Usage(format!(
            "--redirect-uri {uri}: to listen for the redirect it must be http on a loopback host \
             (127.0.0.1, [::1] or localhost); use --headless for any other"
        )));
    }
    let host = uri
        .host_str()
        .unwrap_or("127.0.0.1")
        .trim_matches(['[', ']']);
    let port = uri.port_or_known_default().unwrap_or(80);
    let listener = TcpListener::bind((host, port)).await.map_err(|error| {
        Failure::Run(format!(
            "cannot listen on {host}:{port} for the redirect: {error}"
        ))
    })?;
    eprintln!("Open this URL in a browser and approve the app:");
    eprintln!("{}", login.authorize_url());
    open_browser(login.authorize_url().as_str());
    eprintln!(
        "Waiting up to {} minutes for the redirect to {uri} ...",
        WAIT.as_secs() / 60
    );
    let path = uri.path().to_owned();
    tokio::time::timeout(WAIT, async {
        loop {
            let (stream, _) = listener.accept().await?;
            if let Some(target) = answer(stream, &path, login).await? {
                return Ok::<String, Failure>(target);
            }
        }
    })
    .await
    .map_err(|_| {
        Failure::Run(format!(
            "no redirect came within {} minutes; run `x-dm auth login` again",
            WAIT.as_secs() / 60
        ))
    })?
}

/// Reads one request. The redirect (the path of the redirect URI) is
/// answered and its target returned once its state checks out; anything
/// else (a favicon) gets a 404.
async fn answer(
    mut stream: TcpStream,
    path: &str,
    login: &Login,
) -> Result<Option<String>, Failure> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        head.extend_from_slice(&buffer[..read]);
    }
    let head = String::from_utf8_lossy(&head);
    let target = head
        .lines()
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .unwrap_or_default()
        .to_owned();
    if target.split('?').next() != Some(path) {
        reply(&mut stream, "404 Not Found", "Not the redirect.").await;
        return Ok(None);
    }
    match login.code(&target) {
        Ok(_) => {
            reply(
                &mut stream,
                "200 OK",
                "Logged in to x-dm. You can close this tab.",
            )
            .await;
            Ok(Some(target))
        }
        Err(error) => {
            reply(&mut stream, "400 Bad Request", &error.to_string()).await;
            Err(error.into())
        }
    }
}

async fn reply(stream: &mut TcpStream, status: &str, text: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    // The browser going away is no reason to fail the login.
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// Opens `url` in the desktop's browser, if there is a desktop.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        Some("open")
    } else if cfg!(unix)
        && (std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some())
    {
        Some("xdg-open")
    } else {
        None
    };
    if let Some(opener) = opener {
        let _ = std::process::Command::new(opener)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
    }
}
