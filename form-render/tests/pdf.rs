//! The PDFs: every example renders blank, filled and as a preview for each of its audiences;
//! their text (extracted with poppler's `pdftotext`) holds the shown answers as labels and UK
//! dates, and nothing hidden; the preview's red notice is on exactly the sections that need
//! completing; injected answers print literally; the bytes are the same for the same input;
//! PDFs are tagged; report templates work, and a template that fails or runs too long gets a
//! clear error. The document data is snapshotted.

#![cfg(feature = "pdf")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests-support/examples.rs"]
mod examples;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use form_render::pdf::{Conformance, PdfError, PdfOptions, PdfRenderer, Template};
use form_render::report::{
    DocumentKind, DocumentOptions, NEEDS_COMPLETING, Submitted, document_data, document_errors,
};
use form_runtime::{Audience, ErrorCode, Form, SectionState, ValidateOptions, Validator};
use serde_json::{Value, json};

use examples::{example, examples, examples_and_test_forms, today, workspace};

fn renderer() -> &'static PdfRenderer {
    static RENDERER: OnceLock<PdfRenderer> = OnceLock::new();
    RENDERER.get_or_init(PdfRenderer::new)
}

fn audiences(form: &Form) -> Vec<Audience> {
    let mut all = form.audiences.clone();
    if !all.contains(&Audience::La) {
        all.push(Audience::La);
    }
    all
}

