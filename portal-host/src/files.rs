//! Reading form files from disk, for the CLI and the host.

use std::path::{Component, Path, PathBuf};

use form_dsl::{IncludeError, Loaded, Loader};

/// Loads included files from the file system, relative to the including file's folder.
#[derive(Debug, Clone, Copy, Default)]
pub struct FsLoader;

impl Loader for FsLoader {
    fn load(&self, from: &str, path: &str) -> Result<Loaded, IncludeError> {
        let base = Path::new(from).parent().unwrap_or(Path::new(""));
        let resolved = normalize(&base.join(path));
        let name = resolved.to_string_lossy().into_owned();
        match std::fs::read(&resolved) {
            Ok(bytes) => Ok(Loaded { name, bytes }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                Err(IncludeError::NotFound { path: name })
            }
            Err(error) => Err(IncludeError::Unreadable {
                path: name,
                reason: error.to_string(),
            }),
        }
    }
}

/// Removes `.` and resolves `..` lexically, so that two routes to one file get one name.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let ends_in_name =
                    matches!(out.components().next_back(), Some(Component::Normal(_)));
                if ends_in_name {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use std::path::Path;

    #[test]
    fn normalize_resolves_dots_lexically() {
        assert_eq!(
            normalize(Path::new("forms/./a/../b.form")),
            Path::new("forms/b.form")
        );
        assert_eq!(
            normalize(Path::new("../lists.form")),
            Path::new("../lists.form")
        );
        assert_eq!(
            normalize(Path::new("a/../../lists.form")),
            Path::new("../lists.form")
        );
    }
}
