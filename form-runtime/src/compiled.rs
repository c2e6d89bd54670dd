//! A form compiled for validation: every question, block and section numbered, rules with
//! names resolved to those numbers, patterns and code lists ready. Built once per form, used
//! for any number of submissions.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;

use crate::formats::FileType;
use crate::messages::{self, Wording};
use crate::pattern::Pattern;
use crate::table::{Key, Table};
use crate::{
    Access, Arithmetic, Audience, Check, Choices, Comparison, DateBoundKind, DurationUnit, Element,
    Expr, ExprKind, Form, Input, Limit, Rule, selectable,
};

/// Why a form cannot be prepared for validation. Forms from the compiler never fail; a
/// `form.json` written by hand or by another tool may.
#[derive(Debug, thiserror::Error)]
pub enum CompileError {
    /// A rule or check names an id that is not in the form.
    #[error("a rule names `{0}`, which is not a question or block of the form")]
    UnknownId(String),
    /// A choice question names a taxonomy that the form does not hold.
    #[error(
        "question `{question}` chooses from taxonomy `{taxonomy}`, which the form does not hold"
    )]
    UnknownTaxonomy {
        /// The question.
        question: String,
        /// The taxonomy it names.
        taxonomy: String,
    },
    /// A pattern is not a valid regular expression.
    #[error("question `{question}` has a pattern that does not compile: {reason}")]
    Pattern {
        /// The question.
        question: String,
        /// The regex crate's explanation.
        reason: String,
    },
    /// A date literal in a rule is not a real date.
    #[error("a rule holds `{0}`, which is not a real date")]
    Date(String),
}

/// A compiled rule expression: names are node numbers. (An explicit tag, as for `QKind`.)
#[derive(Debug, Clone)]
#[repr(u8)]
pub(crate) enum CExpr {
    Bool(bool),
    Num(f64),
    Str(String),
    Date(Date),
    Today,
    Duration(i64, DurationUnit),
    Answer(usize),
    Answered(usize),
    Not(Box<CExpr>),
    And(Vec<CExpr>),
    Or(Vec<CExpr>),
    Compare(Comparison, Box<CExpr>, Box<CExpr>, Option<usize>),
    In(Box<CExpr>, Vec<CExpr>, bool),
    Includes(Box<CExpr>, Box<CExpr>, bool),
    Arith(Arithmetic, Box<CExpr>, Box<CExpr>),
    Neg(Box<CExpr>),
    Count(usize, Option<Box<CExpr>>),
    Any(usize, Box<CExpr>),
    All(usize, Box<CExpr>),
    Age(Box<CExpr>, Option<Box<CExpr>>),
    /// One of the rules most forms are made of: the answer to a node tested against a
    /// constant, without evaluating either as an expression.
    Simple(usize, Simple),
}

/// What a [`CExpr::Simple`] rule tests an answer for.
#[derive(Debug, Clone)]
pub(crate) enum Simple {
    /// A choice's answer is (true) or is not (false) the code.
    CodeIs(Box<str>, bool),
    /// A multiple choice's answer includes (false) or does not include (true) the code.
    Includes(Box<str>, bool),
    /// A number's answer compares so with the number.
    Number(Comparison, f64),
}

/// How an answer is read in rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnswerKind {
    Bool,
    Declaration,
    Number,
    Text,
    Date,
    Code,
    Codes,
    Other,
}

/// A formatted text type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Email,
    Phone,
    Postcode,
    NhsNumber,
    Upn,
}

#[derive(Debug, Clone)]
pub(crate) struct CBound {
    pub(crate) kind: DateBoundKind,
    pub(crate) date: CExpr,
    /// Whether the bound is `today` itself, for "in the past" wording.
    pub(crate) today: bool,
    pub(crate) message: Option<String>,
}

