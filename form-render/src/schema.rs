//! The JSON Schema (draft 2020-12) of a form's submissions.
//!
//! It accepts what the runtime accepts wherever JSON Schema can say it: types, choice codes,
//! lengths, patterns, ranges, counts of entries, no unknown keys, and — through `if`/`then`/
//! `else` — questions required when shown and absent when hidden. Rules are translated with
//! the runtime's three-valued logic: for each rule the schema has one subschema matching the
//! answers where it is definitely true and one where it is definitely false.
//!
//! What JSON Schema cannot say (word counts, decimal places, check digits, dates relative to
//! today, arithmetic, rules that look outside a block entry) is documented where it applies,
//! in `x-sendform-*` keywords, and listed at the root in `x-sendform-runtime-only` with the
//! runtime error codes that only the runtime reports there. The runtime remains the authority.

use std::collections::BTreeMap;

use form_runtime::formats::{self, FileType};
use form_runtime::{
    Choice, Choices, Comparison, Element, Expr, ExprKind, FileInput, Form, Input, Question, Repeat,
    Rule,
};
use serde_json::{Map, Value, json};

/// The JSON Schema dialect of the output.
pub const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// The schema of `form`'s submissions (whole records: every audience's parts).
pub fn json_schema(form: &Form) -> Value {
    let mut generator = Generator::new(form);
    let mut object = generator.level(Scope::Root, "");
    object.insert("$schema".into(), json!(DIALECT));
    object.insert(
        "$id".into(),
        json!(format!(
            "urn:sendform:{}:{}",
            encode(&form.id),
            encode(&form.version)
        )),
    );
    object.insert("title".into(), json!(form.title));
    object.insert(
        "description".into(),
        json!(format!(
            "Answers to “{}”, version {}. The sendform runtime is the authority on validity; \
             what this schema cannot express is listed in x-sendform-runtime-only.",
            form.title, form.version
        )),
    );
    object.insert(
        "x-sendform-form".into(),
        json!({"id": form.id, "version": form.version, "source_hash": form.source_hash}),
    );
    let defs = generator.defs();
    if !defs.is_empty() {
        object.insert("$defs".into(), Value::Object(defs));
    }
    object.insert(
        "x-sendform-runtime-only".into(),
        Value::Array(generator.unexpressed),
    );
    Value::Object(object)
}

/// Percent-encodes what may not appear in a URN.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Which answers object an id lives in: the root, or the entries of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope<'f> {
    Root,
    Block(&'f str),
}

struct Generator<'f> {
    form: &'f Form,
    /// Every question and block: where it lives and what it is.
    ids: BTreeMap<&'f str, (Scope<'f>, &'f Element)>,
    /// Taxonomies used by questions, by name.
    used_taxonomies: BTreeMap<&'f str, ()>,
    uses_document: bool,
    uses_person: bool,
    unexpressed: Vec<Value>,
}

