//! Words for people: a rule as a sentence, an answer as text.

use std::collections::HashMap;

use form_runtime::{
    Choices, Comparison, DurationUnit, Element, Expr, ExprKind, Form, Input, Question, Rule,
    selectable, wording,
};
use serde_json::{Number, Value};

/// A rule as the sentence shown with a conditional question or section: "Only if you answered
/// Yes to ‘Does the child have an EHC plan?’".
pub fn describe_rule(form: &Form, rule: &Rule) -> String {
    Describe::new(form).rule(rule)
}

/// Describes rules in the words of a form's questions (prepared once per page: it indexes the
/// form's elements by id).
pub(crate) struct Describe<'f> {
    form: &'f Form,
    elements: HashMap<&'f str, &'f Element>,
}

impl<'f> Describe<'f> {
    pub(crate) fn new(form: &'f Form) -> Describe<'f> {
        let mut elements = HashMap::new();
        form.walk(&mut |element, _, _| {
            elements.insert(element.id(), element);
        });
        Describe { form, elements }
    }

    /// "If …", introducing a conditional part of a paper form.
    pub(crate) fn if_clause(&self, rule: &Rule) -> String {
        format!("If {}", self.condition(&rule.expr))
    }

    /// "Only if …."
    pub(crate) fn rule(&self, rule: &Rule) -> String {
        format!("Only if {}.", self.condition(&rule.expr))
    }

    fn question(&self, id: &str) -> Option<&'f Question> {
        match self.elements.get(id) {
            Some(Element::Question(question)) => Some(question),
            _ => None,
        }
    }

    fn is_yes_no(&self, id: &str) -> bool {
        self.question(id)
            .is_some_and(|question| matches!(question.input, Input::YesNo | Input::Declaration))
    }

    fn is_file(&self, id: &str) -> bool {
        self.question(id)
            .is_some_and(|question| matches!(question.input, Input::File(_)))
    }

    fn title(&self, id: &str) -> String {
        let title = match self.elements.get(id) {
            Some(Element::Question(question)) => &question.label,
            Some(Element::Repeat(repeat)) => &repeat.title,
            Some(Element::Content(content)) => &content.title,
            None => id,
        };
        format!("‘{title}’")
    }

    /// A literal compared with the answer to `question`, in the question's own words.
    fn literal(&self, expr: &Expr, question: Option<&Question>) -> String {
        match &expr.kind {
            ExprKind::Bool { value } => if *value { "Yes" } else { "No" }.to_owned(),
            ExprKind::Number { value } => wording::number(*value),
            ExprKind::Text { value } => format!("“{value}”"),
            ExprKind::Code { value } => question
                .and_then(|question| code_label(self.form, question, value))
                .map_or_else(|| value.clone(), |label| format!("‘{label}’")),
            ExprKind::Date { value } => value.clone(),
            _ => self.value(expr),
        }
    }