// An explicit tag: without one, the variants' fields give the enum a niche layout, whose tag
// takes several instructions to decode on every answer checked.
#[derive(Debug)]
#[repr(u8)]
pub(crate) enum QKind {
    Text {
        long: bool,
        min_length: Option<Limit<u32>>,
        max_length: Option<Limit<u32>>,
        max_words: Option<Limit<u32>>,
        pattern: Option<(Pattern, Option<String>)>,
    },
    Formatted(Format, Pattern),
    Number {
        integer: bool,
        min: Option<Limit<f64>>,
        max: Option<Limit<f64>>,
        decimals: Option<Limit<u32>>,
    },
    Date(Vec<CBound>),
    YesNo,
    Declaration,
    Choice {
        codes: usize,
    },
    Multi {
        codes: usize,
        min_selected: Option<Limit<u32>>,
        max_selected: Option<Limit<u32>>,
        exclusive: Option<(String, String)>,
    },
    File {
        accept: Vec<FileType>,
        accept_words: String,
        max_size: Option<Limit<u64>>,
        min_files: Option<Limit<u32>>,
        max_files: Limit<u32>,
    },
    Person,
}

#[derive(Debug)]
#[repr(u8)]
pub(crate) enum NodeKind {
    Question(QKind),
    Repeat {
        level: usize,
        item: String,
        min: Option<Limit<u32>>,
        max: Option<Limit<u32>>,
    },
    Content,
}

#[derive(Debug, Clone)]
#[repr(u8)]
pub(crate) enum Requirement {
    Optional,
    Always,
    When(CExpr),
}

/// A question, block or piece of content.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) id: String,
    /// The label, trimmed, and the words of its messages.
    pub(crate) wording: Wording,
    pub(crate) depth: usize,
    /// The level whose answers hold it.
    pub(crate) level: usize,
    /// Its place among the answers of its level (none for content).
    pub(crate) slot: Option<usize>,
    pub(crate) section: usize,
    /// The repeating block it is in, if any.
    pub(crate) block: Option<usize>,
    pub(crate) visible: Option<CExpr>,
    pub(crate) required: Requirement,
    /// The message when a question is required and not answered: the designer's, or the
    /// standard one for its kind. Empty for other elements.
    pub(crate) missing: Box<str>,
    pub(crate) answer_kind: AnswerKind,
    /// Effective access, combined with the section's and the blocks' around it: indexed by
    /// audience (citizen, professional, la).
    pub(crate) seen_by: [bool; 3],
    pub(crate) writable_by: [bool; 3],
    pub(crate) kind: NodeKind,
}

/// The answers object of the root, or of one entry of a block.
#[derive(Debug, Default)]
pub(crate) struct Level {
    /// Answer keys and their nodes and slots.
    pub(crate) lookup: Table<(usize, usize)>,
    /// The key of each slot. Answers mostly come in the form's order, so the key after the
    /// last one found is tried before the table.
    pub(crate) keys: Vec<Key>,
    pub(crate) slots: usize,
    pub(crate) depth: usize,
    /// The elements of a block entry, in document order (the root's are in `sections`).
    pub(crate) elements: Vec<usize>,
    /// The steps of validating them ([`Step`]).
    pub(crate) steps: Vec<Step>,
    pub(crate) checks: Vec<CCheck>,
}

impl Level {
    /// The slot of the answer whose key's bytes are `key`, the key expected being the one of
    /// slot `next`.
    #[inline(always)]
    pub(crate) fn slot_of(&self, key: &[u8], next: usize) -> Option<usize> {
        // The key expected, or the one after it (the question between unanswered).
        if self.is_key(next, key) {
            Some(next)
        } else if self.is_key(next + 1, key) {
            Some(next + 1)
        } else {
            self.lookup.get_bytes(key).map(|&(_, slot)| slot)
        }
    }

    /// Whether `key` is the key of slot `slot`.
    #[inline(always)]
    fn is_key(&self, slot: usize, key: &[u8]) -> bool {
        match self.keys.get(slot) {
            Some(known) => known.is(key),
            None => false,
        }
    }
}

#[derive(Debug)]
pub(crate) struct CCheck {
    pub(crate) id: Option<String>,
    pub(crate) message: String,
    pub(crate) when: Option<CExpr>,
    pub(crate) require: CExpr,
    /// The node the error is shown on (at the check's own level or above).
    pub(crate) target: Option<usize>,
    /// The questions and blocks the check reads: in draft mode, a check runs only once all
    /// of them are answered.
    pub(crate) reads: Vec<usize>,
}

