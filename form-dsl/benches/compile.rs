//! Compile benchmarks: parse and check each example form, and the peer benchmark's 50- and
//! 1,000-question forms translated into our language (the same forms pyxform converts).
//!
//! `cargo bench -p form-dsl` (the peer forms are read from `../shared/bench/peers`, or from
//! `$SEND_PEERS_DIR`). Results and the comparison with pyxform: docs/performance.md.

// Benchmarks may panic on a broken invariant, and say what they skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use form_dsl::{IncludeError, Loaded, Loader, MemoryLoader, Options, SourceMap, compile};

#[path = "../../tests-support/peer_spec.rs"]
mod peer_spec;

/// The examples' shared lists, read once so that the timed loop does no IO.
fn examples_loader() -> MemoryLoader {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/shared/lists.form");
    let text = std::fs::read_to_string(shared).unwrap_or_default();
    MemoryLoader::new().with_file("shared/lists.form", text)
}

/// A loader that fails loudly: the peer forms include nothing.
struct Nothing;

impl Loader for Nothing {
    fn load(&self, _from: &str, path: &str) -> Result<Loaded, IncludeError> {
        Err(IncludeError::NotFound {
            path: path.to_owned(),
        })
    }
}

fn forms() -> Vec<(String, String)> {
    let mut forms = Vec::new();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut paths: Vec<_> = std::fs::read_dir(&examples)
        .map(|dir| {
            dir.filter_map(|entry| entry.ok().map(|e| e.path()))
                .collect()
        })
        .unwrap_or_default();
    paths.sort();
    for path in paths {
        if path.extension().is_some_and(|ext| ext == "form")
            && let Ok(source) = std::fs::read_to_string(&path)
        {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            forms.push((name, source));
        }
    }
    for name in ["send50", "send1000"] {
        match peer_spec::load(name) {
            Ok(source) => forms.push((name.to_owned(), source)),
            Err(error) => eprintln!("skipping the peer form {name}: {error} (set SEND_PEERS_DIR)"),
        }
    }
    forms
}

fn compile_once(source: &str, loader: &dyn Loader) -> form_dsl::Compiled {
    let mut sources = SourceMap::new();
    let main = sources.add_text("form.form", source);
    compile(&mut sources, main, loader, &Options::default())
}

fn bench_compile(c: &mut Criterion) {
    let examples = examples_loader();
    let mut group = c.benchmark_group("compile");
    for (name, source) in forms() {
        let loader: &dyn Loader = if name.starts_with("send") {
            &Nothing
        } else {
            &examples
        };
        let compiled = compile_once(&source, loader);
        assert!(
            !compiled.has_errors(),
            "{name} has errors: {:?}",
            compiled.diagnostics
        );
        let form = compiled.form.expect("a form");
        let questions = form.elements().len();
        group.bench_function(
            format!("{name} ({questions} questions, {} KB)", source.len() / 1024),
            |b| b.iter(|| black_box(compile_once(black_box(&source), loader))),
        );
    }
    group.finish();
}

criterion_group!(benches, bench_compile);
criterion_main!(benches);
