//! The examples' sample answers against the runtime: valid, complete, and the errors that
//! simple changes to them produce.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests-support/examples.rs"]
mod support;

use form_runtime::{SectionState, ValidateOptions, Validator};

#[test]
fn every_sample_answers_file_is_valid_and_complete() {
    for example in support::examples() {
        let validator = Validator::new(&example.form).unwrap();
        let options = ValidateOptions::new(support::today());
        let errors = validator.validate(&example.answers, &options);
        assert!(errors.is_empty(), "{}: {errors:#?}", example.name);
        assert!(
            validator.is_valid(&example.answers, &options),
            "{}",
            example.name
        );
        for status in validator.completeness(&example.answers, &options) {
            assert!(
                matches!(status.state, SectionState::Complete | SectionState::Hidden),
                "{}: {status:#?}",
                example.name
            );
        }
        assert_eq!(
            validator.normalize(&example.answers, support::today()),
            example.answers,
            "{}",
            example.name
        );
    }
}

#[test]
fn an_empty_submission_reports_what_is_required() {
    for example in support::examples() {
        let validator = Validator::new(&example.form).unwrap();
        let options = ValidateOptions::new(support::today());
        let errors = validator.validate(&serde_json::json!({}), &options);
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("{} {} {}", e.path, e.code, e.message))
            .collect();
        insta::assert_snapshot!(format!("{}-empty", example.name), lines.join("\n"));
        let draft = validator.validate(&serde_json::json!({}), &options.draft());
        assert!(draft.is_empty(), "{}: {draft:#?}", example.name);
    }
}

#[test]
fn the_embedding_guide_lists_every_error_code() {
    let guide = std::fs::read_to_string(support::workspace().join("docs/embedding.md")).unwrap();
    for code in form_runtime::ErrorCode::ALL {
        assert!(
            guide.contains(&format!("| `{code}` |")),
            "docs/embedding.md does not list `{code}`"
        );
    }
}