impl<'f> Generator<'f> {
    fn new(form: &'f Form) -> Generator<'f> {
        let mut ids = BTreeMap::new();
        form.walk(&mut |element, _, blocks| {
            let scope = blocks
                .last()
                .map_or(Scope::Root, |block| Scope::Block(&block.id));
            ids.insert(element.id(), (scope, element));
        });
        Generator {
            form,
            ids,
            used_taxonomies: BTreeMap::new(),
            uses_document: false,
            uses_person: false,
            unexpressed: Vec::new(),
        }
    }

    fn defs(&self) -> Map<String, Value> {
        let mut defs = Map::new();
        for name in self.used_taxonomies.keys() {
            if let Some(taxonomy) = self.form.taxonomies.get(*name) {
                let mut def = one_of(&taxonomy.choices);
                if let Some(title) = &taxonomy.title {
                    def["title"] = json!(title);
                }
                defs.insert(format!("taxonomy.{name}"), def);
            }
        }
        if self.uses_document {
            let text = json!({"type": "string", "pattern": "\\S"});
            defs.insert(
                "document".into(),
                json!({
                    "title": "A reference to an uploaded document",
                    "type": "object",
                    "properties": {
                        "id": text,
                        "name": text,
                        "media_type": {"type": "string"},
                        "size": {"type": "integer", "minimum": 0}
                    },
                    "required": ["id", "name", "media_type", "size"],
                    "additionalProperties": false
                }),
            );
        }
        if self.uses_person {
            let text = json!({"type": "string", "pattern": "\\S"});
            defs.insert(
                "person".into(),
                json!({
                    "title": "A reference to a person in the local authority's records",
                    "type": "object",
                    "properties": {"id": text, "name": text},
                    "required": ["id", "name"],
                    "additionalProperties": false
                }),
            );
        }
        defs
    }

    /// Records something only the runtime checks: at `path`, `keyword`, reported by the
    /// runtime with one of `codes`.
    fn runtime_only(&mut self, path: &str, keyword: &str, codes: &[&str], rule: Option<&str>) {
        let mut entry = json!({"path": path, "keyword": keyword, "codes": codes});
        if let Some(rule) = rule {
            entry["rule"] = json!(rule);
        }
        self.unexpressed.push(entry);
    }

    /// The schema of one answers object: the root, or one entry of a block.
    fn level(&mut self, scope: Scope<'f>, prefix: &str) -> Map<String, Value> {
        let form = self.form;
        // Each element with the rules that must all hold for it to be shown.
        let mut elements: Vec<(Vec<&'f Rule>, &'f Element)> = Vec::new();
        let mut checks: Vec<(Option<&'f Rule>, &'f form_runtime::Check)> = Vec::new();
        match scope {
            Scope::Root => {
                for section in &form.sections {
                    let container: Vec<&Rule> = section.visible_when.iter().collect();
                    for element in &section.elements {
                        elements.push((container.clone(), element));
                    }
                    checks.extend(
                        section
                            .checks
                            .iter()
                            .map(|check| (section.visible_when.as_ref(), check)),
                    );
                }
                checks.extend(form.checks.iter().map(|check| (None, check)));
            }
            Scope::Block(id) => {
                if let Some((_, Element::Repeat(repeat))) = self.ids.get(id) {
                    for element in &repeat.elements {
                        elements.push((Vec::new(), element));
                    }
                    checks.extend(repeat.checks.iter().map(|check| (None, check)));
                }
            }
        }
        let mut properties = Map::new();
        let mut required: Vec<Value> = Vec::new();
        let mut all_of: Vec<Value> = Vec::new();
        for (mut rules, element) in elements {
            let id = element.id();
            let path = format!("{prefix}/{id}");
            let (schema, must) = match element {
                Element::Content(_) => continue,
                Element::Question(question) => {
                    (self.question(question, &path), self.answered_schema(id))
                }
                Element::Repeat(repeat) => {
                    let schema = self.repeat(repeat, &path);
                    let must = if repeat.min.as_ref().is_some_and(|min| min.value > 0) {
                        Some(json!({"required": [id]}))
                    } else {
                        None
                    };
                    (schema, must)
                }
            };
            properties.insert(id.to_owned(), schema);
            rules.extend(element.visible_when());
            let requirement: Option<Result<Option<Value>, &Rule>> = match element {
                Element::Question(question) => match &question.required {
                    None => None,
                    Some(required) => match &required.when {
                        None => Some(Ok(None)),
                        Some(when) => Some(match self.truth(&when.expr, scope, true) {
                            Some(condition) => Ok(Some(condition)),
                            None => Err(when),
                        }),
                    },
                },
                _ => must.as_ref().map(|_| Ok(None)),
            };
            // What holds when the element is shown: its requirement.
            let when_shown: Option<Value> = match (&requirement, &must) {
                (Some(Ok(None)), Some(must)) => Some(must.clone()),
                (Some(Ok(Some(condition))), Some(must)) => {
                    Some(json!({"if": condition, "then": must}))
                }
                (Some(Err(rule)), _) => {
                    self.runtime_only(&path, "required_when", &["required"], Some(&rule.text));
                    None
                }
                _ => None,
            };
            if rules.is_empty() {
                match when_shown {
                    Some(Value::Object(object))
                        if object.len() == 1 && object.contains_key("required") =>
                    {
                        required.push(json!(id));
                    }
                    Some(other) => all_of.push(other),
                    None => {}
                }
                continue;
            }
            let shown: Option<Vec<Value>> = rules
                .iter()
                .map(|rule| self.truth(&rule.expr, scope, true))
                .collect();
            match shown {
                Some(conditions) => {
                    let condition = all(conditions);
                    let mut branch = json!({"if": condition, "else": {"not": {"required": [id]}}});
                    if let Some(then) = when_shown {
                        branch["then"] = then;
                    }
                    all_of.push(branch);
                }
                None => {
                    let texts: Vec<&str> = rules.iter().map(|rule| rule.text.as_str()).collect();
                    let text = texts.join(" and ");
                    self.runtime_only(
                        &path,
                        "visible_when",
                        &["hidden_answered", "required", "min_entries"],
                        Some(&text),
                    );
                    if let Some(Value::Object(property)) = properties.get_mut(id) {
                        property.insert("x-sendform-visible-when".into(), json!(text));
                    }
                }
            }
        }
        for (container, check) in checks {
            let target = check
                .target
                .as_deref()
                .map_or_else(|| prefix.to_owned(), |target| self.path_of(target, prefix));
            let condition = self.check(container, check, scope);
            match condition {
                Some(condition) => all_of.push(condition),
                None => {
                    let text = match &check.when {
                        Some(when) => format!("when {} require {}", when.text, check.require.text),
                        None => format!("require {}", check.require.text),
                    };
                    self.runtime_only(&target, "check", &["check"], Some(&text));
                }
            }
        }
        let mut object = Map::new();
        object.insert("type".into(), json!("object"));
        object.insert("properties".into(), Value::Object(properties));
        object.insert("additionalProperties".into(), json!(false));
        if !required.is_empty() {
            object.insert("required".into(), Value::Array(required));
        }
        if !all_of.is_empty() {
            object.insert("allOf".into(), Value::Array(all_of));
        }
        object
    }

    /// The path of `id`'s answer seen from a level at `prefix`: in the same entry, or in an
    /// answers object around it.
    fn path_of(&self, id: &str, prefix: &str) -> String {
        match self.ids.get(id) {
            Some((Scope::Root, _)) => format!("/{id}"),
            Some((Scope::Block(block), _)) => {
                let marker = format!("/{block}/*");
                match prefix.find(&marker) {
                    Some(at) => format!("{}/{id}", &prefix[..at + marker.len()]),
                    None => format!("{prefix}/{id}"),
                }
            }
            None => format!("{prefix}/{id}"),
        }
    }

    /// A check as a schema: when it applies, its rule is not definitely false.
    fn check(
        &mut self,
        container: Option<&'f Rule>,
        check: &'f form_runtime::Check,
        scope: Scope<'f>,
    ) -> Option<Value> {
        let fails = self.truth(&check.require.expr, scope, false)?;
        let mut conditions = Vec::new();
        if let Some(container) = container {
            conditions.push(self.truth(&container.expr, scope, true)?);
        }
        if let Some(when) = &check.when {
            conditions.push(self.truth(&when.expr, scope, true)?);
        }
        let rule = json!({"not": fails});
        Some(if conditions.is_empty() {
            rule
        } else {
            json!({"if": all(conditions), "then": rule})
        })
    }

    /// The schema of "`id` is answered": present, and for a declaration ticked, for a block at
    /// least one entry. None when `id` is unknown.
    fn answered_schema(&self, id: &str) -> Option<Value> {
        let (_, element) = self.ids.get(id)?;
        Some(match element {
            Element::Question(Question {
                input: Input::Declaration,
                ..
            }) => json!({"required": [id], "properties": {id: {"const": true}}}),
            Element::Repeat(_) => json!({"required": [id], "properties": {id: {"minItems": 1}}}),
            _ => json!({"required": [id]}),
        })
    }

    /// The answers where `expr` is definitely `want` (true or false), in `scope`; None when
    /// JSON Schema cannot say it.
    fn truth(&mut self, expr: &'f Expr, scope: Scope<'f>, want: bool) -> Option<Value> {
        match &expr.kind {
            ExprKind::Bool { value } => Some(json!(*value == want)),
            ExprKind::Not { operand } => self.truth(operand, scope, !want),
            ExprKind::And { operands } | ExprKind::Or { operands } => {
                let parts: Option<Vec<Value>> = operands
                    .iter()
                    .map(|o| self.truth(o, scope, want))
                    .collect();
                let parts = parts?;
                let conjunction = matches!(expr.kind, ExprKind::And { .. }) == want;
                Some(if conjunction {
                    all(parts)
                } else {
                    json!({"anyOf": parts})
                })
            }
            ExprKind::Answer { question } => {
                // A yes/no answer (or a declaration) used as a condition.
                self.in_scope(question, scope)?;
                match self.ids.get(question.as_str())? {
                    (
                        _,
                        Element::Question(Question {
                            input: Input::YesNo | Input::Declaration,
                            ..
                        }),
                    ) => Some(answer_is(question, json!({"const": true}), want)),
                    _ => None,
                }
            }
            ExprKind::Answered { question } => {
                self.in_scope(question, scope)?;
                let answered = self.answered_schema(question)?;
                Some(if want {
                    answered
                } else {
                    json!({"not": answered})
                })
            }
            ExprKind::Compare {
                cmp,
                left,
                right,
                order,
            } => {
                if let Some(count) = self.count_compare(*cmp, left, right, scope) {
                    let count = count?;
                    return Some(if want { count } else { json!({"not": count}) });
                }
                let (question, cmp, literal) = match (&left.kind, &right.kind) {
                    (ExprKind::Answer { question }, _) => (question, *cmp, right),
                    (_, ExprKind::Answer { question }) => (question, cmp.flipped(), left),
                    _ => return None,
                };
                self.in_scope(question, scope)?;
                let value = self.value_compare(cmp, literal, order.as_deref())?;
                Some(answer_is(question, value, want))
            }
            ExprKind::In {
                value,
                list,
                negated,
            } => {
                let ExprKind::Answer { question } = &value.kind else {
                    return None;
                };
                self.in_scope(question, scope)?;
                let values: Option<Vec<Value>> = list.iter().map(literal).collect();
                Some(answer_is(
                    question,
                    json!({"enum": values?}),
                    want != *negated,
                ))
            }
            ExprKind::Includes {
                choices,
                code,
                negated,
            } => {
                let ExprKind::Answer { question } = &choices.kind else {
                    return None;
                };
                self.in_scope(question, scope)?;
                let holds = want != *negated;
                match &code.kind {
                    ExprKind::Code { value } => Some(answer_is(
                        question,
                        json!({"contains": {"const": value}}),
                        holds,
                    )),
                    // `single in several`: one branch for each code the single answer may hold.
                    ExprKind::Answer { question: single } => {
                        self.in_scope(single, scope)?;
                        let codes = self.codes_of(single)?;
                        let branches: Vec<Value> = codes
                            .iter()
                            .map(|code| {
                                let several = json!({"contains": {"const": code}});
                                let several = if holds { several } else { json!({"not": several}) };
                                json!({
                                    "required": [question, single],
                                    "properties": {single.as_str(): {"const": code}, question.as_str(): several}
                                })
                            })
                            .collect();
                        Some(json!({"anyOf": branches}))
                    }
                    _ => None,
                }
            }
            ExprKind::Any { block, condition } | ExprKind::All { block, condition } => {
                self.in_scope(block, scope)?;
                let inner = Scope::Block(self.ids.get_key_value(block.as_str())?.0);
                let is_any = matches!(expr.kind, ExprKind::Any { .. });
                // any(c) is true when some entry is true; false when every entry is false.
                // all(c) is true when every entry is true; false when some entry is false.
                let some_entry = is_any == want;
                let entry = self.truth(condition, inner, want)?;
                Some(if some_entry {
                    json!({"required": [block], "properties": {block: {"contains": entry}}})
                } else {
                    json!({"properties": {block: {"items": entry}}})
                })
            }
            _ => None,
        }
    }

    /// The selectable codes of a single-choice question.
    fn codes_of(&self, id: &str) -> Option<Vec<&'f str>> {
        let (
            _,
            Element::Question(Question {
                input: Input::Choice(choice),
                ..
            }),
        ) = self.ids.get(id)?
        else {
            return None;
        };
        Some(
            form_runtime::selectable(self.form.choices(&choice.choices))
                .map(|c| c.code.as_str())
                .collect(),
        )
    }

