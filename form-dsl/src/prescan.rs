//! A lexical pass before parsing: size, encoding, invisible characters, strings, comments and
//! bracket nesting.
//!
//! pest stops at its first error and recurses once per nesting level, so problems that would
//! give a poor syntax error (an unterminated string reported pages later) or unbounded
//! recursion (100,000 nested parentheses) are found here first, each with a precise message.

use form_runtime::Span;

use crate::Limits;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceFile;

/// What the pre-scan found.
pub(crate) struct Prescan {
    pub(crate) diagnostics: Vec<Diagnostic>,
    /// Whether the file can safely be handed to the parser.
    pub(crate) parseable: bool,
}

/// Characters that change the display order of text (the "Trojan Source" characters).
pub(crate) fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show as nothing, or as a space, but are not the ordinary space.
fn invisible_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00A0}' => "a non-breaking space",
        '\u{00AD}' => "a soft hyphen",
        '\u{200B}' => "a zero-width space",
        '\u{200C}' => "a zero-width non-joiner",
        '\u{200D}' => "a zero-width joiner",
        '\u{2060}' => "a word joiner",
        '\u{FEFF}' => "a zero-width no-break space",
        '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => "a special space",
        '\u{034F}'
        | '\u{115F}'
        | '\u{1160}'
        | '\u{17B4}'
        | '\u{17B5}'
        | '\u{180B}'..='\u{180E}'
        | '\u{2061}'..='\u{2064}'
        | '\u{206A}'..='\u{206F}'
        | '\u{3164}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FFA0}'
        | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E007F}' => "an invisible character",
        '\u{FFFD}' => return None,
        c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => "a control character",
        _ => return None,
    })
}

struct Open {
    delimiter: char,
    offset: usize,
    /// The indentation of the line the opener is on, in characters.
    indent: usize,
    line: usize,
}

