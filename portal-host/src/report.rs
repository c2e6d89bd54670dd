//! Rendering diagnostics for people (with miette) and for tools (JSON lines).

use std::fmt;
use std::sync::Arc;

use form_dsl::{Diagnostic, FileId, Severity, SourceMap};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// Unicode boxes and colour, for a terminal.
    Colour,
    /// Unicode boxes without colour, for files, pipes and tests.
    Plain,
}

/// One diagnostic in the shape miette renders: labels in one file, with labels in other
/// files (an included file) as related reports.
struct Report {
    message: String,
    code: String,
    severity: Severity,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report").field("message", &self.message).finish_non_exhaustive()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|report| report as &dyn miette::Diagnostic)))
    }
}

/// Renders diagnostics of one compilation; the sources are shared between them.
pub(crate) struct Renderer<'s> {
    sources: &'s SourceMap,
    texts: Vec<Arc<str>>,
    handler: GraphicalReportHandler,
}

impl<'s> Renderer<'s> {
    pub(crate) fn new(sources: &'s SourceMap, style: Style) -> Renderer<'s> {
        let theme = match style {
            Style::Colour => GraphicalTheme::unicode(),
            Style::Plain => GraphicalTheme::unicode_nocolor(),
        };
        Renderer {
            sources,
            texts: sources.files().iter().map(|file| Arc::from(file.text())).collect(),
            handler: GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false),
        }
    }

    fn source(&self, file: FileId) -> NamedSource<Arc<str>> {
        NamedSource::new(self.sources.file(file).name(), Arc::clone(&self.texts[file.index()]))
    }

    fn span(&self, file: FileId, span: form_runtime::Span) -> SourceSpan {
        let len = self.sources.file(file).text().len();
        let start = (span.start as usize).min(len);
        let end = (span.end as usize).clamp(start, len);
        SourceSpan::new(start.into(), end - start)
    }

    /// The diagnostic as text: `error[code]: message`, the file, line and column, an excerpt
    /// of the source with the spans marked, and the help.
    pub(crate) fn render(&self, diagnostic: &Diagnostic) -> String {
        let primary_file = diagnostic.primary.file;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            (!diagnostic.primary.message.is_empty()).then(|| diagnostic.primary.message.clone()),
            self.span(primary_file, diagnostic.primary.span),
        )];
        let mut related = Vec::new();
        for label in &diagnostic.secondary {
            let labeled = LabeledSpan::new_with_span(
                (!label.message.is_empty()).then(|| label.message.clone()),
                self.span(label.file, label.span),
            );
            if label.file == primary_file {
                labels.push(labeled);
            } else {
                related.push(Report {
                    message: label.message.clone(),
                    code: String::new(),
                    severity: Severity::Warning,
                    help: None,
                    source: self.source(label.file),
                    labels: vec![labeled],
                    related: Vec::new(),
                });
            }
        }
        let report = Report {
            message: diagnostic.message.clone(),
            code: String::new(),
            severity: diagnostic.severity,
            help: diagnostic.help.clone(),
            source: self.source(primary_file),
            labels,
            related,
        };
        let file = self.sources.file(primary_file);
        let (line, column) = file.line_col(diagnostic.primary.span.start as usize);
        let mut out = format!(
            "{}[{}]: {}\n  --> {}:{line}:{column}\n",
            diagnostic.severity.as_str(),
            diagnostic.code,
            diagnostic.message,
            file.name()
        );
        let mut rendered = String::new();
        if self.handler.render_report(&mut rendered, &report).is_err() {
            rendered = format!("  {}\n", diagnostic.message);
        }
        // miette repeats the message after its marker; the first line above already says it.
        let body: Vec<&str> = rendered.lines().skip_while(|line| !line.contains('╭')).collect();
        for line in body {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// "2 errors and 1 warning", "no problems".
pub(crate) fn summary(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".into(),
        (e, 0) => count(e, "error"),
        (0, w) => count(w, "warning"),
        (e, w) => format!("{} and {}", count(e, "error"), count(w, "warning")),
    }
}
