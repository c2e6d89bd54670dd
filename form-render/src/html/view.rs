//! From the form, the answers and the errors to what the page templates show.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde_json::Value;

use form_runtime::{
    Audience, Choices, Element, Expr, Form, Input, Medium, Question, Repeat, Section, SectionState,
    ValidateOptions, Validator, Visibility, selectable, wording::lower_first,
};

use super::PageOptions;
use super::params::{
    self, ChoiceItem, Content, DateItem, ErrorLink, ErrorMessage, ErrorSummary, Fieldset, Hint,
    Label, Legend, SummaryAction, SummaryActions, SummaryList, SummaryRow, Task, TaskList,
    TaskStatus,
};
use crate::reach::{Reach, seen_sections};
use crate::words::{self, Describe};

/// Choice lists longer than this are a drop-down list rather than radios.
const RADIOS_MAX: usize = 15;

/// A page, as the templates see it.
#[derive(Debug, Serialize)]
pub(super) struct Page {
    /// `task_list`, `section`, `check_answers` or `whole_form`.
    kind: &'static str,
    /// The `<title>`, with "Error: " first when the page shows errors.
    title: String,
    heading: String,
    caption: Option<String>,
    service_name: String,
    assets: String,
    home: String,
    intro: Vec<String>,
    error_summary: Option<ErrorSummary>,
    task_list: Option<TaskList>,
    sections: Vec<SectionView>,
    /// Where the form posts (a section page), and where "Continue" goes (check answers).
    action: Option<String>,
    next: Option<String>,
    /// The rules and answers `sendform.js` needs, as JSON.
    script: Option<String>,
}

#[derive(Debug, Serialize)]
struct SectionView {
    id: String,
    title: String,
    intro: Vec<String>,
    /// The audience may see but not change it.
    locked: bool,
    pointer: String,
    condition: Option<String>,
    elements: Vec<ElementView>,
    summary: Option<SummaryList>,
    change: Option<String>,
}

/// A question's GOV.UK component and its options (`params` in the page).
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Control {
    Input(params::Input),
    Textarea(params::Textarea),
    CharacterCount(params::CharacterCount),
    Radios(params::Choices),
    Checkboxes(params::Choices),
    DateInput(params::DateInput),
    Select(params::Select),
    FileUpload(params::FileUpload),
}

impl Control {
    /// The component's name, as the page gives it (`component`, the name of its template).
    fn component(&self) -> &'static str {
        match self {
            Control::Input(_) => "input",
            Control::Textarea(_) => "textarea",
            Control::CharacterCount(_) => "character-count",
            Control::Radios(_) => "radios",
            Control::Checkboxes(_) => "checkboxes",
            Control::DateInput(_) => "date-input",
            Control::Select(_) => "select",
            Control::FileUpload(_) => "file-upload",
        }
    }

    fn error_message(&self) -> Option<&ErrorMessage> {
        match self {
            Control::Input(params) => params.error_message.as_ref(),
            Control::Textarea(params) => params.error_message.as_ref(),
            Control::CharacterCount(params) => params.error_message.as_ref(),
            Control::Radios(params) | Control::Checkboxes(params) => params.error_message.as_ref(),
            Control::DateInput(params) => params.error_message.as_ref(),
            Control::Select(params) => params.error_message.as_ref(),
            Control::FileUpload(params) => params.error_message.as_ref(),
        }
    }

    /// The error shown on the control, if any.
    fn error(&self) -> Option<&str> {
        self.error_message()?.text.as_deref()
    }

    /// The id of the control an error summary link goes to: the first of a group's items, the
    /// day of a date.
    fn first_id(&self) -> String {
        let id = match self {
            Control::Input(params) => params.id.as_deref().or(Some(params.name.as_str())),
            Control::Textarea(params) => params.id.as_deref().or(Some(params.name.as_str())),
            Control::CharacterCount(params) => params.id.as_deref().or(Some(params.name.as_str())),
            Control::Radios(params) | Control::Checkboxes(params) => {
                params.id_prefix.as_deref().or(Some(params.name.as_str()))
            }
            Control::DateInput(params) => {
                return format!("{}-day", params.id);
            }
            Control::Select(params) => params.id.as_deref().or(Some(params.name.as_str())),
            Control::FileUpload(params) => params.id.as_deref().or(Some(params.name.as_str())),
        };
        id.unwrap_or_default().to_owned()
    }
}

#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ElementView {
    Question {
        /// The control's component (a field of its own rather than a flattened tag, which
        /// would make the page's element a map looked up by hashing).
        component: &'static str,
        #[serde(rename = "params")]
        control: Box<Control>,
        pointer: String,
        /// Shown only when a rule holds (the wrapper is toggled by sendform.js).
        conditional: bool,
    },
    Content {
        title: String,
        paragraphs: Vec<String>,
        pointer: String,
        conditional: bool,
    },
    Block {
        id: String,
        title: String,
        hint: Option<String>,
        condition: Option<String>,
        error: Option<String>,
        entries: Vec<EntryView>,
        add: Option<Button>,
        pointer: String,
        conditional: bool,
    },
    /// A part the audience may see but not change.
    ReadOnly { summary: SummaryList },
}

#[derive(Debug, Serialize)]
struct EntryView {
    legend: String,
    elements: Vec<ElementView>,
    remove: Option<Button>,
}

#[derive(Debug, Serialize)]
struct Button {
    text: String,
    value: String,
}

