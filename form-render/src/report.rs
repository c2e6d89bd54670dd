//! The data contract of documents: what a Typst template reads from `/data.json` to print a
//! blank form, a filled form, a preview or a report (docs/reports.md describes every field).
//!
//! The data is built from the compiled form, the answers and the runtime's verdicts
//! (visibility, completeness, errors), with every answer already written for people: labels
//! not codes, dates as 27 March 2012. Templates never see a part the audience may not see,
//! nor, in a filled document, an answer the other answers hide.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::{Map, Value};

use form_runtime::{
    Audience, Choice, Choices, Date, Element, ErrorCode, Form, Input, Medium, Question, Repeat,
    SectionState, ValidateOptions, ValidationError, Validator, selectable, wording,
};

use crate::reach::Reach;
use crate::words::{Describe, answer_text};

/// The version of the data contract, in `contract`. A change that could break a report
/// template gets a new version.
pub const CONTRACT: &str = "sendform-report/1";

/// The heading of the notice on each section that still needs completing, in the document and
/// in its outline.
pub const NEEDS_COMPLETING: &str = "This section needs completing";

/// Which document to make from a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// The paper version: every question with room for the answer.
    Blank,
    /// A submission as a document: the visible answers.
    Filled,
    /// The filled document, with each section that still needs completing marked in red.
    Preview,
}

/// Who submitted the answers, and when, as a filled document states it.
#[derive(Debug, Clone, Copy)]
pub struct Submitted<'a> {
    /// The submitter's name.
    pub by: &'a str,
    /// The date of the submission.
    pub on: Date,
}

/// What a document shows.
#[derive(Debug, Clone, Copy)]
pub struct DocumentOptions<'a> {
    /// Blank, filled or preview.
    pub kind: DocumentKind,
    /// Who the document is for: it holds nothing this audience may not see.
    pub audience: Audience,
    /// The date rules and validation use, and the document's "printed on" date.
    pub today: Date,
    /// The answers (ignored for a blank form). Anything that parsed as JSON is accepted:
    /// answers that are not an object show as an empty submission.
    pub answers: &'a Value,
    /// Who submitted the answers, and when.
    pub submitted: Option<Submitted<'a>>,
}

impl<'a> DocumentOptions<'a> {
    /// A blank form for `audience`.
    pub fn blank(audience: Audience, today: Date) -> DocumentOptions<'static> {
        DocumentOptions {
            kind: DocumentKind::Blank,
            audience,
            today,
            answers: &Value::Null,
            submitted: None,
        }
    }

    /// A filled (or, with `kind`, preview) document of `answers`.
    pub fn filled(audience: Audience, today: Date, answers: &'a Value) -> DocumentOptions<'a> {
        DocumentOptions {
            kind: DocumentKind::Filled,
            audience,
            today,
            answers,
            submitted: None,
        }
    }
}

/// Everything a document template reads, serialized to `/data.json`.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentData {
    /// [`CONTRACT`].
    pub contract: &'static str,
    /// Blank, filled or preview.
    pub kind: DocumentKind,
    /// The form.
    pub form: FormData,
    /// Who the document is for.
    pub audience: Audience,
    /// The date of the document, as `YYYY-MM-DD` and in words.
    pub today: DateData,
    /// Who submitted the answers, and when.
    pub submitted: Option<SubmittedData>,
    /// Whether every section is complete (always false for a blank form).
    pub complete: bool,
    /// The sections the audience sees and, in a filled document, the answers show.
    pub sections: Vec<SectionData>,
    /// Every shown answer as text, by question id; a block is a list of entries, each an
    /// object of its answers as text. The easy way in for a report template.
    pub values: Map<String, Value>,
    /// The same answers as submitted (codes, ISO dates, numbers), for a template's logic.
    pub answers: Map<String, Value>,
    /// Every validation error of the answers that the document shows ([`document_errors`];
    /// none for a blank form).
    pub errors: Vec<ValidationError>,
    /// The words of 20 bytes or more in the answers shown (email and web addresses, file
    /// names, references), each once: a template breaks them where a narrow column needs it
    /// (`breakable` in `/sendform.typ`), and need look for none when there are none.
    pub long_words: Vec<String>,
    /// The paragraphs of the answers shown that are written right to left (their first
    /// strong character, as Unicode's bidirectional algorithm finds it, is right to left:
    /// Arabic, which also writes Urdu, Persian and Pashto; Hebrew; Syriac; Thaana; N'Ko), each
    /// once, trimmed as `as-text` in `/sendform.typ` splits a text into paragraphs: it sets
    /// these right to left, and need look for none when there are none.
    pub right_to_left: Vec<String>,
}

