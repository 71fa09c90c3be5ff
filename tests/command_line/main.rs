//! The `x-dm` command line's tests, each module running the built binary
//! against the fake; one test binary, so the crate is linked once for all.

#[path = "../common/mod.rs"]
mod common;

mod archive;
mod cli;
mod cli_auth;
mod cli_watch;
mod killed;
mod tweetapi_archive;
mod tweetapi_cli;
