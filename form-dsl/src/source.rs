//! Source files and positions: the files of one compilation (the form and what it includes).

use form_runtime::Span;

/// Identifies a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(u32);

impl FileId {
    /// The file's index in its source map.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// One source file, decoded as UTF-8.
#[derive(Debug, Clone)]
pub struct SourceFile {
    id: FileId,
    name: String,
    text: String,
    byte_len: usize,
    invalid_utf8_at: Option<usize>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// The file's id in its source map.
    pub fn id(&self) -> FileId {
        self.id
    }

    /// The name given when the file was added: a path for files on disk.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The text. Bytes that were not UTF-8 are replaced by U+FFFD (and reported by the parser).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The size of the file as read, in bytes.
    pub fn byte_len(&self) -> usize {
        self.byte_len
    }

    /// Where the first byte that is not UTF-8 is, if any.
    pub fn invalid_utf8_at(&self) -> Option<usize> {
        self.invalid_utf8_at
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        };
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count());
        (line + 1, column + 1)
    }

    /// The text of a span (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }

    /// The text of the 1-based line `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// The span of the whole file's end, for problems "at the end of the file".
    pub fn end_span(&self) -> Span {
        let end = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        Span::new(end, end)
    }
}

/// The files of one compilation. The first file added is the form being compiled.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty source map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file from its bytes. Invalid UTF-8 is replaced and reported when parsed.
    pub fn add(&mut self, name: impl Into<String>, bytes: Vec<u8>) -> FileId {
        let byte_len = bytes.len();
        let (text, invalid_utf8_at) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(error.as_bytes()).into_owned(),
                    Some(at),
                )
            }
        };
        self.push(name.into(), text, byte_len, invalid_utf8_at)
    }

    /// Adds a file from text.
    pub fn add_text(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        let text = text.into();
        let byte_len = text.len();
        self.push(name.into(), text, byte_len, None)
    }

    fn push(
        &mut self,
        name: String,
        text: String,
        byte_len: usize,
        invalid_utf8_at: Option<usize>,
    ) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        self.files.push(SourceFile {
            id,
            name,
            text,
            byte_len,
            invalid_utf8_at,
            line_starts,
        });
        id
    }

    /// The file with this id.
    ///
    /// # Panics
    /// If the id is not from this map (ids are only made by `add`, so this is a bug).
    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.index()]
    }

    /// The file with this name, if it has been added.
    pub fn find(&self, name: &str) -> Option<&SourceFile> {
        self.files.iter().find(|file| file.name == name)
    }

    /// All files, in the order they were added.
    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
}
