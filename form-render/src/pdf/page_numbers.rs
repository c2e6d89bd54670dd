//! Page numbers printed after layout. A template asks for one with `page-number()` (in
//! `sendform.typ`), which leaves a marker (a `metadata` element holding the number's format and
//! text style) in a header or footer. Once Typst has laid the pages out, each marker's number
//! is laid out on its own (`page-numbers.typ`, one small page per number) and its text placed
//! where the marker stands, on the marker's baseline.
//!
//! Typst can print page numbers itself (`counter(page).display()`), but a page's number is
//! known only after every page before it is laid out, so such a document is laid out twice,
//! and the layouts of its paragraphs are tied to the first pass and cannot be reused by the
//! next document. Printed here, the body is laid out once: a new 35-page plan renders in about
//! four fifths of the time.

use std::collections::HashMap;
use std::str::FromStr;

use typst::diag::Warned;
use typst::foundations::{Bytes, Content, Dict, Value};
use typst::introspection::{Location, MetadataElem, Tag};
use typst::layout::{Abs, Frame, FrameItem, GroupItem, Point};
use typst::model::{Document, NumberingPattern};
use typst::syntax::Source;
use typst_layout::PagedDocument;

use super::world::{FILES, RenderWorld};
use super::{PdfError, diagnostics};

/// The template that lays out the numbers.
const NUMBERS_TEMPLATE: &str = include_str!("../../templates/pdf/page-numbers.typ");

/// `document` with the page numbers its markers ask for; the same document when it has none.
pub(super) fn print(
    world: &RenderWorld,
    document: PagedDocument,
) -> Result<PagedDocument, PdfError> {
    let mut markers = Vec::new();
    for page in document.pages() {
        collect(&page.frame, page.number, &mut markers);
    }
    if markers.is_empty() {
        return Ok(document);
    }
    let last = document.pages().last().map_or(0, |page| page.number);
    let requests: Vec<serde_json::Value> = markers
        .iter()
        .map(|marker| {
            let mut request = serde_json::to_value(marker.style)?;
            // As Typst numbers pages: the last page's number too when the pattern has room
            // for two ("1 of 1"), only this page's otherwise ("i").
            let both = match marker.style.get("format") {
                Ok(Value::Str(format)) => NumberingPattern::from_str(format.as_str())
                    .is_ok_and(|pattern| pattern.pieces() >= 2),
                _ => false,
            };
            if let Some(fields) = request.as_object_mut() {
                fields.insert("page".to_owned(), marker.page.into());
                fields.insert("last".to_owned(), last.into());
                fields.insert("both".to_owned(), both.into());
            }
            Ok(request)
        })
        .collect::<Result<_, serde_json::Error>>()?;
    let numbers_world = RenderWorld {
        assets: world.assets.clone(),
        main: Source::new(FILES.page_numbers, NUMBERS_TEMPLATE.to_owned()),
        data: Bytes::new(serde_json::to_vec(&requests)?),
        today: world.today,
    };
    // Its warnings are left out: the same fonts and styles were used, and warned about, in the
    // document itself.
    let Warned { output, .. } = typst::compile::<PagedDocument>(&numbers_world);
    let numbers = output.map_err(|errors| PdfError::Template {
        diagnostics: diagnostics(&numbers_world, &errors),
    })?;
    let texts: HashMap<Location, Placed> = markers
        .iter()
        .zip(numbers.pages())
        .filter_map(|(marker, page)| {
            let mut frame = page.frame.clone();
            strip_tags(&mut frame);
            let baseline = first_baseline(&frame)?;
            let shift = match marker.style.get("align") {
                Ok(Value::Str(align)) if align.as_str() == "left" => Abs::zero(),
                _ => frame.width(),
            };
            Some((
                marker.location,
                Placed {
                    frame,
                    offset: Point::new(-shift, -baseline),
                },
            ))
        })
        .collect();

    let pages = document.pages().iter().cloned().map(|mut page| {
        place(&mut page.frame, &texts);
        page
    });
    Ok(PagedDocument::new(pages.collect(), document.info().clone()))
}

/// A `page-number()` marker: where it stands, the number of its page, and the format and text
/// style it asks for.
struct Marker<'a> {
    location: Location,
    page: u64,
    style: &'a Dict,
}

/// A number's text, and where it goes from its marker.
struct Placed {
    frame: Frame,
    offset: Point,
}

/// The format and style of the marker `content` is, if it is one.
fn marker_style(content: &Content) -> Option<&Dict> {
    let Value::Dict(dict) = &content.to_packed::<MetadataElem>()?.value else {
        return None;
    };
    match dict.get("sendform") {
        Ok(Value::Str(kind)) if kind.as_str() == "page-number" => Some(dict),
        _ => None,
    }
}

fn collect<'a>(frame: &'a Frame, page: u64, out: &mut Vec<Marker<'a>>) {
    for (_, item) in frame.items() {
        match item {
            FrameItem::Group(group) => collect(&group.frame, page, out),
            FrameItem::Tag(Tag::Start(content, _)) => {
                if let (Some(style), Some(location)) = (marker_style(content), content.location()) {
                    out.push(Marker {
                        location,
                        page,
                        style,
                    });
                }
            }
            _ => {}
        }
    }
}

fn holds_marker(frame: &Frame) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(group) => holds_marker(&group.frame),
        FrameItem::Tag(Tag::Start(content, _)) => marker_style(content).is_some(),
        _ => false,
    })
}

/// Puts each number's text into the frame that holds its marker, just after it, so that it is
/// inside whatever holds the marker (a footer is marked as an artifact in a tagged PDF).
/// Frames without a marker are left alone: shared with Typst's cache, they are not copied.
fn place(frame: &mut Frame, texts: &HashMap<Location, Placed>) {
    if !holds_marker(frame) {
        return;
    }
    frame.retain(|item| {
        if let FrameItem::Group(group) = item {
            place(&mut group.frame, texts);
        }
        true
    });
    let inserts: Vec<(usize, Point, &Placed)> = frame
        .items()
        .enumerate()
        .filter_map(|(index, (position, item))| match item {
            FrameItem::Tag(Tag::Start(content, _)) if marker_style(content).is_some() => content
                .location()
                .and_then(|location| texts.get(&location))
                .map(|placed| (index, *position, placed)),
            _ => None,
        })
        .collect();
    for (index, position, placed) in inserts.into_iter().rev() {
        frame.insert(
            index + 1,
            position + placed.offset,
            FrameItem::Group(GroupItem::new(placed.frame.clone())),
        );
    }
}

/// A number's page without its introspection tags: they belong to the numbers' own document,
/// and the text is placed in the middle of another.
fn strip_tags(frame: &mut Frame) {
    frame.retain(|item| match item {
        FrameItem::Tag(_) => false,
        FrameItem::Group(group) => {
            group.parent = None;
            strip_tags(&mut group.frame);
            true
        }
        _ => true,
    });
}

/// How far below its top a frame's first line of text has its baseline.
fn first_baseline(frame: &Frame) -> Option<Abs> {
    frame.items().find_map(|(position, item)| match item {
        FrameItem::Text(_) => Some(position.y),
        FrameItem::Group(group) => first_baseline(&group.frame).map(|y| y + position.y),
        _ => None,
    })
}
