//! Malformed input: every bad file gets a clear diagnostic and no form, never a panic, a stack
//! overflow or a long wait.

// Tests (and benchmarks) may panic on a broken invariant: that is how they fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use form_dsl::{Code, Compiled, Limits, Options, SourceMap, compile};
use support::compile_bytes;

fn codes(compiled: &Compiled) -> Vec<Code> {
    compiled
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.code)
        .collect()
}

fn assert_rejected(name: &str, bytes: Vec<u8>, code: Code) -> (SourceMap, Compiled) {
    let (sources, compiled) = compile_bytes(name, bytes);
    assert!(
        compiled.has_errors(),
        "{name}: expected errors, got {:?}",
        codes(&compiled)
    );
    assert!(
        compiled.form.is_none(),
        "{name}: a file with errors must not give a form"
    );
    assert!(
        codes(&compiled).contains(&code),
        "{name}: expected {code}, got {:?}",
        codes(&compiled)
    );
    (sources, compiled)
}

const SMALL_FORM: &str = "form f \"F\" {\n  version \"1\"\n  audience citizen\n  section s \"S\" {\n    text a \"A\"\n  }\n}\n";

#[test]
fn an_empty_file_is_reported() {
    for text in [
        "",
        "   \n\t\n",
        "// only a comment\n",
        "/* a block comment */",
    ] {
        let (sources, compiled) =
            assert_rejected("empty.form", text.as_bytes().to_vec(), Code::EmptyFile);
        assert_eq!(compiled.diagnostics.len(), 1);
        let diagnostic = &compiled.diagnostics[0];
        assert_eq!(diagnostic.message, "the file defines nothing");
        assert_eq!(
            diagnostic.primary.span.end as usize,
            sources.file(diagnostic.primary.file).text().len()
        );
    }
}

#[test]
fn invalid_utf8_is_reported_where_it_is() {
    let mut bytes = b"form f \"F\" {\n  version \"1\"\n  audience citizen\n  section s \"S\" {\n    text a \"caf".to_vec();
    bytes.extend([0xe9, b'"']); // Latin-1 e-acute, not UTF-8
    bytes.extend(b"\n  }\n}\n");
    let (sources, compiled) = assert_rejected("latin1.form", bytes, Code::InvalidUtf8);
    let diagnostic = compiled
        .diagnostics
        .iter()
        .find(|d| d.code == Code::InvalidUtf8)
        .unwrap();
    let file = sources.file(diagnostic.primary.file);
    assert_eq!(
        file.line_col(diagnostic.primary.span.start as usize),
        (5, 16)
    );
    assert_eq!(
        diagnostic.help.as_deref(),
        Some("save the file with the UTF-8 encoding (in most editors: Save As, then choose UTF-8)")
    );

    // A lone surrogate, encoded as UTF-8 would encode it, is not UTF-8 either.
    let mut surrogate = SMALL_FORM.as_bytes().to_vec();
    surrogate.splice(4..4, [0xed, 0xa0, 0x80]);
    assert_rejected("surrogate.form", surrogate, Code::InvalidUtf8);
}

#[test]
fn a_byte_order_mark_is_reported_and_the_rest_still_checked() {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(
        SMALL_FORM
            .replace("text a \"A\"", "text a \"A\"\n    text a \"B\"")
            .as_bytes(),
    );
    let (_, compiled) = assert_rejected("bom.form", bytes, Code::ByteOrderMark);
    assert_eq!(
        codes(&compiled),
        vec![Code::ByteOrderMark, Code::DuplicateId]
    );
}

#[test]
fn unterminated_strings_and_blocks_are_reported() {
    assert_rejected(
        "string.form",
        b"form f \"F {\n}\n".to_vec(),
        Code::UnterminatedString,
    );
    assert_rejected(
        "block.form",
        b"form f \"F\" {\n  version \"1\"\n".to_vec(),
        Code::UnclosedDelimiter,
    );
    assert_rejected(
        "text.form",
        b"form f \"F\" {\n  intro \"\"\"never closed\n}\n".to_vec(),
        Code::UnterminatedString,
    );
    assert_rejected(
        "comment.form",
        b"form f \"F\" { /* never closed\n}\n".to_vec(),
        Code::UnterminatedComment,
    );
}

