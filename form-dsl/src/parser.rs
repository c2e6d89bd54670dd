//! Parsing: text to syntax tree with spans, or one precise syntax diagnostic.

use std::sync::LazyLock;

use form_runtime::{Arithmetic, Comparison, DateBoundKind, DurationUnit, Span};
use pest::Parser as _;
use pest::iterators::{Pair, Pairs};
use pest::pratt_parser::{Assoc, Op, PrattParser};

use crate::ast::{
    Attribute, AttributeKind, BinaryOp, BodyItem, CheckDef, ChoiceItem, Code, Container, Expr,
    ExprKind, File, Ident, Include, Name, Number, NumberAttribute, QuestionDef, QuestionType,
    SizeUnit, Str, TaxonomyDef, TaxonomyEntry, TextAttribute, UnaryOp, UseDecl,
};
use crate::diagnostic::{Code as DiagnosticCode, Diagnostic};
use crate::prescan::{prescan, to_u32};
use crate::source::SourceFile;
use crate::{Limits, syntax_error};

#[derive(pest_derive::Parser)]
#[grammar = "grammar.pest"]
pub(crate) struct FormParser;

/// The result of parsing one file.
#[derive(Debug, Clone)]
pub struct Parse {
    /// The syntax tree, when the file could be parsed.
    pub tree: Option<File>,
    /// Problems found while reading and parsing.
    pub diagnostics: Vec<Diagnostic>,
    /// The file parsed.
    pub file: crate::FileId,
}

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
        .op(Op::infix(Rule::op_eq, Assoc::Left)
            | Op::infix(Rule::op_ne, Assoc::Left)
            | Op::infix(Rule::op_lt, Assoc::Left)
            | Op::infix(Rule::op_le, Assoc::Left)
            | Op::infix(Rule::op_gt, Assoc::Left)
            | Op::infix(Rule::op_ge, Assoc::Left)
            | Op::infix(Rule::op_in, Assoc::Left)
            | Op::infix(Rule::op_not_in, Assoc::Left))
        .op(Op::infix(Rule::op_add, Assoc::Left) | Op::infix(Rule::op_sub, Assoc::Left))
        .op(Op::infix(Rule::op_mul, Assoc::Left) | Op::infix(Rule::op_div, Assoc::Left))
        .op(Op::prefix(Rule::op_neg))
});

/// Parses one file: a lexical pre-scan, then the grammar, then the syntax tree.
///
/// Never panics and never recurses without bound: nesting is limited by the pre-scan.
pub fn parse(file: &SourceFile, limits: &Limits) -> Parse {
    let scan = prescan(file, limits);
    let mut diagnostics = scan.diagnostics;
    if !scan.parseable {
        return Parse {
            tree: None,
            diagnostics,
            file: file.id(),
        };
    }
    let tree = match FormParser::parse(Rule::file, file.text()) {
        Ok(mut pairs) => {
            let mut builder = Builder {
                diagnostics: &mut diagnostics,
                file,
                max_nesting: limits.max_nesting,
            };
            pairs.next().map(|pair| builder.file(pair))
        }
        Err(error) => {
            diagnostics.push(syntax_error::describe(file, &error));
            None
        }
    };
    if let Some(tree) = &tree
        && tree.items.is_empty()
        && tree.includes.is_empty()
        && !diagnostics.iter().any(Diagnostic::is_error)
    {
        diagnostics.push(
            Diagnostic::new(
                DiagnosticCode::EmptyFile,
                file.id(),
                file.end_span(),
                "the file defines nothing",
            )
            .with_help("start with `form my_form \"Title\" { ... }`; see docs/language.md"),
        );
    }
    Parse {
        tree,
        diagnostics,
        file: file.id(),
    }
}

/// The span of a pair, without the whitespace and line comments that a rule ending in an
/// optional part can take in after its last token.
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let span = pair.as_span();
    let len = tight_len(pair.as_str());
    Span::new(to_u32(span.start()), to_u32(span.start() + len))
}

fn tight_len(text: &str) -> usize {
    // Skipped whitespace and comments always end in whitespace (a line comment ends at a line
    // break), so a rule that ends in anything else ends in its last token.
    if !text.ends_with(|c: char| c.is_ascii_whitespace()) {
        return text.len();
    }
    let mut end = text.trim_end().len();
    loop {
        let line_start = text[..end].rfind('\n').map_or(0, |at| at + 1);
        match comment_start(&text[line_start..end]) {
            Some(at) => end = text[..line_start + at].trim_end().len(),
            None => return end,
        }
    }
}

