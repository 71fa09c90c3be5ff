//! The one shape every problem takes, so all checks can be collected and
//! printed together instead of stopping at the first.

use std::fmt;

/// One problem, printed as `file: pointer: message` (or `file: message` when
/// the problem is about the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Path relative to the workspace root, with `/` separators so the output
    /// is the same on every platform and can be pasted into an editor.
    pub file: String,
    /// JSON pointer inside `file`; `Some("")` is the document root.
    pub pointer: Option<String>,
    pub message: String,
}

impl Failure {
    pub fn at(file: &str, pointer: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            pointer: Some(pointer.to_owned()),
            message: message.into(),
        }
    }

    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            pointer: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pointer.as_deref() {
            // The empty pointer is correct but invisible in a `a: : b` line.
            Some("") => write!(f, "{}: (root): {}", self.file, self.message),
            Some(pointer) => write!(f, "{}: {}: {}", self.file, pointer, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// What was looked at, for the one-line summary of a clean run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Stats {
    pub specs: usize,
    pub operations: usize,
    pub positive: usize,
    pub negative: usize,
    /// Positive fixtures also decoded into the generated types.
    pub decoded: usize,
}

impl fmt::Display for Stats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} spec(s), {} operation(s), {} fixture(s) valid ({} decoded and round-tripped), {} negative fixture(s) rejected",
            self.specs, self.operations, self.positive, self.decoded, self.negative
        )
    }
}
