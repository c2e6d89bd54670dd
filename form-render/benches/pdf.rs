//! PDF rendering benchmarks: the peers' ~20-page EHC plan (`docs/ehc-plan.json` of the peer
//! benchmark), turned into answers to `examples/ehc-plan.form`, rendered through the built-in
//! EHC plan template and as the built-in filled document. For each: the first render (a new
//! `PdfRenderer` and an empty Typst cache), a warm render of a new document each time (the
//! same plan with the words of every text shuffled and another version number, so that no
//! answer was laid out before, as for another child's plan), and the same document again.
//!
//! `cargo bench -p form-render --bench pdf` (the peer document is read from
//! `../shared/bench/peers`, or `$SEND_PEERS_DIR`). Figures: docs/performance.md.

// Benchmarks may panic on a broken invariant, and report what they measure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use form_render::pdf::{PdfOptions, PdfRenderer, Template};
use form_render::report::DocumentOptions;
use form_runtime::{Audience, Date, Form, Validator};
use serde_json::{Map, Value, json};

/// The allocator the host (`sendform`, the portals) renders with, so that these figures are
/// the product's (docs/performance.md compares it with the system allocator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../../tests-support/peer_spec.rs"]
mod peer_spec;
#[path = "../../tests-support/examples.rs"]
mod support;

/// How many distinct documents the warm benchmark cycles through: more than Typst's cache
/// keeps unused entries for (they are evicted after at most 16 renders), so each is new to it.
const VARIANTS: usize = 24;

fn today() -> Date {
    Date::new(2026, 11, 22).unwrap()
}

fn bench_pdf(c: &mut Criterion) {
    let path = peer_spec::peers_dir().join("docs/ehc-plan.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping the PDF benchmarks: {} is missing", path.display());
        return;
    };
    let peer: Value = serde_json::from_str(&text).unwrap();
    let example = support::example("ehc-plan");
    let form = &example.form;
    let validator = Validator::new(form).unwrap();
    let variants: Vec<Value> = (0..VARIANTS)
        .map(|variant| plan_answers(form, &peer, variant))
        .collect();
    // For scripts/bench-pdf.sh to time `sendform pdf` in a new process.
    let dir = support::workspace().join("target/pdf-bench");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("ehc-plan-peer.answers.json"),
        serde_json::to_string_pretty(&variants[0]).unwrap(),
    )
    .unwrap();

    for (name, template) in [
        ("plan template", Template::EhcPlan),
        ("filled document", Template::Document),
    ] {
        let options = PdfOptions {
            template,
            deadline: Duration::from_secs(60),
            ..PdfOptions::default()
        };
        let document = |answers| DocumentOptions::filled(Audience::La, today(), answers);
        // The pages and size, once, for the record.
        let pdf = PdfRenderer::new()
            .render(&validator, &document(&variants[0]), &options)
            .unwrap();
        eprintln!(
            "pdf/ehc-plan {name}: {} pages, {} KB",
            pdf.pages,
            pdf.bytes.len() / 1024
        );

        let mut group = c.benchmark_group(format!("pdf/ehc-plan {name}"));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(20));
        group.bench_function("first render", |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    typst::comemo::evict(0);
                    let start = Instant::now();
                    let renderer = PdfRenderer::new();
                    black_box(
                        renderer
                            .render(&validator, &document(&variants[0]), &options)
                            .unwrap(),
                    );
                    total += start.elapsed();
                }
                total
            })
        });
        let renderer = PdfRenderer::new();
        let mut next = 0;
        group.bench_function("warm, a new document each time", |b| {
            b.iter(|| {
                next = (next + 1) % VARIANTS;
                renderer
                    .render(&validator, &document(&variants[next]), &options)
                    .unwrap()
            })
        });
        group.bench_function("warm, the same document again", |b| {
            b.iter(|| {
                renderer
                    .render(&validator, &document(&variants[0]), &options)
                    .unwrap()
            })
        });
        group.finish();
    }
}