    fn value(&self, expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::Answer { question } => format!("the answer to {}", self.title(question)),
            ExprKind::Today => "today".to_owned(),
            ExprKind::Age { birth, on } => match on {
                None => format!("the age worked out from {}", self.date(birth)),
                Some(on) => format!(
                    "the age worked out from {} on {}",
                    self.date(birth),
                    self.date(on)
                ),
            },
            ExprKind::Count { block, filter } => match filter {
                None => format!("the number of entries in {}", self.title(block)),
                Some(_) => format!("the number of matching entries in {}", self.title(block)),
            },
            ExprKind::Duration { amount, unit } => {
                let unit = match unit {
                    DurationUnit::Days => "day",
                    DurationUnit::Weeks => "week",
                    DurationUnit::Months => "month",
                    DurationUnit::Years => "year",
                };
                format!("{amount} {unit}{}", if *amount == 1 { "" } else { "s" })
            }
            ExprKind::Arithmetic {
                operator,
                left,
                right,
            } => {
                format!(
                    "{} {} {}",
                    self.value(left),
                    operator.symbol(),
                    self.value(right)
                )
            }
            ExprKind::Negate { operand } => format!("minus {}", self.value(operand)),
            _ => self.literal(expr, None),
        }
    }

    /// A date in a rule: a question's title (‘Date of birth’) rather than "the answer to"
    /// it.
    fn date(&self, expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::Answer { question } => self.title(question),
            _ => self.value(expr),
        }
    }

    fn condition(&self, expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::And { operands } => self.joined(operands, " and "),
            ExprKind::Or { operands } => self.joined(operands, " or "),
            ExprKind::Not { operand } => match &operand.kind {
                ExprKind::Answered { question } if self.is_file(question) => {
                    format!("you did not attach a document for {}", self.title(question))
                }
                ExprKind::Answered { question } => {
                    format!("you did not answer {}", self.title(question))
                }
                ExprKind::Answer { question } if self.is_yes_no(question) => {
                    format!("you answered No to {}", self.title(question))
                }
                _ => format!("this is not so: {}", self.condition(operand)),
            },
            ExprKind::Answered { question } if self.is_file(question) => {
                format!("you attached a document for {}", self.title(question))
            }
            ExprKind::Answered { question } => {
                format!("you gave an answer to {}", self.title(question))
            }
            // A yes/no question on its own: "you answered Yes to ‘…’".
            ExprKind::Answer { question } if self.is_yes_no(question) => {
                format!("you answered Yes to {}", self.title(question))
            }
            ExprKind::Bool { value } => if *value { "always" } else { "never" }.to_owned(),
            ExprKind::Compare {
                cmp, left, right, ..
            } => {
                if let ExprKind::Answer { question } = &left.kind {
                    let asked = self.question(question);
                    let literal = self.literal(right, asked);
                    return match cmp {
                        Comparison::Eq => {
                            format!("you answered {literal} to {}", self.title(question))
                        }
                        Comparison::Ne => {
                            format!("you did not answer {literal} to {}", self.title(question))
                        }
                        other => format!(
                            "the answer to {} is {} {literal}",
                            self.title(question),
                            comparison(*other)
                        ),
                    };
                }
                format!(
                    "{} is {} {}",
                    self.value(left),
                    comparison(*cmp),
                    self.value(right)
                )
            }
            ExprKind::In {
                value,
                list,
                negated,
            } => {
                let asked = match &value.kind {
                    ExprKind::Answer { question } => self.question(question),
                    _ => None,
                };
                let items: Vec<String> =
                    list.iter().map(|item| self.literal(item, asked)).collect();
                let subject = match &value.kind {
                    ExprKind::Answer { question } => self.title(question),
                    _ => self.value(value),
                };
                format!(
                    "you {}answered {} to {subject}",
                    if *negated { "did not " } else { "" },
                    either(&items)
                )
            }
            ExprKind::Includes {
                choices,
                code,
                negated,
            } => {
                let asked = match &choices.kind {
                    ExprKind::Answer { question } => Some(question.as_str()),
                    _ => None,
                };
                let literal = self.literal(code, asked.and_then(|id| self.question(id)));
                format!(
                    "you {}selected {literal} in {}",
                    if *negated { "did not " } else { "" },
                    asked.map_or_else(|| self.value(choices), |id| self.title(id))
                )
            }
            ExprKind::Any { block, condition } => format!(
                "any entry in {} has {}",
                self.title(block),
                self.condition(condition).replacen("you ", "", 1)
            ),
            ExprKind::All { block, condition } => format!(
                "every entry in {} has {}",
                self.title(block),
                self.condition(condition).replacen("you ", "", 1)
            ),
            _ => self.value(expr),
        }
    }

    fn joined(&self, operands: &[Expr], separator: &str) -> String {
        operands
            .iter()
            .map(|operand| match &operand.kind {
                ExprKind::And { .. } | ExprKind::Or { .. } => {
                    format!("({})", self.condition(operand))
                }
                _ => self.condition(operand),
            })
            .collect::<Vec<_>>()
            .join(separator)
    }
}

/// Alternatives as a sentence gives them: "‘A’", "‘A’ or ‘B’", "‘A’, ‘B’ or ‘C’".
fn either(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

fn comparison(cmp: Comparison) -> &'static str {
    match cmp {
        Comparison::Eq => "equal to",
        Comparison::Ne => "not equal to",
        Comparison::Lt => "less than",
        Comparison::Le => "at most",
        Comparison::Gt => "more than",
        Comparison::Ge => "at least",
    }
}

/// The label of `code` among a question's choices.
fn code_label<'f>(form: &'f Form, question: &'f Question, code: &str) -> Option<&'f str> {
    let choices = match &question.input {
        Input::Choice(choice) => &choice.choices,
        Input::MultiChoice(multi) => {
            if let Some(none) = &multi.exclusive
                && none.code == code
            {
                return Some(&none.label);
            }
            &multi.choices
        }
        _ => return None,
    };
    let list = match choices {
        Choices::Inline(choices) => choices.as_slice(),
        Choices::Taxonomy(name) => form.taxonomies.get(name)?.choices.as_slice(),
    };
    selectable(list)
        .find(|choice| choice.code == code)
        .map(|choice| choice.label.as_str())
}

