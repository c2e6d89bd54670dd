//! Validating a submission: every error, in document order, each with the JSON Pointer of
//! the answer, a stable code and a message for the person filling the form.

use jiff::civil::Date;

use crate::answers::{Answer, Answers, AsAnswers, Kind};
use crate::compiled::{
    CCheck, Format, Node, NodeKind, QKind, Requirement, Step, Validator, audience_index,
};
use crate::error::{ErrorCode, ValidationError};
use crate::eval::{Eval, Frame, Slot, Tri, holds_code, parse_date};
use crate::formats;
use crate::messages;
use crate::table::same_bytes;
use crate::{Audience, DateBoundKind};

/// Whether required answers are enforced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// A submission: everything required must be answered.
    #[default]
    Submit,
    /// A draft being saved: what is answered must be right, but nothing is required yet, blocks
    /// may have fewer entries than their minimum, empty answers count as unanswered, and a
    /// cross-field check runs only once everything it reads is answered.
    Draft,
}

/// How to validate: the date, who is submitting and whether it is a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValidateOptions {
    /// The date that `today` means in rules and date bounds (the caller's clock: libraries never
    /// read it).
    pub today: Date,
    /// Who submits the answers. `None` validates a whole record, such as the local authority's
    /// stored copy. With an audience, answers to parts that audience does not see are
    /// `not_for_audience` errors, answers to parts locked for it are `locked` errors, and
    /// neither kind of part is required of it.
    pub audience: Option<Audience>,
    /// Submission or draft.
    pub mode: Mode,
}

impl ValidateOptions {
    /// A submission of the whole record, on `today`.
    pub fn new(today: Date) -> ValidateOptions {
        ValidateOptions {
            today,
            audience: None,
            mode: Mode::Submit,
        }
    }

    /// The same options for answers submitted by `audience`.
    pub fn audience(self, audience: Audience) -> ValidateOptions {
        ValidateOptions {
            audience: Some(audience),
            ..self
        }
    }

    /// The same options for a draft.
    pub fn draft(self) -> ValidateOptions {
        ValidateOptions {
            mode: Mode::Draft,
            ..self
        }
    }
}

