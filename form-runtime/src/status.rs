//! What the portals show around validation: which parts are visible, how far each section has
//! got, and a tidied copy of a draft.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::Date;
use crate::answers::{Answer, Answers, AsAnswers, Kind};
use crate::compiled::{NodeKind, QKind, Validator, audience_index};
use crate::error::{ErrorCode, ValidationError};
use crate::eval::{Eval, Frame};
use crate::validate::{Mode, Seg, ValidateOptions, pointer};

/// Which sections and elements are shown for some answers.
///
/// A part that the rules hide only because an answer they read has an error of its own (a
/// code outside its list, a number over its maximum) is *undecided*: nobody can tell whether
/// it applies until that answer is corrected. When it has an answer, it is shown (and listed as
/// undecided), so that what was given for it is kept, checked and printed in the meantime;
/// validation does not require it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Visibility {
    /// Each section's id and whether it is shown, in order.
    pub sections: Vec<(String, bool)>,
    /// Each element's JSON Pointer and whether it is shown, in document order. Elements of a
    /// block are listed for each of its entries (`/outcomes/0/team`), and only when the block
    /// is shown; content is listed under its id.
    pub elements: Vec<(String, bool)>,
    /// The ids of the sections that are shown only because they are undecided.
    pub undecided_sections: Vec<String>,
    /// The JSON Pointers of the elements that are shown only because they are undecided.
    pub undecided_elements: Vec<String>,
}

impl Visibility {
    /// Whether the section is shown (None: no such section).
    pub fn section(&self, id: &str) -> Option<bool> {
        self.sections
            .iter()
            .find(|(s, _)| s == id)
            .map(|(_, shown)| *shown)
    }

    /// Whether the element at `pointer` is shown (None: not listed).
    pub fn element(&self, pointer: &str) -> Option<bool> {
        self.elements
            .iter()
            .find(|(p, _)| p == pointer)
            .map(|(_, shown)| *shown)
    }
}

/// How far a section has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionState {
    /// Not shown, given the answers, or not part of the form for the audience.
    Hidden,
    /// Nothing answered yet, and something is required.
    NotStarted,
    /// Something required is missing, or an answer has an error.
    Incomplete,
    /// Everything required is answered and every answer is valid.
    Complete,
}

/// A section's progress, for a task list or a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionStatus {
    /// The section's id.
    pub section: String,
    /// Its title.
    pub title: String,
    /// How far it has got.
    pub state: SectionState,
    /// What is still to be answered: `required` and `min_entries` errors.
    pub missing: Vec<ValidationError>,
    /// The other errors in its answers.
    pub errors: Vec<ValidationError>,
}

impl Validator {
    /// Which sections and elements are shown for `answers` on `today`. Missing answers are
    /// unanswered, never an error; answers that are not an object (or too large to read)
    /// show what an empty submission shows.
    pub fn visibility(&self, answers: &(impl AsAnswers + ?Sized), today: Date) -> Visibility {
        let answers = readable(answers);
        let empty = Answers::empty();
        let root = if answers.root().kind() == Kind::Object {
            answers.root()
        } else {
            empty.root()
        };
        let ev = Eval::new(self, today);
        let root = ev.frame(0, root, None);
        let mut out = Visibility {
            sections: Vec::new(),
            elements: Vec::new(),
            undecided_sections: Vec::new(),
            undecided_elements: Vec::new(),
        };
        let mut path = Vec::new();
        for (index, section) in self.sections.iter().enumerate() {
            let visible = ev.section_visible(&root, index);
            let undecided = !visible
                && section
                    .elements
                    .iter()
                    .any(|&node| answered(&root, self.nodes[node].slot))
                && ev.section_undecided(&root, index);
            if undecided {
                out.undecided_sections.push(section.id.clone());
            }
            out.sections
                .push((section.id.clone(), visible || undecided));
            self.visibility_of(&ev, &root, &section.elements, &mut path, &mut out);
        }
        out
    }

