//! Answers: one submission, parsed once into a compact, read-only form that validation,
//! visibility and completeness read.
//!
//! A submission is a JSON object keyed by question id (see the data contract in
//! docs/embedding.md). [`Answers`] holds one as a flat list of items in document order, with
//! every key and text in one buffer, so that reading a submission from start to end reads
//! memory from start to end: no tree of separately allocated maps and strings to chase.
//! Parse it from text with [`Answers::parse`] (strictly: a key given twice is an error), or
//! make it from a `serde_json::Value` a caller already holds.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Number, Value};

use crate::{formats, table};

/// One submission's answers, parsed.
///
/// ```
/// use form_runtime::{AnswerLimits, Answers};
/// let answers = Answers::parse(r#"{"name": "Sam", "outcomes": [{"team": "EP"}]}"#, &AnswerLimits::default())?;
/// assert_eq!(answers.to_value()["outcomes"][0]["team"], "EP");
/// assert_eq!(answers, Answers::try_from(&answers.to_value())?);
/// # Ok::<(), form_runtime::AnswersError>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Answers {
    /// The values in document order: a list or an object is followed by its contents, an
    /// object's members each as a key item then the value's items.
    items: Vec<Item>,
    /// The text of every key and string, one after another.
    text: String,
}

/// The most bytes of text, and the most items, one [`Answers`] holds: an item holds positions
/// in 32 bits, so that it takes 12 bytes and a submission's items take half the memory (and
/// half the time to read) they would with 64.
pub(crate) const MOST: usize = u32::MAX as usize;

/// The fewest bytes a text answer has for [`Answers`] to scan it for control characters as it
/// stores it ([`Answer::known_clean`]): a long answer is scanned while it is at hand, so that
/// each validation need not read it again from memory; a short one costs more to scan by the
/// call than by the byte, and is often read again anyway (patterns, codes, dates).
const SCANNED: usize = 64;

/// One item: a value, or the key of an object member.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Item {
    kind: Kind,
    /// Whether the value is empty ([`Answer::is_blank`]), worked out as it is stored.
    blank: bool,
    /// Text of [`SCANNED`] bytes or more: whether it was found, as it was stored, to hold no
    /// control character other than tab and line breaks ([`Answer::known_clean`]), so that
    /// checking a long answer need not read it again.
    clean: bool,
    /// Text and keys: where the text starts. Lists and objects: how many items or members.
    /// Numbers: the low half of the number's bits.
    a: u32,
    /// Text and keys: where the text ends. Lists and objects: the index of the item after
    /// their contents. Numbers: the high half of the number's bits.
    b: u32,
}

// Held to the size the documentation gives (12 bytes: the kind, two flags, two positions).
const _: () = assert!(std::mem::size_of::<Item>() == 12);

impl Item {
    /// An item of `kind` holding two positions (which callers keep within [`MOST`]).
    fn new(kind: Kind, blank: bool, a: usize, b: usize) -> Item {
        Item {
            kind,
            blank,
            clean: false,
            a: u32::try_from(a).unwrap_or(u32::MAX),
            b: u32::try_from(b).unwrap_or(u32::MAX),
        }
    }

    /// A number's bits.
    fn bits(self) -> u64 {
        u64::from(self.a) | u64::from(self.b) << 32
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Null,
    False,
    True,
    /// A whole number of 0 or more (`a` as u64).
    PosInt,
    /// A negative whole number (`a` as i64).
    NegInt,
    /// Any other number (`a` as f64 bits).
    Float,
    Text,
    List,
    Object,
    Key,
}

impl Answers {
    /// Parses the text of an answers document: a JSON object, with no key repeated at any
    /// level, within `limits`. Nesting is bounded by the JSON parser (128 levels).
    pub fn parse(text: &str, limits: &AnswerLimits) -> Result<Answers, AnswersError> {
        // Within 4 GiB, the answers' text and items fit: no JSON value takes less than a byte,
        // and no text more bytes than it takes in JSON.
        let limit = limits.max_bytes.min(MOST);
        if text.len() > limit {
            return Err(AnswersError::TooLarge {
                bytes: text.len(),
                limit,
            });
        }
        if text.trim().is_empty() {
            return Err(AnswersError::Json {
                message: "there is no text: answers are a JSON object, such as {}".to_owned(),
                line: 1,
                column: 1,
            });
        }
        if text.starts_with('\u{feff}') {
            return Err(AnswersError::Json {
                message:
                    "the text starts with a byte order mark (U+FEFF); save it as UTF-8 without one"
                        .to_owned(),
                line: 1,
                column: 1,
            });
        }
        let mut answers = Answers {
            // About one item for every 12 bytes of JSON, and less text than JSON.
            items: Vec::with_capacity(text.len() / 12 + 1),
            text: String::with_capacity(text.len()),
        };
        let mut deserializer = serde_json::Deserializer::from_str(text);
        Strict::value(&mut answers)
            .deserialize(&mut deserializer)
            .and_then(|()| deserializer.end())
            .map_err(|error| {
                let message = error.to_string();
                // serde_json appends " at line L column C"; the variant carries them apart.
                let message = match message.rfind(" at line ") {
                    Some(at) => message[..at].to_owned(),
                    None => message,
                };
                AnswersError::Json {
                    message: plain(message),
                    line: error.line(),
                    // serde_json gives column 0 at the start of an empty line.
                    column: error.column().max(1),
                }
            })?;
        match answers.root().kind() {
            Kind::Object => Ok(answers),
            _ => Err(AnswersError::NotAnObject {
                found: answers.root().describe(),
            }),
        }
    }

