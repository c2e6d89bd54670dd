//! Rules: type checking expressions and lowering them to the runtime's expressions.
//!
//! Every rule is checked where it is written: names must be questions in scope (inside a
//! repeating block, its own questions and those around it), operands must have types that fit
//! together, and quoted codes must belong to the taxonomy they are compared with.

use form_runtime::{Arithmetic, Comparison, DurationUnit, Expr, ExprKind, Rule, Span};

use super::Ctx;
use super::names::{Symbol, SymbolKind, Symbols, normalize};
use crate::ast::{self, BinaryOp, UnaryOp};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};

/// A list of codes a choice question chooses from.
#[derive(Debug, Clone)]
pub(crate) struct Domain {
    /// How messages name it: "`send.teams`" or "the options of `gender`".
    pub(crate) name: String,
    /// The canonical taxonomy name, or the question id for a question's own options.
    pub(crate) key: String,
    /// The selectable codes, in order.
    pub(crate) codes: Vec<String>,
    /// Whether `<` and `>` compare codes by their position.
    pub(crate) ordered: bool,
}

/// Index of a [`Domain`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DomainId(pub(crate) usize);

/// The type of an expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Ty {
    Bool,
    Number,
    Text,
    Date,
    Duration,
    Code(DomainId),
    Codes(DomainId),
    File,
    Person,
    Block,
    /// Quoted text, which becomes a code when compared with a choice.
    Str,
    /// The "answer" of a section or display content.
    Nothing,
    /// A type error already reported.
    Error,
}

/// What a rule is for, which decides the type it must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// `visible when`, `required when`, `check ... when/require`: true or false.
    Condition,
    /// `before`, `after`, `not_before`, `not_after`: a date.
    DateBound,
}

/// What rules are checked against.
pub(crate) struct Env<'e> {
    pub(crate) symbols: &'e Symbols,
    pub(crate) domains: &'e [Domain],
}

struct Typed {
    ty: Ty,
    expr: Expr,
    /// For messages: the id when the expression is a plain reference.
    name: Option<String>,
}

impl Typed {
    fn new(ty: Ty, kind: ExprKind, span: Span) -> Typed {
        Typed {
            ty,
            expr: Expr::new(kind, span),
            name: None,
        }
    }
}

/// Checks a rule written at a place inside the blocks `scope` and lowers it.
pub(crate) fn check_rule(
    ctx: &mut Ctx<'_>,
    env: &Env<'_>,
    expr: &ast::Expr,
    scope: &[String],
    purpose: Purpose,
) -> Option<Rule> {
    let before = ctx.diagnostics.len();
    let mut typer = Typer { ctx, env };
    let typed = typer.infer(expr, scope);
    let wanted = match purpose {
        Purpose::Condition => Ty::Bool,
        Purpose::DateBound => Ty::Date,
    };
    if typed.ty != wanted && typed.ty != Ty::Error {
        let diagnostic = typer.not_a(&typed, &wanted, purpose);
        typer.ctx.report(diagnostic);
    }
    let has_errors = typer.ctx.diagnostics[before..]
        .iter()
        .any(Diagnostic::is_error);
    (!has_errors).then(|| Rule {
        text: typer.ctx.text(expr.span).to_owned(),
        expr: typed.expr,
    })
}

struct Typer<'c, 'a, 'e> {
    ctx: &'c mut Ctx<'a>,
    env: &'c Env<'e>,
}

