//! Where the archive lives, and how its errors reach the user.

use std::path::{Path, PathBuf};

use x_dm::archive;

use crate::export::Failure;

/// The database's file name in a data directory.
const FILE_NAME: &str = "archive.sqlite";

/// The archive's options every archive command takes.
#[derive(Debug, clap::Args)]
pub struct Database {
    /// The archive's database file. Default: archive.sqlite in
    /// $X_DM_DATA_DIR if set, else in the user's data directory
    /// (~/.local/share/x-dm on Linux); with --demo, in a folder of the
    /// system's temporary directory, never the real one.
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
}

impl Database {
    /// The file: `--db`, else `X_DM_DATA_DIR`, else (for `--demo`) the
    /// temporary directory, else the user's data directory.
    pub fn path(&self, demo: bool) -> Result<PathBuf, Failure> {
        if let Some(db) = &self.db {
            return Ok(db.clone());
        }
        if let Some(dir) = std::env::var_os("X_DM_DATA_DIR").filter(|dir| !dir.is_empty()) {
            return Ok(PathBuf::from(dir).join(FILE_NAME));
        }
        if demo {
            return Ok(std::env::temp_dir().join("x-dm-demo").join(FILE_NAME));
        }
        match data_dir() {
            Some(dir) => Ok(dir.join("x-dm").join(FILE_NAME)),
            None => Err(Failure::Usage(
                "cannot tell the user's data directory (HOME is not set): pass --db FILE or set X_DM_DATA_DIR"
                    .to_owned(),
            )),
        }
    }
}

/// The platform's per-user data directory.
fn data_dir() -> Option<PathBuf> {
    let from = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    if cfg!(windows) {
        return from("APPDATA");
    }
    if cfg!(target_os = "macos") {
        return from("HOME").map(|home| home.join("Library/Application Support"));
    }
    from("XDG_DATA_HOME").or_else(|| from("HOME").map(|home| home.join(".local/share")))
}

/// Creates the folder that will hold `path`.
pub fn make_room(path: &Path) -> Result<(), Failure> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent)
            .map_err(|error| Failure::Run(format!("{}: {error}", parent.display()))),
        _ => Ok(()),
    }
}

/// An archive error as the command line reports it, naming the file.
pub fn failure(path: &Path, error: archive::Error) -> Failure {
    use archive::Error as E;
    match error {
        E::Api(error) => Failure::from(error),
        E::Locked { .. } => Failure::Run(error.to_string()),
        E::InvalidSearch(message) => Failure::Usage(message),
        E::NotAnArchive | E::NewerSchema { .. } | E::OlderSchema { .. } => {
            Failure::Usage(format!("{}: {error}", path.display()))
        }
        other => Failure::Run(format!("{}: {other}", path.display())),
    }
}