#[derive(Debug)]
pub(crate) struct CSection {
    pub(crate) id: String,
    pub(crate) seen_by: [bool; 3],
    pub(crate) writable_by: [bool; 3],
    pub(crate) visible: Option<CExpr>,
    pub(crate) elements: Vec<usize>,
    /// The steps of validating its elements ([`Step`]).
    pub(crate) steps: Vec<Step>,
    pub(crate) checks: Vec<CCheck>,
}

/// What validation reads first of an element that takes an answer, packed, one after another
/// for a section or a block entry: an unanswered question that is never required is passed
/// over without reading its node.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    pub(crate) node: u32,
    /// Its slot among the answers of its level.
    pub(crate) slot: u32,
    /// A question that is never required: unanswered, it has nothing to check.
    pub(crate) optional: bool,
    /// It has a rule of its own (else it is shown with its section or block).
    pub(crate) rule: bool,
}

/// The steps of `elements` (content, which takes no answer, has none).
fn steps(nodes: &[Node], elements: &[usize]) -> Vec<Step> {
    elements
        .iter()
        .filter_map(|&index| {
            let node = nodes.get(index)?;
            Some(Step {
                node: u32::try_from(index).ok()?,
                slot: u32::try_from(node.slot?).ok()?,
                optional: matches!(node.required, Requirement::Optional)
                    && matches!(node.kind, NodeKind::Question(_)),
                rule: node.visible.is_some(),
            })
        })
        .collect()
}

/// A form prepared for validating any number of submissions.
///
/// ```
/// # let form = form_runtime::Form::from_json(r#"{"format_version":1,"source_hash":"","id":"f",
/// #   "title":"F","version":"1","audiences":["citizen"],"sections":[]}"#).unwrap();
/// let validator = form_runtime::Validator::new(&form)?;
/// let options = form_runtime::ValidateOptions::new(jiff::civil::date(2026, 11, 22));
/// assert!(validator.is_valid(&serde_json::json!({}), &options));
/// # Ok::<(), form_runtime::CompileError>(())
/// ```
#[derive(Debug)]
pub struct Validator {
    pub(crate) form: Form,
    pub(crate) nodes: Vec<Node>,
    pub(crate) levels: Vec<Level>,
    pub(crate) sections: Vec<CSection>,
    pub(crate) form_checks: Vec<CCheck>,
    /// Selectable codes of each choice list.
    pub(crate) code_lists: Vec<Table<()>>,
    /// For ordered taxonomies: each code's position.
    pub(crate) orders: Vec<HashMap<String, usize>>,
}

pub(crate) fn audience_index(audience: Audience) -> usize {
    match audience {
        Audience::Citizen => 0,
        Audience::Professional => 1,
        Audience::La => 2,
    }
}

struct Builder<'f> {
    form: &'f Form,
    ids: BTreeMap<&'f str, usize>,
    nodes: Vec<Node>,
    /// The element each node was declared from.
    elements: Vec<&'f Element>,
    levels: Vec<Level>,
    /// Answer keys and their nodes and slots, per level, until the lookup tables are built.
    keys: Vec<Vec<(String, (usize, usize))>>,
    code_lists: Vec<Vec<String>>,
    code_list_by_taxonomy: BTreeMap<String, usize>,
    orders: Vec<HashMap<String, usize>>,
    order_by_taxonomy: BTreeMap<String, usize>,
}

