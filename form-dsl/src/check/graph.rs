//! Dependency cycles between rules.
//!
//! A part shown only when a question is answered depends on that question, and a question
//! depends on the section or block it is in (it is hidden when they are). A loop in these
//! dependencies means that no part of the loop can ever be shown. Required-when rules that
//! depend on each other in a loop are reported too: "one of these two" is a `check`.

use std::collections::{BTreeSet, HashMap};

use form_runtime::{Element, Form, Rule, Span};

use super::Ctx;
use crate::diagnostic::Code;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// The part's rule reads the other part's answer; the span is the rule's.
    Rule(Span),
    /// The part is inside the other part.
    Inside,
}

/// A node: an element, or a section (whose ids are of their own kind).
type Node<'f> = (bool, &'f str);

struct Graph<'f> {
    nodes: Vec<Node<'f>>,
    /// Only looked up, never iterated: output order comes from `nodes`.
    index: HashMap<Node<'f>, usize>,
    edges: Vec<Vec<(usize, Edge)>>,
}

impl<'f> Graph<'f> {
    fn new() -> Graph<'f> {
        Graph {
            nodes: Vec::new(),
            index: HashMap::new(),
            edges: Vec::new(),
        }
    }

    fn node(&mut self, node: Node<'f>) -> usize {
        if let Some(&index) = self.index.get(&node) {
            return index;
        }
        self.nodes.push(node);
        self.edges.push(Vec::new());
        self.index.insert(node, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    fn element(&mut self, id: &'f str) -> usize {
        self.node((false, id))
    }

    fn section(&mut self, id: &'f str) -> usize {
        self.node((true, id))
    }

    /// How a node is named in messages.
    fn name(&self, index: usize) -> String {
        match self.nodes[index] {
            (true, id) => format!("section `{id}`"),
            (false, id) => format!("`{id}`"),
        }
    }

    fn rule_edges(&mut self, from: usize, rule: &'f Rule) {
        for reference in rule.expr.references() {
            let to = self.element(reference);
            self.edges[from].push((to, Edge::Rule(rule.expr.span)));
        }
    }

    /// Every elementary loop found by a depth-first search, each set of parts once.
    fn cycles(&self) -> Vec<Vec<(usize, Edge)>> {
        #[derive(Clone, Copy, PartialEq)]
        enum Colour {
            White,
            Grey,
            Black,
        }
        let mut colour = vec![Colour::White; self.nodes.len()];
        let mut found: Vec<Vec<(usize, Edge)>> = Vec::new();
        let mut seen_sets: BTreeSet<Vec<usize>> = BTreeSet::new();
        for start in 0..self.nodes.len() {
            if colour[start] != Colour::White {
                continue;
            }
            // An explicit stack of (node, next edge to follow, edge taken to reach it).
            let mut stack: Vec<(usize, usize, Option<Edge>)> = vec![(start, 0, None)];
            colour[start] = Colour::Grey;
            while let Some(&mut (node, ref mut next, _)) = stack.last_mut() {
                if let Some(&(to, edge)) = self.edges[node].get(*next) {
                    *next += 1;
                    match colour[to] {
                        Colour::White => {
                            colour[to] = Colour::Grey;
                            stack.push((to, 0, Some(edge)));
                        }
                        Colour::Grey => {
                            let begin = stack.iter().position(|(n, _, _)| *n == to).unwrap_or(0);
                            let mut cycle: Vec<(usize, Edge)> = Vec::new();
                            for window in stack[begin..].windows(2) {
                                if let Some(edge) = window[1].2 {
                                    cycle.push((window[0].0, edge));
                                }
                            }
                            cycle.push((node, edge));
                            let mut set: Vec<usize> = cycle.iter().map(|(n, _)| *n).collect();
                            set.sort_unstable();
                            if cycle.iter().any(|(_, e)| matches!(e, Edge::Rule(_)))
                                && seen_sets.insert(set)
                            {
                                found.push(cycle);
                            }
                        }
                        Colour::Black => {}
                    }
                } else {
                    colour[node] = Colour::Black;
                    stack.pop();
                }
            }
        }
        found
    }
}

/// Reports loops among visibility rules and among required-when rules.
pub(super) fn check_cycles(ctx: &mut Ctx<'_>, form: &Form) {
    let mut visibility = Graph::new();
    let mut required = Graph::new();
    for section in &form.sections {
        let node = visibility.section(&section.id);
        if let Some(rule) = &section.visible_when {
            visibility.rule_edges(node, rule);
        }
    }
    form.walk(&mut |element, section, blocks| {
        let id = element.id();
        let from = visibility.element(id);
        let to = match blocks.last() {
            Some(block) => visibility.element(&block.id),
            None => visibility.section(&section.id),
        };
        visibility.edges[from].push((to, Edge::Inside));
        if let Some(rule) = element.visible_when() {
            visibility.rule_edges(from, rule);
        }
        if let Element::Question(question) = element
            && let Some(when) = question.required.as_ref().and_then(|r| r.when.as_ref())
        {
            let from = required.element(id);
            required.rule_edges(from, when);
        }
    });
    for cycle in visibility.cycles().into_iter().take(10) {
        report(ctx, &visibility, &cycle, Code::VisibilityCycle);
    }
    for cycle in required.cycles().into_iter().take(10) {
        report(ctx, &required, &cycle, Code::RequiredCycle);
    }
}

fn report(ctx: &mut Ctx<'_>, graph: &Graph<'_>, cycle: &[(usize, Edge)], code: Code) {
    let names: Vec<String> = cycle.iter().map(|(node, _)| graph.name(*node)).collect();
    let mut path: Vec<String> = names.clone();
    if let Some(first) = path.first().cloned() {
        path.push(first);
    }
    let Some(primary) = cycle.iter().find_map(|(_, edge)| match edge {
        Edge::Rule(span) => Some(*span),
        Edge::Inside => None,
    }) else {
        return;
    };
    let (message, help) = if code == Code::VisibilityCycle {
        if names.len() == 1 {
            (
                format!(
                    "{} is shown only depending on its own answer, so it can never be shown",
                    names[0]
                ),
                "a part can only be shown depending on questions that are shown without it"
                    .to_owned(),
            )
        } else {
            (
                format!("visibility depends on itself in a loop: {}", path.join(" → ")),
                "each part can only depend on questions that can be shown without it; break the loop by changing one of these rules".to_owned(),
            )
        }
    } else if names.len() == 1 {
        (
            format!("{} is required depending on its own answer", names[0]),
            "write `required`, or a `check` such as `check \"...\" require answered(a) or answered(b)`".to_owned(),
        )
    } else {
        (
            format!("required-when rules depend on each other in a loop: {}", path.join(" → ")),
            "for \"answer at least one of these\", write a check: `check \"Enter a phone number or an email address\" require answered(phone) or answered(email)`".to_owned(),
        )
    };
    let mut diagnostic = ctx.diagnostic(code, primary, message);
    for (index, (node, edge)) in cycle.iter().enumerate() {
        let next = graph.name(cycle[(index + 1) % cycle.len()].0);
        let here = graph.name(*node);
        match edge {
            Edge::Rule(span) if *span != primary => {
                diagnostic = diagnostic.with_label(
                    ctx.file,
                    *span,
                    format!("{here} depends on {next} here"),
                );
            }
            Edge::Rule(_) => {
                diagnostic =
                    diagnostic.with_primary_message(format!("{here} depends on {next} here"));
            }
            Edge::Inside => {}
        }
    }
    let insides: Vec<String> = cycle
        .iter()
        .enumerate()
        .filter(|(_, (_, edge))| *edge == Edge::Inside)
        .map(|(index, (node, _))| {
            format!(
                "{} is inside {}",
                graph.name(*node),
                graph.name(cycle[(index + 1) % cycle.len()].0)
            )
        })
        .collect();
    if !insides.is_empty() {
        diagnostic.message = format!("{} ({})", diagnostic.message, insides.join(", "));
    }
    diagnostic = diagnostic.with_help(help);
    ctx.report(diagnostic);
}
