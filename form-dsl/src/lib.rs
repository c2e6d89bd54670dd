//! The SEND form language: parsing, checking and lowering form files to `form-runtime`'s model.
//!
//! ```
//! use form_dsl::{NoIncludes, Options, SourceMap, compile};
//!
//! let mut sources = SourceMap::new();
//! let main = sources.add_text("views.form", r#"
//!     form views "Your views" {
//!       version "1"
//!       audience citizen
//!       section about "About you" {
//!         text name "Your name" { required  max_length 100 }
//!       }
//!     }
//! "#);
//! let compiled = compile(&mut sources, main, &NoIncludes, &Options::default());
//! assert!(compiled.diagnostics.is_empty());
//! assert_eq!(compiled.form.unwrap().sections[0].id, "about");
//! ```
//!
//! The library does no IO: the caller reads files and supplies a [`Loader`] for `include`.
#![warn(missing_docs)]

// pest is used without its `std` feature (which adds a stack probe to every rule call, a fifth
// of parsing time); the parser it generates then refers to `alloc`. Nesting depth is bounded
// by the pre-scan instead.
extern crate alloc;

pub mod ast;
mod check;
mod diagnostic;
mod include;
mod parser;
mod prescan;
mod source;
mod stdlib;
mod syntax_error;

pub use check::{Checked, check};
pub use diagnostic::{Code, Diagnostic, Label, Severity, catalogue};
pub use include::{IncludeError, Loaded, Loader, MemoryLoader, NoIncludes};
pub use parser::{Parse, parse};
pub use source::{FileId, SourceFile, SourceMap};
pub use stdlib::standard_taxonomies;

/// Bounds on what the compiler accepts, so that no input can exhaust time or memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// The largest source file, in bytes.
    pub max_source_bytes: usize,
    /// The deepest nesting of `{`, `(` and `[`, and of a rule's operators.
    pub max_nesting: usize,
    /// The most diagnostics reported; the rest are summarised in one.
    pub max_diagnostics: usize,
    /// The deepest chain of `include`s.
    pub max_include_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_source_bytes: 4 << 20,
            max_nesting: 48,
            max_diagnostics: 200,
            max_include_depth: 8,
        }
    }
}

/// Options for a compilation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Bounds on the input.
    pub limits: Limits,
}

/// The result of compiling a form file.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The compiled form, when the file defines one and has no errors.
    pub form: Option<form_runtime::Form>,
    /// Every diagnostic, sorted by file and position, at most `max_diagnostics` (plus one
    /// that says how many more there were).
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Parses and checks the file `main` of `sources`, loading its includes with `loader`.
///
/// Included files are added to `sources`, so that diagnostics in them can be shown.
pub fn compile(
    sources: &mut SourceMap,
    main: FileId,
    loader: &dyn Loader,
    options: &Options,
) -> Compiled {
    let parsed = parse(sources.file(main), &options.limits);
    let checked = check(&parsed, sources, loader, options);
    Compiled {
        form: checked.form,
        diagnostics: checked.diagnostics,
    }
}
