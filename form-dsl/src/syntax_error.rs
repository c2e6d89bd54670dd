//! Turning pest's first syntax error into one diagnostic in a form designer's words.
//!
//! pest reports the grammar rules it tried at the furthest position it reached. Rule names
//! mean nothing to a form designer, so each is mapped to a phrase ("a question type such as
//! `text`"), related phrases are merged, and what was found instead is named.

use form_runtime::Span;
use pest::error::{Error, ErrorVariant, InputLocation};

use crate::diagnostic::{Code, Diagnostic, did_you_mean, join_words};
use crate::parser::{FormParser, Rule};
use crate::prescan::to_u32;
use crate::source::SourceFile;

/// What may come next, grouped so that messages stay short.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Expected {
    Keyword(&'static str),
    Section,
    Repeat,
    Question,
    Check,
    Attribute,
    Value,
    Operator,
    Name,
    TaxonomyName,
    Text,
    Code,
    Choice,
    Number,
    SizeUnit,
    DurationUnit,
    Punctuation(&'static str),
    EndOfFile,
}

impl Expected {
    fn describe(self) -> String {
        match self {
            Expected::Keyword(word) => format!("`{word}`"),
            Expected::Section => "a section".into(),
            Expected::Repeat => "a repeating block".into(),
            Expected::Question => "a question such as `text first_name \"First name\"`".into(),
            Expected::Check => "a check".into(),
            Expected::Attribute => "an attribute such as `required`".into(),
            Expected::Value => {
                "a value (a question id, a number, quoted text, a date such as 2024-09-01, or `today`)"
                    .into()
            }
            Expected::Operator => "an operator such as `and`, `or` or `=`".into(),
            Expected::Name => "a name (letters, digits and `_`, starting with a letter)".into(),
            Expected::TaxonomyName => "a taxonomy name such as `send.teams`".into(),
            Expected::Text => "quoted text such as \"First name\"".into(),
            Expected::Code => "a code such as `SLT`".into(),
            Expected::Choice => "a choice such as `SLT \"Speech and Language Therapy\"`".into(),
            Expected::Number => "a number".into(),
            Expected::SizeUnit => "a size unit: `KB`, `MB` or `GB`".into(),
            Expected::DurationUnit => "a unit of time: `days`, `weeks`, `months` or `years`".into(),
            Expected::Punctuation(token) => format!("`{token}`"),
            Expected::EndOfFile => "the end of the file".into(),
        }
    }
}

/// Words that a misspelt keyword is compared with, for "did you mean".
const KEYWORDS: &[&str] = &[
    "form",
    "section",
    "repeat",
    "check",
    "taxonomy",
    "use",
    "include",
    "when",
    "require",
    "on",
    "ordered",
    "from",
    "only",
    "except",
    "as",
    "required",
    "visible",
    "locked",
    "for",
    "audience",
    "options",
    "accept",
    "max_size",
    "exclusive",
    "owned_by_author",
    "message",
    "hint",
    "intro",
    "body",
    "version",
    "item",
    "prefix",
    "suffix",
    "autocomplete",
    "pattern",
    "max_length",
    "min_length",
    "max_words",
    "min_selected",
    "max_selected",
    "min_files",
    "max_files",
    "decimals",
    "min",
    "max",
    "before",
    "after",
    "not_before",
    "not_after",
    "text",
    "long_text",
    "integer",
    "decimal",
    "date",
    "yes_no",
    "choice",
    "multi_choice",
    "email",
    "phone",
    "postcode",
    "nhs_number",
    "upn",
    "file",
    "declaration",
    "display",
    "person_lookup",
    "and",
    "or",
    "not",
    "in",
    "true",
    "false",
    "today",
];

fn classify(rule: Rule) -> Option<Expected> {
    use Expected as E;
    Some(match rule {
        Rule::EOI => E::EndOfFile,
        Rule::kw_include => E::Keyword("include"),
        Rule::kw_form | Rule::form_def => E::Keyword("form"),
        Rule::kw_section | Rule::section_def => E::Section,
        Rule::kw_repeat | Rule::repeat_def => E::Repeat,
        Rule::question | Rule::question_type => E::Question,
        Rule::question_block => E::Punctuation("{"),
        Rule::kw_check | Rule::check_def => E::Check,
        Rule::kw_taxonomy | Rule::taxonomy_def => E::Keyword("taxonomy"),
        Rule::kw_use | Rule::use_decl => E::Keyword("use"),
        Rule::kw_when => E::Keyword("when"),
        Rule::kw_require => E::Keyword("require"),
        Rule::kw_on => E::Keyword("on"),
        Rule::kw_ordered => E::Keyword("ordered"),
        Rule::kw_from => E::Keyword("from"),
        Rule::kw_only | Rule::keep_codes => E::Keyword("only"),
        Rule::kw_except | Rule::drop_codes => E::Keyword("except"),
        Rule::kw_as => E::Keyword("as"),
        Rule::kw_for => E::Keyword("for"),
        Rule::kw_message | Rule::message => E::Keyword("message"),
        Rule::kw_required
        | Rule::kw_visible
        | Rule::kw_locked
        | Rule::kw_audience
        | Rule::kw_options
        | Rule::kw_accept
        | Rule::kw_max_size
        | Rule::kw_exclusive
        | Rule::kw_owned_by_author
        | Rule::text_attr_name
        | Rule::number_attr_name
        | Rule::date_bound_name
        | Rule::required_attr
        | Rule::visible_attr
        | Rule::locked_attr
        | Rule::only_attr
        | Rule::only_on_attr
        | Rule::audience_attr
        | Rule::options_attr
        | Rule::from_attr
        | Rule::accept_attr
        | Rule::max_size_attr
        | Rule::exclusive_attr
        | Rule::flag_attr
        | Rule::text_attr
        | Rule::number_attr
        | Rule::date_bound_attr => E::Attribute,
        Rule::expr
        | Rule::paren
        | Rule::list
        | Rule::call
        | Rule::duration
        | Rule::date_literal
        | Rule::boolean
        | Rule::today
        | Rule::reference
        | Rule::op_not
        | Rule::op_neg => E::Value,
        Rule::op_or
        | Rule::op_and
        | Rule::op_not_in
        | Rule::op_in
        | Rule::op_eq
        | Rule::op_ne
        | Rule::op_le
        | Rule::op_ge
        | Rule::op_lt
        | Rule::op_gt
        | Rule::op_add
        | Rule::op_sub
        | Rule::op_mul
        | Rule::op_div => E::Operator,
        Rule::ident | Rule::name_list => E::Name,
        Rule::taxonomy_name => E::TaxonomyName,
        Rule::string => E::Text,
        Rule::code => E::Code,
        Rule::choice_item => E::Choice,
        Rule::number | Rule::signed_number => E::Number,
        Rule::size_unit => E::SizeUnit,
        Rule::duration_unit => E::DurationUnit,
        _ => return None,
    })
}

fn punctuation(token: &str) -> Option<Expected> {
    const TOKENS: &[&str] = &["{", "}", "(", ")", "[", "]", ","];
    TOKENS
        .iter()
        .find(|candidate| **candidate == token)
        .map(|token| Expected::Punctuation(token))
}

/// Builds the diagnostic for a pest error in `file`.
pub(crate) fn describe(file: &SourceFile, error: &Error<Rule>) -> Diagnostic {
    let position = match error.location {
        InputLocation::Pos(position) => position,
        InputLocation::Span((start, _)) => start,
    };
    let mut expected: Vec<Expected> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => positives
            .iter()
            .filter_map(|rule| classify(*rule))
            .collect(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.extend(expected_from_attempts(file, error, expected.is_empty()).unwrap_or_default());
    expected.sort();
    expected.dedup();
    simplify(&mut expected);

    let text = file.text();
    let rest = &text[position.min(text.len())..];
    let (found, found_len) = found(rest);
    // A token cannot be both what was expected and what was found.
    expected.retain(|e| !matches!(e, Expected::Punctuation(token) if rest.starts_with(token)));
    let span = Span::new(to_u32(position), to_u32(position + found_len));
    let words: Vec<String> = expected.iter().map(|e| e.describe()).collect();
    let message = if words.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_words(&words, "or"))
    };
    let mut diagnostic = Diagnostic::new(Code::SyntaxError, file.id(), span, message);
    if found_len > 0 || rest.is_empty() {
        diagnostic = diagnostic.with_primary_message(match expected.as_slice() {
            [only] => format!("expected {} here", only.describe()),
            _ => "not expected here".to_owned(),
        });
    }
    if let Some(help) = help(rest, &expected) {
        diagnostic = diagnostic.with_help(help);
    }
    diagnostic
}

