//! `x-dm webhook serve`: receive X's webhooks, answer its CRC, and write
//! each delivery once as one JSON line, or hand it to a command.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use secrecy::ExposeSecret;
use x_dm::compact_json;
use x_dm::x::webhook::Receiver;

use crate::args::Format;
use crate::context::Context;
use crate::exec::run_with_input;
use crate::export::Failure;
use crate::stop::Stop;

/// `x-dm webhook serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The address to listen on.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,

    /// The port to listen on.
    #[arg(long, value_name = "N")]
    pub port: u16,

    /// Run CMD (with `sh -c`) once per delivery, with its JSON on standard
    /// input, instead of writing it out. A non-zero exit answers X 503, so
    /// that X sends the delivery again, and stops the server with exit
    /// code 1.
    #[arg(long, value_name = "CMD")]
    pub exec: Option<String>,
}

/// Serves until interrupted, with the consumer secret from
/// `X_CONSUMER_SECRET`.
pub async fn run(args: Args, context: Context) -> Result<(), Failure> {
    if context.format_given.is_some() && context.format != Format::Jsonl {
        return Err(Failure::Usage(
            "webhook serve writes one JSON line per delivery: --format jsonl, or leave --format out"
                .into(),
        ));
    }
    let secret = context.consumer_secret()?;
    let (receiver, mut deliveries) = Receiver::new(secret.expose_secret());
    let address = SocketAddr::new(args.bind, args.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| Failure::Run(format!("cannot listen on {address}: {e}")))?;
    let stop = Stop::listen()?;
    let server = tokio::spawn(receiver.serve_on(listener));
    let mut out: Box<dyn Write> = match &context.output {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)?,
        ),
        None => Box::new(io::stdout().lock()),
    };
    loop {
        let received = tokio::select! {
            biased;
            () = stop.requested() => break,
            received = deliveries.recv() => received,
        };
        let Some(received) = received else { break };
        let line = String::from_utf8_lossy(&compact_json(&received.body)).into_owned();
        match &args.exec {
            Some(command) => {
                let what = format!(
                    "a delivery{}; X was answered 503 and sends it again",
                    received
                        .delivery
                        .id()
                        .map_or_else(String::new, |id| format!(" ({id})"))
                );
                if let Err(failure) = run_with_input(command, &line, &what).await {
                    received.refuse();
                    // Let the 503 go out before the server stops.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    server.abort();
                    return Err(failure);
                }
            }
            None => {
                // Written and flushed before X has its 200, which goes out
                // when `received` is dropped.
                if let Err(error) = writeln!(out, "{line}").and_then(|()| out.flush()) {
                    received.refuse();
                    return Err(error.into());
                }
            }
        }
    }
    server.abort();
    Ok(())
}
