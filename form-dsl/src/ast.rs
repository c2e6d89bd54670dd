//! The syntax tree: what a form file says, with the span of every part.
//!
//! The tree is close to the source. Names are not resolved and attributes are not yet checked
//! against the parts they are on; that is the checker's work.

use form_runtime::{DateBoundKind, Span};

/// A whole file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// `include "..."` lines, in order.
    pub includes: Vec<Include>,
    /// Forms, taxonomies and `use` lines at the top level, in order.
    pub items: Vec<BodyItem>,
}

/// `include "path"`.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    /// The path as written.
    pub path: Str,
    /// The whole line.
    pub span: Span,
}

/// A name: an id of a form, section, block, question, check or audience.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where.
    pub span: Span,
}

/// A quoted text, with escapes resolved (and block texts dedented).
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    /// The text.
    pub value: String,
    /// Where, including the quotes.
    pub span: Span,
}

/// A code in a taxonomy or option list.
#[derive(Debug, Clone, PartialEq)]
pub struct Code {
    /// The code.
    pub value: String,
    /// Where.
    pub span: Span,
}

/// Anything that can appear at the top level or in a block.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyItem {
    /// `form id "Title" { ... }`.
    Form(Container),
    /// `section id "Title" { ... }`.
    Section(Container),
    /// `repeat id "Title" { ... }`.
    Repeat(Container),
    /// `text id "Label" { ... }` and the other question types, and `display`.
    Question(QuestionDef),
    /// `check ... require ...` (boxed: checks are rare and large).
    Check(Box<CheckDef>),
    /// `taxonomy name { ... }` (boxed: taxonomies are rare and large).
    Taxonomy(Box<TaxonomyDef>),
    /// `use taxonomy name`.
    Use(UseDecl),
    /// An attribute such as `required` or `max_length 100`.
    Attribute(Attribute),
}

impl BodyItem {
    /// The span of the whole item.
    pub fn span(&self) -> Span {
        match self {
            BodyItem::Form(container)
            | BodyItem::Section(container)
            | BodyItem::Repeat(container) => container.span,
            BodyItem::Question(question) => question.span,
            BodyItem::Check(check) => check.span,
            BodyItem::Taxonomy(taxonomy) => taxonomy.span,
            BodyItem::Use(decl) => decl.span,
            BodyItem::Attribute(attribute) => attribute.span,
        }
    }

    /// The span of the item's first word, for "this cannot go here" messages.
    pub fn keyword_span(&self) -> Span {
        match self {
            BodyItem::Form(container)
            | BodyItem::Section(container)
            | BodyItem::Repeat(container) => container.keyword_span,
            BodyItem::Question(question) => question.type_span,
            BodyItem::Attribute(attribute) => attribute.name_span,
            BodyItem::Check(_) | BodyItem::Taxonomy(_) | BodyItem::Use(_) => {
                let span = self.span();
                Span::new(span.start, span.start + self.keyword().len() as u32)
            }
        }
    }

    /// The item's first word, as written.
    pub fn keyword(&self) -> &'static str {
        match self {
            BodyItem::Form(_) => "form",
            BodyItem::Section(_) => "section",
            BodyItem::Repeat(_) => "repeat",
            BodyItem::Question(question) => question.ty.keyword(),
            BodyItem::Check(_) => "check",
            BodyItem::Taxonomy(_) => "taxonomy",
            BodyItem::Use(_) => "use",
            BodyItem::Attribute(attribute) => attribute.kind.keyword(),
        }
    }
}

/// A form, section or repeating block: an id, a title and a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Container {
    /// The `form`, `section` or `repeat` keyword.
    pub keyword_span: Span,
    /// The id.
    pub id: Ident,
    /// The title.
    pub title: Str,
    /// What is inside the braces.
    pub body: Vec<BodyItem>,
    /// The whole definition.
    pub span: Span,
}

/// The question types, and `display` for content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum QuestionType {
    Text,
    LongText,
    Integer,
    Decimal,
    Date,
    YesNo,
    Choice,
    MultiChoice,
    Email,
    Phone,
    Postcode,
    NhsNumber,
    Upn,
    File,
    Declaration,
    Display,
    PersonLookup,
}

impl QuestionType {
    /// Every type, in the order of the language reference.
    pub const ALL: [QuestionType; 17] = [
        QuestionType::Text,
        QuestionType::LongText,
        QuestionType::Integer,
        QuestionType::Decimal,
        QuestionType::Date,
        QuestionType::YesNo,
        QuestionType::Choice,
        QuestionType::MultiChoice,
        QuestionType::Email,
        QuestionType::Phone,
        QuestionType::Postcode,
        QuestionType::NhsNumber,
        QuestionType::Upn,
        QuestionType::File,
        QuestionType::Declaration,
        QuestionType::Display,
        QuestionType::PersonLookup,
    ];

