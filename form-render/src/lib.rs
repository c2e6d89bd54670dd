//! Renderers of the compiled form model: JSON Schema for submissions, accessible HTML forms
//! and Typst PDFs.
//!
//! Renderers read only the compiled [`form_runtime::Form`], never form-file syntax, so any
//! service holding a `form.json` can render it.  [`json_schema`] describes a form's
//! submissions for other tools; HTML and PDF renderers follow.
#![warn(missing_docs)]

pub mod html;
#[cfg(feature = "pdf")]
pub mod pdf;
mod reach;
pub mod report;
pub mod schema;
mod words;

pub use html::{HtmlError, HtmlRenderer, PageOptions};
pub use schema::json_schema;

pub use form_runtime::Form;
