//! Fixture trees: every file in `tests/data/ok` (and every example) compiles with no
//! diagnostics at all; every file in `tests/data/err` gives exactly the diagnostics written in
//! it as comments under the offending line:
//!
//! ```text
//!     text first_name "Again"
//!     // Error: 10-20 duplicate-id: the id `first_name` is already used by a question
//! ```
//!
//! The columns (of the primary span's start and end on that line) are optional; the message
//! must match exactly. Included files carry the expectations for diagnostics in them.
//! `BLESS=1 cargo test -p form-dsl --test fixtures` rewrites the expectations from what the
//! compiler says: review the diff before committing it.

// Tests (and benchmarks) may panic on a broken invariant: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use form_dsl::{Diagnostic, SourceMap};
use support::{compile_file, form_files, workspace};

/// An expected diagnostic: `(line, columns, severity, code, message)`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    line: usize,
    columns: Option<(usize, usize)>,
    severity: String,
    code: String,
    message: String,
}

/// An expectation comment, with its line not yet known.
fn parse_expectation(line: &str) -> Option<Expected> {
    let rest = line.trim_start().strip_prefix("//")?.trim_start();
    let (severity, rest) = if let Some(rest) = rest.strip_prefix("Error:") {
        ("error", rest)
    } else {
        ("warning", rest.strip_prefix("Warning:")?)
    };
    let rest = rest.trim_start();
    let (columns, rest) = match rest.split_once(' ') {
        Some((range, after))
            if range.contains('-') && range.chars().all(|c| c.is_ascii_digit() || c == '-') =>
        {
            let (start, end) = range.split_once('-')?;
            (Some((start.parse().ok()?, end.parse().ok()?)), after)
        }
        _ => (None, rest),
    };
    let (code, message) = rest.split_once(": ")?;
    Some(Expected {
        line: 0,
        columns,
        severity: severity.to_owned(),
        code: code.trim().to_owned(),
        message: message.to_owned(),
    })
}

fn is_expectation(line: &str) -> bool {
    parse_expectation(line).is_some()
}

/// The expectations written in a file, each with the line it refers to.
fn expectations(text: &str) -> Vec<Expected> {
    let mut found = Vec::new();
    let mut target = 0;
    for (index, line) in text.lines().enumerate() {
        match parse_expectation(line) {
            Some(expected) => found.push(Expected {
                line: target,
                ..expected
            }),
            None => target = index + 1,
        }
    }
    found
}

fn actual(sources: &SourceMap, diagnostic: &Diagnostic) -> Expected {
    let file = sources.file(diagnostic.primary.file);
    let (line, start) = file.line_col(diagnostic.primary.span.start as usize);
    let (end_line, end) = file.line_col(diagnostic.primary.span.end as usize);
    Expected {
        line,
        columns: (end_line == line).then_some((start, end)),
        severity: diagnostic.severity.as_str().to_owned(),
        code: diagnostic.code.as_str().to_owned(),
        message: diagnostic.message.clone(),
    }
}

fn render(expected: &Expected) -> String {
    let columns = expected
        .columns
        .map(|(start, end)| format!("{start}-{end} "))
        .unwrap_or_default();
    let severity = if expected.severity == "error" {
        "Error"
    } else {
        "Warning"
    };
    format!(
        "{severity}: {columns}{}: {}",
        expected.code, expected.message
    )
}

/// Rewrites the expectation comments of every file of one compilation.
fn bless(path: &Path) {
    let (sources, _) = compile_file(path);
    let files: Vec<PathBuf> = sources
        .files()
        .iter()
        .map(|file| workspace().join(file.name()))
        .collect();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let stripped: Vec<&str> = text.lines().filter(|line| !is_expectation(line)).collect();
        std::fs::write(file, stripped.join("\n") + "\n").unwrap();
    }
    let (sources, compiled) = compile_file(path);
    let mut by_file: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
    for diagnostic in &compiled.diagnostics {
        let name = sources.file(diagnostic.primary.file).name().to_owned();
        by_file
            .entry(name)
            .or_default()
            .push(actual(&sources, diagnostic));
    }
    for (file, source) in files.iter().zip(sources.files()) {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let expected = by_file.remove(source.name()).unwrap_or_default();
        let mut out = Vec::new();
        for (index, line) in text.lines().enumerate() {
            out.push(line.to_owned());
            let indent: String = line.chars().take_while(|c| c.is_whitespace()).collect();
            for expectation in expected.iter().filter(|e| e.line == index + 1) {
                out.push(format!("{indent}// {}", render(expectation)));
            }
        }
        // Diagnostics past the last line (at the end of the file) go last.
        let last = text.lines().count();
        for expectation in expected.iter().filter(|e| e.line > last) {
            out.push(format!("// {}", render(expectation)));
        }
        std::fs::write(file, out.join("\n") + "\n").unwrap();
    }
}

