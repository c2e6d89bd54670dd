//! The parameters of the component templates: a subset of the GOV.UK Frontend macros'
//! options, with the same names and meanings, so that a component renders the same markup as
//! the GOV.UK Design System for the same options (tested against govuk-frontend's fixtures).
//!
//! These are also the contract of an overridden template: a template named
//! `components/input.html` receives an [`Input`] as `params`. Every field is always present
//! (absent ones as `null`), so templates can run with strict undefined checks.
//!
//! `html` fields are inserted without escaping; the form renderer never puts text from a
//! form or an answer in them, only in `text` fields, which are escaped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A piece of text, or of trusted markup.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Content {
    /// Text, escaped.
    pub text: Option<String>,
    /// Markup, not escaped (never built from form or answer text).
    pub html: Option<String>,
}

impl Content {
    /// Plain text.
    pub fn text(text: impl Into<String>) -> Content {
        Content {
            text: Some(text.into()),
            html: None,
        }
    }
}

/// A `<label>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Label {
    /// Text, escaped.
    pub text: Option<String>,
    /// Markup, not escaped.
    pub html: Option<String>,
    /// Extra classes, such as `govuk-label--l`.
    pub classes: Option<String>,
    /// Whether the label is the page's `<h1>`.
    pub is_page_heading: bool,
    /// The id of the control (set by the component).
    #[serde(rename = "for")]
    pub for_id: Option<String>,
}

/// A hint under a label or legend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Hint {
    /// Text, escaped.
    pub text: Option<String>,
    /// Markup, not escaped.
    pub html: Option<String>,
    /// The hint's id (set by the component).
    pub id: Option<String>,
    /// Extra classes.
    pub classes: Option<String>,
}

/// An error message above a control.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorMessage {
    /// Text, escaped.
    pub text: Option<String>,
    /// Markup, not escaped.
    pub html: Option<String>,
    /// The message's id (set by the component).
    pub id: Option<String>,
    /// Extra classes.
    pub classes: Option<String>,
}

/// A fieldset's legend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Legend {
    /// Text, escaped.
    pub text: Option<String>,
    /// Markup, not escaped.
    pub html: Option<String>,
    /// Extra classes, such as `govuk-fieldset__legend--l`.
    pub classes: Option<String>,
    /// Whether the legend is the page's `<h1>`.
    pub is_page_heading: bool,
}

/// A `<fieldset>` grouping related controls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Fieldset {
    /// The legend.
    pub legend: Option<Legend>,
    /// Extra classes.
    pub classes: Option<String>,
    /// The ARIA role (`group` for a date input).
    pub role: Option<String>,
    /// Ids of the elements that describe the fieldset.
    pub described_by: Option<String>,
}

/// The `govuk-form-group` wrapper.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FormGroup {
    /// Extra classes.
    pub classes: Option<String>,
}

/// A one-line text input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Input {
    /// The input's id (default: its name).
    pub id: Option<String>,
    /// The field name.
    pub name: String,
    /// The input type (default `text`).
    #[serde(rename = "type")]
    pub input_type: Option<String>,
    /// The `inputmode` attribute.
    pub inputmode: Option<String>,
    /// The current value.
    pub value: Option<String>,
    /// The label.
    pub label: Option<Label>,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// Text before the box, such as `£`.
    pub prefix: Option<Content>,
    /// Text after the box, such as `per item`.
    pub suffix: Option<Content>,
    /// Extra classes on the input, such as `govuk-input--width-10`.
    pub classes: Option<String>,
    /// The `autocomplete` token.
    pub autocomplete: Option<String>,
    /// Whether to spellcheck.
    pub spellcheck: Option<bool>,
    /// Further attributes of the input, such as `dir="auto"`.
    pub attributes: BTreeMap<String, String>,
    /// Ids of other elements that describe the input.
    pub described_by: Option<String>,
    /// The form group.
    pub form_group: Option<FormGroup>,
}

