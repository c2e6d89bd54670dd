//! Compiled rule expressions: visibility, required-when, date bounds and cross-field checks.
//!
//! Expressions reach the runtime already type-checked by the compiler; names are question and
//! block ids, and code literals are known to belong to the taxonomy they are compared with.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Span;

/// A rule as written in the form file, compiled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Rule {
    /// The rule's source text, for messages and for people reading `form.json`.
    pub text: String,
    /// The compiled expression.
    pub expr: Expr,
}

/// An expression node with the span of source it was compiled from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Expr {
    /// What the node computes.
    #[serde(flatten)]
    pub kind: ExprKind,
    /// Where it was written.
    pub span: Span,
}

impl Expr {
    /// A node at `span`.
    pub fn new(kind: ExprKind, span: Span) -> Expr {
        Expr { kind, span }
    }

    /// Calls `visit` on this node and every node below it, parents first.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Expr)) {
        visit(self);
        match &self.kind {
            ExprKind::Bool { .. }
            | ExprKind::Number { .. }
            | ExprKind::Text { .. }
            | ExprKind::Code { .. }
            | ExprKind::Date { .. }
            | ExprKind::Today
            | ExprKind::Duration { .. }
            | ExprKind::Answer { .. }
            | ExprKind::Answered { .. } => {}
            ExprKind::Not { operand } | ExprKind::Negate { operand } => operand.walk(visit),
            ExprKind::And { operands } | ExprKind::Or { operands } => {
                for operand in operands {
                    operand.walk(visit);
                }
            }
            ExprKind::Compare { left, right, .. } | ExprKind::Arithmetic { left, right, .. } => {
                left.walk(visit);
                right.walk(visit);
            }
            ExprKind::In { value, list, .. } => {
                value.walk(visit);
                for item in list {
                    item.walk(visit);
                }
            }
            ExprKind::Includes { choices, code, .. } => {
                choices.walk(visit);
                code.walk(visit);
            }
            ExprKind::Count { filter, .. } => {
                if let Some(filter) = filter {
                    filter.walk(visit);
                }
            }
            ExprKind::Any { condition, .. } | ExprKind::All { condition, .. } => {
                condition.walk(visit)
            }
            ExprKind::Age { birth, on } => {
                birth.walk(visit);
                if let Some(on) = on {
                    on.walk(visit);
                }
            }
        }
    }

    /// The ids of the questions and blocks whose answers the expression reads, in order of
    /// first mention, without repeats.
    pub fn references(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        self.walk(&mut |expr| {
            let id = match &expr.kind {
                ExprKind::Answer { question } | ExprKind::Answered { question } => question,
                ExprKind::Count { block, .. }
                | ExprKind::Any { block, .. }
                | ExprKind::All { block, .. } => block,
                _ => return,
            };
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        });
        ids
    }
}

