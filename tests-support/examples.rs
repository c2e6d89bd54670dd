//! Shared by the integration tests of form-runtime and form-render (included with `#[path]`):
//! the example forms, compiled, with their sample answers. Tests may do IO; the libraries
//! never do.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// The workspace's root folder.
pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// An example: its name, compiled form and sample answers.
pub(crate) struct Example {
    pub(crate) name: String,
    pub(crate) form: form_runtime::Form,
    pub(crate) answers: serde_json::Value,
}

/// Compiles a form file from disk; files it includes are read from the examples folder.
pub(crate) fn compile(path: &Path) -> form_runtime::Form {
    let read = |path: &Path| {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let shared = workspace().join("examples/shared/lists.form");
    let loader = form_dsl::MemoryLoader::new().with_file("shared/lists.form", read(&shared));
    let mut sources = form_dsl::SourceMap::new();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let main = sources.add(name, read(path).into_bytes());
    let compiled = form_dsl::compile(&mut sources, main, &loader, &form_dsl::Options::default());
    compiled.form.unwrap_or_else(|| {
        panic!(
            "{} does not compile: {:?}",
            path.display(),
            compiled.diagnostics
        )
    })
}

/// Every example in `examples/`, sorted by name.
pub(crate) fn examples() -> Vec<Example> {
    forms_in(&workspace().join("examples"))
}

/// The examples, and the runtime's test form with every question type and constraint
/// (`form-runtime/tests/data/everything.form`).
pub(crate) fn examples_and_test_forms() -> Vec<Example> {
    let mut all = examples();
    all.extend(forms_in(&workspace().join("form-runtime/tests/data")));
    all
}

/// The example or test form called `name`.
pub(crate) fn example(name: &str) -> Example {
    examples_and_test_forms()
        .into_iter()
        .find(|example| example.name == name)
        .unwrap_or_else(|| panic!("no example or test form called {name}"))
}

/// Each form in `dir` with its `<name>.answers.json`, sorted by name.
fn forms_in(dir: &Path) -> Vec<Example> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "form"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            let answers =
                std::fs::read_to_string(dir.join(format!("{name}.answers.json"))).unwrap();
            Example {
                form: compile(&path),
                answers: serde_json::from_str(&answers).unwrap(),
                name,
            }
        })
        .collect()
}

/// The date the examples' sample answers are written for.
pub(crate) fn today() -> form_runtime::Date {
    form_runtime::Date::new(2026, 11, 22).unwrap()
}
