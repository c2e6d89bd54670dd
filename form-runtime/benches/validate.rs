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

/// The labelled submissions: each one's label, its text as given (members in the order the
/// peers wrote them), and the same submissions parsed into `Answers` and into
/// `serde_json::Value`s, each kind parsed one after another (as the peers parse theirs), so that
/// neither is interleaved with the other in memory.
struct Submissions {
    labels: Vec<(bool, String)>,
    texts: Vec<String>,
    answers: Vec<Answers>,
    values: Vec<Value>,
}

fn send50() -> (Validator, Submissions) {
    let validator = Validator::new(&peer_spec::compile_file(
        &support::workspace().join("form-runtime/tests/data/peers/send50.spec.json"),
    ))
    .unwrap();
    let file = submissions_file();
    let lines = std::fs::read_to_string(&file).unwrap();
    let mut labels = Vec::new();
    let mut texts = Vec::new();
    let mut values = Vec::new();
    for line in lines.lines() {
        let mut record: Value = serde_json::from_str(line).unwrap();
        labels.push((
            record["expect_valid"].as_bool().unwrap(),
            record["mutation"].as_str().unwrap_or("valid").to_owned(),
        ));
        // The submission's own text: the record ends with it.
        let at = line.find("\"data\":").unwrap() + "\"data\":".len();
        texts.push(line[at..line.len() - 1].to_owned());
        values.push(record["data"].take());
    }
    let answers: Vec<Answers> = texts
        .iter()
        .map(|text| Answers::parse(text, &AnswerLimits::default()).unwrap())
        .collect();
    for (answers, value) in answers.iter().zip(&values) {
        assert_eq!(&answers.to_value(), value);
    }
    eprintln!(
        "send50: {} submissions from {}",
        texts.len(),
        file.display()
    );
    let submissions = Submissions {
        labels,
        texts,
        answers,
        values,
    };
    (validator, submissions)
}

fn bench(c: &mut Criterion) {
    let options = ValidateOptions::new(support::today());
    let (validator, submissions) = send50();
    let labelled = || submissions.answers.iter().zip(&submissions.labels);
    let agree = labelled()
        .filter(|(answers, (expect_valid, _))| {
            validator.validate(*answers, &options).is_empty() == *expect_valid
        })
        .count();
    let mut wrong: Vec<&str> = labelled()
        .filter(|(answers, (expect_valid, _))| {
            validator.is_valid(*answers, &options) != *expect_valid
        })
        .map(|(_, (_, mutation))| mutation.as_str())
        .collect();
    wrong.dedup();
    eprintln!(
        "send50: {agree}/{} classified as labelled; is_valid wrong on {wrong:?}",
        submissions.texts.len()
    );

    let mut group = c.benchmark_group("validate send50");
    group.throughput(Throughput::Elements(submissions.texts.len() as u64));
    group.sample_size(20);
    group.bench_function("all errors", |b| {
        b.iter(|| {
            for answers in &submissions.answers {
                black_box(validator.validate(black_box(answers), &options));
            }
        })
    });
    group.bench_function("is_valid", |b| {
        b.iter(|| {
            for answers in &submissions.answers {
                black_box(validator.is_valid(black_box(answers), &options));
            }
        })
    });
    // The same submissions held as serde_json Values, read into Answers on each call.
    group.bench_function("all errors, from serde_json values", |b| {
        b.iter(|| {
            for value in &submissions.values {
                black_box(validator.validate(black_box(value), &options));
            }
        })
    });
    // What a service does with a submission's text before validating it.
    group.bench_function("parse into Answers", |b| {
        b.iter(|| {
            for text in &submissions.texts {
                black_box(Answers::parse(black_box(text), &AnswerLimits::default())).unwrap();
            }
        })
    });
    group.bench_function("parse into serde_json values", |b| {
        b.iter(|| {
            for text in &submissions.texts {
                black_box(serde_json::from_str::<Value>(black_box(text))).unwrap();
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("validate example");
    for example in support::examples() {
        let validator = Validator::new(&example.form).unwrap();
        let answers = Answers::try_from(&example.answers).expect("the example's answers fit");
        group.bench_function(&example.name, |b| {
            b.iter(|| black_box(validator.validate(black_box(&answers), &options)))
        });
    }
    group.bench_function("prepare ehc-plan", |b| {
        let form = support::example("ehc-plan").form;
        b.iter(|| black_box(Validator::new(black_box(&form)).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