    fn in_scope(&self, id: &str, scope: Scope<'f>) -> Option<()> {
        let (home, _) = self.ids.get(id)?;
        (*home == scope).then_some(())
    }

    /// `count(block[, filter]) CMP number` (either way round), as the answers where it is
    /// true. Outer None: not a count comparison; inner None: one JSON Schema cannot say.
    fn count_compare(
        &mut self,
        cmp: Comparison,
        left: &'f Expr,
        right: &'f Expr,
        scope: Scope<'f>,
    ) -> Option<Option<Value>> {
        let (block, filter, cmp, number) = match (&left.kind, &right.kind) {
            (ExprKind::Count { block, filter }, ExprKind::Number { value }) => {
                (block, filter, cmp, *value)
            }
            (ExprKind::Number { value }, ExprKind::Count { block, filter }) => {
                (block, filter, cmp.flipped(), *value)
            }
            (ExprKind::Count { .. }, _) | (_, ExprKind::Count { .. }) => return Some(None),
            _ => return None,
        };
        Some(self.count_between(block, filter.as_deref(), cmp, number, scope))
    }

    fn count_between(
        &mut self,
        block: &'f str,
        filter: Option<&'f Expr>,
        cmp: Comparison,
        n: f64,
        scope: Scope<'f>,
    ) -> Option<Value> {
        self.in_scope(block, scope)?;
        // The whole counts c with c CMP n, as lo <= c <= hi.
        let (lo, hi): (f64, Option<f64>) = match cmp {
            Comparison::Eq if n.fract() == 0.0 => (n, Some(n)),
            Comparison::Eq => return Some(json!(false)),
            Comparison::Ne => {
                let equal = self.count_between(block, filter, Comparison::Eq, n, scope)?;
                return Some(json!({"not": equal}));
            }
            Comparison::Lt => (0.0, Some(n.ceil() - 1.0)),
            Comparison::Le => (0.0, Some(n.floor())),
            Comparison::Gt => (n.floor() + 1.0, None),
            Comparison::Ge => (n.ceil(), None),
        };
        let lo = lo.max(0.0);
        if hi.is_some_and(|hi| hi < lo) {
            return Some(json!(false));
        }
        let mut array = Map::new();
        match filter {
            None => {
                if lo > 0.0 {
                    array.insert("minItems".into(), json!(lo as u64));
                }
                if let Some(hi) = hi {
                    array.insert("maxItems".into(), json!(hi as u64));
                }
            }
            Some(filter) => {
                let inner = Scope::Block(self.ids.get_key_value(block)?.0);
                array.insert("contains".into(), self.truth(filter, inner, true)?);
                array.insert("minContains".into(), json!(lo as u64));
                if let Some(hi) = hi {
                    array.insert("maxContains".into(), json!(hi as u64));
                }
            }
        }
        let mut schema = json!({"properties": {block: array}});
        if lo > 0.0 {
            schema["required"] = json!([block]);
        }
        Some(schema)
    }