/// Where a `//` comment starts in a line of source, outside quoted text.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (at, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '/' if !in_string && line[at..].starts_with("//") => return Some(at),
            _ => {}
        }
    }
    None
}

struct Builder<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    file: &'a SourceFile,
    /// [`Limits::max_nesting`], which a rule's expression is held to as well.
    max_nesting: usize,
}

/// The grammar guarantees the shape of the pairs; this reports a broken guarantee as a bug
/// in the compiler without panicking.
fn shape_bug(file: crate::FileId, rule: Rule) -> Diagnostic {
    Diagnostic::new(
        DiagnosticCode::SyntaxError,
        file,
        Span::default(),
        format!("internal compiler error: unexpected {rule:?}; please report this form file"),
    )
}

impl Builder<'_> {
    fn file(&mut self, pair: Pair<'_, Rule>) -> File {
        let mut file = File {
            includes: Vec::new(),
            items: Vec::new(),
        };
        for pair in pair.into_inner() {
            match pair.as_rule() {
                Rule::include => {
                    let span = span_of(&pair);
                    if let Some(path) = pair.into_inner().find(|p| p.as_rule() == Rule::string) {
                        file.includes.push(Include {
                            path: self.string(path),
                            span,
                        });
                    }
                }
                Rule::EOI => {}
                _ => {
                    if let Some(item) = self.body_item(pair) {
                        file.items.push(item);
                    }
                }
            }
        }
        file
    }

    fn body(&mut self, pairs: Pairs<'_, Rule>) -> Vec<BodyItem> {
        pairs.filter_map(|pair| self.body_item(pair)).collect()
    }

    fn body_item(&mut self, pair: Pair<'_, Rule>) -> Option<BodyItem> {
        Some(match pair.as_rule() {
            Rule::form_def => BodyItem::Form(self.container(pair)),
            Rule::section_def => BodyItem::Section(self.container(pair)),
            Rule::repeat_def => BodyItem::Repeat(self.container(pair)),
            Rule::question => BodyItem::Question(self.question(pair)),
            Rule::check_def => BodyItem::Check(Box::new(self.check(pair))),
            Rule::taxonomy_def => BodyItem::Taxonomy(Box::new(self.taxonomy(pair))),
            Rule::use_decl => BodyItem::Use(self.use_decl(pair)),
            _ => BodyItem::Attribute(self.attribute(pair)?),
        })
    }

    fn container(&mut self, pair: Pair<'_, Rule>) -> Container {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let keyword_span = inner.next().map(|p| span_of(&p)).unwrap_or(span);
        let id = self.ident(inner.next());
        let title = inner
            .next()
            .map(|p| self.string(p))
            .unwrap_or_else(|| empty_str(span));
        let body = inner
            .next()
            .map(|block| self.body(block.into_inner()))
            .unwrap_or_default();
        Container {
            keyword_span,
            id,
            title,
            body,
            span,
        }
    }

    fn question(&mut self, pair: Pair<'_, Rule>) -> QuestionDef {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let (ty, type_span) = match inner.next() {
            Some(ty) => (
                QuestionType::from_keyword(ty.as_str()).unwrap_or(QuestionType::Text),
                span_of(&ty),
            ),
            None => (QuestionType::Text, span),
        };
        let id = self.ident(inner.next());
        let label = inner
            .next()
            .map(|p| self.string(p))
            .unwrap_or_else(|| empty_str(span));
        // `choice team "Team" from send.teams { ... }`: the `from` before the braces is an
        // attribute like the others.
        let mut body = Vec::new();
        for pair in inner {
            match pair.as_rule() {
                Rule::question_block => body.extend(self.body(pair.into_inner())),
                _ => body.extend(self.attribute(pair).map(BodyItem::Attribute)),
            }
        }
        QuestionDef {
            ty,
            type_span,
            id,
            label,
            body,
            span,
        }
    }

    fn check(&mut self, pair: Pair<'_, Rule>) -> CheckDef {
        let span = span_of(&pair);
        let mut id = None;
        let mut message = empty_str(span);
        let mut when = None;
        let mut require = None;
        let mut target = None;
        let mut after = Rule::kw_check;
        for pair in pair.into_inner() {
            match pair.as_rule() {
                Rule::ident if after == Rule::kw_on => target = Some(self.ident(Some(pair))),
                Rule::ident => id = Some(self.ident(Some(pair))),
                Rule::string => message = self.string(pair),
                Rule::expr if after == Rule::kw_when => when = Some(self.expr(pair)),
                Rule::expr => require = Some(self.expr(pair)),
                rule => after = rule,
            }
        }
        CheckDef {
            id,
            message,
            when,
            require: require.unwrap_or(Expr {
                kind: ExprKind::Bool(true),
                span,
            }),
            target,
            span,
        }
    }

    fn taxonomy(&mut self, pair: Pair<'_, Rule>) -> TaxonomyDef {
        let span = span_of(&pair);
        let mut definition = TaxonomyDef {
            name: Name {
                value: String::new(),
                span,
            },
            title: None,
            ordered: false,
            base: None,
            entries: Vec::new(),
            span,
        };
        let mut after_from = false;
        for pair in pair.into_inner() {
            match pair.as_rule() {
                Rule::taxonomy_name if after_from => definition.base = Some(name(&pair)),
                Rule::taxonomy_name => definition.name = name(&pair),
                Rule::string => definition.title = Some(self.string(pair)),
                Rule::kw_ordered => definition.ordered = true,
                Rule::kw_from => after_from = true,
                Rule::keep_codes => {
                    let span = span_of(&pair);
                    definition
                        .entries
                        .push(TaxonomyEntry::Only(codes(pair), span));
                }
                Rule::drop_codes => {
                    let span = span_of(&pair);
                    definition
                        .entries
                        .push(TaxonomyEntry::Except(codes(pair), span));
                }
                Rule::choice_item => definition
                    .entries
                    .push(TaxonomyEntry::Choice(self.choice_item(pair))),
                _ => {}
            }
        }
        definition
    }

    fn choice_item(&mut self, pair: Pair<'_, Rule>) -> ChoiceItem {
        let span = span_of(&pair);
        let mut code = Code {
            value: String::new(),
            span,
        };
        let mut texts = Vec::new();
        let mut children = Vec::new();
        for pair in pair.into_inner() {
            match pair.as_rule() {
                Rule::code => code = code_of(&pair),
                Rule::string => texts.push(self.string(pair)),
                Rule::choice_item => children.push(self.choice_item(pair)),
                _ => {}
            }
        }
        let mut texts = texts.into_iter();
        let first = texts.next().unwrap_or_else(|| empty_str(span));
        ChoiceItem {
            code,
            first,
            second: texts.next(),
            children,
            span,
        }
    }

    fn use_decl(&mut self, pair: Pair<'_, Rule>) -> UseDecl {
        let span = span_of(&pair);
        let mut taxonomy = Name {
            value: String::new(),
            span,
        };
        let mut alias = None;
        for pair in pair.into_inner() {
            match pair.as_rule() {
                Rule::taxonomy_name => taxonomy = name(&pair),
                Rule::ident => alias = Some(self.ident(Some(pair))),
                _ => {}
            }
        }
        UseDecl {
            name: taxonomy,
            alias,
            span,
        }
    }

    fn attribute(&mut self, pair: Pair<'_, Rule>) -> Option<Attribute> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        // A `message "..."` is always the last part.
        let message = pair
            .clone()
            .into_inner()
            .last()
            .filter(|last| last.as_rule() == Rule::message)
            .and_then(|message| message.into_inner().find(|p| p.as_rule() == Rule::string));
        let mut rest = pair.into_inner();
        let keyword = rest.next()?;
        let mut name_span = span_of(&keyword);
        let kind = match rule {
            Rule::required_attr => {
                let when = rest
                    .find(|p| p.as_rule() == Rule::expr)
                    .map(|p| self.expr(p));
                AttributeKind::Required(when)
            }
            Rule::visible_attr => {
                let when_keyword = rest.next()?;
                name_span = name_span.cover(span_of(&when_keyword));
                AttributeKind::Visible(self.expr(rest.next()?))
            }
            Rule::locked_attr | Rule::only_attr | Rule::audience_attr => {
                let mut list = rest.next()?;
                if rule != Rule::audience_attr {
                    name_span = name_span.cover(span_of(&list));
                    list = rest.next()?;
                }
                let names = list.into_inner().map(|p| self.ident(Some(p))).collect();
                match rule {
                    Rule::locked_attr => AttributeKind::Locked(names),
                    Rule::only_attr => AttributeKind::Only(names),
                    _ => AttributeKind::Audience(names),
                }
            }
            Rule::only_on_attr => {
                let on = rest.next()?;
                name_span = name_span.cover(span_of(&on));
                AttributeKind::OnlyOn(self.ident(rest.next()))
            }
            Rule::options_attr => {
                AttributeKind::Options(rest.map(|p| self.choice_item(p)).collect())
            }
            Rule::from_attr => AttributeKind::From(name(&rest.next()?)),
            Rule::accept_attr => AttributeKind::Accept(rest.map(|p| self.string(p)).collect()),
            Rule::max_size_attr => {
                let amount = number(&rest.next()?);
                let unit = match rest.next()?.as_str() {
                    "KB" => SizeUnit::Kb,
                    "GB" => SizeUnit::Gb,
                    _ => SizeUnit::Mb,
                };
                AttributeKind::MaxSize(amount, unit)
            }
            Rule::exclusive_attr => {
                let code = code_of(&rest.next()?);
                let label = self.string(rest.next()?);
                AttributeKind::Exclusive(code, label)
            }
            Rule::flag_attr => AttributeKind::OwnedByAuthor,
            Rule::text_attr => {
                let name = match keyword.as_str() {
                    "hint" => TextAttribute::Hint,
                    "intro" => TextAttribute::Intro,
                    "body" => TextAttribute::Body,
                    "version" => TextAttribute::Version,
                    "item" => TextAttribute::Item,
                    "prefix" => TextAttribute::Prefix,
                    "suffix" => TextAttribute::Suffix,
                    "autocomplete" => TextAttribute::Autocomplete,
                    _ => TextAttribute::Pattern,
                };
                AttributeKind::Text(name, self.string(rest.next()?))
            }
            Rule::number_attr => {
                let name = match keyword.as_str() {
                    "max_length" => NumberAttribute::MaxLength,
                    "min_length" => NumberAttribute::MinLength,
                    "max_words" => NumberAttribute::MaxWords,
                    "min_selected" => NumberAttribute::MinSelected,
                    "max_selected" => NumberAttribute::MaxSelected,
                    "min_files" => NumberAttribute::MinFiles,
                    "max_files" => NumberAttribute::MaxFiles,
                    "decimals" => NumberAttribute::Decimals,
                    "min" => NumberAttribute::Min,
                    _ => NumberAttribute::Max,
                };
                let value = rest.next()?;
                match value.as_rule() {
                    Rule::signed_number => AttributeKind::Number(name, number(&value)),
                    _ => AttributeKind::NumberGivenDate(name, span_of(&value)),
                }
            }
            Rule::date_bound_attr => {
                let kind = match keyword.as_str() {
                    "before" => DateBoundKind::Before,
                    "after" => DateBoundKind::After,
                    "not_before" => DateBoundKind::NotBefore,
                    _ => DateBoundKind::NotAfter,
                };
                AttributeKind::DateBound(kind, self.expr(rest.next()?))
            }
            other => {
                self.diagnostics.push(shape_bug(self.file.id(), other));
                return None;
            }
        };
        let message = message.map(|p| self.string(p));
        Some(Attribute {
            kind,
            name_span,
            message,
            span,
        })
    }

    fn ident(&mut self, pair: Option<Pair<'_, Rule>>) -> Ident {
        match pair {
            Some(pair) => Ident {
                name: pair.as_str().to_owned(),
                span: span_of(&pair),
            },
            None => Ident {
                name: String::new(),
                span: Span::default(),
            },
        }
    }

    fn string(&mut self, pair: Pair<'_, Rule>) -> Str {
        let span = span_of(&pair);
        let raw = pair.as_str();
        if let Some(inner) = raw
            .strip_prefix("\"\"\"")
            .and_then(|rest| rest.strip_suffix("\"\"\""))
        {
            return Str {
                value: dedent(inner),
                span,
            };
        }
        let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
        let value = if inner.contains('\\') {
            self.unescape(inner, span.start as usize + 1)
        } else {
            inner.to_owned()
        };
        Str { value, span }
    }

    /// Resolves `\"`, `\\`, `\n`, `\t` and `\u{...}`; anything else is an `invalid-escape`.
    fn unescape(&mut self, raw: &str, raw_start: usize) -> String {
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((at, c)) = chars.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            let Some((_, escaped)) = chars.next() else {
                break;
            };
            let resolved = match escaped {
                '"' => Some('"'),
                '\\' => Some('\\'),
                'n' => Some('\n'),
                't' => Some('\t'),
                'u' => {
                    let rest = &raw[at + 2..];
                    let hex = rest
                        .strip_prefix('{')
                        .and_then(|rest| rest.split_once('}'))
                        .map(|(hex, _)| hex);
                    match hex.and_then(|hex| u32::from_str_radix(hex, 16).ok().map(|n| (hex, n))) {
                        Some((hex, n)) if hex.len() <= 6 => {
                            for _ in 0..hex.len() + 2 {
                                chars.next();
                            }
                            char::from_u32(n)
                        }
                        _ => None,
                    }
                }
                _ => None,
            };
            match resolved {
                Some(c) => value.push(c),
                None => {
                    let start = raw_start + at;
                    let end = start + 1 + escaped.len_utf8();
                    self.diagnostics.push(
                        Diagnostic::new(
                            DiagnosticCode::InvalidEscape,
                            self.file.id(),
                            Span::new(to_u32(start), to_u32(end)),
                            format!("`\\{escaped}` is not a known escape in quoted text"),
                        )
                        .with_help(
                            "write `\\\\` for a backslash, `\\\"` for a quote, `\\n` for a new line, or `\\u{2019}` for a character by its code",
                        ),
                    );
                    value.push(escaped);
                }
            }
        }
        value
    }

    /// A rule's expression, or, when its operators nest more than `max_nesting` deep (each
    /// `not`, operator, bracket, list and call is a level), a `nesting-too-deep` error and a
    /// stand-in: every later pass, and the `form.json` it compiles to, walks an expression by
    /// recursion, and `form.json` is read back with a bound on its nesting.
    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let span = span_of(&pair);
        match self.expr_depth(pair) {
            (expr, depth) if depth <= self.max_nesting => expr,
            _ => {
                self.diagnostics.push(
                    Diagnostic::new(
                        DiagnosticCode::NestingTooDeep,
                        self.file.id(),
                        span,
                        format!(
                            "this rule's operators and brackets are nested more than {} deep",
                            self.max_nesting
                        ),
                    )
                    .with_help("split the rule into simpler rules, or remove brackets and `not`s that are not needed"),
                );
                // A stand-in that no later check has more to say about.
                Expr {
                    kind: ExprKind::Bool(true),
                    span,
                }
            }
        }
    }

    /// An expression and how deep it nests (a name or a number: 1), or `usize::MAX` for a
    /// run of prefix operators longer than the limit, which is not parsed at all: pest's Pratt
    /// parser recurses once for each of them.
    fn expr_depth(&mut self, pair: Pair<'_, Rule>) -> (Expr, usize) {
        let mut run = 0;
        for token in pair.clone().into_inner() {
            run = match token.as_rule() {
                Rule::op_not | Rule::op_neg => run + 1,
                _ => 0,
            };
            if run > self.max_nesting {
                let kind = ExprKind::Bool(true);
                return (
                    Expr {
                        kind,
                        span: span_of(&pair),
                    },
                    usize::MAX,
                );
            }
        }
        // The span is built from the operands' spans, which are exact.
        PRATT
            .map_primary(|primary| self.primary(primary))
            .map_prefix(|op, (operand, depth)| {
                let op_span = span_of(&op);
                let kind = if op.as_rule() == Rule::op_not {
                    UnaryOp::Not
                } else {
                    UnaryOp::Neg
                };
                let span = op_span.cover(operand.span);
                let expr = Expr {
                    kind: ExprKind::Unary(kind, Box::new(operand)),
                    span,
                };
                (expr, depth.saturating_add(1))
            })
            .map_infix(|(left, left_depth), op, (right, right_depth)| {
                let op = match op.as_rule() {
                    Rule::op_or => BinaryOp::Or,
                    Rule::op_and => BinaryOp::And,
                    Rule::op_in => BinaryOp::In,
                    Rule::op_not_in => BinaryOp::NotIn,
                    Rule::op_eq => BinaryOp::Compare(Comparison::Eq),
                    Rule::op_ne => BinaryOp::Compare(Comparison::Ne),
                    Rule::op_lt => BinaryOp::Compare(Comparison::Lt),
                    Rule::op_le => BinaryOp::Compare(Comparison::Le),
                    Rule::op_gt => BinaryOp::Compare(Comparison::Gt),
                    Rule::op_ge => BinaryOp::Compare(Comparison::Ge),
                    Rule::op_add => BinaryOp::Arithmetic(Arithmetic::Add),
                    Rule::op_sub => BinaryOp::Arithmetic(Arithmetic::Sub),
                    Rule::op_mul => BinaryOp::Arithmetic(Arithmetic::Mul),
                    _ => BinaryOp::Arithmetic(Arithmetic::Div),
                };
                let span = left.span.cover(right.span);
                let expr = Expr {
                    kind: ExprKind::Binary(op, Box::new(left), Box::new(right)),
                    span,
                };
                (expr, left_depth.max(right_depth).saturating_add(1))
            })
            .parse(pair.into_inner())
    }

    /// A primary expression and how deep it nests.
    fn primary(&mut self, pair: Pair<'_, Rule>) -> (Expr, usize) {
        let span = span_of(&pair);
        // The depth of what it holds: brackets, list items, arguments.
        let mut inner_depth = 0;
        let mut nested = |builder: &mut Self, pair| {
            let (expr, depth) = builder.expr_depth(pair);
            inner_depth = inner_depth.max(depth);
            expr
        };
        let kind = match pair.as_rule() {
            Rule::paren => match pair.into_inner().next() {
                Some(inner) => ExprKind::Paren(Box::new(nested(self, inner))),
                None => ExprKind::Bool(false),
            },
            Rule::list => {
                ExprKind::List(pair.into_inner().map(|item| nested(self, item)).collect())
            }
            Rule::call => {
                let mut inner = pair.into_inner();
                let name = self.ident(inner.next());
                let args = inner.map(|arg| nested(self, arg)).collect();
                ExprKind::Call(name, args)
            }
            Rule::duration => {
                let mut inner = pair.into_inner();
                let amount = inner.next().map(|p| number(&p)).unwrap_or(Number {
                    value: 0.0,
                    whole: true,
                    span,
                });
                let unit = match inner.next().map(|p| p.as_str()) {
                    Some("day" | "days") => DurationUnit::Days,
                    Some("week" | "weeks") => DurationUnit::Weeks,
                    Some("month" | "months") => DurationUnit::Months,
                    _ => DurationUnit::Years,
                };
                ExprKind::Duration(amount, unit)
            }
            Rule::date_literal => ExprKind::Date(pair.as_str().to_owned()),
            Rule::number => ExprKind::Number(number(&pair).value),
            Rule::string => ExprKind::Str(self.string(pair).value),
            Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
            Rule::today => ExprKind::Today,
            Rule::reference => ExprKind::Reference(pair.as_str().to_owned()),
            other => {
                self.diagnostics.push(shape_bug(self.file.id(), other));
                ExprKind::Bool(false)
            }
        };
        (Expr { kind, span }, inner_depth.saturating_add(1))
    }
}