/// Where the tests write their PDFs (to look at, and for poppler to read).
fn out_dir() -> PathBuf {
    let dir = workspace().join("target/pdf-test");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a poppler tool on `bytes`, installing poppler-utils first when it is missing.
fn poppler(tool: &str, args: &[&str], bytes: &[u8], name: &str) -> String {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        if Command::new("pdftotext").arg("-v").output().is_err() {
            let status = Command::new(workspace().join("scripts/install-test-deps.sh"))
                .arg("--pdf-only")
                .status()
                .expect("scripts/install-test-deps.sh runs");
            assert!(status.success(), "installing poppler-utils failed");
        }
    });
    let path = out_dir().join(format!("{name}.pdf"));
    std::fs::write(&path, bytes).unwrap();
    let output = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|error| panic!("{tool} runs: {error}"));
    assert!(
        output.status.success(),
        "{tool} failed on {}: {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// The text of a PDF with white space collapsed, so that wrapped lines still match.
fn text_of(bytes: &[u8], name: &str) -> String {
    let text = poppler("pdftotext", &[], bytes, name);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn render(
    validator: &Validator,
    document: &DocumentOptions<'_>,
    template: Template<'_>,
) -> form_render::pdf::Pdf {
    let options = PdfOptions {
        template,
        ..PdfOptions::default()
    };
    renderer()
        .render(validator, document, &options)
        .unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn every_example_renders_blank_filled_and_preview_for_every_audience() {
    for example in examples_and_test_forms() {
        let validator = Validator::new(&example.form).unwrap();
        for audience in audiences(&example.form) {
            for kind in [
                DocumentKind::Blank,
                DocumentKind::Filled,
                DocumentKind::Preview,
            ] {
                let mut document = DocumentOptions::filled(audience, today(), &example.answers);
                document.kind = kind;
                let pdf = render(&validator, &document, Template::Document);
                assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
                let name = format!("{}-{}-{kind:?}", example.name, audience.as_str());
                let text = text_of(&pdf.bytes, &name);
                assert!(
                    text.contains(&example.form.title),
                    "{name}: the title is missing"
                );
                let info = poppler("pdfinfo", &[], &pdf.bytes, &name)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                assert!(info.contains("Tagged: yes"), "{name}: {info}");
                assert!(
                    info.contains(&format!("Pages: {}", pdf.pages)),
                    "{name}: {info}"
                );
            }
        }
    }
}

#[test]
fn a_filled_form_shows_the_visible_answers_as_people_read_them() {
    let example = example("ehc-plan");
    let validator = Validator::new(&example.form).unwrap();
    let mut answers = example.answers.clone();
    // A hidden answer: the looked-after status of a child who is not looked after.
    answers["lac"] = json!(false);
    answers["lac_status"] = json!("S31_FULL");
    let mut document = DocumentOptions::filled(Audience::La, today(), &answers);
    document.submitted = Some(Submitted {
        by: "Joanne Riley",
        on: form_runtime::Date::new(2026, 11, 20).unwrap(),
    });
    let pdf = render(&validator, &document, Template::Document);
    let text = text_of(&pdf.bytes, "filled-answers");
    for expected in [
        // Labels, not codes.
        "Final EHC plan",
        "Year 10",
        "African",
        // Dates in UK format.
        "2 November 2011",
        "Submitted by Joanne Riley on 20 November 2026",
        // A block as a table, and free text.
        "Jay is funny, loyal and brilliant at football.",
        "Grace Okafor",
    ] {
        assert!(text.contains(expected), "`{expected}` is missing");
    }
    for absent in [
        "2011-11-02",
        "Section 31 full care order",
        "BAFR",
        "plan_status",
    ] {
        assert!(!text.contains(absent), "`{absent}` should not be printed");
    }
}

#[test]
fn a_document_holds_nothing_its_audience_may_not_see() {
    let example = example("ersa");
    let form = &example.form;
    let validator = Validator::new(form).unwrap();
    for audience in [Audience::Citizen, Audience::Professional] {
        let data = document_data(
            &validator,
            &DocumentOptions::filled(audience, today(), &example.answers),
        );
        let json = serde_json::to_string(&data).unwrap();
        form.walk(&mut |element, _, _| {
            let seen = element.access().is_seen_by(audience);
            if !seen {
                assert!(
                    !json.contains(&format!("\"{}\"", element.id())),
                    "{} is in the {} document",
                    element.id(),
                    audience.as_str()
                );
            }
        });
    }
}

#[test]
fn blocks_are_grouped_by_the_taxonomy_choices_every_entry_answers() {
    let example = example("senco-advice");
    let validator = Validator::new(&example.form).unwrap();
    let data = document_data(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &example.answers),
    );
    let json = serde_json::to_value(&data).unwrap();
    let outcomes = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|section| section["elements"].as_array().unwrap())
        .find(|element| element["id"] == "outcomes")
        .unwrap();
    assert_eq!(
        outcomes["grouped_by"],
        json!(["outcome_type", "outcome_team"])
    );
    let titles: Vec<&str> = outcomes["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|group| group["title"].as_str().unwrap())
        .collect();
    assert!(titles.len() >= 2, "{titles:?}");
    assert!(
        titles.iter().all(|title| title.contains(" – ")),
        "{titles:?}"
    );
}

#[test]
fn a_preview_marks_exactly_the_sections_that_need_completing() {
    for example in examples() {
        let validator = Validator::new(&example.form).unwrap();
        let audience = Audience::La;
        // Half the answers: some sections complete, some not.
        let mut answers = example.answers.clone();
        let keys: Vec<String> = answers.as_object().unwrap().keys().cloned().collect();
        for key in keys.iter().skip(keys.len() / 2) {
            answers.as_object_mut().unwrap().remove(key);
        }
        let mut document = DocumentOptions::filled(audience, today(), &answers);
        document.kind = DocumentKind::Preview;
        let statuses =
            validator.completeness(&answers, &ValidateOptions::new(today()).audience(audience));
        let waiting: Vec<_> = statuses
            .iter()
            .filter(|s| matches!(s.state, SectionState::Incomplete | SectionState::NotStarted))
            .collect();
        let complete: Vec<_> = statuses
            .iter()
            .filter(|s| s.state == SectionState::Complete)
            .collect();
        assert!(
            !waiting.is_empty() && !complete.is_empty(),
            "{}",
            example.name
        );

        let pdf = render(&validator, &document, Template::Document);
        let text = text_of(&pdf.bytes, &format!("{}-half-preview", example.name));
        assert_eq!(
            text.matches(NEEDS_COMPLETING).count(),
            waiting.len(),
            "{}",
            example.name
        );
        // Each notice is in its own section, listing what is missing. The sections are
        // found in order, after the list of waiting sections at the top.
        let mut cursor = 0;
        for status in &waiting {
            cursor += text[cursor..].find(&status.title).unwrap() + status.title.len();
        }
        let shown: Vec<_> = statuses
            .iter()
            .filter(|s| s.state != SectionState::Hidden)
            .collect();
        let mut starts = Vec::new();
        for status in &shown {
            let start = cursor
                + text[cursor..]
                    .find(&status.title)
                    .unwrap_or_else(|| panic!("{}: no section `{}`", example.name, status.title));
            starts.push(start);
            cursor = start + status.title.len();
        }
        starts.push(text.len());
        for (index, status) in shown.iter().enumerate() {
            let part = &text[starts[index]..starts[index + 1]];
            let needs = matches!(
                status.state,
                SectionState::Incomplete | SectionState::NotStarted
            );
            assert_eq!(
                part.contains(NEEDS_COMPLETING),
                needs,
                "{}: {}",
                example.name,
                status.title
            );
            if let Some(first) = status.missing.first() {
                assert!(
                    part.contains(&first.message),
                    "{}: {}",
                    example.name,
                    first.message
                );
            }
        }

        // The document's outline has the same notice under exactly those sections.
        let outline = outline(&pdf.bytes, &format!("{}-half-preview", example.name));
        for status in &shown {
            let at = outline
                .iter()
                .position(|(depth, title)| *depth == 2 && *title == status.title)
                .unwrap_or_else(|| {
                    panic!("{}: `{}` not in {outline:?}", example.name, status.title)
                });
            let marked = outline
                .get(at + 1)
                .is_some_and(|(depth, title)| *depth == 3 && title == NEEDS_COMPLETING);
            let needs = matches!(
                status.state,
                SectionState::Incomplete | SectionState::NotStarted
            );
            assert_eq!(
                marked, needs,
                "{}: the outline of {}",
                example.name, status.title
            );
        }
    }
}

/// A PDF's outline (its bookmarks), as (depth, title) in order, read with poppler's
/// `pdftohtml -xml`.
fn outline(bytes: &[u8], name: &str) -> Vec<(usize, String)> {
    let xml = poppler("pdftohtml", &["-xml", "-stdout", "-i", "-q"], bytes, name);
    let mut depth = 0;
    let mut items = Vec::new();
    let start = xml.find("<outline>").expect("the PDF has an outline");
    for line in xml[start..].lines() {
        let line = line.trim();
        if line == "<outline>" {
            depth += 1;
        } else if line == "</outline>" {
            depth -= 1;
        } else if let Some(rest) = line.strip_prefix("<item")
            && let (Some(open), Some(close)) = (rest.find('>'), rest.rfind("</item>"))
        {
            let title = rest[open + 1..close]
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&apos;", "'")
                .replace("&amp;", "&");
            items.push((depth, title));
        }
    }
    items
}

#[test]
fn answers_are_printed_as_written_never_run_as_typst() {
    let example = example("all-about-me");
    let validator = Validator::new(&example.form).unwrap();
    let payloads = [
        "#read(\"/etc/passwd\")",
        "= Heading",
        "#set page(width: 1cm)",
        "*bold* _emph_ $x^2$ `raw` <label> @ref",
        "]#panic(\"escaped\")[",
        "#import \"@preview/cetz:0.3.0\": *",
        "\\u{0} and \\ backslashes",
    ];
    let mut answers = example.answers.clone();
    let text_questions: Vec<String> = {
        let mut ids = Vec::new();
        for section in &example.form.sections {
            for element in &section.elements {
                if let form_runtime::Element::Question(question) = element
                    && matches!(question.input, form_runtime::Input::LongText(_))
                    && answers.get(&question.id).is_some()
                {
                    ids.push(question.id.clone());
                }
            }
        }
        ids
    };
    assert!(text_questions.len() >= payloads.len());
    for (id, payload) in text_questions.iter().zip(payloads) {
        answers[id] = json!(payload);
    }
    let pdf = render(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &answers),
        Template::Document,
    );
    let text = text_of(&pdf.bytes, "injection");
    for payload in payloads {
        let payload = payload.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            text.contains(&payload),
            "`{payload}` is not printed as written"
        );
    }
    assert!(!text.contains("root:"), "a file's content leaked");
}

