//! The `sendform` command line: `check`, `build`, `validate`, `html`, `pdf` and `explain`.
//!
//! Exit codes: 0 when the command succeeded (warnings allowed), 1 when a form has errors,
//! 2 when a file cannot be read or written, or the command line is wrong.

use std::borrow::Cow;
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use form_dsl::{Code, Compiled, Diagnostic, Options, SourceMap, compile};
use form_runtime::{AnswerLimits, Audience, Form, ValidateOptions, Validator, parse_answers};

use form_render::pdf::{
    Conformance, PdfError, PdfOptions, PdfRenderer, Template, TemplateDiagnostic,
};
use form_render::report::{DocumentKind, DocumentOptions};
use form_render::{HtmlRenderer, PageOptions};

use crate::FsLoader;
use crate::report::{Renderer, Style, summary};

/// Exit code: success.
pub const EXIT_OK: u8 = 0;
/// Exit code: the form has errors (or, for `validate`, the answers are invalid).
pub const EXIT_INVALID: u8 = 1;
/// Exit code: a file could not be read or written, or the command line is wrong.
pub const EXIT_TROUBLE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "sendform",
    version,
    about = "Check and build SEND form files, and validate answers against them",
    long_about = "Check and build SEND form files, and validate answers against them.\n\nExit status: 0 when all is well (warnings allowed), 1 when a form has errors or the answers are invalid, 2 when a file cannot be read or written, or is not JSON."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check form files and report every problem found.
    Check {
        /// The form files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// `human` for people; `json` for one JSON object per diagnostic on standard output.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Whether to colour the diagnostics.
        #[arg(long, value_enum, default_value_t = ColourChoice::Auto)]
        color: ColourChoice,
    },
    /// Compile forms and write their outputs (form.json, schema.json, form.html with every
    /// section on one page, and the assets it links to) to a folder. With several files, each
    /// form's outputs go in a folder of its own, named after the file.
    Build {
        /// The form files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The folder to write the outputs to (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// Whether to colour the diagnostics.
        #[arg(long, value_enum, default_value_t = ColourChoice::Auto)]
        color: ColourChoice,
    },
    /// Validate a submission's answers against a form. Prints `{"errors": [...]}` on standard
    /// output; exit 0 when valid, 1 when not, 2 when a file cannot be read or is not JSON.
    Validate {
        /// The form: a form file, or a compiled `form.json`.
        form: PathBuf,
        /// The answers, a JSON object keyed by question id.
        answers: PathBuf,
        /// Who is submitting; without it, the whole record is validated.
        #[arg(long, value_enum)]
        audience: Option<AudienceArg>,
        /// Validate a draft: nothing is required yet.
        #[arg(long)]
        draft: bool,
        /// The date rules call `today`, as YYYY-MM-DD (default: today on this computer).
        #[arg(long, value_parser = parse_date)]
        today: Option<form_runtime::Date>,
        /// Whether to colour the form's diagnostics, if it has any.
        #[arg(long, value_enum, default_value_t = ColourChoice::Auto)]
        color: ColourChoice,
    },
    /// Render a form's pages as HTML into a folder: `index.html` (the task list), one page per
    /// section, `check-answers.html`, and the assets they link to. With answers, the pages are
    /// filled in and show the runtime's errors.
    Html {
        /// The form: a form file, or a compiled `form.json`.
        form: PathBuf,
        /// Answers to fill the pages with, a JSON object keyed by question id.
        #[arg(long)]
        answers: Option<PathBuf>,
        /// Who the pages are for (default: citizen).
        #[arg(long, value_enum, default_value_t = AudienceArg::Citizen)]
        audience: AudienceArg,
        /// The folder to write the pages to (created if needed).
        #[arg(long)]
        out: PathBuf,
        /// The date rules call `today`, as YYYY-MM-DD (default: today on this computer).
        #[arg(long, value_parser = parse_date)]
        today: Option<form_runtime::Date>,
        /// Show the errors the answers would have if sent now, unanswered required questions
        /// included. Without it, they are checked as a draft: what is answered is checked,
        /// nothing is required yet.
        #[arg(long)]
        submitted: bool,
        /// Whether to colour the form's diagnostics, if it has any.
        #[arg(long, value_enum, default_value_t = ColourChoice::Auto)]
        color: ColourChoice,
    },
    /// Render answers as a PDF: the filled form, or with --preview a preview that marks in red
    /// each section that still needs completing, or a report with --template. Any answers that
    /// parse are rendered, complete or not, valid or not; their errors are listed on standard
    /// error. Exit 0 when the PDF is written; 2 when a file cannot be read or written, or the
    /// template fails.
    Pdf {
        /// The form: a form file, or a compiled `form.json`.
        form: PathBuf,
        /// The answers, a JSON object keyed by question id.
        answers: PathBuf,
        /// The PDF file to write.
        #[arg(long)]
        out: PathBuf,
        /// Make a preview: the filled form, with each section that still needs completing
        /// marked in red, listing what is missing.
        #[arg(long)]
        preview: bool,
        /// A report template: a Typst file reading the document data (docs/reports.md), or
        /// `ehc-plan` for the built-in EHC plan.
        #[arg(long)]
        template: Option<PathBuf>,
        /// Who the document is for (default: the first audience the form is published to).
        #[arg(long, value_enum)]
        audience: Option<AudienceArg>,
        /// Who submitted the answers, stated in the document.
        #[arg(long)]
        submitted_by: Option<String>,
        /// When they were submitted, as YYYY-MM-DD, with --submitted-by (default: today).
        #[arg(long, value_parser = parse_date, requires = "submitted_by")]
        submitted_on: Option<form_runtime::Date>,
        /// Also claim PDF/A-2b (archival), as well as PDF/UA-1.
        #[arg(long)]
        archival: bool,
        /// The date rules call `today`, and the document's date, as YYYY-MM-DD (default: today
        /// on this computer).
        #[arg(long, value_parser = parse_date)]
        today: Option<form_runtime::Date>,
        /// Whether to colour the form's diagnostics, if it has any.
        #[arg(long, value_enum, default_value_t = ColourChoice::Auto)]
        color: ColourChoice,
    },
    /// Explain a diagnostic code, such as `duplicate-id`.
    Explain {
        /// The code.
        code: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum AudienceArg {
    Citizen,
    Professional,
    La,
}

impl AudienceArg {
    fn audience(self) -> Audience {
        match self {
            AudienceArg::Citizen => Audience::Citizen,
            AudienceArg::Professional => Audience::Professional,
            AudienceArg::La => Audience::La,
        }
    }
}

fn parse_date(text: &str) -> Result<form_runtime::Date, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a real date written YYYY-MM-DD"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColourChoice {
    Auto,
    Always,
    Never,
}

