//! The patterns a text answer must match in whole (a designer's `pattern`, and the formats of
//! email addresses, phone numbers, postcodes, NHS numbers and UPNs), prepared once per form.
//!
//! A pattern is run on a fully built DFA where one fits in a small budget: one table look-up per
//! byte, no set-up per search. The `regex` crate's own engine, which picks a strategy for every
//! search, takes several times as long on the short answers forms get. A pattern whose DFA
//! would be too large, or which the DFA cannot run (Unicode word boundaries), keeps the regex.
//! Both run in time linear in the text.

use regex::Regex;
use regex_automata::dfa::{Automaton, StartKind, dense};
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind};

/// The most memory one pattern's DFA may take, and may take while it is built.
const DFA_SIZE_LIMIT: usize = 1 << 20;
const DETERMINIZE_SIZE_LIMIT: usize = 2 << 20;

/// A pattern that must match the whole text.
#[derive(Debug)]
pub(crate) enum Pattern {
    /// The DFA of the pattern, anchored at both ends, and its start state.
    Dfa(Box<dense::DFA<Vec<u32>>>, StateID),
    /// The pattern, anchored at both ends, for the regex crate's engine.
    Regex(Regex),
}

impl Pattern {
    /// Prepares `pattern` (regex crate syntax), which must match the whole text.
    pub(crate) fn whole(pattern: &str) -> Result<Pattern, regex::Error> {
        let anchored = format!("^(?:{pattern})$");
        match Pattern::dfa(&anchored) {
            Some(dfa) => Ok(dfa),
            // Also where the syntax is wrong: the regex crate's error is the message a
            // designer reads.
            None => Ok(Pattern::Regex(Regex::new(&anchored)?)),
        }
    }

    fn dfa(anchored: &str) -> Option<Pattern> {
        let config = dense::Config::new()
            .start_kind(StartKind::Anchored)
            .match_kind(MatchKind::All)
            .dfa_size_limit(Some(DFA_SIZE_LIMIT))
            .determinize_size_limit(Some(DETERMINIZE_SIZE_LIMIT));
        let dfa = dense::Builder::new()
            .configure(config)
            .build(anchored)
            .ok()?;
        let start = dfa
            .start_state(&start::Config::new().anchored(Anchored::Yes))
            .ok()?;
        Some(Pattern::Dfa(Box::new(dfa), start))
    }

    /// Whether the whole of `text` matches.
    pub(crate) fn is_match(&self, text: &str) -> bool {
        match self {
            Pattern::Dfa(dfa, start) => {
                let mut state = *start;
                for &byte in text.as_bytes() {
                    state = dfa.next_state(state, byte);
                    if dfa.is_dead_state(state) {
                        return false;
                    }
                }
                // Matches show one step late, after the end of the text.
                dfa.is_match_state(dfa.next_eoi_state(state))
            }
            Pattern::Regex(regex) => regex.is_match(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::Pattern;
    use crate::formats;

    /// The patterns the formats use, and patterns of the kinds designers write.
    const PATTERNS: &[&str] = &[
        r"[A-Za-z][A-Za-z' -]*",
        r"[0-9]{10}",
        r"a|ab",
        r"(?i)[a-z]+ ?\d*",
        r"\w+(\s\w+)*",
        r"[^@\s]+@[^@\s]+\.[^@\s]+",
        r".*",
        r"",
        r"x?",
        r"café|naïve|😀+",
    ];

    /// The formats' patterns (anchored already: anchoring again changes nothing).
    fn formats() -> [&'static str; 5] {
        [
            formats::EMAIL_PATTERN,
            formats::PHONE_PATTERN,
            formats::POSTCODE_PATTERN,
            formats::NHS_NUMBER_PATTERN,
            formats::UPN_PATTERN,
        ]
    }

    #[test]
    fn the_usual_patterns_get_a_dfa() {
        for pattern in PATTERNS.iter().copied().chain(formats()) {
            let prepared = Pattern::whole(pattern).unwrap();
            assert!(matches!(prepared, Pattern::Dfa(..)), "{pattern}");
        }
    }

    #[test]
    fn unicode_word_boundaries_keep_the_regex() {
        let pattern = Pattern::whole(r"\bword\b.*").unwrap();
        assert!(matches!(pattern, Pattern::Regex(_)));
        assert!(pattern.is_match("word and more"));
        assert!(!pattern.is_match("swords"));
    }

    #[test]
    fn a_pattern_too_large_for_a_dfa_keeps_the_regex() {
        // The DFA of "an a 20 characters from the end" has over a million states.
        let pattern = Pattern::whole(r"[ab]*a[ab]{20}").unwrap();
        assert!(matches!(pattern, Pattern::Regex(_)));
        assert!(pattern.is_match(&format!("a{}", "b".repeat(20))));
        assert!(!pattern.is_match(&"b".repeat(21)));
    }

    #[test]
    fn bad_syntax_is_the_regex_crates_error() {
        let error = Pattern::whole("(abc").unwrap_err();
        assert!(error.to_string().contains("unclosed group"), "{error}");
    }

    /// Every pattern prepared, beside the regex crate's engine on the same pattern.
    static PREPARED: LazyLock<Vec<(&str, Pattern, regex::Regex)>> = LazyLock::new(|| {
        PATTERNS
            .iter()
            .copied()
            .chain(formats())
            .map(|pattern| {
                let regex = regex::Regex::new(&format!("^(?:{pattern})$")).unwrap();
                (pattern, Pattern::whole(pattern).unwrap(), regex)
            })
            .collect()
    });

    proptest! {
        /// The DFA gives the regex crate's verdict, on texts near the patterns' languages.
        #[test]
        fn dfa_agrees_with_the_regex_crate(
            text in "[a-zA-Z0-9 @.'+()-]{0,16}|[A-Z][0-9 ]{11}[A-Z0-9]|[0-9 -]{10,13}|[A-Z]{1,2}[0-9]{1,2} ?[0-9][A-Z]{2}|.{0,8}",
        ) {
            for (pattern, prepared, regex) in PREPARED.iter() {
                prop_assert_eq!(prepared.is_match(&text), regex.is_match(&text), "{} on {:?}", pattern, text);
            }
        }
    }
}
