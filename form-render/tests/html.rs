//! The HTML pages: every example and every question type renders with strict templates
//! (snapshotted), nothing an audience may not see reaches its page, injected text stays text,
//! the components match GOV.UK Frontend's own fixtures, and the page script's rules agree with
//! the runtime.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../tests-support/examples.rs"]
mod examples;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use form_render::html::{self, HtmlRenderer, PageOptions, read_post};
use form_runtime::{Audience, Element, Form, Medium, ValidateOptions, Validator};
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::{Value, json};

use examples::{example, examples_and_test_forms, today, workspace};

fn renderer() -> HtmlRenderer {
    HtmlRenderer::new().strict()
}

fn audiences(form: &Form) -> Vec<Audience> {
    let mut all = form.audiences.clone();
    all.push(Audience::La);
    all.dedup();
    all
}

#[test]
fn every_page_of_every_example_renders_for_every_audience() {
    let renderer = renderer();
    for example in examples_and_test_forms() {
        let validator = Validator::new(&example.form).unwrap();
        for audience in audiences(&example.form) {
            for answers in [json!({}), example.answers.clone()] {
                let errors =
                    validator.validate(&answers, &ValidateOptions::new(today()).audience(audience));
                let mut options = PageOptions::new(audience, today(), &answers);
                options.errors = &errors;
                let pages = renderer
                    .pages(&validator, &options)
                    .unwrap_or_else(|e| panic!("{} for {audience}: {e}", example.name));
                assert!(pages.len() >= 3, "{}", example.name);
                for (name, page) in &pages {
                    let document = Html::parse_document(page);
                    let title = select_text(&document, "title");
                    assert!(!title.is_empty(), "{} {name}", example.name);
                    assert_eq!(
                        document.select(&sel("h1")).count(),
                        1,
                        "{} {name}: one h1",
                        example.name
                    );
                    // Headings go down one level at a time (the error summary's title, an
                    // h2 above the page's h1, as GOV.UK places it, aside).
                    let mut level = 0;
                    let headings = (1..=6)
                        .map(|n| format!("h{n}:not(.govuk-error-summary__title)"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    for heading in document.select(&sel(&headings)) {
                        let this = heading.value().name()[1..].parse::<usize>().unwrap();
                        assert!(
                            this <= level + 1,
                            "{} {name}: an h{this} after an h{level}",
                            example.name
                        );
                        level = this;
                    }
                    // Enter in a text box presses a form's first submit button: it saves,
                    // and never removes or adds a block's entry.
                    for form in document.select(&sel("form")) {
                        if let Some(first) = form.select(&sel("button[type=submit]")).next() {
                            assert_eq!(
                                first.value().attr("value"),
                                Some("save"),
                                "{} {name}: the default button",
                                example.name
                            );
                        }
                    }
                    // Every label and aria-describedby points at an element that exists.
                    for (attribute, query) in [
                        ("for", "label[for]"),
                        ("aria-describedby", "[aria-describedby]"),
                    ] {
                        for element in document.select(&sel(query)) {
                            for id in element.value().attr(attribute).unwrap().split_whitespace() {
                                assert!(
                                    document.select(&sel(&format!("[id=\"{id}\"]"))).count() == 1,
                                    "{} {name}: {attribute}={id} has no element",
                                    example.name
                                );
                            }
                        }
                    }
                }
                renderer.whole_form(&validator, &options).unwrap();
            }
        }
    }
}

#[test]
fn blank_forms_are_snapshotted() {
    let renderer = renderer();
    for example in examples_and_test_forms() {
        let validator = Validator::new(&example.form).unwrap();
        let empty = json!({});
        let audience = example
            .form
            .audiences
            .first()
            .copied()
            .unwrap_or(Audience::La);
        let options = PageOptions::new(audience, today(), &empty);
        let page = renderer.whole_form(&validator, &options).unwrap();
        insta::assert_snapshot!(format!("whole-form-{}", example.name), tidy(&page));
    }
}

#[test]
fn content_for_paper_alone_is_not_on_the_web_pages() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let options = PageOptions::new(Audience::Citizen, today(), &example.answers);
    let whole = renderer().whole_form(&validator, &options).unwrap();
    let page = renderer()
        .section(&validator, "about_request", &options)
        .unwrap();
    for html in [&whole, &page] {
        assert!(html.contains("Saving your answers"));
        assert!(!html.contains("Sending the form back"));
        assert!(!html.contains("posting"), "its id reaches the page script");
    }
}

#[test]
fn a_section_shows_answers_and_errors_inline_and_in_the_summary() {
    let example = example("everything");
    let validator = Validator::new(&example.form).unwrap();
    let mut answers = example.answers.clone();
    let object = answers.as_object_mut().unwrap();
    // Keep what was typed, wrong or not.
    let first_number = example
        .form
        .sections
        .iter()
        .flat_map(|s| &s.elements)
        .find_map(|e| match e {
            form_runtime::Element::Question(q)
                if matches!(q.input, form_runtime::Input::Integer(_)) =>
            {
                Some((q.id.clone(), s_of(&example.form, &q.id)))
            }
            _ => None,
        })
        .unwrap();
    object.insert(first_number.0.clone(), json!("12x"));
    let errors = validator.validate(&answers, &ValidateOptions::new(today()));
    assert!(!errors.is_empty());
    let mut options = PageOptions::new(Audience::La, today(), &answers);
    options.errors = &errors;
    let page = renderer()
        .section(&validator, &first_number.1, &options)
        .unwrap();
    let document = Html::parse_document(&page);
    assert!(select_text(&document, "title").starts_with("Error: "));
    let summary: Vec<String> = document
        .select(&sel(".govuk-error-summary__list a"))
        .map(|a| a.value().attr("href").unwrap().to_owned())
        .collect();
    assert!(
        summary.contains(&format!("#{}", first_number.0)),
        "{summary:?}"
    );
    for href in &summary {
        assert_eq!(
            document
                .select(&sel(&format!("[id=\"{}\"]", &href[1..])))
                .count(),
            1,
            "{href}"
        );
    }
    let input = document
        .select(&sel(&format!("input[name=\"{}\"]", first_number.0)))
        .next()
        .unwrap();
    assert_eq!(input.value().attr("value"), Some("12x"));
    assert!(
        input
            .value()
            .attr("class")
            .unwrap()
            .contains("govuk-input--error")
    );
    insta::assert_snapshot!("section-with-errors", tidy(&page));
}

#[test]
fn check_your_answers_lists_each_answer_as_written_and_each_block_entry() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let options = PageOptions::new(Audience::Citizen, today(), &example.answers);
    let pages = renderer().pages(&validator, &options).unwrap();
    let page = &pages
        .iter()
        .find(|(name, _)| name == "check-answers")
        .expect("a check-answers page")
        .1;
    let document = Html::parse_document(page);
    let rows: Vec<(String, String)> = document
        .select(&sel(".sendform-answers .govuk-summary-list__row"))
        .map(|row| {
            (
                select_text(&Html::parse_fragment(&row.html()), "dt"),
                select_text(
                    &Html::parse_fragment(&row.html()),
                    ".govuk-summary-list__value",
                ),
            )
        })
        .collect();
    let value = |key: &str| {
        rows.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no row {key}: {rows:?}"))
    };
    // An entry's heading row has no value of its own; its answers follow.
    assert_eq!(value("Professional 1"), "");
    assert_eq!(value("Professional 2"), "");
    assert!(rows.iter().all(|(_, v)| v != "None"), "{rows:?}");
    // The answer as typed, line breaks kept (the stylesheet shows them).
    assert_eq!(value("Home address"), "3 Station Road\nHanwell\nLondon");
    // An NHS number as the NHS writes it (the answer is 9434765919).
    assert_eq!(value("NHS number (if you know it)"), "943 476 5919");
    // A change link names its question in the sentence, an acronym as written.
    let changes: Vec<String> = document
        .select(&sel(".govuk-summary-list__actions .govuk-visually-hidden"))
        .map(|span| span.text().collect())
        .collect();
    assert!(
        changes.contains(&" NHS number (if you know it)".to_owned()),
        "{changes:?}"
    );
    assert!(
        changes.contains(&" date of birth".to_owned()),
        "{changes:?}"
    );
    // Each change link goes to a control on its page (a date's day).
    for link in document.select(&sel(".govuk-summary-list__actions a")) {
        let href = link.value().attr("href").unwrap();
        let (page_name, id) = href.split_once(".html#").unwrap();
        let target = &pages.iter().find(|(name, _)| name == page_name).unwrap().1;
        let controls = format!("input[id=\"{id}\"], textarea[id=\"{id}\"], select[id=\"{id}\"]");
        assert_eq!(
            Html::parse_document(target).select(&sel(&controls)).count(),
            1,
            "{href} goes to no control"
        );
    }
    let back = document.select(&sel("main a")).next_back().unwrap();
    assert_eq!(back.value().attr("href"), Some("index.html"));
    insta::assert_snapshot!("check-answers-parent-request", tidy(page));
}

