//! Rules that no answers can make true: a warning with the reason.
//!
//! Each rule is put in negation normal form and searched for a consistent set of simple
//! facts about single answers (`x > 3`, `team = "SLT"`, `answered(x)`), together with what
//! the form itself says about those answers (a question's `min` and `max`, a block's `max`)
//! and the rules of the sections and blocks around the rule. Facts that cannot be analysed
//! (arithmetic on answers, `any`, `age`) are assumed possible, so a warning is only given
//! when the rule really can never hold. A comparison with an unanswered question is not true,
//! so every fact about a value also says the question is answered.

use std::collections::{BTreeMap, BTreeSet};

use form_runtime::{Comparison, Element, Expr, ExprKind, Form, Input, Rule};
use jiff::civil::Date;

use super::Ctx;
use super::names::Symbols;
use super::rules::{Domain, Ty};
use crate::diagnostic::Code;

/// Checks every rule of the form.
pub(super) fn check(ctx: &mut Ctx<'_>, form: &Form, symbols: &Symbols, domains: &[Domain]) {
    let sources = ctx.sources;
    let source = sources.file(ctx.file).text();
    let mut questions = BTreeMap::new();
    let mut block_max = BTreeMap::new();
    form.walk(&mut |element, _, _| match element {
        Element::Question(question) => {
            questions.insert(question.id.as_str(), question);
        }
        Element::Repeat(repeat) => {
            block_max.insert(repeat.id.as_str(), repeat.max.as_ref().map(|max| max.value));
        }
        Element::Content(_) => {}
    });
    let analysis = Analysis {
        form,
        symbols,
        domains,
        source,
        questions,
        block_max,
    };
    for section in &form.sections {
        if let Some(rule) = &section.visible_when {
            analysis.visibility(ctx, &section.id, "the section", rule, &[]);
        }
        for check in &section.checks {
            analysis.check_rule(ctx, check, &section.visible_when.iter().collect::<Vec<_>>());
        }
    }
    for check in &form.checks {
        analysis.check_rule(ctx, check, &[]);
    }
    form.walk(&mut |element, section, blocks| {
        let mut context: Vec<&Rule> = section.visible_when.iter().collect();
        context.extend(blocks.iter().filter_map(|block| block.visible_when.as_ref()));
        let id = element.id();
        if let Some(rule) = element.visible_when() {
            let what = match element {
                Element::Question(_) => "the question",
                Element::Repeat(_) => "the block",
                Element::Content(_) => "the content",
            };
            analysis.visibility(ctx, id, what, rule, &context);
        }
        match element {
            Element::Question(question) => {
                if let Some(when) = question.required.as_ref().and_then(|r| r.when.as_ref()) {
                    context.extend(question.visible_when.as_ref());
                    if let Some(reason) = analysis.never_true(when, &context) {
                        let diagnostic = ctx
                            .diagnostic(Code::NeverTrue, when.expr.span, format!("this `required when` rule can never be true, so `{id}` is never required: {reason}"))
                            .with_help("fix the rule, or remove `required when` if the question is optional");
                        ctx.report(diagnostic);
                    }
                }
            }
            Element::Repeat(repeat) => {
                context.extend(repeat.visible_when.as_ref());
                for check in &repeat.checks {
                    analysis.check_rule(ctx, check, &context);
                }
            }
            Element::Content(_) => {}
        }
    });
}

struct Analysis<'f> {
    form: &'f Form,
    symbols: &'f Symbols,
    domains: &'f [Domain],
    /// The form's source, for quoting rules in reasons.
    source: &'f str,
    questions: BTreeMap<&'f str, &'f form_runtime::Question>,
    block_max: BTreeMap<&'f str, Option<u32>>,
}