    fn visibility_of<'a>(
        &'a self,
        ev: &Eval<'a>,
        frame: &Frame<'a, '_>,
        elements: &'a [usize],
        path: &mut Vec<Seg<'a>>,
        out: &mut Visibility,
    ) {
        for &index in elements {
            let node = &self.nodes[index];
            path.push(Seg::Key(&node.id));
            let visible = ev.visible(frame, index);
            let undecided = !visible && answered(frame, node.slot) && ev.undecided(frame, index);
            if undecided {
                out.undecided_elements.push(pointer(path));
            }
            let shown = visible || undecided;
            out.elements.push((pointer(path), shown));
            if let (true, NodeKind::Repeat { level, .. }, Some(slot)) =
                (shown, &node.kind, node.slot)
                && let Some(entries) = frame.value(slot).and_then(Answer::items)
            {
                for (position, entry) in entries.enumerate() {
                    if entry.kind() == Kind::Object {
                        path.push(Seg::Index(position));
                        let entry = ev.frame(*level, entry, Some(frame));
                        self.visibility_of(ev, &entry, &self.levels[*level].elements, path, out);
                        path.pop();
                    }
                }
            }
            path.pop();
        }
    }

    /// Each section's progress: hidden, not started, incomplete (with what is missing) or
    /// complete. Required answers are enforced whatever `options.mode` says; the audience
    /// only decides which sections exist for it (a section it does not see is hidden), so
    /// pass the whole record. Answers too large to read count as an empty submission.
    pub fn completeness(
        &self,
        answers: &(impl AsAnswers + ?Sized),
        options: &ValidateOptions,
    ) -> Vec<SectionStatus> {
        let answers = readable(answers);
        let answers: &Answers = &answers;
        let whole = ValidateOptions {
            audience: None,
            mode: Mode::Submit,
            ..*options
        };
        let mut errors: Vec<(Option<usize>, ValidationError)> =
            self.errors_by_section(answers, &whole).collect();
        let visibility = self.visibility(answers, options.today);
        let mut out = Vec::new();
        for (index, (section, (_, shown))) in
            self.sections.iter().zip(visibility.sections).enumerate()
        {
            let title = self.form.sections[index].title.clone();
            let seen = options
                .audience
                .is_none_or(|audience| section.seen_by[audience_index(audience)]);
            let (mine, rest): (Vec<_>, Vec<_>) =
                errors.into_iter().partition(|(at, _)| *at == Some(index));
            errors = rest;
            let (missing, errors): (Vec<_>, Vec<_>) =
                mine.into_iter().map(|(_, error)| error).partition(|error| {
                    matches!(error.code, ErrorCode::Required | ErrorCode::MinEntries)
                });
            let started = section.elements.iter().any(|&node| {
                answers
                    .root()
                    .get(&self.nodes[node].id)
                    .is_some_and(|value| !value.is_blank() && value.kind() != Kind::False)
            });
            let state = if !shown || !seen {
                SectionState::Hidden
            } else if !started && !missing.is_empty() {
                SectionState::NotStarted
            } else if missing.is_empty() && errors.is_empty() {
                SectionState::Complete
            } else {
                SectionState::Incomplete
            };
            let (missing, errors) = if state == SectionState::Hidden {
                (Vec::new(), Vec::new())
            } else {
                (missing, errors)
            };
            out.push(SectionStatus {
                section: section.id.clone(),
                title,
                state,
                missing,
                errors,
            });
        }
        out
    }

    /// A tidied copy of `answers`: text trimmed, empty answers (blank text, empty lists,
    /// null) dropped, and answers to questions that the other answers now hide dropped, as
    /// when a parent changes an earlier answer (but not while a rule that hides them reads an
    /// answer with an error of its own: see [`Visibility`]). Keys the form does not know are
    /// kept (the validation reports them; nothing is lost silently). Answers that are not an
    /// object, or too large to read, are returned unchanged.
    pub fn normalize(&self, answers: &(impl AsAnswers + ?Sized), today: Date) -> Value {
        let Ok(read) = answers.as_answers() else {
            return answers.to_json();
        };
        let root = read.root();
        if root.kind() != Kind::Object {
            return root.to_value();
        }
        let ev = Eval::new(self, today);
        let frame = ev.frame(0, root, None);
        Value::Object(self.tidy(&ev, &frame, root))
    }

    /// The members of `object`, the answers of `frame`, tidied: text trimmed, empty and hidden
    /// answers dropped, at its level and below. (Rules read blank answers as unanswered and
    /// text trimmed, so what is shown is the same before and after tidying.)
    fn tidy<'a>(
        &'a self,
        ev: &Eval<'a>,
        frame: &Frame<'a, '_>,
        object: Answer<'a>,
    ) -> Map<String, Value> {
        let layout = &self.levels[frame.level];
        let mut out = Map::new();
        for (key, value) in object.members().into_iter().flatten() {
            let Some(&(index, _)) = layout.lookup.get(key) else {
                out.insert(key.to_owned(), value.to_value());
                continue;
            };
            if value.is_blank() || !(ev.visible(frame, index) || ev.undecided(frame, index)) {
                continue;
            }
            let tidied = match (&self.nodes[index].kind, value.as_str(), value.items()) {
                (NodeKind::Question(QKind::Text { .. } | QKind::Formatted(..)), Some(text), _) => {
                    Value::String(text.trim().to_owned())
                }
                (NodeKind::Repeat { level, .. }, _, Some(entries)) => Value::Array(
                    entries
                        .map(|entry| match entry.kind() {
                            Kind::Object => {
                                let entry_frame = ev.frame(*level, entry, Some(frame));
                                Value::Object(self.tidy(ev, &entry_frame, entry))
                            }
                            _ => entry.to_value(),
                        })
                        .collect(),
                ),
                _ => value.to_value(),
            };
            out.insert(key.to_owned(), tidied);
        }
        out
    }
}

/// Whether `frame` holds an answer, not empty, in `slot`.
fn answered(frame: &Frame<'_, '_>, slot: Option<usize>) -> bool {
    slot.and_then(|slot| frame.slots.get(slot))
        .is_some_and(|slot| !slot.blank && frame.answer(slot).is_some())
}

/// `answers`, or none (an empty object) when they are too large to read.
fn readable(answers: &(impl AsAnswers + ?Sized)) -> Cow<'_, Answers> {
    answers
        .as_answers()
        .unwrap_or_else(|_| Cow::Owned(Answers::empty()))
}
