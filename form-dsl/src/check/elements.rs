//! Lowering the form, its sections, blocks, questions and checks to the compiled model, with
//! the checks of each part's attributes.

use std::collections::BTreeMap;

use form_runtime::{
    Access, Audience, Check, Choice, ChoiceInput, Choices, Content, DateBound, DateBoundKind,
    DateInput, Element, FORMAT_VERSION, FileInput, Form, FormattedInput, Input, Limit, Medium,
    MultiChoiceInput, NumberInput, Pattern, Question, Repeat, Required, Section, Span, TextInput,
    selectable,
};
use jiff::civil::Date;

use super::attributes::{Attributes, message};
use super::names::{SymbolKind, Symbols, normalize};
use super::rules::{Domain, DomainId, Env, Purpose, Ty, check_rule};
use super::taxonomies::{Taxonomies, lower_choice};
use super::{Ctx, audiences, graph, never_true};
use crate::ast::{AttributeKind, BodyItem, CheckDef, Container, QuestionDef, QuestionType, Str};
use crate::diagnostic::Code;

/// How an item is named in messages.
pub(super) fn describe_item(item: &BodyItem) -> String {
    match item {
        BodyItem::Form(_) => "a form".into(),
        BodyItem::Section(_) => "a section".into(),
        BodyItem::Repeat(_) => "a repeating block".into(),
        BodyItem::Question(question) if question.ty == QuestionType::Display => {
            "display content".into()
        }
        BodyItem::Question(_) => "a question".into(),
        BodyItem::Check(_) => "a check".into(),
        BodyItem::Taxonomy(_) => "a taxonomy".into(),
        BodyItem::Use(_) => "a `use` line".into(),
        BodyItem::Attribute(attribute) => format!("the attribute `{}`", attribute.kind.keyword()),
    }
}

/// The attributes a question (or display content) of this type takes.
fn allowed_for(ty: QuestionType) -> &'static [&'static str] {
    macro_rules! common {
        ($($specific:literal),*) => {
            &["hint", "required", "visible when", "locked for", "only for" $(, $specific)*]
        };
    }
    match ty {
        QuestionType::Text => common!["min_length", "max_length", "pattern", "autocomplete"],
        QuestionType::LongText => common!["min_length", "max_length", "max_words"],
        QuestionType::Integer => common!["min", "max", "prefix", "suffix"],
        QuestionType::Decimal => common!["min", "max", "decimals", "prefix", "suffix"],
        QuestionType::Date => common!["before", "after", "not_before", "not_after", "autocomplete"],
        QuestionType::Choice => common!["options", "from"],
        QuestionType::MultiChoice => common![
            "options",
            "from",
            "min_selected",
            "max_selected",
            "exclusive"
        ],
        QuestionType::Email
        | QuestionType::Phone
        | QuestionType::Postcode
        | QuestionType::NhsNumber
        | QuestionType::Upn => common!["autocomplete"],
        QuestionType::File => common!["accept", "max_size", "min_files", "max_files"],
        QuestionType::YesNo | QuestionType::Declaration | QuestionType::PersonLookup => common![],
        QuestionType::Display => &["body", "visible when", "only for", "only on"],
    }
}

/// The choices of a choice question, found while declaring ids.
struct ChoiceInfo {
    choices: Choices,
    /// The domain of the choices (without an exclusive "none" choice).
    domain: DomainId,
}

struct Lowerer<'t, 'a> {
    taxonomies: &'t mut Taxonomies<'a>,
    symbols: Symbols,
    domains: Vec<Domain>,
    domain_by_key: BTreeMap<String, DomainId>,
    choices: BTreeMap<String, ChoiceInfo>,
    /// Taxonomies already looked up by the name written after `from`.
    from_names: BTreeMap<String, DomainId>,
    published: Vec<Audience>,
    check_ids: BTreeMap<String, Span>,
    /// Patterns already found valid: forms repeat the same few patterns many times.
    valid_patterns: std::collections::BTreeSet<String>,
}

/// Lowers the form, or returns `None` when it has errors.
pub(super) fn lower_form(
    ctx: &mut Ctx<'_>,
    form: &Container,
    taxonomies: &mut Taxonomies<'_>,
) -> Option<Form> {
    let header = Attributes::collect(
        ctx,
        &form.body,
        &["version", "audience", "intro"],
        "the form",
    );
    let version = match header.text("version") {
        Some(version) if !version.value.trim().is_empty() => version.value.clone(),
        Some(version) => {
            let diagnostic = ctx
                .diagnostic(Code::InvalidValue, version.span, "the version is empty")
                .with_help("write a label people can quote, such as `version \"2024-04\"`");
            ctx.report(diagnostic);
            String::new()
        }
        None => {
            let diagnostic = ctx
                .diagnostic(Code::MissingAttribute, form.id.span, format!("the form `{}` has no `version`", form.id.name))
                .with_help("add `version \"2024-04\"` (any label: it is printed on documents and kept with answers)");
            ctx.report(diagnostic);
            String::new()
        }
    };
    let mut declared = Vec::new();
    match header.get("audience") {
        Some(attribute) => {
            if let AttributeKind::Audience(names) = &attribute.kind {
                declared = audiences(ctx, names);
            }
        }
        None => {
            let diagnostic = ctx
                .diagnostic(Code::MissingAttribute, form.id.span, format!("the form `{}` has no `audience`", form.id.name))
                .with_help("add `audience citizen`, `audience professional`, `audience citizen, professional` or, for a form only local authority staff use, `audience la`");
            ctx.report(diagnostic);
        }
    }
    if form.title.value.trim().is_empty() {
        let diagnostic = ctx
            .diagnostic(
                Code::InvalidValue,
                form.title.span,
                "the form's title is empty",
            )
            .with_help("write the title people will see");
        ctx.report(diagnostic);
    }

    let mut lowerer = Lowerer {
        taxonomies,
        symbols: Symbols::default(),
        domains: Vec::new(),
        domain_by_key: BTreeMap::new(),
        choices: BTreeMap::new(),
        from_names: BTreeMap::new(),
        published: declared.clone(),
        check_ids: BTreeMap::new(),
        valid_patterns: std::collections::BTreeSet::new(),
    };
    lowerer.declare_body(ctx, &form.body, &mut Vec::new(), true);
    lowerer.symbols.check_lookalikes(ctx);

    let mut sections = Vec::new();
    let mut checks = Vec::new();
    for item in &form.body {
        match item {
            BodyItem::Section(section) => sections.push(lowerer.section(ctx, section)),
            BodyItem::Check(check) => {
                if let Some(check) = lowerer.check(ctx, check, &[]) {
                    checks.push(check);
                }
            }
            BodyItem::Taxonomy(_) | BodyItem::Use(_) | BodyItem::Attribute(_) => {}
            other => misplaced(ctx, other, "the form"),
        }
    }
    if sections.is_empty() {
        let diagnostic = ctx
            .diagnostic(
                Code::EmptySection,
                form.id.span,
                format!("the form `{}` has no sections", form.id.name),
            )
            .with_help("add `section id \"Title\" { ... }` with the questions");
        ctx.report(diagnostic);
    }

    let mut audiences_compiled = declared.clone();
    if !audiences_compiled.contains(&Audience::La) {
        audiences_compiled.push(Audience::La);
    }
    let compiled = Form {
        format_version: FORMAT_VERSION,
        source_hash: String::new(),
        id: normalize(&form.id.name),
        title: form.title.value.clone(),
        version,
        audiences: audiences_compiled,
        intro: header.text_value("intro"),
        taxonomies: lowerer.taxonomies.used(),
        sections,
        checks,
    };
    restricted_types(ctx, &compiled, &declared, header.span("audience"));
    graph::check_cycles(ctx, &compiled);
    never_true::check(ctx, &compiled, &lowerer.symbols, &lowerer.domains);
    Some(compiled)
}