    /// An empty object.
    pub(crate) fn empty() -> Answers {
        let mut answers = Answers {
            items: Vec::new(),
            text: String::new(),
        };
        let at = answers.open(Kind::Object);
        answers.close(at, 0);
        answers
    }

    /// The answers as a `serde_json::Value`, members in their order.
    pub fn to_value(&self) -> Value {
        self.root().to_value()
    }

    /// The answer at `position` (as [`Members::next_raw`] gives it); none for 0, the answers'
    /// object.
    #[inline]
    pub(crate) fn at(&self, position: u32) -> Option<Answer<'_>> {
        (position != 0).then_some(Answer {
            answers: self,
            at: position as usize,
        })
    }

    /// The value the answers start with (an object, for answers that were parsed).
    pub(crate) fn root(&self) -> Answer<'_> {
        Answer {
            answers: self,
            at: 0,
        }
    }

    /// Adds an item. Positions past [`MOST`] are not held: callers keep within it.
    fn push(&mut self, kind: Kind, a: usize, b: usize) -> usize {
        // Lists are blank until they are closed with an item.
        let blank = matches!(kind, Kind::Null | Kind::List);
        self.items.push(Item::new(kind, blank, a, b));
        self.items.len() - 1
    }

    /// Adds a key.
    #[inline]
    fn push_key(&mut self, key: &str) {
        self.push_text(Kind::Key, key, false, false);
    }

    /// Adds a text answer.
    #[inline]
    fn push_answer_text(&mut self, text: &str) {
        // Most texts start with a visible ASCII character: no need to trim them.
        let blank =
            !text.as_bytes().first().is_some_and(u8::is_ascii_graphic) && text.trim().is_empty();
        let clean = text.len() >= SCANNED && !formats::forbidden_control_in(text.as_bytes());
        self.push_text(Kind::Text, text, blank, clean);
    }

    #[inline]
    fn push_text(&mut self, kind: Kind, text: &str, blank: bool, clean: bool) {
        let start = self.text.len();
        self.text.push_str(text);
        self.items.push(Item {
            clean,
            ..Item::new(kind, blank, start, self.text.len())
        });
    }

    /// The text of the key or text item at `at`.
    fn text_at(&self, at: usize) -> &str {
        let key = Answer { answers: self, at };
        key.text_of(key.item())
    }

    fn push_number(&mut self, number: &Number) {
        let (kind, bits) = if let Some(n) = number.as_u64() {
            (Kind::PosInt, n)
        } else if let Some(n) = number.as_i64() {
            (Kind::NegInt, n as u64)
        } else {
            // serde_json holds no other kind of number without its arbitrary precision.
            (Kind::Float, number.as_f64().unwrap_or(0.0).to_bits())
        };
        self.push_bits(kind, bits);
    }

    /// A number's item, its 64 bits held in two halves.
    fn push_bits(&mut self, kind: Kind, bits: u64) {
        self.items.push(Item {
            kind,
            blank: false,
            clean: false,
            a: bits as u32,
            b: (bits >> 32) as u32,
        });
    }

    /// Opens a list or an object; [`Answers::close`] records its size and end.
    fn open(&mut self, kind: Kind) -> usize {
        self.push(kind, 0, 0)
    }

    fn close(&mut self, at: usize, count: usize) {
        let end = self.items.len();
        if let Some(item) = self.items.get_mut(at) {
            item.a = u32::try_from(count).unwrap_or(u32::MAX);
            item.b = u32::try_from(end).unwrap_or(u32::MAX);
            item.blank = item.kind == Kind::List && count == 0;
        }
    }

    /// Adds `value`'s items, within `most` bytes of text and `most` items: false, with the
    /// answers left part made, when it does not fit.
    #[must_use]
    fn push_value(&mut self, value: &Value, most: usize) -> bool {
        if self.items.len() >= most {
            return false;
        }
        match value {
            Value::Null => {
                self.push(Kind::Null, 0, 0);
            }
            Value::Bool(false) => {
                self.push(Kind::False, 0, 0);
            }
            Value::Bool(true) => {
                self.push(Kind::True, 0, 0);
            }
            Value::Number(number) => self.push_number(number),
            Value::String(text) => {
                if self.text.len() + text.len() > most {
                    return false;
                }
                self.push_answer_text(text);
            }
            Value::Array(items) => {
                let at = self.open(Kind::List);
                for item in items {
                    if !self.push_value(item, most) {
                        return false;
                    }
                }
                self.close(at, items.len());
            }
            Value::Object(object) => {
                let at = self.open(Kind::Object);
                for (key, value) in object {
                    if self.text.len() + key.len() > most || self.items.len() >= most {
                        return false;
                    }
                    self.push_key(key);
                    if !self.push_value(value, most) {
                        return false;
                    }
                }
                self.close(at, object.len());
            }
        }
        true
    }

    /// The answers of `value`, within `most` bytes of text and `most` items.
    fn from_value(value: &Value, most: usize) -> Result<Answers, AnswersError> {
        // Room for a submission of short answers at its top level, so that few grow.
        let members = value.as_object().map_or(1, Map::len);
        let mut answers = Answers {
            items: Vec::with_capacity(4 * members + 1),
            text: String::with_capacity(64 * members),
        };
        if answers.push_value(value, most) {
            Ok(answers)
        } else {
            Err(AnswersError::TooLarge {
                bytes: answers.text.len(),
                limit: most,
            })
        }
    }
}