    /// The values of an answer for which `answer CMP literal` holds.
    fn value_compare(
        &self,
        cmp: Comparison,
        literal_expr: &Expr,
        order: Option<&str>,
    ) -> Option<Value> {
        let value = literal(literal_expr)?;
        match cmp {
            Comparison::Eq => return Some(json!({"const": value})),
            Comparison::Ne => return Some(json!({"not": {"const": value}})),
            _ => {}
        }
        if let ExprKind::Number { value: n } = literal_expr.kind {
            let keyword = match cmp {
                Comparison::Lt => "exclusiveMaximum",
                Comparison::Le => "maximum",
                Comparison::Gt => "exclusiveMinimum",
                _ => "minimum",
            };
            return Some(json!({keyword: n}));
        }
        // Codes of an ordered taxonomy: the codes on the right side of the bound.
        let (ExprKind::Code { value: code }, Some(order)) = (&literal_expr.kind, order) else {
            return None;
        };
        let codes: Vec<&str> = self
            .form
            .taxonomies
            .get(order)?
            .selectable()
            .map(|c| c.code.as_str())
            .collect();
        let bound = codes.iter().position(|c| c == code)?;
        let chosen: Vec<&str> = codes
            .iter()
            .enumerate()
            .filter(|(position, _)| cmp.holds(position.cmp(&bound)))
            .map(|(_, code)| *code)
            .collect();
        Some(json!({"enum": chosen}))
    }