/// Restricted question types query the LA's own records: never on a portal form.
fn restricted_types(
    ctx: &mut Ctx<'_>,
    form: &Form,
    declared: &[Audience],
    audience_span: Option<Span>,
) {
    let portals: Vec<&str> = declared
        .iter()
        .filter(|a| a.is_portal())
        .map(|a| a.as_str())
        .collect();
    if portals.is_empty() {
        return;
    }
    form.walk(&mut |element, _, _| {
        if let Element::Question(question) = element
            && question.input.is_restricted()
        {
            let type_span = Span::new(question.span.start, question.span.start + question.input.type_name().len() as u32);
            let mut diagnostic = ctx
                .diagnostic(
                    Code::RestrictedTypeOnPortal,
                    type_span,
                    format!(
                        "`{}` looks up the local authority's own records, so it cannot be on a form published to the {} portal",
                        question.input.type_name(),
                        portals.join(" and ")
                    ),
                )
                .with_primary_message("restricted question type");
            if let Some(span) = audience_span {
                diagnostic = diagnostic.with_label(ctx.file, span, "the form is published to a portal here");
            }
            diagnostic = diagnostic.with_help(
                "use a `text` question for the name instead, or move this question to a form with `audience la`",
            );
            ctx.report(diagnostic);
        }
    });
}

fn misplaced(ctx: &mut Ctx<'_>, item: &BodyItem, place: &str) {
    let what = describe_item(item);
    let help = match item {
        BodyItem::Question(_) | BodyItem::Repeat(_) if place == "the form" => {
            "put it inside a section: `section id \"Title\" { ... }`"
        }
        BodyItem::Section(_) => {
            "sections go directly inside the form; close the enclosing block with `}` first"
        }
        BodyItem::Form(_) => "a file holds one form; put each form in a file of its own",
        BodyItem::Taxonomy(_) | BodyItem::Use(_) => {
            "define taxonomies at the top of the file or of the form, outside sections"
        }
        BodyItem::Check(_) => "put checks in the form, a section or a repeating block",
        _ => {
            "questions go in sections and repeating blocks; attributes go in the braces of what they describe"
        }
    };
    let diagnostic = ctx
        .diagnostic(
            Code::MisplacedItem,
            item.keyword_span(),
            format!("{what} cannot go in {place}"),
        )
        .with_help(help);
    ctx.report(diagnostic);
}

impl Lowerer<'_, '_> {
    // -------------------------------------------------------------------------------------
    // Pass 1: declare every id, with the type of its answer.

    fn declare_body(
        &mut self,
        ctx: &mut Ctx<'_>,
        body: &[BodyItem],
        blocks: &mut Vec<String>,
        at_form: bool,
    ) {
        for item in body {
            match item {
                BodyItem::Section(section) if at_form => {
                    self.symbols.declare_section(ctx, &section.id);
                    self.declare_body(ctx, &section.body, blocks, false);
                }
                BodyItem::Repeat(repeat) if !at_form => {
                    // The questions inside are declared even when the block's id is taken, so
                    // that one mistake gives one diagnostic.
                    self.symbols
                        .declare(ctx, &repeat.id, SymbolKind::Repeat, blocks, Ty::Block);
                    blocks.push(normalize(&repeat.id.name));
                    self.declare_body(ctx, &repeat.body, blocks, false);
                    blocks.pop();
                }
                BodyItem::Question(question) if !at_form => {
                    let ty = self.answer_type(ctx, question);
                    let kind = if question.ty == QuestionType::Display {
                        SymbolKind::Content
                    } else {
                        SymbolKind::Question(question.ty)
                    };
                    self.symbols.declare(ctx, &question.id, kind, blocks, ty);
                }
                _ => {}
            }
        }
    }

    fn answer_type(&mut self, ctx: &mut Ctx<'_>, question: &QuestionDef) -> Ty {
        match question.ty {
            QuestionType::Text
            | QuestionType::LongText
            | QuestionType::Email
            | QuestionType::Phone
            | QuestionType::Postcode
            | QuestionType::NhsNumber
            | QuestionType::Upn => Ty::Text,
            QuestionType::Integer | QuestionType::Decimal => Ty::Number,
            QuestionType::Date => Ty::Date,
            QuestionType::YesNo | QuestionType::Declaration => Ty::Bool,
            QuestionType::File => Ty::File,
            QuestionType::PersonLookup => Ty::Person,
            QuestionType::Display => Ty::Nothing,
            QuestionType::Choice | QuestionType::MultiChoice => {
                match self.declare_choices(ctx, question) {
                    Some(domain) if question.ty == QuestionType::Choice => Ty::Code(domain),
                    Some(domain) => Ty::Codes(domain),
                    None => Ty::Error,
                }
            }
        }
    }