fn s_of(form: &Form, id: &str) -> String {
    let mut section = String::new();
    form.walk(&mut |element, s, _| {
        if element.id() == id {
            section = s.id.clone();
        }
    });
    section
}

#[test]
fn an_audience_s_page_has_nothing_it_may_not_see() {
    let ersa = example("ersa");
    let validator = Validator::new(&ersa.form).unwrap();
    let options = PageOptions::new(Audience::Professional, today(), &ersa.answers);
    let renderer = renderer();
    // Not published to parents: no page for them at all.
    let citizen = PageOptions::new(Audience::Citizen, today(), &ersa.answers);
    assert!(matches!(
        renderer.pages(&validator, &citizen),
        Err(html::HtmlError::NotPublished(Audience::Citizen))
    ));
    let pages = renderer.pages(&validator, &options).unwrap();
    let mut everything = String::new();
    for (_, page) in &pages {
        everything.push_str(page);
    }
    everything.push_str(&renderer.whole_form(&validator, &options).unwrap());
    everything.push_str(&html::HtmlRenderer::rules_model(&validator, &options).to_string());
    for hidden in [
        "la_use",
        "la_received",
        "la_case_number",
        "For local authority use",
        "Case number",
    ] {
        assert!(
            !everything.contains(hidden),
            "{hidden} reached a professional's page"
        );
    }
    assert!(renderer.section(&validator, "la_use", &options).is_err());
    // Staff see it.
    let la = PageOptions::new(Audience::La, today(), &ersa.answers);
    assert!(
        renderer
            .section(&validator, "la_use", &la)
            .unwrap()
            .contains("Case number")
    );

    // A section locked for professionals is read only for them: no inputs, no change links.
    let senco = example("senco-advice");
    let validator = Validator::new(&senco.form).unwrap();
    let locked = senco
        .form
        .sections
        .iter()
        .find(|s| s.access.locked_for.contains(&Audience::Professional))
        .unwrap();
    let options = PageOptions::new(Audience::Professional, today(), &senco.answers);
    let page = renderer.section(&validator, &locked.id, &options).unwrap();
    let document = Html::parse_document(&page);
    assert_eq!(
        document
            .select(&sel("main input, main textarea, main select"))
            .count(),
        0
    );
    assert!(document.select(&sel(".govuk-summary-list")).count() >= 1);
}

