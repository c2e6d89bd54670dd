//! Accessible HTML pages of a form, following the GOV.UK Design System: a task list of the
//! sections with their progress, one page per section, a "Check your answers" page, and a
//! page with every section for a blank form.
//!
//! Pages are rendered by minijinja templates embedded in the crate, with HTML escaping forced
//! on for every template whatever its name. A report builder or local authority may replace
//! any template by name ([`HtmlRenderer::set_template`]); the components receive the options
//! described in [`params`].
//!
//! What a page shows depends on the audience: a part the audience may not see is not in the
//! page at all, not even in attributes or scripts, and a part it may not change is shown read
//! only. Without JavaScript every conditional question is shown with its condition in its
//! hint; with JavaScript, questions show and hide as answers change, by the same rules as the
//! runtime (see `assets/sendform.js`).

pub mod params;
mod post;
mod view;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use form_runtime::{Audience, Date, ValidationError, Validator};
use serde_json::Value;

pub use crate::words::describe_rule;
pub use post::{ACTION_FIELD, Action, Posted, read_post};

/// The stylesheet pages link to: GOV.UK Frontend compiled for a council service (Arial).
pub const GOVUK_CSS: &str = include_str!("../../assets/govuk-frontend.min.css");
/// GOV.UK Frontend's script, a module.
pub const GOVUK_JS: &str = include_str!("../../assets/govuk-frontend.min.js");
/// The module pages load: imports GOV.UK Frontend from beside it and starts its components.
/// A file, not an inline script, so a page's asset path is never written into script text,
/// where HTML escaping would break it.
pub const GOVUK_INIT_JS: &str = include_str!("../../assets/govuk-init.js");
/// Our script: shows and hides conditional questions as answers change, by the runtime's
/// rules, and adds and removes block entries without a round trip.
pub const SENDFORM_JS: &str = include_str!("../../assets/sendform.js");
/// GOV.UK Frontend's licence, to ship beside the assets.
pub const GOVUK_LICENSE: &str = include_str!("../../assets/LICENSE-govuk-frontend.txt");

/// The asset files a page links to, by the name it uses under [`PageOptions::assets`].
pub const ASSETS: [(&str, &str); 5] = [
    ("govuk-frontend.min.css", GOVUK_CSS),
    ("govuk-frontend.min.js", GOVUK_JS),
    ("govuk-init.js", GOVUK_INIT_JS),
    ("sendform.js", SENDFORM_JS),
    ("LICENSE-govuk-frontend.txt", GOVUK_LICENSE),
];

/// The embedded templates, by name.
const TEMPLATES: [(&str, &str); 15] = [
    (
        "components/parts.html",
        include_str!("../../templates/components/parts.html"),
    ),
    (
        "components/input.html",
        include_str!("../../templates/components/input.html"),
    ),
    (
        "components/textarea.html",
        include_str!("../../templates/components/textarea.html"),
    ),
    (
        "components/character-count.html",
        include_str!("../../templates/components/character-count.html"),
    ),
    (
        "components/choices.html",
        include_str!("../../templates/components/choices.html"),
    ),
    (
        "components/date-input.html",
        include_str!("../../templates/components/date-input.html"),
    ),
    (
        "components/select.html",
        include_str!("../../templates/components/select.html"),
    ),
    (
        "components/file-upload.html",
        include_str!("../../templates/components/file-upload.html"),
    ),
    (
        "components/error-summary.html",
        include_str!("../../templates/components/error-summary.html"),
    ),
    (
        "components/summary-list.html",
        include_str!("../../templates/components/summary-list.html"),
    ),
    (
        "components/task-list.html",
        include_str!("../../templates/components/task-list.html"),
    ),
    ("layout.html", include_str!("../../templates/layout.html")),
    (
        "elements.html",
        include_str!("../../templates/elements.html"),
    ),
    ("section.html", include_str!("../../templates/section.html")),
    ("pages.html", include_str!("../../templates/pages.html")),
];

/// The components a page is made of, each a macro of the same name (with `_` for `-`) in
/// `components/<name>.html`; radios and checkboxes are in `components/choices.html`.
pub const COMPONENTS: [&str; 11] = [
    "input",
    "textarea",
    "character-count",
    "radios",
    "checkboxes",
    "date-input",
    "select",
    "file-upload",
    "error-summary",
    "summary-list",
    "task-list",
];