impl TryFrom<&Value> for Answers {
    type Error = AnswersError;

    /// The answers of a value held already (any JSON value: validation reports one that is
    /// not an object). An error only for a value of more than 4 GiB of text (or as many
    /// values), which `Answers` cannot hold.
    fn try_from(value: &Value) -> Result<Answers, AnswersError> {
        Answers::from_value(value, MOST)
    }
}

impl fmt::Debug for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Answers({})", self.to_value())
    }
}

impl Serialize for Answers {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.root().serialize(serializer)
    }
}

/// What the validator reads answers from: [`Answers`] parsed once, or a `serde_json::Value`,
/// which is read into `Answers` on each call (parse submissions with [`Answers::parse`] where
/// speed matters).
pub trait AsAnswers: sealed::Sealed {
    /// The answers, borrowed or made: an error for a value too large for [`Answers`] (more
    /// than 4 GiB of text).
    fn as_answers(&self) -> Result<Cow<'_, Answers>, AnswersError>;

    /// The answers as a `serde_json::Value`.
    fn to_json(&self) -> Value;
}

impl AsAnswers for Answers {
    fn as_answers(&self) -> Result<Cow<'_, Answers>, AnswersError> {
        Ok(Cow::Borrowed(self))
    }

    fn to_json(&self) -> Value {
        self.to_value()
    }
}

impl AsAnswers for Value {
    fn as_answers(&self) -> Result<Cow<'_, Answers>, AnswersError> {
        Answers::try_from(self).map(Cow::Owned)
    }

    fn to_json(&self) -> Value {
        self.clone()
    }
}

pub(crate) mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Answers {}
    impl Sealed for serde_json::Value {}
}

/// One value of a submission, as the runtime reads it.
#[derive(Clone, Copy)]
pub(crate) struct Answer<'a> {
    answers: &'a Answers,
    at: usize,
}

impl fmt::Debug for Answer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_value())
    }
}

impl<'a> Answer<'a> {
    #[inline(always)]
    fn item(self) -> Item {
        self.answers.items.get(self.at).copied().unwrap_or(Item {
            kind: Kind::Null,
            blank: true,
            clean: false,
            a: 0,
            b: 0,
        })
    }

