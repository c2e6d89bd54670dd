//! The standard error messages, in GOV.UK style: say what to do, in the words of the question,
//! without blame ("Enter the date of birth", "Select the team", "Outcome must be 300 words or
//! fewer"). A designer's own message, where the form gives one, replaces these.

use jiff::civil::Date;

use crate::compiled::QKind;

/// Words that already make a label a noun phrase: "Enter your name", not "Enter the your name".
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "your", "their", "his", "her", "its", "my", "our", "this", "that", "these",
    "those", "any", "each", "every", "some", "all",
];

/// A question's label, turned into the parts of its messages once, as the validator is
/// prepared: an error's message is then one copy, not a new lowercasing per error.
#[derive(Debug, Clone)]
pub(crate) struct Wording {
    /// The label, trimmed.
    label: Box<str>,
    /// The label as the subject of a sentence: "Date of birth", or "The answer" for a
    /// question label.
    subject: Box<str>,
    /// The label as the object of a verb: "the date of birth", "your email address", "the
    /// UPN". None for a question label.
    object: Option<Box<str>>,
}

impl Wording {
    /// The wording of `label`, which has no white space around it.
    pub(crate) fn new(label: &str) -> Wording {
        let (subject, object) = if is_question(label) {
            ("The answer".into(), None)
        } else {
            let first = label.split_whitespace().next().unwrap_or_default();
            let lowered = lower_first(label);
            let object = if DETERMINERS.contains(&first.to_lowercase().as_str()) {
                lowered
            } else {
                format!("the {lowered}")
            };
            (label.into(), Some(object.into_boxed_str()))
        };
        Wording {
            label: label.into(),
            subject,
            object,
        }
    }

    /// The label, trimmed.
    pub(crate) fn label(&self) -> &str {
        &self.label
    }

    /// The label as the object of a verb: "the date of birth", "your email address", "the
    /// UPN". None for a question label.
    pub(crate) fn object(&self) -> Option<&str> {
        self.object.as_deref()
    }

    /// The label as the subject of a sentence: "Date of birth", or "The answer" for a
    /// question label.
    pub(crate) fn subject(&self) -> &str {
        &self.subject
    }

    /// "Enter the date of birth" / "Enter an answer".
    pub(crate) fn enter(&self) -> String {
        self.verb("Enter")
    }

    /// "Select the team" / "Select an answer".
    pub(crate) fn select(&self) -> String {
        self.verb("Select")
    }

    /// "Enter the date of birth in the correct format" / "Enter an answer in the correct
    /// format".
    pub(crate) fn correct_format(&self) -> String {
        self.phrase("Enter", " in the correct format")
    }

    /// `verb` and the object, or "an answer", then `after`.
    fn verb(&self, verb: &str) -> String {
        self.phrase(verb, "")
    }

    fn phrase(&self, verb: &str, after: &str) -> String {
        concat(&[verb, " ", self.object().unwrap_or("an answer"), after])
    }

    /// "Remove the answer to “Date of birth”, ...".
    pub(crate) fn quoted(&self) -> String {
        concat(&["“", &self.label, "”"])
    }
}

/// Whether `label` is a question ("Does the child have an EHC plan?"): such labels do not fit
/// "Enter the ..." and get wording of their own.
fn is_question(label: &str) -> bool {
    const OPENERS: &[&str] = &[
        "what", "how", "why", "who", "when", "where", "which", "whose", "does", "do", "is", "are",
        "has", "have", "can", "did", "will", "would", "should", "tell", "describe", "please",
        "list", "give",
    ];
    let first = label
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_lowercase();
    label.ends_with('?') || label.is_empty() || OPENERS.contains(&first.as_str())
}

/// `parts` end to end, in a string of their exact length.
fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// The standard message for a required question of `kind` left unanswered: "Enter the date
/// of birth", "Select the team", "Upload the report".
pub(crate) fn missing(wording: &Wording, kind: &QKind) -> String {
    match kind {
        QKind::Choice { .. } | QKind::Multi { .. } | QKind::Person => wording.select(),
        QKind::YesNo => match wording.object() {
            Some(object) => format!("Select yes or no for {object}"),
            None => "Select yes or no".to_owned(),
        },
        QKind::Declaration => format!("Confirm {}: tick the box", wording.quoted()),
        QKind::File { .. } => match wording.object() {
            Some(object) => format!("Upload {object}"),
            None => "Upload a file".to_owned(),
        },
        _ => wording.enter(),
    }
}

/// Lowercases the first letter, for a label within a sentence ("Change date of birth"), unless
/// the first word is an acronym (UPN, NHS, EHC) or "I".
pub fn lower_first(text: &str) -> String {
    let first = text.split_whitespace().next().unwrap_or_default();
    let letters: Vec<char> = first.chars().filter(|c| c.is_alphabetic()).collect();
    let acronym = letters.len() > 1 && letters.iter().skip(1).any(|c| c.is_uppercase());
    if acronym || first == "I" {
        return text.to_owned();
    }
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A number as people write it: `5`, not `5.0`; `10,000`, with its digits grouped from five
/// of them (so that a year stays 2026).
pub fn number(value: f64) -> String {
    let text = if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    };
    grouped(&text, 5)
}