/// One step of a JSON Pointer.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// Renders a JSON Pointer (RFC 6901).
pub(crate) fn pointer(path: &[Seg<'_>]) -> String {
    use std::fmt::Write;
    let room = path
        .iter()
        .map(|segment| match segment {
            Seg::Key(key) => key.len() + 1,
            Seg::Index(_) => 4,
        })
        .sum();
    let mut out = String::with_capacity(room);
    for segment in path {
        out.push('/');
        match segment {
            // Keys are ids, which hold neither `~` nor `/`; a key the form does not know might.
            Seg::Key(key) if !key.bytes().any(|byte| byte == b'~' || byte == b'/') => {
                out.push_str(key);
            }
            Seg::Key(key) => out.push_str(&key.replace('~', "~0").replace('/', "~1")),
            Seg::Index(index) => {
                let _ = write!(out, "{index}");
            }
        }
    }
    out
}

/// Where errors go: collected with their messages, or only counted.
pub(crate) trait Sink {
    /// Whether to stop at once (the answer is known).
    fn stopped(&self) -> bool;
    /// Records an error in `section` (None: not in one) at `path`.
    fn push(
        &mut self,
        section: Option<usize>,
        path: &[Seg<'_>],
        code: ErrorCode,
        check: Option<&str>,
        message: impl FnOnce() -> String,
    );
}

/// Collects every error with its message, and the section of each when asked.
#[derive(Debug, Default)]
pub(crate) struct Collect {
    pub(crate) errors: Vec<ValidationError>,
    /// The section of each error, in step with `errors` when kept.
    pub(crate) sections: Option<Vec<Option<usize>>>,
}

impl Sink for Collect {
    fn stopped(&self) -> bool {
        false
    }

    // Out of line: errors are rare, and their messages' formatting kept in the walk would
    // make every answer's check carry it.
    #[cold]
    #[inline(never)]
    fn push(
        &mut self,
        section: Option<usize>,
        path: &[Seg<'_>],
        code: ErrorCode,
        check: Option<&str>,
        message: impl FnOnce() -> String,
    ) {
        if let Some(sections) = &mut self.sections {
            sections.push(section);
        }
        self.errors.push(ValidationError {
            path: pointer(path),
            code,
            message: message(),
            check: check.map(str::to_owned),
        });
    }
}

/// Stops at the first error and builds nothing.
#[derive(Debug, Default)]
struct First {
    failed: bool,
}

impl Sink for First {
    fn stopped(&self) -> bool {
        self.failed
    }

    fn push(
        &mut self,
        _: Option<usize>,
        _: &[Seg<'_>],
        _: ErrorCode,
        _: Option<&str>,
        _: impl FnOnce() -> String,
    ) {
        self.failed = true;
    }
}

/// [`First`], for [`has_errors_of_its_own`]: a type of its own, so that the walk's check of an
/// answer, called there too, stays in line in the walk of [`Validator::is_valid`].
#[derive(Debug, Default)]
struct Probe(First);

impl Sink for Probe {
    fn stopped(&self) -> bool {
        self.0.stopped()
    }

    fn push(
        &mut self,
        section: Option<usize>,
        path: &[Seg<'_>],
        code: ErrorCode,
        check: Option<&str>,
        message: impl FnOnce() -> String,
    ) {
        self.0.push(section, path, code, check, message);
    }
}

impl Validator {
    /// Every error in `answers`, in document order (then unknown keys).
    pub fn validate(
        &self,
        answers: &(impl AsAnswers + ?Sized),
        options: &ValidateOptions,
    ) -> Vec<ValidationError> {
        match answers.as_answers() {
            Ok(answers) => self.validate_answers(&answers, options),
            Err(error) => vec![ValidationError {
                path: String::new(),
                code: ErrorCode::MaxLength,
                message: format!("The answers cannot be checked: {error}"),
                check: None,
            }],
        }
    }

    fn validate_answers(
        &self,
        answers: &Answers,
        options: &ValidateOptions,
    ) -> Vec<ValidationError> {
        let mut walker = Walker::new(self, options, Collect::default());
        walker.run(answers.root());
        walker.sink.errors
    }

    /// Whether `answers` has no error: the same verdict as [`Validator::validate`] returning
    /// nothing, but it stops at the first error and builds no messages.
    pub fn is_valid(&self, answers: &(impl AsAnswers + ?Sized), options: &ValidateOptions) -> bool {
        answers
            .as_answers()
            .is_ok_and(|answers| self.is_valid_answers(&answers, options))
    }

    // The generic methods are thin: the walk is compiled once, here, whoever calls.
    fn is_valid_answers(&self, answers: &Answers, options: &ValidateOptions) -> bool {
        let mut walker = Walker::new(self, options, First::default());
        walker.run(answers.root());
        !walker.sink.failed
    }

    /// Every error in `answers`, and the section of each (None: not in one).
    pub(crate) fn errors_by_section(
        &self,
        answers: &Answers,
        options: &ValidateOptions,
    ) -> impl Iterator<Item = (Option<usize>, ValidationError)> {
        let sink = Collect {
            errors: Vec::new(),
            sections: Some(Vec::new()),
        };
        let mut walker = Walker::new(self, options, sink);
        walker.run(answers.root());
        let Collect { errors, sections } = walker.sink;
        sections.unwrap_or_default().into_iter().zip(errors)
    }
}

/// Whether `value`, the answer to element `node` in `frame`, has an error of its own: its type,
/// format, list or limits (not whether it is required, shown or for the audience). Rules that
/// read such an answer cannot be decided ([`Eval::undecided`]).
pub(crate) fn has_errors_of_its_own(
    ev: &Eval<'_>,
    frame: &Frame<'_, '_>,
    node: usize,
    value: Answer<'_>,
) -> bool {
    let v = ev.v;
    let data = &v.nodes[node];
    match &data.kind {
        NodeKind::Content => false,
        NodeKind::Repeat { .. } => value
            .items()
            .is_none_or(|mut entries| entries.any(|entry| entry.kind() != Kind::Object)),
        NodeKind::Question(kind) => {
            let options = ValidateOptions::new(ev.today).draft();
            let mut walker = Walker::new(v, &options, Probe::default());
            walker.node = node;
            walker.answer(frame, data, kind, value);
            walker.sink.0.failed
        }
    }
}

struct Walker<'a, S> {
    ev: Eval<'a>,
    sink: S,
    path: Vec<Seg<'a>>,
    /// The memory of the last block entry's frame, for the next entry's.
    spare: Vec<Slot>,
    /// The question being checked (its node), and the item of its answer being checked (of a
    /// multiple choice or a list of files): `path` holds neither, their key and index are added
    /// to it only to report an error.
    node: usize,
    item: Option<usize>,
    draft: bool,
    audience: Option<usize>,
}

impl<'a, S: Sink> Walker<'a, S> {
    fn new(validator: &'a Validator, options: &'a ValidateOptions, sink: S) -> Walker<'a, S> {
        Walker {
            ev: Eval::new(validator, options.today),
            sink,
            path: Vec::new(),
            spare: Vec::new(),
            node: 0,
            item: None,
            draft: options.mode == Mode::Draft,
            audience: options.audience.map(audience_index),
        }
    }

    fn run(&mut self, answers: Answer<'a>) {
        if answers.kind() != Kind::Object {
            let found = answers.describe();
            self.sink.push(None, &[], ErrorCode::WrongType, None, || {
                format!("The answers must be an object keyed by question id, not {found}")
            });
            return;
        };
        let v = self.ev.v;
        let root = self.ev.frame(0, answers, None);
        for (index, section) in v.sections.iter().enumerate() {
            let shown = self.ev.section_visible(&root, index);
            self.elements(&root, &section.steps, shown);
            let writable = self.audience.is_none_or(|a| section.writable_by[a]);
            if writable && shown {
                self.checks(&root, &section.checks, Some(index));
            }
            if self.sink.stopped() {
                return;
            }
        }
        self.checks(&root, &v.form_checks, None);
        self.unknown(&root, None);
    }

    /// Checks the elements of `frame` (their `steps`), whose section or block entry is
    /// `shown` or not.
    fn elements(&mut self, frame: &Frame<'a, '_>, steps: &'a [Step], shown: bool) {
        for step in steps {
            let slot = step.slot as usize;
            let Some(&Slot { blank, .. }) = frame.slots.get(slot) else {
                continue;
            };
            // Read by index again rather than through the slot borrowed above: callgrind
            // counts 300 fewer instructions a submission this way.
            let value = frame.value(slot);
            // In a draft, an empty answer is no answer.
            let value = if self.draft && blank { None } else { value };
            // An unanswered question that is never required has nothing to check, shown or not.
            if value.is_none() && step.optional {
                continue;
            }
            self.element(frame, step, value, blank, shown);
            if self.sink.stopped() {
                return;
            }
        }
    }

    fn unknown(&mut self, frame: &Frame<'a, '_>, section: Option<usize>) {
        for key in &frame.unknown {
            self.path.push(Seg::Key(key));
            self.sink
                .push(section, &self.path, ErrorCode::UnknownField, None, || {
                    format!("Remove “{key}”: it is not a question at this place in the form")
                });
            self.path.pop();
        }
    }

    fn required_now(&self, frame: &Frame<'a, '_>, node: usize) -> bool {
        if self.draft {
            return false;
        }
        match &self.ev.v.nodes[node].required {
            Requirement::Optional => false,
            Requirement::Always => true,
            Requirement::When(rule) => self.ev.tri(frame, rule) == Tri::True,
        }
    }

    /// Checks the element of `step`, answered `value` (`blank` or not).
    fn element(
        &mut self,
        frame: &Frame<'a, '_>,
        step: &Step,
        value: Option<Answer<'a>>,
        blank: bool,
        container_shown: bool,
    ) {
        let index = step.node as usize;
        // Errors found below are reported at this question's path, in its section (see
        // `report`).
        self.node = index;
        if let Some(audience) = self.audience
            && self.refused(index, audience, value.is_some())
        {
            return;
        }
        // A question without a rule of its own is shown with its section or entry; a rule is
        // evaluated (and remembered for the rules that read the question).
        let shown = container_shown && (!step.rule || self.ev.rule_holds(frame, index));
        let mut undecided = None;
        let value = if shown {
            value
        } else if value.is_some()
            && let Some(draft) = self.hidden_answered(frame, index)
        {
            // Whether it applies is undecided: its answer is checked as in a draft.
            undecided = Some(draft);
            value.filter(|_| !blank)
        } else {
            return;
        };
        let v = self.ev.v;
        let node = &v.nodes[index];
        let wording = &node.wording;
        match &node.kind {
            NodeKind::Content => {}
            NodeKind::Question(kind) => match value {
                None => self.missing(frame),
                Some(_) if blank => {
                    if self.required_now(frame, index) {
                        self.missing(frame);
                    } else {
                        self.report(ErrorCode::Empty, || {
                            format!(
                                "{} is empty: leave it out when there is no answer",
                                wording.subject()
                            )
                        });
                    }
                }
                Some(value) => self.answer(frame, node, kind, value),
            },
            NodeKind::Repeat { .. } => self.block(frame, index, value),
        }
        if let Some(draft) = undecided {
            self.draft = draft;
        }
    }

    /// Whether `audience` may not answer element `index` (reported when it did): a part it does
    /// not see, or one locked for it.
    #[cold]
    fn refused(&mut self, index: usize, audience: usize, answered: bool) -> bool {
        let node = &self.ev.v.nodes[index];
        let who = audience_words(Audience::ALL[audience]);
        let refused = if !node.seen_by[audience] {
            Some((ErrorCode::NotForAudience, "it is not part of this form for"))
        } else if !node.writable_by[audience] {
            Some((ErrorCode::Locked, "it is locked and cannot be changed by"))
        } else {
            None
        };
        let Some((code, why)) = refused else {
            return false;
        };
        if answered {
            let wording = &node.wording;
            self.report(code, || {
                format!("Remove the answer to {}: {why} {who}", wording.quoted())
            });
        }
        true
    }

    /// Element `index`, hidden, has an answer: an error, unless the rules cannot yet tell
    /// whether it applies ([`Eval::undecided`]). Its answer is then checked as in a draft
    /// (what is answered must be right, and nothing is required): the walk is put in draft
    /// mode, and what it was in is returned.
    #[cold]
    #[inline(never)]
    fn hidden_answered(&mut self, frame: &Frame<'a, '_>, index: usize) -> Option<bool> {
        if self.ev.undecided(frame, index) {
            return Some(std::mem::replace(&mut self.draft, true));
        }
        let wording = &self.ev.v.nodes[index].wording;
        self.report(ErrorCode::HiddenAnswered, || {
            format!(
                "Remove the answer to {}: it does not apply, given the other answers",
                wording.quoted()
            )
        });
        None
    }

    /// Checks the answer to repeating block `index`, shown: its number of entries and each
    /// entry.
    #[inline(never)]
    fn block(&mut self, frame: &Frame<'a, '_>, index: usize, value: Option<Answer<'a>>) {
        let v = self.ev.v;
        let node = &v.nodes[index];
        let NodeKind::Repeat {
            level,
            item,
            min,
            max,
        } = &node.kind
        else {
            return;
        };
        let section = Some(node.section);
        let title = node.wording.label();
        let entries = match value.map(|value| (value, value.items())) {
            None => None,
            Some((_, Some(entries))) => Some(entries),
            Some((other, None)) => {
                let found = other.describe();
                self.report(ErrorCode::WrongType, || {
                    format!("{title} must be a list of entries, not {found}")
                });
                return;
            }
        };
        let len =
            u32::try_from(entries.as_ref().map_or(0, ExactSizeIterator::len)).unwrap_or(u32::MAX);
        if let Some(min) = min
            && !self.draft
            && len < min.value
        {
            self.report(ErrorCode::MinEntries, || {
                min.message
                    .clone()
                    .unwrap_or_else(|| format!("Add at least {}", messages::count(min.value, item)))
            });
        }
        if let Some(max) = max
            && len > max.value
        {
            self.report(ErrorCode::MaxEntries, || {
                max.message.clone().unwrap_or_else(|| {
                    format!(
                        "{title} must have {} or fewer",
                        messages::count(max.value, item)
                    )
                })
            });
        }
        let level = *level;
        self.path.push(Seg::Key(&node.id));
        for (position, entry) in entries.into_iter().flatten().enumerate() {
            self.path.push(Seg::Index(position));
            match entry.kind() {
                Kind::Object => {
                    let slots = std::mem::take(&mut self.spare);
                    let entry = self.ev.frame_in(slots, level, entry, Some(frame));
                    let layout = &v.levels[level];
                    self.elements(&entry, &layout.steps, true);
                    self.checks(&entry, &layout.checks, section);
                    self.unknown(&entry, section);
                    self.spare = entry.into_slots();
                }
                _ => {
                    let found = entry.describe();
                    self.sink
                        .push(section, &self.path, ErrorCode::WrongType, None, || {
                            format!(
                                "Each {} must be an object keyed by question id, not {found}",
                                crate::messages::lower_first(item)
                            )
                        });
                }
            }
            self.path.pop();
            if self.sink.stopped() {
                break;
            }
        }
        self.path.pop();
    }

    /// The question being checked has no answer (or an empty one): an error when it is
    /// required now.
    fn missing(&mut self, frame: &Frame<'a, '_>) {
        if !self.required_now(frame, self.node) {
            return;
        }
        let node = &self.ev.v.nodes[self.node];
        self.report(ErrorCode::Required, || node.missing.to_string());
    }

    fn answer(
        &mut self,
        frame: &Frame<'a, '_>,
        node: &'a Node,
        kind: &'a QKind,
        value: Answer<'a>,
    ) {
        let v = self.ev.v;
        let wording = &node.wording;
        let subject = || wording.subject();
        macro_rules! push {
            ($code:expr, $limit:expr, $($message:tt)+) => {
                self.report($code, || {
                    $limit.clone().unwrap_or_else(|| format!($($message)+))
                })
            };
        }
        macro_rules! wrong_type {
            ($expected:expr) => {
                return self.wrong_type(value, $expected)
            };
        }
        match kind {
            QKind::Text {
                long,
                min_length,
                max_length,
                max_words,
                pattern,
            } => {
                // The text as bytes: no need to check that its ends are whole characters.
                let Some(text) = value.text_bytes() else {
                    wrong_type!("text");
                };
                let matched = pattern.as_ref().map(|(regex, _)| regex.is_match(text));
                let proved_clean = matched == Some(true)
                    && pattern
                        .as_ref()
                        .is_some_and(|(regex, _)| !regex.admits_controls());
                if !proved_clean && self.control_characters(value, text) {
                    return;
                }
                let length = CharCount::new(text);
                let ceiling = if *long {
                    formats::LONG_TEXT_MAX_CHARS
                } else {
                    formats::TEXT_MAX_CHARS
                };
                match max_length {
                    Some(max) if length.over(max.value as usize) => {
                        push!(
                            ErrorCode::MaxLength,
                            &max.message,
                            "{} must be {} characters or fewer",
                            subject(),
                            max.value
                        )
                    }
                    None if length.over(ceiling) => {
                        push!(
                            ErrorCode::MaxLength,
                            &None,
                            "{} must be {ceiling} characters or fewer",
                            subject()
                        )
                    }
                    _ => {}
                }
                if let Some(min) = min_length
                    && length.under(min.value as usize)
                {
                    push!(
                        ErrorCode::MinLength,
                        &min.message,
                        "{} must be {} characters or more",
                        subject(),
                        min.value
                    );
                }
                if let Some(max) = max_words
                    && value
                        .as_str()
                        .unwrap_or_default()
                        .split_whitespace()
                        .count()
                        > max.value as usize
                {
                    push!(
                        ErrorCode::MaxWords,
                        &max.message,
                        "{} must be {} words or fewer",
                        subject(),
                        max.value
                    );
                }
                if let (Some((_, message)), Some(false)) = (pattern, matched) {
                    push!(ErrorCode::Pattern, message, "{}", wording.correct_format());
                }
            }
            QKind::Formatted(format, regex) => {
                let Some(text) = value.text_bytes() else {
                    wrong_type!("text");
                };
                // A text of the format's shape holds no control character (but for email).
                let matched = regex.is_match(text);
                let proved_clean = matched && !regex.admits_controls();
                if !proved_clean && self.control_characters(value, text) {
                    return;
                }
                let (code, ok) = match format {
                    Format::Email => (
                        ErrorCode::Email,
                        matched && !CharCount::new(text).over(formats::EMAIL_MAX_LENGTH),
                    ),
                    Format::Phone => (ErrorCode::Phone, matched),
                    Format::Postcode => (ErrorCode::Postcode, matched),
                    Format::NhsNumber => (
                        ErrorCode::NhsNumber,
                        matched
                            && formats::nhs_number_check_digit_ok(
                                value.as_str().unwrap_or_default(),
                            ),
                    ),
                    Format::Upn => (
                        ErrorCode::Upn,
                        matched && formats::upn_check_letter_ok(value.as_str().unwrap_or_default()),
                    ),
                };
                if !ok {
                    self.report(code, || match format {
                        Format::Email => format!("{}, like name@example.com", wording.correct_format()),
                        Format::Phone => format!("{}, like 01632 960 001, 07700 900 982 or +44 808 157 0192", wording.correct_format()),
                        Format::Postcode => format!("{}, like SW1A 2AA", wording.correct_format()),
                        Format::NhsNumber => "Enter a valid NHS number: 10 digits, like 485 777 3456".to_owned(),
                        Format::Upn => "Enter a valid unique pupil number (UPN): a letter and 12 more characters, like A123456789012".to_owned(),
                    });
                }
            }
            QKind::Number {
                integer,
                min,
                max,
                decimals,
            } => {
                let Some(x) = value.as_f64() else {
                    wrong_type!("a number");
                };
                if *integer && x.fract() != 0.0 {
                    push!(
                        ErrorCode::WholeNumber,
                        &None,
                        "{} must be a whole number",
                        subject()
                    );
                }
                if let Some(min) = min
                    && x < min.value
                {
                    push!(
                        ErrorCode::Min,
                        &min.message,
                        "{} must be {} or more",
                        subject(),
                        messages::number(min.value)
                    );
                }
                if let Some(max) = max
                    && x > max.value
                {
                    push!(
                        ErrorCode::Max,
                        &max.message,
                        "{} must be {} or less",
                        subject(),
                        messages::number(max.value)
                    );
                }
                if let Some(places) = decimals
                    && value
                        .as_number()
                        .map_or(0, |number| decimal_places(&number))
                        > places.value
                {
                    push!(
                        ErrorCode::Decimals,
                        &places.message,
                        "{} must have {} or fewer",
                        subject(),
                        messages::count(places.value, "decimal place")
                    );
                }
            }
            QKind::Date(bounds) => {
                let Some(text) = value.as_str() else {
                    wrong_type!("a date written YYYY-MM-DD");
                };
                let Some(date) = parse_date(text) else {
                    push!(
                        ErrorCode::Date,
                        &None,
                        "{} must be a real date, written YYYY-MM-DD",
                        subject()
                    );
                    return;
                };
                for bound in bounds {
                    let Some(limit) = self.ev.date(frame, &bound.date) else {
                        continue;
                    };
                    let (ok, code) = match bound.kind {
                        DateBoundKind::Before => (date < limit, ErrorCode::Before),
                        DateBoundKind::After => (date > limit, ErrorCode::After),
                        DateBoundKind::NotBefore => (date >= limit, ErrorCode::NotBefore),
                        DateBoundKind::NotAfter => (date <= limit, ErrorCode::NotAfter),
                    };
                    if !ok {
                        push!(
                            code,
                            &bound.message,
                            "{} must be {}",
                            subject(),
                            bound_words(bound.kind, bound.today, limit)
                        );
                    }
                }
            }
            QKind::YesNo | QKind::Declaration => {
                let Some(answer) = value.as_bool() else {
                    wrong_type!("true or false");
                };
                if matches!(kind, QKind::Declaration) && !answer {
                    self.missing(frame);
                }
            }
            QKind::Choice { codes } => {
                let Some(code) = value.text_bytes() else {
                    wrong_type!("the code of one of the choices");
                };
                if !v.code_lists[*codes].contains(code) {
                    push!(
                        ErrorCode::Choice,
                        &None,
                        "{} from the list",
                        wording.select()
                    );
                }
            }
            QKind::Multi {
                codes,
                min_selected,
                max_selected,
                exclusive,
            } => {
                let Some(items) = value.items() else {
                    wrong_type!("a list of codes");
                };
                let count = items.len();
                let list = &v.code_lists[*codes];
                let mut exclusive_seen = false;
                for (position, item) in items.clone().enumerate() {
                    self.item = Some(position);
                    match item.text_bytes() {
                        Some(code) => {
                            let is_exclusive = exclusive
                                .as_ref()
                                .is_some_and(|(c, _)| same_bytes(c.as_bytes(), code));
                            exclusive_seen |= is_exclusive;
                            if !is_exclusive && !list.contains(code) {
                                push!(
                                    ErrorCode::Choice,
                                    &None,
                                    "{} from the list",
                                    wording.select()
                                );
                            } else if holds_code(items.clone().take(position), code) {
                                push!(
                                    ErrorCode::DuplicateChoice,
                                    &None,
                                    "Select each choice only once"
                                );
                            }
                        }
                        None => {
                            let found = item.describe();
                            self.report(ErrorCode::WrongType, || {
                                format!("Each choice must be a code, not {found}")
                            });
                        }
                    }
                }
                self.item = None;
                if let Some((_, label)) = exclusive
                    && exclusive_seen
                    && count > 1
                {
                    push!(
                        ErrorCode::Exclusive,
                        &None,
                        "Select “{label}” or select other choices, not both"
                    );
                }
                let count = u32::try_from(count).unwrap_or(u32::MAX);
                if let Some(min) = min_selected
                    && count < min.value
                    && !exclusive_seen
                {
                    push!(
                        ErrorCode::MinSelected,
                        &min.message,
                        "Select at least {}",
                        messages::count(min.value, "choice")
                    );
                }
                if let Some(max) = max_selected
                    && count > max.value
                {
                    push!(
                        ErrorCode::MaxSelected,
                        &max.message,
                        "Select {} or fewer",
                        messages::count(max.value, "choice")
                    );
                }
            }
            QKind::File {
                accept,
                accept_words,
                max_size,
                min_files,
                max_files,
            } => {
                let documents: Vec<Answer<'a>> = if max_files.value > 1 {
                    match value.items() {
                        Some(items) => items.collect(),
                        None => {
                            wrong_type!("a list of documents");
                        }
                    }
                } else {
                    vec![value]
                };
                let count = u32::try_from(documents.len()).unwrap_or(u32::MAX);
                if count > max_files.value {
                    push!(
                        ErrorCode::MaxFiles,
                        &max_files.message,
                        "Select {} or fewer",
                        messages::count(max_files.value, "file")
                    );
                }
                if let Some(min) = min_files
                    && count < min.value
                {
                    push!(
                        ErrorCode::MinFiles,
                        &min.message,
                        "Select at least {}",
                        messages::count(min.value, "file")
                    );
                }
                let listed = max_files.value > 1;
                for (position, &document) in documents.iter().enumerate() {
                    self.item = listed.then_some(position);
                    match file_reference(document) {
                        None => {
                            self.report(ErrorCode::File, || {
                                "A document must be a reference with its id, name, media_type and size".to_owned()
                            });
                        }
                        Some((name, media_type, size)) => {
                            if !accept.is_empty()
                                && !accept.iter().any(|t| t.matches(name, media_type))
                            {
                                push!(
                                    ErrorCode::Accept,
                                    &None,
                                    "The selected file must be {accept_words}"
                                );
                            }
                            if let Some(max) = max_size
                                && size > max.value
                            {
                                push!(
                                    ErrorCode::MaxSize,
                                    &max.message,
                                    "The selected file must be smaller than {}",
                                    messages::size(max.value)
                                );
                            }
                        }
                    }
                }
                self.item = None;
            }
            QKind::Person => {
                if !person_reference(value) {
                    self.report(ErrorCode::Person, || {
                        "A person must be a reference with their id and name".to_owned()
                    });
                }
            }
        }
    }

    /// Reports an error at the question being checked (or the item of its answer).
    fn report(&mut self, code: ErrorCode, message: impl FnOnce() -> String) {
        let node = &self.ev.v.nodes[self.node];
        let section = Some(node.section);
        self.path.push(Seg::Key(&node.id));
        if let Some(item) = self.item {
            self.path.push(Seg::Index(item));
        }
        self.sink.push(section, &self.path, code, None, message);
        if self.item.is_some() {
            self.path.pop();
        }
        self.path.pop();
    }

    /// Reports an answer of the wrong JSON type.
    #[cold]
    fn wrong_type(&mut self, value: Answer<'_>, expected: &str) {
        let found = value.describe();
        let subject = self.ev.v.nodes[self.node].wording.subject();
        self.report(ErrorCode::WrongType, || {
            format!("{subject} must be {expected}, not {found}")
        });
    }

    /// Reports text with control characters (other than tab and line breaks): whether it has
    /// any. A long text known to have none when it was stored is not read again.
    fn control_characters(&mut self, value: Answer<'_>, text: &[u8]) -> bool {
        let found = !value.known_clean() && formats::forbidden_control_in(text);
        if found {
            let subject = self.ev.v.nodes[self.node].wording.subject();
            self.report(ErrorCode::ControlCharacters, || {
                format!("{subject} must not contain control characters")
            });
        }
        found
    }

    fn checks(&mut self, frame: &Frame<'a, '_>, checks: &'a [CCheck], section: Option<usize>) {
        let v = self.ev.v;
        for check in checks {
            let target = check.target.map(|target| &v.nodes[target]);
            if let (Some(audience), Some(target)) = (self.audience, target)
                && !target.writable_by[audience]
            {
                continue;
            }
            if self.draft
                && check
                    .reads
                    .iter()
                    .any(|&node| self.ev.in_scope(frame, node) && !self.ev.answered(frame, node))
            {
                continue;
            }
            let applies = check
                .when
                .as_ref()
                .is_none_or(|when| self.ev.tri(frame, when) == Tri::True);
            if !applies || self.ev.tri(frame, &check.require) != Tri::False {
                continue;
            }
            let mut path = self.path.clone();
            let mut section = section;
            if let Some(target) = target {
                path.truncate(2 * target.depth);
                path.push(Seg::Key(&target.id));
                section = Some(target.section);
            }
            self.sink.push(
                section,
                &path,
                ErrorCode::Check,
                check.id.as_deref(),
                || check.message.clone(),
            );
        }
    }
}

fn audience_words(audience: Audience) -> &'static str {
    match audience {
        Audience::Citizen => "parents, carers and young people",
        Audience::Professional => "professionals",
        Audience::La => "the local authority",
    }
}

/// "in the past", "today or in the past", "before 12 March 2024", ...
fn bound_words(kind: DateBoundKind, today: bool, limit: Date) -> String {
    match (kind, today) {
        (DateBoundKind::Before, true) => "in the past".to_owned(),
        (DateBoundKind::NotAfter, true) => "today or in the past".to_owned(),
        (DateBoundKind::After, true) => "in the future".to_owned(),
        (DateBoundKind::NotBefore, true) => "today or in the future".to_owned(),
        (DateBoundKind::Before, false) => format!("before {}", messages::date(limit)),
        (DateBoundKind::NotAfter, false) => {
            format!("the same as or before {}", messages::date(limit))
        }
        (DateBoundKind::After, false) => format!("after {}", messages::date(limit)),
        (DateBoundKind::NotBefore, false) => {
            format!("the same as or after {}", messages::date(limit))
        }
    }
}

/// The digits after the decimal point of a JSON number as written (`1.50` reads back as
/// `1.5`, so 1 place; `1e-7`, 7 places).
fn decimal_places(number: &serde_json::Number) -> u32 {
    let text = number.to_string();
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], text[at + 1..].parse::<i64>().unwrap_or(0)),
        None => (text.as_str(), 0),
    };
    let fraction = mantissa
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.trim_end_matches('0').len());
    let places = i64::try_from(fraction)
        .unwrap_or(i64::MAX)
        .saturating_sub(exponent);
    u32::try_from(places.max(0)).unwrap_or(u32::MAX)
}

