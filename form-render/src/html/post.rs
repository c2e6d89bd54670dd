//! Reading a posted section page back into answers, so that a host needs no knowledge of the
//! field names: `outcomes.0.team`, a date's `dob-day`, `dob-month` and `dob-year`, repeated
//! names for checkboxes, and the add and remove buttons of blocks.
//!
//! What the person typed is kept as typed where it is not a valid answer (`12x` in a number
//! box stays the text `12x`), so that the page shows it again with the runtime's error.

use serde_json::{Map, Value};

use form_runtime::{Audience, Element, Form, Input};

use crate::reach::Reach;

/// What a block button asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Add an entry to the block at this JSON Pointer.
    Add(String),
    /// Remove the entry at this JSON Pointer.
    Remove(String),
}

/// The answers of one posted section, and the button pressed.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    /// The section's answers, keyed by element id, as the runtime reads them: put them over
    /// the record's answers (the section's keys replace the record's).
    pub answers: Map<String, Value>,
    /// The keys of the section that the page could change: a host removes those of them
    /// that are not in `answers` from the record (they were cleared).
    pub keys: Vec<String>,
    /// An add or remove button, already applied to `answers`; None for "Save and continue".
    pub action: Option<Action>,
}

/// The field the add and remove buttons post.
pub const ACTION_FIELD: &str = "sendform-action";

/// Reads the fields posted from section `section`'s page, for `audience`. Unknown fields are
/// ignored; fields of parts the audience may not change are never read. Block entries keep
/// from `previous` (the record's answers before the post) what no field carries: documents,
/// look-ups and parts the audience may not change. None when the form has no such section or
/// the audience may not change it.
pub fn read_post(
    form: &Form,
    section: &str,
    audience: Audience,
    previous: &Value,
    fields: &[(String, String)],
) -> Option<Posted> {
    let section = form.sections.iter().find(|s| s.id == section)?;
    let reach = Reach::of_form(form, audience).within(&section.access, audience);
    if !reach.writable {
        return None;
    }
    let action = fields
        .iter()
        .find(|(name, _)| name == ACTION_FIELD)
        .and_then(|(_, value)| {
            if let Some(at) = value.strip_prefix("add:") {
                Some(Action::Add(at.to_owned()))
            } else {
                value
                    .strip_prefix("remove:")
                    .map(|at| Action::Remove(at.to_owned()))
            }
        });
    // The block an entry is being added to, by its fields' name (`outcomes.1.steps`).
    let adding = match &action {
        Some(Action::Add(at)) => Some(at.trim_start_matches('/').replace('/', ".")),
        _ => None,
    };
    let reader = Reader {
        fields,
        audience,
        adding,
    };
    let mut answers = Map::new();
    let mut keys = Vec::new();
    for element in &section.elements {
        let reach = reach.within(element.access(), audience);
        if !reach.writable || not_a_field(element) {
            continue;
        }
        keys.push(element.id().to_owned());
        let previous = previous.get(element.id());
        if let Some(value) = reader.element(element, element.id(), previous, reach) {
            answers.insert(element.id().to_owned(), value);
        }
    }
    if let Some(action) = &action {
        apply(&mut answers, action);
    }
    Some(Posted {
        answers,
        keys,
        action,
    })
}

/// Documents and look-ups arrive by their own routes, not as fields of the page.
fn not_a_field(element: &Element) -> bool {
    matches!(element, Element::Question(question)
        if matches!(question.input, Input::File(_) | Input::PersonLookup))
}

struct Reader<'a> {
    fields: &'a [(String, String)],
    audience: Audience,
    /// The fields' name of the block the post adds an entry to, if it does.
    adding: Option<String>,
}