/// Everything a page needs that depends on the answers and the audience.
struct Context<'a> {
    form: &'a Form,
    options: &'a PageOptions<'a>,
    /// What the audience may do with the form as a whole.
    reach: Reach,
    /// Whether each element (by JSON Pointer) and each section (by id) is shown.
    shown: HashMap<String, bool>,
    sections_shown: HashMap<String, bool>,
    /// Whether each element of the empty entries a page gives a block to fill in (which the
    /// answers do not hold) is shown in them: the visibility of the answers with those
    /// entries added as empty ones (nothing when no block needs one).
    shown_in_room: HashMap<String, bool>,
    describe: Describe<'a>,
    /// Errors by JSON Pointer.
    errors: BTreeMap<&'a str, Vec<&'a str>>,
    /// Ids of the questions and blocks the audience sees (for rules shipped to the page).
    seen_ids: BTreeSet<&'a str>,
    /// Each element's id and the blocks around it.
    blocks_of: BTreeMap<&'a str, Vec<&'a str>>,
}

impl<'a> Context<'a> {
    fn new(validator: &'a Validator, options: &'a PageOptions<'a>) -> Context<'a> {
        let form = validator.form();
        let mut errors: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for error in options.errors {
            errors
                .entry(error.path.as_str())
                .or_default()
                .push(&error.message);
        }
        let mut seen_ids = BTreeSet::new();
        let mut blocks_of = BTreeMap::new();
        let form_reach = Reach::of_form(form, options.audience);
        for section in &form.sections {
            let reach = form_reach.within(&section.access, options.audience);
            collect_ids(
                &section.elements,
                reach,
                options.audience,
                &mut Vec::new(),
                &mut |id, seen, blocks| {
                    if seen {
                        seen_ids.insert(id);
                    }
                    blocks_of.insert(id, blocks.to_vec());
                },
            );
        }
        let Visibility {
            sections, elements, ..
        } = validator.visibility(options.answers, options.today);
        let shown_in_room = with_room_to_fill(form, options.answers)
            .map(|answers| validator.visibility(&answers, options.today).elements)
            .unwrap_or_default();
        Context {
            form,
            options,
            reach: form_reach,
            shown: elements.into_iter().collect(),
            sections_shown: sections.into_iter().collect(),
            shown_in_room: shown_in_room.into_iter().collect(),
            describe: Describe::new(form),
            errors,
            seen_ids,
            blocks_of,
        }
    }

    fn shown(&self, pointer: &str) -> bool {
        // The answers' own visibility lists every part of the entries they hold; a part of an
        // entry given to fill in is shown as it would be in an empty entry.
        self.shown
            .get(pointer)
            .or_else(|| self.shown_in_room.get(pointer))
            .copied()
            .unwrap_or(false)
    }

    fn section_shown(&self, id: &str) -> bool {
        self.sections_shown.get(id).copied().unwrap_or(false)
    }

    fn section_reach(&self, section: &Section) -> Reach {
        self.reach.within(&section.access, self.options.audience)
    }

    /// Whether a rule can go to the page: it reads only what the audience sees.
    fn shippable(&self, rule: &form_runtime::Rule) -> bool {
        rule.expr
            .references()
            .iter()
            .all(|id| self.seen_ids.contains(id))
    }

    /// Whether a part with this rule is conditional on the page (shown with its condition
    /// and toggled by script), rather than shown or left out by the server's verdict.
    fn conditional(&self, rule: Option<&form_runtime::Rule>) -> bool {
        rule.is_some_and(|rule| self.shippable(rule))
    }

    fn error(&self, pointer: &str) -> Option<ErrorMessage> {
        self.errors.get(pointer).map(|messages| ErrorMessage {
            text: Some(messages.join(". ")),
            ..ErrorMessage::default()
        })
    }

    /// The errors on the answer at `pointer` and on the parts of it (a document of a file
    /// question's list: `/documents/0`), each message once, for the one control that takes
    /// them all.
    fn error_within(&self, pointer: &str) -> Option<ErrorMessage> {
        let within = format!("{pointer}/");
        let mut messages: Vec<&str> = Vec::new();
        for (at, found) in self.errors.range(pointer..) {
            if *at != pointer && !at.starts_with(&within) {
                break;
            }
            for message in found {
                if !messages.contains(message) {
                    messages.push(message);
                }
            }
        }
        (!messages.is_empty()).then(|| ErrorMessage {
            text: Some(messages.join(". ")),
            ..ErrorMessage::default()
        })
    }

    fn page(&self, kind: &'static str, heading: String) -> Page {
        let options = self.options;
        Page {
            kind,
            title: String::new(),
            heading,
            caption: None,
            service_name: options.service_name.to_owned(),
            assets: options.assets.trim_end_matches('/').to_owned(),
            home: options.links.page("index"),
            intro: Vec::new(),
            error_summary: None,
            task_list: None,
            sections: Vec::new(),
            action: None,
            next: None,
            script: None,
        }
    }
}

fn collect_ids<'a>(
    elements: &'a [Element],
    reach: Reach,
    audience: Audience,
    blocks: &mut Vec<&'a str>,
    visit: &mut dyn FnMut(&'a str, bool, &[&'a str]),
) {
    for element in elements {
        let reach = reach.within(element.access(), audience);
        visit(element.id(), reach.seen, blocks);
        if let Element::Repeat(repeat) = element {
            blocks.push(&repeat.id);
            collect_ids(&repeat.elements, reach, audience, blocks, visit);
            blocks.pop();
        }
    }
}

/// Whether the answers answer anything in `section`: a value other than an empty one or No.
fn answers_any(section: &Section, answers: &Value) -> bool {
    section.elements.iter().any(|element| {
        answers.get(element.id()).is_some_and(|value| match value {
            Value::Null | Value::Bool(false) => false,
            Value::String(text) => !text.trim().is_empty(),
            Value::Array(items) => !items.is_empty(),
            Value::Object(members) => !members.is_empty(),
            Value::Bool(true) | Value::Number(_) => true,
        })
    })
}

/// `<title>`: the page, the form and the service, with "Error: " first when it shows errors.
fn title(page: &str, form: &str, service: &str, errors: bool) -> String {
    let prefix = if errors { "Error: " } else { "" };
    if page == form {
        format!("{prefix}{page} - {service}")
    } else {
        format!("{prefix}{page} - {form} - {service}")
    }
}