#[test]
fn characters_the_font_cannot_show_are_replaced_with_a_warning() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let mut answers = example.answers.clone();
    // With a backslash and `u0041` typed as text, which stay as they are.
    answers["child_first_name"] = json!("Amara 😀 李 Ŵŷ\u{0}\u{7}é \\u0041\r\u{7f}\u{85}!");
    let pdf = render(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &answers),
        Template::Document,
    );
    let text = text_of(&pdf.bytes, "unprintable");
    // Welsh and accented Latin letters are kept; an emoji and Chinese, which no embedded font
    // shows, are marked, never dropped silently.
    assert!(text.contains("Amara □ □ Ŵŷ□□é \\u0041□□□!"), "{text}");
    assert_eq!(pdf.warnings.len(), 1, "{:?}", pdf.warnings);
    let warning = pdf.warnings[0].to_string();
    assert!(warning.contains("😀 (U+1F600)"), "{warning}");
    assert!(warning.contains("李 (U+674E)"), "{warning}");
    for control in ["U+0000", "U+0007", "U+000D", "U+007F", "U+0085"] {
        assert!(warning.contains(control), "{warning}");
    }
}

#[test]
fn answers_in_the_scripts_families_write_in_print_as_written() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let mut answers = example.answers.clone();
    // Urdu, Bengali, Punjabi, Hindi, Gujarati, Tamil, Tigrinya, Hebrew, Thai, Georgian,
    // Armenian, Polish and Ukrainian: Liberation Sans, then the Noto Sans fallbacks.
    let names = [
        ("عائشہ", Some("NotoSansArabic")),
        ("আয়েশা", Some("NotoSansBengali")),
        ("ਅਮਨ", Some("NotoSansGurmukhi")),
        ("अमर", Some("NotoSansDevanagari")),
        ("અમર", Some("NotoSansGujarati")),
        ("அமரா", Some("NotoSansTamil")),
        ("አማራ", Some("NotoSansEthiopic")),
        ("אמרה", None),
        ("อมร", Some("NotoSansThai")),
        ("ამარა", Some("NotoSansGeorgian")),
        ("Ամարա", Some("NotoSansArmenian")),
        ("Łucja", None),
        ("Олена", None),
    ];
    let written: Vec<&str> = names.iter().map(|(name, _)| *name).collect();
    answers["child_first_name"] = json!(written.join(" "));
    let pdf = render(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &answers),
        Template::Document,
    );
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);
    // (pdftotext marks the right-to-left words as such, around them.)
    let text = text_of(&pdf.bytes, "scripts");
    for (name, _) in &names {
        assert!(text.contains(name), "{name} is not printed:\n{text}");
    }
    assert!(!text.contains('□'), "{text}");
    let fonts = poppler("pdffonts", &[], &pdf.bytes, "scripts");
    for font in names.iter().filter_map(|(_, font)| *font) {
        assert!(fonts.contains(font), "{font} is not embedded:\n{fonts}");
    }
}

