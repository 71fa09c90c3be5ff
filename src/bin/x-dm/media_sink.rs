//! `--download-media DIR`: each attachment of an export saved beside it, once
//! per media key, with a line per file in `DIR/index.jsonl`.
//!
//! A file is complete under its name or absent (downloads are renamed into
//! place), and its index line is written after it: a run killed midway
//! leaves at most a file without its line, which the next run adds.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use serde_json::json;
use x_dm::Client;
use x_dm::x::DmMediaUrl;

use crate::export::Failure;

/// The index of what the folder holds.
const INDEX: &str = "index.jsonl";

/// Where an export's media go.
pub struct MediaSink {
    client: Client,
    dir: PathBuf,
    indexed: HashSet<String>,
    index: File,
}

impl MediaSink {
    /// Opens (or creates) `dir` and reads its index.
    pub fn open(client: Client, dir: PathBuf) -> Result<Self, Failure> {
        let fail = |e: std::io::Error| Failure::Run(format!("{}: {e}", dir.display()));
        std::fs::create_dir_all(&dir).map_err(fail)?;
        let path = dir.join(INDEX);
        let mut indexed = HashSet::new();
        if let Ok(existing) = File::open(&path) {
            for line in BufReader::new(existing).lines() {
                let line = line.map_err(fail)?;
                // A line cut short by a kill names no file that counts.
                if let Ok(entry) = serde_json::from_str::<serde_json::Value>(&line)
                    && let Some(key) = entry["media_key"].as_str()
                {
                    indexed.insert(key.to_owned());
                }
            }
        }
        let index = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(fail)?;
        Ok(Self {
            client,
            dir,
            indexed,
            index,
        })
    }

    /// Saves the media of one page that is not in the folder yet: how many
    /// files it wrote.
    pub async fn save(&mut self, media: &[(String, DmMediaUrl)]) -> Result<u64, Failure> {
        let mut written = 0;
        for (key, parts) in media {
            if self.indexed.contains(key) {
                continue;
            }
            // X's keys are digits and `_`; another names no file here.
            let Some(name) = parts.file_name(key) else {
                continue;
            };
            let file = self.dir.join(name);
            let (bytes, content_type) = if file.exists() {
                (std::fs::metadata(&file)?.len(), None)
            } else {
                let saved = self.client.download_media(parts).save(&file).await?;
                written += 1;
                (saved.bytes, saved.content_type)
            };
            let line = json!({
                "media_key": key,
                "file": file.file_name().map(|n| n.to_string_lossy().into_owned()),
                "bytes": bytes,
                "content_type": content_type,
                "dm_id": parts.dm_id,
                "media_id": parts.media_id,
                "resource_id": parts.resource_id,
            });
            writeln!(self.index, "{line}")?;
            self.index.flush()?;
            self.indexed.insert(key.clone());
        }
        Ok(written)
    }
}