/// The form's identity.
#[derive(Debug, Clone, Serialize)]
pub struct FormData {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its version.
    pub version: String,
    /// Its introduction, as paragraphs.
    pub intro: Vec<String>,
}

/// A date, as `YYYY-MM-DD` and as people read it.
#[derive(Debug, Clone, Serialize)]
pub struct DateData {
    /// `2026-11-23`.
    pub iso: String,
    /// `23 November 2026`.
    pub text: String,
}

/// Who submitted, and when.
#[derive(Debug, Clone, Serialize)]
pub struct SubmittedData {
    /// The submitter's name.
    pub by: String,
    /// The date of the submission.
    pub on: DateData,
}

/// A section of a document.
#[derive(Debug, Clone, Serialize)]
pub struct SectionData {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its introduction, as paragraphs.
    pub intro: Vec<String>,
    /// In a blank form, when the section applies ("If you answered Yes to ‘…’").
    pub condition: Option<String>,
    /// The audience may see the section but not change it.
    pub locked: bool,
    /// How far it has got (none in a blank form).
    pub status: Option<SectionState>,
    /// Whether it is incomplete or not started: a preview marks it with [`NEEDS_COMPLETING`].
    pub needs_completing: bool,
    /// What is still to be answered, as the runtime words it ("Enter the date of birth").
    pub missing: Vec<String>,
    /// What must be corrected in its answers.
    pub corrections: Vec<String>,
    /// Its questions, blocks and content.
    pub elements: Vec<ElementData>,
}

/// A question, a block or content.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ElementData {
    /// A question.
    Question(QuestionData),
    /// A multiple-response block.
    Block(BlockData),
    /// Headings and paragraphs with no answer.
    Content(ContentData),
}

/// A question and its answer.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionData {
    /// Its id.
    pub id: String,
    /// Its type keyword (`text`, `long_text`, `date`, `choice`, ...).
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// Its label.
    pub label: String,
    /// Its hint.
    pub hint: Option<String>,
    /// Whether it must be answered (when shown).
    pub required: bool,
    /// In a blank form, when it applies ("If you answered Yes to ‘…’").
    pub condition: Option<String>,
    /// What the answer may be, in words ("300 words or fewer", "Tick all that apply").
    pub guidance: Vec<String>,
    /// In a blank form, the options of a choice, for tick boxes (yes/no has Yes and No).
    pub options: Vec<OptionData>,
    /// How many lines of space a blank form leaves for the answer.
    pub lines: u32,
    /// Written before or after a number ("£", "minutes").
    pub prefix: Option<String>,
    /// See `prefix`.
    pub suffix: Option<String>,
    /// The answer as text: labels not codes, dates as 27 March 2012 (none when unanswered).
    pub answer: Option<String>,
    /// The runtime's errors on this answer.
    pub errors: Vec<String>,
}

/// One option of a choice.
#[derive(Debug, Clone, Serialize)]
pub struct OptionData {
    /// Its code.
    pub code: String,
    /// Its label.
    pub label: String,
    /// The heading it sits under in a grouped list.
    pub group: Option<String>,
}

