//! Taxonomies: the shipped standard set, included files' lists and the form's own, resolved
//! (`from` a base, `only` and `except`, new choices) and brought into scope by name.

use std::collections::{BTreeMap, BTreeSet};

use form_runtime::{Choice, Span, Taxonomy, selectable};

use super::Ctx;
use crate::ast::{BodyItem, ChoiceItem, File, TaxonomyDef, TaxonomyEntry, UseDecl};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};
use crate::source::FileId;
use crate::standard_taxonomies;

/// Where a taxonomy is defined.
#[derive(Clone, Copy)]
enum Definition<'a> {
    Standard(&'a Taxonomy),
    File(FileId, &'a TaxonomyDef),
}

/// A name usable in `from` on a question.
struct ScopeEntry {
    canonical: String,
    span: Span,
    /// `use` lines and the form file's own definitions are reported when unused.
    reported_if_unused: bool,
    what: &'static str,
}

/// The taxonomies of one compilation.
pub(crate) struct Taxonomies<'a> {
    definitions: BTreeMap<String, Definition<'a>>,
    resolved: BTreeMap<String, Option<Taxonomy>>,
    in_progress: Vec<String>,
    scope: BTreeMap<String, ScopeEntry>,
    /// Canonical names used by questions or rules.
    used: BTreeSet<String>,
    /// Scope names looked up.
    looked_up: BTreeSet<String>,
    has_form: bool,
}

