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

/// One excerpt in the shape miette renders: labels in one file, and perhaps a help line.
struct Report {
    message: String,
    code: String,
    severity: Severity,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("message", &self.message)
            .finish_non_exhaustive()
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
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
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
            texts: sources
                .files()
                .iter()
                .map(|file| Arc::from(file.text()))
                .collect(),
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(100)
                .with_links(false),
        }
    }

    fn source(&self, file: FileId) -> NamedSource<Arc<str>> {
        NamedSource::new(
            self.sources.file(file).name(),
            Arc::clone(&self.texts[file.index()]),
        )
    }

    fn span(&self, file: FileId, span: form_runtime::Span) -> SourceSpan {
        let len = self.sources.file(file).text().len();
        let start = (span.start as usize).min(len);
        let end = (span.end as usize).clamp(start, len);
        SourceSpan::new(start.into(), end - start)
    }

    /// The diagnostic as text: `error[code]: message`, the file, line and column, an excerpt
    /// of the source with the spans marked, notes for places in other files, and the help.
    pub(crate) fn render(&self, diagnostic: &Diagnostic) -> String {
        let primary_file = diagnostic.primary.file;
        let mut labels = vec![LabeledSpan::new_primary_with_span(
            (!diagnostic.primary.message.is_empty()).then(|| diagnostic.primary.message.clone()),
            self.span(primary_file, diagnostic.primary.span),
        )];
        let mut elsewhere = Vec::new();
        for label in &diagnostic.secondary {
            let labeled = LabeledSpan::new_with_span(
                (!label.message.is_empty()).then(|| label.message.clone()),
                self.span(label.file, label.span),
            );
            if label.file == primary_file {
                labels.push(labeled);
            } else {
                elsewhere.push((label, labeled));
            }
        }
        let file = self.sources.file(primary_file);
        let (line, column) = file.line_col(diagnostic.primary.span.start as usize);
        let mut out = format!(
            "{}[{}]: {}\n  --> {}:{line}:{column}\n",
            diagnostic.severity.as_str(),
            diagnostic.code,
            diagnostic.message,
            file.name()
        );
        out.push_str(&self.excerpt(primary_file, labels, None));
        for (label, labeled) in elsewhere {
            let other = self.sources.file(label.file);
            let (line, column) = other.line_col(label.span.start as usize);
            out.push_str(&format!(
                "  note: {} ({}:{line}:{column})\n",
                label.message,
                other.name()
            ));
            out.push_str(&self.excerpt(label.file, vec![labeled], None));
        }
        if let Some(help) = &diagnostic.help {
            out.push_str(&self.excerpt(primary_file, Vec::new(), Some(help)));
        }
        out
    }

    /// An excerpt of `file` with `labels` marked, or (with no labels) the help line alone,
    /// as miette draws them, without the header miette repeats the message in.
    fn excerpt(&self, file: FileId, labels: Vec<LabeledSpan>, help: Option<&str>) -> String {
        let report = Report {
            message: String::new(),
            code: String::new(),
            severity: Severity::Error,
            help: help.map(str::to_owned),
            source: self.source(file),
            labels,
        };
        let mut rendered = String::new();
        if self.handler.render_report(&mut rendered, &report).is_err() {
            return help
                .map(|help| format!("  help: {help}\n"))
                .unwrap_or_default();
        }
        let mut lines: Vec<&str> = rendered.lines().collect();
        // Without labels there is no excerpt: keep the help alone.
        let start = if help.is_some() && report_has_no_labels(&lines) {
            lines
                .iter()
                .position(|line| line.trim_start().starts_with("help:"))
                .unwrap_or(lines.len())
        } else {
            lines
                .iter()
                .position(|line| line.contains('╭'))
                .unwrap_or(lines.len())
        };
        lines.drain(..start);
        let mut out = String::new();
        for line in lines {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

fn report_has_no_labels(lines: &[&str]) -> bool {
    !lines.iter().any(|line| line.contains('╭'))
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