/// A multiple-response block and its entries.
#[derive(Debug, Clone, Serialize)]
pub struct BlockData {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// What one entry is called ("Outcome").
    pub item: String,
    /// Its hint.
    pub hint: Option<String>,
    /// In a blank form, when it applies.
    pub condition: Option<String>,
    /// The fewest and most entries.
    pub min: Option<u32>,
    /// See `min`.
    pub max: Option<u32>,
    /// The block's own questions, as table columns.
    pub columns: Vec<ColumnData>,
    /// `table` (a row per entry) when its questions are few and short, otherwise `entries`
    /// (a table of questions and answers per entry).
    pub layout: &'static str,
    /// The ids of the columns its entries are grouped by, which group titles then state: the
    /// taxonomy choices every entry must answer that the block starts with (at most two, such
    /// as an outcome's Type and Team), when it has two entries or more.
    pub grouped_by: Vec<String>,
    /// Its entries, in groups (one untitled group when not grouped). A blank form has room
    /// for the block's minimum number of entries (at least one).
    pub groups: Vec<GroupData>,
    /// The runtime's errors on the block as a whole ("Add at least 4 entries").
    pub errors: Vec<String>,
}

/// A column of a block's table.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnData {
    /// The question's id.
    pub id: String,
    /// Its label.
    pub label: String,
}

/// Entries that share the answers a block is grouped by.
#[derive(Debug, Clone, Serialize)]
pub struct GroupData {
    /// The shared answers ("Cognition and learning – Speech and language therapy").
    pub title: Option<String>,
    /// The entries.
    pub entries: Vec<EntryData>,
}

/// One entry of a block.
#[derive(Debug, Clone, Serialize)]
pub struct EntryData {
    /// "Outcome 3": numbered in the order of the answers, whatever the grouping.
    pub title: String,
    /// Its questions (and nested blocks).
    pub elements: Vec<ElementData>,
}

/// Display content.
#[derive(Debug, Clone, Serialize)]
pub struct ContentData {
    /// Its id.
    pub id: String,
    /// Its heading.
    pub title: String,
    /// Its paragraphs.
    pub paragraphs: Vec<String>,
}

/// The validation errors a document of `answers` shows, for `audience` on `today`: those of
/// validating the answers as the audience's submission, but for answers to parts the audience
/// may not change or does not see. A document holds the whole record, and the local
/// authority's own answers to a locked section are not the audience's to correct (nor, as in
/// the section's completeness, an error at all).
pub fn document_errors(
    validator: &Validator,
    answers: &Value,
    audience: Audience,
    today: Date,
) -> Vec<ValidationError> {
    let mut errors = validator.validate(answers, &ValidateOptions::new(today).audience(audience));
    errors.retain(|error| !matches!(error.code, ErrorCode::Locked | ErrorCode::NotForAudience));
    errors
}

