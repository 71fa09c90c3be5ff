//! `cargo xtask <command>`: project automation that needs no tools beyond
//! cargo itself.

mod decode;
mod fixtures;
mod report;
mod schema;
mod spec;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::fixtures::Verdict;
use crate::report::{Failure, Stats};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project automation for x-dm")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the OpenAPI specs in openapi/ and validate every fixture in
    /// tests/fixtures/ against the response schema it claims to match.
    Validate {
        /// Workspace root to check instead of the one this xtask belongs to.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Validate { root } => {
            // `cargo xtask` runs from anywhere in the workspace, so the
            // default cannot be the current directory.
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            // The generated types were built from this workspace's specs, so
            // decoding into them says nothing about another tree's fixtures.
            let decode = match &root {
                None => true,
                Some(root) => same_dir(root, &workspace),
            };
            let root = root.unwrap_or(workspace);
            let (stats, failures) = validate(&root, decode);
            if failures.is_empty() {
                println!("validate: ok: {stats}");
                ExitCode::SUCCESS
            } else {
                for failure in &failures {
                    eprintln!("{failure}");
                }
                eprintln!("validate: {} failure(s)", failures.len());
                ExitCode::FAILURE
            }
        }
    }
}

/// Runs every check and returns all failures rather than stopping at the
/// first, so one run shows everything that needs fixing.
fn validate(root: &Path, decode: bool) -> (Stats, Vec<Failure>) {
    let mut failures = Vec::new();
    let api = spec::load(root, &mut failures);
    let tree = fixtures::discover(root, &mut failures);
    fixtures::check_coverage(&api, &tree, &mut failures);

    let mut stats = Stats {
        specs: api.specs.len(),
        operations: api.operations.len(),
        ..Stats::default()
    };
    let mut validators = schema::Validators::default();
    for fixture in &tree.fixtures {
        match fixtures::check(fixture, &api, &mut validators, &mut failures) {
            Verdict::Valid(json_value) => {
                stats.positive += 1;
                // Passing the schema does not prove the generated types can
                // decode it, nor that they keep what they decode.
                if decode {
                    failures.extend(decode::check(&api, fixture, &json_value));
                    stats.decoded += 1;
                }
            }
            Verdict::Rejected => stats.negative += 1,
            Verdict::Failed => {}
        }
    }
    (stats, failures)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