/// The peers' plan document as answers to the EHC plan example. `variant` shuffles the words
/// of each text and changes the version number, making a document no render has seen.
fn plan_answers(form: &Form, peer: &Value, variant: usize) -> Value {
    let sections: Vec<&Value> = peer["sections"].as_array().unwrap().iter().collect();
    let section = |letter: &str| {
        sections
            .iter()
            .find(|section| section["letter"] == letter)
            .map(|section| section["blocks"].as_array().unwrap().as_slice())
            .unwrap_or_default()
    };
    let turn = |text: &str| shuffle(text, variant);
    let header = |name: &str| {
        peer["header_fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|field| field[0] == name)
            .and_then(|field| field[1].as_str())
            .unwrap_or("")
            .to_owned()
    };
    let code = |taxonomy: &str, label: &str| code_for(form, taxonomy, label);
    let mut answers = Map::new();
    let name = header("Name");
    let (given, family) = name.split_once(' ').unwrap_or((&name, ""));
    for (key, value) in [
        ("plan_status", json!("final")),
        ("plan_version", json!(variant + 1)),
        ("date_draft", json!("2026-07-14")),
        ("date_final", json!(uk_to_iso(&header("Date of plan")))),
        (
            "review_date",
            json!(uk_to_iso(&header("Next annual review"))),
        ),
        ("cyp_given_names", json!(given)),
        ("cyp_family_name", json!(family)),
        ("cyp_dob", json!(uk_to_iso(&header("Date of birth")))),
        ("cyp_address", json!("14 Orchard Way\nExampleton")),
        ("cyp_postcode", json!("EX1 2AB")),
        ("cyp_upn", json!(header("UPN"))),
        ("cyp_nhs", json!(header("NHS number").replace(' ', ""))),
        ("year_group", json!("Y4")),
        ("setting_current", json!("Exampleton Primary School")),
        ("lac", json!(false)),
        ("ehc_coordinator", json!({"id": "P-1", "name": "Sam Patel"})),
    ] {
        answers.insert(key.to_owned(), value);
    }

    // Section A: each heading's paragraphs and lists into one of the plan's questions.
    let a_keys = [
        "a_essential",
        "a_like_admire",
        "a_important_to",
        "a_wishes_future",
        "a_family_views",
    ];
    for (key, text) in a_keys.iter().zip(texts_under_headings(section("A"), &turn)) {
        answers.insert((*key).to_owned(), json!(text.1));
    }
    for key in ["a_important_for", "a_communicates", "a_involved"] {
        answers.insert(key.to_owned(), json!("See the views above."));
    }
    answers.insert("a_who_completed".to_owned(), json!("The EHC coordinator"));

    // Section B: an area of need per heading, its list items as needs.
    let areas: Vec<Value> = headed_blocks(section("B"))
        .into_iter()
        .map(|(heading, blocks)| {
            let needs: Vec<Value> = list_items(&blocks)
                .into_iter()
                .map(|item| json!({"b_need_text": turn(&item), "b_need_source": "Section K"}))
                .collect();
            json!({
                "b_area": code("plan_areas", &heading),
                "b_strengths": paragraphs(&blocks, &turn),
                "b_needs": needs,
            })
        })
        .collect();
    answers.insert("b_primary_need".to_owned(), json!(code("sen_type", "")));
    answers.insert("b_areas".to_owned(), json!(areas));

    // Sections C and D: each paragraph or list item a need.
    for (letter, any, list, text_key, source_key) in [
        ("C", "c_any", "c_needs", "c_need_text", "c_source"),
        ("D", "d_any", "d_needs", "d_need_text", "d_source"),
    ] {
        let blocks = section(letter);
        let mut needs: Vec<Value> = Vec::new();
        for block in blocks {
            let texts: Vec<String> = match block["type"].as_str() {
                Some("para") => vec![block["text"].as_str().unwrap().to_owned()],
                Some("list") => strings(&block["items"]),
                _ => Vec::new(),
            };
            for text in texts {
                needs.push(json!({text_key: turn(&text), source_key: "Section K"}));
            }
        }
        answers.insert(any.to_owned(), json!(true));
        answers.insert(list.to_owned(), json!(needs));
    }

    // Section E: the outcomes table.
    let outcomes: Vec<Value> = table_rows(section("E"))
        .into_iter()
        .map(|row| {
            let steps: Vec<Value> = row[3]
                .split(". ")
                .filter(|step| !step.trim().is_empty())
                .take(6)
                .map(|step| json!({"e_step": clip(&turn(step), 300)}))
                .collect();
            json!({
                "e_area": code("plan_areas", &row[1]),
                "e_text": turn(&row[2]),
                "e_timeframe": "date",
                "e_date": uk_to_iso(&row[4]),
                "e_needs": clip(&format!("{}: {}", row[0], row[1]), 300),
                "e_steps": steps,
            })
        })
        .collect();
    answers.insert("e_outcomes".to_owned(), json!(outcomes));

    // Section F: the provision table.
    let provision: Vec<Value> = table_rows(section("F"))
        .into_iter()
        .map(|row| {
            json!({
                "f_desc": turn(&row[1]),
                "f_who": code("provider_team", &row[3]),
                "f_expertise": clip(&row[3], 200),
                "f_freq_n": 2,
                "f_freq_unit": code("frequency", "per week"),
                "f_duration": 30,
                "f_group": code("group_size", &row[4]),
                "f_outcomes": clip(&row[0], 200),
            })
        })
        .collect();
    answers.insert("f_provision".to_owned(), json!(provision));

    // Sections G and H: health and social care provision.
    for (letter, any, list, prefix) in [
        ("G", "g_any", "g_provision", "g"),
        ("H", "h1_any", "h1_provision", "h1"),
    ] {
        let rows: Vec<Value> = table_rows(section(letter))
            .into_iter()
            .map(|row| {
                let mut entry = json!({
                    format!("{prefix}_desc"): turn(&row[1]),
                    format!("{prefix}_who"): code("provider_team", &row[0]),
                    format!("{prefix}_outcomes"): "All outcomes in section E",
                });
                if prefix == "h1" {
                    entry["h1_service"] = json!(code("csdpa_service", &row[0]));
                }
                entry
            })
            .collect();
        answers.insert(any.to_owned(), json!(true));
        answers.insert(list.to_owned(), json!(rows));
    }
    answers.insert("g_agreed_by".to_owned(), json!("Exampleshire ICB"));
    answers.insert("h2_any".to_owned(), json!(false));
    answers.insert("i_named".to_owned(), json!(true));
    answers.insert(
        "i_institution".to_owned(),
        json!("Exampleton Primary School"),
    );
    answers.insert("i_type".to_owned(), json!(code("establishment_type", "")));
    answers.insert("j_requested".to_owned(), json!(false));

    // Section K: the advice table.
    let advice: Vec<Value> = table_rows(section("K"))
        .into_iter()
        .enumerate()
        .map(|(index, row)| {
            let types = ["PARENT", "EDU", "MED", "PSY", "SC"];
            json!({
                "k_type": types[index % types.len()],
                "k_author": clip(&row[1], 100),
                "k_role": code("provider_team", &row[1]),
                "k_date": uk_to_iso(&row[2]),
                "k_file": [{"id": format!("doc-{index}"), "name": format!("{}.pdf", row[0]), "type": "application/pdf", "size": 200_000}],
            })
        })
        .collect();
    answers.insert("k_advice".to_owned(), json!(advice));
    answers.insert(
        "so_officer".to_owned(),
        json!({"id": "P-2", "name": "Alex Morgan"}),
    );
    answers.insert("so_signature".to_owned(), json!(true));
    answers.insert("so_date".to_owned(), json!("2026-09-01"));
    Value::Object(answers)
}

/// The words of `text` shuffled, differently for each `variant` (variant 0 keeps them in
/// order): a text with the same words, and so the same work to lay out, that no earlier
/// variant had.
fn shuffle(text: &str, variant: usize) -> String {
    if variant == 0 {
        return text.to_owned();
    }
    let mut words: Vec<&str> = text.split(' ').collect();
    // A small xorshift generator, seeded by the variant and the text.
    let mut state = (variant as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
        });
    for index in (1..words.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        words.swap(index, (state % (index as u64 + 1)) as usize);
    }
    words.join(" ")
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|item| item.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The blocks under each heading.
fn headed_blocks(blocks: &[Value]) -> Vec<(String, Vec<Value>)> {
    let mut out: Vec<(String, Vec<Value>)> = Vec::new();
    for block in blocks {
        if block["type"] == "heading" {
            out.push((block["text"].as_str().unwrap().to_owned(), Vec::new()));
        } else if let Some(last) = out.last_mut() {
            last.1.push(block.clone());
        }
    }
    out
}

fn texts_under_headings(blocks: &[Value], turn: &dyn Fn(&str) -> String) -> Vec<(String, String)> {
    headed_blocks(blocks)
        .into_iter()
        .map(|(heading, blocks)| {
            let mut text = paragraphs(&blocks, turn);
            for item in list_items(&blocks) {
                text.push_str(&format!("\n- {}", turn(&item)));
            }
            (heading, text)
        })
        .collect()
}

fn paragraphs(blocks: &[Value], turn: &dyn Fn(&str) -> String) -> String {
    blocks
        .iter()
        .filter(|block| block["type"] == "para")
        .map(|block| turn(block["text"].as_str().unwrap()))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn list_items(blocks: &[Value]) -> Vec<String> {
    blocks
        .iter()
        .filter(|block| block["type"] == "list")
        .flat_map(|block| strings(&block["items"]))
        .collect()
}

fn table_rows(blocks: &[Value]) -> Vec<Vec<String>> {
    blocks
        .iter()
        .filter(|block| block["type"] == "table")
        .flat_map(|block| block["rows"].as_array().unwrap().iter().map(strings))
        .collect()
}

/// `28/06/2017` as `2017-06-28`.
fn uk_to_iso(text: &str) -> String {
    let parts: Vec<&str> = text.split('/').collect();
    match parts.as_slice() {
        [day, month, year] => format!("{year}-{month}-{day}"),
        _ => "2027-07-01".to_owned(),
    }
}

/// The code of the choice in `taxonomy` whose label shares the most words with `label`.
fn code_for(form: &Form, taxonomy: &str, label: &str) -> String {
    let words = |text: &str| -> Vec<String> {
        text.to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| word.len() > 2)
            .map(str::to_owned)
            .collect()
    };
    let wanted = words(label);
    form.taxonomies[taxonomy]
        .selectable()
        // The first of the best matches.
        .min_by_key(|choice| {
            let have = words(&choice.label);
            std::cmp::Reverse(wanted.iter().filter(|word| have.contains(word)).count())
        })
        .map(|choice| choice.code.clone())
        .unwrap()
}

criterion_group!(benches, bench_pdf);
criterion_main!(benches);