pub(super) fn task_list(validator: &Validator, options: &PageOptions<'_>) -> Page {
    let context = Context::new(validator, options);
    let form = context.form;
    let statuses = validator.completeness(options.answers, &ValidateOptions::new(options.today));
    let mut items = Vec::new();
    for (section, status) in form.sections.iter().zip(&statuses) {
        let reach = context.section_reach(section);
        if !reach.seen || status.state == SectionState::Hidden {
            continue;
        }
        let tag = |text: &str, colour: &str| TaskStatus {
            tag: Some(params::Tag {
                text: Some(text.to_owned()),
                classes: Some(colour.to_owned()),
            }),
            ..TaskStatus::default()
        };
        let status_view = match status.state {
            _ if !reach.writable => TaskStatus {
                text: Some("Cannot change".to_owned()),
                classes: Some("govuk-task-list__status--cannot-start-yet".to_owned()),
                ..TaskStatus::default()
            },
            // A section that asks for nothing required, where nothing is answered yet: done
            // as it is, but not yet looked at.
            SectionState::Complete if !answers_any(section, options.answers) => TaskStatus {
                text: Some("Optional".to_owned()),
                ..TaskStatus::default()
            },
            SectionState::Complete => TaskStatus {
                text: Some("Completed".to_owned()),
                ..TaskStatus::default()
            },
            SectionState::NotStarted => tag("Not yet started", "govuk-tag--blue"),
            _ => tag("Incomplete", "govuk-tag--light-blue"),
        };
        let missing = status.missing.len() + status.errors.len();
        let hint = (reach.writable && status.state == SectionState::Incomplete).then(|| {
            Content::text(match (status.missing.len(), status.errors.len()) {
                (0, errors) => words::count(errors, "answer to correct", "answers to correct"),
                (missing, 0) => words::count(missing, "question to answer", "questions to answer"),
                _ => words::count(missing, "thing to do", "things to do"),
            })
        });
        items.push(Task {
            title: Content::text(&section.title),
            hint,
            href: Some(options.links.page(&section.id)),
            status: status_view,
        });
    }
    let mut page = context.page("task_list", form.title.clone());
    page.title = title(&form.title, &form.title, options.service_name, false);
    page.intro = paragraphs(form.intro.as_deref().unwrap_or(""));
    page.task_list = Some(TaskList {
        items,
        id_prefix: None,
    });
    page.next = Some(options.links.page("check-answers"));
    page
}

pub(super) fn section_page(
    validator: &Validator,
    section_id: &str,
    options: &PageOptions<'_>,
) -> Option<Page> {
    let context = Context::new(validator, options);
    let form = context.form;
    let section = form.sections.iter().find(|s| s.id == section_id)?;
    let reach = context.section_reach(section);
    if !reach.seen {
        return None;
    }
    let view = section_view(&context, section, reach);
    let mut page = context.page("section", section.title.clone());
    let summary = error_summary(std::slice::from_ref(&view));
    page.title = title(
        &section.title,
        &form.title,
        options.service_name,
        summary.is_some(),
    );
    page.caption = Some(form.title.clone());
    page.error_summary = summary;
    page.action = Some(options.links.page(&section.id));
    page.script = serde_json::to_string(&script(&context, &[section])).ok();
    page.sections = vec![view];
    Some(page)
}

pub(super) fn whole_form(validator: &Validator, options: &PageOptions<'_>) -> Page {
    let context = Context::new(validator, options);
    let form = context.form;
    let mut sections = Vec::new();
    let mut shown = Vec::new();
    for section in &form.sections {
        let reach = context.section_reach(section);
        if reach.seen
            && (context.conditional(section.visible_when.as_ref())
                || context.section_shown(&section.id))
        {
            sections.push(section_view(&context, section, reach));
            shown.push(section);
        }
    }
    let mut page = context.page("whole_form", form.title.clone());
    let summary = error_summary(&sections);
    page.title = title(
        &form.title,
        &form.title,
        options.service_name,
        summary.is_some(),
    );
    page.intro = paragraphs(form.intro.as_deref().unwrap_or(""));
    page.error_summary = summary;
    page.action = Some(String::new());
    page.script = serde_json::to_string(&script(&context, &shown)).ok();
    page.sections = sections;
    page
}

pub(super) fn check_answers(validator: &Validator, options: &PageOptions<'_>) -> Page {
    let context = Context::new(validator, options);
    let form = context.form;
    let mut sections = Vec::new();
    for section in &form.sections {
        let reach = context.section_reach(section);
        if !reach.seen || !context.section_shown(&section.id) {
            continue;
        }
        let change = reach.writable.then(|| options.links.page(&section.id));
        let summary = answers_summary(
            &context,
            &section.elements,
            reach,
            &mut Vec::new(),
            change.as_deref(),
        );
        sections.push(SectionView {
            id: section.id.clone(),
            title: section.title.clone(),
            intro: Vec::new(),
            locked: !reach.writable,
            pointer: String::new(),
            condition: None,
            elements: Vec::new(),
            summary: Some(summary),
            change,
        });
    }
    let mut page = context.page("check_answers", "Check your answers".to_owned());
    page.title = title(
        "Check your answers",
        &form.title,
        options.service_name,
        false,
    );
    page.caption = Some(form.title.clone());
    page.sections = sections;
    page
}