#[test]
fn a_paragraph_in_a_right_to_left_script_is_set_right_to_left() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let mut answers = example.answers.clone();
    // An Urdu paragraph, then an English one, in one answer; a Hebrew answer of one line.
    let urdu = "میرا بیٹا اسکول جانا پسند کرتا ہے۔";
    let hebrew = "הוא אוהב לצייר.";
    answers["concern_ci"] = json!(format!("{urdu}\n\nHe talks in short sentences."));
    answers["child_setting"] = json!(hebrew);
    // A paragraph's direction is its first strong character's: digits and quotation marks
    // have none, and a Latin name before Urdu makes the paragraph left to right.
    let mut more = answers.clone();
    more["child_last_name"] = json!("«عائشہ» 2");
    more["support_so_far"] = json!(format!(" 7. {urdu} \n\nLeo {urdu}\n\n{urdu}"));
    let data = document_data(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &more),
    );
    let mut listed = data.right_to_left.clone();
    listed.sort();
    let mut wanted = vec![
        urdu.to_owned(),
        hebrew.to_owned(),
        "«عائشہ» 2".to_owned(),
        format!("7. {urdu}"),
    ];
    wanted.sort();
    assert_eq!(listed, wanted);
    assert_eq!(
        data.right_to_left[0], "«عائشہ» 2",
        "not in the answers' order"
    );

    let pdf = render(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &answers),
        Template::Document,
    );
    let words = words_and_boxes(&pdf.bytes, "right-to-left");
    // The horizontal extent of the words that hold a character of `script`. (pdftotext
    // gives right-to-left words in the order of their glyphs, so not as written.)
    let extent = |script: std::ops::RangeInclusive<char>| {
        let boxes: Vec<(f64, f64)> = words
            .iter()
            .filter_map(|word| {
                let fields: Vec<&str> = word.split(' ').collect();
                fields[0]
                    .chars()
                    .any(|c| script.contains(&c))
                    .then(|| (fields[1].parse().unwrap(), fields[3].parse().unwrap()))
            })
            .collect();
        assert!(!boxes.is_empty(), "nothing in {script:?} is printed");
        let left = boxes.iter().map(|b| b.0).fold(f64::MAX, f64::min);
        let right = boxes.iter().map(|b| b.1).fold(f64::MIN, f64::max);
        (left, right)
    };
    // A4 is 595.28 points wide, with margins of 2 cm (56.69 points); the answers' column
    // ends at the right margin.
    let right_margin = 595.28 - 56.69;
    // The English paragraph's line: the words on the line of "talks".
    let fields = |word: &String| -> Vec<f64> {
        word.split(' ')
            .skip(1)
            .map(|n| n.parse().unwrap())
            .collect()
    };
    let talks = words
        .iter()
        .find(|word| word.starts_with("talks "))
        .map(fields);
    let line: Vec<Vec<f64>> = words
        .iter()
        .map(fields)
        .filter(|word| Some(word[1]) == talks.as_ref().map(|talks| talks[1]))
        .collect();
    let english = (
        line.iter().map(|b| b[0]).fold(f64::MAX, f64::min),
        line.iter().map(|b| b[2]).fold(f64::MIN, f64::max),
    );
    for (right_to_left, script) in [
        (urdu, '\u{600}'..='\u{6ff}'),
        (hebrew, '\u{590}'..='\u{5ff}'),
    ] {
        let (left, right) = extent(script);
        assert!(
            right > right_margin - 1.0,
            "{right_to_left} is not aligned right: it ends at {right}"
        );
        assert!(
            left > english.0 + 50.0,
            "{right_to_left} starts at {left}, where the English starts ({})",
            english.0
        );
    }
    assert!(english.1 < right_margin - 100.0, "{english:?}");
}

#[test]
fn content_for_the_web_alone_is_not_on_paper() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let mut preview = DocumentOptions::filled(Audience::La, today(), &example.answers);
    preview.kind = DocumentKind::Preview;
    for (name, document, template) in [
        (
            "media-blank",
            DocumentOptions::blank(Audience::Citizen, today()),
            Template::Document,
        ),
        (
            "media-filled",
            DocumentOptions::filled(Audience::La, today(), &example.answers),
            Template::Document,
        ),
        ("media-preview", preview, Template::Document),
    ] {
        let text = text_of(&render(&validator, &document, template).bytes, name);
        assert!(text.contains("Sending the form back"), "{name}");
        assert!(!text.contains("Saving your answers"), "{name}");
        assert!(!text.contains("come back to them"), "{name}");
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let example = example("ehc-plan");
    let validator = Validator::new(&example.form).unwrap();
    let document = DocumentOptions::filled(Audience::La, today(), &example.answers);
    let first = render(&validator, &document, Template::Document);
    let second = render(&validator, &document, Template::Document);
    assert!(first.bytes == second.bytes, "the bytes differ");
    // Different answers give different bytes (the comparison can fail).
    let mut answers = example.answers.clone();
    answers["cyp_preferred_name"] = json!("JJ");
    let third = render(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &answers),
        Template::Document,
    );
    assert!(first.bytes != third.bytes);
}

#[test]
fn the_ehc_plan_template_makes_a_plan_of_the_example() {
    let plan = example("ehc-plan");
    let validator = Validator::new(&plan.form).unwrap();
    let document = DocumentOptions::filled(Audience::La, today(), &plan.answers);
    let pdf = render(&validator, &document, Template::EhcPlan);
    let text = text_of(&pdf.bytes, "ehc-plan-report");
    for expected in [
        "Education, health and care plan",
        "Jayden Chidi Okafor",
        "Section A: The views, interests and aspirations",
        "Section B: Special educational needs",
        "Section E: Outcomes",
        "Section F: Special educational provision",
        "Section K: Advice and information",
        "Grace Okafor",
        // A provision's frequency, and when it starts.
        "3 per week",
        "From 2 November 2026",
        // A provision throughout the school day has no number to print.
        "Throughout the school day",
    ] {
        assert!(text.contains(expected), "`{expected}` is missing");
    }
    assert!(!text.contains("1 throughout"), "{text}");
    let outcome = plan.answers["e_outcomes"][0]["e_text"].as_str().unwrap();
    let outcome = outcome.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(&outcome[..40]),
        "the first outcome is missing"
    );
    assert!(pdf.pages >= 5, "{} pages", pdf.pages);
    assert!(pdf.warnings.is_empty(), "{:?}", pdf.warnings);

    // A form that is not a plan still renders, with a warning that says why it is all dashes.
    let other = example("all-about-me");
    let validator = Validator::new(&other.form).unwrap();
    let document = DocumentOptions::filled(Audience::La, today(), &other.answers);
    let pdf = render(&validator, &document, Template::EhcPlan);
    let warnings: Vec<String> = pdf.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("has none of its front sheet's (cyp_given_names,"),
        "{warnings:?}"
    );
}

