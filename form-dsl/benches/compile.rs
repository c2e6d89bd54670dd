//! Compile-time benchmarks: each example form, and the peer benchmark's 50- and
//! 1,000-question forms translated into our language (the same forms pyxform converts).
//!
//! `cargo bench -p form-dsl`; results in docs/performance.md.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use form_dsl::{NoIncludes, Options, SourceMap, compile};

#[path = "support/peer_spec.rs"]
mod peer_spec;

fn compile_source(name: &str, source: &str) -> form_runtime::Form {
    let mut sources = SourceMap::new();
    let main = sources.add_text(name, source);
    let compiled = compile(&mut sources, main, &NoIncludes, &Options::default());
    assert!(!compiled.has_errors(), "{name} has errors: {:?}", compiled.diagnostics);
    compiled.form.expect("a form")
}

fn forms() -> Vec<(String, String)> {
    let mut forms = Vec::new();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut paths: Vec<_> = std::fs::read_dir(&examples)
        .map(|dir| dir.filter_map(|entry| entry.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    for path in paths {
        if path.extension().is_some_and(|ext| ext == "form")
            && let Ok(source) = std::fs::read_to_string(&path)
        {
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
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

fn bench_compile(c: &mut Criterion) {
    let mut group = c.benchmark_group("compile");
    for (name, source) in forms() {
        let form = compile_source(&name, &source);
        let questions = form.elements().len();
        group.bench_function(format!("{name} ({questions} elements, {} bytes)", source.len()), |b| {
            b.iter(|| {
                let mut sources = SourceMap::new();
                let main = sources.add_text("form", black_box(source.as_str()));
                black_box(compile(&mut sources, main, &NoIncludes, &Options::default()))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_compile);
criterion_main!(benches);