    /// Finds a choice question's choices (`options` or `from`) and registers their domain.
    fn declare_choices(&mut self, ctx: &mut Ctx<'_>, question: &QuestionDef) -> Option<DomainId> {
        let id = normalize(&question.id.name);
        let mut options = None;
        let mut from = None;
        let mut exclusive = None;
        for item in &question.body {
            if let BodyItem::Attribute(attribute) = item {
                match &attribute.kind {
                    AttributeKind::Options(items) if options.is_none() => {
                        options = Some((items, attribute.name_span))
                    }
                    AttributeKind::From(name) if from.is_none() => from = Some(name),
                    AttributeKind::Exclusive(code, _)
                        if question.ty == QuestionType::MultiChoice =>
                    {
                        exclusive = Some(code.value.clone())
                    }
                    _ => {}
                }
            }
        }
        let (choices, domain) = match (options, from) {
            (Some((_, options_span)), Some(from)) => {
                // Looked up all the same, so that the taxonomy is not also reported unused.
                let _ = self.taxonomies.lookup(ctx, &from.value, from.span);
                let diagnostic = ctx
                    .diagnostic(Code::ConflictingAttributes, options_span, "a question takes its choices from `options` or from a taxonomy, not both")
                    .with_label(ctx.file, from.span, "`from` is given here")
                    .with_help("keep `options { ... }` for choices of this question only, or `from` to share a taxonomy");
                ctx.report(diagnostic);
                return None;
            }
            (Some((items, options_span)), None) => {
                let mut seen = BTreeMap::new();
                let choices: Vec<Choice> = items
                    .iter()
                    .filter_map(|item| lower_choice(ctx, ctx.file, item, &mut seen, None))
                    .collect();
                if selectable(&choices).next().is_none() {
                    let diagnostic = ctx
                        .diagnostic(
                            Code::EmptyChoices,
                            options_span,
                            format!("the question `{id}` has no options"),
                        )
                        .with_help("add options such as `yes \"Yes\"`");
                    ctx.report(diagnostic);
                    return None;
                }
                let codes = selectable(&choices).map(|c| c.code.clone()).collect();
                let domain = self.add_domain(Domain {
                    name: format!("the options of `{id}`"),
                    key: format!("options of {id}"),
                    codes,
                    ordered: false,
                });
                (Choices::Inline(choices), domain)
            }
            (None, Some(from)) => match self.from_names.get(&from.value) {
                Some(&domain) => (
                    Choices::Taxonomy(self.domains[domain.0].key.clone()),
                    domain,
                ),
                None => {
                    let (canonical, taxonomy) =
                        self.taxonomies.lookup(ctx, &from.value, from.span)?;
                    let domain = match self.domain_by_key.get(&canonical) {
                        Some(&domain) => domain,
                        None => {
                            let new = Domain {
                                name: format!("`{canonical}`"),
                                key: canonical.clone(),
                                codes: taxonomy.selectable().map(|c| c.code.clone()).collect(),
                                ordered: taxonomy.ordered,
                            };
                            let domain = self.add_domain(new);
                            self.domain_by_key.insert(canonical.clone(), domain);
                            domain
                        }
                    };
                    self.from_names.insert(from.value.clone(), domain);
                    (Choices::Taxonomy(canonical), domain)
                }
            },
            (None, None) => {
                let diagnostic = ctx
                    .diagnostic(Code::MissingAttribute, question.id.span, format!("the question `{id}` has no choices"))
                    .with_help("add `options { code \"Label\" ... }`, or `from` a taxonomy such as `from send.teams`");
                ctx.report(diagnostic);
                return None;
            }
        };
        self.choices.insert(id, ChoiceInfo { choices, domain });
        match exclusive {
            Some(code) if !self.domains[domain.0].codes.contains(&code) => {
                // A list with an extra "none" code is a domain of its own, compatible by key.
                let mut extended = self.domains[domain.0].clone();
                extended.codes.push(code);
                Some(self.add_domain(extended))
            }
            _ => Some(domain),
        }
    }

    fn add_domain(&mut self, domain: Domain) -> DomainId {
        self.domains.push(domain);
        DomainId(self.domains.len() - 1)
    }

    // -------------------------------------------------------------------------------------
    // Pass 2: lower every part.

