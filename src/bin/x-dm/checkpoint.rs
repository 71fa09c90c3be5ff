//! Where an export stands, saved after every complete page so that a rerun
//! resumes after the last one: every item exactly once, even when the first
//! run was killed mid-page.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::args::Format;

/// What a checkpoint file holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Which export this is: the command and its target. A checkpoint of
    /// another export is refused rather than resumed.
    pub command: String,
    pub target: String,
    pub format: Format,
    /// The output file it describes; another file is refused.
    pub output: PathBuf,
    /// The token (or cursor) of the next page; `None` before the first page.
    pub next_token: Option<String>,
    /// How long the output file was when the last complete page was flushed.
    pub output_len: u64,
    /// Items written so far, for `--limit` and for the JSON array's commas.
    pub items_written: u64,
    /// Ids of the last page's items, so that an item repeated at the start of
    /// the next page is not written twice across a restart.
    pub previous_ids: Vec<String>,
    /// Whether the export reached its end.
    pub done: bool,
}

impl Checkpoint {
    /// A checkpoint for an export that has not started.
    pub fn start(
        command: &str,
        target: &str,
        format: Format,
        output: &Path,
        next_token: Option<String>,
    ) -> Self {
        Self {
            command: command.to_owned(),
            target: target.to_owned(),
            format,
            output: output.to_owned(),
            next_token,
            output_len: 0,
            items_written: 0,
            previous_ids: Vec::new(),
            done: false,
        }
    }

    /// Reads the checkpoint at `path`, if there is one.
    pub fn load(path: &Path) -> Result<Option<Self>, String> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| format!("{}: not a checkpoint of x-dm ({e})", path.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Refuses to resume another export's checkpoint.
    pub fn check_matches(&self, expected: &Checkpoint, path: &Path) -> Result<(), String> {
        if self.output != expected.output {
            return Err(format!(
                "{}: this checkpoint is for the output file {}, not {}",
                path.display(),
                self.output.display(),
                expected.output.display()
            ));
        }
        if (self.command.as_str(), self.target.as_str(), self.format)
            != (
                expected.command.as_str(),
                expected.target.as_str(),
                expected.format,
            )
        {
            return Err(format!(
                "{}: this checkpoint is for `{} {}` written as {:?}, not `{} {}` as {:?}; \
                 use another checkpoint file or remove it",
                path.display(),
                self.command,
                self.target,
                self.format,
                expected.command,
                expected.target,
                expected.format,
            ));
        }
        Ok(())
    }

    /// Saves atomically: a temporary file beside the checkpoint, then a
    /// rename, so that a kill never leaves half a checkpoint.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        save_atomically(path, &bytes)
    }
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it,
/// made durable, then a rename over it.
pub fn save_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let temporary = temporary_path(path);
    {
        let file = File::create(&temporary)?;
        io::Write::write_all(&mut &file, bytes)?;
        file.sync_all()?;
    }
    fs::rename(&temporary, path)
}

fn temporary_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Opens the output for appending after cutting it back to `len`, which
/// drops whatever a killed run wrote after its last complete page.
pub fn reopen_output(path: &Path, len: u64) -> io::Result<File> {
    if fs::metadata(path).map_or(0, |meta| meta.len()) < len {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} is shorter than the checkpoint says ({len} bytes): it is not the file this export wrote",
                path.display()
            ),
        ));
    }
    let file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(path)?;
    file.set_len(len).map_err(|error| {
        io::Error::new(
            error.kind(),
            format!(
                "{}: a checkpointed export needs a regular file it can cut back on resume ({error})",
                path.display()
            ),
        )
    })?;
    let mut file = file;
    io::Seek::seek(&mut file, io::SeekFrom::Start(len))?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "x-dm-checkpoint-{}-{}",
            std::process::id(),
            fastrand::u64(..)
        ));
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_saved_checkpoint_loads_back() {
        let path = dir().join("events.checkpoint");
        let mut checkpoint =
            Checkpoint::start("events", "1-2", Format::Jsonl, Path::new("o"), None);
        checkpoint.next_token = Some("token-0000000000001".into());
        checkpoint.output_len = 42;
        checkpoint.save(&path).unwrap();
        assert_eq!(Checkpoint::load(&path).unwrap(), Some(checkpoint));
        assert!(!temporary_path(&path).exists());
    }

    #[test]
    fn another_exports_checkpoint_is_refused() {
        let path = PathBuf::from("c.json");
        let saved = Checkpoint::start("events", "1-2", Format::Jsonl, Path::new("o"), None);
        assert!(
            saved
                .check_matches(
                    &Checkpoint::start("events", "1-2", Format::Jsonl, Path::new("o"), None),
                    &path
                )
                .is_ok()
        );
        let error = saved
            .check_matches(
                &Checkpoint::start("events", "3-4", Format::Jsonl, Path::new("o"), None),
                &path,
            )
            .unwrap_err();
        assert!(
            error.contains("`events 1-2`") && error.contains("`events 3-4`"),
            "{error}"
        );
        assert!(
            saved
                .check_matches(
                    &Checkpoint::start(
                        "tweetapi conversation",
                        "1-2",
                        Format::Jsonl,
                        Path::new("o"),
                        None
                    ),
                    &path
                )
                .is_err()
        );
        assert!(
            saved
                .check_matches(
                    &Checkpoint::start("events", "1-2", Format::Json, Path::new("o"), None),
                    &path
                )
                .is_err()
        );
    }

    #[test]
    fn reopening_cuts_a_half_written_page() {
        let path = dir().join("out.jsonl");
        fs::write(&path, "line 1\nline 2\nhalf a li").unwrap();
        let mut file = reopen_output(&path, 14).unwrap();
        io::Write::write_all(&mut file, b"line 3\n").unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "line 1\nline 2\nline 3\n"
        );
    }

    #[test]
    fn another_output_file_or_a_shorter_one_is_refused() {
        let path = PathBuf::from("c.json");
        let saved = Checkpoint::start("events", "1-2", Format::Jsonl, Path::new("o"), None);
        let other = Checkpoint::start("events", "1-2", Format::Jsonl, Path::new("other"), None);
        assert!(
            saved
                .check_matches(&other, &path)
                .unwrap_err()
                .contains("output file")
        );
        let error = reopen_output(&dir().join("new.jsonl"), 100).unwrap_err();
        assert!(
            error.to_string().contains("shorter than the checkpoint"),
            "{error}"
        );
    }

    #[test]
    fn a_missing_checkpoint_is_none_and_garbage_is_an_error() {
        let dir = dir();
        assert_eq!(Checkpoint::load(&dir.join("absent")).unwrap(), None);
        fs::write(dir.join("garbage"), "{").unwrap();
        assert!(Checkpoint::load(&dir.join("garbage")).is_err());
    }
}