#[test]
fn a_plan_preview_marks_and_bookmarks_each_section_that_needs_completing() {
    let plan = example("ehc-plan");
    let validator = Validator::new(&plan.form).unwrap();
    let mut answers = plan.answers.clone();
    // The front sheet and section B need completing; the rest are complete.
    for key in ["plan_version", "b_primary_need"] {
        answers.as_object_mut().unwrap().remove(key);
    }
    let mut document = DocumentOptions::filled(Audience::La, today(), &answers);
    document.kind = DocumentKind::Preview;
    let statuses = validator.completeness(
        &answers,
        &ValidateOptions::new(today()).audience(Audience::La),
    );
    let needs = |status: &&form_runtime::SectionStatus| {
        matches!(
            status.state,
            SectionState::Incomplete | SectionState::NotStarted
        )
    };
    let waiting: Vec<&str> = statuses
        .iter()
        .filter(needs)
        .map(|s| s.section.as_str())
        .collect();
    assert_eq!(waiting, ["front", "b"]);

    let pdf = render(&validator, &document, Template::EhcPlan);
    let text = text_of(&pdf.bytes, "ehc-plan-preview");
    assert_eq!(text.matches(NEEDS_COMPLETING).count(), waiting.len());
    // Every section the plan shows is in the outline, the front sheet first, each marked
    // exactly when it needs completing.
    let outline = outline(&pdf.bytes, "ehc-plan-preview");
    let mut after = 0;
    for status in statuses.iter().filter(|s| s.state != SectionState::Hidden) {
        let at = after
            + outline[after..]
                .iter()
                .position(|(depth, title)| *depth == 2 && *title == status.title)
                .unwrap_or_else(|| panic!("`{}` not in {outline:?}", status.title));
        let marked = outline
            .get(at + 1)
            .is_some_and(|(depth, title)| *depth == 3 && title == NEEDS_COMPLETING);
        assert_eq!(marked, needs(&status), "the outline of {}", status.title);
        after = at + 1;
    }
}

#[test]
fn a_custom_template_reads_the_data_and_its_errors_are_located() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let document = DocumentOptions::filled(Audience::Citizen, today(), &example.answers);
    let template = "#import \"/sendform.typ\": *\n\
                    #show: council-document.with(title: \"Custom\")\n\
                    = Custom report for #data.form.title\n\
                    #data.sections.len() sections, printed on #datetime.today().display(\"[day]/[month]/[year]\")\n";
    let pdf = render(&validator, &document, Template::Custom(template));
    let text = text_of(&pdf.bytes, "custom");
    assert!(text.contains(&format!("Custom report for {}", example.form.title)));
    assert!(text.contains("printed on 22/11/2026"), "{text}");

    let options = |template| PdfOptions {
        template: Template::Custom(template),
        ..PdfOptions::default()
    };
    // An error, located in the template.
    let broken = "#set document(title: \"x\")\nFine\n#let x = (1 + )\n";
    let error = renderer()
        .render(&validator, &document, &options(broken))
        .unwrap_err();
    let PdfError::Template { diagnostics } = &error else {
        panic!("{error}")
    };
    assert_eq!(diagnostics[0].file.as_deref(), Some("/main.typ"));
    assert_eq!(diagnostics[0].line, Some(3));
    assert!(
        error
            .to_string()
            .starts_with("the template failed: /main.typ:3:"),
        "{error}"
    );

    // No file but the data, no packages.
    for (template, expected) in [
        ("#read(\"/etc/passwd\")", "file not found"),
        ("#read(\"../../../../etc/passwd\")", "/etc/passwd"),
        (
            "#import \"@preview/cetz:0.3.0\": *",
            "packages are not available",
        ),
    ] {
        let error = renderer()
            .render(&validator, &document, &options(template))
            .unwrap_err();
        let message = error.to_string();
        assert!(matches!(error, PdfError::Template { .. }), "{message}");
        assert!(
            message.contains(expected) || message.contains("not found"),
            "{message}"
        );
        assert!(!message.contains("root:"), "{message}");
        // Typst's command line's hint to adjust its `--root` means nothing here.
        assert!(!message.contains("--root"), "{message}");
    }

    // A template without a title cannot claim PDF/UA-1; tagged only, it renders.
    let untitled = "Hello";
    let error = renderer()
        .render(&validator, &document, &options(untitled))
        .unwrap_err();
    assert!(matches!(error, PdfError::Export { .. }), "{error}");
    assert!(error.to_string().contains("PDF/UA-1"), "{error}");
    let tagged = PdfOptions {
        conformance: Conformance::TaggedOnly,
        ..options(untitled)
    };
    renderer().render(&validator, &document, &tagged).unwrap();
}

/// The words of a PDF with their boxes (`pdftotext -bbox`), rounded to a hundredth of a point.
fn words_and_boxes(bytes: &[u8], name: &str) -> Vec<String> {
    let html = poppler("pdftotext", &["-bbox"], bytes, name);
    html.lines()
        .filter_map(|line| {
            let line = line.trim().strip_prefix("<word ")?;
            let (attributes, rest) = line.split_once('>')?;
            let word = rest.strip_suffix("</word>")?;
            let numbers: Vec<String> = attributes
                .split('"')
                .skip(1)
                .step_by(2)
                .map(|n| format!("{:.2}", n.parse::<f64>().unwrap()))
                .collect();
            Some(format!("{word} {}", numbers.join(" ")))
        })
        .collect()
}