/// A multi-line text box.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Textarea {
    /// The textarea's id (default: its name).
    pub id: Option<String>,
    /// The field name.
    pub name: String,
    /// Visible rows (default 5).
    pub rows: Option<u32>,
    /// The current value.
    pub value: Option<String>,
    /// The label.
    pub label: Option<Label>,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// Extra classes.
    pub classes: Option<String>,
    /// The `autocomplete` token.
    pub autocomplete: Option<String>,
    /// Whether to spellcheck.
    pub spellcheck: Option<bool>,
    /// Further attributes of the textarea, such as `dir="auto"`.
    pub attributes: BTreeMap<String, String>,
    /// Ids of other elements that describe the textarea.
    pub described_by: Option<String>,
    /// The form group.
    pub form_group: Option<FormGroup>,
}

/// A textarea that counts characters or words against a limit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct CharacterCount {
    /// The textarea's id (default: its name).
    pub id: Option<String>,
    /// The field name.
    pub name: String,
    /// Visible rows (default 5).
    pub rows: Option<u32>,
    /// The current value.
    pub value: Option<String>,
    /// The most characters.
    pub maxlength: Option<u32>,
    /// The most words.
    pub maxwords: Option<u32>,
    /// The label.
    pub label: Option<Label>,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// Extra classes on the textarea.
    pub classes: Option<String>,
    /// Whether to spellcheck.
    pub spellcheck: Option<bool>,
    /// Further attributes of the textarea, such as `dir="auto"`.
    pub attributes: BTreeMap<String, String>,
    /// The form group.
    pub form_group: Option<FormGroup>,
}

/// One radio button or checkbox, or a divider between them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ChoiceItem {
    /// The submitted value.
    pub value: Option<String>,
    /// Label text, escaped.
    pub text: Option<String>,
    /// Label markup, not escaped.
    pub html: Option<String>,
    /// The item's id (default: the prefix and its position).
    pub id: Option<String>,
    /// A hint under the item.
    pub hint: Option<Hint>,
    /// Whether it is selected.
    pub checked: bool,
    /// `exclusive` for a "None of these" checkbox.
    pub behaviour: Option<String>,
    /// When set, this item is a divider with this text ("or").
    pub divider: Option<String>,
}

/// A set of radio buttons or of checkboxes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Choices {
    /// The prefix of the items' ids (default: the name).
    pub id_prefix: Option<String>,
    /// The field name.
    pub name: String,
    /// The items.
    pub items: Vec<ChoiceItem>,
    /// The fieldset around them.
    pub fieldset: Option<Fieldset>,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// Extra classes, such as `govuk-radios--inline`.
    pub classes: Option<String>,
    /// The form group.
    pub form_group: Option<FormGroup>,
}

impl Choices {
    /// Gives every item without an id the id the template would give it: the prefix (or the
    /// name) for the first, the prefix and the item's position from 1 (dividers counted) for
    /// the others. The page does this work in Rust, once per item, rather than in the template.
    pub(crate) fn with_item_ids(mut self) -> Choices {
        let prefix = match self.id_prefix.as_deref() {
            Some(prefix) if !prefix.is_empty() => prefix,
            _ => &self.name,
        };
        for (index, item) in self.items.iter_mut().enumerate() {
            if item.id.is_none() && item.divider.is_none() {
                item.id = Some(if index == 0 {
                    prefix.to_owned()
                } else {
                    format!("{prefix}-{}", index + 1)
                });
            }
        }
        self
    }
}

/// One box of a date input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DateItem {
    /// `day`, `month` or `year`.
    pub name: String,
    /// The box's label (default: the name, capitalised).
    pub label: Option<String>,
    /// The current value.
    pub value: Option<String>,
    /// Classes, such as `govuk-input--width-2`.
    pub classes: Option<String>,
    /// The `autocomplete` token, such as `bday-day`.
    pub autocomplete: Option<String>,
}