    /// The answers it is one of.
    pub(crate) fn answers(self) -> &'a Answers {
        self.answers
    }

    pub(crate) fn kind(self) -> Kind {
        self.item().kind
    }

    #[inline(always)]
    fn text_of(self, item: Item) -> &'a str {
        let start = item.a as usize;
        self.answers
            .text
            .get(start..item.b as usize)
            .unwrap_or_default()
    }

    /// The bytes of the text, for a text answer: what a code is looked up by (with no check
    /// that the ends of the text are whole characters: they are).
    #[inline]
    pub(crate) fn text_bytes(self) -> Option<&'a [u8]> {
        let item = self.item();
        if item.kind != Kind::Text {
            return None;
        }
        self.answers
            .text
            .as_bytes()
            .get(item.a as usize..item.b as usize)
    }

    /// The text, for a text answer.
    #[inline]
    pub(crate) fn as_str(self) -> Option<&'a str> {
        let item = self.item();
        (item.kind == Kind::Text).then(|| self.text_of(item))
    }

    pub(crate) fn as_bool(self) -> Option<bool> {
        match self.kind() {
            Kind::True => Some(true),
            Kind::False => Some(false),
            _ => None,
        }
    }

    /// The number, as serde_json holds it.
    pub(crate) fn as_number(self) -> Option<Number> {
        let item = self.item();
        match item.kind {
            Kind::PosInt => Some(Number::from(item.bits())),
            Kind::NegInt => Some(Number::from(item.bits() as i64)),
            Kind::Float => Number::from_f64(f64::from_bits(item.bits())),
            _ => None,
        }
    }

    pub(crate) fn as_f64(self) -> Option<f64> {
        let item = self.item();
        match item.kind {
            Kind::PosInt => Some(item.bits() as f64),
            Kind::NegInt => Some(item.bits() as i64 as f64),
            Kind::Float => Some(f64::from_bits(item.bits())),
            _ => None,
        }
    }

    pub(crate) fn as_u64(self) -> Option<u64> {
        let item = self.item();
        (item.kind == Kind::PosInt).then_some(item.bits())
    }

    /// The items of a list.
    pub(crate) fn items(self) -> Option<Items<'a>> {
        let item = self.item();
        (item.kind == Kind::List).then_some(Items {
            answers: self.answers,
            at: self.at + 1,
            left: item.a as usize,
        })
    }

    /// The members of an object, in order.
    #[inline]
    pub(crate) fn members(self) -> Option<Members<'a>> {
        let item = self.item();
        (item.kind == Kind::Object).then_some(Members {
            answers: self.answers,
            at: self.at + 1,
            left: item.a as usize,
        })
    }

    /// The value of an object's member `key`.
    pub(crate) fn get(self, key: &str) -> Option<Answer<'a>> {
        self.members()?
            .find(|(known, _)| table::same(known, key))
            .map(|(_, value)| value)
    }

    /// How many items or members a list or object has (0 for other values).
    pub(crate) fn len(self) -> usize {
        let item = self.item();
        match item.kind {
            Kind::List | Kind::Object => item.a as usize,
            _ => 0,
        }
    }

    /// Where the value after this one starts.
    #[inline]
    fn next(self) -> usize {
        let item = self.item();
        match item.kind {
            Kind::List | Kind::Object => item.b as usize,
            _ => self.at + 1,
        }
    }

    /// Whether the answer is empty: null, blank text or an empty list. Empty answers count as
    /// unanswered in rules; validation says to leave them out.
    #[inline]
    pub(crate) fn is_blank(self) -> bool {
        self.item().blank
    }

    /// Whether a text answer is known to hold no control character other than tab and line
    /// breaks ([`formats::is_forbidden_control`]): a text of [`SCANNED`] bytes or more was
    /// scanned for them as it was stored. A shorter one is not known (false).
    #[inline]
    pub(crate) fn known_clean(self) -> bool {
        self.item().clean
    }

    /// "a list", "a number" and so on, for messages.
    pub(crate) fn describe(self) -> &'static str {
        match self.kind() {
            Kind::Null => "null",
            Kind::True | Kind::False => "true or false",
            Kind::PosInt | Kind::NegInt | Kind::Float => "a number",
            Kind::Text | Kind::Key => "text",
            Kind::List => "a list",
            Kind::Object => "an object",
        }
    }

    pub(crate) fn to_value(self) -> Value {
        let item = self.item();
        match item.kind {
            Kind::Null => Value::Null,
            Kind::False => Value::Bool(false),
            Kind::True => Value::Bool(true),
            Kind::PosInt | Kind::NegInt | Kind::Float => {
                self.as_number().map_or(Value::Null, Value::Number)
            }
            Kind::Text | Kind::Key => Value::String(self.text_of(item).to_owned()),
            Kind::List => Value::Array(
                self.items()
                    .into_iter()
                    .flatten()
                    .map(Answer::to_value)
                    .collect(),
            ),
            Kind::Object => Value::Object(
                self.members()
                    .into_iter()
                    .flatten()
                    .map(|(key, value)| (key.to_owned(), value.to_value()))
                    .collect::<Map<String, Value>>(),
            ),
        }
    }
}