fn empty_str(span: Span) -> Str {
    Str {
        value: String::new(),
        span,
    }
}

fn name(pair: &Pair<'_, Rule>) -> Name {
    Name {
        value: pair.as_str().to_owned(),
        span: span_of(pair),
    }
}

fn code_of(pair: &Pair<'_, Rule>) -> Code {
    Code {
        value: pair.as_str().to_owned(),
        span: span_of(pair),
    }
}

fn codes(pair: Pair<'_, Rule>) -> Vec<Code> {
    pair.into_inner()
        .filter(|p| p.as_rule() == Rule::code)
        .map(|p| code_of(&p))
        .collect()
}

fn number(pair: &Pair<'_, Rule>) -> Number {
    let text = pair.as_str();
    // The grammar only admits digits with an optional sign and fraction, which always parse.
    Number {
        value: text.parse().unwrap_or(0.0),
        whole: !text.contains('.'),
        span: span_of(pair),
    }
}

/// The text of a `"""` block: the line break after the opening quotes and the indentation
/// common to all non-blank lines are removed, as are trailing blank lines.
pub(crate) fn dedent(raw: &str) -> String {
    let raw = raw
        .strip_prefix("\r\n")
        .or_else(|| raw.strip_prefix('\n'))
        .unwrap_or(raw);
    let lines: Vec<&str> = raw.lines().collect();
    let indent = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.len() - line.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut out: Vec<&str> = lines
        .iter()
        .map(|line| {
            if line.trim().is_empty() {
                ""
            } else {
                &line[indent..]
            }
        })
        .map(|line| line.trim_end())
        .collect();
    while out.last().is_some_and(|line| line.is_empty()) {
        out.pop();
    }
    out.join("\n")
}