impl Validator {
    /// Prepares a form for validation.
    pub fn new(form: &Form) -> Result<Validator, CompileError> {
        let mut builder = Builder {
            form,
            ids: BTreeMap::new(),
            nodes: Vec::new(),
            elements: Vec::new(),
            levels: vec![Level::default()],
            keys: vec![Vec::new()],
            code_lists: Vec::new(),
            code_list_by_taxonomy: BTreeMap::new(),
            orders: Vec::new(),
            order_by_taxonomy: BTreeMap::new(),
        };
        // Audiences the form is not published to see none of it (staff see everything).
        let published: [bool; 3] = Audience::ALL
            .map(|audience| audience == Audience::La || form.audiences.contains(&audience));
        let section_access =
            |section: &crate::Section| combine([published, published], &section.access);
        // Pass 1: number every element, so that rules can name any of them.
        let mut section_elements = Vec::new();
        for (section_index, section) in form.sections.iter().enumerate() {
            let access = section_access(section);
            let elements = builder.declare(&section.elements, 0, section_index, None, access)?;
            section_elements.push(elements);
        }
        // Pass 2: compile rules, constraints and checks.
        for index in 0..builder.nodes.len() {
            builder.compile_node(index)?;
        }
        let mut sections = Vec::new();
        for (section, elements) in form.sections.iter().zip(section_elements) {
            let [seen_by, writable_by] = section_access(section);
            sections.push(CSection {
                id: section.id.clone(),
                seen_by,
                writable_by,
                visible: builder.rule(section.visible_when.as_ref())?,
                steps: steps(&builder.nodes, &elements),
                elements,
                checks: builder.checks(&section.checks)?,
            });
        }
        let form_checks = builder.checks(&form.checks)?;
        for (level, keys) in builder.levels.iter_mut().zip(builder.keys) {
            level.keys = keys.iter().map(|(key, _)| Key::new(key)).collect();
            level.lookup = Table::new(keys);
            level.steps = steps(&builder.nodes, &level.elements);
        }
        Ok(Validator {
            form: form.clone(),
            nodes: builder.nodes,
            levels: builder.levels,
            sections,
            form_checks,
            code_lists: builder
                .code_lists
                .into_iter()
                .map(|codes| Table::new(codes.into_iter().map(|code| (code, ()))))
                .collect(),
            orders: builder.orders,
        })
    }

    /// The form this validator checks answers against.
    pub fn form(&self) -> &Form {
        &self.form
    }
}

fn access_seen(access: &Access) -> [bool; 3] {
    Audience::ALL.map(|audience| audience == Audience::La || access.is_seen_by(audience))
}

fn access_writable(access: &Access) -> [bool; 3] {
    let seen = access_seen(access);
    let mut writable = [false; 3];
    for (index, audience) in Audience::ALL.into_iter().enumerate() {
        writable[index] = seen[index] && !access.locked_for.contains(&audience);
    }
    writable
}

fn combine(outer: [[bool; 3]; 2], inner: &Access) -> [[bool; 3]; 2] {
    let seen = access_seen(inner);
    let writable = access_writable(inner);
    [
        std::array::from_fn(|i| outer[0][i] && seen[i]),
        std::array::from_fn(|i| outer[1][i] && writable[i]),
    ]
}

impl<'f> Builder<'f> {
    fn declare(
        &mut self,
        elements: &'f [Element],
        level: usize,
        section: usize,
        block: Option<usize>,
        access: [[bool; 3]; 2],
    ) -> Result<Vec<usize>, CompileError> {
        let mut indices = Vec::new();
        for element in elements {
            let index = self.nodes.len();
            let access = combine(access, element.access());
            let slot = match element {
                Element::Content(_) => None,
                _ => {
                    let slot = self.levels[level].slots;
                    self.levels[level].slots += 1;
                    self.keys[level].push((element.id().to_owned(), (index, slot)));
                    Some(slot)
                }
            };
            let (label, answer_kind, kind) = match element {
                Element::Question(question) => (
                    question.label.as_str(),
                    answer_kind(&question.input),
                    NodeKind::Content,
                ),
                Element::Repeat(repeat) => {
                    (repeat.title.as_str(), AnswerKind::Other, NodeKind::Content)
                }
                Element::Content(content) => {
                    (content.title.as_str(), AnswerKind::Other, NodeKind::Content)
                }
            };
            self.ids.insert(element.id(), index);
            self.elements.push(element);
            self.nodes.push(Node {
                id: element.id().to_owned(),
                wording: Wording::new(label.trim()),
                depth: self.levels[level].depth,
                level,
                slot,
                section,
                block,
                visible: None,
                required: Requirement::Optional,
                missing: Box::default(),
                answer_kind,
                seen_by: access[0],
                writable_by: access[1],
                kind,
            });
            indices.push(index);
            if let Element::Repeat(repeat) = element {
                let inner = self.levels.len();
                self.levels.push(Level {
                    depth: self.levels[level].depth + 1,
                    ..Level::default()
                });
                self.keys.push(Vec::new());
                let elements =
                    self.declare(&repeat.elements, inner, section, Some(index), access)?;
                self.levels[inner].elements = elements;
                self.nodes[index].kind = NodeKind::Repeat {
                    level: inner,
                    item: repeat.item_label.clone(),
                    min: repeat.min.clone(),
                    max: repeat.max.clone(),
                };
            }
        }
        Ok(indices)
    }