impl Serialize for Answer<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let item = self.item();
        match item.kind {
            Kind::Null => serializer.serialize_unit(),
            Kind::False => serializer.serialize_bool(false),
            Kind::True => serializer.serialize_bool(true),
            Kind::PosInt => serializer.serialize_u64(item.bits()),
            Kind::NegInt => serializer.serialize_i64(item.bits() as i64),
            Kind::Float => serializer.serialize_f64(f64::from_bits(item.bits())),
            Kind::Text | Kind::Key => serializer.serialize_str(self.text_of(item)),
            Kind::List => {
                let mut seq = serializer.serialize_seq(Some(self.len()))?;
                for value in self.items().into_iter().flatten() {
                    seq.serialize_element(&value)?;
                }
                seq.end()
            }
            Kind::Object => {
                let mut map = serializer.serialize_map(Some(self.len()))?;
                for (key, value) in self.members().into_iter().flatten() {
                    map.serialize_entry(key, &value)?;
                }
                map.end()
            }
        }
    }
}

/// The items of a list.
#[derive(Debug, Clone)]
pub(crate) struct Items<'a> {
    answers: &'a Answers,
    at: usize,
    left: usize,
}

impl<'a> Iterator for Items<'a> {
    type Item = Answer<'a>;

    #[inline]
    fn next(&mut self) -> Option<Answer<'a>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let value = Answer {
            answers: self.answers,
            at: self.at,
        };
        self.at = value.next();
        Some(value)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Items<'_> {}

