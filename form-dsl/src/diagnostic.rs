//! Diagnostics: problems in form files, as plain data with a stable code, spans and help.
//!
//! Diagnostics are collected, never thrown: a compilation returns all of them. Rendering them
//! for people (source excerpts, carets, colours) is the job of the edge, the `sendform` CLI.

use form_runtime::Span;
use serde::Serialize;

use crate::source::{FileId, SourceMap};

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The form cannot be compiled until it is fixed.
    Error,
    /// The form compiles, but something is probably not what the designer meant.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $severity:ident;)*) => {
        /// A diagnostic's stable code, named after the problem (not the fix).
        ///
        /// Each code is documented in `form-dsl/diagnostics/<code>.md` (what it means, why it
        /// matters, an example and the fix), gathered into `docs/diagnostics.md`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The code as written in output and documentation, such as `duplicate-id`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// The severity every diagnostic with this code has.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// The code's documentation, in Markdown: what it means, why it matters, an
            /// example and the fix.
            pub fn documentation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("../diagnostics/", $name, ".md")),)*
                }
            }

            /// The code with this name.
            pub fn from_name(name: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|code| code.as_str() == name)
            }
        }
    };
}

codes! {
    /// The file is larger than the compiler accepts.
    FileTooLarge = "file-too-large", Error;
    /// The file is not valid UTF-8 text.
    InvalidUtf8 = "invalid-utf8", Error;
    /// The file starts with a byte order mark.
    ByteOrderMark = "byte-order-mark", Error;
    /// A bidirectional text control character, which can make source read differently from
    /// how it is compiled.
    BidiControl = "bidi-control", Error;
    /// An invisible or control character outside text.
    InvisibleCharacter = "invisible-character", Error;
    /// A quoted text is never closed.
    UnterminatedString = "unterminated-string", Error;
    /// A `/*` comment is never closed.
    UnterminatedComment = "unterminated-comment", Error;
    /// A `{`, `(` or `[` is never closed.
    UnclosedDelimiter = "unclosed-delimiter", Error;
    /// A `}`, `)` or `]` that closes nothing, or the wrong thing.
    UnexpectedDelimiter = "unexpected-delimiter", Error;
    /// Brackets or blocks are nested deeper than the compiler accepts.
    NestingTooDeep = "nesting-too-deep", Error;
    /// The text does not follow the language's grammar.
    SyntaxError = "syntax-error", Error;
    /// An unknown escape such as `\q` in quoted text.
    InvalidEscape = "invalid-escape", Error;
    /// The file defines nothing.
    EmptyFile = "empty-file", Error;
    /// More diagnostics than the limit; the rest are not shown.
    TooManyDiagnostics = "too-many-diagnostics", Warning;
    /// Two parts of the form have the same id.
    DuplicateId = "duplicate-id", Error;
    /// Two different ids look the same.
    ConfusableId = "confusable-id", Error;
    /// An id mixes letters of different scripts.
    MixedScriptId = "mixed-script-id", Error;
    /// An id is a word reserved by the rule language.
    ReservedId = "reserved-id", Error;
    /// A rule names a question that does not exist.
    UnknownReference = "unknown-reference", Error;
    /// A rule names a question inside a repeating block from outside that block.
    OutOfScopeReference = "out-of-scope-reference", Error;
    /// A taxonomy name that is not defined, included or shipped.
    UnknownTaxonomy = "unknown-taxonomy", Error;
    /// Two taxonomies with the same name.
    DuplicateTaxonomy = "duplicate-taxonomy", Error;
    /// A code that is not in the taxonomy or options it is used with.
    UnknownCode = "unknown-code", Error;
    /// The same code twice in one list.
    DuplicateCode = "duplicate-code", Error;
    /// A rule calls a function that does not exist.
    UnknownFunction = "unknown-function", Error;
    /// A function called with the wrong number or kind of arguments.
    WrongArguments = "wrong-arguments", Error;
    /// An audience other than `citizen`, `professional` or `la`.
    UnknownAudience = "unknown-audience", Error;
    /// An included file cannot be read.
    IncludeNotFound = "include-not-found", Error;
    /// Files include each other in a loop.
    IncludeCycle = "include-cycle", Error;
    /// An included file defines a form; included files may only share taxonomies.
    IncludeDefinesForm = "include-defines-form", Error;
    /// Taxonomies built `from` each other in a loop.
    TaxonomyCycle = "taxonomy-cycle", Error;
    /// More than one form in a file.
    MultipleForms = "multiple-forms", Error;
    /// Something in a place where it cannot go, such as a section inside a question.
    MisplacedItem = "misplaced-item", Error;
    /// An attribute that does not apply to this kind of question or part.
    AttributeNotAllowed = "attribute-not-allowed", Error;
    /// The same attribute given twice.
    DuplicateAttribute = "duplicate-attribute", Error;
    /// Attributes that cannot be used together.
    ConflictingAttributes = "conflicting-attributes", Error;
    /// A required attribute is missing, such as a form's `version`.
    MissingAttribute = "missing-attribute", Error;
    /// A section or block with no questions.
    EmptySection = "empty-section", Warning;
    /// A choice question with nothing to choose.
    EmptyChoices = "empty-choices", Error;
    /// A rule whose parts have types that do not fit together.
    TypeMismatch = "type-mismatch", Error;
    /// Visibility rules that depend on each other in a loop.
    VisibilityCycle = "visibility-cycle", Error;
    /// Required-when rules that depend on each other in a loop.
    RequiredCycle = "required-cycle", Error;
    /// A rule that no answers can make true.
    NeverTrue = "never-true", Warning;
    /// Constraints that no answer can meet, such as `min` above `max`.
    ImpossibleConstraint = "impossible-constraint", Error;
    /// A `pattern` that is not a valid linear-time regular expression.
    InvalidPattern = "invalid-pattern", Error;
    /// A value that is not valid for its attribute, such as the date `2024-02-30`.
    InvalidValue = "invalid-value", Error;
    /// A restricted question type, such as `person_lookup`, on a form published to a portal.
    RestrictedTypeOnPortal = "restricted-type-on-portal", Error;
    /// An audience named in `only for` or `locked for` that the form is not published to.
    UnpublishedAudience = "unpublished-audience", Warning;
    /// A taxonomy that is defined or brought in but never used.
    UnusedTaxonomy = "unused-taxonomy", Warning;
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A place in a file, with an optional message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The file.
    pub file: FileId,
    /// The bytes the label points at.
    pub span: Span,
    /// What the label says about them (may be empty).
    pub message: String,
}