impl ColourChoice {
    fn style(self) -> Style {
        let colour = match self {
            ColourChoice::Always => true,
            ColourChoice::Never => false,
            ColourChoice::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        if colour { Style::Colour } else { Style::Plain }
    }
}

/// Runs `sendform` with `args` (the first is the program name), writing to `out` and `err`.
/// Returns the exit code.
pub fn run(
    args: impl IntoIterator<Item = impl Into<OsString> + Clone>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(error) => {
            let text = error.render().to_string();
            let stream: &mut dyn Write = if error.use_stderr() { err } else { out };
            let _ = write!(stream, "{text}");
            return if error.use_stderr() {
                EXIT_TROUBLE
            } else {
                EXIT_OK
            };
        }
    };
    let result = match cli.command {
        Command::Check {
            files,
            format,
            color,
        } => check(&files, format, color.style(), out, err),
        Command::Build {
            files,
            out: dir,
            color,
        } => build_all(&files, &dir, color.style(), out, err),
        Command::Validate {
            form,
            answers,
            audience,
            draft,
            today,
            color,
        } => {
            let mut options = ValidateOptions::new(today.unwrap_or_else(crate::today));
            options.audience = audience.map(AudienceArg::audience);
            if draft {
                options = options.draft();
            }
            validate(&form, &answers, &options, color.style(), out, err)
        }
        Command::Html {
            form,
            answers,
            audience,
            out: dir,
            today,
            submitted,
            color,
        } => {
            let audience = audience.audience();
            let mut options =
                ValidateOptions::new(today.unwrap_or_else(crate::today)).audience(audience);
            if !submitted {
                options = options.draft();
            }
            html(
                &form,
                answers.as_deref(),
                audience,
                &options,
                &dir,
                color.style(),
                out,
                err,
            )
        }
        Command::Pdf {
            form,
            answers,
            out: path,
            preview,
            template,
            audience,
            submitted_by,
            submitted_on,
            archival,
            today,
            color,
        } => {
            let today = today.unwrap_or_else(crate::today);
            let request = PdfRequest {
                form: &form,
                answers: &answers,
                out: &path,
                kind: if preview {
                    DocumentKind::Preview
                } else {
                    DocumentKind::Filled
                },
                template: template.as_deref(),
                audience: audience.map(AudienceArg::audience),
                submitted: submitted_by
                    .as_deref()
                    .map(|by| (by, submitted_on.unwrap_or(today))),
                conformance: if archival {
                    Conformance::AccessibleArchival
                } else {
                    Conformance::Accessible
                },
                today,
            };
            pdf(&request, color.style(), out, err)
        }
        Command::Explain { code } => explain(&code, out, err),
    };
    match result {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(err, "error: {error}");
            EXIT_TROUBLE
        }
    }
}