const PAYLOADS: [&str; 5] = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "{{7*7}}",
    "{% include 'layout.html' %}",
    "javascript:alert(1)",
];

#[test]
fn labels_hints_and_answers_render_as_text() {
    let mut source = String::from(
        "form inject \"Injected <b>title</b>\" {\n  version \"1\"\n  audience citizen\n  section s \"Section {{7*7}}\" {\n",
    );
    for (index, payload) in PAYLOADS.iter().enumerate() {
        let escaped = payload.replace('\\', "\\\\").replace('"', "\\\"");
        source.push_str(&format!(
            "    text t{index} \"{escaped}\" {{ hint \"{escaped}\" }}\n    choice c{index} \"Pick\" {{ options {{ a \"{escaped}\" b \"B\" }} }}\n"
        ));
    }
    source.push_str("  }\n}\n");
    let mut sources = form_dsl::SourceMap::new();
    let main = sources.add("inject.form", source.into_bytes());
    let compiled = form_dsl::compile(
        &mut sources,
        main,
        &form_dsl::MemoryLoader::new(),
        &form_dsl::Options::default(),
    );
    let form = compiled
        .form
        .unwrap_or_else(|| panic!("{:?}", compiled.diagnostics));
    let validator = Validator::new(&form).unwrap();
    let mut answers = serde_json::Map::new();
    for (index, payload) in PAYLOADS.iter().enumerate() {
        answers.insert(format!("t{index}"), json!(payload));
    }
    let answers = Value::Object(answers);
    let options = PageOptions::new(Audience::Citizen, today(), &answers);
    let renderer = renderer();
    let mut pages = renderer.pages(&validator, &options).unwrap();
    pages.push((
        "whole".into(),
        renderer.whole_form(&validator, &options).unwrap(),
    ));
    for (name, page) in pages {
        let document = Html::parse_document(&page);
        // Only our own scripts, no injected elements, no event handler attributes.
        for script in document.select(&sel("script")) {
            let element = script.value();
            let ours = element
                .attr("src")
                .is_some_and(|src| src.ends_with("sendform.js"))
                || element.attr("id") == Some("sendform-model")
                || element.attr("type") == Some("module")
                || script.inner_html().starts_with("document.body.className");
            assert!(ours, "{name}: a script that is not ours: {}", script.html());
        }
        assert_eq!(document.select(&sel("img, b")).count(), 0, "{name}");
        for element in document.select(&sel("*")) {
            for (attribute, value) in element.value().attrs() {
                assert!(!attribute.starts_with("on"), "{name}: {attribute}");
                if matches!(attribute, "href" | "src" | "action" | "formaction") {
                    assert!(
                        !value.trim_start().starts_with("javascript:"),
                        "{name}: {attribute}={value}"
                    );
                }
            }
        }
        let text = document.root_element().text().collect::<String>();
        assert!(!text.contains("49"), "{name}: a template expression ran");
        if name == "s" || name == "whole" {
            for payload in PAYLOADS {
                assert!(
                    text.contains(payload),
                    "{name}: {payload} is not shown as text"
                );
            }
            // The answers come back as the inputs' values, unchanged.
            for (index, payload) in PAYLOADS.iter().enumerate() {
                let input = document
                    .select(&sel(&format!("input[name=t{index}]")))
                    .next()
                    .unwrap();
                assert_eq!(input.value().attr("value"), Some(*payload));
            }
        }
        // The model for the script is JSON that parses to the same answers.
        if let Some(model) = document.select(&sel("#sendform-model")).next() {
            let model: Value = serde_json::from_str(&model.inner_html()).unwrap();
            assert!(model.is_object());
        }
    }
}