/// What went wrong rendering a page.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    /// A template failed to parse or to render (an overridden one, most likely).
    #[error("template {name}: {source}")]
    Template {
        /// The template's name.
        name: String,
        /// What minijinja said.
        #[source]
        source: minijinja::Error,
    },
    /// The form has no section with this id, or none the audience may see.
    #[error("no section `{0}` for this audience")]
    UnknownSection(String),
    /// No such component.
    #[error("no component `{0}`")]
    UnknownComponent(String),
    /// The form is not published to the audience the page is for (`Form::audiences`).
    #[error("the form is not published to the `{0}` audience")]
    NotPublished(form_runtime::Audience),
}

/// Refuses a page for an audience the form is not published to: it would show none of the
/// form, or a form not meant for them.
fn published(validator: &Validator, options: &PageOptions<'_>) -> Result<(), HtmlError> {
    if validator.form().audiences.contains(&options.audience) {
        Ok(())
    } else {
        Err(HtmlError::NotPublished(options.audience))
    }
}

/// Where a page's links go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    /// Put before a page's name (`<section id>`, `index` or `check-answers`).
    pub prefix: String,
    /// Put after it, such as `.html` for files.
    pub suffix: String,
}

impl Links {
    /// The address of page `name`.
    pub fn page(&self, name: &str) -> String {
        format!("{}{}{}", self.prefix, name, self.suffix)
    }
}

impl Default for Links {
    /// Files beside each other: `about-you.html`.
    fn default() -> Links {
        Links {
            prefix: String::new(),
            suffix: ".html".to_owned(),
        }
    }
}

/// What a page is rendered for.
#[derive(Debug, Clone)]
pub struct PageOptions<'a> {
    /// Who the page is for: nothing they may not see is in it.
    pub audience: Audience,
    /// The date rules are evaluated on.
    pub today: Date,
    /// The record's answers so far (an empty object for a blank form).
    pub answers: &'a Value,
    /// Errors to show, inline and in the summary: usually the runtime's for `answers`.
    pub errors: &'a [ValidationError],
    /// Where the assets are, such as `/assets` or `assets`.
    pub assets: &'a str,
    /// Where the links between pages go.
    pub links: Links,
    /// The service name in the header, such as "Anytown SEND services".
    pub service_name: &'a str,
}

impl<'a> PageOptions<'a> {
    /// Options for a blank form for `audience`, with files beside each other.
    pub fn new(audience: Audience, today: Date, answers: &'a Value) -> PageOptions<'a> {
        PageOptions {
            audience,
            today,
            answers,
            errors: &[],
            assets: "assets",
            links: Links::default(),
            service_name: "SEND services",
        }
    }
}

/// Renders a form's pages; prepare one and use it for every page.
#[derive(Debug)]
pub struct HtmlRenderer {
    env: Environment<'static>,
}

impl Default for HtmlRenderer {
    fn default() -> HtmlRenderer {
        HtmlRenderer::new()
    }
}

impl HtmlRenderer {
    /// A renderer with the embedded templates.
    pub fn new() -> HtmlRenderer {
        let mut env = Environment::new();
        // Every template escapes HTML, whatever its name: minijinja's default escapes only
        // names ending .html, .htm or .xml.
        env.set_auto_escape_callback(|_| AutoEscape::Html);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        // JSON for a <script type="application/json">: `<`, `>` and `&` as \u escapes, so
        // that no answer can close the script element.
        env.add_filter("safe_json", |json: String| {
            minijinja::Value::from_safe_string(
                json.replace('<', "\\u003c")
                    .replace('>', "\\u003e")
                    .replace('&', "\\u0026")
                    .replace('\u{2028}', "\\u2028")
                    .replace('\u{2029}', "\\u2029"),
            )
        });
        env.add_function("form_group_class", form_group_class);
        env.add_function("described_by", described_by);
        for (name, source) in TEMPLATES {
            // The embedded templates parse (tested); a failure would show on first render.
            let _ = env.add_template(name, source);
        }
        HtmlRenderer { env }
    }

    /// Makes any use of an undefined value an error, to catch mistakes in templates (the
    /// tests render every page this way).
    pub fn strict(mut self) -> HtmlRenderer {
        self.env.set_undefined_behavior(UndefinedBehavior::Strict);
        self
    }

    /// Replaces the template `name` (one of the embedded names, such as `layout.html` or
    /// `components/input.html`) with `source`.
    pub fn set_template(&mut self, name: &str, source: &str) -> Result<(), HtmlError> {
        self.env
            .add_template_owned(name.to_owned(), source.to_owned())
            .map_err(|source| HtmlError::Template {
                name: name.to_owned(),
                source,
            })
    }

    /// The names of the templates that may be replaced.
    pub fn template_names() -> impl Iterator<Item = &'static str> {
        TEMPLATES.iter().map(|(name, _)| *name)
    }

