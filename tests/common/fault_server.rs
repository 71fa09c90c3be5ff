//! A scripted HTTP/1.1 server on loopback for faults httpmock cannot express:
//! a connection dropped mid-body, a body cut short, a server slower than the
//! client's timeout. Each connection takes the next step of the script; the
//! last step repeats once the script runs out.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Step {
    /// A complete response.
    Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Headers promising `declared` bytes, then part of the body, then close.
    CutShort {
        status: u16,
        declared: usize,
        body: String,
    },
    /// Close the connection without answering.
    Drop,
    /// Wait, then reply.
    Slow { delay: Duration, body: String },
}

impl Step {
    /// A JSON 200.
    pub fn ok(body: impl Into<String>) -> Self {
        Self::status(200, body)
    }

    /// A JSON response with this status.
    pub fn status(status: u16, body: impl Into<String>) -> Self {
        Self::Reply {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    /// The same step with one more header.
    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        if let Self::Reply { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_string()));
        }
        self
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The body, as far as `Content-Length` said.
    pub body: Vec<u8>,
    /// When it arrived, by the wall clock that rate-limit resets use.
    pub at: SystemTime,
}

/// An X client for a fault server: fast retries (3 attempts), rate-limit
/// waits of up to 5 s and a 500 ms timeout, so that a suite stays quick.
pub fn quick_client(base_url: &str) -> x_dm::Client {
    x_dm::Client::builder(super::ACCESS_TOKEN)
        .base_url(base_url)
        .retry(
            x_dm::RetryPolicy::attempts(3)
                .with_delays(Duration::from_millis(10), Duration::from_millis(40)),
        )
        .rate_limit_policy(x_dm::RateLimitPolicy::Wait {
            max_wait: Duration::from_secs(5),
        })
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

/// A running fault server.
pub struct FaultServer {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FaultServer {
    /// Starts serving `script` on a free loopback port.
    pub async fn start(script: Vec<Step>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let log = Arc::clone(&seen);
        tokio::spawn(async move {
            // Bounded: a test never needs more, and a runaway client stops here.
            for _ in 0..200 {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let script = Arc::clone(&script);
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let Some(mut seen) = read_request(&mut socket).await else {
                        return;
                    };
                    seen.at = SystemTime::now();
                    log.lock().unwrap().push(seen);
                    let step = {
                        let mut script = script.lock().unwrap();
                        if script.len() > 1 {
                            script.pop_front()
                        } else {
                            script.front().cloned()
                        }
                    };
                    if let Some(step) = step {
                        play(&mut socket, step).await;
                    }
                });
            }
        });
        Self { base_url, seen }
    }

    /// The requests served so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Reads one request: its head, and as much body as `Content-Length` says.
async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 || data.len() > 64 * 1024 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let mut lines = head.lines();
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_owned();
    let target = request_line.next()?.to_owned();
    let header = |name: &str| {
        head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim()
                .eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    };
    let length: usize = header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[end..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some(Seen {
        method,
        target,
        content_type: header("content-type"),
        body,
        at: SystemTime::UNIX_EPOCH,
    })
}

async fn play(socket: &mut tokio::net::TcpStream, step: Step) {
    let reply = match step {
        Step::Drop => return,
        Step::Slow { delay, body } => {
            tokio::time::sleep(delay).await;
            head(200, &[], body.len()) + &body
        }
        Step::CutShort {
            status,
            declared,
            body,
        } => head(status, &[], declared) + &body,
        Step::Reply {
            status,
            headers,
            body,
        } => head(status, &headers, body.len()) + &body,
    };
    let _ = socket.write_all(reply.as_bytes()).await;
    let _ = socket.shutdown().await;
}

fn head(status: u16, headers: &[(String, String)], length: usize) -> String {
    let mut head =
        format!("HTTP/1.1 {status} X\r\ncontent-length: {length}\r\nconnection: close\r\n");
    if !headers.iter().any(|(name, _)| name == "content-type") {
        head.push_str("content-type: application/json\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head + "\r\n"
}