    fn question(&mut self, question: &'f Question, path: &str) -> Value {
        let mut schema = match &question.input {
            Input::Text(text) | Input::LongText(text) => {
                let ceiling = if matches!(question.input, Input::LongText(_)) {
                    formats::LONG_TEXT_MAX_CHARS
                } else {
                    formats::TEXT_MAX_CHARS
                };
                let mut schema = text_schema();
                schema["maxLength"] = json!(
                    text.max_length
                        .as_ref()
                        .map_or(ceiling as u64, |max| u64::from(max.value))
                );
                if let Some(min) = &text.min_length {
                    schema["minLength"] = json!(min.value);
                }
                if let Some(pattern) = &text.pattern {
                    schema["allOf"] = json!([{"pattern": format!("^(?:{})$", pattern.regex)}]);
                }
                if let Some(max) = &text.max_words {
                    schema["x-sendform-max-words"] = json!(max.value);
                    self.runtime_only(path, "max_words", &["max_words"], None);
                }
                schema
            }
            Input::Email(_) => {
                let mut schema = text_schema();
                schema["allOf"] = json!([{"pattern": formats::EMAIL_PATTERN}]);
                schema["maxLength"] = json!(formats::EMAIL_MAX_LENGTH);
                schema
            }
            Input::Phone(_) => formatted(formats::PHONE_PATTERN),
            Input::Postcode(_) => formatted(formats::POSTCODE_PATTERN),
            Input::NhsNumber(_) => {
                self.runtime_only(path, "check_digit", &["nhs_number"], None);
                let mut schema = formatted(formats::NHS_NUMBER_PATTERN);
                schema["x-sendform-check-digit"] = json!("modulus 11");
                schema
            }
            Input::Upn(_) => {
                self.runtime_only(path, "check_digit", &["upn"], None);
                let mut schema = formatted(formats::UPN_PATTERN);
                schema["x-sendform-check-digit"] = json!("DfE check letter");
                schema
            }
            Input::Integer(number) | Input::Decimal(number) => {
                let integer = matches!(question.input, Input::Integer(_));
                let mut schema = json!({"type": if integer { "integer" } else { "number" }});
                if let Some(min) = &number.min {
                    schema["minimum"] = json!(min.value);
                }
                if let Some(max) = &number.max {
                    schema["maximum"] = json!(max.value);
                }
                if let Some(decimals) = &number.decimals {
                    schema["x-sendform-decimals"] = json!(decimals.value);
                    self.runtime_only(path, "decimals", &["decimals"], None);
                }
                schema
            }
            Input::Date(date) => {
                let mut schema = json!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"});
                if !date.bounds.is_empty() {
                    let bounds: Vec<String> = date
                        .bounds
                        .iter()
                        .map(|bound| format!("{} {}", bound.kind.as_str(), bound.date.text))
                        .collect();
                    schema["x-sendform-date-bounds"] = json!(bounds);
                    let codes: Vec<&str> = date
                        .bounds
                        .iter()
                        .map(|bound| bound.kind.as_str())
                        .collect();
                    self.runtime_only(path, "date_bounds", &codes, Some(&bounds.join(", ")));
                }
                schema
            }
            Input::YesNo | Input::Declaration => json!({"type": "boolean"}),
            Input::Choice(choice) => self.choices(&choice.choices),
            Input::MultiChoice(multi) => {
                let mut items = self.choices(&multi.choices);
                if let Some(exclusive) = &multi.exclusive {
                    // The exclusive choice is an extra option of its own.
                    items = json!({"anyOf": [items, {"const": exclusive.code, "title": exclusive.label}]});
                }
                let mut schema =
                    json!({"type": "array", "items": items, "uniqueItems": true, "minItems": 1});
                if let Some(max) = &multi.max_selected {
                    schema["maxItems"] = json!(max.value);
                }
                let min = multi
                    .min_selected
                    .as_ref()
                    .map_or(1, |min| min.value.max(1));
                match &multi.exclusive {
                    Some(exclusive) => {
                        schema["if"] = json!({"contains": {"const": exclusive.code}});
                        schema["then"] = json!({"maxItems": 1});
                        schema["else"] = json!({"minItems": min});
                    }
                    None => schema["minItems"] = json!(min),
                }
                schema
            }
            Input::File(file) => self.file(file),
            Input::PersonLookup => {
                self.uses_person = true;
                json!({"$ref": "#/$defs/person"})
            }
        };
        schema["title"] = json!(question.label);
        if let Some(hint) = &question.hint {
            schema["description"] = json!(hint);
        }
        schema
    }