/// An IO error in words, without the system's error number: "there is no such file", "it is
/// a folder, not a file".
fn io_words(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "there is no such file".to_owned(),
        std::io::ErrorKind::IsADirectory => "it is a folder, not a file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error ") {
                Some(at) => text[..at].to_owned(),
                None => text,
            }
        }
    }
}

/// Operational failures: files that cannot be read or written.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("cannot read `{path}`: {}", io_words(.source))]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write `{path}`: {}", io_words(.source))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{0}` defines no form (only taxonomies), so there is nothing to build")]
    NoForm(PathBuf),
    #[error("`{0}` defines no form (only taxonomies), so there is nothing to validate against")]
    NoFormToValidate(PathBuf),
    #[error("`{path}` has errors, so nothing can be validated against it")]
    BadForm { path: PathBuf },
    #[error("`{path}` cannot be used: {source}")]
    FormJson {
        path: PathBuf,
        #[source]
        source: form_runtime::LoadError,
    },
    #[error("`{path}`: cannot render the pages: {source}")]
    Html {
        path: PathBuf,
        #[source]
        source: form_render::HtmlError,
    },
    #[error("`{path}` cannot be prepared for validation: {source}")]
    Prepare {
        path: PathBuf,
        #[source]
        source: form_runtime::CompileError,
    },
    #[error("`{path}`: {source}")]
    Answers {
        path: PathBuf,
        #[source]
        source: form_runtime::AnswersError,
    },
    #[error("`{path}`: cannot render the PDF: {source}")]
    Pdf {
        path: PathBuf,
        #[source]
        source: form_render::pdf::PdfError,
    },
    #[error("there is no diagnostic code `{code}`{suggestion}")]
    UnknownCode { code: String, suggestion: String },
}

/// Reads and compiles one form file.
fn compile_file(path: &Path) -> Result<(SourceMap, Compiled), CliError> {
    let bytes = std::fs::read(path).map_err(|source| CliError::Read {
        path: path.to_owned(),
        source,
    })?;
    let mut sources = SourceMap::new();
    let main = sources.add(path.to_string_lossy(), bytes);
    let compiled = compile(&mut sources, main, &FsLoader, &Options::default());
    Ok((sources, compiled))
}

fn print_human(sources: &SourceMap, diagnostics: &[Diagnostic], style: Style, err: &mut dyn Write) {
    let renderer = Renderer::new(sources, style);
    for diagnostic in diagnostics {
        let _ = writeln!(err, "{}", renderer.render(diagnostic));
    }
}

