//! The edge of the system: the `sendform` command-line tool, and later the web host.
//!
//! This is the only crate that does IO: it reads form files, writes outputs and renders
//! diagnostics for people.
#![warn(missing_docs)]

pub mod cli;
mod files;
mod report;

pub use files::FsLoader;
