//! Property tests: thousands of random and mutated inputs compile without a panic, and what
//! the compiler says about them is well formed.

// Tests (and benchmarks) may panic on a broken invariant: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use form_dsl::{Compiled, SourceMap};
use proptest::prelude::*;
use support::{compile_bytes, form_files, workspace};

/// What must hold for any input at all.
fn check_well_formed(sources: &SourceMap, compiled: &Compiled) -> Result<(), TestCaseError> {
    let limit = form_dsl::Limits::default().max_diagnostics;
    prop_assert!(compiled.diagnostics.len() <= limit + 1);
    for diagnostic in &compiled.diagnostics {
        for label in std::iter::once(&diagnostic.primary).chain(&diagnostic.secondary) {
            let text = sources.file(label.file).text();
            prop_assert!(label.span.start <= label.span.end, "{diagnostic:?}");
            prop_assert!(label.span.end as usize <= text.len(), "{diagnostic:?}");
            prop_assert!(
                text.is_char_boundary(label.span.start as usize),
                "{diagnostic:?}"
            );
            prop_assert!(
                text.is_char_boundary(label.span.end as usize),
                "{diagnostic:?}"
            );
        }
        prop_assert!(!diagnostic.message.is_empty());
        prop_assert!(
            !diagnostic.message.ends_with('.'),
            "messages have no final full stop: {}",
            diagnostic.message
        );
    }
    if let Some(form) = &compiled.form {
        prop_assert!(!compiled.has_errors());
        let reloaded = form_runtime::Form::from_json(&form.to_json());
        prop_assert!(
            matches!(&reloaded, Ok(again) if again == form),
            "form.json does not round-trip: {reloaded:?}"
        );
    }
    Ok(())
}

/// Words and marks of the language, for token soup that gets further than random bytes.
const TOKENS: &[&str] = &[
    "form",
    "section",
    "repeat",
    "check",
    "taxonomy",
    "use",
    "include",
    "when",
    "require",
    "on",
    "from",
    "only",
    "except",
    "as",
    "for",
    "required",
    "visible",
    "locked",
    "audience",
    "options",
    "accept",
    "max_size",
    "exclusive",
    "owned_by_author",
    "message",
    "hint",
    "intro",
    "body",
    "version",
    "item",
    "pattern",
    "max_length",
    "min",
    "max",
    "before",
    "after",
    "not_after",
    "text",
    "long_text",
    "integer",
    "date",
    "yes_no",
    "choice",
    "multi_choice",
    "file",
    "declaration",
    "display",
    "person_lookup",
    "and",
    "or",
    "not",
    "in",
    "true",
    "false",
    "today",
    "answered",
    "count",
    "any",
    "all",
    "age",
    "citizen",
    "professional",
    "la",
    "a",
    "b",
    "x1",
    "send.teams",
    "SLT",
    "\"A label\"",
    "\"\"",
    "\"\"\"\n  block\n  \"\"\"",
    "12",
    "3.5",
    "2024-02-29",
    "18 years",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "+",
    "-",
    "*",
    "/",
    "//c\n",
    "/*c*/",
    "\n",
    " ",
    "\"",
    "\\",
    "é",
    "\u{202e}",
    "\u{a0}",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..80).prop_map(|tokens| tokens.join(" "))
}

/// The example forms and the ok fixtures, to mutate.
fn seeds() -> Vec<String> {
    let mut files = form_files(&workspace().join("form-dsl/tests/data/ok"));
    files.extend(form_files(&workspace().join("examples")));
    files
        .iter()
        .filter_map(|path| std::fs::read_to_string(path).ok())
        .collect()
}

#[derive(Debug, Clone)]
enum Edit {
    Delete { at: usize, len: usize },
    Duplicate { at: usize, len: usize },
    Insert { at: usize, token: &'static str },
    Swap { at: usize, other: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 1..40usize).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), 1..200usize).prop_map(|(at, len)| Edit::Duplicate { at, len }),
        (any::<usize>(), prop::sample::select(TOKENS))
            .prop_map(|(at, token)| Edit::Insert { at, token }),
        (any::<usize>(), any::<usize>()).prop_map(|(at, other)| Edit::Swap { at, other }),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> Vec<u8> {
    let mut bytes = text.as_bytes().to_vec();
    for edit in edits {
        if bytes.is_empty() {
            break;
        }
        let clamp = |at: usize, bytes: &Vec<u8>| at % bytes.len();
        match *edit {
            Edit::Delete { at, len } => {
                let start = clamp(at, &bytes);
                let end = (start + len).min(bytes.len());
                bytes.drain(start..end);
            }
            Edit::Duplicate { at, len } => {
                let start = clamp(at, &bytes);
                let end = (start + len).min(bytes.len());
                let copy: Vec<u8> = bytes[start..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Edit::Insert { at, token } => {
                let start = clamp(at, &bytes);
                bytes.splice(start..start, token.bytes());
            }
            Edit::Swap { at, other } => {
                let (a, b) = (clamp(at, &bytes), clamp(other, &bytes));
                bytes.swap(a, b);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let (sources, compiled) = compile_bytes("random.form", bytes);
        check_well_formed(&sources, &compiled)?;
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        let (sources, compiled) = compile_bytes("soup.form", text.into_bytes());
        check_well_formed(&sources, &compiled)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn mutated_forms_never_panic(seed in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..6)) {
        let seeds = seeds();
        let text = &seeds[seed.index(seeds.len())];
        let (sources, compiled) = compile_bytes("mutated.form", apply(text, &edits));
        check_well_formed(&sources, &compiled)?;
    }
}
