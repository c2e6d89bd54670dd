//! Translates the peer benchmark's neutral form spec (`send-peer-form-spec/1`, in
//! `../shared/bench/peers/forms/`) into our form language, so that our compiler and the peers
//! work on the same form.
//!
//! The spec's semantics map one to one: `required` applies when the question is shown, a
//! rule that tests an unanswered question is not true (also `ne`), text length counts
//! characters, patterns are anchored, and date bounds are inclusive.
//!
//! Shared (with `#[path]`) by the compile and validation benchmarks and the runtime's tests;
//! each uses part of it.

#![allow(dead_code)]

use std::fmt::Write;

use serde_json::Value;

/// Where the peer benchmark keeps its inputs: `$SEND_PEERS_DIR` (a relative path is taken from
/// the workspace's root, as cargo runs tests and benchmarks in the crate's folder), or
/// `../shared/bench/peers` beside the workspace.
pub(crate) fn peers_dir() -> std::path::PathBuf {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match std::env::var_os("SEND_PEERS_DIR") {
        Some(dir) => workspace.join(dir),
        None => workspace.join("../shared/bench/peers"),
    }
}

/// Reads `forms/<name>.spec.json` from the peers folder and translates it.
pub(crate) fn load(name: &str) -> Result<String, String> {
    let path = peers_dir().join("forms").join(format!("{name}.spec.json"));
    let text = std::fs::read_to_string(&path)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))?;
    let spec: Value =
        serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
    translate(&spec)
}

/// Reads a spec file, translates it and compiles it: the form both sides of a benchmark use.
#[allow(clippy::unwrap_used)]
pub(crate) fn compile_file(path: &std::path::Path) -> form_runtime::Form {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let spec: Value = serde_json::from_str(&text).unwrap();
    let source = translate(&spec).unwrap();
    let mut sources = form_dsl::SourceMap::new();
    let main = sources.add_text("peer.form", source);
    let compiled = form_dsl::compile(
        &mut sources,
        main,
        &form_dsl::NoIncludes,
        &form_dsl::Options::default(),
    );
    assert!(
        compiled.diagnostics.is_empty(),
        "{:?}",
        compiled.diagnostics
    );
    compiled.form.unwrap()
}

/// Translates a spec into form source.
pub(crate) fn translate(spec: &Value) -> Result<String, String> {
    let mut out = String::new();
    let text = |value: &Value| -> Result<String, String> {
        value
            .as_str()
            .map(quote)
            .ok_or_else(|| format!("expected a string, found {value}"))
    };
    writeln!(
        out,
        "// Generated from the peer benchmark's {} spec; do not edit.",
        str_of(&spec["id"])?
    )
    .ok();
    writeln!(
        out,
        "form {} {} {{",
        str_of(&spec["id"])?,
        text(&spec["title"])?
    )
    .ok();
    writeln!(out, "  version {}", text(&spec["version"])?).ok();
    writeln!(out, "  audience professional").ok();
    let lists = spec["choice_lists"]
        .as_object()
        .ok_or("choice_lists must be an object")?;
    for (name, items) in lists {
        writeln!(out, "\n  taxonomy {name} {{").ok();
        for item in items.as_array().ok_or("a choice list must be an array")? {
            writeln!(
                out,
                "    {} {}",
                str_of(&item["value"])?,
                text(&item["label"])?
            )
            .ok();
        }
        writeln!(out, "  }}").ok();
    }
    for section in spec["sections"]
        .as_array()
        .ok_or("sections must be an array")?
    {
        writeln!(
            out,
            "\n  section {} {} {{",
            str_of(&section["id"])?,
            text(&section["title"])?
        )
        .ok();
        for question in section["questions"]
            .as_array()
            .ok_or("questions must be an array")?
        {
            write_question(&mut out, question, "    ")?;
        }
        if let Some(repeat) = section.get("repeat") {
            writeln!(
                out,
                "    repeat {} {} {{",
                str_of(&repeat["id"])?,
                text(&repeat["label"])?
            )
            .ok();
            writeln!(out, "      item {}", text(&repeat["label"])?).ok();
            if let Some(min) = repeat.get("min_count") {
                writeln!(out, "      min {min}").ok();
            }
            if let Some(max) = repeat.get("max_count") {
                writeln!(out, "      max {max}").ok();
            }
            for question in repeat["questions"]
                .as_array()
                .ok_or("repeat questions must be an array")?
            {
                write_question(&mut out, question, "      ")?;
            }
            writeln!(out, "    }}").ok();
        }
        writeln!(out, "  }}").ok();
    }
    writeln!(out, "}}").ok();
    Ok(out)
}

