//! The private, in-memory Typst world documents are rendered in: embedded fonts, the standard
//! library, and three virtual files (`/main.typ`, the template; `/sendform.typ`, the shared
//! helpers; `/data.json`, the document's data), or, to lay out page numbers,
//! `/page-numbers.typ` and its list in `/data.json`. No file system, no packages, no network, and
//! `today` from the caller.

use std::sync::{Arc, LazyLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The font documents are set in: Liberation Sans (SIL Open Font License 1.1), with Arial's
/// metrics, in four styles. It shows Latin, Greek, Cyrillic and Hebrew.
const FONTS: [&[u8]; 4] = [
    include_bytes!("../../fonts/LiberationSans-Regular.ttf"),
    include_bytes!("../../fonts/LiberationSans-Bold.ttf"),
    include_bytes!("../../fonts/LiberationSans-Italic.ttf"),
    include_bytes!("../../fonts/LiberationSans-BoldItalic.ttf"),
];

/// The fonts Typst falls back to for the scripts Liberation Sans does not show, so that an
/// answer written in one of the languages England's families most often write in prints as
/// written: Noto Sans (SIL Open Font License 1.1), regular only (its bold is as long again).
/// Scripts beyond these (Chinese, Japanese and Korean among them, whose fonts are larger than
/// all of these together) are replaced, with a warning.
const FALLBACK_FONTS: [&[u8]; 10] = [
    include_bytes!("../../fonts/NotoSansArabic-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansBengali-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansGurmukhi-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansDevanagari-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansGujarati-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansTamil-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansEthiopic-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansThai-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansGeorgian-Regular.ttf"),
    include_bytes!("../../fonts/NotoSansArmenian-Regular.ttf"),
];

/// The shared helpers every template may import as `/sendform.typ`.
pub const HELPERS: &str = include_str!("../../templates/pdf/sendform.typ");

/// The virtual files. Typst's file ids are global to the process and never freed, so the
/// set is fixed: these four, made once.
pub(crate) struct Files {
    pub(crate) main: FileId,
    pub(crate) page_numbers: FileId,
    pub(crate) helpers: FileId,
    pub(crate) data: FileId,
}

pub(crate) static FILES: LazyLock<Files> = LazyLock::new(|| Files {
    main: project_file("/main.typ"),
    page_numbers: project_file("/page-numbers.typ"),
    helpers: project_file("/sendform.typ"),
    data: project_file("/data.json"),
});

fn project_file(path: &'static str) -> FileId {
    let vpath = VirtualPath::new(path).expect("the virtual paths are constants, and valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// What every render shares, prepared once: the standard library, the fonts and the parsed
/// helpers.
#[derive(Debug)]
pub(crate) struct Assets {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    /// Liberation Sans's four styles, then the fallback fonts.
    fonts: Vec<Font>,
    /// How many of `fonts` are Liberation Sans's styles.
    styles: usize,
    /// Whether the fonts show each of the first 256 characters, looked up rather than
    /// searched for in the fonts' coverage: nearly every character of an answer is one.
    shows_latin1: [bool; 256],
    helpers: Source,
}

impl Assets {
    pub(crate) fn new() -> Assets {
        let load = |data: &[&'static [u8]]| -> Vec<Font> {
            data.iter()
                .flat_map(|data| Font::iter(Bytes::new(*data)))
                .collect()
        };
        let mut fonts = load(&FONTS);
        let styles = fonts.len();
        fonts.extend(load(&FALLBACK_FONTS));
        let shows_latin1 = std::array::from_fn(|code| {
            fonts_show(&fonts, styles, u32::try_from(code).unwrap_or(0))
        });
        Assets {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            styles,
            shows_latin1,
            helpers: Source::new(FILES.helpers, HELPERS.to_owned()),
        }
    }
}

impl Assets {
    /// Whether the fonts can show `c`: every style of Liberation Sans, or a fallback font.
    pub(crate) fn shows(&self, c: char) -> bool {
        match self.shows_latin1.get(c as usize) {
            Some(shown) => *shown,
            None => fonts_show(&self.fonts, self.styles, u32::from(c)),
        }
    }

    /// Whether every style shows every printable ASCII character (Liberation Sans does).
    pub(crate) fn shows_ascii(&self) -> bool {
        self.shows_latin1[0x20..0x7f].iter().all(|shown| *shown)
    }
}

/// Whether every style (the first `styles` of `fonts`) shows `code`, or a fallback font does.
fn fonts_show(fonts: &[Font], styles: usize, code: u32) -> bool {
    let (styles, fallbacks) = fonts.split_at(styles.min(fonts.len()));
    let covers = |font: &Font| font.info().coverage.contains(code);
    styles.iter().all(covers) || fallbacks.iter().any(covers)
}

/// One render's world: the shared assets, the template (`/main.typ`, or `/page-numbers.typ`)
/// and the data.
#[derive(Debug)]
pub(crate) struct RenderWorld {
    pub(crate) assets: Arc<Assets>,
    pub(crate) main: Source,
    pub(crate) data: Bytes,
    pub(crate) today: Option<Datetime>,
}

impl RenderWorld {
    /// The text of a virtual file, for locating diagnostics.
    pub(crate) fn text(&self, id: FileId) -> Option<&str> {
        let files = &*FILES;
        if id == self.main.id() {
            Some(self.main.text())
        } else if id == files.helpers {
            Some(self.assets.helpers.text())
        } else if id == files.data {
            std::str::from_utf8(self.data.as_slice()).ok()
        } else {
            None
        }
    }
}

fn not_available(id: FileId) -> FileError {
    if id.root() != &VirtualRoot::Project {
        FileError::Other(Some(
            "packages are not available to form documents: a template may import only \
             \"/sendform.typ\""
                .into(),
        ))
    } else {
        FileError::NotFound(id.vpath().get_with_slash().into())
    }
}

impl World for RenderWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.assets.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.assets.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        let files = &*FILES;
        if id == self.main.id() {
            Ok(self.main.clone())
        } else if id == files.helpers {
            Ok(self.assets.helpers.clone())
        } else if id == files.data {
            Err(FileError::NotSource)
        } else {
            Err(not_available(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let files = &*FILES;
        if id == files.data {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.text().to_owned()))
        } else if id == files.helpers {
            Ok(Bytes::new(HELPERS.as_bytes()))
        } else {
            Err(not_available(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.assets.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        self.today
    }
}