    /// The keyword, as written.
    pub fn keyword(self) -> &'static str {
        match self {
            QuestionType::Text => "text",
            QuestionType::LongText => "long_text",
            QuestionType::Integer => "integer",
            QuestionType::Decimal => "decimal",
            QuestionType::Date => "date",
            QuestionType::YesNo => "yes_no",
            QuestionType::Choice => "choice",
            QuestionType::MultiChoice => "multi_choice",
            QuestionType::Email => "email",
            QuestionType::Phone => "phone",
            QuestionType::Postcode => "postcode",
            QuestionType::NhsNumber => "nhs_number",
            QuestionType::Upn => "upn",
            QuestionType::File => "file",
            QuestionType::Declaration => "declaration",
            QuestionType::Display => "display",
            QuestionType::PersonLookup => "person_lookup",
        }
    }

    /// The type with this keyword.
    pub fn from_keyword(keyword: &str) -> Option<QuestionType> {
        QuestionType::ALL
            .into_iter()
            .find(|ty| ty.keyword() == keyword)
    }
}

/// A question (or display content).
#[derive(Debug, Clone, PartialEq)]
pub struct QuestionDef {
    /// The type.
    pub ty: QuestionType,
    /// Where the type keyword is.
    pub type_span: Span,
    /// The id.
    pub id: Ident,
    /// The label (the heading, for display content).
    pub label: Str,
    /// The attributes (and anything else) inside the braces.
    pub body: Vec<BodyItem>,
    /// The whole definition.
    pub span: Span,
}

/// `check [id] "message" [when rule] require rule [on question]`.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckDef {
    /// The optional id.
    pub id: Option<Ident>,
    /// The message shown when the check fails.
    pub message: Str,
    /// When the check applies.
    pub when: Option<Expr>,
    /// What must hold.
    pub require: Expr,
    /// The question the error is attached to.
    pub target: Option<Ident>,
    /// The whole check.
    pub span: Span,
}

/// A dotted taxonomy name such as `send.teams`.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    /// The name as written.
    pub value: String,
    /// Where.
    pub span: Span,
}

/// `taxonomy name ["Title"] [ordered] [from base] { ... }`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxonomyDef {
    /// The name.
    pub name: Name,
    /// The title.
    pub title: Option<Str>,
    /// Whether `ordered` is written.
    pub ordered: bool,
    /// The taxonomy this one extends or restricts.
    pub base: Option<Name>,
    /// `only` and `except` lines and new choices, in order.
    pub entries: Vec<TaxonomyEntry>,
    /// The whole definition.
    pub span: Span,
}

/// A line of a taxonomy body.
#[derive(Debug, Clone, PartialEq)]
pub enum TaxonomyEntry {
    /// `only A, B`: keep only these codes of the base.
    Only(Vec<Code>, Span),
    /// `except A, B`: drop these codes of the base.
    Except(Vec<Code>, Span),
    /// A new choice.
    Choice(ChoiceItem),
}

/// `CODE "Label"` or `CODE "Short" "Full label"`, with optional nested choices.
#[derive(Debug, Clone, PartialEq)]
pub struct ChoiceItem {
    /// The code.
    pub code: Code,
    /// The first text: the label, or the short label when a second text follows.
    pub first: Str,
    /// The full label, when two texts are given.
    pub second: Option<Str>,
    /// Nested choices: this one is then a heading.
    pub children: Vec<ChoiceItem>,
    /// The whole item.
    pub span: Span,
}

/// `use taxonomy name [as alias]`.
#[derive(Debug, Clone, PartialEq)]
pub struct UseDecl {
    /// The taxonomy used.
    pub name: Name,
    /// The alias.
    pub alias: Option<Ident>,
    /// The whole line.
    pub span: Span,
}

/// An attribute, such as `required` or `max_length 100 message "..."`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attribute {
    /// What it is.
    pub kind: AttributeKind,
    /// The attribute's keyword.
    pub name_span: Span,
    /// The designer's error message (`message "..."`).
    pub message: Option<Str>,
    /// The whole attribute.
    pub span: Span,
}

/// The kinds of attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum AttributeKind {
    /// `required [when rule]`.
    Required(Option<Expr>),
    /// `visible when rule`.
    Visible(Expr),
    /// `locked for audience, ...`.
    Locked(Vec<Ident>),
    /// `only for audience, ...`.
    Only(Vec<Ident>),
    /// `only on web` or `only on paper`.
    OnlyOn(Ident),
    /// `audience name, ...`.
    Audience(Vec<Ident>),
    /// `options { ... }`.
    Options(Vec<ChoiceItem>),
    /// `from taxonomy`.
    From(Name),
    /// `accept [".pdf", "image/*"]`.
    Accept(Vec<Str>),
    /// `max_size 3 MB`.
    MaxSize(Number, SizeUnit),
    /// `exclusive CODE "Label"`.
    Exclusive(Code, Str),
    /// `owned_by_author`.
    OwnedByAuthor,
    /// An attribute with a text value, such as `hint "..."`.
    Text(TextAttribute, Str),
    /// An attribute with a number value, such as `max_length 100`.
    Number(NumberAttribute, Number),
    /// A number attribute given a date instead, such as `max 2024-01-01`: always a mistake,
    /// kept so that the checker can say what to write instead.
    NumberGivenDate(NumberAttribute, Span),
    /// A date bound, such as `not_after today`.
    DateBound(DateBoundKind, Expr),
}