/// The error summary: every error shown on the page, in page order, linking to its control.
fn error_summary(sections: &[SectionView]) -> Option<ErrorSummary> {
    fn walk(elements: &[ElementView], out: &mut Vec<ErrorLink>) {
        for element in elements {
            match element {
                ElementView::Question { control, .. } => {
                    if let Some(text) = control.error() {
                        out.push(ErrorLink {
                            text: Some(text.to_owned()),
                            html: None,
                            href: Some(format!("#{}", control.first_id())),
                        });
                    }
                }
                ElementView::Block {
                    id, error, entries, ..
                } => {
                    if let Some(text) = error {
                        out.push(ErrorLink {
                            text: Some(text.clone()),
                            html: None,
                            href: Some(format!("#{id}")),
                        });
                    }
                    for entry in entries {
                        walk(&entry.elements, out);
                    }
                }
                ElementView::Content { .. } | ElementView::ReadOnly { .. } => {}
            }
        }
    }
    let mut links = Vec::new();
    for section in sections {
        walk(&section.elements, &mut links);
    }
    (!links.is_empty()).then(|| ErrorSummary {
        title_text: Some("There is a problem".to_owned()),
        description_text: None,
        error_list: links,
    })
}

/// A section's elements for a page.
fn section_view(context: &Context<'_>, section: &Section, reach: Reach) -> SectionView {
    let mut path = Vec::new();
    let elements = if reach.writable {
        element_views(context, &section.elements, reach, &mut path)
    } else {
        vec![ElementView::ReadOnly {
            summary: answers_summary(context, &section.elements, reach, &mut path, None),
        }]
    };
    SectionView {
        id: section.id.clone(),
        title: section.title.clone(),
        intro: paragraphs(section.intro.as_deref().unwrap_or("")),
        locked: !reach.writable,
        pointer: format!("section:{}", section.id),
        condition: section
            .visible_when
            .as_ref()
            .filter(|rule| context.shippable(rule))
            .map(|rule| context.describe.rule(rule)),
        elements,
        summary: None,
        change: None,
    }
}

/// A path in the answers: keys and entry positions.
#[derive(Debug, Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn pointer(path: &[Seg]) -> String {
    let mut out = String::new();
    for segment in path {
        out.push('/');
        match segment {
            Seg::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Seg::Index(index) => out.push_str(&index.to_string()),
        }
    }
    out
}

/// The field name of an answer: its path with dots (`outcomes.0.team`).
fn field_name(path: &[Seg]) -> String {
    path.iter()
        .map(|segment| match segment {
            Seg::Key(key) => key.clone(),
            Seg::Index(index) => index.to_string(),
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// The id of a control: its path with hyphens (`outcomes-0-team`).
fn field_id(path: &[Seg]) -> String {
    field_name(path).replace('.', "-")
}

/// The answer at `path`.
fn answer_at<'v>(answers: &'v Value, path: &[Seg]) -> Option<&'v Value> {
    let mut value = answers;
    for segment in path {
        value = match segment {
            Seg::Key(key) => value.get(key.as_str())?,
            Seg::Index(index) => value.get(*index)?,
        };
    }
    Some(value)
}

fn element_views(
    context: &Context<'_>,
    elements: &[Element],
    reach: Reach,
    path: &mut Vec<Seg>,
) -> Vec<ElementView> {
    let audience = context.options.audience;
    let mut out = Vec::new();
    for element in elements {
        let reach = reach.within(element.access(), audience);
        if !reach.seen {
            continue;
        }
        path.push(Seg::Key(element.id().to_owned()));
        let at = pointer(path);
        let conditional = context.conditional(element.visible_when());
        // Without a rule the page may carry, the server decides: a hidden part is left out.
        if !conditional && !context.shown(&at) {
            path.pop();
            continue;
        }
        if !reach.writable {
            // The summary rows name the element themselves.
            path.pop();
            out.push(ElementView::ReadOnly {
                summary: answers_summary(context, std::slice::from_ref(element), reach, path, None),
            });
            continue;
        }
        let condition = element
            .visible_when()
            .filter(|_| conditional)
            .map(|rule| context.describe.rule(rule));
        match element {
            Element::Question(question) => {
                let control = question_params(context, question, path, condition);
                out.push(ElementView::Question {
                    component: control.component(),
                    control: Box::new(control),
                    pointer: at,
                    conditional,
                });
            }
            Element::Content(content) => {
                if content.shown_on(Medium::Web) {
                    out.push(ElementView::Content {
                        title: content.title.clone(),
                        paragraphs: paragraphs(&content.body),
                        pointer: at,
                        conditional,
                    });
                }
            }
            Element::Repeat(repeat) => {
                out.push(block_view(
                    context,
                    repeat,
                    reach,
                    path,
                    condition,
                    at,
                    conditional,
                ));
            }
        }
        path.pop();
    }
    out
}

fn block_view(
    context: &Context<'_>,
    repeat: &Repeat,
    reach: Reach,
    path: &mut Vec<Seg>,
    condition: Option<String>,
    at: String,
    conditional: bool,
) -> ElementView {
    let count = answer_at(context.options.answers, path)
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let min = repeat.min.as_ref().map_or(0, |min| min.value as usize);
    let max = repeat.max.as_ref().map(|max| max.value as usize);
    let shown = entries_shown(repeat, count);
    let mut entries = Vec::new();
    for index in 0..shown {
        path.push(Seg::Index(index));
        let elements = element_views(context, &repeat.elements, reach, path);
        let remove = (index >= min || count > min).then(|| Button {
            text: format!("Remove {} {}", lower_first(&repeat.item_label), index + 1),
            value: format!("remove:{}", pointer(path)),
        });
        entries.push(EntryView {
            legend: format!("{} {}", repeat.item_label, index + 1),
            elements,
            remove: remove.filter(|_| shown > 1 || count > 0),
        });
        path.pop();
    }
    let add = max.is_none_or(|max| shown < max).then(|| Button {
        text: format!("Add another {}", lower_first(&repeat.item_label)),
        value: format!("add:{at}"),
    });
    ElementView::Block {
        id: field_id(path),
        title: repeat.title.clone(),
        hint: join_hint(repeat.hint.as_deref(), condition.as_deref()),
        condition,
        error: context.error(&at).and_then(|e| e.text),
        entries,
        add,
        pointer: at,
        conditional,
    }
}

/// How many entries a page shows of a block with `count` entries answered: room for its
/// minimum, and at least one entry to fill in.
fn entries_shown(repeat: &Repeat, count: usize) -> usize {
    let min = repeat.min.as_ref().map_or(0, |min| min.value as usize);
    count.max(min).max(1)
}

/// The answers with each block given, as empty entries, the entries a page shows it with to
/// fill in ([`entries_shown`]), within entries too; none when every block has them already.
fn with_room_to_fill(form: &Form, answers: &Value) -> Option<Value> {
    fn fill(elements: &[Element], object: &mut serde_json::Map<String, Value>) -> bool {
        let mut added = false;
        for element in elements {
            let Element::Repeat(repeat) = element else {
                continue;
            };
            let entries = object
                .entry(repeat.id.as_str())
                .or_insert_with(|| Value::Array(Vec::new()));
            // An answer that is not a list is the answers' error, left as it is.
            let Value::Array(entries) = entries else {
                continue;
            };
            while entries.len() < entries_shown(repeat, entries.len()) {
                entries.push(Value::Object(serde_json::Map::new()));
                added = true;
            }
            for entry in entries.iter_mut() {
                if let Value::Object(entry) = entry {
                    added |= fill(&repeat.elements, entry);
                }
            }
        }
        added
    }
    let mut answers = answers.clone();
    let object = answers.as_object_mut()?;
    let mut added = false;
    for section in &form.sections {
        added |= fill(&section.elements, object);
    }
    added.then_some(answers)
}

/// The hint, with the condition under which the question applies.
fn join_hint(hint: Option<&str>, condition: Option<&str>) -> Option<String> {
    match (hint, condition) {
        (None, None) => None,
        (Some(hint), None) => Some(hint.to_owned()),
        (None, Some(condition)) => Some(condition.to_owned()),
        (Some(hint), Some(condition)) => Some(format!("{hint} ({condition})")),
    }
}

/// The example a date's hint gives where the designer gives none, as GOV.UK writes it: in the
/// past (a birthday in spring, twelve years back) for a date that may not be after today, else
/// in the coming year (a target or a due date).
fn date_example(date: &form_runtime::DateInput, today: form_runtime::Date) -> String {
    use form_runtime::{DateBoundKind, ExprKind};
    let past = date.bounds.iter().any(|bound| {
        matches!(bound.kind, DateBoundKind::Before | DateBoundKind::NotAfter)
            && matches!(bound.date.expr.kind, ExprKind::Today)
    });
    let year = if past {
        today.year() - 12
    } else {
        today.year() + 1
    };
    format!("For example, 27 3 {year}")
}

/// The question's hint, or a standard one where it has none.
fn hint_or(hint: &Option<Hint>, standard: &str) -> Hint {
    hint.clone().unwrap_or_else(|| Hint {
        text: Some(standard.to_owned()),
        ..Hint::default()
    })
}

fn text_value(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(value) => Some(value.to_string()),
        _ => None,
    }
}

