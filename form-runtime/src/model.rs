//! The compiled form model: what a form file means, as plain serialisable data.
//!
//! A `Form` is produced by `form-dsl` and read by the renderers, the runtime's validation and
//! the portal host. It carries no syntax: names are resolved, taxonomies are complete lists
//! and rules are typed expressions with the source spans they came from.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::expr::Rule;

/// The version of the `form.json` format that this crate reads and writes.
///
/// It changes whenever a stored `form.json` would mean something different or fail to load.
pub const FORMAT_VERSION: u32 = 1;

/// A compiled form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Form {
    /// The `form.json` format version; see [`FORMAT_VERSION`].
    pub format_version: u32,
    /// A hash of the source files the form was compiled from, as `sha256:<hex>`.
    pub source_hash: String,
    /// The form's id, unique within a local authority's forms.
    pub id: String,
    /// The form's title, as shown to the people filling it.
    pub title: String,
    /// The designer's version label, such as `2024-04`.
    pub version: String,
    /// Who the form is published to.
    pub audiences: Vec<Audience>,
    /// Text shown before the first section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    /// Every taxonomy the form's questions choose from, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub taxonomies: BTreeMap<String, Taxonomy>,
    /// The sections, in order.
    pub sections: Vec<Section>,
    /// Cross-field checks over the whole form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
}

/// Where a form is filled in or read: its web pages, or on paper (its PDFs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// The HTML pages of the portals.
    Web,
    /// The PDFs: blank forms, filled forms, previews and reports.
    Paper,
}

impl Medium {
    /// Both media, in a stable order.
    pub const ALL: [Medium; 2] = [Medium::Web, Medium::Paper];

    /// The name used in form files and in `form.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Web => "web",
            Medium::Paper => "paper",
        }
    }

    /// Parses the name used in form files.
    pub fn from_name(name: &str) -> Option<Medium> {
        Medium::ALL
            .into_iter()
            .find(|medium| medium.as_str() == name)
    }
}

/// Who a form, section or question is for.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    /// Parents, carers and young people on the citizen portal.
    Citizen,
    /// SENCOs, psychologists, therapists, health and social care staff on the professional portal.
    Professional,
    /// Local authority staff, inside the authority's own systems.
    La,
}

impl Audience {
    /// Every audience, in a stable order.
    pub const ALL: [Audience; 3] = [Audience::Citizen, Audience::Professional, Audience::La];

    /// The name used in form files and in `form.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Citizen => "citizen",
            Audience::Professional => "professional",
            Audience::La => "la",
        }
    }

    /// Parses the name used in form files.
    pub fn from_name(name: &str) -> Option<Audience> {
        Audience::ALL
            .into_iter()
            .find(|audience| audience.as_str() == name)
    }

    /// Whether this audience reaches the form through a public portal (citizen or professional).
    pub fn is_portal(self) -> bool {
        matches!(self, Audience::Citizen | Audience::Professional)
    }
}

impl std::fmt::Display for Audience {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who may see and who may change a section, block, question or content.
///
/// Access narrows as it nests: a question inside a section restricted to `la` is for `la`
/// only, whatever the question says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Access {
    /// When set, only these audiences see the part at all; for the others it does not exist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_for: Option<Vec<Audience>>,
    /// These audiences see the part but may not change its answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locked_for: Vec<Audience>,
}

impl Access {
    /// Whether the part is seen by `audience` (ignoring the parts it is inside).
    pub fn is_seen_by(&self, audience: Audience) -> bool {
        self.only_for
            .as_ref()
            .is_none_or(|audiences| audiences.contains(&audience))
    }

    /// Whether `audience` may change answers in the part (ignoring the parts it is inside).
    pub fn is_writable_by(&self, audience: Audience) -> bool {
        self.is_seen_by(audience) && !self.locked_for.contains(&audience)
    }

    /// Whether nothing is restricted.
    pub fn is_open(&self) -> bool {
        self.only_for.is_none() && self.locked_for.is_empty()
    }
}

