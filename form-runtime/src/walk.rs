//! Walking a form's elements with the sections and blocks they sit in.

use crate::{Element, Form, Repeat, Section, Taxonomy, model::Choice};

/// What an element sits directly inside.
#[derive(Debug, Clone, Copy)]
pub enum Parent<'a> {
    /// A section.
    Section(&'a Section),
    /// A multiple-response block.
    Repeat(&'a Repeat),
}

/// An element with where it sits.
#[derive(Debug, Clone)]
pub struct ElementRef<'a> {
    /// The element.
    pub element: &'a Element,
    /// The section it is in.
    pub section: &'a Section,
    /// The blocks it is inside, outermost first (empty for an element directly in a section).
    pub blocks: Vec<&'a Repeat>,
}

impl ElementRef<'_> {
    /// What the element sits directly inside.
    pub fn parent(&self) -> Parent<'_> {
        match self.blocks.last() {
            Some(repeat) => Parent::Repeat(repeat),
            None => Parent::Section(self.section),
        }
    }
}

impl Form {
    /// Calls `visit` with every element of the form, depth first in document order, with its
    /// section and the blocks it is inside (outermost first). Allocates nothing per element.
    pub fn walk<'a>(&'a self, visit: &mut dyn FnMut(&'a Element, &'a Section, &[&'a Repeat])) {
        fn descend<'a>(
            elements: &'a [Element],
            section: &'a Section,
            blocks: &mut Vec<&'a Repeat>,
            visit: &mut dyn FnMut(&'a Element, &'a Section, &[&'a Repeat]),
        ) {
            for element in elements {
                visit(element, section, blocks);
                if let Element::Repeat(repeat) = element {
                    blocks.push(repeat);
                    descend(&repeat.elements, section, blocks, visit);
                    blocks.pop();
                }
            }
        }
        let mut blocks = Vec::new();
        for section in &self.sections {
            descend(&section.elements, section, &mut blocks, visit);
        }
    }

    /// Every element of the form, depth first in document order, with where it sits.
    pub fn elements(&self) -> Vec<ElementRef<'_>> {
        let mut out = Vec::new();
        self.walk(&mut |element, section, blocks| {
            out.push(ElementRef {
                element,
                section,
                blocks: blocks.to_vec(),
            });
        });
        out
    }

    /// The element with this id, with where it sits.
    pub fn element(&self, id: &str) -> Option<ElementRef<'_>> {
        self.elements()
            .into_iter()
            .find(|found| found.element.id() == id)
    }

    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&Section> {
        self.sections.iter().find(|section| section.id == id)
    }

    /// The choices of a choice or multiple-choice question's list: its own options, or the
    /// taxonomy's. Empty if the taxonomy is missing (a form from the compiler always has it).
    pub fn choices<'a>(&'a self, choices: &'a crate::Choices) -> &'a [Choice] {
        match choices {
            crate::Choices::Inline(choices) => choices,
            crate::Choices::Taxonomy(name) => self
                .taxonomies
                .get(name)
                .map(|taxonomy: &Taxonomy| taxonomy.choices.as_slice())
                .unwrap_or_default(),
        }
    }
}