/// The component and options of a question.
fn question_params(
    context: &Context<'_>,
    question: &Question,
    path: &[Seg],
    condition: Option<String>,
) -> Control {
    let id = field_id(path);
    let name = field_name(path);
    let value = answer_at(context.options.answers, path);
    let error_message = if matches!(question.input, Input::File(_)) {
        context.error_within(&pointer(path))
    } else {
        context.error(&pointer(path))
    };
    let hint = join_hint(question.hint.as_deref(), condition.as_deref()).map(|text| Hint {
        text: Some(text),
        ..Hint::default()
    });
    // A control has a label or a fieldset, never both: each made only when asked for.
    let label = || {
        Some(Label {
            text: Some(question.label.clone()),
            classes: Some("govuk-label--s".to_owned()),
            ..Label::default()
        })
    };
    let fieldset = || {
        Some(Fieldset {
            legend: Some(Legend {
                text: Some(question.label.clone()),
                classes: Some("govuk-fieldset__legend--s".to_owned()),
                ..Legend::default()
            }),
            ..Fieldset::default()
        })
    };
    let input = |input_type: Option<&str>,
                 inputmode: Option<&str>,
                 classes: Option<&str>,
                 autocomplete: Option<&str>,
                 spellcheck: Option<bool>| params::Input {
        id: Some(id.clone()),
        name: name.clone(),
        input_type: input_type.map(str::to_owned),
        inputmode: inputmode.map(str::to_owned),
        value: text_value(value),
        label: label(),
        hint: hint.clone(),
        error_message: error_message.clone(),
        classes: classes.map(str::to_owned),
        autocomplete: autocomplete.map(str::to_owned),
        spellcheck,
        ..params::Input::default()
    };
    match &question.input {
        Input::Text(text) => {
            let classes = match text.max_length.as_ref().map(|limit| limit.value) {
                Some(0..=5) => Some("govuk-input--width-5"),
                Some(6..=10) => Some("govuk-input--width-10"),
                Some(11..=20) => Some("govuk-input--width-20"),
                _ => None,
            };
            let mut params = input(None, None, classes, text.autocomplete.as_deref(), None);
            params.attributes = typed_direction();
            Control::Input(params)
        }
        Input::LongText(text) => {
            let maxlength = text.max_length.as_ref().map(|limit| limit.value);
            let maxwords = text.max_words.as_ref().map(|limit| limit.value);
            if maxlength.is_some() || maxwords.is_some() {
                let params = params::CharacterCount {
                    id: Some(id.clone()),
                    name: name.clone(),
                    rows: Some(8),
                    value: text_value(value),
                    maxlength,
                    maxwords,
                    label: label(),
                    hint: hint.clone(),
                    error_message: error_message.clone(),
                    spellcheck: Some(true),
                    attributes: typed_direction(),
                    ..params::CharacterCount::default()
                };
                Control::CharacterCount(params)
            } else {
                let params = params::Textarea {
                    id: Some(id.clone()),
                    name: name.clone(),
                    rows: Some(8),
                    value: text_value(value),
                    label: label(),
                    hint: hint.clone(),
                    error_message: error_message.clone(),
                    spellcheck: Some(true),
                    attributes: typed_direction(),
                    ..params::Textarea::default()
                };
                Control::Textarea(params)
            }
        }
        Input::Integer(number) | Input::Decimal(number) => {
            let mode = if matches!(question.input, Input::Integer(_)) {
                "numeric"
            } else {
                "decimal"
            };
            let mut params = input(
                None,
                Some(mode),
                Some("govuk-input--width-10"),
                None,
                Some(false),
            );
            params.prefix = number.prefix.as_deref().map(Content::text);
            params.suffix = number.suffix.as_deref().map(Content::text);
            Control::Input(params)
        }
        Input::Email(format) => Control::Input(input(
            Some("email"),
            None,
            None,
            format.autocomplete.as_deref(),
            Some(false),
        )),
        Input::Phone(format) => Control::Input(input(
            Some("tel"),
            None,
            Some("govuk-input--width-20"),
            format.autocomplete.as_deref(),
            None,
        )),
        Input::Postcode(format) => Control::Input(input(
            None,
            None,
            Some("govuk-input--width-10"),
            format.autocomplete.as_deref(),
            Some(false),
        )),
        Input::NhsNumber(format) | Input::Upn(format) => Control::Input(input(
            None,
            if matches!(question.input, Input::NhsNumber(_)) {
                Some("numeric")
            } else {
                None
            },
            // 10 digits, written in three groups; a UPN is 13 characters.
            if matches!(question.input, Input::NhsNumber(_)) {
                Some("govuk-input--width-10")
            } else {
                Some("govuk-input--width-20")
            },
            format.autocomplete.as_deref(),
            Some(false),
        )),
        Input::PersonLookup => Control::Input(input(None, None, None, None, Some(false))),
        Input::Date(date) => {
            let parts = match value {
                Some(Value::String(text)) => date_parts(text),
                _ => [None, None, None],
            };
            let items = ["day", "month", "year"]
                .into_iter()
                .zip(parts)
                .map(|(part, value)| DateItem {
                    name: part.to_owned(),
                    label: None,
                    value,
                    classes: Some(
                        if part == "year" {
                            "govuk-input--width-4"
                        } else {
                            "govuk-input--width-2"
                        }
                        .to_owned(),
                    ),
                    autocomplete: date
                        .autocomplete
                        .as_ref()
                        .map(|token| format!("{token}-{part}")),
                })
                .collect();
            let params = params::DateInput {
                id: id.clone(),
                name_prefix: Some(name.clone()),
                items,
                fieldset: fieldset(),
                hint: Some(hint_or(&hint, &date_example(date, context.options.today))),
                error_message: error_message.clone(),
                ..params::DateInput::default()
            };
            Control::DateInput(params)
        }
        Input::YesNo => {
            let checked = |want: bool| value == Some(&Value::Bool(want));
            let params = params::Choices {
                id_prefix: Some(id.clone()),
                name: name.clone(),
                items: vec![
                    choice_item("yes", "Yes", checked(true)),
                    choice_item("no", "No", checked(false)),
                ],
                fieldset: fieldset(),
                hint: hint.clone(),
                error_message: error_message.clone(),
                classes: Some("govuk-radios--inline".to_owned()),
                ..params::Choices::default()
            };
            Control::Radios(params.with_item_ids())
        }
        Input::Declaration => {
            let params = params::Choices {
                id_prefix: Some(id.clone()),
                name: name.clone(),
                items: vec![choice_item(
                    "yes",
                    &question.label,
                    value == Some(&Value::Bool(true)),
                )],
                // One box whose label is the statement: no fieldset, whose legend would only
                // repeat a word such as the page's heading ("Declaration") before each.
                fieldset: None,
                hint: hint.clone(),
                error_message: error_message.clone(),
                ..params::Choices::default()
            };
            Control::Checkboxes(params.with_item_ids())
        }
        Input::Choice(choice) => {
            let options = choice_list(context.form, &choice.choices);
            let selected = value.and_then(Value::as_str);
            if options.len() > RADIOS_MAX {
                let mut items = vec![params::SelectItem {
                    value: Some(String::new()),
                    text: "Select an option".to_owned(),
                    selected: selected.is_none(),
                }];
                items.extend(options.iter().map(|(code, label)| params::SelectItem {
                    value: Some((*code).to_owned()),
                    text: (*label).to_owned(),
                    selected: selected == Some(*code),
                }));
                let params = params::Select {
                    id: Some(id.clone()),
                    name: name.clone(),
                    items,
                    label: label(),
                    hint: hint.clone(),
                    error_message: error_message.clone(),
                    ..params::Select::default()
                };
                Control::Select(params)
            } else {
                let params = params::Choices {
                    id_prefix: Some(id.clone()),
                    name: name.clone(),
                    items: options
                        .iter()
                        .map(|&(code, text)| choice_item(code, text, selected == Some(code)))
                        .collect(),
                    fieldset: fieldset(),
                    hint: hint.clone(),
                    error_message: error_message.clone(),
                    ..params::Choices::default()
                };
                Control::Radios(params.with_item_ids())
            }
        }
        Input::MultiChoice(multi) => {
            let chosen: Vec<&str> = value
                .and_then(Value::as_array)
                .map(|codes| codes.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut items: Vec<ChoiceItem> = choice_list(context.form, &multi.choices)
                .iter()
                .map(|&(code, text)| choice_item(code, text, chosen.contains(&code)))
                .collect();
            if let Some(none) = &multi.exclusive {
                items.push(ChoiceItem {
                    divider: Some("or".to_owned()),
                    ..ChoiceItem::default()
                });
                let mut item = choice_item(
                    &none.code,
                    &none.label,
                    chosen.contains(&none.code.as_str()),
                );
                item.behaviour = Some("exclusive".to_owned());
                items.push(item);
            }
            let params = params::Choices {
                id_prefix: Some(id.clone()),
                name: name.clone(),
                items,
                fieldset: fieldset(),
                hint: Some(hint_or(&hint, "Select all that apply.")),
                error_message: error_message.clone(),
                ..params::Choices::default()
            };
            Control::Checkboxes(params.with_item_ids())
        }
        Input::File(file) => {
            let names = file_names(value);
            let mut hint_text = hint.as_ref().and_then(|h| h.text.clone());
            if !names.is_empty() {
                let uploaded = format!("Uploaded: {}", names.join(", "));
                hint_text = Some(match hint_text {
                    Some(text) => format!("{text} {uploaded}"),
                    None => uploaded,
                });
            }
            let params = params::FileUpload {
                id: Some(id.clone()),
                name: name.clone(),
                multiple: file.max_files.value > 1,
                label: label(),
                hint: hint_text.map(|text| Hint {
                    text: Some(text),
                    ..Hint::default()
                }),
                error_message: error_message.clone(),
                // What the file picker offers, as the question accepts it.
                attributes: if file.accept.is_empty() {
                    BTreeMap::new()
                } else {
                    BTreeMap::from([("accept".to_owned(), file.accept.join(","))])
                },
                ..params::FileUpload::default()
            };
            Control::FileUpload(params)
        }
    }
}

fn choice_item(value: &str, text: &str, checked: bool) -> ChoiceItem {
    ChoiceItem {
        value: Some(value.to_owned()),
        text: Some(text.to_owned()),
        checked,
        ..ChoiceItem::default()
    }
}

/// The selectable codes and labels of a question's choices.
fn choice_list<'f>(form: &'f Form, choices: &'f Choices) -> Vec<(&'f str, &'f str)> {
    let list = match choices {
        Choices::Inline(choices) => choices.as_slice(),
        Choices::Taxonomy(name) => form
            .taxonomies
            .get(name)
            .map_or(&[][..], |taxonomy| taxonomy.choices.as_slice()),
    };
    selectable(list)
        .map(|choice| (choice.code.as_str(), choice.label.as_str()))
        .collect()
}