    fn compile_node(&mut self, index: usize) -> Result<(), CompileError> {
        let element = self.elements[index];
        let visible = self.rule(element.visible_when())?;
        self.nodes[index].visible = visible;
        match element {
            Element::Question(question) => {
                let (required, message) = match &question.required {
                    None => (Requirement::Optional, None),
                    Some(required) => match &required.when {
                        None => (Requirement::Always, required.message.clone()),
                        Some(when) => (
                            Requirement::When(self.expr(&when.expr)?),
                            required.message.clone(),
                        ),
                    },
                };
                let kind = self.question(question)?;
                let node = &mut self.nodes[index];
                node.required = required;
                node.missing = match message {
                    Some(message) => message.into(),
                    None => messages::missing(&node.wording, &kind).into(),
                };
                node.kind = NodeKind::Question(kind);
            }
            Element::Repeat(repeat) => {
                let checks = self.checks(&repeat.checks)?;
                if let NodeKind::Repeat { level, .. } = self.nodes[index].kind {
                    self.levels[level].checks = checks;
                }
            }
            Element::Content(_) => {}
        }
        Ok(())
    }

    fn code_list(&mut self, question: &str, choices: &Choices) -> Result<usize, CompileError> {
        let key = match choices {
            Choices::Taxonomy(name) => Some(name.clone()),
            Choices::Inline(_) => None,
        };
        if let Some(key) = &key
            && let Some(&list) = self.code_list_by_taxonomy.get(key)
        {
            return Ok(list);
        }
        let list = match choices {
            Choices::Inline(choices) => selectable(choices).map(|c| c.code.clone()).collect(),
            Choices::Taxonomy(name) => match self.form.taxonomies.get(name) {
                Some(taxonomy) => taxonomy.selectable().map(|c| c.code.clone()).collect(),
                None => {
                    return Err(CompileError::UnknownTaxonomy {
                        question: question.to_owned(),
                        taxonomy: name.clone(),
                    });
                }
            },
        };
        self.code_lists.push(list);
        let index = self.code_lists.len() - 1;
        if let Some(key) = key {
            self.code_list_by_taxonomy.insert(key, index);
        }
        Ok(index)
    }