    fn env(&self) -> Env<'_> {
        Env {
            symbols: &self.symbols,
            domains: &self.domains,
        }
    }

    fn rule(
        &self,
        ctx: &mut Ctx<'_>,
        expr: &crate::ast::Expr,
        scope: &[String],
        purpose: Purpose,
    ) -> Option<form_runtime::Rule> {
        check_rule(ctx, &self.env(), expr, scope, purpose)
    }

    fn access(&self, ctx: &mut Ctx<'_>, attributes: &Attributes<'_>) -> Access {
        let mut access = Access::default();
        for keyword in ["only for", "locked for"] {
            let Some(attribute) = attributes.get(keyword) else {
                continue;
            };
            let (AttributeKind::Only(names) | AttributeKind::Locked(names)) = &attribute.kind
            else {
                continue;
            };
            let listed = audiences(ctx, names);
            for (audience, name) in listed.iter().zip(names) {
                if *audience != Audience::La
                    && !self.published.contains(audience)
                    && !self.published.is_empty()
                {
                    let diagnostic = ctx
                        .diagnostic(
                            Code::UnpublishedAudience,
                            name.span,
                            format!("the form is not published to `{audience}`, so `{keyword} {audience}` has no effect"),
                        )
                        .with_help(format!(
                            "the form's audience is {}; add `{audience}` to it, or remove `{audience}` here",
                            self.published.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
                        ));
                    ctx.report(diagnostic);
                }
            }
            if keyword == "only for" {
                access.only_for = Some(listed);
            } else {
                access.locked_for = listed;
            }
        }
        access
    }

    fn section(&mut self, ctx: &mut Ctx<'_>, section: &Container) -> Section {
        let attributes = Attributes::collect(
            ctx,
            &section.body,
            &["intro", "visible when", "locked for", "only for"],
            "a section",
        );
        let visible_when = self.visible_when(ctx, &attributes, &[]);
        let access = self.access(ctx, &attributes);
        let (elements, checks) = self.elements(ctx, &section.body, &[], "a section");
        if elements.is_empty() {
            let diagnostic = ctx
                .diagnostic(
                    Code::EmptySection,
                    section.id.span,
                    format!("the section `{}` has no questions", section.id.name),
                )
                .with_help("add questions, or remove the section");
            ctx.report(diagnostic);
        }
        self.title_not_empty(ctx, &section.title, "section");
        Section {
            id: normalize(&section.id.name),
            title: section.title.value.clone(),
            intro: attributes.text_value("intro"),
            visible_when,
            access,
            elements,
            checks,
            span: section.span,
        }
    }

    fn title_not_empty(&self, ctx: &mut Ctx<'_>, title: &Str, what: &str) {
        if title.value.trim().is_empty() {
            let diagnostic = ctx
                .diagnostic(
                    Code::InvalidValue,
                    title.span,
                    format!("the {what}'s title is empty"),
                )
                .with_help("write the words people will see");
            ctx.report(diagnostic);
        }
    }

    fn visible_when(
        &self,
        ctx: &mut Ctx<'_>,
        attributes: &Attributes<'_>,
        scope: &[String],
    ) -> Option<form_runtime::Rule> {
        match &attributes.get("visible when")?.kind {
            AttributeKind::Visible(expr) => self.rule(ctx, expr, scope, Purpose::Condition),
            _ => None,
        }
    }

    /// The elements and checks in the body of a section or block.
    fn elements(
        &mut self,
        ctx: &mut Ctx<'_>,
        body: &[BodyItem],
        scope: &[String],
        place: &str,
    ) -> (Vec<Element>, Vec<Check>) {
        let mut elements = Vec::new();
        let mut checks = Vec::new();
        for item in body {
            match item {
                BodyItem::Question(question) => elements.push(self.question(ctx, question, scope)),
                BodyItem::Repeat(repeat) => {
                    elements.push(Element::Repeat(self.repeat(ctx, repeat, scope)))
                }
                BodyItem::Check(check) => {
                    if let Some(check) = self.check(ctx, check, scope) {
                        checks.push(check);
                    }
                }
                BodyItem::Attribute(_) => {}
                other => misplaced(ctx, other, place),
            }
        }
        (elements, checks)
    }

    fn repeat(&mut self, ctx: &mut Ctx<'_>, repeat: &Container, scope: &[String]) -> Repeat {
        let attributes = Attributes::collect(
            ctx,
            &repeat.body,
            &[
                "hint",
                "min",
                "max",
                "item",
                "owned_by_author",
                "visible when",
                "locked for",
                "only for",
            ],
            "a repeating block",
        );
        let id = normalize(&repeat.id.name);
        let visible_when = self.visible_when(ctx, &attributes, scope);
        let access = self.access(ctx, &attributes);
        let min = self.count_limit(ctx, &attributes, "min", 0);
        let max = self.count_limit(ctx, &attributes, "max", 1);
        self.min_not_above_max(
            ctx,
            &attributes,
            ("min", min.as_ref().map(|l| l.value)),
            ("max", max.as_ref().map(|l| l.value)),
            "entries",
        );
        let mut inner: Vec<String> = scope.to_vec();
        inner.push(id.clone());
        let (elements, checks) = self.elements(ctx, &repeat.body, &inner, "a repeating block");
        if elements.is_empty() {
            let diagnostic = ctx
                .diagnostic(
                    Code::EmptySection,
                    repeat.id.span,
                    format!("the repeating block `{id}` has no questions"),
                )
                .with_help("add the questions each entry answers");
            ctx.report(diagnostic);
        }
        self.title_not_empty(ctx, &repeat.title, "block");
        Repeat {
            id,
            title: repeat.title.value.clone(),
            item_label: attributes
                .text_value("item")
                .unwrap_or_else(|| repeat.title.value.clone()),
            hint: attributes.text_value("hint"),
            min,
            max,
            owned_by_author: attributes.has("owned_by_author"),
            visible_when,
            access,
            elements,
            checks,
            span: repeat.span,
        }
    }

    fn check(&mut self, ctx: &mut Ctx<'_>, check: &CheckDef, scope: &[String]) -> Option<Check> {
        let id = check.id.as_ref().map(|id| normalize(&id.name));
        if let (Some(id), Some(ident)) = (&id, &check.id) {
            if let Some(first) = self.check_ids.get(id) {
                let diagnostic = ctx
                    .diagnostic(
                        Code::DuplicateId,
                        ident.span,
                        format!("the check id `{id}` is already used"),
                    )
                    .with_label(ctx.file, *first, "first used here")
                    .with_help("give each check its own id");
                ctx.report(diagnostic);
            } else {
                self.check_ids.insert(id.clone(), ident.span);
            }
        }
        if check.message.value.trim().is_empty() {
            let diagnostic = ctx
                .diagnostic(Code::InvalidValue, check.message.span, "a check needs a message")
                .with_help("write what the person must do, such as \"Enter at least one outcome for Schools\"");
            ctx.report(diagnostic);
        }
        let when = check
            .when
            .as_ref()
            .map(|when| self.rule(ctx, when, scope, Purpose::Condition));
        let require = self.rule(ctx, &check.require, scope, Purpose::Condition);
        let target = match &check.target {
            Some(target) => {
                let target_id = normalize(&target.name);
                match self.symbols.get(&target_id) {
                    Some(symbol)
                        if matches!(symbol.kind, SymbolKind::Question(_) | SymbolKind::Repeat)
                            && scope.starts_with(&symbol.blocks) =>
                    {
                        Some(target_id)
                    }
                    Some(symbol) => {
                        let diagnostic = ctx
                            .diagnostic(
                                Code::UnknownReference,
                                target.span,
                                format!("a check's error must be shown on a question in its scope, but `{target_id}` is {}", symbol.kind.describe()),
                            )
                            .with_help("name a question the check reads");
                        ctx.report(diagnostic);
                        None
                    }
                    None => {
                        let mut diagnostic = ctx.diagnostic(
                            Code::UnknownReference,
                            target.span,
                            format!("there is no question `{target_id}` in this form"),
                        );
                        if let Some(suggestion) = crate::diagnostic::did_you_mean(
                            &target_id,
                            self.symbols.list.iter().map(|s| s.id.as_str()),
                        ) {
                            diagnostic =
                                diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                        }
                        ctx.report(diagnostic);
                        None
                    }
                }
            }
            None => None,
        };
        let require = require?;
        let when = match when {
            Some(when) => Some(when?),
            None => None,
        };
        let target = target.or_else(|| {
            require
                .expr
                .references()
                .into_iter()
                .find(|id| {
                    self.symbols
                        .get(id)
                        .is_some_and(|symbol| scope.starts_with(&symbol.blocks))
                })
                .map(str::to_owned)
        });
        Some(Check {
            id,
            message: check.message.value.clone(),
            when,
            require,
            target,
            span: check.span,
        })
    }

    fn question(&mut self, ctx: &mut Ctx<'_>, question: &QuestionDef, scope: &[String]) -> Element {
        let what = if question.ty == QuestionType::Display {
            "display content".to_owned()
        } else {
            format!("a `{}` question", question.ty.keyword())
        };
        let attributes = Attributes::collect(ctx, &question.body, allowed_for(question.ty), &what);
        for item in &question.body {
            if !matches!(item, BodyItem::Attribute(_)) {
                misplaced(ctx, item, &what);
            }
        }
        let id = normalize(&question.id.name);
        let visible_when = self.visible_when(ctx, &attributes, scope);
        let access = self.access(ctx, &attributes);
        if question.ty == QuestionType::Display {
            return Element::Content(Content {
                id,
                title: question.label.value.clone(),
                body: attributes.text_value("body").unwrap_or_default(),
                visible_when,
                access,
                only_on: only_on(ctx, &attributes),
                span: question.span,
            });
        }
        if question.label.value.trim().is_empty() {
            let diagnostic = ctx
                .diagnostic(
                    Code::InvalidValue,
                    question.label.span,
                    "a question needs a label",
                )
                .with_help("write the question as people will read it, such as \"Date of birth\"");
            ctx.report(diagnostic);
        }
        let required = attributes.get("required").and_then(|attribute| {
            let AttributeKind::Required(when) = &attribute.kind else {
                return None;
            };
            let when = match when {
                Some(when) => Some(self.rule(ctx, when, scope, Purpose::Condition)?),
                None => None,
            };
            Some(Required {
                when,
                message: message(attribute),
            })
        });
        let input = self.input(ctx, question, &attributes, scope, &id);
        Element::Question(Question {
            id,
            label: question.label.value.clone(),
            hint: attributes.text_value("hint"),
            input,
            required,
            visible_when,
            access,
            span: question.span,
        })
    }

    fn input(
        &mut self,
        ctx: &mut Ctx<'_>,
        question: &QuestionDef,
        attributes: &Attributes<'_>,
        scope: &[String],
        id: &str,
    ) -> Input {
        let autocomplete = attributes
            .text("autocomplete")
            .and_then(|value| check_autocomplete(ctx, value));
        // No default autocomplete: on a form about someone else (a professional writing about
        // a child), `email` would fill in the professional's own address.
        let formatted = FormattedInput {
            autocomplete: autocomplete.clone(),
        };
        match question.ty {
            QuestionType::Text | QuestionType::LongText => {
                let min_length = self.count_limit(ctx, attributes, "min_length", 1);
                let max_length = self.count_limit(ctx, attributes, "max_length", 1);
                let max_words = self.count_limit(ctx, attributes, "max_words", 1);
                self.min_not_above_max(
                    ctx,
                    attributes,
                    ("min_length", min_length.as_ref().map(|l| l.value)),
                    ("max_length", max_length.as_ref().map(|l| l.value)),
                    "characters",
                );
                let pattern = attributes.text("pattern").and_then(|pattern| {
                    let valid =
                        self.valid_patterns.contains(&pattern.value) || check_pattern(ctx, pattern);
                    if valid && !self.valid_patterns.contains(&pattern.value) {
                        self.valid_patterns.insert(pattern.value.clone());
                    }
                    valid.then(|| Pattern {
                        regex: pattern.value.clone(),
                        message: attributes.get("pattern").and_then(message),
                    })
                });
                let text = TextInput {
                    min_length,
                    max_length,
                    max_words,
                    pattern,
                    autocomplete,
                };
                if question.ty == QuestionType::Text {
                    Input::Text(text)
                } else {
                    Input::LongText(text)
                }
            }
            QuestionType::Integer | QuestionType::Decimal => {
                let integer = question.ty == QuestionType::Integer;
                let min = self.number_limit(ctx, attributes, "min", integer);
                let max = self.number_limit(ctx, attributes, "max", integer);
                if let (Some(min), Some(max)) = (&min, &max)
                    && min.value > max.value
                {
                    self.impossible(
                        ctx,
                        attributes,
                        "min",
                        "max",
                        format!(
                            "`min` ({}) is more than `max` ({}), so no number can be entered",
                            min.value, max.value
                        ),
                    );
                }
                let decimals = self.count_limit(ctx, attributes, "decimals", 0);
                if decimals.as_ref().is_some_and(|d| d.value > 12)
                    && let Some((number, _)) = attributes.number(ctx, "decimals")
                {
                    let diagnostic = ctx
                        .diagnostic(
                            Code::InvalidValue,
                            number.span,
                            "`decimals` can be at most 12",
                        )
                        .with_help("numbers in answers keep about 15 significant digits");
                    ctx.report(diagnostic);
                }
                let number = NumberInput {
                    min,
                    max,
                    decimals,
                    prefix: attributes.text_value("prefix"),
                    suffix: attributes.text_value("suffix"),
                };
                if integer {
                    Input::Integer(number)
                } else {
                    Input::Decimal(number)
                }
            }
            QuestionType::Date => {
                let mut bounds = Vec::new();
                for kind in [
                    DateBoundKind::Before,
                    DateBoundKind::After,
                    DateBoundKind::NotBefore,
                    DateBoundKind::NotAfter,
                ] {
                    let Some(attribute) = attributes.get(kind.as_str()) else {
                        continue;
                    };
                    let AttributeKind::DateBound(_, expr) = &attribute.kind else {
                        continue;
                    };
                    if let Some(date) = self.rule(ctx, expr, scope, Purpose::DateBound) {
                        if date.expr.references().contains(&id) {
                            let diagnostic = ctx
                                .diagnostic(
                                    Code::ImpossibleConstraint,
                                    expr.span,
                                    format!("the date `{id}` cannot be bounded by itself"),
                                )
                                .with_help("compare it with today or with another date question");
                            ctx.report(diagnostic);
                            continue;
                        }
                        bounds.push(DateBound {
                            kind,
                            date,
                            message: message(attribute),
                        });
                    }
                }
                self.check_date_bounds(ctx, attributes, &bounds);
                Input::Date(DateInput {
                    bounds,
                    autocomplete,
                })
            }
            QuestionType::YesNo => Input::YesNo,
            QuestionType::Declaration => Input::Declaration,
            QuestionType::PersonLookup => Input::PersonLookup,
            QuestionType::Email => Input::Email(formatted),
            QuestionType::Phone => Input::Phone(formatted),
            QuestionType::Postcode => Input::Postcode(formatted),
            QuestionType::NhsNumber => Input::NhsNumber(formatted),
            QuestionType::Upn => Input::Upn(formatted),
            QuestionType::Choice | QuestionType::MultiChoice => {
                let Some(info) = self.choices.get(id) else {
                    // Reported while declaring; an empty list keeps the model whole.
                    return Input::Choice(ChoiceInput {
                        choices: Choices::Inline(Vec::new()),
                    });
                };
                let choices = info.choices.clone();
                let codes = &self.domains[info.domain.0].codes;
                let count = codes.len();
                let taken =
                    attributes
                        .get("exclusive")
                        .and_then(|attribute| match &attribute.kind {
                            AttributeKind::Exclusive(code, _) => Some(codes.contains(&code.value)),
                            _ => None,
                        })
                        == Some(true);
                if question.ty == QuestionType::Choice {
                    return Input::Choice(ChoiceInput { choices });
                }
                let min_selected = self.count_limit(ctx, attributes, "min_selected", 1);
                let max_selected = self.count_limit(ctx, attributes, "max_selected", 1);
                self.min_not_above_max(
                    ctx,
                    attributes,
                    ("min_selected", min_selected.as_ref().map(|l| l.value)),
                    ("max_selected", max_selected.as_ref().map(|l| l.value)),
                    "choices",
                );
                if let Some(min) = &min_selected
                    && min.value as usize > count
                    && let Some(span) = attributes.span("min_selected")
                {
                    let diagnostic = ctx
                        .diagnostic(
                            Code::ImpossibleConstraint,
                            span,
                            format!(
                                "`min_selected` is {} but there are only {count} choices",
                                min.value
                            ),
                        )
                        .with_help(format!("lower `min_selected` to at most {count}"));
                    ctx.report(diagnostic);
                }
                let exclusive = attributes.get("exclusive").and_then(|attribute| {
                    let AttributeKind::Exclusive(code, label) = &attribute.kind else {
                        return None;
                    };
                    if taken {
                        let diagnostic = ctx
                            .diagnostic(
                                Code::DuplicateCode,
                                code.span,
                                format!("the code `{}` is already one of the choices", code.value),
                            )
                            .with_help(
                                "the exclusive choice needs a code of its own, such as `NONE`",
                            );
                        ctx.report(diagnostic);
                        return None;
                    }
                    Some(Choice {
                        code: code.value.clone(),
                        label: label.value.clone(),
                        short_label: None,
                        children: Vec::new(),
                    })
                });
                Input::MultiChoice(MultiChoiceInput {
                    choices,
                    min_selected,
                    max_selected,
                    exclusive,
                })
            }
            QuestionType::File => {
                let accept = attributes
                    .get("accept")
                    .map(|attribute| match &attribute.kind {
                        AttributeKind::Accept(types) => types
                            .iter()
                            .filter(|t| check_file_type(ctx, t))
                            .map(|t| t.value.clone())
                            .collect(),
                        _ => Vec::new(),
                    })
                    .unwrap_or_default();
                let max_size_bytes = attributes.get("max_size").and_then(|attribute| {
                    let AttributeKind::MaxSize(amount, unit) = &attribute.kind else {
                        return None;
                    };
                    let bytes = amount.value * unit.bytes() as f64;
                    if !(1.0..=(2u64 << 30) as f64).contains(&bytes) {
                        let diagnostic = ctx
                            .diagnostic(
                                Code::InvalidValue,
                                amount.span,
                                "`max_size` must be more than 0 and at most 2 GB",
                            )
                            .with_help("write a size such as `max_size 3 MB`");
                        ctx.report(diagnostic);
                        return None;
                    }
                    Some(Limit {
                        value: bytes as u64,
                        message: message(attribute),
                    })
                });
                let min_files = self.count_limit(ctx, attributes, "min_files", 1);
                let max_files = self
                    .count_limit(ctx, attributes, "max_files", 1)
                    .unwrap_or_else(|| Limit::new(1));
                self.min_not_above_max(
                    ctx,
                    attributes,
                    ("min_files", min_files.as_ref().map(|l| l.value)),
                    ("max_files", Some(max_files.value)),
                    "files",
                );
                Input::File(FileInput {
                    accept,
                    max_size_bytes,
                    min_files,
                    max_files,
                })
            }
            // Display content is lowered by the caller and never reaches here.
            QuestionType::Display => Input::Declaration,
        }
    }

    /// A whole-number attribute that counts something (characters, entries, choices, files).
    fn count_limit(
        &self,
        ctx: &mut Ctx<'_>,
        attributes: &Attributes<'_>,
        keyword: &str,
        least: u32,
    ) -> Option<Limit<u32>> {
        let (number, message) = attributes.number(ctx, keyword)?;
        match number.as_integer().and_then(|n| u32::try_from(n).ok()) {
            Some(value) if value >= least => Some(Limit { value, message }),
            _ => {
                let diagnostic = ctx
                    .diagnostic(
                        Code::InvalidValue,
                        number.span,
                        format!(
                            "`{keyword}` must be a whole number of at least {least}, but it is {}",
                            ctx.text(number.span)
                        ),
                    )
                    .with_help(format!(
                        "write a whole number such as `{keyword} {}`",
                        least.max(1) * 10
                    ));
                ctx.report(diagnostic);
                None
            }
        }
    }

    /// `min` and `max` of a number question.
    fn number_limit(
        &self,
        ctx: &mut Ctx<'_>,
        attributes: &Attributes<'_>,
        keyword: &str,
        integer: bool,
    ) -> Option<Limit<f64>> {
        let (number, message) = attributes.number(ctx, keyword)?;
        if integer && number.as_integer().is_none() {
            let diagnostic = ctx
                .diagnostic(
                    Code::InvalidValue,
                    number.span,
                    format!(
                        "an `integer` question's `{keyword}` must be a whole number, but it is {}",
                        ctx.text(number.span)
                    ),
                )
                .with_help("use a `decimal` question for numbers with a fractional part");
            ctx.report(diagnostic);
            return None;
        }
        Some(Limit {
            value: number.value,
            message,
        })
    }

    fn min_not_above_max(
        &self,
        ctx: &mut Ctx<'_>,
        attributes: &Attributes<'_>,
        min: (&str, Option<u32>),
        max: (&str, Option<u32>),
        unit: &str,
    ) {
        if let ((min_keyword, Some(min)), (max_keyword, Some(max))) = (min, max)
            && min > max
        {
            self.impossible(ctx, attributes, min_keyword, max_keyword, format!("`{min_keyword}` ({min}) is more than `{max_keyword}` ({max}), so no answer can have the right number of {unit}"));
        }
    }

    fn impossible(
        &self,
        ctx: &mut Ctx<'_>,
        attributes: &Attributes<'_>,
        first: &str,
        second: &str,
        message: String,
    ) {
        let (Some(first_span), Some(second_span)) =
            (attributes.span(first), attributes.span(second))
        else {
            return;
        };
        let diagnostic = ctx
            .diagnostic(Code::ImpossibleConstraint, first_span, message)
            .with_label(ctx.file, second_span, format!("`{second}` is given here"))
            .with_help(format!("make `{first}` no more than `{second}`"));
        ctx.report(diagnostic);
    }

    /// Reports a lower date bound that is not before an upper one, for bounds that do not
    /// depend on other answers. Bounds relative to today are compared on several sample days
    /// (a leap day among them): impossible means impossible on every day.
    fn check_date_bounds(
        &self,
        ctx: &mut Ctx<'_>,
        attributes: &Attributes<'_>,
        bounds: &[DateBound],
    ) {
        const SAMPLE_DAYS: [(i16, i8, i8); 4] =
            [(2000, 2, 29), (2023, 1, 31), (2024, 7, 15), (2031, 12, 31)];
        let lower = bounds
            .iter()
            .filter(|b| matches!(b.kind, DateBoundKind::After | DateBoundKind::NotBefore));
        for low in lower {
            for high in bounds
                .iter()
                .filter(|b| matches!(b.kind, DateBoundKind::Before | DateBoundKind::NotAfter))
            {
                let impossible_every_day = SAMPLE_DAYS.iter().all(|&(y, m, d)| {
                    let today = Date::new(y, m, d).ok();
                    let (Some(a), Some(b)) = (
                        today.and_then(|t| const_date(&low.date.expr, t)),
                        today.and_then(|t| const_date(&high.date.expr, t)),
                    ) else {
                        return false;
                    };
                    // The first allowed day after `low` and the last allowed day before `high`.
                    let first = if low.kind == DateBoundKind::After {
                        a.tomorrow().ok()
                    } else {
                        Some(a)
                    };
                    let last = if high.kind == DateBoundKind::Before {
                        b.yesterday().ok()
                    } else {
                        Some(b)
                    };
                    matches!((first, last), (Some(first), Some(last)) if first > last)
                });
                if impossible_every_day {
                    self.impossible(
                        ctx,
                        attributes,
                        low.kind.as_str(),
                        high.kind.as_str(),
                        format!(
                            "no date is both `{} {}` and `{} {}`",
                            low.kind.as_str(),
                            low.date.text,
                            high.kind.as_str(),
                            high.date.text
                        ),
                    );
                }
            }
        }
    }
}

