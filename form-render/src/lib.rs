//! Renderers of the compiled form model: JSON Schema for submissions, accessible HTML forms
//! and Typst PDFs.
//!
//! Renderers read only the compiled [`form_runtime::Form`], never form-file syntax, so any
//! service holding a `form.json` can render it. Each renderer arrives with its own issue; the
//! crate exists now so that the workspace's dependency arrows are fixed from the start.
#![warn(missing_docs)]

pub use form_runtime::Form;
