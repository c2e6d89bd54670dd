//! The patterns a text answer must match in whole (a designer's `pattern`, and the formats of
//! email addresses, phone numbers, postcodes, NHS numbers and UPNs), prepared once per form.
//!
//! A pattern is run on a fully built DFA where one fits in a small budget: one table look-up per
//! byte, no set-up per search. The `regex` crate's own engine, which picks a strategy for every
//! search, takes several times as long on the short answers forms get. The DFA is built by
//! `regex-automata` and copied into a table of our own, numbered from the pattern's start, so
//! that the loop over a text's bytes is a look-up of its class and one of the next state. A
//! pattern whose DFA would be too large, or which the DFA cannot run (Unicode word boundaries),
//! keeps the regex. Both run in time linear in the text.

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
    Dfa(Table),
    /// The pattern, anchored at both ends, for the regex crate's engine.
    Regex(Regex),
}

/// A DFA anchored at both ends, as a table. States are numbered from 0, the dead state (no
/// match whatever follows), and 1, the start; a state is held premultiplied, as the index of
/// its row (`number << shift`).
#[derive(Debug)]
pub(crate) struct Table {
    /// The class of each byte: bytes of one class lead every state to the same state.
    classes: Box<[u8; 256]>,
    /// A row of `1 << shift` next states per state, by class.
    next: Box<[u32]>,
    shift: u32,
    /// Whether the text matches when it ends in each state.
    accepts: Box<[bool]>,
    /// Whether a text it matches may hold a control character
    /// ([`formats::is_forbidden_control`]): when not, a match proves there is none, and the
    /// text need not be scanned for them.
    controls: bool,
}

impl Pattern {
    /// Prepares `pattern` (regex crate syntax), which must match the whole text.
    pub(crate) fn whole(pattern: &str) -> Result<Pattern, regex::Error> {
        let anchored = format!("^(?:{pattern})$");
        match Table::build(&anchored) {
            Some(table) => Ok(Pattern::Dfa(table)),
            // Also where the syntax is wrong: the regex crate's error is the message a
            // designer reads.
            None => Ok(Pattern::Regex(Regex::new(&anchored)?)),
        }
    }

    /// Whether a text that matches may hold a control character. True unless proved otherwise.
    pub(crate) fn admits_controls(&self) -> bool {
        match self {
            Pattern::Dfa(table) => table.controls,
            Pattern::Regex(_) => true,
        }
    }

    /// Whether the whole of a text, given as its bytes, matches.
    #[inline]
    pub(crate) fn is_match(&self, text: &[u8]) -> bool {
        match self {
            Pattern::Dfa(table) => table.is_match(text),
            Pattern::Regex(regex) => regex_match(regex, text),
        }
    }
}

// Out of line: most patterns have a table, whose loop is short enough to be in line.
#[inline(never)]
fn regex_match(regex: &Regex, text: &[u8]) -> bool {
    std::str::from_utf8(text).is_ok_and(|text| regex.is_match(text))
}

impl Table {
    const DEAD: usize = 0;

    /// The table of `anchored`'s DFA, if one fits in the budget.
    fn build(anchored: &str) -> Option<Table> {
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
        let byte_classes = dfa.byte_classes();
        let mut classes = Box::new([0u8; 256]);
        for byte in 0..=u8::MAX {
            classes[usize::from(byte)] = byte_classes.get(byte);
        }
        let class_count = classes.iter().map(|&class| usize::from(class) + 1).max()?;
        let shift = class_count.next_power_of_two().trailing_zeros();
        // The first byte of each class: every byte of a class leads to the same state.
        let mut representatives: Vec<u8> = Vec::with_capacity(class_count);
        let mut seen = [false; 256];
        for byte in 0..=u8::MAX {
            let class = usize::from(classes[usize::from(byte)]);
            if !std::mem::replace(&mut seen[class], true) {
                representatives.push(byte);
            }
        }
        // Number the live states in the order they are reached from the start.
        let mut states: Vec<StateID> = vec![StateID::ZERO, start];
        let mut numbers = std::collections::HashMap::from([(start, 1u32)]);
        // The dead state's row, all dead, comes first.
        let mut next = vec![0u32; 1 << shift];
        let mut at = 1;
        while let Some(&state) = states.get(at) {
            let mut row = vec![0u32; 1 << shift];
            for &byte in &representatives {
                let to = dfa.next_state(state, byte);
                if dfa.is_dead_state(to) {
                    continue;
                }
                let number = *numbers.entry(to).or_insert_with(|| {
                    states.push(to);
                    (states.len() - 1) as u32
                });
                row[usize::from(classes[usize::from(byte)])] = number << shift;
            }
            next.extend(row);
            at += 1;
        }
        let accepts = states
            .iter()
            .enumerate()
            .map(|(number, &state)| {
                number != Table::DEAD && dfa.is_match_state(dfa.next_eoi_state(state))
            })
            .collect();
        let mut table = Table {
            classes,
            next: next.into_boxed_slice(),
            shift,
            accepts,
            controls: true,
        };
        table.controls = table.admits_controls();
        Some(table)
    }