/// The value of a date expression that depends only on today.
pub(super) fn const_date(expr: &form_runtime::Expr, today: Date) -> Option<Date> {
    use form_runtime::{Arithmetic, ExprKind};
    match &expr.kind {
        ExprKind::Today => Some(today),
        ExprKind::Date { value } => value.parse().ok(),
        ExprKind::Arithmetic {
            operator,
            left,
            right,
        } => {
            let (date, duration) = match (&left.kind, &right.kind) {
                (_, ExprKind::Duration { amount, unit }) => {
                    (const_date(left, today)?, (*amount, *unit))
                }
                (ExprKind::Duration { amount, unit }, _) => {
                    (const_date(right, today)?, (*amount, *unit))
                }
                _ => return None,
            };
            let sign = if *operator == Arithmetic::Sub { -1 } else { 1 };
            add_duration(date, sign * duration.0, duration.1)
        }
        _ => None,
    }
}

/// `date` plus `amount` units, with the calendar rules of the runtime.
pub(super) fn add_duration(
    date: Date,
    amount: i64,
    unit: form_runtime::DurationUnit,
) -> Option<Date> {
    use form_runtime::DurationUnit;
    let span = match unit {
        DurationUnit::Days => jiff::Span::new().try_days(amount).ok()?,
        DurationUnit::Weeks => jiff::Span::new().try_weeks(amount).ok()?,
        DurationUnit::Months => jiff::Span::new().try_months(amount).ok()?,
        DurationUnit::Years => jiff::Span::new().try_years(amount).ok()?,
    };
    date.checked_add(span).ok()
}