/// Reads pest's detailed attempts (collected when error detail is on): the punctuation that
/// was expected, which the rules tried do not show, and, when `with_rules`, the rules.
fn expected_from_attempts(
    file: &SourceFile,
    error: &Error<Rule>,
    with_rules: bool,
) -> Option<Vec<Expected>> {
    let attempts = match error.parse_attempts() {
        Some(attempts) => attempts,
        None => {
            // Parse again with detail, which costs time only when there is an error.
            pest::set_error_detail(true);
            let again = <FormParser as pest::Parser<Rule>>::parse(Rule::file, file.text());
            pest::set_error_detail(false);
            again.err()?.parse_attempts()?
        }
    };
    let mut expected = Vec::new();
    for stack in attempts.call_stacks().into_iter().filter(|_| with_rules) {
        // The deepest rule tried, or the rule around a literal token that was tried.
        let deepest = stack.deepest.get_rule().copied();
        match deepest.and_then(classify) {
            Some(found) => expected.push(found),
            None => {
                if let Some(found) = stack.parent.and_then(classify) {
                    expected.push(found);
                }
            }
        }
    }
    for token in attempts.expected_tokens() {
        if let Some(found) = punctuation(&token.to_string()) {
            expected.push(found);
        }
    }
    Some(expected)
}

