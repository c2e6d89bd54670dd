//! Validation of a form with every question type and constraint: each case changes a valid
//! submission and the snapshot shows every error it produces (path, code, message).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests-support/examples.rs"]
mod support;

use form_runtime::{Audience, ErrorCode, SectionState, ValidateOptions, Validator, parse_answers};
use serde_json::{Value, json};

fn validator() -> Validator {
    let path = support::workspace().join("form-runtime/tests/data/everything.form");
    Validator::new(&support::compile(&path)).unwrap()
}

fn valid() -> Value {
    json!({
        "name": "Sam Taylor",
        "dob": "2015-03-12",
        "upn": "K801200112347",
        "nhs": "943 476 5919",
        "attends": true,
        "year": "Y2",
        "school": "Hillside Primary",
        "views": "Likes maths",
        "code": "AB12",
        "email": "sam@example.com",
        "phone": "07700 900123",
        "postcode": "SW1A 2AA",
        "siblings": 2,
        "hours": 12.5,
        "needs": ["a", "b"],
        "reports": [{"id": "d1", "name": "report.pdf", "media_type": "application/pdf", "size": 1000}],
        "letter": {"id": "d2", "name": "letter.docx", "media_type": "application/msword", "size": 5},
        "agree": true,
        "start": "2026-01-05",
        "end": "2026-02-05",
        "case_ref": "C-1",
        "outcomes": [
            {"team": "SCHOOLS", "detail": "Reads a short book"},
            {"team": "EP"}
        ],
        "schools_note": "See outcome 1"
    })
}

/// Applies `change` (a JSON object: keys set, or removed when null) to the valid answers.
fn changed(change: Value) -> Value {
    let mut answers = valid();
    let object = answers.as_object_mut().unwrap();
    for (key, value) in change.as_object().unwrap() {
        if value.is_null() {
            object.remove(key);
        } else {
            object.insert(key.clone(), value.clone());
        }
    }
    answers
}