#[test]
fn an_answer_whose_rule_reads_an_answer_in_error_is_printed_not_dropped() {
    // "Yes" is not a yes/no answer: whether the looked-after status applies cannot be told
    // until it is corrected, so the status given is printed (and the preview marks the error).
    let example = example("ehc-plan");
    let validator = Validator::new(&example.form).unwrap();
    let printed = |lac: Value| {
        let mut answers = example.answers.clone();
        answers["lac"] = lac;
        answers["lac_status"] = json!("S31_FULL");
        let data = document_data(
            &validator,
            &DocumentOptions::filled(Audience::La, today(), &answers),
        );
        serde_json::to_string(&data.sections).unwrap()
    };
    assert!(printed(json!("Yes")).contains("Section 31 full care order"));
    assert!(!printed(json!(false)).contains("Section 31 full care order"));
}

#[test]
fn only_a_preview_marks_errors_and_never_the_local_authoritys_own_answers() {
    // The professional's advice carries the child's details, which the local authority filled
    // in and locked for professionals: the record's, not errors for the professional to fix.
    let example = example("senco-advice");
    let validator = Validator::new(&example.form).unwrap();
    let locked = validator.validate(
        &example.answers,
        &ValidateOptions::new(today()).audience(Audience::Professional),
    );
    assert!(locked.iter().any(|error| error.code == ErrorCode::Locked));
    let mut answers = example.answers.clone();
    answers["adviser_email"] = json!("not an email address");
    let errors = document_errors(&validator, &answers, Audience::Professional, today());
    let codes: Vec<ErrorCode> = errors.iter().map(|error| error.code).collect();
    assert_eq!(codes, vec![ErrorCode::Email]);

    let mut document = DocumentOptions::filled(Audience::Professional, today(), &answers);
    let filled = text_of(
        &render(&validator, &document, Template::Document).bytes,
        "errors-filled",
    );
    document.kind = DocumentKind::Preview;
    let preview = text_of(
        &render(&validator, &document, Template::Document).bytes,
        "errors-preview",
    );
    assert!(!filled.contains("Error:"), "a filled document marks errors");
    assert_eq!(preview.matches("Error:").count(), 1, "{preview}");
    assert!(!preview.contains("locked"));
}

#[test]
fn a_notice_names_each_question_its_message_does_not() {
    // Both labels are put as questions, whose message ("Enter an answer") names neither.
    let example = example("all-about-me");
    let validator = Validator::new(&example.form).unwrap();
    let mut answers = example.answers.clone();
    let object = answers.as_object_mut().unwrap();
    object.remove("me_like_admire");
    object.remove("me_important_to");
    let mut document = DocumentOptions::filled(Audience::La, today(), &answers);
    document.kind = DocumentKind::Preview;
    let data = document_data(&validator, &document);
    let missing: Vec<&String> = data
        .sections
        .iter()
        .flat_map(|section| &section.missing)
        .collect();
    assert_eq!(
        missing,
        [
            "What people like and admire about me – Enter an answer",
            "What is important to me – Enter an answer",
        ]
    );
}

#[test]
fn a_notice_is_never_left_at_the_foot_of_a_page_without_its_section() {
    // Answers whose preview once put the heading and notice of "Your concerns" alone at the
    // foot of page 2, its answers on page 3.
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let mut answers = example.answers.clone();
    let object = answers.as_object_mut().unwrap();
    for id in [
        "child_postcode",
        "concern_sp",
        "consent_share",
        "parent_email",
        "true_statement",
    ] {
        object.remove(id);
    }
    object.insert("access_needs".into(), json!(["interpreter"]));
    object.insert("child_nhs".into(), json!("12345"));
    object.insert("parent_same_address".into(), json!(false));
    let mut document = DocumentOptions::filled(Audience::Citizen, today(), &answers);
    document.kind = DocumentKind::Preview;
    let pdf = render(&validator, &document, Template::Document);
    let text = poppler("pdftotext", &[], &pdf.bytes, "notice-kept-with-section");
    let pages: Vec<&str> = text.split('\u{c}').collect();
    let on = |line: &str| {
        pages
            .iter()
            .position(|page| page.lines().any(|l| l.trim() == line))
    };
    assert!(on("Your concerns").is_some(), "{text}");
    assert_eq!(
        on("Your concerns"),
        on("Which areas are you worried"),
        "the heading and notice are not on the page of the section's first answer"
    );
}

#[test]
fn a_notice_says_which_entry_of_a_block_each_message_is_about() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let mut answers = example.answers.clone();
    answers["professionals"][1]
        .as_object_mut()
        .unwrap()
        .remove("professional_role");
    answers["professionals"][0]["professional_name"] = json!("A".repeat(101));
    let mut document = DocumentOptions::filled(Audience::Citizen, today(), &answers);
    document.kind = DocumentKind::Preview;
    let data = document_data(&validator, &document);
    let section = data
        .sections
        .iter()
        .find(|section| section.id == "professionals")
        .unwrap();
    assert_eq!(
        section.missing,
        ["Professional 2: Enter the job or service"]
    );
    assert_eq!(
        section.corrections,
        ["Professional 1: Name must be 100 characters or fewer"]
    );
}