/// The compiled size limit of a pattern: the `regex` crate's default, which the runtime uses.
const PATTERN_SIZE_LIMIT: usize = 10 << 20;

/// Checks a `pattern`: a valid regular expression in the linear-time syntax of the `regex`
/// crate, which is what the runtime matches with.
fn check_pattern(ctx: &mut Ctx<'_>, pattern: &Str) -> bool {
    let source = ctx.text(pattern.span);
    // Offsets in the pattern map onto the source when the pattern has no escapes.
    let maps_onto_source = source.len() == pattern.value.len() + 2 && !source.starts_with("\"\"\"");
    let at = |offset: usize, end: usize| -> Span {
        if maps_onto_source {
            Span::new(
                pattern.span.start + 1 + offset as u32,
                pattern.span.start + 1 + end.max(offset + 1) as u32,
            )
        } else {
            pattern.span
        }
    };
    let problem = match regex_syntax::ast::parse::Parser::new().parse(&pattern.value) {
        Err(error) => Some((
            error.kind().to_string(),
            at(error.span().start.offset, error.span().end.offset),
        )),
        Ok(ast) => {
            match regex_syntax::hir::translate::Translator::new().translate(&pattern.value, &ast) {
                Err(error) => Some((
                    error.kind().to_string(),
                    at(error.span().start.offset, error.span().end.offset),
                )),
                // The runtime's `regex` refuses patterns whose compiled automaton exceeds its size
                // limit: building the automaton with the same limit finds those here, at a third
                // of the cost of compiling the whole regex.
                Ok(hir) => regex_automata::nfa::thompson::Compiler::new()
                    .configure(
                        regex_automata::nfa::thompson::Config::new()
                            .nfa_size_limit(Some(PATTERN_SIZE_LIMIT))
                            .shrink(false),
                    )
                    .build_from_hir(&hir)
                    .err()
                    .map(|error| (error.to_string(), pattern.span)),
            }
        }
    };
    if pattern.value.is_empty() {
        let diagnostic = ctx
            .diagnostic(Code::InvalidPattern, pattern.span, "the pattern is empty")
            .with_help("remove `pattern`, or write the pattern the answer must match");
        ctx.report(diagnostic);
        return false;
    }
    match problem {
        Some((what, span)) => {
            let diagnostic = ctx
                .diagnostic(Code::InvalidPattern, span, format!("the pattern is not a valid regular expression: {what}"))
                .with_help("patterns use the linear-time syntax of the Rust `regex` crate, which has no look-around and no backreferences; the pattern must match the whole answer, so `^` and `$` are not needed");
            ctx.report(diagnostic);
            false
        }
        None => true,
    }
}

