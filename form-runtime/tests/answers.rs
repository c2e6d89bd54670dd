//! `Answers`, the parsed form of a submission: it holds exactly the JSON it was given (in the
//! order given), it is parsed as strictly as the data contract says, and validation,
//! visibility, completeness and normalize give the same results from it as from a
//! `serde_json::Value`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests-support/peer_spec.rs"]
mod peer_spec;
#[path = "../../tests-support/examples.rs"]
mod support;

use form_runtime::{AnswerLimits, Answers, AnswersError, ValidateOptions, Validator};
use proptest::prelude::*;
use serde_json::{Value, json};

fn parse(text: &str) -> Result<Answers, AnswersError> {
    Answers::parse(text, &AnswerLimits::default())
}

/// Every submission the tests hold: the examples' sample answers, the peer benchmark's
/// sample, each with its validator.
fn submissions() -> Vec<(Validator, Vec<Value>)> {
    let mut all: Vec<(Validator, Vec<Value>)> = support::examples()
        .into_iter()
        .map(|example| {
            (
                Validator::new(&example.form).unwrap(),
                vec![example.answers],
            )
        })
        .collect();
    let peers = support::workspace().join("form-runtime/tests/data/peers");
    let validator =
        Validator::new(&peer_spec::compile_file(&peers.join("send50.spec.json"))).unwrap();
    let lines = std::fs::read_to_string(peers.join("send50.submissions.sample.jsonl")).unwrap();
    let data = lines
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap()["data"].take())
        .collect();
    all.push((validator, data));
    all
}

#[test]
fn parsed_answers_validate_as_the_value_does() {
    let today = support::today();
    for (validator, values) in submissions() {
        for value in values {
            let text = serde_json::to_string(&value).unwrap();
            let answers = parse(&text).unwrap();
            assert_eq!(answers.to_value(), value);
            assert_eq!(answers, Answers::try_from(&value).unwrap());
            for options in [
                ValidateOptions::new(today),
                ValidateOptions::new(today).draft(),
                ValidateOptions::new(today).audience(form_runtime::Audience::Citizen),
            ] {
                assert_eq!(
                    validator.validate(&answers, &options),
                    validator.validate(&value, &options)
                );
                assert_eq!(
                    validator.is_valid(&answers, &options),
                    validator.is_valid(&value, &options)
                );
                assert_eq!(
                    validator.completeness(&answers, &options),
                    validator.completeness(&value, &options)
                );
            }
            assert_eq!(
                validator.visibility(&answers, today),
                validator.visibility(&value, today)
            );
            assert_eq!(
                validator.normalize(&answers, today),
                validator.normalize(&value, today)
            );
        }
    }
}

#[test]
fn members_keep_the_order_they_were_given_in() {
    let answers = parse(r#"{"b": 1, "a": [true, null, {"z": "x", "y": -2.5}]}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&answers).unwrap(),
        r#"{"b":1,"a":[true,null,{"z":"x","y":-2.5}]}"#
    );
    // Unknown keys are reported in the order the submission gives them.
    let form = form_runtime::Form::from_json(
        r#"{"format_version":1,"source_hash":"","id":"f","title":"F","version":"1",
            "audiences":["citizen"],"sections":[]}"#,
    )
    .unwrap();
    let validator = Validator::new(&form).unwrap();
    let errors = validator.validate(&answers, &ValidateOptions::new(support::today()));
    let paths: Vec<&str> = errors.iter().map(|error| error.path.as_str()).collect();
    assert_eq!(paths, ["/b", "/a"]);
    // Paths are JSON Pointers: `~` and `/` in a key are escaped.
    let odd = parse(r#"{"a/b~c": 1}"#).unwrap();
    let errors = validator.validate(&odd, &ValidateOptions::new(support::today()));
    assert_eq!(errors[0].path, "/a~1b~0c");
}

#[test]
fn text_is_held_decoded() {
    let answers = parse(r#"{"name": "Zo\u00eb \"Z\" O\u2019Neil\n\ud83d\ude00"}"#).unwrap();
    assert_eq!(answers.to_value(), json!({"name": "Zoë \"Z\" O’Neil\n😀"}));
}

#[test]
fn what_is_not_an_answers_document_is_refused() {
    let message = |text: &str| parse(text).unwrap_err().to_string();
    assert_eq!(
        message(r#"{"a": {"b": 1, "b": 2}}"#),
        "the answers are not valid JSON: the key \"b\" appears twice (line 1, column 22)"
    );
    assert_eq!(
        message("[1, 2]"),
        "the answers must be a JSON object keyed by question id, not a list"
    );
    assert_eq!(
        message(r#""text""#),
        "the answers must be a JSON object keyed by question id, not text"
    );
    let limits = AnswerLimits { max_bytes: 10 };
    assert_eq!(
        Answers::parse(r#"{"name": "Sam"}"#, &limits)
            .unwrap_err()
            .to_string(),
        "the answers are 15 bytes; the most accepted is 10 bytes"
    );
    // A value held already may be anything: validation reports one that is not an object.
    let list = Answers::try_from(&json!([1, 2])).unwrap();
    assert_eq!(list.to_value(), json!([1, 2]));
}

/// JSON values of every kind, nested a few levels, with keys that repeat across levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        "[a-zé\"\\\\\n\u{1}😀 ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-e]{1,3}", inner, 0..6)
                .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

proptest! {
    /// Parsing a text gives what serde_json reads from it (numbers read as serde_json reads
    /// them), the same answers as reading serde_json's value, and writes the same JSON back.
    #[test]
    fn answers_hold_exactly_the_json(value in json_value()) {
        let text = serde_json::to_string(&json!({ "answer": value })).unwrap();
        let object: Value = serde_json::from_str(&text).unwrap();
        let answers = parse(&text).unwrap();
        prop_assert_eq!(&answers, &Answers::try_from(&object).unwrap());
        prop_assert_eq!(answers.to_value(), object.clone());
        prop_assert_eq!(
            serde_json::to_string(&answers).unwrap(),
            serde_json::to_string(&object).unwrap()
        );
    }
}
