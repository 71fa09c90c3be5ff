#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod connect;
mod error;
mod hooks;
pub mod tweetapi;
pub mod validate;
pub mod wire;
pub mod x;

pub use error::Error;
pub use validate::InvalidParameter;