/// The HTML autofill field names (WCAG 1.3.5 "Identify Input Purpose").
const AUTOFILL_FIELDS: &[&str] = &[
    "name",
    "honorific-prefix",
    "given-name",
    "additional-name",
    "family-name",
    "honorific-suffix",
    "nickname",
    "username",
    "new-password",
    "current-password",
    "one-time-code",
    "organization-title",
    "organization",
    "street-address",
    "address-line1",
    "address-line2",
    "address-line3",
    "address-level4",
    "address-level3",
    "address-level2",
    "address-level1",
    "country",
    "country-name",
    "postal-code",
    "language",
    "bday",
    "bday-day",
    "bday-month",
    "bday-year",
    "sex",
    "url",
    "photo",
    "tel",
    "tel-country-code",
    "tel-national",
    "tel-area-code",
    "tel-local",
    "tel-extension",
    "email",
    "impp",
    "off",
    "on",
];
const AUTOFILL_PREFIXES: &[&str] = &[
    "home", "work", "mobile", "fax", "pager", "shipping", "billing",
];

fn check_autocomplete(ctx: &mut Ctx<'_>, value: &Str) -> Option<String> {
    let tokens: Vec<&str> = value.value.split_whitespace().collect();
    let valid = match tokens.as_slice() {
        [field] => AUTOFILL_FIELDS.contains(field),
        [prefixes @ .., field] => {
            AUTOFILL_FIELDS.contains(field)
                && prefixes
                    .iter()
                    .all(|p| AUTOFILL_PREFIXES.contains(p) || p.starts_with("section-"))
        }
        [] => false,
    };
    if valid {
        return Some(tokens.join(" "));
    }
    let mut diagnostic = ctx.diagnostic(
        Code::InvalidValue,
        value.span,
        format!("\"{}\" is not an HTML autocomplete value", value.value),
    );
    diagnostic = match crate::diagnostic::did_you_mean(&value.value, AUTOFILL_FIELDS.iter().copied()) {
        Some(suggestion) => diagnostic.with_help(format!("did you mean \"{suggestion}\"?")),
        None => diagnostic.with_help("use a value such as \"given-name\", \"family-name\", \"email\", \"tel\", \"postal-code\" or \"bday\""),
    };
    ctx.report(diagnostic);
    None
}