impl Typer<'_, '_, '_> {
    fn describe(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "yes or no (true or false)".into(),
            Ty::Number => "a number".into(),
            Ty::Text => "text".into(),
            Ty::Date => "a date".into(),
            Ty::Duration => "a length of time".into(),
            Ty::Code(domain) => format!("a choice from {}", self.env.domains[domain.0].name),
            Ty::Codes(domain) => {
                format!("a list of choices from {}", self.env.domains[domain.0].name)
            }
            Ty::File => "uploaded files".into(),
            Ty::Person => "a person from the local authority's records".into(),
            Ty::Block => "a repeating block".into(),
            Ty::Str => "quoted text".into(),
            Ty::Nothing => "nothing (it has no answer)".into(),
            Ty::Error => "unknown".into(),
        }
    }

    /// "`dob` is a date" or "this is a number".
    fn is_a(&self, typed: &Typed) -> String {
        match &typed.name {
            Some(name) => format!("`{name}` is {}", self.describe(&typed.ty)),
            None => format!("this is {}", self.describe(&typed.ty)),
        }
    }

    fn not_a(&self, typed: &Typed, wanted: &Ty, purpose: Purpose) -> Diagnostic {
        let what = match purpose {
            Purpose::Condition => "a rule must be true or false",
            Purpose::DateBound => "a date bound must be a date",
        };
        let mut diagnostic = self
            .ctx
            .diagnostic(
                Code::TypeMismatch,
                typed.expr.span,
                format!("{what}, but {}", self.is_a(typed)),
            )
            .with_primary_message(format!("expected {}", self.describe(wanted)));
        if let (Purpose::Condition, Some(name)) = (purpose, &typed.name) {
            diagnostic = diagnostic.with_help(match typed.ty {
                Ty::Code(_) => format!("compare it with a code, such as `{name} = \"CODE\"`, or write `answered({name})`"),
                Ty::Codes(_) => format!("test for one code with `\"CODE\" in {name}`, or write `answered({name})`"),
                Ty::Number => format!("compare it, such as `{name} > 0`, or write `answered({name})`"),
                Ty::Block => format!("write `count({name}) > 0`, or `any({name}, ...)`"),
                _ => format!("write `answered({name})` to test whether it has an answer"),
            });
        } else if purpose == Purpose::DateBound {
            diagnostic = diagnostic.with_help("write a date such as `today`, `today - 25 years`, `2024-09-01` or the id of a date question");
        }
        diagnostic
    }

    fn mismatch(&mut self, span: Span, message: String, parts: &[&Typed], help: Option<String>) {
        let mut diagnostic = self.ctx.diagnostic(Code::TypeMismatch, span, message);
        for part in parts {
            if part.ty != Ty::Error {
                diagnostic = diagnostic.with_label(self.ctx.file, part.expr.span, self.is_a(part));
            }
        }
        if let Some(help) = help {
            diagnostic = diagnostic.with_help(help);
        }
        self.ctx.report(diagnostic);
    }

    fn infer(&mut self, expr: &ast::Expr, scope: &[String]) -> Typed {
        let span = expr.span;
        match &expr.kind {
            ast::ExprKind::Bool(value) => {
                Typed::new(Ty::Bool, ExprKind::Bool { value: *value }, span)
            }
            ast::ExprKind::Number(value) => {
                Typed::new(Ty::Number, ExprKind::Number { value: *value }, span)
            }
            ast::ExprKind::Str(value) => Typed::new(
                Ty::Str,
                ExprKind::Text {
                    value: value.clone(),
                },
                span,
            ),
            ast::ExprKind::Date(value) => {
                if value.parse::<jiff::civil::Date>().is_err() {
                    let diagnostic = self
                        .ctx
                        .diagnostic(
                            Code::InvalidValue,
                            span,
                            format!("`{value}` is not a real date"),
                        )
                        .with_help("write dates as year-month-day, such as 2024-09-01");
                    self.ctx.report(diagnostic);
                    return Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
                }
                Typed::new(
                    Ty::Date,
                    ExprKind::Date {
                        value: value.clone(),
                    },
                    span,
                )
            }
            ast::ExprKind::Today => Typed::new(Ty::Date, ExprKind::Today, span),
            ast::ExprKind::Duration(amount, unit) => {
                let Some(whole) = amount.as_integer() else {
                    let diagnostic = self
                        .ctx
                        .diagnostic(
                            Code::InvalidValue,
                            amount.span,
                            format!(
                                "a length of time must be a whole number of {}",
                                unit.as_str()
                            ),
                        )
                        .with_help(match unit {
                            DurationUnit::Years => "write months instead, such as `18 months`",
                            DurationUnit::Months | DurationUnit::Weeks => "write days instead",
                            DurationUnit::Days => "round it to a whole number of days",
                        });
                    self.ctx.report(diagnostic);
                    return Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
                };
                Typed::new(
                    Ty::Duration,
                    ExprKind::Duration {
                        amount: whole,
                        unit: *unit,
                    },
                    span,
                )
            }
            ast::ExprKind::Reference(name) => self.reference(name, span, scope, false),
            ast::ExprKind::Paren(inner) => self.infer(inner, scope),
            ast::ExprKind::List(items) => {
                // Only allowed after `in`, which looks at the items itself.
                let diagnostic = self
                    .ctx
                    .diagnostic(Code::TypeMismatch, span, "a list can only follow `in`")
                    .with_help("write `x in [\"A\", \"B\"]`");
                self.ctx.report(diagnostic);
                for item in items {
                    self.infer(item, scope);
                }
                Typed::new(Ty::Error, ExprKind::Bool { value: false }, span)
            }
            ast::ExprKind::Unary(op, operand) => self.unary(*op, operand, span, scope),
            ast::ExprKind::Binary(op, left, right) => self.binary(*op, left, right, span, scope),
            ast::ExprKind::Call(name, args) => self.call(name, args, span, scope),
        }
    }

    /// A name in a rule. `as_block` allows a repeating block (in `count`, `any`, `all`,
    /// `answered`).
    fn reference(&mut self, name: &str, span: Span, scope: &[String], as_block: bool) -> Typed {
        let id = normalize(name);
        let error = Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
        if self.env.symbols.get(&id).is_none()
            && let Some(section) = self.env.symbols.section(&id)
        {
            let diagnostic = self
                .ctx
                .diagnostic(
                    Code::TypeMismatch,
                    span,
                    format!("`{id}` is a section, which has no answer"),
                )
                .with_label(self.ctx.file, section, "defined here")
                .with_help("rules read the answers to questions; name a question of the section");
            self.ctx.report(diagnostic);
            return error;
        }
        let Some(symbol) = self.env.symbols.get(&id) else {
            let mut diagnostic = self
                .ctx
                .diagnostic(
                    Code::UnknownReference,
                    span,
                    format!("there is no question `{name}` in this form"),
                )
                .with_primary_message("not found");
            let is_code = self
                .env
                .domains
                .iter()
                .any(|domain| domain.codes.contains(&id));
            let candidates = self
                .env
                .symbols
                .list
                .iter()
                .map(|symbol| symbol.id.as_str());
            if let Some(suggestion) = did_you_mean(&id, candidates) {
                diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
            } else if is_code {
                diagnostic =
                    diagnostic.with_help(format!("codes are written in quotes: `\"{name}\"`"));
            }
            self.ctx.report(diagnostic);
            return error;
        };
        if !scope.starts_with(&symbol.blocks) {
            self.out_of_scope(symbol, span, scope);
            return error;
        }
        let ty = match symbol.kind {
            SymbolKind::Content => {
                let diagnostic = self
                    .ctx
                    .diagnostic(
                        Code::TypeMismatch,
                        span,
                        format!("`{id}` is {}, which has no answer", symbol.kind.describe()),
                    )
                    .with_label(self.ctx.file, symbol.span, "defined here")
                    .with_help("rules read the answers to questions");
                self.ctx.report(diagnostic);
                return error;
            }
            SymbolKind::Repeat if !as_block => {
                let diagnostic = self
                    .ctx
                    .diagnostic(
                        Code::TypeMismatch,
                        span,
                        format!("`{id}` is a repeating block: a list of entries, not one answer"),
                    )
                    .with_help(format!(
                        "use `count({id})`, `any({id}, ...)`, `all({id}, ...)` or `answered({id})`"
                    ));
                self.ctx.report(diagnostic);
                return error;
            }
            _ => symbol.ty.clone(),
        };
        Typed {
            ty,
            expr: Expr::new(
                ExprKind::Answer {
                    question: id.clone(),
                },
                span,
            ),
            name: Some(id),
        }
    }

    fn out_of_scope(&mut self, symbol: &Symbol, span: Span, scope: &[String]) {
        let block = symbol
            .blocks
            .iter()
            .zip(scope.iter().map(Some).chain(std::iter::repeat(None)))
            .find(|(wanted, have)| Some(*wanted) != *have)
            .map(|(wanted, _)| wanted.clone())
            .unwrap_or_default();
        let diagnostic = self
            .ctx
            .diagnostic(
                Code::OutOfScopeReference,
                span,
                format!(
                    "`{}` is inside the repeating block `{block}`, so a rule outside that block cannot read it directly",
                    symbol.id
                ),
            )
            .with_label(self.ctx.file, symbol.span, format!("`{}` is defined in `{block}`", symbol.id))
            .with_help(format!(
                "look inside the entries with `any({block}, ...)`, `all({block}, ...)` or `count({block}, ...)`"
            ));
        self.ctx.report(diagnostic);
    }

    fn unary(&mut self, op: UnaryOp, operand: &ast::Expr, span: Span, scope: &[String]) -> Typed {
        let typed = self.infer(operand, scope);
        match op {
            UnaryOp::Not => {
                if !matches!(typed.ty, Ty::Bool | Ty::Error) {
                    let message =
                        format!("`not` applies to a condition, but {}", self.is_a(&typed));
                    self.mismatch(
                        span,
                        message,
                        &[],
                        Some("write `not answered(x)` or `not (x = \"CODE\")`".into()),
                    );
                    return Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
                }
                Typed::new(
                    Ty::Bool,
                    ExprKind::Not {
                        operand: Box::new(typed.expr),
                    },
                    span,
                )
            }
            UnaryOp::Neg => {
                if !matches!(typed.ty, Ty::Number | Ty::Error) {
                    let message = format!("`-` applies to a number, but {}", self.is_a(&typed));
                    self.mismatch(span, message, &[], None);
                    return Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
                }
                Typed::new(
                    Ty::Number,
                    ExprKind::Negate {
                        operand: Box::new(typed.expr),
                    },
                    span,
                )
            }
        }
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        left: &ast::Expr,
        right: &ast::Expr,
        span: Span,
        scope: &[String],
    ) -> Typed {
        if matches!(op, BinaryOp::In | BinaryOp::NotIn) {
            return self.membership(op == BinaryOp::NotIn, left, right, span, scope);
        }
        let left = self.infer(left, scope);
        let right = self.infer(right, scope);
        match op {
            BinaryOp::And | BinaryOp::Or => self.logic(op, left, right, span),
            BinaryOp::Compare(cmp) => self.compare(cmp, left, right, span),
            BinaryOp::Arithmetic(arithmetic) => self.arithmetic(arithmetic, left, right, span),
            BinaryOp::In | BinaryOp::NotIn => unreachable_in(span),
        }
    }

    fn logic(&mut self, op: BinaryOp, left: Typed, right: Typed, span: Span) -> Typed {
        let word = op.symbol();
        for side in [&left, &right] {
            if !matches!(side.ty, Ty::Bool | Ty::Error) {
                let message = format!(
                    "`{word}` joins conditions that are true or false, but {}",
                    self.is_a(side)
                );
                let help = side.name.as_ref().map(|name| {
                    format!("write `answered({name})`, or compare it, such as `{name} = \"CODE\"`")
                });
                self.mismatch(side.expr.span, message, &[], help);
            }
        }
        if left.ty == Ty::Error
            || right.ty == Ty::Error
            || left.ty != Ty::Bool
            || right.ty != Ty::Bool
        {
            return Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
        }
        let is_and = op == BinaryOp::And;
        let mut operands = Vec::new();
        for side in [left.expr, right.expr] {
            match side.kind {
                ExprKind::And { operands: inner } if is_and => operands.extend(inner),
                ExprKind::Or { operands: inner } if !is_and => operands.extend(inner),
                kind => operands.push(Expr::new(kind, side.span)),
            }
        }
        let kind = if is_and {
            ExprKind::And { operands }
        } else {
            ExprKind::Or { operands }
        };
        Typed::new(Ty::Bool, kind, span)
    }

    /// Turns quoted text into a code of `domain`, reporting codes that are not in it.
    fn coerce_to_code(&mut self, typed: Typed, domain: DomainId) -> Option<Expr> {
        let ExprKind::Text { value } = typed.expr.kind else {
            return Some(typed.expr);
        };
        let domain = &self.env.domains[domain.0];
        if !domain.codes.contains(&value) {
            let mut diagnostic = self
                .ctx
                .diagnostic(
                    Code::UnknownCode,
                    typed.expr.span,
                    format!("\"{value}\" is not a code of {}", domain.name),
                )
                .with_primary_message("unknown code");
            let exact_but_case = domain
                .codes
                .iter()
                .find(|code| code.eq_ignore_ascii_case(&value));
            diagnostic = match exact_but_case
                .map(String::as_str)
                .or_else(|| did_you_mean(&value, domain.codes.iter().map(String::as_str)))
            {
                Some(suggestion) => diagnostic.with_help(format!(
                    "did you mean \"{suggestion}\"? Codes are matched exactly, capitals included"
                )),
                None => diagnostic.with_help(format!(
                    "the codes are {}",
                    domain
                        .codes
                        .iter()
                        .take(12)
                        .map(|code| format!("\"{code}\""))
                        .collect::<Vec<_>>()
                        .join(", ")
                        + if domain.codes.len() > 12 { ", ..." } else { "" }
                )),
            };
            self.ctx.report(diagnostic);
            return None;
        }
        Some(Expr::new(ExprKind::Code { value }, typed.expr.span))
    }

    fn compare(&mut self, cmp: Comparison, left: Typed, right: Typed, span: Span) -> Typed {
        let error = Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
        if left.ty == Ty::Error || right.ty == Ty::Error {
            return error;
        }
        let ordering = !matches!(cmp, Comparison::Eq | Comparison::Ne);
        let mut order = None;
        let (left_expr, right_expr) = match (&left.ty, &right.ty) {
            (Ty::Code(domain), Ty::Str) | (Ty::Str, Ty::Code(domain)) => {
                let domain = *domain;
                if ordering && !self.ordered(domain, cmp, &left, &right, span) {
                    return error;
                }
                if ordering {
                    order = Some(self.env.domains[domain.0].key.clone());
                }
                let (Some(l), Some(r)) = (
                    self.coerce_to_code(left, domain),
                    self.coerce_to_code(right, domain),
                ) else {
                    return error;
                };
                (l, r)
            }
            (Ty::Code(a), Ty::Code(b)) => {
                let (a, b) = (*a, *b);
                if self.env.domains[a.0].key != self.env.domains[b.0].key {
                    let message = format!(
                        "cannot compare choices from {} with choices from {}",
                        self.env.domains[a.0].name, self.env.domains[b.0].name
                    );
                    self.mismatch(span, message, &[&left, &right], None);
                    return error;
                }
                if ordering && !self.ordered(a, cmp, &left, &right, span) {
                    return error;
                }
                if ordering {
                    order = Some(self.env.domains[a.0].key.clone());
                }
                (left.expr, right.expr)
            }
            (Ty::Number, Ty::Number) | (Ty::Date, Ty::Date) => (left.expr, right.expr),
            (Ty::Text | Ty::Str, Ty::Text | Ty::Str) | (Ty::Bool, Ty::Bool) if !ordering => {
                (left.expr, right.expr)
            }
            (Ty::Text | Ty::Str, Ty::Text | Ty::Str) | (Ty::Bool, Ty::Bool) => {
                let message = format!(
                    "`{}` cannot compare {}",
                    cmp.symbol(),
                    self.describe(&left.ty)
                );
                self.mismatch(span, message, &[], Some("use `=` or `!=`".into()));
                return error;
            }
            (a, b) => {
                let help = self.compare_help(&left, &right);
                let message = format!(
                    "cannot compare {} with {}",
                    self.describe(a),
                    self.describe(b)
                );
                self.mismatch(span, message, &[&left, &right], help);
                return error;
            }
        };
        Typed::new(
            Ty::Bool,
            ExprKind::Compare {
                cmp,
                left: Box::new(left_expr),
                right: Box::new(right_expr),
                order,
            },
            span,
        )
    }

    fn ordered(
        &mut self,
        domain: DomainId,
        cmp: Comparison,
        left: &Typed,
        right: &Typed,
        span: Span,
    ) -> bool {
        let domain = &self.env.domains[domain.0];
        if domain.ordered {
            return true;
        }
        let message = format!(
            "`{}` cannot compare choices from {}: its codes have no order",
            cmp.symbol(),
            domain.name
        );
        let help = if domain.name.starts_with("the options") {
            "use `in [...]` to test for several codes".to_owned()
        } else {
            format!(
                "write `taxonomy ... ordered` if the codes of {} are in order, or use `in [...]`",
                domain.name
            )
        };
        self.mismatch(span, message, &[left, right], Some(help));
        false
    }

    fn compare_help(&self, left: &Typed, right: &Typed) -> Option<String> {
        for (this, other) in [(left, right), (right, left)] {
            if let ExprKind::Text { value } = &other.expr.kind {
                match this.ty {
                    Ty::Date if value.parse::<jiff::civil::Date>().is_ok() => {
                        return Some(format!("write dates without quotes: {value}"));
                    }
                    Ty::Number if value.parse::<f64>().is_ok() => {
                        return Some(format!("write numbers without quotes: {value}"));
                    }
                    Ty::Bool
                        if value == "yes"
                            || value == "no"
                            || value == "true"
                            || value == "false" =>
                    {
                        let name = this.name.clone().unwrap_or_else(|| "x".into());
                        return Some(format!(
                            "a yes/no answer is true or false: write `{name}` or `not {name}`"
                        ));
                    }
                    Ty::Codes(_) => {
                        let name = this.name.clone().unwrap_or_else(|| "x".into());
                        return Some(format!(
                            "a multiple-choice answer is a list: write `\"{value}\" in {name}`"
                        ));
                    }
                    _ => {}
                }
            }
            if this.ty == Ty::Date && other.ty == Ty::Number {
                return Some("to compare an age in years, write `age(date_of_birth) >= 16`".into());
            }
        }
        None
    }

    fn arithmetic(&mut self, op: Arithmetic, left: Typed, right: Typed, span: Span) -> Typed {
        if left.ty == Ty::Error || right.ty == Ty::Error {
            return Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
        }
        let ty = match (&left.ty, op, &right.ty) {
            (Ty::Number, _, Ty::Number) => Ty::Number,
            (Ty::Date, Arithmetic::Add | Arithmetic::Sub, Ty::Duration) => Ty::Date,
            (Ty::Duration, Arithmetic::Add, Ty::Date) => Ty::Date,
            (a, _, b) => {
                let help = if *a == Ty::Date && *b == Ty::Date {
                    Some("to work out an age in years, write `age(date_of_birth)`; to compare dates, use `<` or `>`".to_owned())
                } else if *a == Ty::Date && *b == Ty::Number {
                    Some(
                        "add a length of time with its unit, such as `today - 18 years`".to_owned(),
                    )
                } else {
                    None
                };
                let message = format!(
                    "`{}` cannot combine {} with {}",
                    op.symbol(),
                    self.describe(a),
                    self.describe(b)
                );
                self.mismatch(span, message, &[&left, &right], help);
                return Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
            }
        };
        Typed::new(
            ty,
            ExprKind::Arithmetic {
                operator: op,
                left: Box::new(left.expr),
                right: Box::new(right.expr),
            },
            span,
        )
    }

    fn membership(
        &mut self,
        negated: bool,
        left: &ast::Expr,
        right: &ast::Expr,
        span: Span,
        scope: &[String],
    ) -> Typed {
        let error = Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
        let value = self.infer(left, scope);
        if let ast::ExprKind::List(items) = &right.kind {
            let items: Vec<Typed> = items.iter().map(|item| self.infer(item, scope)).collect();
            if value.ty == Ty::Error || items.iter().any(|item| item.ty == Ty::Error) {
                return error;
            }
            if let Ty::Codes(_) = value.ty {
                let name = value.name.clone().unwrap_or_else(|| "x".into());
                let message = format!("`{name}` is a list of choices, so it cannot be `in` a list");
                self.mismatch(
                    span,
                    message,
                    &[&value],
                    Some(format!("test for one code with `\"CODE\" in {name}`")),
                );
                return error;
            }
            let mut list = Vec::new();
            for item in items {
                let fits = match (&value.ty, &item.ty) {
                    (Ty::Code(domain), Ty::Str) => {
                        match self.coerce_to_code(item, *domain) {
                            Some(code) => list.push(code),
                            None => return error,
                        }
                        continue;
                    }
                    (Ty::Code(a), Ty::Code(b)) => {
                        self.env.domains[a.0].key == self.env.domains[b.0].key
                    }
                    (Ty::Text | Ty::Str, Ty::Text | Ty::Str) => true,
                    (a, b) => a == b && matches!(a, Ty::Number | Ty::Date | Ty::Bool),
                };
                if !fits {
                    let message = format!(
                        "cannot look for {} in a list of {}",
                        self.describe(&value.ty),
                        self.describe(&item.ty)
                    );
                    self.mismatch(item.expr.span, message, &[&value, &item], None);
                    return error;
                }
                list.push(item.expr);
            }
            return Typed::new(
                Ty::Bool,
                ExprKind::In {
                    value: Box::new(value.expr),
                    list,
                    negated,
                },
                span,
            );
        }
        let container = self.infer(right, scope);
        if value.ty == Ty::Error || container.ty == Ty::Error {
            return error;
        }
        match container.ty {
            Ty::Codes(domain) => {
                let code = match value.ty {
                    Ty::Str => match self.coerce_to_code(value, domain) {
                        Some(code) => code,
                        None => return error,
                    },
                    Ty::Code(other)
                        if self.env.domains[other.0].key == self.env.domains[domain.0].key =>
                    {
                        value.expr
                    }
                    _ => {
                        let message = format!(
                            "cannot look for {} in {}",
                            self.describe(&value.ty),
                            self.describe(&container.ty)
                        );
                        self.mismatch(span, message, &[&value, &container], None);
                        return error;
                    }
                };
                Typed::new(
                    Ty::Bool,
                    ExprKind::Includes {
                        choices: Box::new(container.expr),
                        code: Box::new(code),
                        negated,
                    },
                    span,
                )
            }
            _ => {
                let message = format!(
                    "`in` needs a list such as `[\"A\", \"B\"]` or a multiple-choice answer, but {}",
                    self.is_a(&container)
                );
                self.mismatch(right.span, message, &[], None);
                error
            }
        }
    }

    fn call(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Expr],
        span: Span,
        scope: &[String],
    ) -> Typed {
        let error = Typed::new(Ty::Error, ExprKind::Bool { value: false }, span);
        match name.name.as_str() {
            "answered" => {
                let [arg] = args else {
                    self.wrong_arguments(name, span, "takes one question id: `answered(phone)`");
                    return error;
                };
                let ast::ExprKind::Reference(id) = &arg.kind else {
                    self.wrong_arguments(
                        name,
                        arg.span,
                        "takes the id of a question or block, such as `answered(phone)`",
                    );
                    return error;
                };
                let typed = self.reference(id, arg.span, scope, true);
                if typed.ty == Ty::Error {
                    return error;
                }
                Typed::new(
                    Ty::Bool,
                    ExprKind::Answered {
                        question: normalize(id),
                    },
                    span,
                )
            }
            "count" | "any" | "all" => {
                let function = name.name.as_str();
                let usage = match function {
                    "count" => {
                        "takes a repeating block and, optionally, a condition: `count(outcomes)` or `count(outcomes, team = \"SLT\")`"
                    }
                    "any" => {
                        "takes a repeating block and a condition: `any(outcomes, team = \"SCHOOLS\")`"
                    }
                    _ => "takes a repeating block and a condition: `all(outcomes, answered(team))`",
                };
                let (block_arg, condition) = match (function, args) {
                    ("count", [block]) => (block, None),
                    (_, [block, condition]) => (block, Some(condition)),
                    _ => {
                        self.wrong_arguments(name, span, usage);
                        return error;
                    }
                };
                let Some(block) = self.block_argument(name, block_arg, scope, usage) else {
                    return error;
                };
                let condition = match condition {
                    Some(condition) => {
                        let inner_scope = self.inner_scope(&block);
                        let typed = self.infer(condition, &inner_scope);
                        if typed.ty == Ty::Error {
                            return error;
                        }
                        if typed.ty != Ty::Bool {
                            let diagnostic = self.not_a(&typed, &Ty::Bool, Purpose::Condition);
                            self.ctx.report(diagnostic);
                            return error;
                        }
                        Some(Box::new(typed.expr))
                    }
                    None => None,
                };
                let kind = match (function, condition) {
                    ("count", filter) => ExprKind::Count { block, filter },
                    ("any", Some(condition)) => ExprKind::Any { block, condition },
                    (_, Some(condition)) => ExprKind::All { block, condition },
                    (_, None) => return error,
                };
                let ty = if function == "count" {
                    Ty::Number
                } else {
                    Ty::Bool
                };
                Typed::new(ty, kind, span)
            }
            "age" => {
                let (birth, on) = match args {
                    [birth] => (birth, None),
                    [birth, on] => (birth, Some(on)),
                    _ => {
                        self.wrong_arguments(name, span, "takes a date of birth, and optionally the date to take the age on: `age(dob)` or `age(dob, request_date)`");
                        return error;
                    }
                };
                let mut parts = Vec::new();
                for arg in std::iter::once(birth).chain(on) {
                    let typed = self.infer(arg, scope);
                    if typed.ty == Ty::Error {
                        return error;
                    }
                    if typed.ty != Ty::Date {
                        let message = format!("`age` takes dates, but {}", self.is_a(&typed));
                        self.mismatch(arg.span, message, &[], None);
                        return error;
                    }
                    parts.push(typed.expr);
                }
                let mut parts = parts.into_iter();
                let Some(birth) = parts.next() else {
                    return error;
                };
                Typed::new(
                    Ty::Number,
                    ExprKind::Age {
                        birth: Box::new(birth),
                        on: parts.next().map(Box::new),
                    },
                    span,
                )
            }
            other => {
                let mut diagnostic = self.ctx.diagnostic(
                    Code::UnknownFunction,
                    name.span,
                    format!("there is no function `{other}`"),
                );
                let help = match other {
                    "contains" | "includes" | "selected" | "has" => {
                        "to test whether a multiple-choice answer includes a code, write `\"CODE\" in question`".to_owned()
                    }
                    "is_answered" | "is_set" | "exists" => "write `answered(question)`".to_owned(),
                    "today" => "write `today` without brackets".to_owned(),
                    "age_years" | "age_at" => "write `age(date_of_birth)` or `age(date_of_birth, on_date)`".to_owned(),
                    _ => match did_you_mean(other, ["answered", "count", "any", "all", "age"]) {
                        Some(suggestion) => format!("did you mean `{suggestion}`?"),
                        None => "the functions are `answered`, `count`, `any`, `all` and `age`".to_owned(),
                    },
                };
                diagnostic = diagnostic.with_help(help);
                self.ctx.report(diagnostic);
                for arg in args {
                    if !matches!(arg.kind, ast::ExprKind::Reference(_)) {
                        self.infer(arg, scope);
                    }
                }
                error
            }
        }
    }

    fn wrong_arguments(&mut self, name: &ast::Ident, span: Span, usage: &str) {
        let diagnostic = self
            .ctx
            .diagnostic(
                Code::WrongArguments,
                span,
                format!("`{}` {usage}", name.name),
            )
            .with_label(self.ctx.file, name.span, "this function");
        self.ctx.report(diagnostic);
    }

    /// The block named as the first argument of `count`, `any` or `all`.
    fn block_argument(
        &mut self,
        name: &ast::Ident,
        arg: &ast::Expr,
        scope: &[String],
        usage: &str,
    ) -> Option<String> {
        let ast::ExprKind::Reference(id) = &arg.kind else {
            self.wrong_arguments(name, arg.span, usage);
            return None;
        };
        let typed = self.reference(id, arg.span, scope, true);
        if typed.ty == Ty::Error {
            return None;
        }
        if typed.ty != Ty::Block {
            let message = format!(
                "`{}` needs a repeating block, but {}",
                name.name,
                self.is_a(&typed)
            );
            self.mismatch(arg.span, message, &[], Some(usage.to_owned()));
            return None;
        }
        Some(normalize(id))
    }

    /// Inside `any(block, ...)`: the block's own questions and those around it.
    fn inner_scope(&self, block: &str) -> Vec<String> {
        let mut scope = self
            .env
            .symbols
            .get(block)
            .map(|symbol| symbol.blocks.clone())
            .unwrap_or_default();
        scope.push(block.to_owned());
        scope
    }
}

fn unreachable_in(span: Span) -> Typed {
    // `in` is handled before both sides are typed.
    Typed::new(Ty::Error, ExprKind::Bool { value: false }, span)
}
