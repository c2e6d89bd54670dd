//! Validation errors: data, each with the JSON Pointer of the answer, a stable code and a
//! message in plain English for the person filling the form.

use serde::Serialize;

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// A validation error's stable code, named after the rule that failed.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as written in JSON, such as `max_length`.
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $name,)* }
            }
        }
    };
}

error_codes! {
    /// A required answer is missing (or, for a required declaration, not ticked).
    Required = "required",
    /// An answer is empty text or an empty list: leave it out instead.
    Empty = "empty",
    /// An answer has the wrong JSON type, such as text where a number belongs.
    WrongType = "wrong_type",
    /// Text has characters such as NUL that no form answer contains.
    ControlCharacters = "control_characters",
    /// Text is longer than `max_length` (or than the largest answer accepted).
    MaxLength = "max_length",
    /// Text is shorter than `min_length`.
    MinLength = "min_length",
    /// Text has more words than `max_words`.
    MaxWords = "max_words",
    /// Text does not match the question's `pattern`.
    Pattern = "pattern",
    /// Not an email address.
    Email = "email",
    /// Not a UK telephone number.
    Phone = "phone",
    /// Not a UK postcode.
    Postcode = "postcode",
    /// Not a valid NHS number (shape or check digit).
    NhsNumber = "nhs_number",
    /// Not a valid unique pupil number (shape or check letter).
    Upn = "upn",
    /// A number that must be whole is not.
    WholeNumber = "whole_number",
    /// A number is below `min`.
    Min = "min",
    /// A number is above `max`.
    Max = "max",
    /// A number has more decimal places than `decimals`.
    Decimals = "decimals",
    /// Not a real date in the form `YYYY-MM-DD`.
    Date = "date",
    /// A date is not before its `before` bound.
    Before = "before",
    /// A date is not after its `after` bound.
    After = "after",
    /// A date is before its `not_before` bound.
    NotBefore = "not_before",
    /// A date is after its `not_after` bound.
    NotAfter = "not_after",
    /// A code that is not one of the question's choices.
    Choice = "choice",
    /// The same code twice in a multiple-choice answer.
    DuplicateChoice = "duplicate_choice",
    /// An exclusive choice ("None of these") with others.
    Exclusive = "exclusive",
    /// Fewer choices than `min_selected`.
    MinSelected = "min_selected",
    /// More choices than `max_selected`.
    MaxSelected = "max_selected",
    /// A document reference that is not `{id, name, media_type, size}`.
    File = "file",
    /// A document of a type the question does not accept.
    Accept = "accept",
    /// A document larger than `max_size`.
    MaxSize = "max_size",
    /// Fewer documents than `min_files`.
    MinFiles = "min_files",
    /// More documents than `max_files`.
    MaxFiles = "max_files",
    /// A person reference that is not `{id, name}`.
    Person = "person",
    /// A repeating block with fewer entries than its `min`.
    MinEntries = "min_entries",
    /// A repeating block with more entries than its `max`.
    MaxEntries = "max_entries",
    /// An answer to a question that is hidden by the other answers.
    HiddenAnswered = "hidden_answered",
    /// A key that is not a question of the form (at that place).
    UnknownField = "unknown_field",
    /// An answer to a part of the form the audience does not see.
    NotForAudience = "not_for_audience",
    /// An answer to a part of the form the audience may see but not change.
    Locked = "locked",
    /// A cross-field check failed.
    Check = "check",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One problem with a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationError {
    /// The JSON Pointer (RFC 6901) of the answer, such as `/outcomes/0/team`; for a missing
    /// answer, where it would be.
    pub path: String,
    /// The stable code.
    pub code: ErrorCode,
    /// What to do, in GOV.UK style, for the person filling the form.
    pub message: String,
    /// For a failed cross-field check, the check's id (when it has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
}
