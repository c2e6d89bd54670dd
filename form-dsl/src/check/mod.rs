//! Checking a parsed form file and lowering it to `form-runtime`'s model.
//!
//! The checker collects every diagnostic it can: names, taxonomies, attributes, the types of
//! rules, dependency cycles, impossible constraints and rules that can never hold. The form is
//! produced only when there are no errors.

mod attributes;
mod elements;
mod graph;
mod includes;
mod names;
mod never_true;
mod rules;
pub(crate) mod taxonomies;

use form_runtime::{Audience, Form, Span};

use crate::ast::{BodyItem, Container, File};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, SourceMap};
use crate::{Loader, Options, Parse};

/// The result of checking a parsed file.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The compiled form: present when the file defines a form and there are no errors.
    pub form: Option<Form>,
    /// Every diagnostic, those of parsing included, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

/// State shared by the checker's passes.
pub(crate) struct Ctx<'a> {
    pub(crate) sources: &'a SourceMap,
    /// The file being compiled.
    pub(crate) file: FileId,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl Ctx<'_> {
    /// Reports a diagnostic in the main file.
    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// A diagnostic pointing at `span` of the main file.
    pub(crate) fn diagnostic(
        &self,
        code: Code,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(code, self.file, span, message)
    }

    /// The source text of a span of the main file.
    pub(crate) fn text(&self, span: Span) -> &str {
        self.sources.file(self.file).slice(span)
    }
}

/// Checks a parsed file: loads its includes, resolves names and taxonomies, checks every
/// attribute and rule, and lowers the form to the compiled model.
pub fn check(
    parse: &Parse,
    sources: &mut SourceMap,
    loader: &dyn Loader,
    options: &Options,
) -> Checked {
    let mut diagnostics = parse.diagnostics.clone();
    let Some(tree) = &parse.tree else {
        return finish(diagnostics, None, options);
    };
    let included = includes::load(
        parse.file,
        tree,
        sources,
        loader,
        &options.limits,
        &mut diagnostics,
    );
    let mut ctx = Ctx {
        sources,
        file: parse.file,
        diagnostics,
    };
    let form = check_tree(&mut ctx, tree, &included);
    let has_errors = ctx.diagnostics.iter().any(Diagnostic::is_error);
    let form = form.filter(|_| !has_errors).map(|mut form| {
        form.source_hash = source_hash(ctx.sources);
        form
    });
    finish(ctx.diagnostics, form, options)
}

/// A hash of the text of every file of the compilation (the form, then what it includes),
/// so that a stored `form.json` can be matched to its source.
fn source_hash(sources: &SourceMap) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for file in sources.files() {
        hasher.update((file.text().len() as u64).to_le_bytes());
        hasher.update(file.text().as_bytes());
    }
    format!("sha256:{:x}", hasher.finalize())
}

fn check_tree(ctx: &mut Ctx<'_>, tree: &File, included: &[(FileId, File)]) -> Option<Form> {
    let mut forms: Vec<&Container> = Vec::new();
    for item in &tree.items {
        match item {
            BodyItem::Form(form) => forms.push(form),
            BodyItem::Taxonomy(_) | BodyItem::Use(_) => {}
            other => {
                let what = elements::describe_item(other);
                let diagnostic = ctx
                    .diagnostic(
                        Code::MisplacedItem,
                        other.keyword_span(),
                        format!("{what} must be inside a form"),
                    )
                    .with_help("put it inside `form id \"Title\" { ... }`");
                ctx.report(diagnostic);
            }
        }
    }
    for extra in forms.iter().skip(1) {
        let first = forms[0];
        let diagnostic = ctx
            .diagnostic(
                Code::MultipleForms,
                extra.keyword_span.cover(extra.id.span),
                "a file can define only one form",
            )
            .with_label(ctx.file, first.id.span, "the file's form is defined here")
            .with_help("put each form in a file of its own; share taxonomies with `include`");
        ctx.report(diagnostic);
    }
    let form = forms.first().copied();
    let body_taxonomies = form.map(|form| form.body.as_slice()).unwrap_or_default();
    let mut taxonomies = taxonomies::Taxonomies::build(ctx, &tree.items, body_taxonomies, included);
    let form = form?;
    let compiled = elements::lower_form(ctx, form, &mut taxonomies);
    taxonomies.report_unused(ctx);
    compiled
}

/// Sorts the diagnostics and applies the limit on their number.
fn finish(mut diagnostics: Vec<Diagnostic>, form: Option<Form>, options: &Options) -> Checked {
    diagnostics.sort_by_key(|diagnostic| {
        (
            diagnostic.primary.file,
            diagnostic.primary.span.start,
            diagnostic.primary.span.end,
            diagnostic.code,
        )
    });
    diagnostics.dedup();
    let limit = options.limits.max_diagnostics;
    if diagnostics.len() > limit {
        let hidden = diagnostics.len() - limit;
        let errors_hidden = diagnostics[limit..].iter().filter(|d| d.is_error()).count();
        let last = diagnostics[limit - 1].primary.clone();
        diagnostics.truncate(limit);
        diagnostics.push(
            Diagnostic::new(
                Code::TooManyDiagnostics,
                last.file,
                last.span,
                format!("{hidden} more diagnostics ({errors_hidden} of them errors) are not shown"),
            )
            .with_help("fix the problems above and check the file again"),
        );
    }
    Checked { form, diagnostics }
}

/// The audiences a part of a form is for, as written in `only for` or `locked for`.
pub(crate) fn audiences(ctx: &mut Ctx<'_>, names: &[crate::ast::Ident]) -> Vec<Audience> {
    let mut audiences = Vec::new();
    for name in names {
        match Audience::from_name(&name.name) {
            Some(audience) => {
                if !audiences.contains(&audience) {
                    audiences.push(audience);
                }
            }
            None => {
                let mut diagnostic = ctx.diagnostic(
                    Code::UnknownAudience,
                    name.span,
                    format!("`{}` is not an audience", name.name),
                );
                let known = Audience::ALL.map(Audience::as_str);
                diagnostic = match crate::diagnostic::did_you_mean(&name.name, known) {
                    Some(suggestion) => diagnostic.with_help(format!(
                        "did you mean `{suggestion}`? The audiences are `citizen`, `professional` and `la`"
                    )),
                    None => diagnostic
                        .with_help("the audiences are `citizen`, `professional` and `la`"),
                };
                ctx.report(diagnostic);
            }
        }
    }
    audiences.sort();
    audiences
}