/// Builds the data of a document. Answers that are not an object show as an empty
/// submission; nothing in them can fail the build.
pub fn document_data(validator: &Validator, options: &DocumentOptions<'_>) -> DocumentData {
    let form = validator.form();
    let blank = options.kind == DocumentKind::Blank;
    let empty = Value::Object(Map::new());
    let answers = if blank || !options.answers.is_object() {
        &empty
    } else {
        options.answers
    };
    let (errors, statuses) = if blank {
        (Vec::new(), Vec::new())
    } else {
        let check = ValidateOptions::new(options.today).audience(options.audience);
        (
            document_errors(validator, answers, options.audience, options.today),
            validator.completeness(answers, &check),
        )
    };
    let visibility = validator.visibility(answers, options.today);
    let mut errors_at: HashMap<&str, Vec<String>> = HashMap::new();
    for error in &errors {
        errors_at
            .entry(error.path.as_str())
            .or_default()
            .push(error.message.clone());
    }
    let builder = Builder {
        form,
        blank,
        audience: options.audience,
        describe: Describe::new(form),
        shown: visibility.elements.into_iter().collect(),
        errors_at,
    };
    let sections_shown: HashMap<String, bool> = visibility.sections.into_iter().collect();
    let statuses: HashMap<&str, _> = statuses
        .iter()
        .map(|status| (status.section.as_str(), status))
        .collect();

    // Each question's label and each block's title and entries' name, by id, for the
    // sections' notices.
    let mut titles = Titles::default();
    form.walk(&mut |element, _, _| match element {
        Element::Question(question) => {
            titles.labels.insert(&question.id, &question.label);
        }
        Element::Repeat(repeat) => {
            titles.labels.insert(&repeat.id, &repeat.title);
            titles.entries.insert(&repeat.id, &repeat.item_label);
        }
        Element::Content(_) => {}
    });
    let form_reach = Reach::of_form(form, options.audience);
    let object = answers.as_object().cloned().unwrap_or_default();
    let mut sections = Vec::new();
    let mut values = Map::new();
    let mut raw = Map::new();
    for section in &form.sections {
        let reach = form_reach.within(&section.access, options.audience);
        if !reach.seen || !(blank || sections_shown.get(&section.id).copied().unwrap_or(false)) {
            continue;
        }
        let status = statuses.get(section.id.as_str());
        let state = status.map(|status| status.state);
        let elements =
            builder.elements(&section.elements, reach, &object, "", &mut values, &mut raw);
        sections.push(SectionData {
            id: section.id.clone(),
            title: section.title.clone(),
            intro: paragraphs(section.intro.as_deref().unwrap_or("")),
            condition: builder.condition(section.visible_when.as_ref()),
            locked: !reach.writable,
            status: state,
            needs_completing: matches!(
                state,
                Some(SectionState::Incomplete | SectionState::NotStarted)
            ),
            missing: status
                .map(|status| messages(&titles, &status.missing))
                .unwrap_or_default(),
            corrections: status
                .map(|status| messages(&titles, &status.errors))
                .unwrap_or_default(),
            elements,
        });
    }
    let written = Written::of(&values);
    DocumentData {
        contract: CONTRACT,
        kind: options.kind,
        form: FormData {
            id: form.id.clone(),
            title: form.title.clone(),
            version: form.version.clone(),
            intro: paragraphs(form.intro.as_deref().unwrap_or("")),
        },
        audience: options.audience,
        today: date_data(options.today),
        submitted: options.submitted.map(|submitted| SubmittedData {
            by: submitted.by.to_owned(),
            on: date_data(submitted.on),
        }),
        complete: !blank
            && sections
                .iter()
                .all(|section| section.status == Some(SectionState::Complete)),
        sections,
        long_words: written.long_words,
        right_to_left: written.right_to_left,
        values,
        answers: raw,
        errors,
    }
}

/// What a template needs to know of how the answers are written: [`DocumentData::long_words`]
/// and [`DocumentData::right_to_left`].
#[derive(Debug, Default)]
struct Written {
    long_words: Vec<String>,
    right_to_left: Vec<String>,
}

impl Written {
    /// Reads the texts of `values` (and of the entries of blocks in it), keeping each long
    /// word and right-to-left paragraph once, in the order `values` holds them.
    fn of(values: &Map<String, Value>) -> Written {
        let mut written = Written::default();
        let mut found = BTreeSet::new();
        // A stack of what is still to read, the next on top.
        let mut pending: Vec<&Value> = values.values().rev().collect();
        while let Some(value) = pending.pop() {
            match value {
                Value::String(text) => {
                    for word in text.split_whitespace() {
                        if word.len() >= LONG_WORD && found.insert(word) {
                            written.long_words.push(word.to_owned());
                        }
                    }
                    // Only a text with a character outside ASCII can be right to left.
                    if !text.is_ascii() {
                        for paragraph in paragraphs_as_printed(text) {
                            if is_right_to_left(paragraph)
                                && !written.right_to_left.iter().any(|p| p == paragraph)
                            {
                                written.right_to_left.push(paragraph.to_owned());
                            }
                        }
                    }
                }
                Value::Array(items) => pending.extend(items.iter().rev()),
                Value::Object(members) => pending.extend(members.values().rev()),
                _ => {}
            }
        }
        written
    }
}

/// A text's paragraphs as `as-text` in `/sendform.typ` takes them: a text of one line
/// trimmed, or each paragraph (split at blank lines) trimmed, the empty ones left out.
fn paragraphs_as_printed(text: &str) -> impl Iterator<Item = &str> {
    let whole = (!text.contains('\n')).then(|| text.trim());
    let split = whole
        .is_none()
        .then(|| text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()));
    whole.into_iter().chain(split.into_iter().flatten())
}