impl<'a> Taxonomies<'a> {
    /// Collects the definitions and builds the form's scope. `top` is the main file's top
    /// level, `body` the form's body.
    pub(crate) fn build(
        ctx: &mut Ctx<'_>,
        top: &'a [BodyItem],
        body: &'a [BodyItem],
        included: &'a [(FileId, File)],
    ) -> Taxonomies<'a> {
        let mut taxonomies = Taxonomies {
            definitions: BTreeMap::new(),
            resolved: BTreeMap::new(),
            in_progress: Vec::new(),
            scope: BTreeMap::new(),
            used: BTreeSet::new(),
            looked_up: BTreeSet::new(),
            has_form: top.iter().any(|item| matches!(item, BodyItem::Form(_))),
        };
        for (name, taxonomy) in standard_taxonomies() {
            taxonomies
                .definitions
                .insert(name.clone(), Definition::Standard(taxonomy));
        }
        for (file, tree) in included {
            for item in &tree.items {
                if let BodyItem::Taxonomy(definition) = item {
                    taxonomies.define(ctx, *file, definition);
                }
            }
        }
        let local: Vec<&TaxonomyDef> = top
            .iter()
            .chain(body)
            .filter_map(|item| match item {
                BodyItem::Taxonomy(definition) => Some(&**definition),
                _ => None,
            })
            .collect();
        for definition in &local {
            if taxonomies.define(ctx, ctx.file, definition) {
                taxonomies.scope.insert(
                    definition.name.value.clone(),
                    ScopeEntry {
                        canonical: definition.name.value.clone(),
                        span: definition.name.span,
                        reported_if_unused: true,
                        what: "taxonomy",
                    },
                );
            }
        }
        for item in top.iter().chain(body) {
            if let BodyItem::Use(decl) = item {
                taxonomies.bring_in(ctx, decl);
            }
        }
        // Resolve every definition from files, so that problems in them are reported even
        // where the form does not use them.
        let names: Vec<String> = taxonomies
            .definitions
            .iter()
            .filter(|(_, definition)| matches!(definition, Definition::File(..)))
            .map(|(name, _)| name.clone())
            .collect();
        for name in names {
            taxonomies.resolve(ctx, &name);
        }
        taxonomies
    }

    /// Records a definition; false (and a diagnostic) if the name is taken.
    fn define(&mut self, ctx: &mut Ctx<'_>, file: FileId, definition: &'a TaxonomyDef) -> bool {
        let name = &definition.name.value;
        if let Some(existing) = self.definitions.get(name) {
            let mut diagnostic = Diagnostic::new(
                Code::DuplicateTaxonomy,
                file,
                definition.name.span,
                format!("a taxonomy named `{name}` is already defined"),
            );
            diagnostic = match existing {
                Definition::Standard(_) => diagnostic.with_help(format!(
                    "`{name}` is a shipped standard taxonomy; to change it, write `taxonomy my_list from {name} {{ ... }}`"
                )),
                Definition::File(other_file, other) => diagnostic
                    .with_label(*other_file, other.name.span, "first defined here")
                    .with_help("give one of them another name"),
            };
            ctx.report(diagnostic);
            return false;
        }
        self.definitions
            .insert(name.clone(), Definition::File(file, definition));
        true
    }

    fn bring_in(&mut self, ctx: &mut Ctx<'_>, decl: &UseDecl) {
        let name = &decl.name.value;
        if !self.definitions.contains_key(name) {
            let mut diagnostic = ctx.diagnostic(
                Code::UnknownTaxonomy,
                decl.name.span,
                format!("there is no taxonomy named `{name}` to use"),
            );
            diagnostic = match did_you_mean(name, self.definitions.keys().map(String::as_str)) {
                Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                None => diagnostic.with_help(format!(
                    "the shipped taxonomies are {}; others come from files you `include`",
                    standard_taxonomies()
                        .keys()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            ctx.report(diagnostic);
            return;
        }
        let (key, span) = match &decl.alias {
            Some(alias) => (alias.name.clone(), alias.span),
            None => (name.clone(), decl.name.span),
        };
        if let Some(existing) = self.scope.get(&key) {
            let diagnostic = ctx
                .diagnostic(
                    Code::DuplicateTaxonomy,
                    span,
                    format!("the name `{key}` is already used for a taxonomy in this form"),
                )
                .with_label(ctx.file, existing.span, "first used here")
                .with_help("use `as` to give this one another name");
            ctx.report(diagnostic);
            return;
        }
        self.scope.insert(
            key,
            ScopeEntry {
                canonical: name.clone(),
                span,
                reported_if_unused: true,
                what: "used taxonomy",
            },
        );
    }

    /// Resolves a definition (once), reporting problems with its base and entries.
    fn resolve(&mut self, ctx: &mut Ctx<'_>, name: &str) -> Option<&Taxonomy> {
        if self.resolved.contains_key(name) {
            return self.resolved.get(name).and_then(Option::as_ref);
        }
        let definition = *self.definitions.get(name)?;
        let (file, definition) = match definition {
            Definition::Standard(taxonomy) => {
                self.resolved
                    .insert(name.to_owned(), Some(taxonomy.clone()));
                return self.resolved.get(name).and_then(Option::as_ref);
            }
            Definition::File(file, definition) => (file, definition),
        };
        if let Some(start) = self.in_progress.iter().position(|other| other == name) {
            let mut names: Vec<String> = self.in_progress[start..]
                .iter()
                .map(|name| format!("`{name}`"))
                .collect();
            names.push(format!("`{name}`"));
            let span = definition
                .base
                .as_ref()
                .map_or(definition.name.span, |base| base.span);
            ctx.report(
                Diagnostic::new(
                    Code::TaxonomyCycle,
                    file,
                    span,
                    format!(
                        "taxonomies are built from each other in a loop: {}",
                        names.join(" → ")
                    ),
                )
                .with_help("build each taxonomy from a list that does not depend on it"),
            );
            self.resolved.insert(name.to_owned(), None);
            return None;
        }

        self.in_progress.push(name.to_owned());
        let base = definition.base.as_ref().and_then(|base| {
            if self.definitions.contains_key(&base.value) {
                self.resolve(ctx, &base.value).cloned()
            } else {
                let mut diagnostic = Diagnostic::new(
                    Code::UnknownTaxonomy,
                    file,
                    base.span,
                    format!("there is no taxonomy named `{}` to build from", base.value),
                );
                if let Some(suggestion) =
                    did_you_mean(&base.value, self.definitions.keys().map(String::as_str))
                {
                    diagnostic = diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                }
                ctx.report(diagnostic);
                None
            }
        });
        self.in_progress.pop();
        if self.resolved.contains_key(name) {
            // The definition was part of a loop, reported above.
            return None;
        }

        let base_name = definition.base.as_ref().map(|base| base.value.clone());
        let mut choices = base
            .as_ref()
            .map(|base| base.choices.clone())
            .unwrap_or_default();
        // Every code so far, with where it was defined here (a default span for the base's).
        let mut seen: BTreeMap<String, Span> = all_codes(&choices)
            .into_iter()
            .map(|code| (code, Span::default()))
            .collect();
        for entry in &definition.entries {
            match entry {
                TaxonomyEntry::Only(codes, span) | TaxonomyEntry::Except(codes, span) => {
                    let keep = matches!(entry, TaxonomyEntry::Only(..));
                    let Some(base_name) = &base_name else {
                        ctx.report(
                            Diagnostic::new(
                                Code::MisplacedItem,
                                file,
                                *span,
                                format!(
                                    "`{}` applies to a taxonomy built from another one",
                                    if keep { "only" } else { "except" }
                                ),
                            )
                            .with_help("write `taxonomy my_list from send.teams { ... }`, or list the choices you want"),
                        );
                        continue;
                    };
                    let present = all_codes(&choices);
                    for code in codes {
                        if !present.contains(&code.value) {
                            let mut diagnostic = Diagnostic::new(
                                Code::UnknownCode,
                                file,
                                code.span,
                                format!("`{}` is not a code of `{base_name}`", code.value),
                            );
                            if let Some(suggestion) =
                                did_you_mean(&code.value, present.iter().map(String::as_str))
                            {
                                diagnostic =
                                    diagnostic.with_help(format!("did you mean `{suggestion}`?"));
                            }
                            ctx.report(diagnostic);
                        }
                    }
                    let listed: BTreeSet<&str> =
                        codes.iter().map(|code| code.value.as_str()).collect();
                    choices = if keep {
                        keep_only(choices, &listed)
                    } else {
                        drop_codes(choices, &listed)
                    };
                    let remaining = all_codes(&choices);
                    seen.retain(|code, _| remaining.contains(code));
                }
                TaxonomyEntry::Choice(item) => {
                    if let Some(choice) =
                        lower_choice(ctx, file, item, &mut seen, base_name.as_deref())
                    {
                        choices.push(choice);
                    }
                }
            }
        }
        if selectable(&choices).next().is_none() {
            ctx.report(
                Diagnostic::new(
                    Code::EmptyChoices,
                    file,
                    definition.name.span,
                    format!("the taxonomy `{name}` has no choices"),
                )
                .with_help("add choices such as `CODE \"Label\"`"),
            );
        }
        let taxonomy = Taxonomy {
            title: definition
                .title
                .as_ref()
                .map(|title| title.value.clone())
                .or_else(|| base.as_ref().and_then(|base| base.title.clone())),
            ordered: definition.ordered || base.as_ref().is_some_and(|base| base.ordered),
            choices,
        };
        self.resolved.insert(name.to_owned(), Some(taxonomy));
        self.resolved.get(name).and_then(Option::as_ref)
    }

    /// Looks up a taxonomy named in `from` on a question; reports it if it is not in scope.
    /// Returns the canonical name and the resolved taxonomy.
    pub(crate) fn lookup(
        &mut self,
        ctx: &mut Ctx<'_>,
        name: &str,
        span: Span,
    ) -> Option<(String, &Taxonomy)> {
        let Some(entry) = self.scope.get(name) else {
            let mut diagnostic = ctx.diagnostic(
                Code::UnknownTaxonomy,
                span,
                format!("there is no taxonomy named `{name}` in this form"),
            );
            diagnostic = if self.definitions.contains_key(name) {
                diagnostic.with_help(format!("add `use taxonomy {name}` to the form to use it"))
            } else {
                let candidates = self
                    .scope
                    .keys()
                    .chain(self.definitions.keys())
                    .map(String::as_str);
                match did_you_mean(name, candidates) {
                    Some(suggestion) => diagnostic.with_help(format!("did you mean `{suggestion}`?")),
                    None => diagnostic.with_help(
                        "define it with `taxonomy name { ... }`, or bring in a shipped one with `use taxonomy send.teams`",
                    ),
                }
            };
            ctx.report(diagnostic);
            return None;
        };
        let canonical = entry.canonical.clone();
        self.looked_up.insert(name.to_owned());
        self.resolve(ctx, &canonical)?;
        self.used.insert(canonical.clone());
        let taxonomy = self.resolved.get(&canonical).and_then(Option::as_ref)?;
        Some((canonical, taxonomy))
    }

    /// The taxonomies the form's questions use, for the compiled form.
    pub(crate) fn used(&self) -> BTreeMap<String, Taxonomy> {
        self.used
            .iter()
            .filter_map(|name| {
                let taxonomy = self.resolved.get(name)?.clone()?;
                Some((name.clone(), taxonomy))
            })
            .collect()
    }

    /// Warns about the form file's own taxonomies and `use` lines that nothing uses.
    pub(crate) fn report_unused(&self, ctx: &mut Ctx<'_>) {
        if !self.has_form {
            return;
        }
        // A taxonomy used as the base of a used taxonomy is used.
        let mut used_names: BTreeSet<String> = self.used.clone();
        let mut frontier: Vec<String> = used_names.iter().cloned().collect();
        while let Some(name) = frontier.pop() {
            if let Some(Definition::File(_, definition)) = self.definitions.get(&name)
                && let Some(base) = &definition.base
                && used_names.insert(base.value.clone())
            {
                frontier.push(base.value.clone());
            }
        }
        for (name, entry) in &self.scope {
            let used = self.looked_up.contains(name)
                || (entry.what == "taxonomy" && used_names.contains(&entry.canonical));
            // A taxonomy that could not be resolved has had its diagnostic already.
            let broken = matches!(self.resolved.get(&entry.canonical), Some(None));
            if entry.reported_if_unused && !used && !broken {
                let message = if entry.what == "taxonomy" {
                    format!("the taxonomy `{name}` is never used")
                } else {
                    format!("the taxonomy `{name}` is brought in with `use` but never used")
                };
                let diagnostic = ctx
                    .diagnostic(Code::UnusedTaxonomy, entry.span, message)
                    .with_help(format!(
                        "remove it, or use it on a choice question with `from {name}`"
                    ));
                ctx.report(diagnostic);
            }
        }
    }
}

/// Every code in `choices`, headings included.
fn all_codes(choices: &[Choice]) -> BTreeSet<String> {
    let mut codes = BTreeSet::new();
    let mut stack: Vec<&Choice> = choices.iter().collect();
    while let Some(choice) = stack.pop() {
        codes.insert(choice.code.clone());
        stack.extend(&choice.children);
    }
    codes
}

/// Keeps the listed codes: a listed heading keeps all its children, and a heading with a
/// listed child keeps just those children.
fn keep_only(choices: Vec<Choice>, listed: &BTreeSet<&str>) -> Vec<Choice> {
    choices
        .into_iter()
        .filter_map(|mut choice| {
            if listed.contains(choice.code.as_str()) {
                return Some(choice);
            }
            if choice.children.is_empty() {
                return None;
            }
            choice.children = keep_only(choice.children, listed);
            (!choice.children.is_empty()).then_some(choice)
        })
        .collect()
}

/// Drops the listed codes, with their children.
fn drop_codes(choices: Vec<Choice>, listed: &BTreeSet<&str>) -> Vec<Choice> {
    choices
        .into_iter()
        .filter(|choice| !listed.contains(choice.code.as_str()))
        .map(|mut choice| {
            choice.children = drop_codes(choice.children, listed);
            choice
        })
        .collect()
}

/// Lowers one choice (and its children), reporting codes already in `seen` and empty labels.
pub(crate) fn lower_choice(
    ctx: &mut Ctx<'_>,
    file: FileId,
    item: &ChoiceItem,
    seen: &mut BTreeMap<String, Span>,
    base: Option<&str>,
) -> Option<Choice> {
    if let Some(first) = seen.get(&item.code.value) {
        let mut diagnostic = Diagnostic::new(
            Code::DuplicateCode,
            file,
            item.code.span,
            format!("the code `{}` is already in this list", item.code.value),
        );
        diagnostic = if *first == Span::default() {
            diagnostic.with_help(format!(
                "`{}` is already a code of `{}`; choose another code",
                item.code.value,
                base.unwrap_or("the base taxonomy")
            ))
        } else {
            diagnostic
                .with_label(file, *first, "first used here")
                .with_help("each code may appear only once, because answers store the code")
        };
        ctx.report(diagnostic);
        return None;
    }
    seen.insert(item.code.value.clone(), item.code.span);
    let (label, short_label) = match &item.second {
        Some(full) => (full, Some(item.first.value.clone())),
        None => (&item.first, None),
    };
    if label.value.trim().is_empty() {
        ctx.report(
            Diagnostic::new(
                Code::InvalidValue,
                file,
                label.span,
                "a choice needs a label",
            )
            .with_help(
                "write the words people will see, such as `SLT \"Speech and Language Therapy\"`",
            ),
        );
    }
    let children = item
        .children
        .iter()
        .filter_map(|child| lower_choice(ctx, file, child, seen, base))
        .collect();
    Some(Choice {
        code: item.code.value.clone(),
        label: label.value.clone(),
        short_label,
        children,
    })
}

/// Lowers a standalone definition with no base (the shipped taxonomies), ignoring problems:
/// a test checks that the shipped source has none.
pub(crate) fn resolve_standalone(definition: &TaxonomyDef) -> Taxonomy {
    fn lower(item: &ChoiceItem) -> Choice {
        let (label, short_label) = match &item.second {
            Some(full) => (full.value.clone(), Some(item.first.value.clone())),
            None => (item.first.value.clone(), None),
        };
        Choice {
            code: item.code.value.clone(),
            label,
            short_label,
            children: item.children.iter().map(lower).collect(),
        }
    }
    Taxonomy {
        title: definition.title.as_ref().map(|title| title.value.clone()),
        ordered: definition.ordered,
        choices: definition
            .entries
            .iter()
            .filter_map(|entry| match entry {
                TaxonomyEntry::Choice(item) => Some(lower(item)),
                _ => None,
            })
            .collect(),
    }
}