    fn question(&mut self, question: &'f crate::Question) -> Result<QKind, CompileError> {
        let pattern = |regex: &str| {
            Pattern::whole(regex).map_err(|error| CompileError::Pattern {
                question: question.id.clone(),
                reason: error.to_string(),
            })
        };
        Ok(match &question.input {
            Input::Text(text) | Input::LongText(text) => QKind::Text {
                long: matches!(question.input, Input::LongText(_)),
                min_length: text.min_length.clone(),
                max_length: text.max_length.clone(),
                max_words: text.max_words.clone(),
                pattern: match &text.pattern {
                    Some(p) => Some((pattern(&p.regex)?, p.message.clone())),
                    None => None,
                },
            },
            Input::Email(_) => {
                QKind::Formatted(Format::Email, pattern(crate::formats::EMAIL_PATTERN)?)
            }
            Input::Phone(_) => {
                QKind::Formatted(Format::Phone, pattern(crate::formats::PHONE_PATTERN)?)
            }
            Input::Postcode(_) => {
                QKind::Formatted(Format::Postcode, pattern(crate::formats::POSTCODE_PATTERN)?)
            }
            Input::NhsNumber(_) => QKind::Formatted(
                Format::NhsNumber,
                pattern(crate::formats::NHS_NUMBER_PATTERN)?,
            ),
            Input::Upn(_) => QKind::Formatted(Format::Upn, pattern(crate::formats::UPN_PATTERN)?),
            Input::Integer(number) | Input::Decimal(number) => QKind::Number {
                integer: matches!(question.input, Input::Integer(_)),
                min: number.min.clone(),
                max: number.max.clone(),
                decimals: number.decimals.clone(),
            },
            Input::Date(date) => {
                let mut bounds = Vec::new();
                for bound in &date.bounds {
                    bounds.push(CBound {
                        kind: bound.kind,
                        date: self.expr(&bound.date.expr)?,
                        today: matches!(bound.date.expr.kind, ExprKind::Today),
                        message: bound.message.clone(),
                    });
                }
                QKind::Date(bounds)
            }
            Input::YesNo => QKind::YesNo,
            Input::Declaration => QKind::Declaration,
            Input::Choice(choice) => QKind::Choice {
                codes: self.code_list(&question.id, &choice.choices)?,
            },
            Input::MultiChoice(multi) => QKind::Multi {
                codes: self.code_list(&question.id, &multi.choices)?,
                min_selected: multi.min_selected.clone(),
                max_selected: multi.max_selected.clone(),
                exclusive: multi
                    .exclusive
                    .as_ref()
                    .map(|c| (c.code.clone(), c.label.clone())),
            },
            Input::File(file) => QKind::File {
                accept: file.accept.iter().map(|a| FileType::parse(a)).collect(),
                accept_words: crate::messages::file_types(&file.accept),
                max_size: file.max_size_bytes.clone(),
                min_files: file.min_files.clone(),
                max_files: file.max_files.clone(),
            },
            Input::PersonLookup => QKind::Person,
        })
    }

    fn checks(&mut self, checks: &'f [Check]) -> Result<Vec<CCheck>, CompileError> {
        let mut compiled = Vec::new();
        for check in checks {
            compiled.push(CCheck {
                id: check.id.clone(),
                message: check.message.clone(),
                when: self.rule(check.when.as_ref())?,
                require: self.expr(&check.require.expr)?,
                target: match &check.target {
                    Some(target) => Some(self.id(target)?),
                    None => None,
                },
                reads: check
                    .require
                    .expr
                    .references()
                    .into_iter()
                    .map(|id| self.id(id))
                    .collect::<Result<_, _>>()?,
            });
        }
        Ok(compiled)
    }

    fn rule(&mut self, rule: Option<&Rule>) -> Result<Option<CExpr>, CompileError> {
        rule.map(|rule| self.expr(&rule.expr)).transpose()
    }

    fn id(&self, id: &str) -> Result<usize, CompileError> {
        self.ids
            .get(id)
            .copied()
            .ok_or_else(|| CompileError::UnknownId(id.to_owned()))
    }

    fn order(&mut self, taxonomy: &str) -> usize {
        if let Some(&index) = self.order_by_taxonomy.get(taxonomy) {
            return index;
        }
        let positions = self
            .form
            .taxonomies
            .get(taxonomy)
            .map(|t| {
                t.selectable()
                    .enumerate()
                    .map(|(i, c)| (c.code.clone(), i))
                    .collect()
            })
            .unwrap_or_default();
        self.orders.push(positions);
        self.order_by_taxonomy
            .insert(taxonomy.to_owned(), self.orders.len() - 1);
        self.orders.len() - 1
    }