impl AttributeKind {
    /// The attribute's keyword.
    pub fn keyword(&self) -> &'static str {
        match self {
            AttributeKind::Required(_) => "required",
            AttributeKind::Visible(_) => "visible when",
            AttributeKind::Locked(_) => "locked for",
            AttributeKind::Only(_) => "only for",
            AttributeKind::OnlyOn(_) => "only on",
            AttributeKind::Audience(_) => "audience",
            AttributeKind::Options(_) => "options",
            AttributeKind::From(_) => "from",
            AttributeKind::Accept(_) => "accept",
            AttributeKind::MaxSize(..) => "max_size",
            AttributeKind::Exclusive(..) => "exclusive",
            AttributeKind::OwnedByAuthor => "owned_by_author",
            AttributeKind::Text(name, _) => name.keyword(),
            AttributeKind::Number(name, _) | AttributeKind::NumberGivenDate(name, _) => {
                name.keyword()
            }
            AttributeKind::DateBound(kind, _) => kind.as_str(),
        }
    }
}

/// Attributes with a text value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum TextAttribute {
    Hint,
    Intro,
    Body,
    Version,
    Item,
    Prefix,
    Suffix,
    Autocomplete,
    Pattern,
}

impl TextAttribute {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            TextAttribute::Hint => "hint",
            TextAttribute::Intro => "intro",
            TextAttribute::Body => "body",
            TextAttribute::Version => "version",
            TextAttribute::Item => "item",
            TextAttribute::Prefix => "prefix",
            TextAttribute::Suffix => "suffix",
            TextAttribute::Autocomplete => "autocomplete",
            TextAttribute::Pattern => "pattern",
        }
    }
}

/// Attributes with a number value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum NumberAttribute {
    MaxLength,
    MinLength,
    MaxWords,
    MinSelected,
    MaxSelected,
    MinFiles,
    MaxFiles,
    Decimals,
    Min,
    Max,
}

impl NumberAttribute {
    /// The keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            NumberAttribute::MaxLength => "max_length",
            NumberAttribute::MinLength => "min_length",
            NumberAttribute::MaxWords => "max_words",
            NumberAttribute::MinSelected => "min_selected",
            NumberAttribute::MaxSelected => "max_selected",
            NumberAttribute::MinFiles => "min_files",
            NumberAttribute::MaxFiles => "max_files",
            NumberAttribute::Decimals => "decimals",
            NumberAttribute::Min => "min",
            NumberAttribute::Max => "max",
        }
    }
}

/// A number as written, with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    /// The value.
    pub value: f64,
    /// Whether it is written without a decimal point.
    pub whole: bool,
    /// Where.
    pub span: Span,
}

impl Number {
    /// The value as a whole number, if it is one (written without a decimal point).
    pub fn as_integer(&self) -> Option<i64> {
        // Whole numbers up to 2^53 are exact in an f64.
        (self.whole && self.value.abs() <= 9_007_199_254_740_992.0).then_some(self.value as i64)
    }
}

/// The units of `max_size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeUnit {
    /// 1,024 bytes.
    Kb,
    /// 1,048,576 bytes.
    Mb,
    /// 1,073,741,824 bytes.
    Gb,
}

impl SizeUnit {
    /// The number of bytes in one unit.
    pub fn bytes(self) -> u64 {
        match self {
            SizeUnit::Kb => 1 << 10,
            SizeUnit::Mb => 1 << 20,
            SizeUnit::Gb => 1 << 30,
        }
    }
}

/// An expression in a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A quoted text: compared with text answers, or a code when compared with a choice.
    Str(String),
    /// A date such as `2024-09-01` (not yet checked to be a real date).
    Date(String),
    /// `today`.
    Today,
    /// `18 years`.
    Duration(Number, form_runtime::DurationUnit),
    /// A question or block id.
    Reference(String),
    /// `name(args)`.
    Call(Ident, Vec<Expr>),
    /// `[a, b]`.
    List(Vec<Expr>),
    /// `not x`, `-x`.
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`.
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `(x)`.
    Paren(Box<Expr>),
}

/// Prefix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `not`
    Not,
    /// `-`
    Neg,
}

/// Infix operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum BinaryOp {
    Or,
    And,
    In,
    NotIn,
    Compare(form_runtime::Comparison),
    Arithmetic(form_runtime::Arithmetic),
}

impl BinaryOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::In => "in",
            BinaryOp::NotIn => "not in",
            BinaryOp::Compare(cmp) => cmp.symbol(),
            BinaryOp::Arithmetic(op) => op.symbol(),
        }
    }
}
