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

mod answers;
mod compiled;
mod error;
mod eval;
mod expr;
pub mod formats;
mod load;
mod messages;
mod model;
mod pattern;
mod span;
mod status;
mod table;
mod validate;
mod walk;

pub use answers::{AnswerLimits, Answers, AnswersError, AsAnswers, parse_answers};
pub use compiled::{CompileError, Validator};
pub use error::{ErrorCode, ValidationError};
/// A calendar date, as `today` and date answers are given (re-exported from `jiff`).
pub use jiff::civil::Date;
pub use status::{SectionState, SectionStatus, Visibility};
pub use validate::{Mode, ValidateOptions};

pub use expr::{Arithmetic, Comparison, DurationUnit, Expr, ExprKind, Rule};
pub use load::LoadError;
pub use model::{
    Access, Audience, Check, Choice, ChoiceInput, Choices, Content, DateBound, DateBoundKind,
    DateInput, Element, FORMAT_VERSION, FileInput, Form, FormattedInput, Input, Limit, Medium,
    MultiChoiceInput, NumberInput, Pattern, Question, Repeat, Required, Section, Taxonomy,
    TextInput, selectable,
};
pub use span::Span;
pub use walk::{ElementRef, Parent};

/// Numbers, counts and dates written as GOV.UK writes them, for the renderers' words to match
/// the runtime's messages.
pub mod wording {
    pub use crate::eval::parse_date;
    pub use crate::messages::{count, date, file_types, grouped, lower_first, number, size};
}

/// The embedding guide (`docs/embedding.md`), compiled and run as a doc test so that it
/// cannot drift from the crate.
#[cfg(doctest)]
#[doc = include_str!("../../docs/embedding.md")]
pub struct EmbeddingGuide;

/// Validates `answers` against `form` once. To validate many submissions against one form,
/// build a [`Validator`] once and reuse it: this prepares the form on every call.
pub fn validate(
    form: &Form,
    answers: &(impl AsAnswers + ?Sized),
    options: &ValidateOptions,
) -> Result<Vec<ValidationError>, CompileError> {
    Ok(Validator::new(form)?.validate(answers, options))
}