impl Label {
    /// A label at `span` of `file`.
    pub fn new(file: FileId, span: Span, message: impl Into<String>) -> Label {
        Label {
            file,
            span,
            message: message.into(),
        }
    }
}

/// A problem in a form file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// The severity (always the code's severity).
    pub severity: Severity,
    /// What is wrong, in words a form designer understands: lowercase, no final full stop.
    pub message: String,
    /// Where it is wrong.
    pub primary: Label,
    /// Other places that explain it, such as "first defined here".
    pub secondary: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with `code`'s severity, pointing at `span` of `file`.
    pub fn new(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            primary: Label::new(file, span, ""),
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Sets the primary label's message.
    pub fn with_primary_message(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    /// Adds a secondary label.
    pub fn with_label(
        mut self,
        file: FileId,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        self.secondary.push(Label::new(file, span, message));
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as one JSON object, with file names and 1-based lines and columns:
    /// the format of `sendform check --format json`.
    pub fn to_json(&self, sources: &SourceMap) -> serde_json::Value {
        let label = |label: &Label| {
            let file = sources.file(label.file);
            let (line, column) = file.line_col(label.span.start as usize);
            let (end_line, end_column) = file.line_col(label.span.end as usize);
            serde_json::json!({
                "file": file.name(),
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "start": label.span.start,
                "end": label.span.end,
                "message": label.message,
            })
        };
        let primary = label(&self.primary);
        serde_json::json!({
            "code": self.code.as_str(),
            "severity": self.severity.as_str(),
            "message": self.message,
            "file": primary["file"],
            "line": primary["line"],
            "column": primary["column"],
            "labels": std::iter::once(&self.primary).chain(&self.secondary).map(label).collect::<Vec<_>>(),
            "help": self.help,
        })
    }
}

/// Words for a list: "a", "a or b", "a, b or c".
pub(crate) fn join_words(items: &[String], last_joiner: &str) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} {last_joiner} {last}", init.join(", ")),
    }
}

/// The closest of `candidates` to `name`, if one is close enough to be a likely misspelling.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let mut best: Option<(f64, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let score = if candidate.to_lowercase() == lower {
            1.0
        } else {
            strsim::jaro_winkler(&lower, &candidate.to_lowercase())
        };
        let distance = strsim::damerau_levenshtein(&lower, &candidate.to_lowercase());
        let close = score >= 0.88 || (distance <= 2 && distance < candidate.chars().count().max(2));
        if close && best.is_none_or(|(best_score, _)| score > best_score) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The diagnostics catalogue, `docs/diagnostics.md`: every code's documentation, with a table
/// of contents. Generated from `form-dsl/diagnostics/*.md`, so that the catalogue, `sendform
/// explain` and the compiler cannot disagree.
pub fn catalogue() -> String {
    let mut out = String::from(
        "# Diagnostics catalogue\n\n\
         <!-- Generated from form-dsl/diagnostics/*.md by \
         `UPDATE_DOCS=1 cargo test -p form-dsl --test docs`. Do not edit by hand. -->\n\n\
         Every problem the compiler finds in a form file is a diagnostic with a stable code. \
         Errors stop a form from being built; warnings do not. `sendform check` shows each \
         with the file, line and column, an excerpt of the source and a help line, and \
         `sendform explain CODE` prints its entry below. Each entry's example is compiled by \
         the test suite and must give exactly its code, and each fix must compile cleanly.\n\n\
         | Code | Severity | What it means |\n|---|---|---|\n",
    );
    for code in Code::ALL {
        let summary = section(code.documentation(), "What it means")
            .split("\n\n")
            .next()
            .unwrap_or("")
            .replace('\n', " ");
        let first_sentence = summary
            .split(". ")
            .next()
            .unwrap_or(&summary)
            .trim_end_matches('.');
        out.push_str(&format!(
            "| [`{code}`](#{code}) | {} | {first_sentence}. |\n",
            code.severity().as_str()
        ));
    }
    for code in Code::ALL {
        out.push('\n');
        for line in code.documentation().lines() {
            if line.starts_with('#') {
                out.push('#');
            }
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The text under a `## heading` of a code's documentation.
fn section<'d>(documentation: &'d str, heading: &str) -> &'d str {
    let marker = format!("## {heading}\n");
    let Some(start) = documentation.find(&marker) else {
        return "";
    };
    let rest = &documentation[start + marker.len()..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    rest[..end].trim()
}