#[test]
fn a_posted_page_reads_back_into_the_answers_it_shows() {
    let ehc = example("ehc-plan");
    let validator = Validator::new(&ehc.form).unwrap();
    let renderer = renderer();
    for section in &ehc.form.sections {
        let options = PageOptions::new(Audience::La, today(), &ehc.answers);
        let page = renderer.section(&validator, &section.id, &options).unwrap();
        let fields = form_fields(&page);
        let posted =
            read_post(&ehc.form, &section.id, Audience::La, &ehc.answers, &fields).unwrap();
        assert_eq!(posted.action, None);
        for key in &posted.keys {
            let shown = validator
                .visibility(&ehc.answers, today())
                .element(&format!("/{key}"))
                .unwrap_or(false);
            let mut expected = ehc.answers.get(key).cloned();
            if !shown {
                expected = None;
            }
            // Files arrive by upload, not as fields.
            let is_file = matches!(
                ehc.form.sections.iter().flat_map(|s| &s.elements).find(|e| e.id() == key),
                Some(form_runtime::Element::Question(q)) if matches!(q.input, form_runtime::Input::File(_))
            );
            if is_file {
                continue;
            }
            assert_eq!(
                posted.answers.get(key),
                expected.as_ref(),
                "{}/{key}",
                section.id
            );
        }
    }
    // The add and remove buttons.
    let fields = vec![
        ("e_outcomes.0.e_text".to_owned(), "Read".to_owned()),
        ("sendform-action".to_owned(), "add:/e_outcomes".to_owned()),
    ];
    let posted = read_post(&ehc.form, "e", Audience::La, &json!({}), &fields).unwrap();
    assert_eq!(posted.answers["e_outcomes"].as_array().unwrap().len(), 2);
    let fields = vec![
        ("e_outcomes.0.e_text".to_owned(), "One".to_owned()),
        ("e_outcomes.1.e_text".to_owned(), "Two".to_owned()),
        (
            "sendform-action".to_owned(),
            "remove:/e_outcomes/0".to_owned(),
        ),
    ];
    let posted = read_post(&ehc.form, "e", Audience::La, &json!({}), &fields).unwrap();
    assert_eq!(posted.answers["e_outcomes"], json!([{"e_text": "Two"}]));
}