fn check(
    files: &[PathBuf],
    format: Format,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, CliError> {
    let mut any_errors = false;
    let mut unreadable = false;
    for path in files {
        let (sources, compiled) = match compile_file(path) {
            Ok(done) => done,
            Err(error) => {
                let _ = writeln!(err, "error: {error}");
                unreadable = true;
                continue;
            }
        };
        any_errors |= compiled.has_errors();
        match format {
            Format::Json => {
                for diagnostic in &compiled.diagnostics {
                    let _ = writeln!(out, "{}", diagnostic.to_json(&sources));
                }
            }
            Format::Human => {
                print_human(&sources, &compiled.diagnostics, style, err);
                let _ = writeln!(
                    err,
                    "{}: {}",
                    path.display(),
                    summary(&compiled.diagnostics)
                );
            }
        }
    }
    Ok(if unreadable {
        EXIT_TROUBLE
    } else if any_errors {
        EXIT_INVALID
    } else {
        EXIT_OK
    })
}

/// Builds each file; with several, each into a folder named after the file. Stops at the first
/// file that cannot be read or written, and reports every form with errors.
fn build_all(
    files: &[PathBuf],
    dir: &Path,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, CliError> {
    if let [file] = files {
        return build(file, dir, style, out, err);
    }
    let mut code = EXIT_OK;
    for file in files {
        let name = file
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned())
            .unwrap_or_default();
        code = code.max(build(file, &dir.join(name), style, out, err)?);
    }
    Ok(code)
}

fn build(
    path: &Path,
    dir: &Path,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, CliError> {
    let (sources, compiled) = compile_file(path)?;
    print_human(&sources, &compiled.diagnostics, style, err);
    if compiled.has_errors() {
        let _ = writeln!(
            err,
            "{}: {}; nothing was written",
            path.display(),
            summary(&compiled.diagnostics)
        );
        return Ok(EXIT_INVALID);
    }
    let form = compiled
        .form
        .ok_or_else(|| CliError::NoForm(path.to_owned()))?;
    std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
        path: dir.to_owned(),
        source,
    })?;
    let schema = serde_json::to_string_pretty(&form_render::json_schema(&form)).unwrap_or_default();
    let validator = prepare(&form, path)?;
    // The blank form for the first audience it is published to, every section on one page.
    let audience = form.audiences.first().copied().unwrap_or(Audience::La);
    let empty = serde_json::json!({});
    let options = PageOptions::new(audience, crate::today(), &empty);
    let page = HtmlRenderer::new()
        .whole_form(&validator, &options)
        .map_err(|source| CliError::Html {
            path: path.to_owned(),
            source,
        })?;
    let blank = PdfRenderer::new()
        .render(
            &validator,
            &DocumentOptions::blank(audience, crate::today()),
            &PdfOptions::default(),
        )
        .map_err(|source| CliError::Pdf {
            path: path.to_owned(),
            source,
        })?;
    for (name, contents) in [
        ("form.json", (form.to_json() + "\n").into_bytes()),
        ("schema.json", (schema + "\n").into_bytes()),
        ("form.html", page.into_bytes()),
        ("blank.pdf", blank.bytes),
    ] {
        write_file(&dir.join(name), &contents, out)?;
    }
    write_assets(dir)?;
    Ok(EXIT_OK)
}

fn write_file(path: &Path, contents: &[u8], out: &mut dyn Write) -> Result<(), CliError> {
    std::fs::write(path, contents).map_err(|source| CliError::Write {
        path: path.to_owned(),
        source,
    })?;
    let _ = writeln!(out, "{}", path.display());
    Ok(())
}