    fn expr(&mut self, expr: &Expr) -> Result<CExpr, CompileError> {
        let boxed = |this: &mut Self, e: &Expr| this.expr(e).map(Box::new);
        Ok(match &expr.kind {
            ExprKind::Bool { value } => CExpr::Bool(*value),
            ExprKind::Number { value } => CExpr::Num(*value),
            ExprKind::Text { value } | ExprKind::Code { value } => CExpr::Str(value.clone()),
            ExprKind::Date { value } => CExpr::Date(
                value
                    .parse()
                    .map_err(|_| CompileError::Date(value.clone()))?,
            ),
            ExprKind::Today => CExpr::Today,
            ExprKind::Duration { amount, unit } => CExpr::Duration(*amount, *unit),
            ExprKind::Answer { question } => CExpr::Answer(self.id(question)?),
            ExprKind::Answered { question } => CExpr::Answered(self.id(question)?),
            ExprKind::Not { operand } => CExpr::Not(boxed(self, operand)?),
            ExprKind::Negate { operand } => CExpr::Neg(boxed(self, operand)?),
            ExprKind::And { operands } => CExpr::And(
                operands
                    .iter()
                    .map(|o| self.expr(o))
                    .collect::<Result<_, _>>()?,
            ),
            ExprKind::Or { operands } => CExpr::Or(
                operands
                    .iter()
                    .map(|o| self.expr(o))
                    .collect::<Result<_, _>>()?,
            ),
            ExprKind::Compare {
                cmp,
                left,
                right,
                order,
            } => {
                let order = order.as_deref().map(|taxonomy| self.order(taxonomy));
                let (left, right) = (boxed(self, left)?, boxed(self, right)?);
                match (&*left, &*right, order) {
                    (CExpr::Answer(node), CExpr::Str(code), None)
                        if self.nodes[*node].answer_kind == AnswerKind::Code
                            && matches!(cmp, Comparison::Eq | Comparison::Ne) =>
                    {
                        let equal = *cmp == Comparison::Eq;
                        CExpr::Simple(*node, Simple::CodeIs(code.as_str().into(), equal))
                    }
                    (CExpr::Answer(node), CExpr::Num(number), _)
                        if self.nodes[*node].answer_kind == AnswerKind::Number =>
                    {
                        CExpr::Simple(*node, Simple::Number(*cmp, *number))
                    }
                    _ => CExpr::Compare(*cmp, left, right, order),
                }
            }
            ExprKind::In {
                value,
                list,
                negated,
            } => CExpr::In(
                boxed(self, value)?,
                list.iter()
                    .map(|item| self.expr(item))
                    .collect::<Result<_, _>>()?,
                *negated,
            ),
            ExprKind::Includes {
                choices,
                code,
                negated,
            } => {
                let (choices, code) = (boxed(self, choices)?, boxed(self, code)?);
                match (&*choices, &*code) {
                    (CExpr::Answer(node), CExpr::Str(code))
                        if self.nodes[*node].answer_kind == AnswerKind::Codes =>
                    {
                        CExpr::Simple(*node, Simple::Includes(code.as_str().into(), *negated))
                    }
                    _ => CExpr::Includes(choices, code, *negated),
                }
            }
            ExprKind::Arithmetic {
                operator,
                left,
                right,
            } => CExpr::Arith(*operator, boxed(self, left)?, boxed(self, right)?),
            ExprKind::Count { block, filter } => CExpr::Count(
                self.id(block)?,
                match filter {
                    Some(filter) => Some(boxed(self, filter)?),
                    None => None,
                },
            ),
            ExprKind::Any { block, condition } => {
                CExpr::Any(self.id(block)?, boxed(self, condition)?)
            }
            ExprKind::All { block, condition } => {
                CExpr::All(self.id(block)?, boxed(self, condition)?)
            }
            ExprKind::Age { birth, on } => CExpr::Age(
                boxed(self, birth)?,
                match on {
                    Some(on) => Some(boxed(self, on)?),
                    None => None,
                },
            ),
        })
    }
}

fn answer_kind(input: &Input) -> AnswerKind {
    match input {
        Input::Text(_)
        | Input::LongText(_)
        | Input::Email(_)
        | Input::Phone(_)
        | Input::Postcode(_)
        | Input::NhsNumber(_)
        | Input::Upn(_) => AnswerKind::Text,
        Input::Integer(_) | Input::Decimal(_) => AnswerKind::Number,
        Input::Date(_) => AnswerKind::Date,
        Input::YesNo => AnswerKind::Bool,
        Input::Declaration => AnswerKind::Declaration,
        Input::Choice(_) => AnswerKind::Code,
        Input::MultiChoice(_) => AnswerKind::Codes,
        Input::File(_) | Input::PersonLookup => AnswerKind::Other,
    }
}
