//! PDFs through Typst: the blank form, a filled form, a preview with each section that still
//! needs completing marked in red, and reports from a report builder's own template.
//!
//! Typst runs in a private in-memory world (see `world.rs`): embedded fonts (Liberation Sans),
//! no file system, no packages, no network, and `today` from the caller. The form and the
//! answers reach a template as data, the virtual file `/data.json` described in
//! docs/reports.md, never spliced into Typst source, so an answer such as
//! `#read("/etc/passwd")` prints as written. Templates may import the shared helpers with
//! `#import "/sendform.typ": *`.
//!
//! ```no_run
//! use form_render::pdf::{PdfOptions, PdfRenderer};
//! use form_render::report::DocumentOptions;
//! # fn run(validator: &form_runtime::Validator, today: form_runtime::Date) -> Result<(), form_render::pdf::PdfError> {
//! let renderer = PdfRenderer::new(); // once: fonts, library and templates
//! let blank = DocumentOptions::blank(form_runtime::Audience::Citizen, today);
//! let pdf = renderer.render(validator, &blank, &PdfOptions::default())?;
//! assert!(pdf.bytes.starts_with(b"%PDF"));
//! # Ok(()) }
//! ```

mod page_numbers;
mod world;

use std::collections::BTreeSet;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, mpsc};
use std::time::Duration;

use rayon::{ThreadPool, ThreadPoolBuilder};

use typst::WorldExt;
use typst::diag::{Severity, SourceDiagnostic, Warned};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{DiagSpan, Source};
use typst_layout::PagedDocument;
use typst_pdf::{PdfStandard, PdfStandards, Timestamp};

use form_runtime::{Date, Validator};

use crate::report::{DocumentData, DocumentOptions, document_data};
use world::{Assets, FILES, RenderWorld};

pub use world::HELPERS;

/// The built-in template of blank, filled and preview documents.
pub const DOCUMENT_TEMPLATE: &str = include_str!("../../templates/pdf/document.typ");

/// The built-in EHC plan report (sections A to K), for `examples/ehc-plan.form` and forms that
/// use its question ids.
pub const EHC_PLAN_TEMPLATE: &str = include_str!("../../templates/pdf/ehc-plan.typ");

/// Which template turns the data into a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template<'a> {
    /// The built-in document: blank, filled or preview, as the data says.
    Document,
    /// The built-in EHC plan report.
    EhcPlan,
    /// A report builder's own Typst source, reading `/data.json`.
    Custom(&'a str),
}

/// The standards a PDF claims and is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Conformance {
    /// Tagged PDF/UA-1 (accessible): title, language, headings, alternative text.
    #[default]
    Accessible,
    /// PDF/UA-1 and PDF/A-2b (accessible and archival).
    AccessibleArchival,
    /// Tagged, but no standard claimed: for a report template that cannot meet PDF/UA-1.
    TaggedOnly,
}

/// How a PDF is made.
#[derive(Debug, Clone, Copy)]
pub struct PdfOptions<'a> {
    /// The template.
    pub template: Template<'a>,
    /// The standards claimed.
    pub conformance: Conformance,
    /// How long a render may take before it is abandoned with [`PdfError::Deadline`], counted
    /// from the call: when the render threads (one per core) are all busy with other renders,
    /// the wait for one counts too.
    pub deadline: Duration,
}

impl Default for PdfOptions<'_> {
    fn default() -> Self {
        PdfOptions {
            template: Template::Document,
            conformance: Conformance::Accessible,
            deadline: Duration::from_secs(20),
        }
    }
}

/// The ids of questions the EHC plan template prints on its front sheet: a form with none of
/// them is not a plan.
const PLAN_FRONT_SHEET: [&str; 4] = [
    "cyp_given_names",
    "cyp_family_name",
    "cyp_dob",
    "plan_status",
];

/// A rendered PDF.
#[derive(Debug, Clone)]
pub struct Pdf {
    /// The PDF file: the same inputs give the same bytes.
    pub bytes: Vec<u8>,
    /// Its number of pages.
    pub pages: usize,
    /// What Typst warned about (such as an unknown font family in a custom template).
    pub warnings: Vec<TemplateDiagnostic>,
}

/// A problem Typst reports in a template, located in its virtual file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateDiagnostic {
    /// The virtual file: `/main.typ` (the template), `/sendform.typ` or `/data.json`.
    pub file: Option<String>,
    /// The 1-based line and column.
    pub line: Option<usize>,
    /// See `line`.
    pub column: Option<usize>,
    /// Typst's message.
    pub message: String,
    /// Typst's hints.
    pub hints: Vec<String>,
}

