//! The runtime and the generated JSON Schema agree.
//!
//! For every example (and the runtime's test form with every question type), thousands of submissions are generated from its sample answers: variants
//! of the valid answers (every choice tried, every yes/no flipped, which exercises the rules)
//! and mutations of each kind (a required answer dropped, a wrong type, an unknown key, a code
//! outside its list, text too long, a block too long or too short, a hidden question answered).
//! For each, the runtime's verdict must equal the `jsonschema` crate's verdict on our schema,
//! except where the runtime rejects for a reason the schema itself lists as runtime-only
//! (`x-sendform-runtime-only`: word counts, check digits, dates relative to today, ...). The
//! schema must never reject what the runtime accepts.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

#[path = "../../tests-support/examples.rs"]
mod support;

use std::collections::BTreeMap;

use form_runtime::{Element, Form, Input, ValidateOptions, Validator};
use serde_json::{Value, json};

/// A submission with the mutation class that produced it.
struct Case {
    class: &'static str,
    answers: Value,
}

/// Where an answer is: a chain of keys and entry indices.
type Path = Vec<PathStep>;

#[derive(Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn get_mut<'a>(value: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    let mut current = value;
    for step in path {
        current = match step {
            PathStep::Key(key) => current.as_object_mut()?.get_mut(key)?,
            PathStep::Index(index) => current.as_array_mut()?.get_mut(*index)?,
        };
    }
    Some(current)
}