/// A named list of codes that choice questions choose from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Taxonomy {
    /// A title for the list, such as "Outcome teams".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Whether the codes are in a meaningful order, so that rules may compare them with `<`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ordered: bool,
    /// The choices, in order. A choice with children is a heading, not itself selectable.
    pub choices: Vec<Choice>,
}

impl Taxonomy {
    /// The selectable choices, depth first, in order.
    pub fn selectable(&self) -> impl Iterator<Item = &Choice> {
        selectable(&self.choices)
    }
}

/// Every selectable choice in `choices`, depth first: headings are skipped, leaves kept.
pub fn selectable(choices: &[Choice]) -> impl Iterator<Item = &Choice> {
    let mut stack: Vec<std::slice::Iter<'_, Choice>> = vec![choices.iter()];
    std::iter::from_fn(move || {
        while let Some(top) = stack.last_mut() {
            match top.next() {
                Some(choice) if choice.children.is_empty() => return Some(choice),
                Some(choice) => stack.push(choice.children.iter()),
                None => {
                    stack.pop();
                }
            }
        }
        None
    })
}

/// One code in a taxonomy or in a question's own options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Choice {
    /// The code stored in answers, such as `SLT`.
    pub code: String,
    /// The full label, such as "Speech and Language Therapy".
    pub label: String,
    /// A short label for tables and summaries, such as "SLT".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_label: Option<String>,
    /// Choices grouped under this one; a choice with children is a heading.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Choice>,
}

impl Choice {
    /// The short label, or the full label where there is no short one.
    pub fn short(&self) -> &str {
        self.short_label.as_deref().unwrap_or(&self.label)
    }
}

/// A section of a form: a page of the online form and a heading of the documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    /// The section's id.
    pub id: String,
    /// The section's title.
    pub title: String,
    /// Text shown at the top of the section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<String>,
    /// When set, the section and everything in it is shown only when this rule holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Rule>,
    /// Who sees and who may change the section.
    #[serde(default, skip_serializing_if = "Access::is_open")]
    pub access: Access,
    /// The questions, repeating blocks and content, in order.
    pub elements: Vec<Element>,
    /// Cross-field checks scoped to this section.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Where the section is defined in the source.
    pub span: crate::Span,
}

/// Something inside a section or a repeating block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "element", rename_all = "snake_case")]
pub enum Element {
    /// A question, answered once (per block instance).
    Question(Question),
    /// A multiple-response block, answered any number of times.
    Repeat(Repeat),
    /// Display-only content.
    Content(Content),
}

impl Element {
    /// The element's id.
    pub fn id(&self) -> &str {
        match self {
            Element::Question(question) => &question.id,
            Element::Repeat(repeat) => &repeat.id,
            Element::Content(content) => &content.id,
        }
    }

    /// The element's visibility rule, if it has one of its own.
    pub fn visible_when(&self) -> Option<&Rule> {
        match self {
            Element::Question(question) => question.visible_when.as_ref(),
            Element::Repeat(repeat) => repeat.visible_when.as_ref(),
            Element::Content(content) => content.visible_when.as_ref(),
        }
    }

    /// Who sees and who may change the element (ignoring its parents).
    pub fn access(&self) -> &Access {
        match self {
            Element::Question(question) => &question.access,
            Element::Repeat(repeat) => &repeat.access,
            Element::Content(content) => &content.access,
        }
    }
}

/// A question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Question {
    /// The question's id: its key in the answers.
    pub id: String,
    /// The question's label.
    pub label: String,
    /// Help shown under the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The kind of answer and its constraints.
    pub input: Input,
    /// Whether, and when, an answer is required. Absent: optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Required>,
    /// When set, the question is shown only when this rule holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Rule>,
    /// Who sees and who may change the question.
    #[serde(default, skip_serializing_if = "Access::is_open")]
    pub access: Access,
    /// Where the question is defined in the source.
    pub span: crate::Span,
}