impl<'f> Analysis<'f> {
    fn visibility(
        &self,
        ctx: &mut Ctx<'_>,
        id: &str,
        what: &str,
        rule: &'f Rule,
        context: &[&'f Rule],
    ) {
        if let Some(reason) = self.never_true(rule, &[]) {
            let diagnostic = ctx
                .diagnostic(
                    Code::NeverTrue,
                    rule.expr.span,
                    format!(
                        "this rule can never be true, so {what} `{id}` is never shown: {reason}"
                    ),
                )
                .with_help("fix the rule, or remove the part if it is not needed");
            ctx.report(diagnostic);
        } else if !context.is_empty()
            && let Some(reason) = self.never_true(rule, context)
        {
            let diagnostic = ctx
                .diagnostic(
                    Code::NeverTrue,
                    rule.expr.span,
                    format!("{what} `{id}` is never shown: its rule contradicts the rule of the section or block it is in: {reason}"),
                )
                .with_help("a part is shown only when its own rule and the rules of the parts around it all hold");
            ctx.report(diagnostic);
        }
    }

    fn check_rule(&self, ctx: &mut Ctx<'_>, check: &'f form_runtime::Check, context: &[&'f Rule]) {
        let mut applies: Vec<&Rule> = context.to_vec();
        if let Some(when) = &check.when {
            if let Some(reason) = self.never_true(when, context) {
                let diagnostic = ctx
                    .diagnostic(
                        Code::NeverTrue,
                        when.expr.span,
                        format!("this check never applies: {reason}"),
                    )
                    .with_help("fix the `when` rule, or remove the check");
                ctx.report(diagnostic);
                return;
            }
            applies.push(when);
        }
        if let Some(reason) = self.never_true(&check.require, &applies) {
            let diagnostic = ctx
                .diagnostic(
                    Code::NeverTrue,
                    check.require.expr.span,
                    format!(
                        "this check can never pass, so the form could never be submitted: {reason}"
                    ),
                )
                .with_help("fix the `require` rule so that correct answers meet it");
            ctx.report(diagnostic);
        }
    }

    /// Why `rule` can never hold where `context` holds, if it can't.
    fn never_true(&self, rule: &'f Rule, context: &[&'f Rule]) -> Option<String> {
        let mut conjuncts: Vec<Formula<'_>> = context
            .iter()
            .map(|rule| self.formula(&rule.expr, false))
            .collect();
        conjuncts.push(self.formula(&rule.expr, false));
        let mut search = Search {
            analysis: self,
            budget: 2_000,
        };
        search.satisfy(&conjuncts, State::default()).err()
    }

    fn formula(&self, expr: &'f Expr, negated: bool) -> Formula<'f> {
        match &expr.kind {
            ExprKind::Bool { value } => {
                if *value != negated {
                    Formula::True
                } else {
                    Formula::False("it is always false".into())
                }
            }
            ExprKind::Not { operand } => self.formula(operand, !negated),
            ExprKind::And { operands } | ExprKind::Or { operands } => {
                let parts = operands
                    .iter()
                    .map(|operand| self.formula(operand, negated))
                    .collect();
                if matches!(expr.kind, ExprKind::And { .. }) != negated {
                    Formula::And(parts)
                } else {
                    Formula::Or(parts)
                }
            }
            ExprKind::Answered { question } => Formula::Atom(Atom {
                var: Var::Answer(question.as_str()),
                fact: Fact::Answered(!negated),
                why: Why::Rule {
                    span: expr.span,
                    negated,
                },
            }),
            ExprKind::Answer { question } => Formula::Atom(Atom {
                var: Var::Answer(question.as_str()),
                fact: Fact::Bool(!negated),
                why: Why::Rule {
                    span: expr.span,
                    negated,
                },
            }),
            ExprKind::Compare {
                cmp,
                left,
                right,
                order,
            } => self.compare(expr, *cmp, left, right, order.as_deref(), negated),
            ExprKind::In {
                value,
                list,
                negated: not_in,
            } => {
                let ExprKind::Answer { question } = &value.kind else {
                    return Formula::Unknown;
                };
                let positive = *not_in == negated;
                let codes: Option<BTreeSet<String>> = list
                    .iter()
                    .map(|item| match &item.kind {
                        ExprKind::Code { value } => Some(value.clone()),
                        _ => None,
                    })
                    .collect();
                if let Some(codes) = codes {
                    return Formula::Atom(Atom {
                        var: Var::Answer(question.as_str()),
                        fact: Fact::Codes { codes, positive },
                        why: Why::Rule {
                            span: expr.span,
                            negated,
                        },
                    });
                }
                let numbers: Option<Vec<f64>> = list.iter().map(literal_number).collect();
                match numbers {
                    Some(numbers) if positive => Formula::Or(
                        numbers
                            .into_iter()
                            .map(|n| {
                                Formula::Atom(Atom {
                                    var: Var::Answer(question.as_str()),
                                    fact: Fact::Number(Comparison::Eq, n),
                                    why: Why::Rule {
                                        span: expr.span,
                                        negated,
                                    },
                                })
                            })
                            .collect(),
                    ),
                    Some(numbers) => Formula::And(
                        numbers
                            .into_iter()
                            .map(|n| {
                                Formula::Atom(Atom {
                                    var: Var::Answer(question.as_str()),
                                    fact: Fact::Number(Comparison::Ne, n),
                                    why: Why::Rule {
                                        span: expr.span,
                                        negated,
                                    },
                                })
                            })
                            .collect(),
                    ),
                    None => Formula::Unknown,
                }
            }
            ExprKind::Includes {
                choices,
                code,
                negated: not_in,
            } => {
                let (ExprKind::Answer { question }, ExprKind::Code { value }) =
                    (&choices.kind, &code.kind)
                else {
                    return Formula::Unknown;
                };
                Formula::Atom(Atom {
                    var: Var::Answer(question.as_str()),
                    fact: Fact::Includes(value.clone(), *not_in == negated),
                    why: Why::Rule {
                        span: expr.span,
                        negated,
                    },
                })
            }
            _ => Formula::Unknown,
        }
    }

    /// A fact's origin in words.
    fn explain(&self, why: &Why<'_>) -> String {
        match why {
            Why::Rule { span, negated } => {
                let text = self.source.get(span.range()).unwrap_or("");
                if *negated {
                    format!("`not ({text})`")
                } else {
                    format!("`{text}`")
                }
            }
            Why::Min(id, min) => format!("`{id}` is at least {min} (its `min`)"),
            Why::Max(id, max) => format!("`{id}` is at most {max} (its `max`)"),
            Why::BlockMax(block, max) => format!("`{block}` has at most {max} entries (its `max`)"),
            Why::Count(block) => format!("`count({block})` is never negative"),
        }
    }

    fn compare(
        &self,
        expr: &'f Expr,
        cmp: Comparison,
        left: &'f Expr,
        right: &'f Expr,
        order: Option<&str>,
        negated: bool,
    ) -> Formula<'f> {
        let cmp = if negated { cmp.negated() } else { cmp };
        let why = Why::Rule {
            span: expr.span,
            negated,
        };
        // Two literals: fold.
        if let (Some(a), Some(b)) = (literal(left), literal(right)) {
            return match a.partial_cmp(&b) {
                Some(ordering) if cmp.holds(ordering) => Formula::True,
                Some(_) => {
                    Formula::False("it compares two fixed values and is always false".into())
                }
                None => Formula::Unknown,
            };
        }
        let (var, value, cmp) = match (
            variable(left),
            literal(right),
            variable(right),
            literal(left),
        ) {
            (Some(var), Some(value), _, _) => (var, value, cmp),
            (_, _, Some(var), Some(value)) => (var, value, cmp.flipped()),
            _ => return Formula::Unknown,
        };
        let fact = match value {
            Literal::Number(n) => Fact::Number(cmp, n),
            Literal::Date(date) => Fact::Number(cmp, days(date)),
            Literal::Bool(b) => match cmp {
                Comparison::Eq => Fact::Bool(b),
                Comparison::Ne => Fact::Bool(!b),
                _ => return Formula::Unknown,
            },
            Literal::Code(code) => match (cmp, order) {
                (Comparison::Eq, _) => Fact::Codes {
                    codes: BTreeSet::from([code]),
                    positive: true,
                },
                (Comparison::Ne, _) => Fact::Codes {
                    codes: BTreeSet::from([code]),
                    positive: false,
                },
                (_, Some(order)) => {
                    let Some(taxonomy) = self.form.taxonomies.get(order) else {
                        return Formula::Unknown;
                    };
                    let codes: Vec<&str> = taxonomy.selectable().map(|c| c.code.as_str()).collect();
                    let Some(at) = codes.iter().position(|c| *c == code) else {
                        return Formula::Unknown;
                    };
                    let allowed = codes
                        .iter()
                        .enumerate()
                        .filter(|(index, _)| cmp.holds(index.cmp(&at)))
                        .map(|(_, c)| (*c).to_owned())
                        .collect();
                    Fact::Codes {
                        codes: allowed,
                        positive: true,
                    }
                }
                _ => return Formula::Unknown,
            },
            Literal::Text(_) => return Formula::Unknown,
        };
        Formula::Atom(Atom { var, fact, why })
    }

    /// What the form says about a variable's values, as facts with reasons.
    fn declared(&self, var: &Var<'f>) -> (Kind<'f>, Vec<(Fact, Why<'f>)>) {
        match var {
            Var::Count(block) => {
                let max = self.block_max.get(block).copied().flatten();
                let mut facts = vec![(Fact::Number(Comparison::Ge, 0.0), Why::Count(block))];
                if let Some(max) = max {
                    facts.push((
                        Fact::Number(Comparison::Le, f64::from(max)),
                        Why::BlockMax(block, max),
                    ));
                }
                (Kind::Integer, facts)
            }
            Var::Answer(id) => {
                let Some(symbol) = self.symbols.get(id) else {
                    return (Kind::Other, Vec::new());
                };
                let question = self.questions.get(id).copied();
                match (&symbol.ty, question.map(|q| &q.input)) {
                    (Ty::Number, Some(Input::Integer(number) | Input::Decimal(number))) => {
                        let mut facts = Vec::new();
                        if let Some(min) = &number.min {
                            facts.push((
                                Fact::Number(Comparison::Ge, min.value),
                                Why::Min(id, min.value),
                            ));
                        }
                        if let Some(max) = &number.max {
                            facts.push((
                                Fact::Number(Comparison::Le, max.value),
                                Why::Max(id, max.value),
                            ));
                        }
                        let integer = matches!(question.map(|q| &q.input), Some(Input::Integer(_)));
                        (if integer { Kind::Integer } else { Kind::Number }, facts)
                    }
                    (Ty::Date, _) => (Kind::Integer, Vec::new()),
                    (Ty::Code(domain), _) => {
                        (Kind::Code(&self.domains[domain.0].codes), Vec::new())
                    }
                    (Ty::Codes(_), _) => {
                        let max = match question.map(|q| &q.input) {
                            Some(Input::MultiChoice(multi)) => {
                                multi.max_selected.as_ref().map(|m| m.value as usize)
                            }
                            _ => None,
                        };
                        (Kind::Multi(max), Vec::new())
                    }
                    (Ty::Bool, _) => (Kind::Bool, Vec::new()),
                    _ => (Kind::Other, Vec::new()),
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Formula<'f> {
    True,
    False(String),
    Unknown,
    Atom(Atom<'f>),
    And(Vec<Formula<'f>>),
    Or(Vec<Formula<'f>>),
}

#[derive(Debug, Clone)]
struct Atom<'f> {
    var: Var<'f>,
    fact: Fact,
    why: Why<'f>,
}

/// Where a fact comes from, turned into words only when a rule is found impossible.
#[derive(Debug, Clone)]
enum Why<'f> {
    /// Part of a rule, perhaps negated.
    Rule {
        span: form_runtime::Span,
        negated: bool,
    },
    /// A question's `min`.
    Min(&'f str, f64),
    /// A question's `max`.
    Max(&'f str, f64),
    /// A block's `max`.
    BlockMax(&'f str, u32),
    /// A count is never negative.
    Count(&'f str),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Var<'f> {
    Answer(&'f str),
    Count(&'f str),
}

impl Var<'_> {
    fn name(&self) -> String {
        match self {
            Var::Answer(id) => format!("`{id}`"),
            Var::Count(block) => format!("`count({block})`"),
        }
    }
}

#[derive(Debug, Clone)]
enum Fact {
    Answered(bool),
    Bool(bool),
    Number(Comparison, f64),
    Codes {
        codes: BTreeSet<String>,
        positive: bool,
    },
    Includes(String, bool),
}

#[derive(Debug, Clone)]
enum Kind<'f> {
    Number,
    Integer,
    /// A single choice from these codes.
    Code(&'f [String]),
    Multi(Option<usize>),
    Bool,
    Other,
}

/// The codes a single-choice answer may still have.
#[derive(Debug, Clone)]
enum CodeSet {
    /// Any code of the list but these.
    AllBut(BTreeSet<String>),
    /// Only these.
    Only(BTreeSet<String>),
}

/// What is known about one variable on one branch of the search, each fact with where it
/// came from, so that a contradiction names just the facts that contradict.
#[derive(Debug, Clone)]
struct VarState<'f> {
    kind: Kind<'f>,
    answered: Option<(bool, Why<'f>)>,
    low: Option<(f64, bool, Why<'f>)>,
    high: Option<(f64, bool, Why<'f>)>,
    excluded: Vec<(f64, Why<'f>)>,
    codes: CodeSet,
    code_facts: Vec<Why<'f>>,
    includes: BTreeMap<String, Why<'f>>,
    excludes: BTreeMap<String, Why<'f>>,
    boolean: Option<(bool, Why<'f>)>,
}

impl<'f> VarState<'f> {
    fn new(kind: Kind<'f>) -> VarState<'f> {
        VarState {
            kind,
            answered: None,
            low: None,
            high: None,
            excluded: Vec::new(),
            codes: CodeSet::AllBut(BTreeSet::new()),
            code_facts: Vec::new(),
            includes: BTreeMap::new(),
            excludes: BTreeMap::new(),
            boolean: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
struct State<'f> {
    vars: BTreeMap<Var<'f>, VarState<'f>>,
}

struct Search<'a, 'f> {
    analysis: &'a Analysis<'f>,
    budget: usize,
}

impl<'f> Search<'_, 'f> {
    /// Ok when some answers can make every formula true (or the search gave up); otherwise
    /// the reason none can.
    fn satisfy(&mut self, formulas: &[Formula<'f>], mut state: State<'f>) -> Result<(), String> {
        if self.budget == 0 {
            return Ok(());
        }
        self.budget -= 1;
        let mut flat: Vec<&Formula<'_>> = Vec::new();
        let mut pending: Vec<&Formula<'_>> = formulas.iter().collect();
        while let Some(formula) = pending.pop() {
            match formula {
                Formula::And(parts) => pending.extend(parts.iter()),
                other => flat.push(other),
            }
        }
        let mut ors: Vec<&Vec<Formula<'_>>> = Vec::new();
        for formula in flat {
            match formula {
                Formula::True | Formula::Unknown | Formula::And(_) => {}
                Formula::False(reason) => return Err(reason.clone()),
                Formula::Atom(atom) => self.add(&mut state, atom)?,
                Formula::Or(branches) => ors.push(branches),
            }
        }
        let Some((first, rest)) = ors.split_first() else {
            return Ok(());
        };
        let rest: Vec<Formula<'_>> = rest
            .iter()
            .map(|branches| Formula::Or((*branches).clone()))
            .collect();
        let mut reasons: Vec<String> = Vec::new();
        for branch in first.iter() {
            let mut formulas = rest.clone();
            formulas.push(branch.clone());
            match self.satisfy(&formulas, state.clone()) {
                Ok(()) => return Ok(()),
                Err(reason) => {
                    if !reasons.contains(&reason) {
                        reasons.push(reason);
                    }
                }
            }
        }
        Err(if reasons.len() == 1 {
            reasons.remove(0)
        } else {
            format!(
                "none of its alternatives can be true ({})",
                reasons.join("; ")
            )
        })
    }

    fn add(&mut self, state: &mut State<'f>, atom: &Atom<'f>) -> Result<(), String> {
        let var_state = state.vars.entry(atom.var.clone()).or_insert_with(|| {
            let (kind, declared) = self.analysis.declared(&atom.var);
            let mut var_state = VarState::new(kind);
            for (fact, why) in declared {
                // Declared facts only narrow bounds; they cannot contradict each other here,
                // because the compiler has already rejected `min` above `max`.
                let _ = apply(&mut var_state, &fact, &why);
            }
            // What the form declares holds for any answer, but does not mean there is one.
            var_state.answered = None;
            var_state
        });
        apply(var_state, &atom.fact, &atom.why).map_err(|whys| {
            let mut reasons: Vec<String> = Vec::new();
            for why in &whys {
                let reason = self.analysis.explain(why);
                if !reasons.contains(&reason) {
                    reasons.push(reason);
                }
            }
            let facts = match reasons.as_slice() {
                [one, two] => format!("both {one} and {two}"),
                _ => format!("all of {}", crate::diagnostic::join_words(&reasons, "and")),
            };
            format!("no answer to {} can meet {facts}", atom.var.name())
        })
    }
}

/// Adds a fact; on a contradiction, the facts that contradict.
fn apply<'f>(state: &mut VarState<'f>, fact: &Fact, why: &Why<'f>) -> Result<(), Vec<Why<'f>>> {
    if !matches!(fact, Fact::Answered(_)) {
        match &state.answered {
            Some((false, unanswered)) => return Err(vec![unanswered.clone(), why.clone()]),
            Some((true, _)) => {}
            None => state.answered = Some((true, why.clone())),
        }
    }
    match fact {
        Fact::Answered(answered) => match &state.answered {
            Some((known, other)) if known != answered => Err(vec![other.clone(), why.clone()]),
            _ => {
                state.answered = Some((*answered, why.clone()));
                Ok(())
            }
        },
        Fact::Bool(value) => match &state.boolean {
            Some((known, other)) if known != value => Err(vec![other.clone(), why.clone()]),
            _ => {
                state.boolean = Some((*value, why.clone()));
                Ok(())
            }
        },
        Fact::Number(cmp, value) => {
            let value = *value;
            match cmp {
                Comparison::Eq => {
                    tighten_low(state, value, false, why);
                    tighten_high(state, value, false, why);
                }
                Comparison::Ne => state.excluded.push((value, why.clone())),
                Comparison::Gt => tighten_low(state, value, true, why),
                Comparison::Ge => tighten_low(state, value, false, why),
                Comparison::Lt => tighten_high(state, value, true, why),
                Comparison::Le => tighten_high(state, value, false, why),
            }
            numbers_possible(state)
        }
        Fact::Codes { codes, positive } => {
            let Kind::Code(all) = state.kind else {
                return Ok(());
            };
            state.code_facts.push(why.clone());
            state.codes = match (
                std::mem::replace(&mut state.codes, CodeSet::Only(BTreeSet::new())),
                positive,
            ) {
                (CodeSet::AllBut(excluded), true) => {
                    CodeSet::Only(codes.difference(&excluded).cloned().collect())
                }
                (CodeSet::Only(only), true) => {
                    CodeSet::Only(only.intersection(codes).cloned().collect())
                }
                (CodeSet::AllBut(mut excluded), false) => {
                    excluded.extend(codes.iter().cloned());
                    CodeSet::AllBut(excluded)
                }
                (CodeSet::Only(only), false) => {
                    CodeSet::Only(only.difference(codes).cloned().collect())
                }
            };
            let possible = match &state.codes {
                CodeSet::Only(only) => !only.is_empty(),
                CodeSet::AllBut(excluded) => all.iter().any(|code| !excluded.contains(code)),
            };
            if possible {
                Ok(())
            } else {
                Err(state.code_facts.clone())
            }
        }
        Fact::Includes(code, positive) => {
            let (this, other) = if *positive {
                (&mut state.includes, &state.excludes)
            } else {
                (&mut state.excludes, &state.includes)
            };
            if let Some(contradiction) = other.get(code) {
                return Err(vec![contradiction.clone(), why.clone()]);
            }
            this.insert(code.clone(), why.clone());
            match state.kind {
                Kind::Multi(Some(max)) if state.includes.len() > max => {
                    Err(state.includes.values().cloned().collect())
                }
                _ => Ok(()),
            }
        }
    }
}

fn tighten_low<'f>(state: &mut VarState<'f>, value: f64, strict: bool, why: &Why<'f>) {
    let replace = match &state.low {
        None => true,
        Some((low, low_strict, _)) => value > *low || (value == *low && strict && !low_strict),
    };
    if replace {
        state.low = Some((value, strict, why.clone()));
    }
}

fn tighten_high<'f>(state: &mut VarState<'f>, value: f64, strict: bool, why: &Why<'f>) {
    let replace = match &state.high {
        None => true,
        Some((high, high_strict, _)) => value < *high || (value == *high && strict && !high_strict),
    };
    if replace {
        state.high = Some((value, strict, why.clone()));
    }
}

fn numbers_possible<'f>(state: &VarState<'f>) -> Result<(), Vec<Why<'f>>> {
    let (Some((low, low_strict, low_why)), Some((high, high_strict, high_why))) =
        (&state.low, &state.high)
    else {
        return Ok(());
    };
    let (mut low, mut low_strict, mut high, mut high_strict) =
        (*low, *low_strict, *high, *high_strict);
    if matches!(state.kind, Kind::Integer) {
        low = if low_strict {
            low.floor() + 1.0
        } else {
            low.ceil()
        };
        high = if high_strict {
            high.ceil() - 1.0
        } else {
            high.floor()
        };
        low_strict = false;
        high_strict = false;
    }
    if low > high || (low == high && (low_strict || high_strict)) {
        return Err(vec![low_why.clone(), high_why.clone()]);
    }
    if low == high
        && let Some((_, excluded_why)) = state.excluded.iter().find(|(value, _)| *value == low)
    {
        return Err(vec![
            low_why.clone(),
            high_why.clone(),
            excluded_why.clone(),
        ]);
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum Literal {
    Number(f64),
    Date(Date),
    Bool(bool),
    Code(String),
    Text(String),
}

fn literal(expr: &Expr) -> Option<Literal> {
    Some(match &expr.kind {
        ExprKind::Number { value } => Literal::Number(*value),
        ExprKind::Date { value } => Literal::Date(value.parse().ok()?),
        ExprKind::Bool { value } => Literal::Bool(*value),
        ExprKind::Code { value } => Literal::Code(value.clone()),
        ExprKind::Text { value } => Literal::Text(value.clone()),
        ExprKind::Negate { operand } => match literal(operand)? {
            Literal::Number(n) => Literal::Number(-n),
            _ => return None,
        },
        _ => return None,
    })
}

fn literal_number(expr: &Expr) -> Option<f64> {
    match literal(expr)? {
        Literal::Number(n) => Some(n),
        Literal::Date(date) => Some(days(date)),
        _ => None,
    }
}

fn variable(expr: &Expr) -> Option<Var<'_>> {
    match &expr.kind {
        ExprKind::Answer { question } => Some(Var::Answer(question.as_str())),
        ExprKind::Count {
            block,
            filter: None,
        } => Some(Var::Count(block.as_str())),
        _ => None,
    }
}

/// A date as a day number, so that date bounds are number bounds on whole days.
fn days(date: Date) -> f64 {
    let epoch = Date::constant(1970, 1, 1);
    date.since((jiff::Unit::Day, epoch))
        .map_or(0.0, |span| f64::from(span.get_days()))
}