/// The members of an object: each key and its value.
#[derive(Debug, Clone)]
pub(crate) struct Members<'a> {
    answers: &'a Answers,
    at: usize,
    left: usize,
}

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, Answer<'a>);

    #[inline]
    fn next(&mut self) -> Option<(&'a str, Answer<'a>)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let key = Answer {
            answers: self.answers,
            at: self.at,
        };
        let value = Answer {
            answers: self.answers,
            at: self.at + 1,
        };
        self.at = value.next();
        Some((key.text_of(key.item()), value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Members<'_> {}

impl<'a> Members<'a> {
    /// The next member: its key's bytes (what validation looks keys up by, without making
    /// them text), where its value is ([`Answers::at`]) and whether the value is blank
    /// ([`Answer::is_blank`]); each item read once.
    #[inline]
    pub(crate) fn next_raw(&mut self) -> Option<(&'a [u8], u32, bool)> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let items = self.answers.items.get(self.at..self.at + 2)?;
        let (key, item) = (items[0], items[1]);
        let key = self
            .answers
            .text
            .as_bytes()
            .get(key.a as usize..key.b as usize)
            .unwrap_or_default();
        // Within 32 bits: an `Answers` holds fewer than `MOST` items.
        let position = (self.at + 1) as u32;
        self.at = match item.kind {
            Kind::List | Kind::Object => item.b as usize,
            _ => self.at + 2,
        };
        Some((key, position, item.blank))
    }
}

/// Bounds on the answers accepted, so that no submission can exhaust time or memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerLimits {
    /// The largest answers document, in bytes. Documents of over 4 GiB are refused whatever
    /// the limit: [`Answers`] holds positions in 32 bits.
    pub max_bytes: usize,
}

impl Default for AnswerLimits {
    fn default() -> AnswerLimits {
        AnswerLimits { max_bytes: 8 << 20 }
    }
}

/// Why answers could not be read. Every variant says where and what, in plain words.
#[derive(Debug, thiserror::Error)]
pub enum AnswersError {
    /// The document is larger than the limit. (For a `serde_json::Value` too large for
    /// [`Answers`], the size is the bytes of text read when it ran out of room.)
    #[error("the answers are {bytes} bytes; the most accepted is {limit} bytes")]
    TooLarge {
        /// The size of the document.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The text is not JSON (or repeats a key); `line` and `column` are 1-based.
    #[error("the answers are not valid JSON: {message} (line {line}, column {column})")]
    Json {
        /// What is wrong.
        message: String,
        /// Where, line.
        line: usize,
        /// Where, column.
        column: usize,
    },
    /// The JSON is not an object keyed by question id.
    #[error("the answers must be a JSON object keyed by question id, not {found}")]
    NotAnObject {
        /// What was found, such as "a list".
        found: &'static str,
    },
}

/// Parses the text of an answers document as a `serde_json::Value`, by the rules of
/// [`Answers::parse`].
pub fn parse_answers(text: &str, limits: &AnswerLimits) -> Result<Value, AnswersError> {
    Answers::parse(text, limits).map(|answers| answers.to_value())
}

/// serde_json's messages, in plainer words where they are obscure.
fn plain(message: String) -> String {
    if message.starts_with("EOF while parsing") {
        "the text ends too early: a closing `}`, `]` or `\"`, or a value, is missing".to_owned()
    } else if message == "key must be a string" {
        "a key must be written in double quotes, such as \"name\"".to_owned()
    } else if message == "trailing comma" {
        "there is a comma after the last item of a list or object".to_owned()
    } else if message.contains("hex escape") || message.contains("surrogate") {
        format!(
            "{message}: a \\u escape must be a character, and \\uD800 to \\uDFFF come only in pairs"
        )
    } else if message == "recursion limit exceeded" {
        "lists and objects are nested too deeply (more than 128 levels)".to_owned()
    } else {
        message
    }
}

/// Reads one JSON value (or an object's key) into the answers, refusing repeated keys.
struct Strict<'s> {
    answers: &'s mut Answers,
    key: bool,
}

impl<'s> Strict<'s> {
    fn value(answers: &'s mut Answers) -> Strict<'s> {
        Strict {
            answers,
            key: false,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Strict<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        if self.key {
            deserializer.deserialize_str(self)
        } else {
            deserializer.deserialize_any(self)
        }
    }
}

impl<'de> Visitor<'de> for Strict<'_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<(), E> {
        self.answers
            .push(if value { Kind::True } else { Kind::False }, 0, 0);
        Ok(())
    }

    fn visit_i64<E>(self, value: i64) -> Result<(), E> {
        let kind = if value < 0 {
            Kind::NegInt
        } else {
            Kind::PosInt
        };
        self.answers.push_bits(kind, value as u64);
        Ok(())
    }

    fn visit_u64<E>(self, value: u64) -> Result<(), E> {
        self.answers.push_bits(Kind::PosInt, value);
        Ok(())
    }

    fn visit_f64<E>(self, value: f64) -> Result<(), E> {
        match Number::from_f64(value) {
            Some(number) => self.answers.push_number(&number),
            None => {
                self.answers.push(Kind::Null, 0, 0);
            }
        }
        Ok(())
    }

    fn visit_str<E>(self, value: &str) -> Result<(), E> {
        if self.key {
            self.answers.push_key(value);
        } else {
            self.answers.push_answer_text(value);
        }
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.answers.push(Kind::Null, 0, 0);
        Ok(())
    }

    fn visit_none<E>(self) -> Result<(), E> {
        self.answers.push(Kind::Null, 0, 0);
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let at = self.answers.open(Kind::List);
        let mut count = 0;
        while seq
            .next_element_seed(Strict::value(&mut *self.answers))?
            .is_some()
        {
            count += 1;
        }
        self.answers.close(at, count);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let at = self.answers.open(Kind::Object);
        // Each key's hash, to find a repeated key without comparing every pair of keys.
        let mut hashes: Vec<(u64, usize)> = Vec::new();
        while let Some(()) = map.next_key_seed(Strict {
            answers: &mut *self.answers,
            key: true,
        })? {
            let key_at = self.answers.items.len() - 1;
            map.next_value_seed(Strict::value(&mut *self.answers))?;
            let key = self.answers.text_at(key_at);
            let hash = table::hash(key.as_bytes(), 0);
            if hashes
                .iter()
                .any(|&(known, other)| known == hash && self.answers.text_at(other) == key)
            {
                return Err(serde::de::Error::custom(format!(
                    "the key \"{key}\" appears twice"
                )));
            }
            hashes.push((hash, key_at));
        }
        self.answers.close(at, hashes.len());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{AnswerLimits, Answers, AnswersError};

    /// A value is read within a number of bytes of text and of items; past them, an error.
    #[test]
    fn values_too_large_to_hold_are_refused() {
        let value = json!({"name": "Sam", "needs": ["a", "b"]});
        // 14 bytes of text (keys and strings), 7 items.
        assert!(Answers::from_value(&value, 14).is_ok());
        assert!(matches!(
            Answers::from_value(&value, 13),
            Err(AnswersError::TooLarge { limit: 13, .. })
        ));
        assert!(Answers::from_value(&json!({"a": 1, "b": 2}), 5).is_ok());
        assert!(Answers::from_value(&json!({"a": 1, "b": 2}), 4).is_err());
        assert!(Answers::from_value(&json!([1, 2, 3, 4, 5]), 6).is_ok());
        assert!(matches!(
            Answers::from_value(&json!([1, 2, 3, 4, 5]), 5),
            Err(AnswersError::TooLarge { limit: 5, .. })
        ));
        // A limit above 4 GiB is taken as 4 GiB.
        let limits = AnswerLimits {
            max_bytes: usize::MAX,
        };
        assert_eq!(Answers::parse("{}", &limits).unwrap().to_value(), json!({}));
    }

    /// Numbers keep all their 64 bits, held in two halves.
    #[test]
    fn numbers_keep_every_bit() {
        let text =
            r#"{"big":18446744073709551615,"low":-9223372036854775808,"x":-0.000123,"e":1e300}"#;
        let answers = Answers::parse(text, &AnswerLimits::default()).unwrap();
        assert_eq!(
            answers.to_value(),
            serde_json::from_str::<serde_json::Value>(text).unwrap()
        );
    }

    /// Blankness is worked out as values are stored, from parsed text and from values alike.
    #[test]
    fn blank_answers_are_known_as_they_are_stored() {
        let text = r#"{"empty":"","spaces":"  \t","nbsp":"\u00a0","word":"x","padded":" x",
            "none":[],"one":[""],"null":null,"zero":0,"no":false,"object":{}}"#;
        let parsed = Answers::parse(text, &AnswerLimits::default()).unwrap();
        let held =
            Answers::try_from(&serde_json::from_str::<serde_json::Value>(text).unwrap()).unwrap();
        for answers in [&parsed, &held] {
            // (A value's members come in key order.)
            let blank: std::collections::BTreeMap<&str, bool> = answers
                .root()
                .members()
                .unwrap()
                .map(|(key, value)| (key, value.is_blank()))
                .collect();
            assert_eq!(
                blank,
                std::collections::BTreeMap::from([
                    ("empty", true),
                    ("spaces", true),
                    ("nbsp", true),
                    ("word", false),
                    ("padded", false),
                    ("none", true),
                    ("one", false),
                    ("null", true),
                    ("zero", false),
                    ("no", false),
                    ("object", false),
                ])
            );
        }
    }

    proptest::proptest! {
        /// Whether a long text holds no forbidden control character is worked out as it is
        /// stored, from parsed text (raw or escaped) and from values alike, as a scan of the
        /// text says; a short one is not known.
        #[test]
        fn clean_texts_are_known_as_they_are_stored(
            texts in proptest::collection::vec(
                "[a-z \t\n\r\u{7}\u{7f}\u{80}\u{85}\u{9f}\u{a0}é😀]{0,80}",
                1..4,
            ),
        ) {
            let value = serde_json::json!({ "texts": texts, "key": "short" });
            let parsed = Answers::parse(&value.to_string(), &AnswerLimits::default()).unwrap();
            let held = Answers::try_from(&value).unwrap();
            for answers in [&parsed, &held] {
                let (_, list) = answers.root().members().unwrap().last().unwrap();
                for (answer, text) in list.items().unwrap().zip(&texts) {
                    proptest::prop_assert_eq!(
                        answer.known_clean(),
                        text.len() >= super::SCANNED && !crate::formats::has_forbidden_control(text),
                        "{:?}", text
                    );
                }
                for (_, value) in answers.root().members().unwrap() {
                    proptest::prop_assert!(!value.known_clean());
                }
            }
        }
    }
}