/// The stylesheet and scripts the pages link to, in `assets/`.
fn write_assets(dir: &Path) -> Result<(), CliError> {
    let assets = dir.join("assets");
    std::fs::create_dir_all(&assets).map_err(|source| CliError::Write {
        path: assets.clone(),
        source,
    })?;
    for (name, contents) in form_render::html::ASSETS {
        let path = assets.join(name);
        std::fs::write(&path, contents).map_err(|source| CliError::Write { path, source })?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn html(
    form_path: &Path,
    answers_path: Option<&Path>,
    audience: Audience,
    check: &ValidateOptions,
    dir: &Path,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, CliError> {
    let form = load_form(form_path, style, err)?;
    let validator = prepare(&form, form_path)?;
    let answers = match answers_path {
        None => serde_json::json!({}),
        Some(path) => load_answers(path)?,
    };
    let errors = match answers_path {
        None => Vec::new(),
        Some(_) => validator.validate(&answers, check),
    };
    let mut options = PageOptions::new(audience, check.today, &answers);
    options.errors = &errors;
    let pages = HtmlRenderer::new()
        .pages(&validator, &options)
        .map_err(|source| CliError::Html {
            path: form_path.to_owned(),
            source,
        })?;
    std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
        path: dir.to_owned(),
        source,
    })?;
    for (name, page) in pages {
        write_file(&dir.join(format!("{name}.html")), page.as_bytes(), out)?;
    }
    write_assets(dir)?;
    Ok(EXIT_OK)
}

/// Loads a form to validate against: a compiled `form.json`, or a form file compiled now.
fn load_form(path: &Path, style: Style, err: &mut dyn Write) -> Result<Form, CliError> {
    if path.extension().is_some_and(|ext| ext == "json") {
        let text = read_text(path)?;
        return Form::from_json(&text).map_err(|source| CliError::FormJson {
            path: path.to_owned(),
            source,
        });
    }
    let (sources, compiled) = compile_file(path)?;
    if compiled.has_errors() {
        print_human(&sources, &compiled.diagnostics, style, err);
        return Err(CliError::BadForm {
            path: path.to_owned(),
        });
    }
    compiled
        .form
        .ok_or_else(|| CliError::NoFormToValidate(path.to_owned()))
}

/// Prepares a form for validating and rendering.
fn prepare(form: &Form, path: &Path) -> Result<Validator, CliError> {
    Validator::new(form).map_err(|source| CliError::Prepare {
        path: path.to_owned(),
        source,
    })
}

/// Reads a submission's answers, strictly (see `parse_answers`).
fn load_answers(path: &Path) -> Result<serde_json::Value, CliError> {
    let text = read_text(path)?;
    parse_answers(&text, &AnswerLimits::default()).map_err(|source| CliError::Answers {
        path: path.to_owned(),
        source,
    })
}

/// Reads a file as UTF-8 text.
fn read_text(path: &Path) -> Result<String, CliError> {
    let bytes = std::fs::read(path).map_err(|source| CliError::Read {
        path: path.to_owned(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|error| CliError::Read {
        path: path.to_owned(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "it is not UTF-8 text (the first bad byte is at offset {})",
                error.utf8_error().valid_up_to()
            ),
        ),
    })
}

fn validate(
    form_path: &Path,
    answers_path: &Path,
    options: &ValidateOptions,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, CliError> {
    let form = load_form(form_path, style, err)?;
    let validator = prepare(&form, form_path)?;
    let answers = load_answers(answers_path)?;
    let errors = validator.validate(&answers, options);
    #[derive(serde::Serialize)]
    struct Report<'a> {
        errors: &'a [form_runtime::ValidationError],
    }
    let report = Report { errors: &errors };
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&report).unwrap_or_default()
    );
    let _ = match errors.len() {
        0 => writeln!(err, "{}: valid", answers_path.display()),
        1 => writeln!(err, "{}: 1 error", answers_path.display()),
        n => writeln!(err, "{}: {n} errors", answers_path.display()),
    };
    Ok(if errors.is_empty() {
        EXIT_OK
    } else {
        EXIT_INVALID
    })
}

/// What `sendform pdf` is asked for.
struct PdfRequest<'a> {
    form: &'a Path,
    answers: &'a Path,
    out: &'a Path,
    kind: DocumentKind,
    template: Option<&'a Path>,
    audience: Option<Audience>,
    submitted: Option<(&'a str, form_runtime::Date)>,
    conformance: Conformance,
    today: form_runtime::Date,
}

