//! The edge of the system: the `sendform` command-line tool, and later the web host.
//!
//! This is the only crate that does IO: it reads form files, writes outputs and renders
//! diagnostics for people.
#![warn(missing_docs)]

pub mod cli;
mod files;
mod report;

pub use files::FsLoader;

/// Today's date on this computer, in its time zone: the host reads the clock, the libraries
/// are given the date.
#[allow(clippy::disallowed_methods)]
pub fn today() -> form_runtime::Date {
    jiff::Zoned::now().date()
}
