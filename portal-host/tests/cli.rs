//! The `sendform` command line, run as a user runs it: exit codes, output streams, rendered
//! diagnostics (golden snapshots, without colour) and the files `build` writes.

// Tests (and benchmarks) may panic on a broken invariant: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `sendform` in the workspace root, so that paths in its output are the same everywhere.
fn sendform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sendform"))
        .args(args)
        .current_dir(workspace())
        .env("NO_COLOR", "1")
        .output()
        .expect("sendform runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Its standard error, once its exit code is checked.
fn stderr_with(output: &Output, code: i32) -> String {
    let err = stderr(output);
    assert_eq!(output.status.code(), Some(code), "{err}");
    err
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const EXAMPLES: &[&str] = &[
    "examples/ersa.form",
    "examples/senco-advice.form",
    "examples/parent-request.form",
    "examples/all-about-me.form",
    "examples/ehc-plan.form",
];

#[test]
fn check_passes_every_example_with_exit_code_0() {
    let output = sendform(&[&["check"], EXAMPLES].concat());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for example in EXAMPLES {
        assert!(
            stderr(&output).contains(&format!("{example}: no problems")),
            "{}",
            stderr(&output)
        );
    }
    assert_eq!(stdout(&output), "");
}

#[test]
fn check_reports_errors_with_exit_code_1_and_rendered_diagnostics() {
    for fixture in [
        "syntax-misspelt-attribute",
        "names",
        "unclosed-brace",
        "includes",
        "cycles",
        "never-true",
    ] {
        let path = format!("form-dsl/tests/data/err/{fixture}.form");
        let output = sendform(&["check", &path]);
        let expected_code = if fixture == "never-true" { 0 } else { 1 };
        assert_eq!(
            output.status.code(),
            Some(expected_code),
            "{fixture}: {}",
            stderr(&output)
        );
        // Expectation comments are part of the fixture, so the excerpts show them too.
        insta::assert_snapshot!(format!("check-{fixture}"), stderr(&output));
    }
}

#[test]
fn check_json_prints_one_object_per_diagnostic_on_stdout() {
    let output = sendform(&[
        "check",
        "--format",
        "json",
        "form-dsl/tests/data/err/names.form",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stderr(&output), "");
    let lines: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 9);
    let first = &lines[0];
    assert_eq!(first["code"], "duplicate-id");
    assert_eq!(first["severity"], "error");
    assert_eq!(first["file"], "form-dsl/tests/data/err/names.form");
    assert_eq!(first["line"], 7);
    assert_eq!(first["column"], 10);
    assert_eq!(
        first["message"],
        "the id `name` is already used by a question"
    );
    assert_eq!(first["labels"][1]["message"], "first used here");
    assert_eq!(first["labels"][1]["line"], 6);
    assert!(
        first["help"]
            .as_str()
            .unwrap()
            .starts_with("ids must be unique")
    );
}

#[test]
fn check_of_a_missing_file_exits_2_and_checks_the_others() {
    let output = sendform(&["check", "no/such/file.form", "examples/ersa.form"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("error: cannot read `no/such/file.form`: there is no such file"),
        "{err}"
    );
    assert!(err.contains("examples/ersa.form: no problems"), "{err}");
}

#[test]
fn check_of_a_binary_file_gives_a_diagnostic_not_a_crash() {
    let dir = scratch("binary");
    let path = dir.join("picture.form");
    std::fs::write(
        &path,
        [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0xff],
    )
    .unwrap();
    let output = sendform(&["check", path.to_str().unwrap()]);
    let err = stderr_with(&output, 1);
    assert!(err.contains("error[invalid-utf8]"), "{err}");
}

#[test]
fn build_writes_form_json_that_loads_without_the_compiler() {
    let dir = scratch("build");
    let out = dir.join("ersa");
    let output = sendform(&[
        "build",
        "examples/ersa.form",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stdout(&output).lines().collect::<Vec<_>>(),
        [
            out.join("form.json").to_str().unwrap(),
            out.join("schema.json").to_str().unwrap(),
            out.join("form.html").to_str().unwrap(),
            out.join("blank.pdf").to_str().unwrap()
        ]
    );
    assert!(
        std::fs::read(out.join("blank.pdf"))
            .unwrap()
            .starts_with(b"%PDF-")
    );
    // The blank form links to assets written beside it.
    let page = std::fs::read_to_string(out.join("form.html")).unwrap();
    assert!(page.contains("assets/govuk-frontend.min.css"));
    assert!(out.join("assets/govuk-frontend.min.css").exists());
    assert!(out.join("assets/sendform.js").exists());
    let json = std::fs::read_to_string(out.join("form.json")).unwrap();
    let form = form_runtime::Form::from_json(&json).expect("form.json loads");
    assert_eq!(form.id, "ersa");
    assert!(form.source_hash.starts_with("sha256:"));
    // The schema of form.json accepts it.
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("docs/form.schema.json")).unwrap(),
    )
    .unwrap();
    assert!(jsonschema::is_valid(
        &schema,
        &serde_json::from_str(&json).unwrap()
    ));
}

#[test]
fn build_of_several_forms_writes_a_folder_for_each() {
    let dir = scratch("build-all");
    let output = sendform(&[&["build"], EXAMPLES, &["--out", dir.to_str().unwrap()]].concat());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for name in [
        "ersa",
        "senco-advice",
        "parent-request",
        "all-about-me",
        "ehc-plan",
    ] {
        let json = std::fs::read_to_string(dir.join(name).join("form.json")).unwrap();
        assert!(form_runtime::Form::from_json(&json).is_ok(), "{name}");
    }
}

#[test]
fn build_of_a_form_with_errors_writes_nothing_and_exits_1() {
    let dir = scratch("build-errors");
    let out = dir.join("out");
    let output = sendform(&[
        "build",
        "form-dsl/tests/data/err/names.form",
        "--out",
        out.to_str().unwrap(),
    ]);
    let err = stderr_with(&output, 1);
    assert!(
        err.ends_with("form-dsl/tests/data/err/names.form: 9 errors; nothing was written\n"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn build_of_a_file_of_lists_says_there_is_nothing_to_build() {
    let dir = scratch("build-lists");
    let output = sendform(&[
        "build",
        "examples/shared/lists.form",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: `examples/shared/lists.form` defines no form (only taxonomies), so there is nothing to build\n"
    );
}

#[test]
fn build_into_an_unwritable_place_exits_2() {
    let dir = scratch("build-blocked");
    let blocker = dir.join("file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let output = sendform(&[
        "build",
        "examples/ersa.form",
        "--out",
        blocker.join("out").to_str().unwrap(),
    ]);
    let err = stderr_with(&output, 2);
    assert!(err.starts_with("error: cannot write"), "{err}");
}

#[test]
fn html_writes_every_page_filled_with_answers_and_errors() {
    let dir = scratch("html");
    let output = sendform(&[
        "html",
        "examples/ehc-plan.form",
        "--answers",
        "examples/ehc-plan.answers.json",
        "--audience",
        "la",
        "--today",
        "2026-11-22",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = stdout(&output);
    for page in ["index.html", "a.html", "check-answers.html"] {
        assert!(written.contains(page), "{written}");
        assert!(dir.join(page).exists());
    }
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    assert!(index.contains("govuk-task-list"));
    // A draft requires nothing; a submission requires the unanswered questions.
    let empty = dir.join("empty.json");
    std::fs::write(&empty, "{}").unwrap();
    let section = |submitted: bool| {
        let mut args = vec![
            "html",
            "examples/ersa.form",
            "--answers",
            empty.to_str().unwrap(),
            "--audience",
            "professional",
            "--today",
            "2026-11-22",
            "--out",
            dir.to_str().unwrap(),
        ];
        if submitted {
            args.push("--submitted");
        }
        let output = sendform(&args);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let pages = stdout(&output);
        pages
            .lines()
            .filter_map(|line| line.split_whitespace().last())
            .filter(|path| path.ends_with(".html"))
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect::<String>()
    };
    assert!(!section(false).contains("govuk-error-summary"));
    assert!(section(true).contains("govuk-error-summary"));
    let output = sendform(&["html", "no/such.form", "--out", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    // No pages for an audience the form is not published to.
    let output = sendform(&[
        "html",
        "examples/ersa.form",
        "--audience",
        "citizen",
        "--out",
        dir.join("citizen").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not published to the `citizen` audience"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn pdf_renders_any_answers_that_parse_and_lists_their_errors() {
    let dir = scratch("pdf");
    let out = dir.join("preview.pdf");
    // Half-finished answers: rendered all the same, their errors on stderr.
    let answers = dir.join("half.json");
    std::fs::write(
        &answers,
        r#"{"child_first_name": "Amara \u674e", "child_postcode": "nope", "\u001b[2Jhidden\u0000key": 1}"#,
    )
    .unwrap();
    let output = sendform(&[
        "pdf",
        "examples/parent-request.form",
        answers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--preview",
        "--submitted-by",
        "Grace Okafor",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output).trim(), out.to_str().unwrap());
    let err = stderr(&output);
    assert!(err.contains("(rendered all the same)"), "{err}");
    assert!(err.contains("/child_postcode: Enter the"), "{err}");
    assert!(err.contains("[required]"), "{err}");
    // A character the fonts cannot show is the answers' warning, not an internal file's.
    let warning = format!(
        "{}: warning: the document's font cannot show ",
        answers.display()
    );
    assert!(
        err.contains(&warning) && err.contains("李 (U+674E)"),
        "{err}"
    );
    // A key's control characters are printed as escapes, never sent to the terminal.
    assert!(err.contains("/\\u{1b}[2Jhidden\\u{0}key: "), "{err}");
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    let first = std::fs::read(&out).unwrap();
    assert!(first.starts_with(b"%PDF-"));
    // The built-in EHC plan report, and a report builder's own template.
    let template = dir.join("report.typ");
    std::fs::write(
        &template,
        "#import \"/sendform.typ\": *\n#show: council-document.with(title: \"Report\")\n= #data.form.title\n",
    )
    .unwrap();
    for template in ["ehc-plan", template.to_str().unwrap()] {
        let output = sendform(&[
            "pdf",
            "examples/ehc-plan.form",
            "examples/ehc-plan.answers.json",
            "--out",
            out.to_str().unwrap(),
            "--template",
            template,
            "--today",
            "2026-11-22",
        ]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    }
}

#[test]
fn pdf_refuses_unreadable_input_and_failing_templates_with_exit_2() {
    let dir = scratch("pdf-bad");
    let out = dir.join("out.pdf");
    let malformed = dir.join("malformed.json");
    std::fs::write(&malformed, "{\"child_first_name\": \"A\",\n}").unwrap();
    let broken = dir.join("broken.typ");
    std::fs::write(&broken, "#set document(title: \"x\")\n#let x = (1 + )\n").unwrap();
    let cases: [(&str, &[&str]); 4] = [
        ("malformed answers", &[malformed.to_str().unwrap()]),
        ("missing answers", &["no/such/answers.json"]),
        (
            "missing template",
            &[
                "examples/parent-request.answers.json",
                "--template",
                "no/such.typ",
            ],
        ),
        (
            "broken template",
            &[
                "examples/parent-request.answers.json",
                "--template",
                broken.to_str().unwrap(),
            ],
        ),
    ];
    let mut messages = String::new();
    for (name, args) in cases {
        let mut all = vec!["pdf", "examples/parent-request.form"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", out.to_str().unwrap()]);
        let output = sendform(&all);
        assert_eq!(output.status.code(), Some(2), "{name}: {}", stderr(&output));
        messages.push_str(&stderr(&output).replace(&dir.to_string_lossy().into_owned(), "DIR"));
    }
    assert!(!out.exists(), "nothing is written");
    insta::assert_snapshot!(messages);
}

#[test]
fn explain_prints_a_code_s_entry() {
    let output = sendform(&["explain", "duplicate-id"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("# duplicate-id\n"));
    assert_eq!(stdout(&output), form_dsl::Code::DuplicateId.documentation());

    let output = sendform(&["explain", "duplicate"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: there is no diagnostic code `duplicate`; did you mean `duplicate-id`?\n"
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let output = sendform(&[]);
    let err = stderr_with(&output, 2);
    assert!(err.contains("Usage: sendform <COMMAND>"), "{err}");
    let output = sendform(&["check"]);
    assert_eq!(output.status.code(), Some(2));
    // A date of submission says nothing without who submitted: refused, not ignored.
    let output = sendform(&[
        "pdf",
        "examples/all-about-me.form",
        "examples/all-about-me.answers.json",
        "--out",
        "never-written.pdf",
        "--submitted-on",
        "2026-11-20",
    ]);
    let err = stderr_with(&output, 2);
    assert!(err.contains("--submitted-by"), "{err}");
    let output = sendform(&["--help"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("Exit status: 0 when all is well"));
}

#[test]
fn validate_accepts_every_example_s_sample_answers_with_exit_code_0() {
    for form in EXAMPLES {
        let answers = form.replace(".form", ".answers.json");
        let output = sendform(&["validate", form, &answers, "--today", "2026-11-22"]);
        assert_eq!(output.status.code(), Some(0), "{form}: {}", stderr(&output));
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&stdout(&output)).unwrap(),
            serde_json::json!({"errors": []})
        );
    }
}

#[test]
fn validate_prints_every_error_as_json_and_exits_1() {
    let dir = scratch("validate-errors");
    let answers = dir.join("answers.json");
    std::fs::write(
        &answers,
        r#"{"child_first_name": 5, "child_postcode": "nowhere", "colour": "red"}"#,
    )
    .unwrap();
    let answers = answers.to_string_lossy().into_owned();
    let output = sendform(&[
        "validate",
        "examples/parent-request.form",
        &answers,
        "--today",
        "2026-11-22",
        "--draft",
    ]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
    // Without --draft, the required answers are missing too.
    let output = sendform(&[
        "validate",
        "examples/parent-request.form",
        &answers,
        "--today",
        "2026-11-22",
    ]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let codes: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"required")
            && codes.contains(&"wrong_type")
            && codes.contains(&"unknown_field"),
        "{codes:?}"
    );
}

#[test]
fn validate_by_audience_refuses_what_the_audience_may_not_change() {
    // A professional may not submit the section the local authority fills in.
    let output = sendform(&[
        "validate",
        "examples/ehc-plan.form",
        "examples/ehc-plan.answers.json",
        "--today",
        "2026-11-22",
        "--audience",
        "citizen",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(
        report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["code"] == "not_for_audience" || e["code"] == "locked"),
        "{report}"
    );
}

#[test]
fn validate_against_a_built_form_json_needs_no_form_file() {
    let dir = scratch("validate-form-json");
    let dir_text = dir.to_string_lossy().into_owned();
    assert_eq!(
        sendform(&["build", "examples/senco-advice.form", "--out", &dir_text])
            .status
            .code(),
        Some(0)
    );
    assert!(dir.join("schema.json").is_file());
    let form_json = dir.join("form.json").to_string_lossy().into_owned();
    let output = sendform(&[
        "validate",
        &form_json,
        "examples/senco-advice.answers.json",
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn validate_of_unreadable_or_malformed_answers_exits_2_with_a_clear_message() {
    let dir = scratch("validate-bad");
    let cases: [(&str, &[u8]); 5] = [
        ("trailing-comma.json", b"{\"a\": 1,\n}"),
        (
            "duplicate.json",
            b"{\"child_first_name\": \"A\",\n \"child_first_name\": \"B\"}",
        ),
        ("list.json", b"[1, 2]"),
        ("latin1.json", b"{\"child_first_name\": \"Ren\xe9e\"}"),
        (
            "lone-surrogate.json",
            b"{\"child_first_name\": \"\\udc00\"}",
        ),
    ];
    let mut out = String::new();
    for (name, bytes) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let output = sendform(&[
            "validate",
            "examples/parent-request.form",
            &path.to_string_lossy(),
        ]);
        assert_eq!(output.status.code(), Some(2), "{name}");
        assert!(stdout(&output).is_empty());
        out.push_str(&stderr(&output).replace(&dir.to_string_lossy().into_owned(), "DIR"));
    }
    let output = sendform(&[
        "validate",
        "examples/parent-request.form",
        "no/such/answers.json",
    ]);
    assert_eq!(output.status.code(), Some(2));
    out.push_str(&stderr(&output));
    insta::assert_snapshot!(out);
}