/// A date as day, month and year boxes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct DateInput {
    /// The id of the group; the boxes are `{id}-day` and so on.
    pub id: String,
    /// The prefix of the boxes' names: `{namePrefix}-day` and so on.
    pub name_prefix: Option<String>,
    /// The boxes (default: day, month and year).
    pub items: Vec<DateItem>,
    /// The fieldset around them.
    pub fieldset: Option<Fieldset>,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// Extra classes.
    pub classes: Option<String>,
    /// The form group.
    pub form_group: Option<FormGroup>,
}

/// One option of a select.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SelectItem {
    /// The submitted value.
    pub value: Option<String>,
    /// The text shown.
    pub text: String,
    /// Whether it is selected.
    pub selected: bool,
}

/// A drop-down list, for long lists of choices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Select {
    /// The id (default: its name).
    pub id: Option<String>,
    /// The field name.
    pub name: String,
    /// The options.
    pub items: Vec<SelectItem>,
    /// The selected value.
    pub value: Option<String>,
    /// The label.
    pub label: Option<Label>,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// Extra classes.
    pub classes: Option<String>,
    /// The form group.
    pub form_group: Option<FormGroup>,
}

/// A file upload control.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct FileUpload {
    /// The id (default: its name).
    pub id: Option<String>,
    /// The field name.
    pub name: String,
    /// Whether several files may be chosen.
    pub multiple: bool,
    /// The label.
    pub label: Option<Label>,
    /// The hint.
    pub hint: Option<Hint>,
    /// The error message.
    pub error_message: Option<ErrorMessage>,
    /// Extra classes.
    pub classes: Option<String>,
    /// Further attributes of the input, such as `accept="application/pdf"`.
    pub attributes: BTreeMap<String, String>,
    /// Ids of other elements that describe the control.
    pub described_by: Option<String>,
    /// The form group.
    pub form_group: Option<FormGroup>,
}

/// One link of an error summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ErrorLink {
    /// The message, escaped.
    pub text: Option<String>,
    /// Markup, not escaped.
    pub html: Option<String>,
    /// The link to the control (`#id`).
    pub href: Option<String>,
}

/// The "There is a problem" box at the top of a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ErrorSummary {
    /// The title.
    pub title_text: Option<String>,
    /// A description under the title.
    pub description_text: Option<String>,
    /// The errors.
    pub error_list: Vec<ErrorLink>,
}

/// A link in a summary list row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct SummaryAction {
    /// Where it goes.
    pub href: String,
    /// Its text, such as "Change".
    pub text: Option<String>,
    /// Text for screen readers after it, such as the question.
    pub visually_hidden_text: Option<String>,
}

/// The actions of a summary list row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummaryActions {
    /// The links.
    pub items: Vec<SummaryAction>,
}

/// One row of a summary list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummaryRow {
    /// The question.
    pub key: Content,
    /// The answer.
    pub value: Content,
    /// Change links.
    pub actions: Option<SummaryActions>,
}

/// Questions and answers, as on a "Check your answers" page.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SummaryList {
    /// The rows.
    pub rows: Vec<SummaryRow>,
    /// Extra classes.
    pub classes: Option<String>,
}

/// A tag, such as a task's status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tag {
    /// Its text.
    pub text: Option<String>,
    /// Its colour class, such as `govuk-tag--blue`.
    pub classes: Option<String>,
}

/// A task's status: plain text, or a tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaskStatus {
    /// Plain text, such as "Completed".
    pub text: Option<String>,
    /// A tag, such as "Incomplete".
    pub tag: Option<Tag>,
    /// Extra classes.
    pub classes: Option<String>,
}

/// One task of a task list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Task {
    /// The task's name.
    pub title: Content,
    /// A hint under the name.
    pub hint: Option<Content>,
    /// Where it links (none: it cannot be started).
    pub href: Option<String>,
    /// Its status.
    pub status: TaskStatus,
}

/// A list of the tasks (sections) of a form and their status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct TaskList {
    /// The tasks.
    pub items: Vec<Task>,
    /// The prefix of the ids (default `task-list`).
    pub id_prefix: Option<String>,
}