impl fmt::Display for TemplateDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            if let (Some(line), Some(column)) = (self.line, self.column) {
                write!(f, ":{line}:{column}")?;
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", self.message)?;
        for hint in &self.hints {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The template has errors, or failed on the data.
    #[error("the template failed: {}", list(.diagnostics))]
    Template {
        /// Every error Typst reported.
        diagnostics: Vec<TemplateDiagnostic>,
    },
    /// The document could not be written as a PDF of the standards asked for.
    #[error("the document cannot be written as {standard}: {}", list(.diagnostics))]
    Export {
        /// The standards asked for.
        standard: &'static str,
        /// What stands in the way.
        diagnostics: Vec<TemplateDiagnostic>,
    },
    /// The render took longer than its deadline and was abandoned.
    #[error("the document took longer than {} seconds to render, so it was stopped; a template that loops or lays out a very long document runs this long", .deadline.as_secs_f64())]
    Deadline {
        /// The deadline.
        deadline: Duration,
    },
    /// The render could not start, or Typst stopped unexpectedly.
    #[error("Typst stopped unexpectedly while rendering: {message}")]
    Crashed {
        /// What is known.
        message: String,
    },
    /// The data could not be written as JSON.
    #[error("the document's data could not be written: {0}")]
    Data(#[from] serde_json::Error),
}

fn list(diagnostics: &[TemplateDiagnostic]) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders in this process, counted to evict Typst's memo cache every [`EVICT_EVERY`] renders
/// of what the last [`EVICT_AFTER`] evictions did not use: what no render used in the last 12
/// to 16 renders.
static RENDERS: AtomicUsize = AtomicUsize::new(0);
const EVICT_EVERY: usize = 4;
const EVICT_AFTER: usize = 3;

/// The threads documents are rendered on, shared by every renderer in the process: as many as
/// the machine has cores (or `RAYON_NUM_THREADS`), started at the first render. A render runs
/// on one of them from start to end, Typst laying its pages out on the others too. No thread
/// is started for a render, and its memory stays warm from one render to the next
/// (docs/performance.md).
static RENDER_THREADS: Mutex<Option<Arc<ThreadPool>>> = Mutex::new(None);

/// The stack each render thread has: Typst lays out nested content by recursion.
const STACK: usize = 32 << 20;

/// The render threads now in use, if started (a lock poisoned by a panic still holds them).
fn current_threads() -> MutexGuard<'static, Option<Arc<ThreadPool>>> {
    RENDER_THREADS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
}

/// The render threads, started if none are in use.
fn render_threads() -> Result<Arc<ThreadPool>, PdfError> {
    let mut threads = current_threads();
    if let Some(threads) = &*threads {
        return Ok(Arc::clone(threads));
    }
    let started = ThreadPoolBuilder::new()
        .thread_name(|index| format!("sendform-pdf-{index}"))
        .stack_size(STACK)
        // A panic that escapes a job (a render's own is caught and reported) must not abort
        // the host; a render left waiting for such a job ends at its deadline.
        .panic_handler(|_| {})
        .build()
        .map_err(|error| PdfError::Crashed {
            message: format!("could not start the render threads: {error}"),
        })?;
    Ok(Arc::clone(threads.insert(Arc::new(started))))
}

/// After a render overran its deadline: it keeps one of `threads` busy until it ends, so later
/// renders are given threads of their own. These end once their renders have.
fn retire(threads: &Arc<ThreadPool>) {
    let mut current = current_threads();
    if current
        .as_ref()
        .is_some_and(|current| Arc::ptr_eq(current, threads))
    {
        *current = None;
    }
}

/// Renders PDFs. Holds what every render shares (fonts, Typst's library, the parsed built-in
/// templates), so make one and keep it: each render then only lays out its data.
#[derive(Debug, Clone)]
pub struct PdfRenderer {
    assets: Arc<Assets>,
    document: Source,
    ehc_plan: Source,
}

impl Default for PdfRenderer {
    fn default() -> Self {
        PdfRenderer::new()
    }
}

impl PdfRenderer {
    /// Prepares the fonts, Typst's standard library and the built-in templates.
    pub fn new() -> PdfRenderer {
        PdfRenderer {
            assets: Arc::new(Assets::new()),
            document: Source::new(FILES.main, DOCUMENT_TEMPLATE.to_owned()),
            ehc_plan: Source::new(FILES.main, EHC_PLAN_TEMPLATE.to_owned()),
        }
    }