/// What an expression node computes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ExprKind {
    /// `true` or `false`.
    Bool {
        /// The value.
        value: bool,
    },
    /// A number literal.
    Number {
        /// The value.
        value: f64,
    },
    /// A text literal compared with a text answer.
    Text {
        /// The value.
        value: String,
    },
    /// A code of the taxonomy it is compared with.
    Code {
        /// The code.
        value: String,
    },
    /// A date literal, `YYYY-MM-DD`.
    Date {
        /// The date.
        value: String,
    },
    /// The date the form is evaluated on, supplied by the caller.
    Today,
    /// A length of time, added to or taken from a date.
    Duration {
        /// How many units.
        amount: i64,
        /// Which unit.
        unit: DurationUnit,
    },
    /// The answer to a question (unanswered when absent).
    Answer {
        /// The question's id.
        question: String,
    },
    /// Whether a question (or block) has an answer: never unknown.
    Answered {
        /// The question's id.
        question: String,
    },
    /// Logical negation.
    Not {
        /// The negated condition.
        operand: Box<Expr>,
    },
    /// True when every operand is true.
    And {
        /// The conditions.
        operands: Vec<Expr>,
    },
    /// True when any operand is true.
    Or {
        /// The conditions.
        operands: Vec<Expr>,
    },
    /// A comparison of two values of the same type.
    Compare {
        /// The comparison.
        cmp: Comparison,
        /// Left-hand side.
        left: Box<Expr>,
        /// Right-hand side.
        right: Box<Expr>,
        /// For `<`, `<=`, `>`, `>=` between codes: the ordered taxonomy that gives the order.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order: Option<String>,
    },
    /// Membership of a value in a list of literals: `year in ["Y9", "Y10"]`.
    In {
        /// The value tested.
        value: Box<Expr>,
        /// The list.
        list: Vec<Expr>,
        /// `not in`.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        negated: bool,
    },
    /// Whether a multiple-choice answer includes a code: `"CL" in other_needs`.
    Includes {
        /// The multiple-choice answer.
        choices: Box<Expr>,
        /// The code looked for.
        code: Box<Expr>,
        /// `not in`.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        negated: bool,
    },
    /// Arithmetic on numbers, or a date plus or minus a duration.
    Arithmetic {
        /// The operator.
        operator: Arithmetic,
        /// Left-hand side.
        left: Box<Expr>,
        /// Right-hand side.
        right: Box<Expr>,
    },
    /// Numeric negation.
    Negate {
        /// The number negated.
        operand: Box<Expr>,
    },
    /// The number of entries in a block, optionally only those meeting a condition.
    Count {
        /// The block's id.
        block: String,
        /// The condition, evaluated within each entry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filter: Option<Box<Expr>>,
    },
    /// Whether any entry of a block meets a condition.
    Any {
        /// The block's id.
        block: String,
        /// The condition, evaluated within each entry.
        condition: Box<Expr>,
    },
    /// Whether every entry of a block meets a condition.
    All {
        /// The block's id.
        block: String,
        /// The condition, evaluated within each entry.
        condition: Box<Expr>,
    },
    /// Age in whole years on a date (today when `on` is absent).
    Age {
        /// The date of birth.
        birth: Box<Expr>,
        /// The date the age is taken on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<Box<Expr>>,
    },
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl Comparison {
    /// The operator as written in form files.
    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::Eq => "=",
            Comparison::Ne => "!=",
            Comparison::Lt => "<",
            Comparison::Le => "<=",
            Comparison::Gt => ">",
            Comparison::Ge => ">=",
        }
    }

    /// Whether `ordering` (left compared with right) satisfies the operator.
    pub fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match self {
            Comparison::Eq => ordering == Equal,
            Comparison::Ne => ordering != Equal,
            Comparison::Lt => ordering == Less,
            Comparison::Le => ordering != Greater,
            Comparison::Gt => ordering == Greater,
            Comparison::Ge => ordering != Less,
        }
    }

    /// The operator that holds exactly when this one does not.
    pub fn negated(self) -> Comparison {
        match self {
            Comparison::Eq => Comparison::Ne,
            Comparison::Ne => Comparison::Eq,
            Comparison::Lt => Comparison::Ge,
            Comparison::Le => Comparison::Gt,
            Comparison::Gt => Comparison::Le,
            Comparison::Ge => Comparison::Lt,
        }
    }

    /// The operator with its operands swapped: `a < b` is `b > a`.
    pub fn flipped(self) -> Comparison {
        match self {
            Comparison::Lt => Comparison::Gt,
            Comparison::Le => Comparison::Ge,
            Comparison::Gt => Comparison::Lt,
            Comparison::Ge => Comparison::Le,
            other => other,
        }
    }
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Arithmetic {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

impl Arithmetic {
    /// The operator as written in form files.
    pub fn symbol(self) -> &'static str {
        match self {
            Arithmetic::Add => "+",
            Arithmetic::Sub => "-",
            Arithmetic::Mul => "*",
            Arithmetic::Div => "/",
        }
    }
}

/// A unit of time in a duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    /// Calendar days.
    Days,
    /// Weeks of seven days.
    Weeks,
    /// Calendar months (the day is clamped to the month's length).
    Months,
    /// Calendar years (29 February becomes 28 February in other years).
    Years,
}

impl DurationUnit {
    /// The unit as written in form files (plural).
    pub fn as_str(self) -> &'static str {
        match self {
            DurationUnit::Days => "days",
            DurationUnit::Weeks => "weeks",
            DurationUnit::Months => "months",
            DurationUnit::Years => "years",
        }
    }
}
