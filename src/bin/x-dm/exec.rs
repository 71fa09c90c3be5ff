//! `--exec CMD`: one run of a command per item, the item's JSON on its
//! standard input.

use std::io;

use tokio::io::AsyncWriteExt;

use crate::export::Failure;

/// Runs `command` with `sh -c`, `json` and a newline on its standard input.
/// A non-zero exit is a failure that names `what` it was run for.
pub async fn run_with_input(command: &str, json: &str, what: &str) -> Result<(), Failure> {
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| Failure::Run(format!("--exec: cannot run `{command}`: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        let mut line = json.to_owned();
        line.push('\n');
        // A command that does not read its input is free not to.
        match stdin.write_all(line.as_bytes()).await {
            Err(e) if e.kind() != io::ErrorKind::BrokenPipe => return Err(e.into()),
            _ => {}
        }
    }
    let status = child.wait().await?;
    if status.success() {
        Ok(())
    } else {
        Err(Failure::Run(format!(
            "--exec `{command}` failed ({status}) on {what}"
        )))
    }
}
