//! The peer benchmark's 50-question form and its labelled submissions (the committed
//! 200-line sample of the 10,000): our runtime classifies every one as labelled, including
//! the dates out of range that standard JSON Schema cannot bound. The benchmark
//! (`cargo bench -p form-runtime`) reports the same on all 10,000.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests-support/peer_spec.rs"]
mod peer_spec;
#[path = "../../tests-support/examples.rs"]
mod support;

use std::collections::BTreeMap;

use form_runtime::{ValidateOptions, Validator};
use serde_json::Value;

#[test]
fn every_labelled_submission_is_classified_as_labelled() {
    let data = support::workspace().join("form-runtime/tests/data/peers");
    let validator = Validator::new(&peer_spec::compile_file(
        &support::workspace().join("form-runtime/tests/data/peers/send50.spec.json"),
    ))
    .unwrap();
    let options = ValidateOptions::new(support::today());
    let lines = std::fs::read_to_string(data.join("send50.submissions.sample.jsonl")).unwrap();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = 0;
    for line in lines.lines() {
        let record: Value = serde_json::from_str(line).unwrap();
        let expect_valid = record["expect_valid"].as_bool().unwrap();
        let errors = validator.validate(&record["data"], &options);
        assert_eq!(
            errors.is_empty(),
            expect_valid,
            "submission {} ({}): {errors:#?}",
            record["id"],
            record["mutation"]
        );
        assert_eq!(validator.is_valid(&record["data"], &options), expect_valid);
        *kinds
            .entry(record["mutation"].as_str().unwrap_or("valid").to_owned())
            .or_default() += 1;
        count += 1;
    }
    assert_eq!(count, 200);
    // The sample covers every kind of mutation.
    assert_eq!(kinds.len(), 19, "{kinds:?}");
}