#[test]
fn a_block_s_empty_entry_to_fill_in_asks_its_questions_and_is_not_kept_unfilled() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let blank = json!({});
    let options = PageOptions::new(Audience::Citizen, today(), &blank);
    let page = renderer()
        .section(&validator, "professionals", &options)
        .unwrap();
    // The entry given to fill in asks the entry's questions.
    let fields = form_fields(&page);
    let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
    for id in [
        "professional_name",
        "professional_role",
        "professional_contact",
    ] {
        assert!(
            names.contains(&format!("professionals.0.{id}").as_str()),
            "{names:?}"
        );
    }
    // Saved as it came, it adds no entry to the answers.
    let posted = read_post(
        &example.form,
        "professionals",
        Audience::Citizen,
        &blank,
        &fields,
    )
    .unwrap();
    assert_eq!(posted.answers.get("professionals"), None);
    // Filled in, it is the first entry; adding another keeps the empty one given with it.
    let mut filled = fields.clone();
    filled.retain(|(name, _)| name != "professionals.0.professional_name");
    filled.push((
        "professionals.0.professional_name".into(),
        "Amy Chen".into(),
    ));
    let posted = read_post(
        &example.form,
        "professionals",
        Audience::Citizen,
        &blank,
        &filled,
    )
    .unwrap();
    assert_eq!(
        posted.answers["professionals"],
        json!([{"professional_name": "Amy Chen"}])
    );
    let mut adding = fields;
    adding.push(("sendform-action".into(), "add:/professionals".into()));
    let posted = read_post(
        &example.form,
        "professionals",
        Audience::Citizen,
        &blank,
        &adding,
    )
    .unwrap();
    assert_eq!(posted.answers["professionals"], json!([{}, {}]));
}

#[test]
fn only_questions_about_the_person_filling_in_are_filled_in_by_the_browser() {
    let autocomplete = |example_name: &str, section: &str, audience: Audience, answers: Value| {
        let example = example(example_name);
        let validator = Validator::new(&example.form).unwrap();
        let options = PageOptions::new(audience, today(), &answers);
        let page = renderer().section(&validator, section, &options).unwrap();
        let document = Html::parse_document(&page);
        document
            .select(&sel("input"))
            .filter_map(|input| {
                let name = input.value().attr("name")?.to_owned();
                Some((name, input.value().attr("autocomplete").map(str::to_owned)))
            })
            .collect::<BTreeMap<String, Option<String>>>()
    };
    // The family's and the school's details, on a form the local authority fills in.
    let ersa = autocomplete("ersa", "child", Audience::La, json!({}));
    for name in ["c_email", "c_tel", "c_postcode", "s_email"] {
        assert_eq!(ersa.get(name), Some(&None), "{name}: {ersa:?}");
    }
    // The parent's own, where the form says so.
    let parent = autocomplete(
        "parent-request",
        "parent",
        Audience::Citizen,
        json!({"requester": "parent"}),
    );
    assert_eq!(parent["parent_email"].as_deref(), Some("email"));
    assert_eq!(parent["parent_phone"].as_deref(), Some("tel"));
}