/// A number written out in digits (`-1234567.5`), with the digits before its point in groups
/// of three (`-1,234,567.5`) when there are `from` of them or more; any other text as it is.
pub fn grouped(number: &str, from: usize) -> String {
    let (sign, digits) = match number.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", number),
    };
    let (whole, fraction) = digits.split_at(digits.find('.').unwrap_or(digits.len()));
    if whole.len() < from || !whole.bytes().all(|byte| byte.is_ascii_digit()) {
        return number.to_owned();
    }
    let mut out = String::from(sign);
    for (index, digit) in whole.chars().enumerate() {
        if index > 0 && (whole.len() - index) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out.push_str(fraction);
    out
}

/// The file types a file question accepts, in words, with their article: "a PDF or DOCX", "an
/// image" (`accept` as the form gives it: media types such as `image/*`, or extensions such as
/// `.docx`).
pub fn file_types(accept: &[String]) -> String {
    let words: Vec<String> = accept
        .iter()
        .map(|a| match a.strip_prefix('.') {
            Some(extension) => extension.to_ascii_uppercase(),
            None => match a.as_str() {
                "application/pdf" => "PDF".to_owned(),
                "image/*" => "image".to_owned(),
                "image/jpeg" => "JPG".to_owned(),
                "image/png" => "PNG".to_owned(),
                "audio/*" => "audio file".to_owned(),
                "video/*" => "video".to_owned(),
                other => other
                    .rsplit('/')
                    .next()
                    .unwrap_or(other)
                    .to_ascii_uppercase(),
            },
        })
        .collect();
    let mut unique: Vec<String> = Vec::new();
    for word in words {
        if !unique.contains(&word) {
            unique.push(word);
        }
    }
    let words = match unique.as_slice() {
        [] => return String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    };
    // "an image", "an MP3"; "a PDF", "a JPG".
    let article = match words.chars().next() {
        Some(
            'a' | 'e' | 'i' | 'o' | 'u' | 'A' | 'E' | 'F' | 'H' | 'I' | 'L' | 'M' | 'N' | 'O' | 'R'
            | 'S' | 'X',
        ) => "an",
        _ => "a",
    };
    format!("{article} {words}")
}

/// `count` things: "1 outcome", "3 outcomes", "2 entries".
pub fn count(count: u32, thing: &str) -> String {
    let thing = lower_first(thing.trim());
    if count == 1 {
        return format!("1 {thing}");
    }
    const UNCOUNTABLE: &[&str] = &[
        "advice",
        "information",
        "evidence",
        "support",
        "equipment",
        "feedback",
        "training",
        "provision",
    ];
    let plural = if UNCOUNTABLE.contains(&thing.to_lowercase().as_str()) {
        format!("{thing} entries")
    } else if thing.ends_with('s') {
        thing
    } else if let Some(stem) = thing.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{thing}s")
    };
    format!("{count} {plural}")
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as GOV.UK writes it: "12 March 2024".
pub fn date(date: Date) -> String {
    let month = MONTHS
        .get(usize::try_from(date.month() - 1).unwrap_or(0))
        .copied()
        .unwrap_or_default();
    format!("{} {month} {}", date.day(), date.year())
}

/// A size in bytes as people read it: "10MB", "500KB".
pub fn size(bytes: u64) -> String {
    const MB: u64 = 1 << 20;
    const KB: u64 = 1 << 10;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{}MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1}MB", bytes as f64 / MB as f64)
    } else if bytes >= KB {
        format!("{}KB", bytes / KB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording() {
        assert_eq!(
            Wording::new("Date of birth").enter(),
            "Enter the date of birth"
        );
        assert_eq!(
            Wording::new("Your email address").enter(),
            "Enter your email address"
        );
        assert_eq!(Wording::new("UPN").enter(), "Enter the UPN");
        assert_eq!(Wording::new("Team").select(), "Select the team");
        assert_eq!(
            Wording::new("Does the child attend school?").select(),
            "Select an answer"
        );
        assert_eq!(Wording::new("Outcome").subject(), "Outcome");
        assert_eq!(count(1, "Outcome"), "1 outcome");
        assert_eq!(count(3, "Outcome"), "3 outcomes");
        assert_eq!(count(2, "Strategy"), "2 strategies");
        assert_eq!(count(2, "Day"), "2 days");
        assert_eq!(count(4, "Advice"), "4 advice entries");
        assert_eq!(date(jiff::civil::date(2024, 3, 12)), "12 March 2024");
        assert_eq!(size(10 << 20), "10MB");
        assert_eq!(number(5.0), "5");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(2026.0), "2026");
        assert_eq!(number(10000.0), "10,000");
        assert_eq!(number(-250000.5), "-250,000.5");
    }
}
