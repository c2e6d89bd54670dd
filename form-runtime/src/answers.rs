//! Reading answers: one JSON object per submission, parsed strictly (a key given twice is an
//! error, not a silent overwrite) and within limits.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Bounds on the answers accepted, so that no submission can exhaust time or memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AnswerLimits {
    /// The largest answers document, in bytes.
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
    /// The document is larger than the limit.
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

/// Parses the text of an answers document: a JSON object, with no key repeated at any level,
/// within `limits`. Nesting is bounded by the JSON parser (128 levels).
pub fn parse_answers(text: &str, limits: &AnswerLimits) -> Result<Value, AnswersError> {
    if text.len() > limits.max_bytes {
        return Err(AnswersError::TooLarge {
            bytes: text.len(),
            limit: limits.max_bytes,
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
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = StrictValue
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
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
                column: error.column(),
            }
        })?;
    if !value.is_object() {
        return Err(AnswersError::NotAnObject {
            found: describe_json(&value),
        });
    }
    Ok(value)
}

/// serde_json's messages, in plainer words where they are obscure.
fn plain(message: String) -> String {
    if message.starts_with("EOF while parsing") {
        format!("the text ends too early ({message})")
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

/// "a list", "a number" and so on, for messages.
pub(crate) fn describe_json(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Deserialises a `Value`, refusing repeated keys.
struct StrictValue;

impl<'de> DeserializeSeed<'de> for StrictValue {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictValue {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(StrictValue)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(StrictValue)?;
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key \"{key}\" appears twice"
                )));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}
