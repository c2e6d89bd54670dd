//! Loading and saving `form.json`, with a check of its format version.

use crate::{FORMAT_VERSION, Form};

/// Why a `form.json` could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The text is not JSON, or not the shape of a compiled form.
    #[error("form.json is not a valid compiled form: {0}")]
    Json(#[from] serde_json::Error),
    /// The text is not a JSON object, as every compiled form is.
    #[error("form.json is not a valid compiled form: it is not a JSON object (`{{ ... }}`)")]
    NotAnObject,
    /// The JSON has no `format_version` number.
    #[error("form.json has no format_version; it was not written by the SEND form compiler")]
    MissingFormatVersion,
    /// The form was compiled by a different version of the compiler.
    #[error(
        "form.json has format version {found}, but this runtime reads version {supported}; \
         compile the form again with a matching `sendform build`"
    )]
    UnsupportedFormatVersion {
        /// The version found in the file.
        found: u64,
        /// The version this crate reads.
        supported: u32,
    },
}

impl Form {
    /// Loads a compiled form from the text of a `form.json`.
    ///
    /// The format version is checked before anything else, so that a form compiled by an
    /// incompatible compiler gets a clear error rather than a confusing field error.
    pub fn from_json(json: &str) -> Result<Form, LoadError> {
        #[derive(serde::Deserialize)]
        struct Header {
            format_version: Option<serde_json::Value>,
        }
        if !json.trim_start().starts_with('{') {
            return Err(LoadError::NotAnObject);
        }
        let header: Header = serde_json::from_str(json)?;
        let found = header
            .format_version
            .ok_or(LoadError::MissingFormatVersion)?
            .as_u64()
            .ok_or(LoadError::MissingFormatVersion)?;
        if found != u64::from(FORMAT_VERSION) {
            return Err(LoadError::UnsupportedFormatVersion {
                found,
                supported: FORMAT_VERSION,
            });
        }
        Ok(serde_json::from_str(json)?)
    }

    /// The JSON Schema (draft 2020-12) of `form.json`, generated from these types; checked into
    /// the repository as `docs/form.schema.json` so that other services can validate stored
    /// forms without this crate.
    pub fn json_schema() -> serde_json::Value {
        let mut schema = serde_json::to_value(schemars::schema_for!(Form)).unwrap_or_default();
        if let Some(object) = schema.as_object_mut() {
            object.insert(
                "$id".into(),
                format!("https://send-forms.invalid/schemas/form/v{FORMAT_VERSION}.json").into(),
            );
            object.insert(
                "description".into(),
                "A compiled SEND form (form.json), as written by `sendform build`.".into(),
            );
        }
        schema
    }

    /// The form as the pretty-printed text of a `form.json`.
    pub fn to_json(&self) -> String {
        // A `Form` holds only strings, numbers, booleans, lists and maps with string keys,
        // so serialisation cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