fn check_file_type(ctx: &mut Ctx<'_>, value: &Str) -> bool {
    let text = value.value.as_str();
    let is_extension = text.len() > 1
        && text.starts_with('.')
        && text[1..].chars().all(|c| c.is_ascii_alphanumeric());
    let is_media_type = text.split_once('/').is_some_and(|(kind, sub)| {
        let token = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
        };
        token(kind) && (sub == "*" || token(sub))
    });
    if is_extension || is_media_type {
        return true;
    }
    let diagnostic = ctx
        .diagnostic(Code::InvalidValue, value.span, format!("\"{text}\" is not a file type"))
        .with_help("write an extension such as \".pdf\" or a media type such as \"application/pdf\" or \"image/*\"");
    ctx.report(diagnostic);
    false
}

/// The medium `only on` limits content to, if it names one.
fn only_on(ctx: &mut Ctx<'_>, attributes: &Attributes<'_>) -> Option<Medium> {
    let AttributeKind::OnlyOn(name) = &attributes.get("only on")?.kind else {
        return None;
    };
    let medium = Medium::from_name(&name.name);
    if medium.is_none() {
        let diagnostic = ctx.diagnostic(
            Code::InvalidValue,
            name.span,
            format!("`{}` is not where a form is shown", name.name),
        );
        let known = Medium::ALL.map(Medium::as_str);
        let help = match crate::diagnostic::did_you_mean(&name.name, known) {
            Some(suggestion) => format!(
                "did you mean `{suggestion}`? Write `only on web` for the web pages or `only on paper` for the PDFs"
            ),
            None => {
                "write `only on web` for the web pages or `only on paper` for the PDFs".to_owned()
            }
        };
        ctx.report(diagnostic.with_help(help));
    }
    medium
}
