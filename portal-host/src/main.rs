//! `sendform`: check, build and (later) serve SEND forms.

use std::process::ExitCode;

/// mimalloc, not the system allocator: Typst allocates and frees a great many small objects
/// as it lays out a document, and a new document renders faster with mimalloc
/// (docs/performance.md). The libraries leave the choice to whoever embeds them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let code = portal_host::cli::run(std::env::args_os(), &mut stdout.lock(), &mut stderr.lock());
    ExitCode::from(code)
}