/// Merges phrases that say the same thing at different depths.
fn simplify(expected: &mut Vec<Expected>) {
    let has = |expected: &[Expected], e: Expected| expected.contains(&e);
    // In a block, a question or an attribute is what people mean; sections, checks and the
    // rest are mentioned in the language reference.
    // `from` and `only` start attributes too (`from send.teams`, `only for la`).
    if has(expected, Expected::Attribute) {
        expected.retain(|e| !matches!(e, Expected::Keyword("from" | "only")));
    }
    if has(expected, Expected::Question) && has(expected, Expected::Attribute) {
        expected.retain(|e| {
            !matches!(
                e,
                Expected::Section
                    | Expected::Repeat
                    | Expected::Check
                    | Expected::Keyword("taxonomy" | "use")
            )
        });
    }
    // After a complete value, `(` would only continue a function's name.
    if has(expected, Expected::Operator) {
        expected.retain(|e| *e != Expected::Punctuation("("));
    }
    // A value can start with a name or a number; "a value" already says so.
    if has(expected, Expected::Value) {
        expected.retain(|e| {
            !matches!(
                e,
                Expected::Name
                    | Expected::Number
                    | Expected::Text
                    | Expected::Punctuation("(" | "[")
            )
        });
    }
}

/// What is at the error position, in words, and its length in bytes.
fn found(rest: &str) -> (String, usize) {
    let Some(first) = rest.chars().next() else {
        return ("the end of the file".into(), 0);
    };
    if first == '"' {
        let len = rest[1..]
            .find(['"', '\n'])
            .map_or(rest.len(), |end| end + 2);
        return ("quoted text".into(), len.min(rest.len()));
    }
    if first.is_alphanumeric() || first == '_' {
        let len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        return (format!("`{}`", &rest[..len]), len);
    }
    if first == '\n' || first == '\r' {
        return ("the end of the line".into(), 0);
    }
    (format!("`{first}`"), first.len_utf8())
}

fn help(rest: &str, expected: &[Expected]) -> Option<String> {
    let first = rest.chars().next()?;
    if matches!(first, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}') {
        return Some(
            "use straight quotes `\"`; curly quotes usually come from a word processor".into(),
        );
    }
    if first == ':' {
        return Some("attributes are written without a colon, such as `max_length 100`".into());
    }
    if rest.starts_with("&&") {
        return Some("write `and` to join conditions".into());
    }
    if rest.starts_with("||") {
        return Some("write `or` to join conditions".into());
    }
    if first == '!' {
        return Some("write `not` before a condition, or `!=` for \"is not\"".into());
    }
    if first == ','
        && expected
            .iter()
            .any(|e| matches!(e, Expected::Code | Expected::Choice))
    {
        return Some("choices are separated by spaces or new lines, not commas".into());
    }
    if first == ';' {
        return Some("statements need no `;` at the end: remove it".into());
    }
    let word_len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let word = &rest[..word_len];
    if word.is_empty() {
        return None;
    }
    let keyword_expected = expected.iter().any(|e| {
        matches!(
            e,
            Expected::Question | Expected::Attribute | Expected::Keyword(_) | Expected::Section
        )
    });
    if keyword_expected && let Some(suggestion) = did_you_mean(word, KEYWORDS.iter().copied()) {
        return Some(format!("did you mean `{suggestion}`?"));
    }
    if expected.contains(&Expected::Text) && !expected.contains(&Expected::Value) {
        return Some(format!("put the text in straight quotes: \"{word}\""));
    }
    None
}