#[test]
fn a_document_s_error_is_shown_on_its_question_and_in_the_summary() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let mut answers = example.answers.clone();
    answers["documents"][1] = json!({
        "id": "doc-1", "name": "setup.exe", "media_type": "application/x-msdownload", "size": 1000
    });
    let errors = validator.validate(&answers, &ValidateOptions::new(today()));
    let error = errors
        .iter()
        .find(|error| error.path == "/documents/1")
        .expect("an error on the second document");
    let mut options = PageOptions::new(Audience::Citizen, today(), &answers);
    options.errors = &errors;
    let page = renderer()
        .section(&validator, "documents", &options)
        .unwrap();
    let document = Html::parse_document(&page);
    assert!(
        select_text(&document, "#documents-error").contains(&error.message),
        "{page}"
    );
    let links: Vec<(String, String)> = document
        .select(&sel(".govuk-error-summary__list a"))
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(links, [(error.message.clone(), "#documents".to_owned())]);
    // The file picker offers what the question accepts.
    let input = document.select(&sel("input[type=file]")).next().unwrap();
    assert!(
        input
            .value()
            .attr("accept")
            .is_some_and(|a| a.contains(".pdf"))
    );
}

#[test]
fn a_section_that_requires_nothing_is_optional_until_something_is_answered() {
    let example = example("parent-request");
    let validator = Validator::new(&example.form).unwrap();
    let status = |answers: &Value| {
        let options = PageOptions::new(Audience::Citizen, today(), answers);
        let page = renderer().task_list(&validator, &options).unwrap();
        let document = Html::parse_document(&page);
        document
            .select(&sel(".govuk-task-list__item"))
            .map(|item| {
                let item = Html::parse_fragment(&item.html());
                (
                    select_text(&item, ".govuk-task-list__name-and-hint a")
                        .trim()
                        .to_owned(),
                    select_text(&item, ".govuk-task-list__status")
                        .trim()
                        .to_owned(),
                )
            })
            .collect::<BTreeMap<String, String>>()
    };
    let professionals = "Professionals who know the child or young person";
    assert_eq!(status(&json!({}))[professionals], "Optional");
    assert_eq!(status(&json!({}))["About this request"], "Not yet started");
    assert_eq!(status(&example.answers)[professionals], "Completed");
}

/// What a browser would post for a page: each control's name and value, checked boxes only.
fn form_fields(page: &str) -> Vec<(String, String)> {
    let document = Html::parse_document(page);
    let mut fields = Vec::new();
    for element in document.select(&sel("form input, form textarea, form select")) {
        let value = element.value();
        let Some(name) = value.attr("name") else {
            continue;
        };
        match (value.name(), value.attr("type")) {
            ("input", Some("radio" | "checkbox")) if value.attr("checked").is_some() => {
                fields.push((
                    name.to_owned(),
                    value.attr("value").unwrap_or("on").to_owned(),
                ));
            }
            ("input", Some("radio" | "checkbox" | "file")) => {}
            ("input", _) => fields.push((
                name.to_owned(),
                value.attr("value").unwrap_or("").to_owned(),
            )),
            ("textarea", _) => fields.push((name.to_owned(), element.text().collect())),
            ("select", _) => {
                if let Some(option) = element.select(&sel("option[selected]")).next() {
                    fields.push((
                        name.to_owned(),
                        option.value().attr("value").unwrap_or("").to_owned(),
                    ));
                }
            }
            _ => {}
        }
    }
    fields
}

// ----- the components against GOV.UK Frontend's fixtures ---------------------------------

/// Where govuk-frontend's fixtures are: installed by scripts/install-test-deps.sh (which this
/// test runs when they are missing).
fn govuk_components() -> PathBuf {
    let dir =
        workspace().join("target/test-deps/node_modules/govuk-frontend/dist/govuk/components");
    if !dir.exists() {
        let status = Command::new(workspace().join("scripts/install-test-deps.sh"))
            .arg("--npm-only")
            .status()
            .expect("scripts/install-test-deps.sh runs");
        assert!(
            status.success(),
            "installing govuk-frontend's fixtures failed"
        );
    }
    dir
}