/// The name of the built-in EHC plan template for `--template`.
const EHC_PLAN: &str = "ehc-plan";

fn pdf(
    request: &PdfRequest<'_>,
    style: Style,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<u8, CliError> {
    let form = load_form(request.form, style, err)?;
    let validator = prepare(&form, request.form)?;
    let answers = load_answers(request.answers)?;
    let template_text = match request.template {
        Some(path) if path.as_os_str() != EHC_PLAN => Some(read_text(path)?),
        _ => None,
    };
    let template = match (request.template, &template_text) {
        (_, Some(text)) => Template::Custom(text),
        (Some(_), None) => Template::EhcPlan,
        (None, None) => Template::Document,
    };
    let audience = request
        .audience
        .or_else(|| form.audiences.first().copied())
        .unwrap_or(Audience::La);
    let errors =
        form_render::report::document_errors(&validator, &answers, audience, request.today);
    if !errors.is_empty() {
        let _ = writeln!(
            err,
            "{}: {} (rendered all the same):",
            request.answers.display(),
            match errors.len() {
                1 => "1 error".to_owned(),
                n => format!("{n} errors"),
            }
        );
        for error in &errors {
            let _ = writeln!(
                err,
                "  {}: {} [{}]",
                terminal_safe(&error.path),
                terminal_safe(&error.message),
                error.code
            );
        }
    }
    let mut document = DocumentOptions::filled(audience, request.today, &answers);
    document.kind = request.kind;
    document.submitted = request
        .submitted
        .map(|(by, on)| form_render::report::Submitted { by, on });
    let options = PdfOptions {
        template,
        conformance: request.conformance,
        ..PdfOptions::default()
    };
    let rendered = PdfRenderer::new()
        .render(&validator, &document, &options)
        .map_err(|mut source| {
            // Typst knows the template as `/main.typ`: name it as the user does.
            if let (Some(path), PdfError::Template { diagnostics }) = (
                request.template.filter(|_| template_text.is_some()),
                &mut source,
            ) {
                for diagnostic in diagnostics {
                    rename_file(diagnostic, "/main.typ", path);
                }
            }
            CliError::Pdf {
                path: request.template.unwrap_or(request.form).to_owned(),
                source,
            }
        })?;
    for warning in &rendered.warnings {
        // A warning about the data (a character the fonts cannot show) is about the answers.
        let mut warning = warning.clone();
        rename_file(&mut warning, "/data.json", request.answers);
        let _ = writeln!(err, "{}", terminal_safe(&warning.to_string()));
    }
    write_file(request.out, &rendered.bytes, out)?;
    Ok(EXIT_OK)
}

/// Names the file of `diagnostic` as the user does (`path`) when Typst names it `virtual_file`.
fn rename_file(diagnostic: &mut TemplateDiagnostic, virtual_file: &str, path: &Path) {
    if diagnostic.file.as_deref() == Some(virtual_file) {
        diagnostic.file = Some(path.display().to_string());
    }
}

/// `text` with its control characters written as escapes (`\u{1b}`), so that an answer's key
/// printed on a terminal cannot move the cursor, recolour or clear it, nor hide a character.
fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c.is_control() {
            safe.extend(c.escape_default());
        } else {
            safe.push(c);
        }
    }
    Cow::Owned(safe)
}

fn explain(name: &str, out: &mut dyn Write, _err: &mut dyn Write) -> Result<u8, CliError> {
    match Code::from_name(name) {
        Some(code) => {
            let _ = write!(out, "{}", code.documentation());
            Ok(EXIT_OK)
        }
        None => {
            let names: Vec<&str> = Code::ALL.iter().map(|code| code.as_str()).collect();
            let close = names
                .iter()
                .find(|candidate| candidate.contains(name) || name.contains(**candidate))
                .map(|candidate| format!("; did you mean `{candidate}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "; the codes are listed in docs/diagnostics.md ({} codes)",
                        names.len()
                    )
                });
            Err(CliError::UnknownCode {
                code: name.to_owned(),
                suggestion: close,
            })
        }
    }
}
