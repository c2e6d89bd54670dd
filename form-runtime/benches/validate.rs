//! Validation benchmarks: the peer benchmark's 50-question form with its labelled
//! submissions (all 10,000 when `gen-data.sh` has made them, else the committed 200-line
//! sample), every error collected and `is_valid`, beside the time merely to read every byte of
//! the same submissions (the floor set by memory); and each example's sample answers.
//!
//! `taskset -c 1 cargo bench -p form-runtime` (single core, as the peers are measured);
//! `scripts/bench-validate.sh` runs it beside the peers' `run-validate.sh`. Before timing, it
//! prints how many submissions were classified as labelled. Figures: docs/performance.md.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use form_runtime::{ValidateOptions, Validator};
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

fn send50() -> (Validator, Vec<(bool, String, Value)>) {
    let validator = Validator::new(&peer_spec::compile_file(
        &support::workspace().join("form-runtime/tests/data/peers/send50.spec.json"),
    ))
    .unwrap();
    let file = submissions_file();
    let lines = std::fs::read_to_string(&file).unwrap();
    let records = lines
        .lines()
        .map(|line| {
            let mut record: Value = serde_json::from_str(line).unwrap();
            let mutation = record["mutation"].as_str().unwrap_or("valid").to_owned();
            (
                record["expect_valid"].as_bool().unwrap(),
                mutation,
                record["data"].take(),
            )
        })
        .collect::<Vec<_>>();
    eprintln!(
        "send50: {} submissions from {}",
        records.len(),
        file.display()
    );
    (validator, records)
}

fn bench(c: &mut Criterion) {
    let options = ValidateOptions::new(support::today());
    let (validator, records) = send50();
    let agree = records
        .iter()
        .filter(|(expect, _, data)| validator.validate(data, &options).is_empty() == *expect)
        .count();
    let mut wrong: Vec<&str> = records
        .iter()
        .filter(|(expect, _, data)| validator.is_valid(data, &options) != *expect)
        .map(|(_, mutation, _)| mutation.as_str())
        .collect();
    wrong.dedup();
    eprintln!(
        "send50: {agree}/{} classified as labelled; is_valid wrong on {wrong:?}",
        records.len()
    );

    let mut group = c.benchmark_group("validate send50");
    group.throughput(Throughput::Elements(records.len() as u64));
    group.sample_size(20);
    group.bench_function("all errors", |b| {
        b.iter(|| {
            for (_, _, data) in &records {
                black_box(validator.validate(black_box(data), &options));
            }
        })
    });
    group.bench_function("is_valid", |b| {
        b.iter(|| {
            for (_, _, data) in &records {
                black_box(validator.is_valid(black_box(data), &options));
            }
        })
    });
    // Not validation: every byte of every key and answer read once, nothing checked. With
    // the submissions out of cache, this is the floor that waiting for memory sets.
    group.bench_function("read every byte", |b| {
        b.iter(|| {
            for (_, _, data) in &records {
                black_box(read_every_byte(black_box(data)));
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("validate example");
    for example in support::examples() {
        let validator = Validator::new(&example.form).unwrap();
        group.bench_function(&example.name, |b| {
            b.iter(|| black_box(validator.validate(black_box(&example.answers), &options)))
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

/// The sum of every byte of the keys and text of `value`.
fn read_every_byte(value: &Value) -> u64 {
    let sum = |bytes: &[u8]| bytes.iter().map(|&byte| u64::from(byte)).sum::<u64>();
    match value {
        Value::String(text) => sum(text.as_bytes()),
        Value::Array(items) => items.iter().map(read_every_byte).sum(),
        Value::Object(object) => object
            .iter()
            .map(|(key, value)| sum(key.as_bytes()) + read_every_byte(value))
            .sum(),
        // Held in the map's own node, already read.
        Value::Number(_) | Value::Bool(_) | Value::Null => 0,
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