fn str_of(value: &Value) -> Result<&str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("expected a string, found {value}"))
}

fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

fn write_question(out: &mut String, question: &Value, indent: &str) -> Result<(), String> {
    let ty = str_of(&question["type"])?;
    let keyword = match ty {
        "text" if question["multiline"].as_bool() == Some(true) => "long_text",
        "text" => "text",
        "integer" => "integer",
        "date" => "date",
        "select_one" => "choice",
        "select_multiple" => "multi_choice",
        other => return Err(format!("unknown question type {other}")),
    };
    let id = str_of(&question["id"])?;
    let mut attributes: Vec<String> = Vec::new();
    if question["required"].as_bool() == Some(true) {
        attributes.push("required".into());
    }
    if let Some(max_length) = question.get("max_length") {
        attributes.push(format!("max_length {max_length}"));
    }
    if let Some(pattern) = question.get("pattern") {
        attributes.push(format!("pattern {}", quote(str_of(pattern)?)));
    }
    match ty {
        "integer" => {
            if let Some(min) = question.get("min") {
                attributes.push(format!("min {min}"));
            }
            if let Some(max) = question.get("max") {
                attributes.push(format!("max {max}"));
            }
        }
        "date" => {
            if let Some(min) = question.get("min") {
                attributes.push(format!("not_before {}", str_of(min)?));
            }
            if let Some(max) = question.get("max") {
                attributes.push(format!("not_after {}", str_of(max)?));
            }
        }
        _ => {}
    }
    if let Some(min) = question.get("min_selected") {
        attributes.push(format!("min_selected {min}"));
    }
    if let Some(max) = question.get("max_selected") {
        attributes.push(format!("max_selected {max}"));
    }
    if let Some(rule) = question.get("relevant") {
        attributes.push(format!("visible when {}", expression(rule)?));
    }
    let from = match question.get("choices") {
        Some(list) => format!(" from {}", str_of(list)?),
        None => String::new(),
    };
    let label = quote(str_of(&question["label"])?);
    if attributes.is_empty() {
        writeln!(out, "{indent}{keyword} {id} {label}{from}").ok();
    } else {
        writeln!(
            out,
            "{indent}{keyword} {id} {label}{from} {{ {} }}",
            attributes.join("  ")
        )
        .ok();
    }
    Ok(())
}

fn expression(rule: &Value) -> Result<String, String> {
    let op = str_of(&rule["op"])?;
    let operand = |value: &Value| -> Result<String, String> {
        Ok(match value {
            Value::String(text) => quote(text),
            Value::Number(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            other => return Err(format!("unsupported value {other}")),
        })
    };
    Ok(match op {
        "any" | "all" => {
            let joiner = if op == "any" { " or " } else { " and " };
            let parts: Result<Vec<String>, String> = rule["of"]
                .as_array()
                .ok_or("`of` must be an array")?
                .iter()
                .map(expression)
                .collect();
            format!("({})", parts?.join(joiner))
        }
        "selected" => format!("{} in {}", operand(&rule["value"])?, str_of(&rule["q"])?),
        _ => {
            let symbol = match op {
                "eq" => "=",
                "ne" => "!=",
                "gt" => ">",
                "ge" => ">=",
                "lt" => "<",
                "le" => "<=",
                other => return Err(format!("unknown operator {other}")),
            };
            format!(
                "{} {symbol} {}",
                str_of(&rule["q"])?,
                operand(&rule["value"])?
            )
        }
    })
}
