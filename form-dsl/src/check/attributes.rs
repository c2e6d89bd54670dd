//! Collecting the attributes of a form, section, block or question: each at most once, each
//! allowed where it is written, and `message` only where an error can be shown.

use form_runtime::Span;

use super::Ctx;
use crate::ast::{Attribute, AttributeKind, BodyItem, Number, Str};
use crate::diagnostic::Code;

/// Attributes whose failure shows an error to the person filling the form, and so may carry
/// the designer's own `message`.
const TAKES_MESSAGE: &[&str] = &[
    "required",
    "min_length",
    "max_length",
    "max_words",
    "pattern",
    "min",
    "max",
    "decimals",
    "min_selected",
    "max_selected",
    "min_files",
    "max_files",
    "max_size",
    "before",
    "after",
    "not_before",
    "not_after",
];

/// The attributes of one part, checked.
pub(super) struct Attributes<'t> {
    /// Few enough (at most a dozen) that a list is faster than a map.
    by_keyword: Vec<(&'static str, &'t Attribute)>,
}

impl<'t> Attributes<'t> {
    /// Collects the attributes in `body` that `allowed` lists, reporting the others, and any
    /// given twice. `what` names the part, such as "a `date` question".
    pub(super) fn collect(
        ctx: &mut Ctx<'_>,
        body: &'t [BodyItem],
        allowed: &[&str],
        what: &str,
    ) -> Attributes<'t> {
        let mut by_keyword: Vec<(&'static str, &'t Attribute)> = Vec::new();
        for item in body {
            let BodyItem::Attribute(attribute) = item else {
                continue;
            };
            let keyword = attribute.kind.keyword();
            if !allowed.contains(&keyword) {
                let mut diagnostic = ctx.diagnostic(
                    Code::AttributeNotAllowed,
                    attribute.name_span,
                    format!("`{keyword}` does not apply to {what}"),
                );
                diagnostic = diagnostic.with_help(match specific_help(keyword, what) {
                    Some(help) => help,
                    None => format!(
                        "{what} takes {}",
                        allowed
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
                ctx.report(diagnostic);
                continue;
            }
            if let Some((_, first)) = by_keyword.iter().find(|(k, _)| *k == keyword) {
                let diagnostic = ctx
                    .diagnostic(
                        Code::DuplicateAttribute,
                        attribute.name_span,
                        format!("`{keyword}` is given twice"),
                    )
                    .with_label(ctx.file, first.name_span, "first given here")
                    .with_help("keep one of them");
                ctx.report(diagnostic);
                continue;
            }
            if let Some(message) = &attribute.message
                && !TAKES_MESSAGE.contains(&keyword)
            {
                let diagnostic = ctx
                    .diagnostic(
                        Code::AttributeNotAllowed,
                        message.span,
                        format!("`{keyword}` shows no error, so it takes no `message`"),
                    )
                    .with_help("remove the message");
                ctx.report(diagnostic);
            }
            by_keyword.push((keyword, attribute));
        }
        Attributes { by_keyword }
    }

    pub(super) fn get(&self, keyword: &str) -> Option<&'t Attribute> {
        self.by_keyword
            .iter()
            .find(|(k, _)| *k == keyword)
            .map(|(_, attribute)| *attribute)
    }

    pub(super) fn text(&self, keyword: &str) -> Option<&'t Str> {
        match &self.get(keyword)?.kind {
            AttributeKind::Text(_, value) => Some(value),
            _ => None,
        }
    }

    pub(super) fn text_value(&self, keyword: &str) -> Option<String> {
        self.text(keyword).map(|text| text.value.clone())
    }

    /// A number attribute's value and message. A date given instead of a number is reported
    /// here, where the attribute applies (where it does not, `collect` has reported that).
    pub(super) fn number(
        &self,
        ctx: &mut Ctx<'_>,
        keyword: &str,
    ) -> Option<(&'t Number, Option<String>)> {
        let attribute = self.get(keyword)?;
        match &attribute.kind {
            AttributeKind::Number(_, number) => Some((number, message(attribute))),
            AttributeKind::NumberGivenDate(_, span) => {
                let diagnostic = ctx
                    .diagnostic(
                        Code::InvalidValue,
                        *span,
                        format!("`{keyword}` takes a number, not a date"),
                    )
                    .with_help(
                        "bound a date question with `not_before`, `not_after`, `before` or `after`",
                    );
                ctx.report(diagnostic);
                None
            }
            _ => None,
        }
    }

    pub(super) fn span(&self, keyword: &str) -> Option<Span> {
        self.get(keyword).map(|attribute| attribute.span)
    }

    pub(super) fn has(&self, keyword: &str) -> bool {
        self.get(keyword).is_some()
    }
}

/// The designer's message of an attribute.
pub(super) fn message(attribute: &Attribute) -> Option<String> {
    attribute
        .message
        .as_ref()
        .map(|message| message.value.clone())
}

fn specific_help(keyword: &str, what: &str) -> Option<String> {
    let help = match (keyword, what) {
        ("min" | "max", w) if w.contains("`date`") => {
            "for dates, write `not_before` and `not_after` (or `before` and `after`)"
        }
        ("before" | "after" | "not_before" | "not_after", _) => {
            "date bounds apply to `date` questions"
        }
        ("max_words", _) => "`max_words` applies to `long_text` questions",
        ("max_length" | "min_length", w) if w.contains("choice") => {
            "choices have no length; use `min_selected` and `max_selected` on `multi_choice`"
        }
        ("options" | "from", w) if w.contains("`yes_no`") => {
            "a `yes_no` question's answers are yes and no; for other answers use `choice`"
        }
        ("options" | "from", _) => "only `choice` and `multi_choice` questions have choices",
        ("hint", w) if w.contains("section") => "use `intro` for text at the top of a section",
        ("required", w) if w.contains("repeating block") => {
            "write `min 1` for a block that needs at least one entry"
        }
        ("required" | "hint" | "locked for", w) if w.contains("display") => {
            "display content has no answer"
        }
        ("min_selected" | "max_selected" | "exclusive", _) => {
            "this applies to `multi_choice` questions"
        }
        ("decimals", _) => "`decimals` applies to `decimal` questions",
        ("accept" | "max_size" | "min_files" | "max_files", _) => {
            "this applies to `file` questions"
        }
        ("version" | "audience", _) => "this belongs at the top of the form",
        ("owned_by_author" | "item", _) => "this applies to `repeat` blocks",
        ("only on", _) => {
            "only `display` content can be limited to the web pages or to paper: every question is asked on both"
        }
        _ => return None,
    };
    Some(help.to_owned())
}