#[test]
fn long_words_wrap_inside_the_page_and_keep_their_text() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let email = "amy.chen.speechandlanguagetherapy@ealinghospitaltrust.nhs.uk";
    let unbroken = format!("{}END", "Q".repeat(95));
    let mut answers = example.answers.clone();
    answers["professionals"][0]["professional_contact"] = json!(email);
    answers["child_setting"] = json!(unbroken);
    let data = document_data(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &answers),
    );
    assert!(data.long_words.contains(&email.to_owned()));
    assert!(data.long_words.contains(&unbroken));

    let pdf = render(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &answers),
        Template::Document,
    );
    // A4 is 595.28 points wide, with margins of 2 cm (56.69 points).
    let right_margin = 595.28 - 56.69;
    for word in words_and_boxes(&pdf.bytes, "long-words") {
        let fields: Vec<&str> = word.split(' ').collect();
        let x_max: f64 = fields[fields.len() - 2].parse().unwrap();
        assert!(x_max <= right_margin + 0.01, "runs off the page: {word}");
    }
    // Broken across lines, each word's text is still all there, with nothing added.
    let text = text_of(&pdf.bytes, "long-words").replace(' ', "");
    assert!(text.contains(email), "{email} is not printed whole");
    assert!(
        text.contains(&unbroken),
        "the long answer is not printed whole"
    );

    // A document without long words has none to look for.
    let data = document_data(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &json!({"child_first_name": "Leo"})),
    );
    assert_eq!(data.long_words, Vec::<String>::new());
}

#[test]
fn page_numbers_print_where_typst_would_print_them_without_a_second_layout() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let document = DocumentOptions::filled(Audience::Citizen, today(), &example.answers);
    // The same pages numbered by Typst (counter(page), which lays the document out twice) and
    // by page-number(): in a header (starting where it stands) and a footer (ending there), in
    // other styles.
    let pages = |header: &str, footer: &str, end: &str| {
        format!(
            "#import \"/sendform.typ\": *\n\
             #set document(title: \"Numbers\")\n\
             #set text(font: \"Liberation Sans\", size: 10pt)\n\
             #set page(paper: \"a5\", header: [{header}], footer: [#text(fill: blue)[Form] #h(1fr) #text(style: \"italic\", size: 8pt, fill: red)[{footer}]])\n\
             #for part in range(3) [ = Part #(part + 1)\n #lorem(400) #pagebreak(weak: true) ]\n\
             {end}The end.\n"
        )
    };
    let typst_header = "#context counter(page).display(\"i\") #h(1fr) Report";
    let typst_footer = "#context [Page #counter(page).display(\"1 of 1\", both: true)]";
    let our_header = "#page-number(prefix: \"\", format: \"i\", align: left) #h(1fr) Report";
    let our_footer = "#page-number()";
    let render_custom = |template: &str| render(&validator, &document, Template::Custom(template));
    let by_typst = render_custom(&pages(typst_header, typst_footer, ""));
    let by_us = render_custom(&pages(our_header, our_footer, ""));
    assert!(by_us.pages >= 4, "{} pages", by_us.pages);
    let words = words_and_boxes(&by_us.bytes, "page-numbers");
    let expected = words_and_boxes(&by_typst.bytes, "page-numbers-typst");
    if let Some(index) =
        (0..words.len().max(expected.len())).find(|index| words.get(*index) != expected.get(*index))
    {
        panic!(
            "word {index} differs: {:?} by page-number(), {:?} by Typst",
            &words[index.saturating_sub(3)..(index + 3).min(words.len())],
            &expected[index.saturating_sub(3)..(index + 3).min(expected.len())],
        );
    }
    let last = by_us.pages;
    let text = text_of(&by_us.bytes, "page-numbers");
    for expected in [
        format!("Page 1 of {last}"),
        format!("Page {last} of {last}"),
    ] {
        assert!(text.contains(&expected), "`{expected}` is missing: {text}");
    }

    // A page's number is the page counter's at the end of the page: a page that sets it shows
    // the new number in its header too (Typst's counter(page) shows the old one there).
    let renumbered = render_custom(&pages(
        our_header,
        our_footer,
        "#counter(page).update(20)\n",
    ));
    let text = text_of(&renumbered.bytes, "page-numbers-renumbered");
    for expected in [
        "Page 3 of 20".to_owned(),
        "xx Report The end. Form Page 20 of 20".to_owned(),
    ] {
        assert!(text.contains(&expected), "`{expected}` is missing: {text}");
    }

    // The numbers are in the footer's artifact, not the document's structure.
    let structure = poppler("pdfinfo", &["-struct-text"], &by_us.bytes, "page-numbers");
    assert!(structure.contains("Part 2"), "{structure}");
    assert!(!structure.contains("Page 1 of"), "{structure}");

    // A pattern Typst cannot number with, or an alignment other than left or right, is an
    // error in the template.
    for (call, expected) in [
        ("#page-number(align: center)", "align must be left or right"),
        ("#page-number(format: \"\")", "invalid numbering pattern"),
    ] {
        let template = format!(
            "#import \"/sendform.typ\": *\n#set document(title: \"x\")\n#set page(footer: [{call}])\nText"
        );
        let error = renderer()
            .render(
                &validator,
                &document,
                &PdfOptions {
                    template: Template::Custom(&template),
                    ..PdfOptions::default()
                },
            )
            .unwrap_err();
        assert!(matches!(error, PdfError::Template { .. }), "{error}");
        assert!(error.to_string().contains(expected), "{error}");
    }
}

#[test]
fn a_template_that_runs_too_long_is_stopped_at_its_deadline() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let document = DocumentOptions::blank(Audience::Citizen, today());
    // Long enough to overrun the deadline, short enough not to slow the other tests for long.
    let options = PdfOptions {
        template: Template::Custom(
            "#set document(title: \"x\")\n#let n = 0\n#for i in range(3000000) { n += i }\n#n",
        ),
        deadline: Duration::from_millis(100),
        ..PdfOptions::default()
    };
    let error = renderer()
        .render(&validator, &document, &options)
        .unwrap_err();
    assert!(matches!(error, PdfError::Deadline { .. }), "{error}");
    assert!(error.to_string().contains("0.1 seconds"), "{error}");
}

