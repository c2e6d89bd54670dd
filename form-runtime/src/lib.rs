//! The compiled SEND form model and its evaluation.
//!
//! `form-dsl` compiles a form file into a [`Form`]; this crate holds that model and loads it
//! from `form.json`, so that a service that only validates submissions depends on this crate
//! alone: no parser, no renderer, no IO.
//!
//! ```
//! let json = r#"{
//!   "format_version": 1, "source_hash": "sha256:00", "id": "views", "title": "Your views",
//!   "version": "1", "audiences": ["citizen"], "sections": []
//! }"#;
//! let form = form_runtime::Form::from_json(json)?;
//! assert_eq!(form.id, "views");
//! # Ok::<(), form_runtime::LoadError>(())
//! ```
#![warn(missing_docs)]

mod expr;
mod load;
mod model;
mod span;
mod walk;

pub use expr::{Arithmetic, Comparison, DurationUnit, Expr, ExprKind, Rule};
pub use load::LoadError;
pub use model::{
    Access, Audience, Check, Choice, ChoiceInput, Choices, Content, DateBound, DateBoundKind,
    DateInput, Element, FORMAT_VERSION, FileInput, Form, FormattedInput, Input, Limit,
    MultiChoiceInput, NumberInput, Pattern, Question, Repeat, Required, Section, Taxonomy,
    TextInput, selectable,
};
pub use span::Span;
pub use walk::{ElementRef, Parent};