    fn choices(&mut self, choices: &'f Choices) -> Value {
        match choices {
            Choices::Taxonomy(name) => {
                self.used_taxonomies.insert(name, ());
                json!({"$ref": format!("#/$defs/taxonomy.{name}")})
            }
            Choices::Inline(choices) => one_of(choices),
        }
    }

    fn file(&mut self, file: &FileInput) -> Value {
        self.uses_document = true;
        let mut document = vec![json!({"$ref": "#/$defs/document"})];
        if !file.accept.is_empty() {
            let accepted: Vec<Value> = file
                .accept
                .iter()
                .map(|accept| accept_schema(accept))
                .collect();
            document.push(json!({"anyOf": accepted}));
        }
        if let Some(max) = &file.max_size_bytes {
            document.push(json!({"properties": {"size": {"maximum": max.value}}}));
        }
        let document = all(document);
        if file.max_files.value <= 1 {
            return document;
        }
        let min = file.min_files.as_ref().map_or(1, |min| min.value.max(1));
        json!({"type": "array", "items": document, "minItems": min, "maxItems": file.max_files.value})
    }

    fn repeat(&mut self, repeat: &'f Repeat, path: &str) -> Value {
        let id = self
            .ids
            .get_key_value(repeat.id.as_str())
            .map_or(repeat.id.as_str(), |(id, _)| *id);
        let entry = Value::Object(self.level(Scope::Block(id), &format!("{path}/*")));
        let mut schema = json!({"type": "array", "title": repeat.title, "items": entry});
        if let Some(hint) = &repeat.hint {
            schema["description"] = json!(hint);
        }
        if let Some(min) = &repeat.min {
            schema["minItems"] = json!(min.value);
        }
        if let Some(max) = &repeat.max {
            schema["maxItems"] = json!(max.value);
        }
        schema
    }
}

