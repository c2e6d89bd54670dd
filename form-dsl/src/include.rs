//! How `include "path"` reaches other files: through a [`Loader`] the caller supplies, since
//! the library itself never touches the file system.

use std::collections::BTreeMap;

/// A file a loader found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    /// The file's name, resolved (for files on disk, the path relative to the working
    /// directory). Two includes of the same file must give the same name.
    pub name: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Why an included file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncludeError {
    /// There is no such file.
    #[error("there is no file `{path}`")]
    NotFound {
        /// The path as resolved.
        path: String,
    },
    /// The file exists but cannot be read.
    #[error("`{path}` cannot be read: {reason}")]
    Unreadable {
        /// The path as resolved.
        path: String,
        /// Why, as the operating system says it.
        reason: String,
    },
    /// This loader does not load files at all.
    #[error("including other files is not available here")]
    Unsupported,
}

/// Loads the files that `include` names.
pub trait Loader {
    /// Loads `path`, as written in an `include` in the file named `from`.
    fn load(&self, from: &str, path: &str) -> Result<Loaded, IncludeError>;
}

/// A loader for forms that include nothing: every `include` is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoIncludes;

impl Loader for NoIncludes {
    fn load(&self, _from: &str, _path: &str) -> Result<Loaded, IncludeError> {
        Err(IncludeError::Unsupported)
    }
}

/// A loader over files held in memory, by name: for tests, and for services that keep form
/// files in a database. Paths resolve relative to the including file's folder.
#[derive(Debug, Clone, Default)]
pub struct MemoryLoader {
    files: BTreeMap<String, String>,
}

impl MemoryLoader {
    /// An empty loader.
    pub fn new() -> MemoryLoader {
        MemoryLoader::default()
    }

    /// Adds a file.
    pub fn with_file(mut self, name: impl Into<String>, text: impl Into<String>) -> MemoryLoader {
        self.files.insert(name.into(), text.into());
        self
    }
}

impl Loader for MemoryLoader {
    fn load(&self, from: &str, path: &str) -> Result<Loaded, IncludeError> {
        let name = resolve_relative(from, path);
        self.files
            .get(&name)
            .map(|text| Loaded {
                name: name.clone(),
                bytes: text.clone().into_bytes(),
            })
            .ok_or(IncludeError::NotFound { path: name })
    }
}

/// `path` relative to the folder of `from`, with `.` and `..` segments resolved. Absolute
/// paths are returned as they are.
pub(crate) fn resolve_relative(from: &str, path: &str) -> String {
    if path.starts_with('/') {
        return path.to_owned();
    }
    let mut segments: Vec<&str> = from.split('/').collect();
    segments.pop();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." if segments.last().is_some_and(|last| *last != "..") && !segments.is_empty() => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::resolve_relative;

    #[test]
    fn paths_resolve_relative_to_the_including_file() {
        assert_eq!(
            resolve_relative("forms/ersa.form", "lists.form"),
            "forms/lists.form"
        );
        assert_eq!(
            resolve_relative("forms/ersa.form", "../shared/lists.form"),
            "shared/lists.form"
        );
        assert_eq!(resolve_relative("ersa.form", "./lists.form"), "lists.form");
        assert_eq!(
            resolve_relative("ersa.form", "../lists.form"),
            "../lists.form"
        );
        assert_eq!(
            resolve_relative("a/b.form", "/abs/lists.form"),
            "/abs/lists.form"
        );
    }
}