/// Whether a paragraph's first strong character is right to left, which makes it a
/// right-to-left paragraph in Unicode's bidirectional algorithm (rules P2 and P3).
fn is_right_to_left(paragraph: &str) -> bool {
    use unicode_bidi::BidiClass::{AL, L, R};
    paragraph
        .chars()
        .find_map(|c| match unicode_bidi::bidi_class(c) {
            L => Some(false),
            R | AL => Some(true),
            _ => None,
        })
        .unwrap_or(false)
}

/// How long a word is, in bytes, for [`DocumentData::long_words`].
const LONG_WORD: usize = 20;

/// What a section's notice calls the parts of a form, by id.
#[derive(Default)]
struct Titles<'f> {
    /// Each question's label and each block's title.
    labels: HashMap<&'f str, &'f str>,
    /// What each block calls an entry ("Outcome").
    entries: HashMap<&'f str, &'f str>,
}

/// The messages of a section's notice, each once. Away from its question, a message that does
/// not name it ("Enter an answer", for a label put as a question) is given the question's
/// label (or the block's title) first: "What is important to me – Enter an answer"; and one in
/// a block's entry says which entry first: "Outcome 2: Enter the date".
fn messages(titles: &Titles<'_>, errors: &[ValidationError]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for error in errors {
        // The entries the answer is in, outermost first: each entry's number follows its
        // block's id in the pointer (ids are unique in a form, and hold no `/` or `~`).
        let segments: Vec<&str> = error.path.split('/').filter(|s| !s.is_empty()).collect();
        let is_number = |segment: &str| segment.bytes().all(|b| b.is_ascii_digit());
        let entries: Vec<String> = segments
            .windows(2)
            .filter_map(|pair| {
                let index: usize = pair[1].parse().ok().filter(|_| is_number(pair[1]))?;
                let name = titles.entries.get(pair[0])?;
                Some(format!("{} {}", name.trim(), index + 1))
            })
            .collect();
        // The id is the pointer's last segment that is not a number (of an entry, or of an
        // item of a multiple choice); an error on an entry as a whole is named by the entry.
        let on_entry = matches!(segments[..], [.., block, last]
            if is_number(last) && titles.entries.contains_key(block));
        let id = segments.iter().rev().find(|segment| !is_number(segment));
        let title = id
            .filter(|_| !on_entry)
            .and_then(|id| titles.labels.get(id))
            .map(|title| title.trim());
        let message = match title {
            Some(title)
                if !title.is_empty()
                    && !error.message.to_lowercase().contains(&title.to_lowercase()) =>
            {
                format!("{title} – {}", error.message)
            }
            _ => error.message.clone(),
        };
        let message = if entries.is_empty() {
            message
        } else {
            format!("{}: {message}", entries.join(", "))
        };
        if !out.contains(&message) {
            out.push(message);
        }
    }
    out
}

fn date_data(date: Date) -> DateData {
    DateData {
        iso: date.to_string(),
        text: wording::date(date),
    }
}

/// A designer's text as paragraphs: blank lines separate them, and the lines within one are
/// only the source's wrapping.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

struct Builder<'f> {
    form: &'f Form,
    blank: bool,
    audience: Audience,
    describe: Describe<'f>,
    /// Whether each element (by JSON Pointer) is shown.
    shown: HashMap<String, bool>,
    errors_at: HashMap<&'f str, Vec<String>>,
}

impl<'f> Builder<'f> {
    fn condition(&self, rule: Option<&form_runtime::Rule>) -> Option<String> {
        if self.blank {
            rule.map(|rule| self.describe.if_clause(rule))
        } else {
            None
        }
    }

    fn errors(&self, pointer: &str) -> Vec<String> {
        self.errors_at.get(pointer).cloned().unwrap_or_default()
    }