/// A non-blank string of at most the ceiling, with no control characters.
fn text_schema() -> Value {
    json!({
        "type": "string",
        "pattern": "\\S",
        "not": {"pattern": formats::FORBIDDEN_CONTROL_CLASS},
    })
}

fn formatted(pattern: &str) -> Value {
    let mut schema = text_schema();
    schema["allOf"] = json!([{"pattern": pattern}]);
    schema
}

/// `oneOf` of `const` + `title` for each selectable choice, so labels travel with codes.
fn one_of(choices: &[Choice]) -> Value {
    let options: Vec<Value> = form_runtime::selectable(choices)
        .map(|choice| {
            let mut option = json!({"const": choice.code, "title": choice.label});
            if let Some(short) = &choice.short_label {
                option["x-sendform-short-label"] = json!(short);
            }
            option
        })
        .collect();
    json!({"type": "string", "oneOf": options})
}

/// A schema that matches when the answer `question` is present and matches `value` (want) or
/// is present and does not (not want).
fn answer_is(question: &str, value: Value, want: bool) -> Value {
    let value = if want { value } else { json!({"not": value}) };
    json!({"required": [question], "properties": {question: value}})
}

/// A literal as a JSON value; None for dates, today and anything computed.
fn literal(expr: &Expr) -> Option<Value> {
    match &expr.kind {
        ExprKind::Bool { value } => Some(json!(value)),
        ExprKind::Number { value } => Some(json!(value)),
        ExprKind::Text { value } | ExprKind::Code { value } => Some(json!(value)),
        _ => None,
    }
}

fn all(mut parts: Vec<Value>) -> Value {
    if parts.len() == 1 {
        return parts.pop().unwrap_or(Value::Bool(true));
    }
    json!({"allOf": parts})
}

/// The schema of a document of an accepted type: by extension of its name, or media type.
fn accept_schema(accept: &str) -> Value {
    fn caseless(text: &str) -> String {
        text.chars()
            .map(|c| {
                if c.is_ascii_alphabetic() {
                    format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                } else if "^$\\.*+?()[]{}|/".contains(c) {
                    format!("\\{c}")
                } else {
                    c.to_string()
                }
            })
            .collect()
    }
    match FileType::parse(accept) {
        FileType::Extension(extension) => {
            json!({"properties": {"name": {"pattern": format!("\\.{}$", caseless(&extension))}}})
        }
        FileType::MediaTypeFamily(family) => {
            json!({"properties": {"media_type": {"pattern": format!("^{}/", caseless(&family))}}})
        }
        FileType::MediaType(media_type) => {
            json!({"properties": {"media_type": {"pattern": format!("^{}$", caseless(&media_type))}}})
        }
    }
}