/// A date answer's day, month and year as typed (`2012-03-27` gives 27, 3, 2012).
fn date_parts(text: &str) -> [Option<String>; 3] {
    let mut parts = text.splitn(3, '-');
    let year = parts.next().map(str::to_owned);
    let month = parts.next().map(str::to_owned);
    let day = parts.next().map(str::to_owned);
    let tidy = |part: Option<String>| {
        part.map(|part| {
            let trimmed = part.trim_start_matches('0');
            if trimmed.is_empty() || trimmed.len() == part.len() || part.len() > 2 {
                part
            } else {
                trimmed.to_owned()
            }
        })
    };
    [tidy(day), tidy(month), year]
}

fn file_names(value: Option<&Value>) -> Vec<String> {
    let name = |file: &Value| file.get("name").and_then(Value::as_str).map(str::to_owned);
    match value {
        Some(Value::Array(files)) => files.iter().filter_map(name).collect(),
        Some(file @ Value::Object(_)) => name(file).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The attributes of a box for free text: `dir="auto"`, so that the browser sets what is
/// typed in the direction of its first letter (an answer in Urdu, Arabic or Hebrew from the
/// right), as the PDFs print it.
fn typed_direction() -> BTreeMap<String, String> {
    BTreeMap::from([("dir".to_owned(), "auto".to_owned())])
}

/// A summary list of the answers to `elements` (at `path`), with links to change them on
/// page `change`. Its class, `sendform-answers`, shows each answer in the direction of its
/// first letter (the stylesheet's `unicode-bidi: plaintext`), as it was typed.
fn answers_summary(
    context: &Context<'_>,
    elements: &[Element],
    reach: Reach,
    path: &mut Vec<Seg>,
    change: Option<&str>,
) -> SummaryList {
    let mut rows = Vec::new();
    summary_rows(context, elements, reach, path, change, &mut rows);
    SummaryList {
        rows,
        classes: Some("sendform-answers".to_owned()),
    }
}

/// Rows of a summary list: each shown question with its answer, blocks entry by entry.
fn summary_rows(
    context: &Context<'_>,
    elements: &[Element],
    reach: Reach,
    path: &mut Vec<Seg>,
    change: Option<&str>,
    rows: &mut Vec<SummaryRow>,
) {
    let audience = context.options.audience;
    for element in elements {
        let reach = reach.within(element.access(), audience);
        if !reach.seen {
            continue;
        }
        path.push(Seg::Key(element.id().to_owned()));
        if context.shown(&pointer(path)) {
            match element {
                Element::Question(question) => {
                    let answer = answer_at(context.options.answers, path);
                    rows.push(SummaryRow {
                        key: Content::text(&question.label),
                        value: Content::text(
                            answer
                                .map(|answer| words::answer_text(context.form, question, answer))
                                .unwrap_or_else(|| "Not answered".to_owned()),
                        ),
                        actions: change
                            .filter(|_| reach.writable)
                            .map(|page| SummaryActions {
                                items: vec![SummaryAction {
                                    // To the control itself, as the error summary links: a
                                    // date's day.
                                    href: if matches!(question.input, Input::Date(_)) {
                                        format!("{page}#{}-day", field_id(path))
                                    } else {
                                        format!("{page}#{}", field_id(path))
                                    },
                                    text: Some("Change".to_owned()),
                                    visually_hidden_text: Some(lower_first(&question.label)),
                                }],
                            }),
                    });
                }
                Element::Repeat(repeat) => {
                    let entries = answer_at(context.options.answers, path)
                        .and_then(Value::as_array)
                        .map_or(0, Vec::len);
                    if entries == 0 {
                        rows.push(SummaryRow {
                            key: Content::text(&repeat.title),
                            value: Content::text("None added"),
                            actions: None,
                        });
                    }
                    for index in 0..entries {
                        path.push(Seg::Index(index));
                        rows.push(SummaryRow {
                            key: Content::text(format!("{} {}", repeat.item_label, index + 1)),
                            value: Content::default(),
                            actions: None,
                        });
                        summary_rows(context, &repeat.elements, reach, path, change, rows);
                        path.pop();
                    }
                }
                Element::Content(_) => {}
            }
        }
        path.pop();
    }
}

/// Paragraphs of designer text: blank lines separate them.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|paragraph| paragraph.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|paragraph| !paragraph.is_empty())
        .collect()
}

/// What `sendform.js` needs on a page: the shown sections' elements with the rules the page
/// may carry, the answers those rules read from other pages, the orders of ordered
/// taxonomies, and the date. Nothing the audience may not see. Written straight to JSON from
/// these borrowed views (fields in alphabetical order, as the script's tests read them).
#[derive(Debug, Serialize)]
pub(super) struct ScriptModel<'a> {
    answers: BTreeMap<&'a str, &'a Value>,
    blocks: BTreeMap<&'a str, &'a [&'a str]>,
    orders: BTreeMap<&'a str, Vec<&'a str>>,
    sections: Vec<ScriptSection<'a>>,
    today: String,
    types: BTreeMap<&'a str, &'static str>,
}

#[derive(Debug, Serialize)]
struct ScriptSection<'a> {
    elements: Vec<ScriptElement<'a>>,
    id: &'a str,
    rule: Option<&'a Expr>,
    shown: bool,
}

