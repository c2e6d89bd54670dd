//! The standard SEND taxonomies shipped with the compiler, written in the form language
//! itself (`stdlib/send.form`) and compiled once, on first use.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use form_runtime::Taxonomy;

use crate::ast::BodyItem;
use crate::check::taxonomies::resolve_standalone;
use crate::{Limits, SourceMap, parse};

/// The source of the standard taxonomies.
pub(crate) const SOURCE: &str = include_str!("stdlib/send.form");

static STANDARD: LazyLock<BTreeMap<String, Taxonomy>> = LazyLock::new(|| {
    let mut sources = SourceMap::new();
    let file = sources.add_text("<standard taxonomies>", SOURCE);
    let parsed = parse(sources.file(file), &Limits::default());
    let Some(tree) = parsed.tree else {
        return BTreeMap::new();
    };
    tree.items
        .iter()
        .filter_map(|item| match item {
            BodyItem::Taxonomy(definition) => Some((
                definition.name.value.clone(),
                resolve_standalone(definition),
            )),
            _ => None,
        })
        .collect()
});

/// The standard taxonomies, by name (`send.teams`, `send.outcome_types`,
/// `send.areas_of_need`, `send.pfa_areas`).
pub fn standard_taxonomies() -> &'static BTreeMap<String, Taxonomy> {
    &STANDARD
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_taxonomies_parse_without_diagnostics() {
        let mut sources = SourceMap::new();
        let file = sources.add_text("send.form", SOURCE);
        let parsed = parse(sources.file(file), &Limits::default());
        assert_eq!(parsed.diagnostics, vec![]);
        let names: Vec<&str> = standard_taxonomies().keys().map(String::as_str).collect();
        assert_eq!(
            names,
            [
                "send.areas_of_need",
                "send.outcome_types",
                "send.pfa_areas",
                "send.teams"
            ]
        );
        assert_eq!(standard_taxonomies()["send.teams"].choices.len(), 12);
        assert_eq!(standard_taxonomies()["send.outcome_types"].choices.len(), 6);
    }
}
