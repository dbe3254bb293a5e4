//! Compiled JSON Schema validators (draft 4) for one set of extensions, fully offline.

use jsonschema::{Draft, Retrieve, Uri};
use serde_json::Value;

use super::ValidationError;
use crate::schema::{self, Extension, SchemaError, SchemaKind};

/// The three validators for one extension set.
pub(super) struct Schemas {
    /// The patched release schema, for the additional-field warnings.
    pub release_schema: Value,
    /// The patched package schemas' top-level properties.
    pub release_package_schema: Value,
    /// The patched record package schema.
    pub record_package_schema: Value,
    release: jsonschema::Validator,
    /// The release package schema without its `releases` items' schema: the package around
    /// its releases, which are checked one by one (in parallel) against `release`.
    release_package_shell: jsonschema::Validator,
    record_package: jsonschema::Validator,
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Release,
    RecordPackage,
}

/// Serves the patched schemas for their official URLs; refuses everything else.
struct LocalSchemas {
    release: Value,
    versioned: Value,
}

impl Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let uri = uri.as_str();
        let file = uri.strip_prefix(schema::SCHEMA_BASE_URL).unwrap_or(uri);
        match file {
            "release-schema.json" => Ok(self.release.clone()),
            "versioned-release-validation-schema.json" => Ok(self.versioned.clone()),
            _ => Err(format!("{uri} is not stored locally (no network access)").into()),
        }
    }
}

impl Schemas {
    /// Builds the validators with the extensions' patches applied.
    pub fn build(extensions: &[&Extension]) -> Result<Self, SchemaError> {
        let release = schema::patched_schema(SchemaKind::Release, extensions)?;
        let mut versioned: Value = serde_json::from_str(schema::VERSIONED_RELEASE_SCHEMA)?;
        if extensions
            .iter()
            .any(|e| e.id == "partyDetails_scale" || e.id == "organizationClassification")
        {
            // The core versioned schema versions `details` as one value, but the reference merges
            // (and ours) version its sub-fields once an extension gives it properties.
            if let Some(details) =
                versioned.pointer_mut("/definitions/Organization/properties/details")
            {
                *details = serde_json::json!({"type": ["array", "object", "null"]});
            }
        }
        let local = || LocalSchemas {
            release: release.clone(),
            versioned: versioned.clone(),
        };
        let build = |root: &Value| -> Result<jsonschema::Validator, SchemaError> {
            jsonschema::options()
                .with_draft(Draft::Draft4)
                .should_validate_formats(true)
                .with_retriever(local())
                .build(root)
                .map_err(|e| SchemaError::Build(e.to_string()))
        };
        let release_package_schema =
            schema::patched_schema(SchemaKind::ReleasePackage, extensions)?;
        let record_package_schema = schema::patched_schema(SchemaKind::RecordPackage, extensions)?;
        let mut shell = release_package_schema.clone();
        let items = shell
            .pointer_mut("/properties/releases")
            .and_then(Value::as_object_mut)
            .and_then(|releases| releases.remove("items"));
        if items.is_none() {
            return Err(SchemaError::Build(
                "the release package schema has no releases items to check one by one".to_owned(),
            ));
        }
        Ok(Self {
            release: build(&release)?,
            release_package_shell: build(&shell)?,
            record_package: build(&record_package_schema)?,
            release_schema: release,
            release_package_schema,
            record_package_schema,
        })
    }

    /// Schema errors of `document`, each with its JSON pointer.
    pub fn errors(&self, kind: Kind, document: &Value, prefix: &str) -> Vec<ValidationError> {
        let validator = match kind {
            Kind::Release => &self.release,
            Kind::RecordPackage => &self.record_package,
        };
        validator
            .iter_errors(document)
            .map(|error| convert(&error, prefix))
            .collect()
    }
}

impl Schemas {
    /// Schema errors of a release package apart from its releases (each of which
    /// [`Schemas::errors`] checks as a [`Kind::Release`] at `/releases/{i}`): together they
    /// are the errors of the whole package.
    pub fn package_shell_errors(&self, package: &Value) -> Vec<ValidationError> {
        self.release_package_shell
            .iter_errors(package)
            .map(|error| convert(&error, ""))
            .collect()
    }
}

fn convert(error: &jsonschema::ValidationError<'_>, prefix: &str) -> ValidationError {
    let mut pointer = format!("{prefix}{}", error.instance_path().as_str());
    let rule = error.kind().keyword().to_owned();
    if let jsonschema::error::ValidationErrorKind::Required { property } = error.kind()
        && let Some(property) = property.as_str()
    {
        pointer.push('/');
        pointer.push_str(&property.replace('~', "~0").replace('/', "~1"));
    }
    let mut message = error.to_string();
    if message.chars().count() > 300 {
        message = message.chars().take(300).collect::<String>() + "…";
    }
    ValidationError {
        pointer,
        rule,
        message,
    }
}