/// Each answers object of a submission (the root and every block entry) with its path and
/// the elements that belong in it.
fn objects<'f>(form: &'f Form, answers: &Value) -> Vec<(Path, &'f [Element])> {
    fn visit<'f>(
        elements: &'f [Element],
        value: &Value,
        path: Path,
        out: &mut Vec<(Path, &'f [Element])>,
    ) {
        out.push((path.clone(), elements));
        for element in elements {
            if let Element::Repeat(repeat) = element
                && let Some(Value::Array(entries)) = value.get(&repeat.id)
            {
                for (index, entry) in entries.iter().enumerate() {
                    let mut inner = path.clone();
                    inner.push(PathStep::Key(repeat.id.clone()));
                    inner.push(PathStep::Index(index));
                    visit(&repeat.elements, entry, inner, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    for section in &form.sections {
        visit(&section.elements, answers, Vec::new(), &mut out);
    }
    // Sections share the root object: merge their element lists per path.
    out
}

/// A plausible valid answer for a question, used to answer questions that were left out.
fn plausible(form: &Form, input: &Input) -> Value {
    match input {
        Input::Text(_) | Input::LongText(_) => json!("Some words"),
        Input::Integer(number) | Input::Decimal(number) => {
            json!(
                number
                    .min
                    .as_ref()
                    .map_or(1.0, |min| min.value.max(1.0))
                    .min(number.max.as_ref().map_or(f64::MAX, |max| max.value))
            )
        }
        Input::Date(_) => json!("2020-01-01"),
        Input::YesNo | Input::Declaration => json!(true),
        Input::Choice(choice) => json!(
            form_runtime::selectable(form.choices(&choice.choices))
                .next()
                .map(|c| c.code.clone())
        ),
        Input::MultiChoice(multi) => {
            json!([form_runtime::selectable(form.choices(&multi.choices))
                .next()
                .map(|c| c.code.clone())])
        }
        Input::Email(_) => json!("someone@example.com"),
        Input::Phone(_) => json!("01632 960001"),
        Input::Postcode(_) => json!("SW1A 2AA"),
        Input::NhsNumber(_) => json!("943 476 5919"),
        Input::Upn(_) => json!("K801200112347"),
        Input::File(file) => {
            let document = json!({"id": "doc-9", "name": "evidence.pdf", "media_type": "application/pdf", "size": 1024});
            if file.max_files.value > 1 {
                json!([document])
            } else {
                document
            }
        }
        Input::PersonLookup => json!({"id": "p-1", "name": "A Person"}),
    }
}

/// A value of the wrong JSON type for the input.
fn wrong_type(input: &Input) -> Value {
    match input {
        Input::Integer(_) | Input::Decimal(_) => json!("12"),
        Input::YesNo | Input::Declaration => json!("yes"),
        Input::MultiChoice(_) => json!("A"),
        Input::File(_) | Input::PersonLookup => json!([1]),
        _ => json!(12345),
    }
}

fn generate(form: &Form, sample: &Value) -> Vec<Case> {
    let mut cases = vec![Case {
        class: "valid sample",
        answers: sample.clone(),
    }];
    let mut push = |class: &'static str, path: &Path, change: &dyn Fn(&mut Value)| {
        let mut answers = sample.clone();
        if let Some(target) = get_mut(&mut answers, path) {
            change(target);
            cases.push(Case { class, answers });
        }
    };
    for (path, elements) in objects(form, sample) {
        push("unknown key", &path, &|object| {
            object
                .as_object_mut()
                .map(|o| o.insert("zz_not_a_question".into(), json!("x")));
        });
        for element in elements {
            let id = element.id().to_owned();
            let present = get_mut(&mut sample.clone(), &path).and_then(|o| o.get(&id).cloned());
            match element {
                Element::Question(question) => {
                    let input = &question.input;
                    match &present {
                        Some(value) => {
                            push("drop an answer", &path, &|o| {
                                o.as_object_mut().map(|o| o.remove(&id));
                            });
                            let wrong = wrong_type(input);
                            push("wrong type", &path, &|o| {
                                o[&id] = wrong.clone();
                            });
                            match input {
                                Input::Choice(choice) => {
                                    push("code outside the list", &path, &|o| {
                                        o[&id] = json!("NOT_A_CODE")
                                    });
                                    for code in
                                        form_runtime::selectable(form.choices(&choice.choices))
                                    {
                                        push("valid variant: each choice", &path, &|o| {
                                            o[&id] = json!(code.code)
                                        });
                                    }
                                }
                                Input::MultiChoice(multi) => {
                                    push("code outside the list", &path, &|o| {
                                        o[&id] = json!(["NOT_A_CODE"])
                                    });
                                    for code in
                                        form_runtime::selectable(form.choices(&multi.choices))
                                    {
                                        push("valid variant: each choice", &path, &|o| {
                                            o[&id] = json!([code.code])
                                        });
                                    }
                                    if let Some(exclusive) = &multi.exclusive {
                                        let first =
                                            form_runtime::selectable(form.choices(&multi.choices))
                                                .next()
                                                .map(|c| c.code.clone());
                                        push("exclusive choice with another", &path, &|o| {
                                            o[&id] = json!([exclusive.code, first])
                                        });
                                        push(
                                            "valid variant: exclusive choice alone",
                                            &path,
                                            &|o| o[&id] = json!([exclusive.code]),
                                        );
                                    }
                                    push("duplicate choice", &path, &|o| {
                                        let first = value.get(0).cloned().unwrap_or(json!("A"));
                                        o[&id] = json!([first, first]);
                                    });
                                }
                                Input::YesNo => {
                                    let flipped = !value.as_bool().unwrap_or(false);
                                    push("valid variant: yes/no flipped", &path, &|o| {
                                        o[&id] = json!(flipped)
                                    });
                                }
                                Input::Text(text) | Input::LongText(text) => {
                                    let limit = text.max_length.as_ref().map_or(
                                        if matches!(input, Input::LongText(_)) {
                                            form_runtime::formats::LONG_TEXT_MAX_CHARS
                                        } else {
                                            form_runtime::formats::TEXT_MAX_CHARS
                                        },
                                        |max| max.value as usize,
                                    );
                                    push("too long", &path, &|o| {
                                        o[&id] = json!("x".repeat(limit + 1))
                                    });
                                    push("blank text", &path, &|o| o[&id] = json!("   "));
                                    push("control character", &path, &|o| {
                                        o[&id] = json!("a\u{7}b")
                                    });
                                }
                                Input::Integer(number) | Input::Decimal(number) => {
                                    if matches!(input, Input::Integer(_)) {
                                        push("not a whole number", &path, &|o| o[&id] = json!(2.5));
                                    }
                                    if let Some(max) = &number.max {
                                        push("number out of range", &path, &|o| {
                                            o[&id] = json!(max.value + 1.0)
                                        });
                                    }
                                    if let Some(min) = &number.min {
                                        push("number out of range", &path, &|o| {
                                            o[&id] = json!(min.value - 1.0)
                                        });
                                    }
                                }
                                Input::Date(_) => {
                                    push("not a real date", &path, &|o| {
                                        o[&id] = json!("2023-02-30")
                                    });
                                }
                                Input::File(file) => {
                                    let listed = file.max_files.value > 1;
                                    let document = |name: &str, media_type: &str, size: u64| {
                                        let document = json!({"id": "doc-x", "name": name, "media_type": media_type, "size": size});
                                        if listed { json!([document]) } else { document }
                                    };
                                    if !file.accept.is_empty() {
                                        let bad =
                                            document("setup.exe", "application/x-msdownload", 10);
                                        push("file of a type not accepted", &path, &|o| {
                                            o[&id] = bad.clone()
                                        });
                                    }
                                    if let Some(max) = &file.max_size_bytes {
                                        let big =
                                            document("big.pdf", "application/pdf", max.value + 1);
                                        push("file too large", &path, &|o| o[&id] = big.clone());
                                    }
                                    let shapeless = if listed {
                                        json!([{"id": "d"}])
                                    } else {
                                        json!({"id": "d"})
                                    };
                                    push("not a document reference", &path, &|o| {
                                        o[&id] = shapeless.clone()
                                    });
                                }
                                Input::Email(_) | Input::Phone(_) | Input::Postcode(_) => {
                                    push("bad format", &path, &|o| o[&id] = json!("not right"));
                                }
                                _ => {}
                            }
                        }
                        None => {
                            // Answering a question left out: hidden ones must be refused;
                            // optional shown ones accepted.
                            let answer = plausible(form, input);
                            push("answer a question left out (often hidden)", &path, &|o| {
                                o.as_object_mut()
                                    .map(|o| o.insert(id.clone(), answer.clone()));
                            });
                        }
                    }
                }
                Element::Repeat(repeat) => match &present {
                    Some(Value::Array(entries)) if !entries.is_empty() => {
                        let max = repeat
                            .max
                            .as_ref()
                            .map_or(entries.len() + 1, |max| max.value as usize + 1);
                        push("block too long", &path, &|o| {
                            let first = o[&id][0].clone();
                            o[&id] = Value::Array(vec![first; max]);
                        });
                        let min = repeat.min.as_ref().map_or(0, |min| min.value as usize);
                        push("block too short", &path, &|o| {
                            let keep: Vec<Value> = o[&id]
                                .as_array()
                                .unwrap()
                                .iter()
                                .take(min.saturating_sub(1))
                                .cloned()
                                .collect();
                            o[&id] = Value::Array(keep);
                        });
                        push("wrong type", &path, &|o| o[&id] = json!({"not": "a list"}));
                        push("drop an answer", &path, &|o| {
                            o.as_object_mut().map(|o| o.remove(&id));
                        });
                    }
                    _ => {
                        push("answer a question left out (often hidden)", &path, &|o| {
                            o.as_object_mut().map(|o| o.insert(id.clone(), json!([{}])));
                        });
                    }
                },
                Element::Content(_) => {}
            }
        }
    }
    // Pairs of variants, to reach combinations of rule inputs: each variant applied on top of
    // another, chosen by a fixed-seed generator so that the run is the same every time.
    let variants: Vec<Value> = cases
        .iter()
        .filter(|case| case.class.starts_with("valid variant"))
        .map(|case| case.answers.clone())
        .collect();
    let mut seed: u64 = 0x5eed;
    let mut next = |bound: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % bound.max(1)
    };
    if !variants.is_empty() {
        for _ in 0..1500 {
            let a = &variants[next(variants.len())];
            let b = &variants[next(variants.len())];
            cases.push(Case {
                class: "valid variant: two changes",
                answers: merge_changes(sample, a, b),
            });
        }
    }
    cases
}

/// `a` with the root keys where `b` differs from the sample taken from `b`.
fn merge_changes(sample: &Value, a: &Value, b: &Value) -> Value {
    let mut out = a.clone();
    if let (Some(out), Some(b), Some(sample)) =
        (out.as_object_mut(), b.as_object(), sample.as_object())
    {
        for (key, value) in b {
            if sample.get(key) != Some(value) {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out
}

/// A runtime error path with entry indices replaced by `*`.
fn pattern_of(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[test]
fn the_runtime_and_the_schema_agree_on_every_example() {
    let mut report: BTreeMap<String, BTreeMap<&str, [usize; 3]>> = BTreeMap::new();
    let mut total = 0;
    for example in support::examples_and_test_forms() {
        let schema = form_render::json_schema(&example.form);
        let schema_validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|error| {
                panic!("{}: the schema does not compile: {error}", example.name)
            });
        let runtime_only: Vec<(String, Vec<String>)> = schema["x-sendform-runtime-only"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| {
                let codes = entry["codes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_owned())
                    .collect();
                (entry["path"].as_str().unwrap().to_owned(), codes)
            })
            .collect();
        let validator = Validator::new(&example.form).unwrap();
        let options = ValidateOptions::new(support::today());
        let classes = report.entry(example.name.clone()).or_default();
        for case in generate(&example.form, &example.answers) {
            total += 1;
            let errors = validator.validate(&case.answers, &options);
            let schema_accepts = schema_validator.is_valid(&case.answers);
            let counts = classes.entry(case.class).or_default();
            if errors.is_empty() == schema_accepts {
                counts[0] += 1;
                continue;
            }
            assert!(
                !errors.is_empty(),
                "{} ({}): the runtime accepts but the schema rejects: {:?}\n{}",
                example.name,
                case.class,
                schema_validator
                    .iter_errors(&case.answers)
                    .map(|e| format!("{} at {}", e, e.instance_path()))
                    .collect::<Vec<_>>(),
                case.answers
            );
            let unexplained: Vec<_> = errors
                .iter()
                .filter(|error| {
                    let path = pattern_of(&error.path);
                    !runtime_only.iter().any(|(at, codes)| {
                        *at == path && codes.iter().any(|c| c == error.code.as_str())
                    })
                })
                .collect();
            assert!(
                unexplained.is_empty(),
                "{} ({}): the schema accepts what the runtime rejects, for reasons the schema does not list as runtime-only: {unexplained:#?}\n{}",
                example.name,
                case.class,
                case.answers
            );
            counts[1] += 1;
        }
    }
    assert!(total >= 5_000, "only {total} submissions generated");
    let mut out = String::new();
    for (example, classes) in &report {
        out.push_str(&format!("{example}\n"));
        for (class, [agree, runtime_only, _]) in classes {
            out.push_str(&format!("  {class}: {agree} agree, {runtime_only} rejected by the runtime alone (runtime-only rules)\n"));
        }
    }
    eprintln!("{total} submissions\n{out}");
    insta::assert_snapshot!(out);
}

#[test]
fn every_schema_is_valid_draft_2020_12() {
    for example in support::examples_and_test_forms() {
        let schema = form_render::json_schema(&example.form);
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        if let Err(error) = jsonschema::meta::validate(&schema) {
            panic!("{}: {error}", example.name);
        }
        insta::assert_json_snapshot!(format!("{}.schema", example.name), schema);
    }
}