/// When a question must be answered (it is never required while hidden).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Required {
    /// When set, the answer is required only when this rule holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Rule>,
    /// The designer's error message, instead of the standard one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// A constraint's value with the designer's own error message, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Limit<T> {
    /// The bound.
    pub value: T,
    /// The designer's error message, instead of the standard one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl<T> Limit<T> {
    /// A bound with the standard error message.
    pub fn new(value: T) -> Limit<T> {
        Limit {
            value,
            message: None,
        }
    }
}

/// A regular expression that a text answer must match in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Pattern {
    /// The expression, in the linear-time syntax of the `regex` crate, matched against the
    /// whole answer.
    pub regex: String,
    /// The designer's error message, instead of the standard one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Where a question's choices come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Choices {
    /// A taxonomy of the form, by name.
    Taxonomy(String),
    /// The question's own options.
    Inline(Vec<Choice>),
}

/// A bound on a date answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DateBound {
    /// Which side, and whether the bound itself is allowed.
    pub kind: DateBoundKind,
    /// The bound: a date-typed expression such as `today - 25 years` or another date question.
    pub date: Rule,
    /// The designer's error message, instead of the standard one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The four kinds of date bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DateBoundKind {
    /// The answer must be earlier than the bound.
    Before,
    /// The answer must be later than the bound.
    After,
    /// The answer must be the bound or later.
    NotBefore,
    /// The answer must be the bound or earlier.
    NotAfter,
}

impl DateBoundKind {
    /// The keyword used in form files.
    pub fn as_str(self) -> &'static str {
        match self {
            DateBoundKind::Before => "before",
            DateBoundKind::After => "after",
            DateBoundKind::NotBefore => "not_before",
            DateBoundKind::NotAfter => "not_after",
        }
    }
}

/// The kind of answer a question takes, with its constraints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Input {
    /// One line of text.
    Text(TextInput),
    /// Several paragraphs of text.
    LongText(TextInput),
    /// A whole number.
    Integer(NumberInput),
    /// A number with a fractional part.
    Decimal(NumberInput),
    /// A calendar date, `YYYY-MM-DD` in answers.
    Date(DateInput),
    /// Yes or no: `true` or `false` in answers.
    YesNo,
    /// One code from a list.
    Choice(ChoiceInput),
    /// Any number of codes from a list.
    MultiChoice(MultiChoiceInput),
    /// An email address.
    Email(FormattedInput),
    /// A UK telephone number.
    Phone(FormattedInput),
    /// A UK postcode.
    Postcode(FormattedInput),
    /// An NHS number: ten digits with a modulus 11 check digit.
    NhsNumber(FormattedInput),
    /// A unique pupil number: a check letter and twelve characters (DfE).
    Upn(FormattedInput),
    /// Uploaded documents.
    File(FileInput),
    /// A statement the person ticks to confirm: `true` in answers.
    Declaration,
    /// A look-up of a person in the local authority's own records. Restricted: never on a
    /// form published to a portal.
    PersonLookup,
}

impl Input {
    /// The type keyword used in form files.
    pub fn type_name(&self) -> &'static str {
        match self {
            Input::Text(_) => "text",
            Input::LongText(_) => "long_text",
            Input::Integer(_) => "integer",
            Input::Decimal(_) => "decimal",
            Input::Date(_) => "date",
            Input::YesNo => "yes_no",
            Input::Choice(_) => "choice",
            Input::MultiChoice(_) => "multi_choice",
            Input::Email(_) => "email",
            Input::Phone(_) => "phone",
            Input::Postcode(_) => "postcode",
            Input::NhsNumber(_) => "nhs_number",
            Input::Upn(_) => "upn",
            Input::File(_) => "file",
            Input::Declaration => "declaration",
            Input::PersonLookup => "person_lookup",
        }
    }

    /// Whether the question type queries the local authority's own records, and so must
    /// never appear on a form published to a portal.
    pub fn is_restricted(&self) -> bool {
        matches!(self, Input::PersonLookup)
    }
}