#[test]
fn a_hundred_thousand_nested_brackets_are_refused_quickly() {
    for (open, close) in [('(', ')'), ('{', '}'), ('[', ']')] {
        let depth = 100_000;
        let mut text = String::from(
            "form f \"F\" {\n  version \"1\"\n  audience citizen\n  section s \"S\" {\n    yes_no a \"A\"\n    text b \"B\" { visible when ",
        );
        text.extend(std::iter::repeat_n(open, depth));
        text.push('a');
        text.extend(std::iter::repeat_n(close, depth));
        text.push_str(" }\n  }\n}\n");
        let started = std::time::Instant::now();
        let (_, compiled) = assert_rejected("deep.form", text.into_bytes(), Code::NestingTooDeep);
        assert_eq!(codes(&compiled), vec![Code::NestingTooDeep]);
        assert!(
            started.elapsed().as_secs() < 5,
            "took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn ten_thousand_operators_in_a_rule_are_refused_quickly() {
    for rule in [
        "not ".repeat(10_000) + "a",
        format!("({}a)", "not ".repeat(200_000)),
        format!("count(b) > [{}1]", "- ".repeat(200_000)),
        vec!["a"; 10_000].join(" and "),
        vec!["a"; 10_000].join(" or not "),
        "- ".repeat(10_000) + "1 > 0",
        vec!["1"; 10_000].join(" + ") + " > 0",
    ] {
        let text = format!(
            "form f \"F\" {{\n  version \"1\"\n  audience citizen\n  section s \"S\" {{\n    yes_no a \"A\"\n    text b \"B\" {{ visible when {rule} }}\n  }}\n}}\n"
        );
        let started = std::time::Instant::now();
        let (_, compiled) = assert_rejected("long.form", text.into_bytes(), Code::NestingTooDeep);
        assert_eq!(codes(&compiled), vec![Code::NestingTooDeep]);
        assert!(
            started.elapsed().as_secs() < 5,
            "took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn nesting_just_under_the_limit_parses_on_a_small_stack() {
    // The deepest rule the limit allows must not overflow even a small thread stack.
    let depth = Limits::default().max_nesting - 6;
    let mut text = String::from(
        "form f \"F\" {\n  version \"1\"\n  audience citizen\n  section s \"S\" {\n    yes_no a \"A\"\n    text b \"B\" { visible when ",
    );
    text.extend(std::iter::repeat_n('(', depth));
    text.push_str("not a");
    text.extend(std::iter::repeat_n(')', depth));
    text.push_str(" }\n  }\n}\n");
    let compiled = std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(move || compile_bytes("deep.form", text.into_bytes()).1)
        .unwrap()
        .join()
        .expect("compiling did not overflow the stack");
    assert_eq!(codes(&compiled), vec![]);
}

#[test]
fn a_twenty_megabyte_file_is_refused_without_parsing() {
    let mut text = SMALL_FORM.to_owned();
    let comment = "// padding padding padding padding padding padding padding padding\n";
    while text.len() < 20 << 20 {
        text.push_str(comment);
    }
    let started = std::time::Instant::now();
    let (_, compiled) = assert_rejected("huge.form", text.into_bytes(), Code::FileTooLarge);
    assert_eq!(codes(&compiled), vec![Code::FileTooLarge]);
    assert!(
        compiled.diagnostics[0]
            .message
            .starts_with("the file is 20971"),
        "{}",
        compiled.diagnostics[0].message
    );
    assert!(
        started.elapsed().as_secs() < 5,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn ids_that_differ_only_by_normalisation_are_duplicates() {
    let composed = "caf\u{e9}";
    let decomposed = "cafe\u{301}";
    let text = SMALL_FORM.replace("text a \"A\"", &format!("text {composed} \"A\"\n    text {decomposed} \"B\"\n    text x \"X\" {{ visible when {decomposed} = \"y\" }}"));
    let (_, compiled) = assert_rejected("nfc.form", text.into_bytes(), Code::DuplicateId);
    assert_eq!(codes(&compiled), vec![Code::DuplicateId]);
}

#[test]
fn ids_that_look_alike_are_refused() {
    // Latin "coco" and Cyrillic "сосо".
    let text = SMALL_FORM.replace(
        "text a \"A\"",
        "text coco \"A\"\n    text \u{441}\u{43e}\u{441}\u{43e} \"B\"",
    );
    let (_, compiled) = assert_rejected("confusable.form", text.into_bytes(), Code::ConfusableId);
    assert_eq!(codes(&compiled), vec![Code::ConfusableId]);

    // A Latin id with one Cyrillic letter in it.
    let text = SMALL_FORM.replace("text a \"A\"", "text n\u{430}me \"A\"");
    assert_rejected("mixed.form", text.into_bytes(), Code::MixedScriptId);
}

#[test]
fn bidirectional_overrides_in_ids_are_refused() {
    for control in ['\u{202e}', '\u{2066}', '\u{200f}'] {
        let text = SMALL_FORM.replace("text a \"A\"", &format!("text a{control}b \"A\""));
        let (_, compiled) = assert_rejected("bidi.form", text.into_bytes(), Code::BidiControl);
        assert_eq!(codes(&compiled), vec![Code::BidiControl]);
    }
}

#[test]
fn control_characters_outside_text_are_refused() {
    for control in ['\0', '\u{7}', '\u{200b}', '\u{a0}'] {
        let text = SMALL_FORM.replace("text a \"A\"", &format!("text a \"A\"{control}"));
        assert_rejected("control.form", text.into_bytes(), Code::InvisibleCharacter);
    }
}

#[test]
fn diagnostics_stop_at_the_limit_with_a_count_of_the_rest() {
    let mut text =
        String::from("form f \"F\" {\n  version \"1\"\n  audience citizen\n  section s \"S\" {\n");
    for _ in 0..300 {
        text.push_str("    text same \"Same\"\n");
    }
    text.push_str("  }\n}\n");
    let (_, compiled) = assert_rejected("many.form", text.into_bytes(), Code::TooManyDiagnostics);
    let limit = Limits::default().max_diagnostics;
    assert_eq!(compiled.diagnostics.len(), limit + 1);
    let last = compiled.diagnostics.last().unwrap();
    assert_eq!(last.code, Code::TooManyDiagnostics);
    assert_eq!(
        last.message,
        "99 more diagnostics (99 of them errors) are not shown"
    );
}

#[test]
fn limits_are_options() {
    let options = Options {
        limits: Limits {
            max_source_bytes: 50,
            ..Limits::default()
        },
    };
    let mut sources = SourceMap::new();
    let main = sources.add_text("f.form", SMALL_FORM);
    let compiled = compile(&mut sources, main, &form_dsl::NoIncludes, &options);
    assert_eq!(codes(&compiled), vec![Code::FileTooLarge]);
}

#[test]
fn a_file_of_only_taxonomies_is_a_library_not_an_error() {
    let (_, compiled) = compile_bytes("lists.form", b"taxonomy colours { red \"Red\" }\n".to_vec());
    assert!(
        compiled.diagnostics.is_empty(),
        "{:?}",
        compiled.diagnostics
    );
    assert!(compiled.form.is_none());
}