impl Reader<'_> {
    fn first(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.fields
            .iter()
            .filter(|(field, _)| field == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// The answer to `element` (which `reach` says the audience may change) from the fields.
    fn element(
        &self,
        element: &Element,
        name: &str,
        previous: Option<&Value>,
        reach: Reach,
    ) -> Option<Value> {
        match element {
            Element::Content(_) => None,
            Element::Question(question) => self.question(&question.input, name),
            Element::Repeat(repeat) => {
                // Entries are numbered from 0; the page posts every entry it shows.
                let prefix = format!("{name}.");
                let mut count = 0;
                for (field, _) in self.fields {
                    if let Some(rest) = field.strip_prefix(&prefix)
                        && let Some((index, _)) = rest.split_once('.')
                        && let Ok(index) = index.parse::<usize>()
                    {
                        count = count.max(index + 1);
                    }
                }
                let mut entries: Vec<Value> = (0..count.min(1000))
                    .map(|index| {
                        let before = previous.and_then(|p| p.get(index));
                        let mut entry = Map::new();
                        for inner in &repeat.elements {
                            let kept = before.and_then(|b| b.get(inner.id()));
                            let reach = reach.within(inner.access(), self.audience);
                            if !reach.writable || not_a_field(inner) {
                                if let Some(kept) = kept {
                                    entry.insert(inner.id().to_owned(), kept.clone());
                                }
                                continue;
                            }
                            let inner_name = format!("{name}.{index}.{}", inner.id());
                            if let Some(value) = self.element(inner, &inner_name, kept, reach) {
                                entry.insert(inner.id().to_owned(), value);
                            }
                        }
                        Value::Object(entry)
                    })
                    .collect();
                // The empty entries a page gives a block to fill in, which the record did not
                // hold, are left out when nothing was written in them, unless entries are
                // being added to the block.
                let stored = previous.and_then(Value::as_array).map_or(0, Vec::len);
                if self.adding.as_deref() != Some(name) {
                    while entries.len() > stored
                        && entries
                            .last()
                            .and_then(Value::as_object)
                            .is_some_and(Map::is_empty)
                    {
                        entries.pop();
                    }
                }
                (!entries.is_empty()).then_some(Value::Array(entries))
            }
        }
    }

    fn question(&self, input: &Input, name: &str) -> Option<Value> {
        let text = |value: &str| {
            let value = value.trim();
            (!value.is_empty()).then(|| Value::String(value.to_owned()))
        };
        match input {
            Input::Integer(_) | Input::Decimal(_) => {
                let raw = self.first(name)?.trim();
                if raw.is_empty() {
                    return None;
                }
                // "1,200" is 1200; what is not a number is kept as typed, for its error.
                let cleaned: String = raw.chars().filter(|c| *c != ',').collect();
                let number = match cleaned.parse::<i64>() {
                    Ok(whole) => Some(Value::from(whole)),
                    Err(_) => cleaned
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number),
                };
                Some(number.unwrap_or_else(|| Value::String(raw.to_owned())))
            }
            Input::Date(_) => {
                let part = |p: &str| {
                    self.first(&format!("{name}-{p}"))
                        .unwrap_or("")
                        .trim()
                        .to_owned()
                };
                let (day, month, year) = (part("day"), part("month"), part("year"));
                if day.is_empty() && month.is_empty() && year.is_empty() {
                    return None;
                }
                let pad = |text: &str, width: usize| {
                    if text.chars().all(|c| c.is_ascii_digit()) && !text.is_empty() {
                        format!("{text:0>width$}")
                    } else {
                        text.replace('-', "")
                    }
                };
                Some(Value::String(format!(
                    "{}-{}-{}",
                    pad(&year, 4),
                    pad(&month, 2),
                    pad(&day, 2)
                )))
            }
            Input::YesNo => match self.first(name)? {
                "yes" => Some(Value::Bool(true)),
                "no" => Some(Value::Bool(false)),
                _ => None,
            },
            Input::Declaration => (self.first(name)? == "yes").then_some(Value::Bool(true)),
            Input::Choice(_) => text(self.first(name)?),
            Input::MultiChoice(_) => {
                let codes: Vec<Value> = self
                    .all(name)
                    .into_iter()
                    .filter(|code| !code.is_empty())
                    .map(|code| Value::String(code.to_owned()))
                    .collect();
                (!codes.is_empty()).then_some(Value::Array(codes))
            }
            // Files arrive through the host's upload handling, not as form fields.
            Input::File(_) => None,
            Input::Text(_)
            | Input::LongText(_)
            | Input::Email(_)
            | Input::Phone(_)
            | Input::Postcode(_)
            | Input::NhsNumber(_)
            | Input::Upn(_)
            | Input::PersonLookup => {
                let value = self.first(name)?;
                // Long text keeps its line breaks, with Windows line ends made plain.
                let value = value.replace("\r\n", "\n");
                text(&value)
            }
        }
    }
}

/// Adds an empty entry to a block, or removes one.
fn apply(answers: &mut Map<String, Value>, action: &Action) {
    let (at, add) = match action {
        Action::Add(at) => (at, true),
        Action::Remove(at) => (at, false),
    };
    let mut segments: Vec<String> = at
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    // Removing: the last segment is the entry's position in the block the others name.
    let position = if add {
        None
    } else {
        match segments.pop().and_then(|last| last.parse::<usize>().ok()) {
            Some(position) => Some(position),
            None => return,
        }
    };
    let Some((first, rest)) = segments.split_first() else {
        return;
    };
    // Adding creates the blocks on the way; removing never does.
    let block = || Value::Array(Vec::new());
    if !add && !answers.contains_key(first) {
        return;
    }
    let mut target = answers.entry(first.clone()).or_insert_with(block);
    for segment in rest {
        let next = match target {
            Value::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            Value::Object(map) => {
                if add {
                    Some(map.entry(segment.clone()).or_insert_with(block))
                } else {
                    map.get_mut(segment)
                }
            }
            _ => None,
        };
        match next {
            Some(next) => target = next,
            None => return,
        }
    }
    if let Value::Array(entries) = target {
        match position {
            None => entries.push(Value::Object(Map::new())),
            Some(position) if position < entries.len() => {
                entries.remove(position);
            }
            Some(_) => {}
        }
    }
}