#[test]
fn an_archival_pdf_claims_pdf_a_as_well() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let document = DocumentOptions::blank(Audience::Citizen, today());
    let options = PdfOptions {
        conformance: Conformance::AccessibleArchival,
        ..PdfOptions::default()
    };
    let pdf = renderer().render(&validator, &document, &options).unwrap();
    let meta = poppler("pdfinfo", &["-meta"], &pdf.bytes, "archival");
    assert!(meta.contains("pdfaid:part"), "{meta}");
    assert!(meta.contains("pdfuaid:part"), "{meta}");
}

#[test]
fn a_blank_form_says_who_completes_a_locked_section_once() {
    let blank_text = |form: &Form, name: &str| {
        let validator = Validator::new(form).unwrap();
        let document = DocumentOptions::blank(Audience::Professional, today());
        text_of(
            &render(&validator, &document, Template::Document).bytes,
            name,
        )
    };
    const STANDARD: &str = "The local authority completes this section.";
    // The section's own introduction says so already.
    let senco = blank_text(&example("senco-advice").form, "locked-own-intro");
    assert!(senco.contains("The local authority has filled in this section."));
    assert!(!senco.contains(STANDARD), "{senco}");
    // Without an introduction of its own, the standard sentence says it.
    let text = blank_text(&example("everything").form, "locked-no-intro");
    assert_eq!(text.matches(STANDARD).count(), 1, "{text}");
}

#[test]
fn a_blank_form_has_room_for_every_question_and_states_conditions() {
    let example = example("ehc-plan");
    let validator = Validator::new(&example.form).unwrap();
    let pdf = render(
        &validator,
        &DocumentOptions::blank(Audience::La, today()),
        Template::Document,
    );
    let text = text_of(&pdf.bytes, "blank-ehc-plan");
    for expected in [
        "If you answered Yes to ‘Is the child or young person looked after?’",
        "Looked-after legal status",
        "Day Month Year",
        "Section 20 (accommodated)",
        "Outcome 1",
        "Advice 4",
        "(optional)",
    ] {
        assert!(text.contains(expected), "`{expected}` is missing");
    }
    assert!(!text.contains("Jayden"), "a blank form has no answers");
}

#[test]
fn document_data_snapshots() {
    for example in examples_and_test_forms() {
        let validator = Validator::new(&example.form).unwrap();
        let audience = example.form.audiences[0];
        let mut preview = DocumentOptions::filled(audience, today(), &example.answers);
        preview.kind = DocumentKind::Preview;
        insta::assert_json_snapshot!(
            format!("preview-data-{}", example.name),
            document_data(&validator, &preview)
        );
    }
    let everything = example("everything");
    let validator = Validator::new(&everything.form).unwrap();
    insta::assert_json_snapshot!(
        "blank-data-everything",
        document_data(&validator, &DocumentOptions::blank(Audience::La, today()))
    );
}

#[test]
fn the_reports_guide_documents_every_field_and_its_template_renders() {
    let guide = std::fs::read_to_string(workspace().join("docs/reports.md")).unwrap();
    let example = example("ehc-plan");
    let validator = Validator::new(&example.form).unwrap();
    let data = serde_json::to_value(document_data(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &example.answers),
    ))
    .unwrap();
    let mut fields = Vec::new();
    collect_fields(&data, &mut fields);
    for field in fields {
        let documented = [
            format!("`{field}`"),
            format!(" {field},"),
            format!(" {field}:"),
            format!(" {field} }}"),
        ]
        .iter()
        .any(|form| guide.contains(form));
        assert!(documented, "docs/reports.md does not document `{field}`");
    }
    let start = guide.find("```typst\n").unwrap() + "```typst\n".len();
    let template = &guide[start..start + guide[start..].find("```").unwrap()];
    render(
        &validator,
        &DocumentOptions::filled(Audience::La, today(), &example.answers),
        Template::Custom(template),
    );
}

/// Every helper the guide lists is one that `/sendform.typ` defines, so that the guide cannot
/// name a helper that was renamed or removed.
#[test]
fn the_reports_guide_lists_only_helpers_that_exist() {
    let guide = std::fs::read_to_string(workspace().join("docs/reports.md")).unwrap();
    let helpers =
        std::fs::read_to_string(workspace().join("form-render/templates/pdf/sendform.typ"))
            .unwrap();
    let start = guide.find("## The shared helpers").unwrap();
    let section = &guide[start..];
    let section = &section[..section[2..]
        .find("\n## ")
        .map_or(section.len(), |end| end + 2)];
    let mut listed = Vec::new();
    for row in section.lines().filter(|line| line.starts_with("| `")) {
        let first_column = row.split(" | ").next().unwrap();
        for name in first_column.split('`').skip(1).step_by(2) {
            listed.push(name.split('(').next().unwrap().to_owned());
        }
    }
    assert!(listed.len() >= 10, "{listed:?}");
    for name in listed {
        assert!(
            helpers.contains(&format!("\n#let {name}")),
            "docs/reports.md lists `{name}`, which /sendform.typ does not define"
        );
    }
}

/// The field names of the data's objects (not of `values` and `answers`, keyed by question).
fn collect_fields(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(object) => {
            for (key, value) in object {
                if !out.contains(key) {
                    out.push(key.clone());
                }
                if key != "values" && key != "answers" {
                    collect_fields(value, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_fields(item, out)),
        _ => {}
    }
}
