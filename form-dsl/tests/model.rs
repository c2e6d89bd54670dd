//! The compiled model: golden snapshots of every example's `form.json`, and the model's own
//! JSON Schema, which every compiled form must satisfy.

// Tests (and benchmarks) may panic on a broken invariant: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use form_runtime::{Form, LoadError};
use support::{compile_file, form_files, workspace};

fn compiled_forms() -> Vec<(String, Form)> {
    let mut files = form_files(&workspace().join("examples"));
    files.extend(form_files(&workspace().join("form-dsl/tests/data/ok")));
    files
        .iter()
        .filter_map(|path| {
            let (_, compiled) = compile_file(path);
            let name = path.file_stem()?.to_string_lossy().into_owned();
            Some((name, compiled.form?))
        })
        .collect()
}

#[test]
fn form_json_of_every_example_matches_its_snapshot() {
    for path in form_files(&workspace().join("examples")) {
        let (_, compiled) = compile_file(&path);
        let form = compiled.form.expect("the examples compile");
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("example-{name}.form.json"), form.to_json());
    }
}

#[test]
fn the_committed_form_schema_is_the_generated_one() {
    let path = workspace().join("docs/form.schema.json");
    let generated = serde_json::to_string_pretty(&Form::json_schema()).unwrap() + "\n";
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/form.schema.json is out of date: run `UPDATE_DOCS=1 cargo test -p form-dsl --test model`"
    );
}

#[test]
fn every_compiled_form_satisfies_the_form_schema() {
    let schema = Form::json_schema();
    assert!(
        jsonschema::meta::is_valid(&schema),
        "the form schema is not a valid JSON Schema"
    );
    let validator = jsonschema::validator_for(&schema).expect("the form schema compiles");
    let forms = compiled_forms();
    assert!(forms.len() >= 10);
    for (name, form) in forms {
        let value: serde_json::Value = serde_json::from_str(&form.to_json()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
        assert_eq!(
            Form::from_json(&form.to_json()).unwrap(),
            form,
            "{name} does not round-trip"
        );
    }
}

#[test]
fn a_form_json_of_another_format_version_is_refused_clearly() {
    let (_, form) = compiled_forms().into_iter().next().unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&form.to_json()).unwrap();
    value["format_version"] = 99.into();
    let error = Form::from_json(&value.to_string()).unwrap_err();
    assert!(matches!(
        error,
        LoadError::UnsupportedFormatVersion {
            found: 99,
            supported: 1
        }
    ));
    assert_eq!(
        error.to_string(),
        "form.json has format version 99, but this runtime reads version 1; compile the form again with a matching `sendform build`"
    );
    value.as_object_mut().unwrap().remove("format_version");
    assert!(matches!(
        Form::from_json(&value.to_string()),
        Err(LoadError::MissingFormatVersion)
    ));
    assert!(matches!(
        Form::from_json("{not json"),
        Err(LoadError::Json(_))
    ));
    for not_an_object in ["[]", "", "  42", "null"] {
        let error = Form::from_json(not_an_object).unwrap_err();
        assert!(matches!(error, LoadError::NotAnObject), "{not_an_object}");
        assert_eq!(
            error.to_string(),
            "form.json is not a valid compiled form: it is not a JSON object (`{ ... }`)"
        );
    }
}