#[derive(Debug, Serialize)]
struct ScriptElement<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    elements: Option<Vec<ScriptElement<'a>>>,
    /// The server's verdict, for a part whose rule reads what the page may not carry.
    #[serde(skip_serializing_if = "Option::is_none")]
    fixed: Option<bool>,
    id: &'a str,
    rule: Option<&'a Expr>,
    #[serde(rename = "type")]
    kind: &'static str,
}

fn script<'a>(context: &'a Context<'a>, sections: &[&'a Section]) -> ScriptModel<'a> {
    let form = context.form;
    let mut referenced: BTreeSet<&str> = BTreeSet::new();
    let mut model_sections = Vec::new();
    for section in sections {
        let rule = section
            .visible_when
            .as_ref()
            .filter(|rule| context.shippable(rule));
        if let Some(rule) = rule {
            referenced.extend(rule.expr.references());
        }
        model_sections.push(ScriptSection {
            id: &section.id,
            rule: rule.map(|rule| &rule.expr),
            shown: context.section_shown(&section.id),
            elements: model_elements(context, &section.elements, &mut referenced),
        });
    }
    // Answers read by rules but asked elsewhere: only what the audience sees.
    let mut answers = BTreeMap::new();
    let mut types = BTreeMap::new();
    form.walk(&mut |element, _, blocks| {
        let id = element.id();
        let Some(id) = referenced.get(id).copied() else {
            return;
        };
        if !context.seen_ids.contains(id) {
            return;
        }
        if let Element::Question(question) = element {
            types.insert(id, question.input.type_name());
        }
        if blocks.is_empty()
            && context.shown(&format!("/{id}"))
            && let Some(value) = context.options.answers.get(id)
        {
            answers.insert(id, value);
        }
    });
    let orders = form
        .taxonomies
        .iter()
        .filter(|(_, taxonomy)| taxonomy.ordered)
        .map(|(name, taxonomy)| {
            (
                name.as_str(),
                taxonomy.selectable().map(|c| c.code.as_str()).collect(),
            )
        })
        .collect();
    let blocks = context
        .blocks_of
        .iter()
        .filter(|(id, blocks)| !blocks.is_empty() && context.seen_ids.contains(*id))
        .map(|(id, blocks)| (*id, blocks.as_slice()))
        .collect();
    ScriptModel {
        answers,
        blocks,
        orders,
        sections: model_sections,
        today: context.options.today.to_string(),
        types,
    }
}