/// "1 question to answer", "3 questions to answer".
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// An answer as text for a summary: labels not codes, dates as 27 March 2012.
/// An NHS number as the NHS writes it, in groups of 3, 3 and 4 digits ("943 476 5919"),
/// however it was typed; other text as it is.
fn nhs_number(text: &str) -> String {
    let digits: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("{} {} {}", &digits[..3], &digits[3..6], &digits[6..])
    } else {
        text.to_owned()
    }
}

pub(crate) fn answer_text(form: &Form, question: &Question, answer: &Value) -> String {
    match (&question.input, answer) {
        (Input::YesNo, Value::Bool(value)) => if *value { "Yes" } else { "No" }.to_owned(),
        (Input::Declaration, Value::Bool(true)) => "Confirmed".to_owned(),
        (Input::Declaration, Value::Bool(false)) => "Not confirmed".to_owned(),
        (Input::Choice(_), Value::String(code)) => {
            code_label(form, question, code).unwrap_or(code).to_owned()
        }
        (Input::MultiChoice(_), Value::Array(codes)) => codes
            .iter()
            .filter_map(Value::as_str)
            .map(|code| code_label(form, question, code).unwrap_or(code))
            .collect::<Vec<_>>()
            .join(", "),
        (Input::Date(_), Value::String(text)) => uk_date(text).unwrap_or_else(|| text.clone()),
        (Input::NhsNumber(_), Value::String(text)) => nhs_number(text),
        (Input::File(_), Value::Array(files)) => files
            .iter()
            .filter_map(|file| file.get("name").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(", "),
        (Input::File(_), file @ Value::Object(_)) => file
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        (Input::Integer(input) | Input::Decimal(input), Value::Number(number)) => {
            let prefix = input.prefix.as_deref().unwrap_or_default();
            let mut text = prefix.to_owned();
            text.push_str(&number_text(
                number,
                ["£", "$", "€"].contains(&prefix.trim()),
            ));
            if let Some(suffix) = &input.suffix {
                // "91.5%", but "3 hours a week".
                if !suffix.starts_with('%') {
                    text.push(' ');
                }
                text.push_str(suffix);
            }
            text
        }
        (Input::PersonLookup, person @ Value::Object(_)) => person
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| person.to_string(), str::to_owned),
        (_, Value::String(text)) => text.clone(),
        (_, Value::Number(number)) => number.to_string(),
        (_, other) => other.to_string(),
    }
}

/// A number as people read it: digits in groups of three from 10,000 (from 1,000 for `money`,
/// with pence as two digits: 1,455.10), never an exponent, and 0 rather than -0.
fn number_text(number: &Number, money: bool) -> String {
    let text = match (number.as_i64(), number.as_u64(), number.as_f64()) {
        (Some(whole), _, _) => whole.to_string(),
        (None, Some(whole), _) => whole.to_string(),
        (None, None, Some(value)) if money && value.fract() != 0.0 => format!("{value:.2}"),
        // Also -0.0.
        (None, None, Some(0.0)) => "0".to_owned(),
        // Display writes every digit of an f64, never an exponent.
        (None, None, Some(value)) => value.to_string(),
        (None, None, None) => number.to_string(),
    };
    wording::grouped(&text, if money { 4 } else { 5 })
}

/// `2012-03-27` as 27 March 2012.
pub(crate) fn uk_date(text: &str) -> Option<String> {
    wording::parse_date(text).map(wording::date)
}

#[cfg(test)]
mod tests {
    use serde_json::Number;

    use super::number_text;

    fn text(json: &str, money: bool) -> String {
        number_text(&serde_json::from_str::<Number>(json).unwrap(), money)
    }

    /// Numbers read as people write them: groups of three, pence as two digits, no exponent.
    #[test]
    fn numbers_are_written_as_people_write_them() {
        for (json, money, expected) in [
            ("1455", true, "1,455"),
            ("1455.1", true, "1,455.10"),
            ("16.5", true, "16.50"),
            ("18", true, "18"),
            ("1234567.891", true, "1,234,567.89"),
            ("1455", false, "1455"),
            ("10000", false, "10,000"),
            ("-250000", false, "-250,000"),
            ("91.5", false, "91.5"),
            ("1e2", false, "100"),
            ("-0", false, "0"),
            ("-0.0", true, "0"),
            ("1e-7", false, "0.0000001"),
            ("18446744073709551616", false, "18,446,744,073,709,552,000"),
        ] {
            assert_eq!(text(json, money), expected, "{json}");
        }
    }
}
