//! HTML rendering benchmarks: every section page of the EHC plan example (for the local
//! authority, who sees every section, filled with the example's answers and showing their
//! draft errors), its task list and check-your-answers page; and the peer benchmark's
//! 1,000-question form (translated into our language) on one page, blank and with every
//! required question's error.
//!
//! `taskset -c 1 cargo bench -p form-render --bench render` (the peer form is read from
//! `../shared/bench/peers`, or `$SEND_PEERS_DIR`). Figures: docs/performance.md.

// Benchmarks may panic on a broken invariant, and say what they skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use form_render::{HtmlRenderer, PageOptions};
use form_runtime::{Audience, Date, ValidateOptions, Validator};
use serde_json::json;

#[path = "../../tests-support/peer_spec.rs"]
mod peer_spec;
#[path = "../../tests-support/examples.rs"]
mod support;

fn today() -> Date {
    Date::new(2026, 11, 22).unwrap()
}

fn bench_ehc_plan(c: &mut Criterion) {
    let example = support::example("ehc-plan");
    let validator = Validator::new(&example.form).unwrap();
    let audience = Audience::La;
    let errors = validator.validate(
        &example.answers,
        &ValidateOptions::new(today()).audience(audience).draft(),
    );
    let mut options = PageOptions::new(audience, today(), &example.answers);
    options.errors = &errors;
    let renderer = HtmlRenderer::new();

    let mut group = c.benchmark_group("html/ehc-plan");
    for section in &example.form.sections {
        let bytes = renderer
            .section(&validator, &section.id, &options)
            .unwrap()
            .len();
        group.bench_function(
            format!("section {} ({} KB)", section.id, bytes / 1024),
            |b| {
                b.iter(|| {
                    renderer
                        .section(&validator, black_box(&section.id), black_box(&options))
                        .unwrap()
                })
            },
        );
    }
    group.bench_function("task list", |b| {
        b.iter(|| renderer.task_list(&validator, black_box(&options)).unwrap())
    });
    group.bench_function("check your answers", |b| {
        b.iter(|| {
            renderer
                .check_answers(&validator, black_box(&options))
                .unwrap()
        })
    });
    group.bench_function("every page", |b| {
        b.iter(|| renderer.pages(&validator, black_box(&options)).unwrap())
    });
    group.finish();
}

fn bench_send1000(c: &mut Criterion) {
    let path = peer_spec::peers_dir().join("forms/send1000.spec.json");
    if !path.is_file() {
        eprintln!(
            "skipping the 1,000-question form: {} not found (set SEND_PEERS_DIR)",
            path.display()
        );
        return;
    }
    let form = peer_spec::compile_file(&path);
    let validator = Validator::new(&form).unwrap();
    let renderer = HtmlRenderer::new();
    let audience = *form.audiences.first().expect("an audience");
    let blank = json!({});
    let errors = validator.validate(&blank, &ValidateOptions::new(today()).audience(audience));
    let questions = form.elements().len();

    let mut group = c.benchmark_group("html/send1000");
    let blank_options = PageOptions::new(audience, today(), &blank);
    let mut error_options = PageOptions::new(audience, today(), &blank);
    error_options.errors = &errors;
    for (name, options) in [
        ("blank", &blank_options),
        (&*format!("{} errors", errors.len()), &error_options),
    ] {
        let bytes = renderer.whole_form(&validator, options).unwrap().len();
        group.bench_function(
            format!(
                "whole form, {questions} questions, {name} ({} KB)",
                bytes / 1024
            ),
            |b| b.iter(|| renderer.whole_form(&validator, black_box(options)).unwrap()),
        );
    }
    group.finish();
}

criterion_group!(benches, bench_ehc_plan, bench_send1000);
criterion_main!(benches);