pub(crate) fn prescan(file: &SourceFile, limits: &Limits) -> Prescan {
    let id = file.id();
    let mut diagnostics = Vec::new();
    let text = file.text();
    let span = |start: usize, end: usize| Span::new(to_u32(start), to_u32(end));

    if file.byte_len() > limits.max_source_bytes {
        diagnostics.push(
            Diagnostic::new(
                Code::FileTooLarge,
                id,
                span(0, 0),
                format!(
                    "the file is {} bytes; the largest form file accepted is {} bytes",
                    file.byte_len(),
                    limits.max_source_bytes
                ),
            )
            .with_help("split shared taxonomies into a file of their own and `include` it, or check that this is the right file"),
        );
        return Prescan {
            diagnostics,
            parseable: false,
        };
    }

    let mut parseable = true;
    let invalid_at = file.invalid_utf8_at();
    if let Some(at) = invalid_at {
        diagnostics.push(
            Diagnostic::new(
                Code::InvalidUtf8,
                id,
                span(at, at + '\u{FFFD}'.len_utf8()),
                "the file is not UTF-8 text: this byte cannot be read",
            )
            .with_primary_message("not UTF-8")
            .with_help("save the file with the UTF-8 encoding (in most editors: Save As, then choose UTF-8)"),
        );
    }
    if text.starts_with('\u{FEFF}') {
        diagnostics.push(
            Diagnostic::new(
                Code::ByteOrderMark,
                id,
                span(0, '\u{FEFF}'.len_utf8()),
                "the file starts with a byte order mark",
            )
            .with_help("save the file as UTF-8 without a byte order mark (\"UTF-8\", not \"UTF-8 with BOM\")"),
        );
    }

    let mut stack: Vec<Open> = Vec::new();
    // The first `{` whose `}` does not line up with it: the likely culprit when a brace is
    // missing, because every later `}` then closes the block outside the one it lines up with.
    let mut suspicious: Option<(usize, usize)> = None;
    let bytes = text.as_bytes();
    let mut line = 1usize;
    let mut line_start = 0usize;
    let indent_of = |line_start: usize| -> usize {
        bytes[line_start..]
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count()
    };
    // Reports bidirectional controls in `start..end` (quoted text and comments may hold any
    // other character) and keeps the line count.
    let skip_region = |start: usize,
                       end: usize,
                       line: &mut usize,
                       line_start: &mut usize,
                       diagnostics: &mut Vec<Diagnostic>| {
        let region = &bytes[start..end];
        // Quoted text becomes labels, hints and messages: a control character in it (a NUL,
        // say) would reach every page and document. Comments are never shown.
        let quoted = bytes[start] == b'"';
        let mut controls = false;
        for (offset, byte) in region.iter().enumerate() {
            if *byte == b'\n' {
                *line += 1;
                *line_start = start + offset + 1;
            } else if byte.is_ascii_control() && !matches!(byte, b'\t' | b'\r') {
                controls = true;
            }
        }
        if !region.is_ascii() || (quoted && controls) {
            for (offset, c) in text[start..end].char_indices() {
                if is_bidi_control(c) {
                    diagnostics.push(bidi(file, start + offset, c));
                } else if quoted && c.is_control() && !matches!(c, '\t' | '\n' | '\r') {
                    let at = start + offset;
                    diagnostics.push(
                        Diagnostic::new(
                            Code::InvisibleCharacter,
                            id,
                            span(at, at + c.len_utf8()),
                            format!("a control character (U+{:04X}) is not allowed in text", u32::from(c)),
                        )
                        .with_help("delete it: it cannot be seen, but it would be copied into every page and document"),
                    );
                }
            }
        }
    };
    let find = |from: usize, needle: &[u8]| -> Option<usize> {
        bytes[from..]
            .windows(needle.len())
            .position(|window| window == needle)
            .map(|at| from + at)
    };

    // A block of text or a comment that is never closed runs to the end of the file and takes
    // every closing bracket with it: reporting those as unclosed too would only repeat it.
    let mut swallowed_to_end = false;
    let mut at = 0usize;
    while at < bytes.len() {
        let byte = bytes[at];
        match byte {
            b'\n' => {
                line += 1;
                line_start = at + 1;
                at += 1;
            }
            b' ' | b'\t' | b'\r' => at += 1,
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                let end = bytes[at..]
                    .iter()
                    .position(|b| *b == b'\n')
                    .map_or(bytes.len(), |p| at + p);
                skip_region(at, end, &mut line, &mut line_start, &mut diagnostics);
                at = end;
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => match find(at + 2, b"*/") {
                Some(close) => {
                    skip_region(at, close + 2, &mut line, &mut line_start, &mut diagnostics);
                    at = close + 2;
                }
                None => {
                    skip_region(
                        at,
                        bytes.len(),
                        &mut line,
                        &mut line_start,
                        &mut diagnostics,
                    );
                    diagnostics.push(
                        Diagnostic::new(Code::UnterminatedComment, id, span(at, at + 2), "this comment is never closed")
                            .with_primary_message("comment starts here")
                            .with_help("end the comment with `*/`, or use `//` for a comment that ends with the line"),
                    );
                    parseable = false;
                    swallowed_to_end = true;
                    at = bytes.len();
                }
            },
            b'"' if bytes[at..].starts_with(b"\"\"\"") => match find(at + 3, b"\"\"\"") {
                Some(close) => {
                    skip_region(at, close + 3, &mut line, &mut line_start, &mut diagnostics);
                    at = close + 3;
                }
                None => {
                    skip_region(
                        at,
                        bytes.len(),
                        &mut line,
                        &mut line_start,
                        &mut diagnostics,
                    );
                    diagnostics.push(
                        Diagnostic::new(
                            Code::UnterminatedString,
                            id,
                            span(at, at + 3),
                            "this block of text is never closed",
                        )
                        .with_primary_message("text starts here")
                        .with_help("end the text with `\"\"\"`"),
                    );
                    parseable = false;
                    swallowed_to_end = true;
                    at = bytes.len();
                }
            },
            b'"' => {
                // A quoted text ends at the next `"` not escaped by `\`, on the same line.
                let mut end = at + 1;
                let closed = loop {
                    match bytes.get(end) {
                        Some(b'"') => break true,
                        Some(b'\\') if bytes.get(end + 1).is_some_and(|b| *b != b'\n') => end += 2,
                        Some(b'\n') | None => break false,
                        Some(_) => end += 1,
                    }
                };
                let end = end.min(bytes.len());
                skip_region(at, end, &mut line, &mut line_start, &mut diagnostics);
                if closed {
                    at = end + 1;
                } else {
                    let end_of_line = text[at..end].trim_end_matches('\r').len() + at;
                    diagnostics.push(
                        Diagnostic::new(Code::UnterminatedString, id, span(at, end_of_line), "this text is never closed")
                            .with_primary_message("missing `\"` at the end")
                            .with_help("close the text with `\"` on the same line; for text over several lines, use `\"\"\"` at each end"),
                    );
                    parseable = false;
                    at = end;
                }
            }
            b'{' | b'(' | b'[' => {
                stack.push(Open {
                    delimiter: char::from(byte),
                    offset: at,
                    indent: indent_of(line_start),
                    line,
                });
                if stack.len() > limits.max_nesting {
                    diagnostics.push(
                        Diagnostic::new(
                            Code::NestingTooDeep,
                            id,
                            span(at, at + 1),
                            format!("brackets and blocks are nested more than {} deep here", limits.max_nesting),
                        )
                        .with_help("split the rule into simpler rules, or remove brackets that are not needed"),
                    );
                    return Prescan {
                        diagnostics,
                        parseable: false,
                    };
                }
                at += 1;
            }
            b'}' | b')' | b']' => {
                let c = char::from(byte);
                let wanted = match c {
                    '}' => '{',
                    ')' => '(',
                    _ => '[',
                };
                match stack.pop() {
                    Some(open) if open.delimiter == wanted => {
                        let first_on_line = bytes[line_start..at]
                            .iter()
                            .all(|b| *b == b' ' || *b == b'\t');
                        if c == '}'
                            && first_on_line
                            && open.line != line
                            && indent_of(line_start) != open.indent
                            && suspicious.is_none()
                        {
                            suspicious = Some((open.offset, at));
                        }
                    }
                    Some(open) => {
                        let (open_line, _) = file.line_col(open.offset);
                        diagnostics.push(
                            Diagnostic::new(
                                Code::UnexpectedDelimiter,
                                id,
                                span(at, at + 1),
                                format!(
                                    "`{c}` does not match the `{}` on line {open_line}",
                                    open.delimiter
                                ),
                            )
                            .with_primary_message(format!(
                                "expected `{}` here",
                                closer(open.delimiter)
                            ))
                            .with_label(
                                id,
                                span(open.offset, open.offset + 1),
                                format!("this `{}` is not closed", open.delimiter),
                            )
                            .with_help(format!(
                                "close the `{}` with `{}` before this `{c}`",
                                open.delimiter,
                                closer(open.delimiter)
                            )),
                        );
                        return Prescan {
                            diagnostics,
                            parseable: false,
                        };
                    }
                    None => {
                        diagnostics.push(
                            Diagnostic::new(
                                Code::UnexpectedDelimiter,
                                id,
                                span(at, at + 1),
                                format!("this `{c}` closes nothing"),
                            )
                            .with_help(format!("remove it, or add the `{wanted}` it should close")),
                        );
                        return Prescan {
                            diagnostics,
                            parseable: false,
                        };
                    }
                }
                at += 1;
            }
            byte if byte < 0x80 && !byte.is_ascii_control() => at += 1,
            _ => {
                // A character outside printable ASCII, in the code itself (not in text).
                let Some(c) = text[at..].chars().next() else {
                    break;
                };
                if is_bidi_control(c) {
                    diagnostics.push(bidi(file, at, c));
                    parseable = false;
                } else if let Some(name) = invisible_name(c) {
                    if !(at == 0 && c == '\u{FEFF}') {
                        diagnostics.push(
                            Diagnostic::new(
                                Code::InvisibleCharacter,
                                id,
                                span(at, at + c.len_utf8()),
                                format!("{name} (U+{:04X}) is not allowed outside quoted text", u32::from(c)),
                            )
                            .with_help(if c == '\u{00A0}' || name == "a special space" {
                                "replace it with an ordinary space (it often comes from copying text out of a word processor)"
                            } else {
                                "delete it: it cannot be seen, but it changes what the file means"
                            }),
                        );
                        parseable = false;
                    }
                } else if c == '\u{FFFD}' && invalid_at.is_some() {
                    // Already reported as invalid UTF-8.
                    parseable = false;
                }
                at += c.len_utf8();
            }
        }
    }

    if let Some(open) = stack.last().filter(|_| !swallowed_to_end) {
        let mut diagnostic = Diagnostic::new(
            Code::UnclosedDelimiter,
            id,
            span(open.offset, open.offset + 1),
            format!("this `{}` is never closed", open.delimiter),
        )
        .with_help(format!(
            "add a `{}` where the {} should end",
            closer(open.delimiter),
            match open.delimiter {
                '{' => "block",
                '(' => "brackets",
                _ => "list",
            }
        ));
        if let Some((opener, closer_at)) = suspicious
            && open.delimiter == '{'
        {
            let (closer_line, _) = file.line_col(closer_at);
            diagnostic = diagnostic.with_label(
                id,
                span(opener, opener + 1),
                format!("perhaps this `{{` is the one missing its `}}`: the `}}` on line {closer_line} lines up with something else"),
            );
        }
        diagnostics.push(diagnostic);
        parseable = false;
    }

    Prescan {
        diagnostics,
        parseable,
    }
}

fn closer(open: char) -> char {
    match open {
        '{' => '}',
        '(' => ')',
        _ => ']',
    }
}

fn bidi(file: &SourceFile, at: usize, c: char) -> Diagnostic {
    Diagnostic::new(
        Code::BidiControl,
        file.id(),
        Span::new(to_u32(at), to_u32(at + c.len_utf8())),
        format!(
            "a bidirectional text control character (U+{:04X}) can make the file read differently from what it means",
            u32::from(c)
        ),
    )
    .with_help("delete it; right-to-left text displays correctly without control characters")
}

pub(crate) fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}