    /// Renders a document of a form: its data is built from the answers (see
    /// [`document_data`]) and laid out by the template.
    pub fn render(
        &self,
        validator: &Validator,
        document: &DocumentOptions<'_>,
        options: &PdfOptions<'_>,
    ) -> Result<Pdf, PdfError> {
        let mut pdf = self.render_data(&document_data(validator, document), options)?;
        if matches!(options.template, Template::EhcPlan) {
            let form = validator.form();
            if !PLAN_FRONT_SHEET.iter().any(|id| form.element(id).is_some()) {
                pdf.warnings.push(TemplateDiagnostic {
                    file: None,
                    line: None,
                    column: None,
                    message: format!(
                        "warning: the EHC plan template reads the question ids of an EHC plan \
                         form (examples/ehc-plan.form), and “{}” has none of its front sheet's \
                         ({}): the plan's details will be dashes",
                        form.title,
                        PLAN_FRONT_SHEET.join(", ")
                    ),
                    hints: Vec::new(),
                });
            }
        }
        Ok(pdf)
    }

    /// Renders prepared data (for instance data a service changed before printing). Typst's
    /// `today` is the data's `today`.
    pub fn render_data(
        &self,
        data: &DocumentData,
        options: &PdfOptions<'_>,
    ) -> Result<Pdf, PdfError> {
        let main = match options.template {
            Template::Document => self.document.clone(),
            Template::EhcPlan => self.ehc_plan.clone(),
            Template::Custom(text) => Source::new(FILES.main, text.to_owned()),
        };
        let (json, replaced) = printable_json(data, &self.assets)?;
        let world = RenderWorld {
            assets: Arc::clone(&self.assets),
            main,
            data: Bytes::from_string(json),
            today: form_runtime::wording::parse_date(&data.today.iso).and_then(datetime),
        };
        let conformance = options.conformance;
        let threads = render_threads()?;
        let (sender, receiver) = mpsc::sync_channel(1);
        // Typst has no way to stop a compilation, so a render that overruns its deadline is
        // abandoned: left to finish in the background, on threads no later render uses.
        threads.spawn(move || {
            let result = catch_unwind(AssertUnwindSafe(|| make_pdf(&world, conformance)));
            // The receiver may have given up at the deadline.
            let _ = sender.send(result);
            // Old entries of Typst's memo cache go, so that memory stays bounded: after the
            // document is handed over, so the caller does not wait for it, and every few
            // renders, as each eviction walks the whole cache (about 5 ms).
            if RENDERS.fetch_add(1, Ordering::Relaxed) % EVICT_EVERY == EVICT_EVERY - 1 {
                typst::comemo::evict(EVICT_AFTER);
            }
        });
        match receiver.recv_timeout(options.deadline) {
            Ok(Ok(result)) => result.map(|mut pdf| {
                if !replaced.is_empty() {
                    let replacement = replacement(&|c| self.assets.shows(c));
                    pdf.warnings.push(replaced_warning(&replaced, replacement));
                }
                pdf
            }),
            Ok(Err(panic)) => Err(PdfError::Crashed {
                message: panic
                    .downcast_ref::<&str>()
                    .map(|text| (*text).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a panic without a message".to_owned()),
            }),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                retire(&threads);
                Err(PdfError::Deadline {
                    deadline: options.deadline,
                })
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(PdfError::Crashed {
                message: "the render thread ended without a result".to_owned(),
            }),
        }
    }
}

/// What takes the place of a character the fonts cannot show: the first of these they can.
const REPLACEMENTS: [char; 3] = ['\u{FFFD}', '\u{25A1}', '?'];

/// The data as JSON, with every character the fonts cannot show (emoji, and scripts beyond
/// Latin, Greek and Cyrillic) and every control character other than line breaks and tabs
/// replaced, in every string: a PDF/UA document may not hold a glyph it cannot map, and one
/// unprintable character in an answer must not stop the whole document. Also gives the
/// characters replaced, each once.
fn printable_json(
    data: &DocumentData,
    assets: &Assets,
) -> Result<(String, BTreeSet<char>), serde_json::Error> {
    let json = serde_json::to_string(data)?;
    Ok(printable(json, &|c| assets.shows(c), assets.shows_ascii()))
}

/// [`printable_json`], done on the JSON text in one pass that skips runs of plain ASCII a chunk
/// at a time (when the fonts show all of it, `shows_ascii`): in JSON, a control character is
/// always escaped (`\r`, `\u0007`; line breaks and tabs as `\n` and `\t`, which are kept), and
/// every other character is written as itself.
fn printable(
    json: String,
    shows: &dyn Fn(char) -> bool,
    shows_ascii: bool,
) -> (String, BTreeSet<char>) {
    let bytes = json.as_bytes();
    let unprintable = |c: char| c.is_control() || !shows(c);
    let replacement = replacement(shows);
    let mut replaced = BTreeSet::new();
    // Built only once a character is replaced, from the text before it.
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if shows_ascii {
            at += plain_ascii(&bytes[at..]);
        }
        let Some(rest) = json.get(at..) else { break };
        let Some(c) = rest.chars().next() else { break };
        let (len, unprintable) = if c == '\\' {
            match rest.as_bytes().get(1) {
                Some(b'b') => (2, Some('\u{8}')),
                Some(b'f') => (2, Some('\u{c}')),
                Some(b'r') => (2, Some('\r')),
                // serde_json writes only control characters as `\u` escapes.
                Some(b'u') => (
                    6,
                    rest.get(2..6)
                        .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                        .and_then(char::from_u32)
                        .filter(|c| unprintable(*c)),
                ),
                _ => (2, None),
            }
        } else {
            (c.len_utf8(), unprintable(c).then_some(c))
        };
        if let Some(c) = unprintable {
            replaced.insert(c);
            let out = out.get_or_insert_with(|| String::with_capacity(json.len()));
            out.push_str(json.get(copied..at).unwrap_or_default());
            out.push(replacement);
            copied = at + len;
        }
        at += len;
    }
    let json = match out {
        Some(mut out) => {
            out.push_str(json.get(copied..).unwrap_or_default());
            out
        }
        None => json,
    };
    (json, replaced)
}

/// How many bytes at the start of `bytes` are printable ASCII other than a backslash, looked at
/// sixteen at a time (the compiler makes a few vector instructions of each sixteen).
fn plain_ascii(bytes: &[u8]) -> usize {
    let plain = |byte: u8| (0x20..0x7f).contains(&byte) && byte != b'\\';
    let (chunks, _) = bytes.as_chunks::<16>();
    let whole = chunks
        .iter()
        .take_while(|chunk| chunk.iter().fold(true, |all, &byte| all & plain(byte)))
        .count()
        * 16;
    whole
        + bytes[whole..]
            .iter()
            .take_while(|&&byte| plain(byte))
            .count()
}

fn replacement(shows: &dyn Fn(char) -> bool) -> char {
    REPLACEMENTS.into_iter().find(|c| shows(*c)).unwrap_or('?')
}

fn replaced_warning(replaced: &BTreeSet<char>, replacement: char) -> TemplateDiagnostic {
    let listed: Vec<String> = replaced
        .iter()
        .map(|c| {
            if c.is_control() {
                format!("U+{:04X}", u32::from(*c))
            } else {
                format!("{c} (U+{:04X})", u32::from(*c))
            }
        })
        .collect();
    TemplateDiagnostic {
        file: Some("/data.json".to_owned()),
        line: None,
        column: None,
        message: format!(
            "warning: the document's font cannot show {}, printed as {replacement} instead",
            listed.join(", ")
        ),
        hints: Vec::new(),
    }
}

/// `date` for Typst (None only for years Typst cannot hold, which then has no `today`).
fn datetime(date: Date) -> Option<Datetime> {
    Datetime::from_ymd(
        i32::from(date.year()),
        u8::try_from(date.month()).ok()?,
        u8::try_from(date.day()).ok()?,
    )
}

fn make_pdf(world: &RenderWorld, conformance: Conformance) -> Result<Pdf, PdfError> {
    let Warned { output, warnings } = typst::compile::<PagedDocument>(world);
    let document = output.map_err(|errors| PdfError::Template {
        diagnostics: diagnostics(world, &errors),
    })?;
    let document = page_numbers::print(world, document)?;
    let (list, standard): (&[PdfStandard], &'static str) = match conformance {
        Conformance::Accessible => (&[PdfStandard::Ua_1], "PDF/UA-1"),
        Conformance::AccessibleArchival => (
            &[PdfStandard::Ua_1, PdfStandard::A_2b],
            "PDF/UA-1 and PDF/A-2b",
        ),
        Conformance::TaggedOnly => (&[], "tagged PDF"),
    };
    let standards = PdfStandards::new(list).map_err(|error| PdfError::Export {
        standard,
        diagnostics: vec![TemplateDiagnostic {
            file: None,
            line: None,
            column: None,
            message: error.message().to_string(),
            hints: Vec::new(),
        }],
    })?;
    let options = typst_pdf::PdfOptions {
        // A fixed creator: the bytes must not change with anything but the inputs.
        creator: Smart::Custom(Some("sendform".to_owned())),
        timestamp: world.today.map(Timestamp::new_utc),
        standards,
        tagged: true,
        ..typst_pdf::PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| PdfError::Export {
        standard,
        diagnostics: diagnostics(world, &errors),
    })?;
    Ok(Pdf {
        bytes,
        pages: document.pages().len(),
        warnings: diagnostics(world, &warnings),
    })
}

/// Typst's diagnostics, located in the virtual files.
fn diagnostics(world: &RenderWorld, list: &[SourceDiagnostic]) -> Vec<TemplateDiagnostic> {
    list.iter()
        .map(|diagnostic| {
            let (file, line, column) = locate(world, diagnostic.span);
            let mut message = diagnostic.message.to_string();
            if diagnostic.severity == Severity::Warning {
                message.insert_str(0, "warning: ");
            }
            TemplateDiagnostic {
                file,
                line,
                column,
                message,
                // Typst's command line has a `--root` argument; a template here has no root
                // to adjust, and the hint would mislead.
                hints: diagnostic
                    .hints
                    .iter()
                    .map(|hint| hint.v.to_string())
                    .filter(|hint| !hint.contains("`--root`"))
                    .collect(),
            }
        })
        .collect()
}

fn locate(world: &RenderWorld, span: DiagSpan) -> (Option<String>, Option<usize>, Option<usize>) {
    let Some(id) = span.id() else {
        return (None, None, None);
    };
    let file = Some(id.vpath().get_with_slash().to_owned());
    let position = world.range(span).and_then(|range| {
        let text = world.text(id)?;
        let before = text.get(..range.start)?;
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map_or(0, |last| last.chars().count())
            + 1;
        Some((line, column))
    });
    (file, position.map(|p| p.0), position.map(|p| p.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Once a render overran its deadline, later renders get other threads than the one it
    /// keeps busy; a render that overran on threads already retired retires no others.
    #[test]
    fn threads_a_render_overran_on_are_given_to_no_later_render() {
        let first = render_threads().unwrap();
        assert!(Arc::ptr_eq(&first, &render_threads().unwrap()));
        retire(&first);
        let second = render_threads().unwrap();
        assert!(!Arc::ptr_eq(&first, &second));
        retire(&first);
        assert!(Arc::ptr_eq(&second, &render_threads().unwrap()));
    }

    /// Fonts for the tests: they show Latin, Greek and Cyrillic, but not `ÿ`.
    fn shows(c: char) -> bool {
        u32::from(c) < 0x530 && c != 'ÿ'
    }

    /// What the pass over the JSON must give: each unprintable character of each string
    /// replaced, the strings otherwise unchanged.
    fn expected(texts: &[String]) -> (Vec<String>, BTreeSet<char>) {
        let mut replaced = BTreeSet::new();
        let texts = texts
            .iter()
            .map(|text| {
                text.chars()
                    .map(|c| {
                        if matches!(c, '\n' | '\t') || (!c.is_control() && shows(c)) {
                            c
                        } else {
                            replaced.insert(c);
                            replacement(&shows)
                        }
                    })
                    .collect()
            })
            .collect();
        (texts, replaced)
    }

    proptest! {
        #[test]
        fn the_pass_over_the_json_replaces_what_a_walk_over_the_strings_would(
            texts in prop::collection::vec(
                "([a-z \"\\\\/]|\\PC|[\u{0}-\u{1f}\u{7f}-\u{9f}]|ÿ|李|😀|\\\\u0041)*",
                0..6,
            ),
            shows_ascii: bool,
        ) {
            let json = serde_json::to_string(&texts).unwrap();
            let (json, replaced) = printable(json, &shows, shows_ascii);
            let read: Vec<String> = serde_json::from_str(&json).unwrap();
            prop_assert_eq!((read, replaced), expected(&texts));
        }
    }
}