    /// Renders one component, such as `input`, with its options (see [`params`]).
    pub fn component(&self, name: &str, params: &impl Serialize) -> Result<String, HtmlError> {
        if !COMPONENTS.contains(&name) {
            return Err(HtmlError::UnknownComponent(name.to_owned()));
        }
        let file = match name {
            "radios" | "checkboxes" => "choices",
            other => other,
        };
        let source = format!(
            "{{% from \"components/{file}.html\" import {macro_name} %}}{{{{ {macro_name}(params) }}}}",
            macro_name = name.replace('-', "_")
        );
        self.env
            .render_named_str("component.html", &source, minijinja::context! { params })
            .map_err(|source| HtmlError::Template {
                name: format!("components/{file}.html"),
                source,
            })
    }

    fn render(&self, name: &str, context: &impl Serialize) -> Result<String, HtmlError> {
        let wrap = |source| HtmlError::Template {
            name: name.to_owned(),
            source,
        };
        let template = self.env.get_template(name).map_err(wrap)?;
        template
            .render(minijinja::context! { page => context })
            .map_err(wrap)
    }

    /// The task list: every section the audience sees, with its progress.
    pub fn task_list(
        &self,
        validator: &Validator,
        options: &PageOptions<'_>,
    ) -> Result<String, HtmlError> {
        published(validator, options)?;
        self.render("pages.html", &view::task_list(validator, options))
    }

    /// One section's page, with the answers and errors of `options`.
    pub fn section(
        &self,
        validator: &Validator,
        section: &str,
        options: &PageOptions<'_>,
    ) -> Result<String, HtmlError> {
        published(validator, options)?;
        let page = view::section_page(validator, section, options)
            .ok_or_else(|| HtmlError::UnknownSection(section.to_owned()))?;
        self.render("pages.html", &page)
    }

    /// "Check your answers": every shown section's answers with links to change them.
    pub fn check_answers(
        &self,
        validator: &Validator,
        options: &PageOptions<'_>,
    ) -> Result<String, HtmlError> {
        published(validator, options)?;
        self.render("pages.html", &view::check_answers(validator, options))
    }

    /// Every section on one page: the whole form, for a look at it or to fill in one go.
    pub fn whole_form(
        &self,
        validator: &Validator,
        options: &PageOptions<'_>,
    ) -> Result<String, HtmlError> {
        published(validator, options)?;
        self.render("pages.html", &view::whole_form(validator, options))
    }

    /// The rules model that pages give `sendform.js`, for every section the audience sees:
    /// what the script's `visibility` needs to say what the runtime says.
    pub fn rules_model(validator: &Validator, options: &PageOptions<'_>) -> Value {
        view::rules_model(validator, options)
    }

    /// Every page of the form: `index` (the task list), one per section the audience sees,
    /// and `check-answers`; named as [`Links::page`] names them, without prefix or suffix.
    pub fn pages(
        &self,
        validator: &Validator,
        options: &PageOptions<'_>,
    ) -> Result<Vec<(String, String)>, HtmlError> {
        let mut pages = vec![("index".to_owned(), self.task_list(validator, options)?)];
        for section in crate::reach::seen_sections(validator.form(), options.audience) {
            pages.push((
                section.id.clone(),
                self.section(validator, &section.id, options)?,
            ));
        }
        pages.push((
            "check-answers".to_owned(),
            self.check_answers(validator, options)?,
        ));
        Ok(pages)
    }
}

/// A component option by name, undefined when absent (so templates' tests still work).
fn option(params: &minijinja::Value, name: &str) -> minijinja::Value {
    params.get_attr(name).unwrap_or_default()
}

/// The template function `form_group_class(params)`: a component's form group classes, with
/// the error modifier when it shows an error and `formGroup.classes` last.
fn form_group_class(params: &minijinja::Value) -> String {
    let mut classes = "govuk-form-group".to_owned();
    if option(params, "errorMessage").is_true() {
        classes.push_str(" govuk-form-group--error");
    }
    let extra = option(&option(params, "formGroup"), "classes");
    if extra.is_true() {
        classes.push(' ');
        classes.push_str(&extra.to_string());
    }
    classes
}

/// The template function `described_by(params, id)`: the ids that describe a control, for
/// `aria-describedby`: those the options give (`describedBy`), its hint's, its error's.
fn described_by(params: &minijinja::Value, id: &str) -> String {
    let given = option(params, "describedBy");
    let mut ids: Vec<String> = Vec::new();
    if given.is_true() {
        ids.push(given.to_string());
    }
    if option(params, "hint").is_true() {
        ids.push(format!("{id}-hint"));
    }
    if option(params, "errorMessage").is_true() {
        ids.push(format!("{id}-error"));
    }
    ids.join(" ")
}