    /// The elements the audience sees and (unless blank) the answers show, with their
    /// answers added to `values` (as text) and `raw` (as submitted).
    fn elements(
        &self,
        elements: &'f [Element],
        reach: Reach,
        answers: &Map<String, Value>,
        parent: &str,
        values: &mut Map<String, Value>,
        raw: &mut Map<String, Value>,
    ) -> Vec<ElementData> {
        let mut out = Vec::new();
        for element in elements {
            let reach = reach.within(element.access(), self.audience);
            if !reach.seen {
                continue;
            }
            let pointer = format!("{parent}/{}", element.id());
            if !self.blank && !self.shown.get(&pointer).copied().unwrap_or(false) {
                continue;
            }
            match element {
                Element::Question(question) => {
                    let answer = answers.get(&question.id).filter(|value| !is_blank(value));
                    if let Some(answer) = answer {
                        values.insert(
                            question.id.clone(),
                            Value::String(answer_text(self.form, question, answer)),
                        );
                        raw.insert(question.id.clone(), answer.clone());
                    }
                    out.push(ElementData::Question(
                        self.question(question, answer, &pointer),
                    ));
                }
                Element::Repeat(repeat) => {
                    let block = self.block(repeat, reach, answers, &pointer, values, raw);
                    out.push(ElementData::Block(block));
                }
                Element::Content(content) => {
                    if content.shown_on(Medium::Paper) {
                        out.push(ElementData::Content(ContentData {
                            id: content.id.clone(),
                            title: content.title.clone(),
                            paragraphs: paragraphs(&content.body),
                        }));
                    }
                }
            }
        }
        out
    }

    fn question(&self, question: &Question, answer: Option<&Value>, pointer: &str) -> QuestionData {
        let (prefix, suffix) = match &question.input {
            Input::Integer(number) | Input::Decimal(number) => {
                (number.prefix.clone(), number.suffix.clone())
            }
            _ => (None, None),
        };
        QuestionData {
            id: question.id.clone(),
            ty: question.input.type_name(),
            label: question.label.clone(),
            hint: question.hint.clone(),
            required: question.required.is_some(),
            condition: self.condition(question.visible_when.as_ref()),
            guidance: guidance(&question.input),
            options: if self.blank {
                options(self.form, &question.input)
            } else {
                Vec::new()
            },
            lines: lines(&question.input),
            prefix,
            suffix,
            answer: answer.map(|answer| answer_text(self.form, question, answer)),
            errors: self.errors(pointer),
        }
    }

    fn block(
        &self,
        repeat: &'f Repeat,
        reach: Reach,
        answers: &Map<String, Value>,
        pointer: &str,
        values: &mut Map<String, Value>,
        raw: &mut Map<String, Value>,
    ) -> BlockData {
        let columns: Vec<&Question> = repeat
            .elements
            .iter()
            .filter(|element| reach.within(element.access(), self.audience).seen)
            .filter_map(|element| match element {
                Element::Question(question) => Some(question),
                _ => None,
            })
            .collect();
        let nested = repeat
            .elements
            .iter()
            .any(|element| !matches!(element, Element::Question(_)));
        let short = columns.iter().all(|question| {
            !matches!(
                question.input,
                Input::LongText(_) | Input::File(_) | Input::MultiChoice(_)
            )
        });
        let layout = if !nested && short && columns.len() <= 4 {
            "table"
        } else {
            "entries"
        };

        // Each entry, numbered in the order of the answers.
        let mut entries: Vec<(EntryData, Option<&Map<String, Value>>)> = Vec::new();
        let mut value_entries = Vec::new();
        let mut raw_entries = Vec::new();
        if self.blank {
            let room = repeat.min.as_ref().map_or(1, |min| min.value.max(1));
            for position in 0..room {
                let elements = self.elements(
                    &repeat.elements,
                    reach,
                    &Map::new(),
                    &format!("{pointer}/{position}"),
                    &mut Map::new(),
                    &mut Map::new(),
                );
                entries.push((entry_title(repeat, position as usize, elements), None));
            }
        } else if let Some(Value::Array(list)) = answers.get(&repeat.id) {
            for (position, entry) in list.iter().enumerate() {
                let Value::Object(object) = entry else {
                    continue;
                };
                let mut entry_values = Map::new();
                let mut entry_raw = Map::new();
                let elements = self.elements(
                    &repeat.elements,
                    reach,
                    object,
                    &format!("{pointer}/{position}"),
                    &mut entry_values,
                    &mut entry_raw,
                );
                value_entries.push(Value::Object(entry_values));
                raw_entries.push(Value::Object(entry_raw));
                entries.push((entry_title(repeat, position, elements), Some(object)));
            }
        }
        if !self.blank {
            values.insert(repeat.id.clone(), Value::Array(value_entries));
            raw.insert(repeat.id.clone(), Value::Array(raw_entries));
        }

        let keys: Vec<&Question> = if self.blank || entries.len() < 2 {
            Vec::new()
        } else {
            columns
                .iter()
                .copied()
                .take_while(|question| is_group_key(question))
                .take(2)
                .collect()
        };
        let groups = self.groups(&keys, entries);
        BlockData {
            id: repeat.id.clone(),
            title: repeat.title.clone(),
            item: repeat.item_label.clone(),
            hint: repeat.hint.clone(),
            condition: self.condition(repeat.visible_when.as_ref()),
            min: repeat.min.as_ref().map(|min| min.value),
            max: repeat.max.as_ref().map(|max| max.value),
            columns: columns
                .iter()
                .map(|question| ColumnData {
                    id: question.id.clone(),
                    label: question.label.clone(),
                })
                .collect(),
            layout,
            grouped_by: keys.iter().map(|question| question.id.clone()).collect(),
            groups,
            errors: self.errors(pointer),
        }
    }

