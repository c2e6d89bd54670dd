//! Docs are tests: every snippet of the language reference compiles as it says, each entry of
//! the diagnostics catalogue gives exactly its code and its fix compiles cleanly, and
//! `docs/diagnostics.md` is exactly what the entries generate.
//!
//! Fences: ```` ```form ```` must compile with no diagnostic; ```` ```form error=CODE ````
//! must give diagnostics of that code only; ```` ```form file=NAME ```` is a file the other
//! snippets of the same document (or, in a catalogue entry, of the same section) may include.
//! `UPDATE_DOCS=1 cargo test -p form-dsl --test docs` rewrites docs/diagnostics.md.

// Tests (and benchmarks) may panic on a broken invariant: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;

use form_dsl::{Code, Compiled, MemoryLoader, Options, SourceMap, compile};
use support::workspace;

#[derive(Debug)]
struct Fence {
    info: String,
    text: String,
    line: usize,
}

fn fences(markdown: &str) -> Vec<Fence> {
    let mut fences = Vec::new();
    let mut current: Option<Fence> = None;
    for (index, line) in markdown.lines().enumerate() {
        match &mut current {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    current = Some(Fence {
                        info: info.trim().to_owned(),
                        text: String::new(),
                        line: index + 1,
                    });
                }
            }
            Some(fence) => {
                if line.trim_end() == "```" {
                    fences.extend(current.take());
                } else {
                    fence.text.push_str(line);
                    fence.text.push('\n');
                }
            }
        }
    }
    fences
}

/// The value of `key=` in a fence's info string.
fn attribute<'f>(fence: &'f Fence, key: &str) -> Option<&'f str> {
    fence
        .info
        .split_whitespace()
        .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
}

fn is_form(fence: &Fence) -> bool {
    fence.info.split_whitespace().next() == Some("form")
}

fn loader(fences: &[&Fence]) -> MemoryLoader {
    fences
        .iter()
        .filter_map(|fence| Some((attribute(fence, "file")?, fence)))
        .fold(MemoryLoader::new(), |loader, (name, fence)| {
            loader.with_file(name, fence.text.clone())
        })
}

fn compile_snippet(text: &str, loader: &MemoryLoader) -> (SourceMap, Compiled) {
    let mut sources = SourceMap::new();
    let main = sources.add_text("example.form", text);
    let compiled = compile(&mut sources, main, loader, &Options::default());
    (sources, compiled)
}

fn describe(sources: &SourceMap, compiled: &Compiled) -> String {
    compiled
        .diagnostics
        .iter()
        .map(|d| support::describe(sources, d))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Checks one snippet: `expected` is None for "no diagnostics" or the one code it must give.
fn check_snippet(
    origin: &str,
    fence: &Fence,
    expected: Option<&str>,
    loader: &MemoryLoader,
) -> Option<String> {
    let (sources, compiled) = compile_snippet(&fence.text, loader);
    let codes: BTreeSet<&str> = compiled
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect();
    let ok = match expected {
        None => codes.is_empty(),
        Some(code) => codes.len() == 1 && codes.contains(code),
    };
    (!ok).then(|| {
        format!(
            "{origin}:{}: expected {}, got:\n{}",
            fence.line,
            expected.map_or("no diagnostics".to_owned(), |code| format!("only `{code}`")),
            describe(&sources, &compiled)
        )
    })
}

fn section<'d>(documentation: &'d str, heading: &str) -> &'d str {
    let marker = format!("## {heading}\n");
    let Some(start) = documentation.find(&marker) else {
        return "";
    };
    let rest = &documentation[start + marker.len()..];
    &rest[..rest.find("\n## ").unwrap_or(rest.len())]
}

#[test]
fn diagnostics_md_is_generated_from_the_entries() {
    let path = workspace().join("docs/diagnostics.md");
    let generated = form_dsl::catalogue();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/diagnostics.md is out of date: run `UPDATE_DOCS=1 cargo test -p form-dsl --test docs`"
    );
}

#[test]
fn every_entry_says_what_why_example_and_fix() {
    for code in Code::ALL {
        let documentation = code.documentation();
        assert!(
            documentation.starts_with(&format!("# {code}\n")),
            "{code}: starts with its code"
        );
        assert!(
            documentation.contains(&format!("**Severity:** {}", code.severity().as_str())),
            "{code}: states its severity"
        );
        for heading in ["What it means", "Why it matters", "Example", "Fix"] {
            assert!(
                !section(documentation, heading).trim().is_empty(),
                "{code}: has no `## {heading}`"
            );
        }
    }
}

