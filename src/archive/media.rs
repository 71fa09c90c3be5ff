//! `--media`: the archived attachments' bytes, downloaded into a folder
//! beside the database, each file once, under a name made from its media
//! key, and recorded in `media_files`.

use std::path::PathBuf;

use rusqlite::params;

use super::{Archive, Error, now_ms};
use crate::Client;
use crate::x::DmMediaUrl;

/// What a media download did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaReport {
    /// Files downloaded now.
    pub saved: u64,
    /// Files a killed earlier run had written whole but not recorded:
    /// recorded now, not downloaded again.
    pub recovered: u64,
    /// Media whose `url` names no DM attachment (videos and GIFs, whose
    /// bytes are in `variants`, and media without a `url`): not downloaded.
    pub unavailable: u64,
    /// Media X answered 404 or 410 for: recorded as missing, not asked again.
    pub missing: u64,
    /// Media that failed otherwise, with why; the next run tries again.
    pub failed: Vec<(String, String)>,
}

impl Archive {
    /// The folder attachments are saved in: beside the database, named
    /// after it (`archive.sqlite` keeps them in `archive.sqlite.media/`).
    pub fn media_dir(&self) -> PathBuf {
        let mut name = self
            .path
            .file_name()
            .map(|name| name.to_os_string())
            .unwrap_or_default();
        name.push(".media");
        self.path.with_file_name(name)
    }

    /// Downloads every archived attachment not downloaded yet, one request
    /// each, through `client`'s rate-limit policy. A file appears under its
    /// name only once complete, and is recorded right after, so a kill at
    /// any moment neither leaves half a file nor downloads one twice.
    pub async fn download_media(&mut self, client: &Client) -> Result<MediaReport, Error> {
        let dir = self.media_dir();
        std::fs::create_dir_all(&dir)?;
        let pending: Vec<(String, Option<String>)> = {
            let mut statement = self.connection.prepare(
                "SELECT m.media_key, m.url FROM media m
                 LEFT JOIN media_files f ON f.media_key = m.media_key
                 WHERE f.media_key IS NULL ORDER BY m.media_key",
            )?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut report = MediaReport::default();
        for (key, url) in pending {
            let Some(parts) = url.as_deref().and_then(DmMediaUrl::parse) else {
                report.unavailable += 1;
                continue;
            };
            let Some(name) = parts.file_name(&key) else {
                report
                    .failed
                    .push((key.clone(), "the media key cannot name a file".to_owned()));
                continue;
            };
            let target = dir.join(&name);
            if let Ok(meta) = std::fs::metadata(&target) {
                self.record(&key, Some(&name), Some(meta.len()), None, None)?;
                report.recovered += 1;
                continue;
            }
            match client.download_media(&parts).save(&target).await {
                Ok(saved) => {
                    self.record(
                        &key,
                        Some(&name),
                        Some(saved.bytes),
                        saved.content_type.as_deref(),
                        None,
                    )?;
                    report.saved += 1;
                }
                Err(crate::Error::Api(api)) if matches!(api.status, 404 | 410) => {
                    let why = format!("X answered {}", api.status);
                    self.record(&key, None, None, None, Some(&why))?;
                    report.missing += 1;
                }
                Err(error) => report.failed.push((key, error.to_string())),
            }
        }
        Ok(report)
    }

    fn record(
        &self,
        key: &str,
        file: Option<&str>,
        bytes: Option<u64>,
        content_type: Option<&str>,
        missing: Option<&str>,
    ) -> Result<(), Error> {
        self.connection.execute(
            "INSERT INTO media_files (media_key, file, bytes, content_type, saved_ms, missing)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![key, file, bytes, content_type, now_ms(), missing],
        )?;
        Ok(())
    }

    /// Where an attachment's file is, once downloaded.
    pub fn media_file(&self, media_key: &str) -> Result<Option<PathBuf>, Error> {
        let file: Option<Option<String>> = match self.connection.query_row(
            "SELECT file FROM media_files WHERE media_key = ?1",
            [media_key],
            |row| row.get(0),
        ) {
            Err(rusqlite::Error::QueryReturnedNoRows) => None,
            other => Some(other?),
        };
        Ok(file.flatten().map(|name| self.media_dir().join(name)))
    }
}