/// A document reference: exactly `{id, name, media_type, size}`, with non-empty id and name.
fn file_reference(value: Answer<'_>) -> Option<(&str, &str, u64)> {
    if value.kind() != Kind::Object || value.len() != 4 {
        return None;
    }
    let text = |key: &str| value.get(key).and_then(Answer::as_str);
    text("id").filter(|id| !id.trim().is_empty())?;
    let name = text("name").filter(|name| !name.trim().is_empty())?;
    let media_type = text("media_type")?;
    // A whole number of bytes, written `1024` or `1024.0` (as JSON Schema's `integer` allows).
    let size = value.get("size").and_then(|size| {
        size.as_u64().or_else(|| {
            size.as_f64()
                .filter(|bytes| *bytes >= 0.0 && bytes.fract() == 0.0 && *bytes < 2f64.powi(53))
                .map(|bytes| bytes as u64)
        })
    })?;
    Some((name, media_type, size))
}

/// The length of a text in characters, counted only when its length in bytes does not settle
/// a comparison: a text has no more characters than bytes, and no fewer than a quarter of them.
struct CharCount<'t> {
    /// The bytes of the text (UTF-8).
    text: &'t [u8],
    counted: std::cell::Cell<Option<usize>>,
}

impl<'t> CharCount<'t> {
    fn new(text: &'t [u8]) -> CharCount<'t> {
        CharCount {
            text,
            counted: std::cell::Cell::new(None),
        }
    }

    fn count(&self) -> usize {
        // A character starts at every byte that does not continue one (`10xxxxxx`).
        let count = self.counted.get().unwrap_or_else(|| {
            self.text
                .iter()
                .filter(|&&byte| byte & 0xc0 != 0x80)
                .count()
        });
        self.counted.set(Some(count));
        count
    }

    /// Whether the text has more than `limit` characters.
    fn over(&self, limit: usize) -> bool {
        self.text.len() > limit && (self.text.len() / 4 > limit || self.count() > limit)
    }

    /// Whether the text has fewer than `limit` characters.
    fn under(&self, limit: usize) -> bool {
        self.text.len() < limit || (self.text.len() / 4 < limit && self.count() < limit)
    }
}

/// A person reference: exactly `{id, name}`, both non-empty text.
fn person_reference(value: Answer<'_>) -> bool {
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Answer::as_str)
            .is_some_and(|t| !t.trim().is_empty())
    };
    value.kind() == Kind::Object && value.len() == 2 && text("id") && text("name")
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::CharCount;
    use crate::answers::{AnswersError, AsAnswers, sealed::Sealed};
    use crate::{Answers, Date, ErrorCode, Form, ValidateOptions, Validator};

    /// Answers that cannot be read into [`Answers`], as a value of over 4 GiB of text.
    struct Unreadable;

    impl Sealed for Unreadable {}

    impl AsAnswers for Unreadable {
        fn as_answers(&self) -> Result<Cow<'_, Answers>, AnswersError> {
            Err(AnswersError::TooLarge {
                bytes: 1 << 32,
                limit: u32::MAX as usize,
            })
        }

        fn to_json(&self) -> Value {
            json!({"name": "  Sam  "})
        }
    }

    fn validator() -> Validator {
        let read = |path: &str| {
            std::fs::read_to_string(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).unwrap()
        };
        let loader = form_dsl::MemoryLoader::new()
            .with_file("shared/lists.form", read("../examples/shared/lists.form"));
        let mut sources = form_dsl::SourceMap::new();
        let main = sources.add(
            "everything.form".to_owned(),
            read("tests/data/everything.form").into_bytes(),
        );
        let compiled =
            form_dsl::compile(&mut sources, main, &loader, &form_dsl::Options::default());
        // Through form.json: form-dsl builds the form of its own copy of this crate.
        let form = Form::from_json(&compiled.form.unwrap().to_json()).unwrap();
        Validator::new(&form).unwrap()
    }

    #[test]
    fn answers_too_large_to_read_get_one_clear_error_and_lose_nothing() {
        let validator = validator();
        let today = Date::new(2026, 3, 1).unwrap();
        let options = ValidateOptions::new(today);
        let errors = validator.validate(&Unreadable, &options);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, "");
        assert_eq!(errors[0].code, ErrorCode::MaxLength);
        assert_eq!(
            errors[0].message,
            "The answers cannot be checked: the answers are 4294967296 bytes; the most accepted \
             is 4294967295 bytes"
        );
        assert!(!validator.is_valid(&Unreadable, &options));
        let empty = Answers::empty();
        assert_eq!(
            validator.visibility(&Unreadable, today),
            validator.visibility(&empty, today)
        );
        assert_eq!(
            validator.completeness(&Unreadable, &options),
            validator.completeness(&empty, &options)
        );
        // Returned as they are, not emptied.
        assert_eq!(
            validator.normalize(&Unreadable, today),
            json!({"name": "  Sam  "})
        );
    }

    proptest! {
        /// Comparing by bytes first gives the same answers as counting every character.
        #[test]
        fn char_count_compares_as_counting_does(text in "[a-zé€😀 ]{0,40}", limit in 0usize..60) {
            let chars = text.chars().count();
            let length = CharCount::new(text.as_bytes());
            prop_assert_eq!(length.over(limit), chars > limit);
            prop_assert_eq!(length.under(limit), chars < limit);
        }
    }
}