fn describe(validator: &Validator, answers: &Value, options: &ValidateOptions) -> String {
    let errors = validator.validate(answers, options);
    assert_eq!(
        validator.is_valid(answers, options),
        errors.is_empty(),
        "is_valid disagrees with validate on {answers}"
    );
    if errors.is_empty() {
        return "  (valid)".to_owned();
    }
    errors
        .iter()
        .map(|e| format!("  {} {} {}", e.path, e.code, e.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_rule_reports_its_error() {
    let validator = validator();
    let options = ValidateOptions::new(support::today());
    let cases: Vec<(&str, Value)> = vec![
        ("valid", json!({})),
        (
            "required missing",
            json!({"name": null, "dob": null, "agree": null}),
        ),
        (
            "empty text and list",
            json!({"name": "  ", "views": "", "needs": []}),
        ),
        ("declaration not ticked", json!({"agree": false})),
        (
            "wrong types",
            json!({"name": 5, "siblings": "2", "attends": "yes", "dob": 20150312, "needs": "a", "outcomes": {}, "year": ["Y1"]}),
        ),
        (
            "text limits",
            json!({"name": "S", "views": "one two three four five six", "code": "ab12"}),
        ),
        (
            "too long",
            json!({"name": "Samantha Alexandra Taylor-Smith"}),
        ),
        ("control characters", json!({"name": "Sam\u{0}Taylor"})),
        (
            "formats",
            json!({"email": "sam.example.com", "phone": "12345", "postcode": "SW1A", "nhs": "943 476 5918", "upn": "A801200112347"}),
        ),
        ("numbers", json!({"siblings": 2.5, "hours": 40.25})),
        ("number range", json!({"siblings": -1, "hours": 41})),
        ("dates", json!({"dob": "2015-02-30", "start": "2026-13-01"})),
        ("date bounds", json!({"dob": "2030-01-01"})),
        ("date too old", json!({"dob": "1990-01-01"})),
        ("date after another", json!({"end": "2026-01-01"})),
        (
            "choices",
            json!({"year": "Y9", "needs": ["a", "x", "a", 3]}),
        ),
        ("exclusive", json!({"needs": ["none", "a"]})),
        ("exclusive alone", json!({"needs": ["none"]})),
        ("selection counts", json!({"needs": ["a"]})),
        ("too many selected", json!({"needs": ["a", "b", "c", "d"]})),
        (
            "files",
            json!({"reports": [
                {"id": "d1", "name": "virus.exe", "media_type": "application/octet-stream", "size": 2_000_000},
                {"id": "d3", "name": "photo.JPG", "media_type": "image/jpeg", "size": 10},
                {"id": "d4"}
            ]}),
        ),
        ("no files", json!({"reports": []})),
        (
            "one file not a list",
            json!({"reports": {"id": "d1", "name": "report.pdf", "media_type": "application/pdf", "size": 1}}),
        ),
        ("hidden answered", json!({"attends": false})),
        ("hidden by an earlier answer", json!({"year": "R"})),
        (
            "unknown keys",
            json!({"nmae": "Sam", "outcomes": [{"team": "EP", "colour": "red"}]}),
        ),
        ("blocks", json!({"outcomes": []})),
        (
            "block too long",
            json!({"outcomes": [{"team": "EP"}, {"team": "EP"}, {"team": "EP"}]}),
        ),
        (
            "block entries",
            json!({"outcomes": [{"team": "SCHOOLS"}, {"team": "XX"}, "entry"]}),
        ),
        (
            "entry check",
            json!({"outcomes": [{"team": "SCHOOLS", "detail": "none"}]}),
        ),
        (
            "hidden in an entry",
            json!({"outcomes": [{"team": "EP", "detail": "x"}], "schools_note": "x"}),
        ),
        (
            "form check",
            json!({"start": "2026-03-01", "end": "2026-02-01"}),
        ),
    ];
    let mut out = String::new();
    for (name, change) in cases {
        let answers = changed(change);
        out.push_str(&format!(
            "{name}:\n{}\n",
            describe(&validator, &answers, &options)
        ));
    }
    out.push_str(&format!(
        "not an object:\n{}\n",
        describe(&validator, &json!([1]), &options)
    ));
    insta::assert_snapshot!(out);
}

#[test]
fn audiences_may_only_answer_what_they_see_and_may_change() {
    let validator = validator();
    let today = support::today();
    let mut out = String::new();
    for audience in Audience::ALL {
        let options = ValidateOptions::new(today).audience(audience);
        out.push_str(&format!(
            "{audience}:\n{}\n",
            describe(&validator, &valid(), &options)
        ));
    }
    // A professional's own submission, without the locked section, is valid.
    let mut answers = valid();
    for key in ["name", "dob", "upn", "nhs"] {
        answers.as_object_mut().unwrap().remove(key);
    }
    let options = ValidateOptions::new(today).audience(Audience::Professional);
    out.push_str(&format!(
        "professional without the locked section:\n{}\n",
        describe(&validator, &answers, &options)
    ));
    insta::assert_snapshot!(out);
}

#[test]
fn drafts_check_what_is_answered_and_require_nothing() {
    let validator = validator();
    let options = ValidateOptions::new(support::today()).draft();
    let cases = [
        json!({}),
        json!({"name": "", "views": "  ", "needs": [], "outcomes": []}),
        json!({"name": "S", "siblings": 11}),
        json!({"start": "2026-03-01"}),
        json!({"start": "2026-03-01", "end": "2026-02-01"}),
        json!({"attends": false, "year": "Y1"}),
    ];
    let mut out = String::new();
    for answers in cases {
        out.push_str(&format!(
            "{answers}:\n{}\n",
            describe(&validator, &answers, &options)
        ));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn normalize_trims_and_drops_what_no_longer_applies() {
    let validator = validator();
    let answers = json!({
        "name": "  Sam  ",
        "views": "",
        "attends": false,
        "year": "Y2",
        "school": "Hillside",
        "needs": [],
        "outcomes": [{"team": "EP", "detail": "x "}],
        "schools_note": "x",
        "nmae": "kept"
    });
    let normalized = validator.normalize(&answers, support::today());
    assert_eq!(
        normalized,
        json!({"name": "Sam", "attends": false, "outcomes": [{"team": "EP"}], "nmae": "kept"})
    );
    // Normalizing twice changes nothing more.
    assert_eq!(
        validator.normalize(&normalized, support::today()),
        normalized
    );
}

#[test]
fn visibility_is_per_block_entry() {
    let validator = validator();
    let answers =
        json!({"attends": true, "year": "R", "outcomes": [{"team": "EP"}, {"team": "SCHOOLS"}]});
    let visibility = validator.visibility(&answers, support::today());
    assert_eq!(visibility.element("/year"), Some(true));
    assert_eq!(visibility.element("/school"), Some(false));
    assert_eq!(visibility.element("/outcomes/0/detail"), Some(false));
    assert_eq!(visibility.element("/outcomes/1/detail"), Some(true));
    assert_eq!(visibility.element("/schools_note"), Some(true));
    assert_eq!(visibility.section("office"), Some(true));
    // Missing answers are unanswered, never an error.
    let nothing = validator.visibility(&json!({}), support::today());
    assert_eq!(nothing.element("/year"), Some(false));
    assert_eq!(nothing.element("/schools_note"), Some(false));
}

#[test]
fn an_answer_in_error_leaves_the_parts_its_rules_hide_undecided() {
    let validator = validator();
    let today = support::today();
    let options = ValidateOptions::new(today);
    let check = |answers: &Value| describe(&validator, answers, &options);

    // "Yes" is not a yes/no answer, so nobody can tell whether the year group (shown when the
    // child attends school) and the school (shown from Year 1) apply: their answers are kept
    // and checked as in a draft, and only the answer in error is reported.
    let attends_yes = changed(json!({"attends": "Yes"}));
    assert_eq!(
        check(&attends_yes),
        "  /attends wrong_type The answer must be true or false, not text"
    );
    let visibility = validator.visibility(&attends_yes, today);
    assert_eq!(visibility.element("/year"), Some(true));
    assert_eq!(visibility.element("/school"), Some(true));
    assert_eq!(visibility.undecided_elements, ["/year", "/school"]);
    assert!(visibility.undecided_sections.is_empty());
    let normalized = validator.normalize(&attends_yes, today);
    assert_eq!(normalized["year"], "Y2");
    assert_eq!(normalized["school"], "Hillside Primary");
    // Unanswered, an undecided part is hidden and not required.
    let without_year = changed(json!({"attends": "Yes", "year": null, "school": null}));
    assert_eq!(
        validator.visibility(&without_year, today).element("/year"),
        Some(false)
    );
    assert_eq!(
        check(&without_year),
        "  /attends wrong_type The answer must be true or false, not text"
    );

    // What an undecided part holds must still be right: a year group outside the list is an
    // error, and the school, whose rule reads it, is undecided in turn.
    assert_eq!(
        check(&changed(json!({"attends": "Yes", "year": "Y9"}))),
        "  /attends wrong_type The answer must be true or false, not text\n  \
         /year choice Select the year group from the list"
    );

    // In a block's entry: a team outside the list leaves the entry's detail and the note for
    // schools (shown when any entry is for schools) undecided.
    let team_in_error = changed(json!({
        "outcomes": [{"team": "SCHOOL", "detail": "Reads a short book"}],
        "schools_note": "See outcome 1"
    }));
    assert_eq!(
        check(&team_in_error),
        "  /outcomes/0/team choice Select the team from the list"
    );
    let visibility = validator.visibility(&team_in_error, today);
    assert_eq!(visibility.element("/outcomes/0/detail"), Some(true));
    assert_eq!(visibility.element("/schools_note"), Some(true));

    // Once the answers are right, the rules decide again: what they hide is an error to answer.
    let not_attending = changed(json!({"attends": false}));
    assert!(check(&not_attending).contains("/year hidden_answered"));
    assert!(check(&not_attending).contains("/school hidden_answered"));
    // A hidden part is decided when the rule's answer is right, whatever else is wrong.
    let other_error = changed(json!({"attends": false, "siblings": "two"}));
    assert!(check(&other_error).contains("/year hidden_answered"));
}

#[test]
fn completeness_per_section() {
    let validator = validator();
    let options = ValidateOptions::new(support::today());
    let answers = json!({"name": "Sam Taylor", "attends": true, "siblings": 11});
    let states: Vec<String> = validator
        .completeness(&answers, &options)
        .iter()
        .map(|s| {
            let missing: Vec<&str> = s.missing.iter().map(|e| e.path.as_str()).collect();
            let errors: Vec<&str> = s.errors.iter().map(|e| e.path.as_str()).collect();
            format!(
                "{} {:?} missing {missing:?} errors {errors:?}",
                s.section, s.state
            )
        })
        .collect();
    insta::assert_snapshot!(states.join("\n"));
    let citizen = validator.completeness(&valid(), &options.audience(Audience::Citizen));
    assert_eq!(citizen[2].state, SectionState::Hidden);
    assert!(
        citizen
            .iter()
            .filter(|s| s.section != "office")
            .all(|s| s.state == SectionState::Complete)
    );
}

#[test]
fn bad_answers_documents_get_clear_errors() {
    let limits = form_runtime::AnswerLimits::default();
    let describe = |text: &str| match parse_answers(text, &limits) {
        Ok(value) => format!("ok: {value}"),
        Err(error) => error.to_string(),
    };
    let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
    let big = format!("{{\"views\": \"{}\"}}", "x".repeat(10 << 20));
    let cases = [
        "",
        "{",
        "{\"name\": \"Sam\",}",
        "{\"name\": \"Sam\", \"name\": \"Alex\"}",
        "{\"outcomes\": [{\"team\": \"EP\", \"team\": \"SCHOOLS\"}]}",
        "{\"name\": \"\\ud800\"}",
        "{\"name\": \"a\u{0}b\"}",
        "[1, 2]",
        "\u{feff}{}",
        &deep,
        &big,
    ];
    let out: Vec<String> = cases
        .iter()
        .map(|case| {
            let shown: String = case.chars().take(40).collect();
            format!("{shown:?} -> {}", describe(case))
        })
        .collect();
    insta::assert_snapshot!(out.join("\n"));
    // NUL escaped inside JSON parses, and validation reports it.
    let answers = parse_answers("{\"name\": \"Sam\\u0000\"}", &limits).unwrap();
    let errors = validator().validate(&answers, &ValidateOptions::new(support::today()));
    assert!(
        errors
            .iter()
            .any(|e| e.path == "/name" && e.code == ErrorCode::ControlCharacters)
    );
}

#[test]
fn a_huge_answer_is_an_error_not_a_stall() {
    let validator = validator();
    let answers =
        changed(json!({"views": "word ".repeat(2_000_000), "code": "A".repeat(1_000_000)}));
    let errors = validator.validate(&answers, &ValidateOptions::new(support::today()));
    let codes: Vec<(&str, ErrorCode)> = errors.iter().map(|e| (e.path.as_str(), e.code)).collect();
    assert_eq!(
        codes,
        [
            ("/views", ErrorCode::MaxLength),
            ("/views", ErrorCode::MaxWords),
            ("/code", ErrorCode::MaxLength),
            ("/code", ErrorCode::Pattern)
        ]
    );
}