#[test]
fn components_render_as_govuk_frontend_does_for_the_same_options() {
    let renderer = renderer();
    let components = govuk_components();
    let mut report = BTreeMap::new();
    for component in html::COMPONENTS {
        let text =
            std::fs::read_to_string(components.join(component).join("fixtures.json")).unwrap();
        let fixtures: Value = serde_json::from_str(&text).unwrap();
        let (mut same, mut skipped, mut differ) = (0, 0, Vec::new());
        for fixture in fixtures["fixtures"].as_array().unwrap() {
            let name = fixture["name"].as_str().unwrap();
            let options = fixture["options"].clone();
            // Only the options our components take; the rest are GOV.UK features we do not use.
            let Some(params) = params_for(component, &options) else {
                skipped += 1;
                continue;
            };
            let ours = renderer
                .component(component, &params)
                .unwrap_or_else(|e| panic!("{component} / {name}: {e}"));
            let theirs = fixture["html"].as_str().unwrap();
            if normalise(&ours) == normalise(theirs) {
                same += 1;
            } else {
                differ.push(name.to_owned());
            }
        }
        assert!(same >= 2, "{component}: only {same} fixtures the same");
        report.insert(component, (same, skipped, differ));
    }
    // The fixtures that render the same, those skipped (options we do not take) and those
    // that differ, by name: a change in any is a change in our markup to look at.
    insta::assert_debug_snapshot!("govuk-fixtures-same-skipped-differing", report);
}

fn params_for(component: &str, options: &Value) -> Option<Value> {
    use form_render::html::params::*;
    fn round<T: serde::de::DeserializeOwned + serde::Serialize>(options: &Value) -> Option<Value> {
        let params: T = serde_json::from_value(options.clone()).ok()?;
        serde_json::to_value(params).ok()
    }
    match component {
        "input" => round::<Input>(options),
        "textarea" => round::<Textarea>(options),
        "character-count" => round::<CharacterCount>(options),
        "radios" | "checkboxes" => round::<Choices>(options),
        "date-input" => round::<DateInput>(options),
        "select" => round::<Select>(options),
        "file-upload" => round::<FileUpload>(options),
        "error-summary" => round::<ErrorSummary>(options),
        "summary-list" => round::<SummaryList>(options),
        "task-list" => round::<TaskList>(options),
        _ => None,
    }
}

/// Markup as a canonical tree: whitespace between elements dropped, runs of white space in
/// text made one space, attributes sorted, class lists sorted, entities decoded.
fn normalise(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::new();
    for child in fragment.root_element().children() {
        write_node(child, &mut out);
    }
    out
}

fn write_node(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(text) => {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                out.push_str(&text);
                out.push('\n');
            }
        }
        Node::Element(element) => {
            let mut attributes: Vec<(String, String)> = element
                .attrs()
                .map(|(name, value)| {
                    let value = if name == "class" || name == "aria-describedby" {
                        let mut parts: Vec<&str> = value.split_whitespace().collect();
                        parts.sort_unstable();
                        parts.join(" ")
                    } else {
                        value.to_owned()
                    };
                    (name.to_owned(), value)
                })
                .collect();
            attributes.sort();
            out.push('<');
            out.push_str(element.name());
            for (name, value) in attributes {
                out.push_str(&format!(" {name}={value:?}"));
            }
            out.push_str(">\n");
            for child in node.children() {
                write_node(child, out);
            }
            out.push_str(&format!("</{}>\n", element.name()));
        }
        _ => {}
    }
}

// ----- the page script's rules against the runtime ---------------------------------------

