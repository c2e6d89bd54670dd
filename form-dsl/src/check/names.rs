//! Ids: one namespace for sections, blocks, questions and content, with checks that two ids
//! cannot be mistaken for each other (Unicode normalisation, look-alike letters, mixed
//! scripts) and that no id is a word of the rule language.

use std::collections::{BTreeMap, HashMap};

use form_runtime::Span;
use unicode_normalization::UnicodeNormalization;
use unicode_security::MixedScript;

use super::Ctx;
use super::rules::Ty;
use crate::ast::{Ident, QuestionType};
use crate::diagnostic::Code;

/// What an id names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SymbolKind {
    Repeat,
    Question(QuestionType),
    Content,
}

impl SymbolKind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            SymbolKind::Repeat => "a repeating block",
            SymbolKind::Question(_) => "a question",
            SymbolKind::Content => "display content",
        }
    }
}

/// An id and what it names.
#[derive(Debug, Clone)]
pub(crate) struct Symbol {
    pub(crate) id: String,
    pub(crate) span: Span,
    pub(crate) kind: SymbolKind,
    /// The repeating blocks the element is inside, outermost first.
    pub(crate) blocks: Vec<String>,
    /// The type of the element's answer in rules.
    pub(crate) ty: Ty,
}

/// Words of the rule language that cannot be ids.
const RESERVED: &[&str] = &["and", "or", "not", "in", "true", "false", "today"];

/// The ids of a form, in document order. Sections have ids of their own kind: a section and
/// the block in it may share an id, since answers are stored under block and question ids only.
#[derive(Default)]
pub(crate) struct Symbols {
    /// Only looked up, never iterated: document order comes from `list`.
    by_id: HashMap<String, usize>,
    pub(crate) list: Vec<Symbol>,
    sections: BTreeMap<String, Span>,
}

impl Symbols {
    /// Declares a section's id; reports a duplicate and returns false.
    pub(crate) fn declare_section(&mut self, ctx: &mut Ctx<'_>, ident: &Ident) -> bool {
        let id = normalize(&ident.name);
        if let Some(first) = self.sections.get(&id) {
            let diagnostic = ctx
                .diagnostic(
                    Code::DuplicateId,
                    ident.span,
                    format!("the section id `{id}` is already used"),
                )
                .with_label(ctx.file, *first, "first used here")
                .with_help("give each section its own id");
            ctx.report(diagnostic);
            return false;
        }
        self.sections.insert(id, ident.span);
        true
    }

    /// Where the section with this id is defined.
    pub(crate) fn section(&self, id: &str) -> Option<Span> {
        self.sections.get(id).copied()
    }

    pub(crate) fn get(&self, id: &str) -> Option<&Symbol> {
        self.by_id.get(id).map(|&index| &self.list[index])
    }

    /// Declares an id; reports a duplicate (or a reserved word) and returns false.
    pub(crate) fn declare(
        &mut self,
        ctx: &mut Ctx<'_>,
        ident: &Ident,
        kind: SymbolKind,
        blocks: &[String],
        ty: Ty,
    ) -> bool {
        let id = normalize(&ident.name);
        if RESERVED.contains(&id.as_str()) {
            let diagnostic = ctx
                .diagnostic(
                    Code::ReservedId,
                    ident.span,
                    format!("`{id}` is a word of the rule language and cannot be an id"),
                )
                .with_help(format!("choose another id, such as `{id}_answer`"));
            ctx.report(diagnostic);
            return false;
        }
        if let Some(&index) = self.by_id.get(&id) {
            let first = &self.list[index];
            let mut diagnostic = ctx
                .diagnostic(
                    Code::DuplicateId,
                    ident.span,
                    format!("the id `{id}` is already used by {}", first.kind.describe()),
                )
                .with_label(ctx.file, first.span, "first used here");
            let first_text = ctx.text(first.span).to_owned();
            diagnostic = if first_text != ident.name {
                diagnostic.with_help(
                    "the two ids look different in the file but are the same once accented letters are encoded the same way; give each part its own id",
                )
            } else {
                diagnostic.with_help(
                    "ids must be unique in a form, because answers are stored under them; give each part its own id",
                )
            };
            ctx.report(diagnostic);
            return false;
        }
        self.by_id.insert(id.clone(), self.list.len());
        self.list.push(Symbol {
            id,
            span: ident.span,
            kind,
            blocks: blocks.to_vec(),
            ty,
        });
        true
    }

    /// Reports ids that mix scripts or look like another id. Only ids with a letter outside
    /// ASCII are compared, so that ordinary ids such as `item_1` and `item_l` are left alone.
    pub(crate) fn check_lookalikes(&self, ctx: &mut Ctx<'_>) {
        if self.list.iter().all(|symbol| symbol.id.is_ascii()) {
            return;
        }
        let mut by_skeleton: BTreeMap<String, &Symbol> = BTreeMap::new();
        let mut non_ascii: Vec<&Symbol> = Vec::new();
        for symbol in &self.list {
            if !symbol.id.is_ascii() {
                if !symbol.id.as_str().is_single_script() {
                    let diagnostic = ctx
                        .diagnostic(
                            Code::MixedScriptId,
                            symbol.span,
                            format!("the id `{}` mixes letters from different alphabets", symbol.id),
                        )
                        .with_help(
                            "an id that mixes, say, Latin and Cyrillic letters can look like another id; write it in one alphabet",
                        );
                    ctx.report(diagnostic);
                    continue;
                }
                non_ascii.push(symbol);
            } else {
                by_skeleton.entry(skeleton(&symbol.id)).or_insert(symbol);
            }
        }
        for symbol in non_ascii {
            let key = skeleton(&symbol.id);
            match by_skeleton.get(&key) {
                Some(other) if other.id != symbol.id => {
                    let (first, second) = if other.span.start < symbol.span.start {
                        (*other, symbol)
                    } else {
                        (symbol, *other)
                    };
                    let diagnostic = ctx
                        .diagnostic(
                            Code::ConfusableId,
                            second.span,
                            format!("the id `{}` looks the same as `{}`", second.id, first.id),
                        )
                        .with_label(ctx.file, first.span, "the look-alike is here")
                        .with_help(
                            "they use different letters that look alike (such as Latin `a` and Cyrillic `а`); rename one",
                        );
                    ctx.report(diagnostic);
                }
                Some(_) => {}
                None => {
                    by_skeleton.insert(key, symbol);
                }
            }
        }
    }
}

/// Ids are compared and stored in Unicode normalisation form C.
pub(crate) fn normalize(name: &str) -> String {
    if name.is_ascii() {
        name.to_owned()
    } else {
        name.nfc().collect()
    }
}

fn skeleton(id: &str) -> String {
    unicode_security::skeleton(id).collect()
}