/// Constraints on a text answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TextInput {
    /// The fewest characters allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<Limit<u32>>,
    /// The most characters allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<Limit<u32>>,
    /// The most words allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_words: Option<Limit<u32>>,
    /// A pattern the whole answer must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<Pattern>,
    /// The HTML `autocomplete` token that says what the answer is (WCAG 1.3.5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
}

/// Constraints on a number answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NumberInput {
    /// The smallest number allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Limit<f64>>,
    /// The largest number allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Limit<f64>>,
    /// The most digits allowed after the decimal point (decimal questions only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<Limit<u32>>,
    /// Text shown before the box, such as `£`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Text shown after the box, such as `hours a week`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suffix: Option<String>,
}

/// Constraints on a date answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DateInput {
    /// The bounds the date must respect, all of them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bounds: Vec<DateBound>,
    /// The HTML `autocomplete` token, such as `bday` for a date of birth.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
}

/// A single-choice question's choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ChoiceInput {
    /// Where the choices come from.
    pub choices: Choices,
}

/// A multiple-choice question's choices and limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MultiChoiceInput {
    /// Where the choices come from.
    pub choices: Choices,
    /// The fewest codes that may be selected (when answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_selected: Option<Limit<u32>>,
    /// The most codes that may be selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_selected: Option<Limit<u32>>,
    /// An extra "none of these" choice that may not be selected with any other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusive: Option<Choice>,
}

/// Settings of the formatted text types (email, phone, postcode, NHS number, UPN).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FormattedInput {
    /// The HTML `autocomplete` token, for answers about the person filling in the form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
}

/// Constraints on uploaded documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FileInput {
    /// Accepted types: media types (`application/pdf`, `image/*`) or extensions (`.docx`).
    /// Empty: any type.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<String>,
    /// The largest size of each document, in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size_bytes: Option<Limit<u64>>,
    /// The fewest documents (when answered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_files: Option<Limit<u32>>,
    /// The most documents. With 1, the answer is one document reference; with more, a list.
    pub max_files: Limit<u32>,
}

/// A multiple-response block: a group of questions answered any number of times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Repeat {
    /// The block's id: its key in the answers, holding a list of entries.
    pub id: String,
    /// The block's title, such as "Outcomes".
    pub title: String,
    /// The name of one entry, such as "Outcome" ("Outcome 2", "Add another outcome").
    pub item_label: String,
    /// Help shown under the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The fewest entries (when the block is shown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Limit<u32>>,
    /// The most entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Limit<u32>>,
    /// Whether each entry belongs to the person who added it: others add new entries and
    /// never change someone else's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub owned_by_author: bool,
    /// When set, the block is shown only when this rule holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Rule>,
    /// Who sees and who may change the block.
    #[serde(default, skip_serializing_if = "Access::is_open")]
    pub access: Access,
    /// The questions (and nested blocks and content) of one entry.
    pub elements: Vec<Element>,
    /// Checks evaluated for each entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Where the block is defined in the source.
    pub span: crate::Span,
}

/// Display-only content: headings and paragraphs with no answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Content {
    /// The content's id.
    pub id: String,
    /// A heading.
    pub title: String,
    /// The text; blank lines separate paragraphs.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// When set, the content is shown only when this rule holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Rule>,
    /// Who sees the content.
    #[serde(default, skip_serializing_if = "Access::is_open")]
    pub access: Access,
    /// When set, the content is shown only there: text about saving and coming back on the web
    /// pages alone, say, or where to post the form on paper alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only_on: Option<Medium>,
    /// Where the content is defined in the source.
    pub span: crate::Span,
}

impl Content {
    /// Whether the content is shown on `medium`.
    pub fn shown_on(&self, medium: Medium) -> bool {
        self.only_on.is_none_or(|only| only == medium)
    }
}

/// A cross-field check with its own message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Check {
    /// An optional id for the check, used in error codes and by other services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The message shown when the check fails.
    pub message: String,
    /// When set, the check applies only when this rule holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Rule>,
    /// What must hold.
    pub require: Rule,
    /// The id of the question (or block) the error is attached to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Where the check is defined in the source.
    pub span: crate::Span,
}
