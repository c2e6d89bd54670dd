//! The `sendform` command line: `check`, `build` and `explain`.
//!
//! Exit codes: 0 when the command succeeded (warnings allowed), 1 when a form has errors,
//! 2 when a file cannot be read or written, or the command line is wrong.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand, ValueEnum};
use form_dsl::{Code, Compiled, Diagnostic, Options, SourceMap, compile};

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
    about = "Check and build SEND form files",
    long_about = "Check and build SEND form files.\n\nExit status: 0 when all is well (warnings allowed), 1 when a form has errors, 2 when a file cannot be read or written."
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
    /// Compile forms and write their outputs (form.json) to a folder. With several files, each
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
    /// Explain a diagnostic code, such as `duplicate-id`.
    Explain {
        /// The code.
        code: String,
    },
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

/// Operational failures: files that cannot be read or written.
#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("`{0}` defines no form (only taxonomies), so there is nothing to build")]
    NoForm(PathBuf),
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
    let form_json = dir.join("form.json");
    let mut json = form.to_json();
    json.push('\n');
    std::fs::write(&form_json, json).map_err(|source| CliError::Write {
        path: form_json.clone(),
        source,
    })?;
    let _ = writeln!(out, "{}", form_json.display());
    Ok(EXIT_OK)
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
