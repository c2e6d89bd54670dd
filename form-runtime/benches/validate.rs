//! Validation benchmarks: the peer benchmark's 50-question form with its labelled
//! submissions (all 10,000 when `gen-data.sh` has made them, else the committed 200-line
//! sample), every error collected and `is_valid`, on submissions parsed into `Answers` before
//! timing (as the peers parse theirs into `serde_json::Value`s) and on the same submissions as
//! `serde_json::Value`s; parsing the submissions' text, into `Answers` and, for comparison,
//! into `serde_json::Value`s; and each example's sample answers.
//!
//! `taskset -c 1 cargo bench -p form-runtime` (single core, as the peers are measured);
//! `scripts/bench-validate.sh` runs it beside the peers' `run-validate.sh`. Before timing, it
//! prints how many submissions were classified as labelled. Figures: docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use form_runtime::{AnswerLimits, Answers, ValidateOptions, Validator};
use serde_json::Value;

#[path = "../../tests-support/peer_spec.rs"]
mod peer_spec;
#[path = "../../tests-support/examples.rs"]
mod support;

/// The full set of labelled submissions if it has been generated, else the committed sample.
fn submissions_file() -> PathBuf {
    let scratch = std::env::var_os("PEERS_SCRATCH")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("send-peers"));
    let full = scratch.join("work/send50.submissions.jsonl");
    if full.is_file() {
        full
    } else {
        support::workspace().join("form-runtime/tests/data/peers/send50.submissions.sample.jsonl")
    }
}

/// A labelled submission: its text as given (members in the order the peers wrote them),
/// parsed into `Answers` and into a `serde_json::Value`.
struct Submission {
    expect_valid: bool,
    mutation: String,
    text: String,
    answers: Answers,
    value: Value,
}

fn send50() -> (Validator, Vec<Submission>) {
    let validator = Validator::new(&peer_spec::compile_file(
        &support::workspace().join("form-runtime/tests/data/peers/send50.spec.json"),
    ))
    .unwrap();
    let file = submissions_file();
    let lines = std::fs::read_to_string(&file).unwrap();
    let submissions = lines
        .lines()
        .map(|line| {
            let mut record: Value = serde_json::from_str(line).unwrap();
            // The submission's own text: the record ends with it.
            let at = line.find("\"data\":").unwrap() + "\"data\":".len();
            let text = line[at..line.len() - 1].to_owned();
            let value = record["data"].take();
            let answers = Answers::parse(&text, &AnswerLimits::default()).unwrap();
            assert_eq!(answers.to_value(), value);
            Submission {
                expect_valid: record["expect_valid"].as_bool().unwrap(),
                mutation: record["mutation"].as_str().unwrap_or("valid").to_owned(),
                text,
                answers,
                value,
            }
        })
        .collect::<Vec<_>>();
    eprintln!(
        "send50: {} submissions from {}",
        submissions.len(),
        file.display()
    );
    (validator, submissions)
}

fn bench(c: &mut Criterion) {
    let options = ValidateOptions::new(support::today());
    let (validator, submissions) = send50();
    let agree = submissions
        .iter()
        .filter(|s| validator.validate(&s.answers, &options).is_empty() == s.expect_valid)
        .count();
    let mut wrong: Vec<&str> = submissions
        .iter()
        .filter(|s| validator.is_valid(&s.answers, &options) != s.expect_valid)
        .map(|s| s.mutation.as_str())
        .collect();
    wrong.dedup();
    eprintln!(
        "send50: {agree}/{} classified as labelled; is_valid wrong on {wrong:?}",
        submissions.len()
    );

    let mut group = c.benchmark_group("validate send50");
    group.throughput(Throughput::Elements(submissions.len() as u64));
    group.sample_size(20);
    group.bench_function("all errors", |b| {
        b.iter(|| {
            for submission in &submissions {
                black_box(validator.validate(black_box(&submission.answers), &options));
            }
        })
    });
    group.bench_function("is_valid", |b| {
        b.iter(|| {
            for submission in &submissions {
                black_box(validator.is_valid(black_box(&submission.answers), &options));
            }
        })
    });
    // The same submissions held as serde_json Values, read into Answers on each call.
    group.bench_function("all errors, from serde_json values", |b| {
        b.iter(|| {
            for submission in &submissions {
                black_box(validator.validate(black_box(&submission.value), &options));
            }
        })
    });
    // What a service does with a submission's text before validating it.
    group.bench_function("parse into Answers", |b| {
        b.iter(|| {
            for submission in &submissions {
                black_box(Answers::parse(
                    black_box(&submission.text),
                    &AnswerLimits::default(),
                ))
                .unwrap();
            }
        })
    });
    group.bench_function("parse into serde_json values", |b| {
        b.iter(|| {
            for submission in &submissions {
                black_box(serde_json::from_str::<Value>(black_box(&submission.text))).unwrap();
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("validate example");
    for example in support::examples() {
        let validator = Validator::new(&example.form).unwrap();
        let answers = Answers::from(&example.answers);
        group.bench_function(&example.name, |b| {
            b.iter(|| black_box(validator.validate(black_box(&answers), &options)))
        });
    }
    group.bench_function("prepare ehc-plan", |b| {
        let form = support::examples()
            .into_iter()
            .find(|e| e.name == "ehc-plan")
            .unwrap()
            .form;
        b.iter(|| black_box(Validator::new(black_box(&form)).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