#[test]
fn the_page_script_shows_and_hides_what_the_runtime_does() {
    let script = workspace().join("form-render/assets/sendform.js");
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for example in examples_and_test_forms() {
        let validator = Validator::new(&example.form).unwrap();
        let all = variants(&example.answers);
        // Content for paper alone is not on the page: the runtime's visibility, which knows
        // nothing of media, has it, and the script does not.
        let mut paper_only = Vec::new();
        example.form.walk(&mut |element, _, _| {
            if let Element::Content(content) = element
                && !content.shown_on(Medium::Web)
            {
                paper_only.push(format!("/{}", content.id));
            }
        });
        for day in [
            today(),
            jiff::civil::date(2005, 6, 30),
            jiff::civil::date(2031, 2, 28),
        ] {
            // The model depends on the answers only for what it carries from other pages;
            // with every section in it, the answers given here are what it reads.
            let empty = json!({});
            let model =
                HtmlRenderer::rules_model(&validator, &PageOptions::new(Audience::La, day, &empty));
            for answers in &all {
                // The script applies the rules as they are written: it cannot tell an answer
                // with an error of its own, so what the runtime shows only because it is
                // undecided, the script hides.
                let visibility = validator.visibility(answers, day);
                let decided = |(key, shown): (String, bool), undecided: &[String]| {
                    let shown = shown && !undecided.contains(&key);
                    (key, shown)
                };
                let sections: Vec<_> = visibility
                    .sections
                    .into_iter()
                    .map(|section| decided(section, &visibility.undecided_sections))
                    .collect();
                let elements: Vec<_> = visibility
                    .elements
                    .into_iter()
                    .filter(|(key, _)| !paper_only.iter().any(|id| key.ends_with(id.as_str())))
                    .map(|element| decided(element, &visibility.undecided_elements))
                    .collect();
                expected.push(json!({"sections": sections, "elements": elements}));
            }
            cases.push(json!({"model": model, "answers": all}));
        }
    }
    let input = std::env::temp_dir().join(format!("sendform-js-cases-{}.json", std::process::id()));
    std::fs::write(&input, serde_json::to_string(&cases).unwrap()).unwrap();
    let program = format!(
        "const s = require({script:?}); const fs = require('fs'); \
         const cases = JSON.parse(fs.readFileSync({input:?}, 'utf8')); \
         process.stdout.write(JSON.stringify(cases.flatMap(c => c.answers.map(a => s.visibility(c.model, a)))));",
        script = script.display().to_string(),
        input = input.display().to_string(),
    );
    let output = Command::new("node")
        .arg("-e")
        .arg(program)
        .output()
        .expect("node runs (Node.js is part of the machine)");
    let _ = std::fs::remove_file(&input);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let actual: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(actual.len(), expected.len());
    assert!(expected.len() > 1000, "{} cases", expected.len());
    for (index, (ours, runtime)) in actual.iter().zip(&expected).enumerate() {
        assert_eq!(ours, runtime, "case {index}");
    }
}

/// The sample answers, and variants: each answer dropped, yes/no flipped, each choice set to
/// its neighbours, dates moved, numbers changed, blocks emptied.
fn variants(answers: &Value) -> Vec<Value> {
    let mut out = vec![answers.clone(), json!({})];
    let Some(object) = answers.as_object() else {
        return out;
    };
    for (key, value) in object {
        let mut dropped = object.clone();
        dropped.remove(key);
        out.push(Value::Object(dropped));
        let changes: Vec<Value> = match value {
            Value::Bool(b) => vec![json!(!b)],
            Value::Number(n) => vec![json!(n.as_f64().unwrap_or(0.0) + 7.0), json!(0)],
            Value::String(text) if text.len() == 10 && text.as_bytes()[4] == b'-' => {
                vec![
                    json!("2000-01-01"),
                    json!("2020-02-29"),
                    json!("2012-13-45"),
                ]
            }
            Value::String(_) => vec![json!(""), json!("  "), json!("other")],
            Value::Array(items) => vec![json!([]), json!(items.iter().take(1).collect::<Vec<_>>())],
            _ => vec![],
        };
        for change in changes {
            let mut changed = object.clone();
            changed.insert(key.clone(), change);
            out.push(Value::Object(changed));
        }
    }
    out
}

// ----- helpers ---------------------------------------------------------------------------

fn sel(query: &str) -> Selector {
    Selector::parse(query).unwrap()
}

fn select_text(document: &Html, query: &str) -> String {
    document
        .select(&sel(query))
        .next()
        .map(|e: ElementRef<'_>| e.text().collect())
        .unwrap_or_default()
}

/// A page for a snapshot: one line per tag, without blank lines.
fn tidy(page: &str) -> String {
    page.lines()
        .map(str::trim_end)
        .filter(|line| !line.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}
