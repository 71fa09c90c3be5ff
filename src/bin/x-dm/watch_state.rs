//! Where `x-dm watch` stands, saved after each batch, and how a restart
//! finds out what a killed run wrote after its last save.
//!
//! The order is: write the batch's lines, flush them, then save the
//! position after them. A run killed between the flush and the save leaves
//! lines that the saved position does not cover. When the output is a
//! regular file (`--output`, or standard output redirected to one), the
//! state also records which file it is and how long it was at the save, so
//! a restart reads the lines past that length back, takes the position
//! after the last whole one, and cuts off half a line: nothing repeated,
//! nothing lost. Written to a pipe, what a reader took cannot be read back;
//! there the run finishes the batch it is writing and saves before it stops
//! on SIGINT, SIGTERM or SIGHUP, and only a SIGKILL in the instant between
//! the flush and the save can repeat that one batch.

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

use serde::{Deserialize, Serialize};
use x_dm::engine::Position;

use crate::checkpoint::save_atomically;

/// What a state file holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchState {
    /// What is watched: `inbox` or `conversation <id>`. Another watch's
    /// state is refused rather than resumed.
    pub watching: String,
    /// The position after the last event handed out.
    pub position: Position,
    /// The output file and its length when the position was saved; `None`
    /// for a pipe, a terminal or `--exec`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Mark>,
}

/// A regular file and how long it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mark {
    pub device: u64,
    pub inode: u64,
    pub len: u64,
}

impl WatchState {
    /// Reads the state at `path`, if there is one.
    pub fn load(path: &Path) -> Result<Option<Self>, String> {
        match fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| format!("{}: not a watch state of x-dm ({e})", path.display())),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// Saves atomically: a kill leaves the old state or the new one.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        save_atomically(path, &bytes)
    }
}

/// The identity and length of `file`, if it is a regular file.
pub fn mark_of(file: &File) -> io::Result<Option<Mark>> {
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    Ok(identity(&meta).map(|(device, inode)| Mark {
        device,
        inode,
        len: meta.len(),
    }))
}

#[cfg(unix)]
fn identity(meta: &fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_: &fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// What a killed run wrote after its last save, found in the output.
#[derive(Debug, PartialEq, Eq)]
pub struct Unsaved {
    /// The id of the last whole line's event.
    pub last_id: Option<String>,
    /// How long the output is once half a line at its end is cut off.
    pub len: u64,
}

/// Reads what `written` (the output, opened for writing) holds past the
/// saved mark, through `readable` (the same file, opened for reading), and
/// cuts off half a line at its end. `None` when the output is not the file
/// the mark names or holds nothing past it.
pub fn recover(mark: Mark, written: &File, mut readable: File) -> io::Result<Option<Unsaved>> {
    let Some(now) = mark_of(written)? else {
        return Ok(None);
    };
    if (now.device, now.inode) != (mark.device, mark.inode) || now.len <= mark.len {
        return Ok(None);
    }
    readable.seek(SeekFrom::Start(mark.len))?;
    let mut tail = Vec::new();
    readable.take(now.len - mark.len).read_to_end(&mut tail)?;
    let whole = tail
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |at| at + 1);
    let mut last_id = None;
    let mut kept = 0;
    for line in tail[..whole].split_inclusive(|&b| b == b'\n') {
        // A line that is no event of ours ends what is taken as written.
        let Some(id) = event_id(line) else { break };
        if let Some(id) = id {
            last_id = Some(id);
        }
        kept += line.len();
    }
    // Half an event at the end is cut, to be written whole again; lines
    // that are not ours are left as they are.
    let len = if kept == whole && whole < tail.len() {
        written.set_len(mark.len + whole as u64)?;
        mark.len + whole as u64
    } else {
        now.len
    };
    Ok(Some(Unsaved { last_id, len }))
}

/// Whether `line` is an event a watch writes, and the DM event id its
/// position moves to: a DM event's own (`{"id": …}`), or the last of an
/// activity stream line's `dm.*` payload. An activity line without a DM is
/// ours but moves nothing.
fn event_id(line: &[u8]) -> Option<Option<String>> {
    #[derive(Deserialize)]
    struct Line {
        id: Option<String>,
        data: Option<Activity>,
    }
    #[derive(Deserialize)]
    struct Activity {
        #[allow(dead_code, reason = "only its presence marks an activity line")]
        event_uuid: String,
        #[serde(default)]
        payload: Payload,
    }
    #[derive(Default, Deserialize)]
    struct Payload {
        #[serde(default)]
        direct_message_events: Vec<Id>,
    }
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    let line: Line = serde_json::from_slice(line).ok()?;
    match (line.id, line.data) {
        (Some(id), _) => Some(Some(id)),
        (None, Some(activity)) => Some(
            activity
                .payload
                .direct_message_events
                .into_iter()
                .last()
                .map(|event| event.id),
        ),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, content: &str) -> (File, File) {
        let dir = std::env::temp_dir().join(format!("x-dm-watch-state-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        fs::write(&path, content).unwrap();
        let written = fs::OpenOptions::new().append(true).open(&path).unwrap();
        (written, File::open(&path).unwrap())
    }

    fn mark(file: &File, len: u64) -> Mark {
        Mark {
            len,
            ..mark_of(file).unwrap().unwrap()
        }
    }

    #[test]
    fn lines_past_the_mark_are_read_back_and_half_a_line_is_cut() {
        let saved = "{\"id\":\"1\"}\n";
        let (written, readable) = file(
            "tail",
            &format!("{saved}{{\"id\":\"2\"}}\n{{\"id\":\"3\"}}\n{{\"id\":\"4"),
        );
        let mark = mark(&written, saved.len() as u64);
        let unsaved = recover(mark, &written, readable).unwrap().unwrap();
        assert_eq!(unsaved.last_id.as_deref(), Some("3"));
        assert_eq!(written.metadata().unwrap().len(), unsaved.len);
        assert_eq!(unsaved.len, (saved.len() + 22) as u64);
    }

    #[test]
    fn nothing_past_the_mark_or_another_file_is_left_alone() {
        let (written, readable) = file("same", "{\"id\":\"1\"}\n");
        let at_end = mark(&written, 11);
        assert_eq!(recover(at_end, &written, readable).unwrap(), None);
        let (other, readable) = file("other", "{\"id\":\"1\"}\n{\"id\":\"2\"}\n");
        // The mark names the first file; the output is now another one.
        assert_eq!(recover(at_end, &other, readable).unwrap(), None);
        assert_eq!(other.metadata().unwrap().len(), 22, "not cut");
    }
}
