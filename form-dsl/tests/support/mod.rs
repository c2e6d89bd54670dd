//! Helpers shared by the integration tests: compiling from text or from files on disk.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use form_dsl::{Compiled, IncludeError, Loaded, Loader, Options, SourceMap, compile};

/// Loads included files from disk (tests may do IO). Files are named by their path from the
/// workspace root, so that messages are the same on every machine.
pub(crate) struct DiskLoader;

impl Loader for DiskLoader {
    fn load(&self, from: &str, path: &str) -> Result<Loaded, IncludeError> {
        let resolved = Path::new(from).parent().unwrap_or(Path::new("")).join(path);
        let name = resolved.to_string_lossy().replace("/./", "/");
        std::fs::read(workspace().join(&name))
            .map(|bytes| Loaded {
                name: name.clone(),
                bytes,
            })
            .map_err(|_| IncludeError::NotFound { path: name })
    }
}

/// A path's name from the workspace root.
pub(crate) fn relative_name(path: &Path) -> String {
    let root = workspace().canonicalize().unwrap_or_else(|_| workspace());
    let full = path.canonicalize().unwrap_or_else(|_| path.to_owned());
    full.strip_prefix(&root)
        .unwrap_or(&full)
        .to_string_lossy()
        .into_owned()
}

/// Compiles `text` as a file named `name`, with no includes.
pub(crate) fn compile_text(name: &str, text: &str) -> (SourceMap, Compiled) {
    compile_bytes(name, text.as_bytes().to_vec())
}

/// Compiles bytes as a file named `name`, with no includes.
pub(crate) fn compile_bytes(name: &str, bytes: Vec<u8>) -> (SourceMap, Compiled) {
    let mut sources = SourceMap::new();
    let main = sources.add(name, bytes);
    let compiled = compile(
        &mut sources,
        main,
        &form_dsl::NoIncludes,
        &Options::default(),
    );
    (sources, compiled)
}

/// Compiles a file on disk, with includes from disk. Files are named from the workspace root.
pub(crate) fn compile_file(path: &Path) -> (SourceMap, Compiled) {
    let bytes = std::fs::read(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    let mut sources = SourceMap::new();
    let main = sources.add(relative_name(path), bytes);
    let compiled = compile(&mut sources, main, &DiskLoader, &Options::default());
    (sources, compiled)
}

/// The workspace's root folder.
pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The `.form` files directly in a folder, sorted.
pub(crate) fn form_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "form"))
        .collect();
    files.sort();
    files
}

/// A diagnostic as one line: `line:col-col severity[code]: message`.
pub(crate) fn describe(sources: &SourceMap, diagnostic: &form_dsl::Diagnostic) -> String {
    let file = sources.file(diagnostic.primary.file);
    let (line, column) = file.line_col(diagnostic.primary.span.start as usize);
    let (_, end_column) = file.line_col(diagnostic.primary.span.end as usize);
    format!(
        "{line}:{column}-{end_column} {}[{}]: {}",
        diagnostic.severity.as_str(),
        diagnostic.code,
        diagnostic.message
    )
}
