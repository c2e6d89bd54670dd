//! Loading the files a form includes, depth first, with cycle and depth checks.

use crate::ast::{BodyItem, File};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceMap};
use crate::{Limits, Loader, parse};

/// Loads every file included from `main`, directly or not, each once. Returns the parsed
/// files that could be read and parsed.
pub(super) fn load(
    main: FileId,
    tree: &File,
    sources: &mut SourceMap,
    loader: &dyn Loader,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(FileId, File)> {
    let mut loaded = Vec::new();
    let mut chain = vec![sources.file(main).name().to_owned()];
    visit(
        main,
        tree,
        sources,
        loader,
        limits,
        diagnostics,
        &mut chain,
        &mut loaded,
    );
    loaded
}

#[allow(clippy::too_many_arguments)]
fn visit(
    file: FileId,
    tree: &File,
    sources: &mut SourceMap,
    loader: &dyn Loader,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
    chain: &mut Vec<String>,
    loaded: &mut Vec<(FileId, File)>,
) {
    let from = sources.file(file).name().to_owned();
    for include in &tree.includes {
        let path = &include.path;
        let found = match loader.load(&from, &path.value) {
            Ok(found) => found,
            Err(error) => {
                diagnostics.push(
                    Diagnostic::new(
                        Code::IncludeNotFound,
                        file,
                        path.span,
                        format!("cannot include \"{}\": {error}", path.value),
                    )
                    .with_help("paths are relative to the folder of the file that includes them"),
                );
                continue;
            }
        };
        if let Some(position) = chain.iter().position(|name| *name == found.name) {
            let mut loop_names: Vec<String> = chain[position..]
                .iter()
                .map(|name| format!("`{name}`"))
                .collect();
            loop_names.push(format!("`{}`", found.name));
            diagnostics.push(
                Diagnostic::new(
                    Code::IncludeCycle,
                    file,
                    include.span,
                    format!(
                        "files include each other in a loop: {}",
                        loop_names.join(" → ")
                    ),
                )
                .with_help("move the shared taxonomies into one file that includes nothing"),
            );
            continue;
        }
        if sources.find(&found.name).is_some() {
            // Already loaded through another include: its taxonomies are already known.
            continue;
        }
        if chain.len() > limits.max_include_depth {
            diagnostics.push(
                Diagnostic::new(
                    Code::NestingTooDeep,
                    file,
                    include.span,
                    format!(
                        "includes are nested more than {} deep here",
                        limits.max_include_depth
                    ),
                )
                .with_help("include the shared files directly from the form"),
            );
            continue;
        }
        let id = sources.add(found.name.clone(), found.bytes);
        let parsed = parse(sources.file(id), limits);
        diagnostics.extend(parsed.diagnostics);
        let Some(included) = parsed.tree else {
            continue;
        };
        for item in &included.items {
            if let BodyItem::Form(form) = item {
                diagnostics.push(
                    Diagnostic::new(
                        Code::IncludeDefinesForm,
                        id,
                        form.keyword_span.cover(form.id.span),
                        "an included file may only define taxonomies, but this one defines a form",
                    )
                    .with_label(file, include.span, "included here")
                    .with_help("move the taxonomies this form needs into a file of their own and include that"),
                );
            }
        }
        chain.push(found.name);
        visit(
            id,
            &included,
            sources,
            loader,
            limits,
            diagnostics,
            chain,
            loaded,
        );
        chain.pop();
        loaded.push((id, included));
    }
}