pub(super) fn rules_model(validator: &Validator, options: &PageOptions<'_>) -> Value {
    let context = Context::new(validator, options);
    let sections: Vec<&Section> = seen_sections(context.form, options.audience).collect();
    serde_json::to_value(script(&context, &sections)).unwrap_or(Value::Null)
}

fn model_elements<'a>(
    context: &Context<'a>,
    elements: &'a [Element],
    referenced: &mut BTreeSet<&'a str>,
) -> Vec<ScriptElement<'a>> {
    let mut out = Vec::new();
    for element in elements {
        if !context.seen_ids.contains(element.id()) {
            continue;
        }
        // Content for paper alone is not on the page.
        if let Element::Content(content) = element
            && !content.shown_on(Medium::Web)
        {
            continue;
        }
        let rule = element
            .visible_when()
            .filter(|rule| context.shippable(rule));
        if let Some(rule) = rule {
            referenced.extend(rule.expr.references());
        }
        let fixed = (rule.is_none() && element.visible_when().is_some())
            .then(|| context.shown(&format!("/{}", element.id())));
        let (kind, elements) = match element {
            Element::Question(question) => (question.input.type_name(), None),
            Element::Repeat(repeat) => (
                "block",
                Some(model_elements(context, &repeat.elements, referenced)),
            ),
            Element::Content(_) => ("content", None),
        };
        out.push(ScriptElement {
            elements,
            fixed,
            id: element.id(),
            rule: rule.map(|rule| &rule.expr),
            kind,
        });
    }
    out
}