    /// The state after `byte` from `state` (premultiplied).
    #[inline(always)]
    fn step(&self, state: usize, byte: u8) -> usize {
        let class = usize::from(self.classes[usize::from(byte)]);
        self.next
            .get(state + class)
            .map_or(Table::DEAD, |&to| to as usize)
    }

    #[inline]
    fn is_match(&self, text: &[u8]) -> bool {
        let mut state = 1 << self.shift;
        // Four bytes at a time: the dead state leads only to itself, so it can wait to be
        // noticed.
        let (quads, rest) = text.as_chunks::<4>();
        for quad in quads {
            for &byte in quad {
                state = self.step(state, byte);
            }
            if state == Table::DEAD {
                return false;
            }
        }
        for &byte in rest {
            state = self.step(state, byte);
        }
        self.accepts
            .get(state >> self.shift)
            .copied()
            .unwrap_or(false)
    }

    /// Whether any state reachable from the start goes on through a control character (a C0
    /// control byte other than tab and line breaks, DEL, or a C1 control: `C2` then `80` to
    /// `9F`) to a live state. When none does, no text the DFA matches holds one.
    fn admits_controls(&self) -> bool {
        let controls = (0u8..0x20)
            .filter(|byte| !matches!(byte, b'\t' | b'\n' | b'\r'))
            .chain([0x7f]);
        // Every state in the table is reachable from the start.
        (1..self.accepts.len()).any(|number| {
            let state = number << self.shift;
            let after_c2 = self.step(state, 0xc2);
            controls
                .clone()
                .any(|byte| self.step(state, byte) != Table::DEAD)
                || (after_c2 != Table::DEAD
                    && (0x80..=0x9f).any(|byte| self.step(after_c2, byte) != Table::DEAD))
        })
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
            assert!(matches!(prepared, Pattern::Dfa(_)), "{pattern}");
        }
    }

    #[test]
    fn knows_which_patterns_admit_control_characters() {
        let admits = |pattern: &str| Pattern::whole(pattern).unwrap().admits_controls();
        for clean in [
            r"[A-Za-z][A-Za-z' -]*",
            r"[0-9]{10}",
            r"café|naïve|😀+",
            formats::PHONE_PATTERN,
            formats::POSTCODE_PATTERN,
            formats::NHS_NUMBER_PATTERN,
            formats::UPN_PATTERN,
            r"a\tb",
        ] {
            assert!(!admits(clean), "{clean}");
        }
        // `\s` holds U+0085 (a C1 control), `[^@\s]` every C0 control, `.` nearly everything;
        // a pattern the DFA cannot run is not looked into.
        for admitting in [
            formats::EMAIL_PATTERN,
            r".*",
            r"\w+(\s\w+)*",
            r"a\x07b",
            r"\bword\b.*",
        ] {
            assert!(admits(admitting), "{admitting}");
        }
    }

    #[test]
    fn unicode_word_boundaries_keep_the_regex() {
        let pattern = Pattern::whole(r"\bword\b.*").unwrap();
        assert!(matches!(pattern, Pattern::Regex(_)));
        assert!(pattern.is_match(b"word and more"));
        assert!(!pattern.is_match(b"swords"));
    }

    #[test]
    fn a_pattern_too_large_for_a_dfa_keeps_the_regex() {
        // The DFA of "an a 20 characters from the end" has over a million states.
        let pattern = Pattern::whole(r"[ab]*a[ab]{20}").unwrap();
        assert!(matches!(pattern, Pattern::Regex(_)));
        assert!(pattern.is_match(format!("a{}", "b".repeat(20)).as_bytes()));
        assert!(!pattern.is_match("b".repeat(21).as_bytes()));
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
        /// A pattern said to admit no control character matches no text that holds one.
        #[test]
        fn clean_patterns_match_no_control_character(
            text in "[a-zA-Z0-9 @.'+()-]{0,8}",
            control in prop::sample::select(vec!['\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}']),
            at in any::<prop::sample::Index>(),
        ) {
            let mut chars: Vec<char> = text.chars().collect();
            chars.insert(at.index(chars.len() + 1), control);
            let text: String = chars.into_iter().collect();
            for (pattern, prepared, _) in PREPARED.iter() {
                if !prepared.admits_controls() {
                    prop_assert!(!prepared.is_match(text.as_bytes()), "{} matched {:?}", pattern, text);
                }
            }
        }

        /// The DFA gives the regex crate's verdict, on texts near the patterns' languages.
        #[test]
        fn dfa_agrees_with_the_regex_crate(
            text in "[a-zA-Z0-9 @.'+()-]{0,16}|[A-Z][0-9 ]{11}[A-Z0-9]|[0-9 -]{10,13}|[A-Z]{1,2}[0-9]{1,2} ?[0-9][A-Z]{2}|.{0,8}",
        ) {
            for (pattern, prepared, regex) in PREPARED.iter() {
                prop_assert_eq!(prepared.is_match(text.as_bytes()), regex.is_match(&text), "{} on {:?}", pattern, text);
            }
        }
    }
}