    /// Entries grouped by the answers to `keys`, groups in the order of the keys' choices.
    fn groups(
        &self,
        keys: &[&Question],
        entries: Vec<(EntryData, Option<&Map<String, Value>>)>,
    ) -> Vec<GroupData> {
        if keys.is_empty() {
            return vec![GroupData {
                title: None,
                entries: entries.into_iter().map(|(entry, _)| entry).collect(),
            }];
        }
        // The position of each key's answer among its choices (unknown codes last).
        let orders: Vec<HashMap<&str, usize>> = keys
            .iter()
            .map(|question| {
                choice_list(self.form, &question.input)
                    .map(|list| {
                        selectable(list)
                            .enumerate()
                            .map(|(index, choice)| (choice.code.as_str(), index))
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        // By the position of each key's answer among its choices, then its code.
        let mut grouped: BTreeMap<Vec<(usize, String)>, GroupData> = BTreeMap::new();
        for (entry, answers) in entries {
            let mut sort_key = Vec::new();
            let mut title = Vec::new();
            for (question, order) in keys.iter().zip(&orders) {
                let answer = answers.and_then(|answers| answers.get(&question.id));
                let code = answer.and_then(Value::as_str).unwrap_or("");
                sort_key.push((
                    order.get(code).copied().unwrap_or(usize::MAX),
                    code.to_owned(),
                ));
                title.push(match answer {
                    Some(answer) if !is_blank(answer) => answer_text(self.form, question, answer),
                    _ => format!("{}: not answered", question.label),
                });
            }
            grouped
                .entry(sort_key)
                .or_insert_with(|| GroupData {
                    title: Some(title.join(" – ")),
                    entries: Vec::new(),
                })
                .entries
                .push(entry);
        }
        grouped.into_values().collect()
    }
}

fn entry_title(repeat: &Repeat, position: usize, elements: Vec<ElementData>) -> EntryData {
    EntryData {
        title: format!("{} {}", repeat.item_label, position + 1),
        elements,
    }
}

/// Whether a block's entries may be grouped by this question: a choice from one of the form's
/// taxonomies that every entry must answer. Entries are grouped by such questions only when
/// the block starts with them (an outcome's Type and Team), at most two.
fn is_group_key(question: &Question) -> bool {
    matches!(
        &question.input,
        Input::Choice(choice) if matches!(choice.choices, Choices::Taxonomy(_))
    ) && question
        .required
        .as_ref()
        .is_some_and(|required| required.when.is_none())
        && question.visible_when.is_none()
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

fn choice_list<'f>(form: &'f Form, input: &'f Input) -> Option<&'f [Choice]> {
    let choices = match input {
        Input::Choice(choice) => &choice.choices,
        Input::MultiChoice(multi) => &multi.choices,
        _ => return None,
    };
    match choices {
        Choices::Inline(choices) => Some(choices),
        Choices::Taxonomy(name) => form.taxonomies.get(name).map(|t| t.choices.as_slice()),
    }
}

/// Tick boxes: a choice's options (grouped under their headings), or Yes and No.
fn options(form: &Form, input: &Input) -> Vec<OptionData> {
    let mut out = Vec::new();
    match input {
        Input::YesNo => {
            for label in ["Yes", "No"] {
                out.push(OptionData {
                    code: label.to_lowercase(),
                    label: label.to_owned(),
                    group: None,
                });
            }
        }
        Input::Choice(_) | Input::MultiChoice(_) => {
            if let Some(list) = choice_list(form, input) {
                push_options(list, None, &mut out);
            }
            if let Input::MultiChoice(multi) = input
                && let Some(none) = &multi.exclusive
            {
                out.push(OptionData {
                    code: none.code.clone(),
                    label: none.label.clone(),
                    group: None,
                });
            }
        }
        _ => {}
    }
    out
}

fn push_options(choices: &[Choice], group: Option<&str>, out: &mut Vec<OptionData>) {
    for choice in choices {
        if choice.children.is_empty() {
            out.push(OptionData {
                code: choice.code.clone(),
                label: choice.label.clone(),
                group: group.map(str::to_owned),
            });
        } else {
            push_options(&choice.children, Some(&choice.label), out);
        }
    }
}

/// The space a blank form leaves for an answer, in lines: one for short answers; for long
/// text, about twelve words a line up to its limit (six lines when it has none).
fn lines(input: &Input) -> u32 {
    match input {
        Input::LongText(text) => {
            let by_words = text
                .max_words
                .as_ref()
                .map(|limit| limit.value.div_ceil(12));
            let by_length = text
                .max_length
                .as_ref()
                .map(|limit| limit.value.div_ceil(80));
            // Without a limit, half a page: more than a limited address has.
            by_words.or(by_length).unwrap_or(12).clamp(3, 30)
        }
        Input::Text(text) => match &text.max_length {
            Some(limit) if limit.value > 120 => 2,
            _ => 1,
        },
        Input::Choice(_) | Input::MultiChoice(_) | Input::YesNo | Input::Declaration => 0,
        Input::Date(_) => 0,
        _ => 1,
    }
}

/// What an answer may be, in words, for the person filling a paper form.
fn guidance(input: &Input) -> Vec<String> {
    let mut out = Vec::new();
    match input {
        Input::Text(text) | Input::LongText(text) => {
            if let Some(limit) = &text.max_words {
                out.push(format!("{} words or fewer", limit.value));
            } else if let Some(limit) = &text.max_length {
                out.push(format!("{} characters or fewer", limit.value));
            }
        }
        Input::Integer(number) | Input::Decimal(number) => {
            match (&number.min, &number.max) {
                (Some(min), Some(max)) => out.push(format!(
                    "Between {} and {}",
                    wording::number(min.value),
                    wording::number(max.value)
                )),
                (Some(min), None) => out.push(format!("{} or more", wording::number(min.value))),
                (None, Some(max)) => out.push(format!("{} or less", wording::number(max.value))),
                (None, None) => {}
            }
            if matches!(input, Input::Integer(_)) {
                out.push("A whole number".to_owned());
            }
        }
        Input::Date(_) => out.push("For example, 27 3 2012".to_owned()),
        Input::Choice(_) | Input::YesNo => out.push("Tick one".to_owned()),
        Input::MultiChoice(multi) => match &multi.max_selected {
            Some(max) => out.push(format!("Tick up to {}", max.value)),
            None => out.push("Tick all that apply".to_owned()),
        },
        Input::File(file) => {
            if !file.accept.is_empty() {
                out.push(format!("Must be {}", wording::file_types(&file.accept)));
            }
            if let Some(limit) = &file.max_size_bytes {
                out.push(format!("Each {} or smaller", wording::size(limit.value)));
            }
            if file.max_files.value > 1 {
                out.push(format!("Up to {} documents", file.max_files.value));
            }
        }
        Input::NhsNumber(_) => out.push("10 digits".to_owned()),
        Input::Upn(_) => out.push("13 characters".to_owned()),
        _ => {}
    }
    out
}