fn check_expectations(path: &Path) -> Vec<String> {
    let (sources, compiled) = compile_file(path);
    let mut problems = Vec::new();
    let mut by_file: BTreeMap<String, Vec<Expected>> = BTreeMap::new();
    for diagnostic in &compiled.diagnostics {
        let name = sources.file(diagnostic.primary.file).name().to_owned();
        by_file
            .entry(name)
            .or_default()
            .push(actual(&sources, diagnostic));
    }
    for file in sources.files() {
        let mut expected = expectations(file.text());
        let mut got = by_file.remove(file.name()).unwrap_or_default();
        // Compare columns only where the expectation gives them.
        for want in &mut expected {
            if want.columns.is_none() {
                for have in got.iter_mut().filter(|have| {
                    have.line == want.line && have.code == want.code && have.message == want.message
                }) {
                    have.columns = None;
                }
            }
        }
        expected.sort();
        got.sort();
        for missing in expected.iter().filter(|e| !got.contains(e)) {
            problems.push(format!(
                "{}:{}: expected but not reported: {}",
                file.name(),
                missing.line,
                render(missing)
            ));
        }
        for extra in got.iter().filter(|g| !expected.contains(g)) {
            problems.push(format!(
                "{}:{}: reported but not expected: {}",
                file.name(),
                extra.line,
                render(extra)
            ));
        }
    }
    problems
}

#[test]
fn ok_fixtures_and_examples_compile_without_any_diagnostic() {
    let mut files = form_files(&workspace().join("form-dsl/tests/data/ok"));
    files.extend(form_files(&workspace().join("examples")));
    files.extend(form_files(&workspace().join("examples/shared")));
    assert!(
        files.len() >= 10,
        "expected the ok fixtures and the examples, found {files:?}"
    );
    let mut problems = Vec::new();
    for path in &files {
        let (sources, compiled) = compile_file(path);
        for diagnostic in &compiled.diagnostics {
            problems.push(format!(
                "{}: {}",
                path.display(),
                support::describe(&sources, diagnostic)
            ));
        }
        let is_library = std::fs::read_to_string(path)
            .is_ok_and(|text| !text.contains("\nform ") && !text.starts_with("form "));
        if !is_library {
            assert!(
                compiled.form.is_some(),
                "{} compiled to no form",
                path.display()
            );
        }
    }
    assert!(
        problems.is_empty(),
        "diagnostics in ok files:\n{}",
        problems.join("\n")
    );
}

#[test]
fn err_fixtures_give_exactly_their_expected_diagnostics() {
    let dir = workspace().join("form-dsl/tests/data/err");
    let files = form_files(&dir);
    assert!(
        files.len() >= 20,
        "expected the err fixtures, found {}",
        files.len()
    );
    if std::env::var_os("BLESS").is_some() {
        for path in &files {
            bless(path);
        }
    }
    let mut problems = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            expectations(&text).iter().any(|e| e.severity == "error")
                || text.contains("// Warning:"),
            "{} expects no diagnostic: err fixtures must expect at least one",
            path.display()
        );
        problems.extend(check_expectations(path));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_code_with_a_source_example_has_an_err_fixture() {
    // Codes that need bytes a text fixture cannot hold, or sizes it should not, are covered
    // in tests/bad_input.rs instead.
    let covered_elsewhere = [
        "invalid-utf8",
        "file-too-large",
        "too-many-diagnostics",
        "empty-file",
    ];
    let mut seen = std::collections::BTreeSet::new();
    for path in form_files(&workspace().join("form-dsl/tests/data/err")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for expected in expectations(&text) {
            seen.insert(expected.code);
        }
        for included in form_files(&workspace().join("form-dsl/tests/data/err/include")) {
            for expected in expectations(&std::fs::read_to_string(included).unwrap_or_default()) {
                seen.insert(expected.code);
            }
        }
    }
    let missing: Vec<&str> = form_dsl::Code::ALL
        .iter()
        .map(|code| code.as_str())
        .filter(|code| !seen.contains(*code) && !covered_elsewhere.contains(code))
        .collect();
    assert!(missing.is_empty(), "codes with no err fixture: {missing:?}");
}