#[test]
fn each_catalogue_example_gives_exactly_its_code_and_each_fix_compiles() {
    // Codes whose example needs bytes or sizes a snippet cannot hold: their examples are
    // described in words, and tests/bad_input.rs covers them.
    let described_only = [
        "file-too-large",
        "invalid-utf8",
        "empty-file",
        "too-many-diagnostics",
    ];
    let mut problems = Vec::new();
    for code in Code::ALL {
        let documentation = code.documentation();
        let origin = format!("form-dsl/diagnostics/{code}.md");
        let example = fences(section(documentation, "Example"));
        let example: Vec<&Fence> = example.iter().collect();
        let main: Vec<&&Fence> = example
            .iter()
            .filter(|f| is_form(f) && attribute(f, "file").is_none())
            .collect();
        if described_only.contains(&code.as_str()) {
            assert!(main.is_empty(), "{code}: expected a described example only");
        } else if main.is_empty() {
            problems.push(format!("{origin}: the example has no ```form snippet"));
        }
        let example_loader = loader(&example);
        for fence in main {
            problems.extend(check_snippet(
                &origin,
                fence,
                Some(code.as_str()),
                &example_loader,
            ));
        }
        let fix = fences(section(documentation, "Fix"));
        let fix: Vec<&Fence> = fix.iter().collect();
        let fix_loader = loader(&fix);
        for fence in fix
            .iter()
            .filter(|f| is_form(f) && attribute(f, "file").is_none())
        {
            problems.extend(check_snippet(&origin, fence, None, &fix_loader));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_snippet_of_the_language_reference_compiles_as_it_says() {
    let path = workspace().join("docs/language.md");
    let markdown = std::fs::read_to_string(&path).expect("docs/language.md");
    let all = fences(&markdown);
    let refs: Vec<&Fence> = all.iter().collect();
    let files = loader(&refs);
    let mut problems = Vec::new();
    let mut compiled_snippets = 0;
    for fence in all.iter().filter(|f| is_form(f)) {
        let expected = attribute(fence, "error");
        if attribute(fence, "file").is_some() {
            // An included file: it must compile on its own, as a file of lists.
            problems.extend(check_snippet("docs/language.md", fence, None, &files));
            continue;
        }
        problems.extend(check_snippet("docs/language.md", fence, expected, &files));
        compiled_snippets += 1;
    }
    assert!(
        compiled_snippets >= 30,
        "expected many snippets, found {compiled_snippets}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn the_language_reference_shows_every_question_type_and_attribute() {
    let markdown =
        std::fs::read_to_string(workspace().join("docs/language.md")).expect("docs/language.md");
    let snippets: String = fences(&markdown)
        .into_iter()
        .filter(is_form)
        .map(|f| f.text)
        .collect();
    let words: BTreeSet<&str> = snippets
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .collect();
    let mut missing = Vec::new();
    for ty in form_dsl::ast::QuestionType::ALL {
        if !words.contains(ty.keyword()) {
            missing.push(ty.keyword());
        }
    }
    for keyword in [
        "include",
        "form",
        "version",
        "audience",
        "intro",
        "use",
        "as",
        "taxonomy",
        "ordered",
        "from",
        "only",
        "except",
        "section",
        "repeat",
        "item",
        "min",
        "max",
        "owned_by_author",
        "hint",
        "required",
        "visible",
        "when",
        "locked",
        "for",
        "options",
        "exclusive",
        "min_selected",
        "max_selected",
        "max_length",
        "min_length",
        "max_words",
        "pattern",
        "message",
        "decimals",
        "prefix",
        "suffix",
        "before",
        "after",
        "not_before",
        "not_after",
        "accept",
        "max_size",
        "min_files",
        "max_files",
        "autocomplete",
        "body",
        "check",
        "require",
        "on",
        "and",
        "or",
        "not",
        "in",
        "answered",
        "count",
        "any",
        "all",
        "age",
        "today",
        "true",
        "false",
        "years",
        "months",
        "weeks",
        "days",
        "send.teams",
        "send.outcome_types",
        "send.areas_of_need",
        "send.pfa_areas",
    ] {
        if !words.contains(keyword) {
            missing.push(keyword);
        }
    }
    assert!(
        missing.is_empty(),
        "docs/language.md has no snippet using: {missing:?}"
    );
}
