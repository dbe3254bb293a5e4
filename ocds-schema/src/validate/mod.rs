//! Validation of releases, release packages and record packages, offline.
//!
//! The official 1.1.5 schemas (draft 4, `date-time` and `uri` formats checked) are patched with
//! the configured extensions plus those a package declares, taken from the local copies in
//! [`crate::schema`]. Checks the schema cannot express follow ([`ValidationError::rule`] names
//! them): `ocidPrefix`, `uniqueReleaseId`, `referenceInParties`, `partyRole`,
//! `nonNegativeAmount`, `periodOrder`.
//!
//! ```
//! use ocds_schema::validate::Validator;
//! use serde_json::json;
//!
//! let validator = Validator::new(&["bid"], Some("ocds-213czf-"))?;
//! let errors = validator.validate_release(&json!({"ocid": "ocds-213czf-1", "id": "1", "date": "yesterday",
//!                                                 "tag": ["tender"], "initiationType": "tender"}));
//! assert_eq!(errors.len(), 1);
//! assert_eq!(errors[0].pointer, "/date");
//! assert_eq!(errors[0].rule, "format");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod additional;
mod checks;
mod schemas;
mod stream;

pub use stream::ReleaseStream;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::schema::{self, SchemaError};
use schemas::{Kind, Schemas};

/// One problem found, located by a JSON pointer into the validated document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationError {
    /// JSON pointer (RFC 6901) of the offending value (for a missing field: where it should be).
    pub pointer: String,
    /// The rule broken: a JSON Schema keyword (`required`, `format`, `enum`...) or an extra check.
    pub rule: String,
    /// A plain-language message.
    pub message: String,
}

/// Errors plus warnings (problems that do not make the data invalid).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Problems that make the data invalid.
    pub errors: Vec<ValidationError>,
    /// Problems worth fixing that do not make the data invalid (e.g. an unknown extension).
    pub warnings: Vec<ValidationError>,
}

/// Validates OCDS documents; cheap to share, compiled schemas are cached per extension set.
pub struct Validator {
    extensions: Vec<String>,
    ocid_prefix: Option<String>,
    cache: Mutex<HashMap<Vec<&'static str>, Arc<Schemas>>>,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validator")
            .field("extensions", &self.extensions)
            .field("ocid_prefix", &self.ocid_prefix)
            .finish()
    }
}

impl Validator {
    /// A validator that always applies `extensions` (ids or URLs) and, if given, checks the ocid prefix.
    pub fn new<S: AsRef<str>>(
        extensions: &[S],
        ocid_prefix: Option<&str>,
    ) -> Result<Self, SchemaError> {
        schema::resolve_extensions(extensions)?;
        let validator = Self {
            extensions: extensions.iter().map(|e| e.as_ref().to_owned()).collect(),
            ocid_prefix: ocid_prefix.map(str::to_owned),
            cache: Mutex::new(HashMap::new()),
        };
        validator.schemas(&[], &mut Vec::new())?;
        Ok(validator)
    }

    /// Errors in a single release.
    pub fn validate_release(&self, release: &Value) -> Vec<ValidationError> {
        self.check_release(release).errors
    }

    /// Errors in a release package (its declared extensions are applied).
    pub fn validate_release_package(&self, package: &Value) -> Vec<ValidationError> {
        self.check_release_package(package).errors
    }

    /// Errors in a record package (its declared extensions are applied).
    pub fn validate_record_package(&self, package: &Value) -> Vec<ValidationError> {
        self.check_record_package(package).errors
    }

    /// Errors and warnings in a single release.
    pub fn check_release(&self, release: &Value) -> Report {
        let mut report = Report::default();
        if let Some(schemas) = self.schemas_or_report(&[], &mut report) {
            report
                .errors
                .extend(schemas.errors(Kind::Release, release, ""));
            additional::warn(
                &schemas.release_schema,
                &schemas.release_schema,
                release,
                "",
                &mut report.warnings,
            );
        }
        let roles = checks::party_roles(std::iter::once(release));
        checks::release(
            release,
            "",
            self.ocid_prefix.as_deref(),
            roles.as_ref(),
            &mut report.errors,
        );
        report
    }

    /// A checker for a stream of releases (e.g. JSON Lines): ids must be unique within an ocid,
    /// and references may point at parties declared by earlier releases of the same ocid.
    pub fn stream(&self) -> ReleaseStream<'_> {
        ReleaseStream {
            validator: self,
            ids: HashSet::new(),
            parties: HashMap::new(),
        }
    }

    /// Errors and warnings in a release package.
    pub fn check_release_package(&self, package: &Value) -> Report {
        let mut report = Report::default();
        let schemas = self.schemas_or_report(&declared(package), &mut report);
        if let Some(schemas) = &schemas {
            report.errors.extend(schemas.package_shell_errors(package));
            let package_schema = &schemas.release_package_schema;
            additional::warn(
                package_schema,
                package_schema,
                package,
                "",
                &mut report.warnings,
            );
        }
        let releases = package
            .get("releases")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let roles = by_ocid(releases.iter());
        let prefix = self.ocid_prefix.as_deref();
        // Releases are checked independently, on every core; results are kept in order.
        let checked: Vec<ReleaseChecks> = releases
            .par_iter()
            .enumerate()
            .map(|(i, release)| {
                let pointer = format!("/releases/{i}");
                let mut checked = ReleaseChecks::default();
                if let Some(schemas) = &schemas {
                    checked.schema = schemas.errors(Kind::Release, release, &pointer);
                    let schema = &schemas.release_schema;
                    additional::warn(schema, schema, release, &pointer, &mut checked.warnings);
                }
                let ocid = release
                    .get("ocid")
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                let group = roles.get(ocid).and_then(Option::as_ref);
                checks::release(release, &pointer, prefix, group, &mut checked.rules);
                checked
            })
            .collect();
        for release in &checked {
            report.errors.extend_from_slice(&release.schema);
            report.warnings.extend_from_slice(&release.warnings);
        }
        for release in checked {
            report.errors.extend(release.rules);
        }
        checks::unique_ids(
            releases
                .iter()
                .enumerate()
                .map(|(i, r)| (format!("/releases/{i}"), r)),
            &mut report.errors,
        );
        report
    }

    /// Errors and warnings in a record package (embedded releases and compiled releases are checked too).
    pub fn check_record_package(&self, package: &Value) -> Report {
        let mut report = Report::default();
        if let Some(schemas) = self.schemas_or_report(&declared(package), &mut report) {
            report
                .errors
                .extend(schemas.errors(Kind::RecordPackage, package, ""));
            let package_schema = &schemas.record_package_schema;
            additional::warn(
                package_schema,
                package_schema,
                package,
                "",
                &mut report.warnings,
            );
            let schema = &schemas.release_schema;
            for (i, record) in package
                .get("records")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                for (j, release) in record
                    .get("releases")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if release.get("ocid").is_some() {
                        additional::warn(
                            schema,
                            schema,
                            release,
                            &format!("/records/{i}/releases/{j}"),
                            &mut report.warnings,
                        );
                    }
                }
                if let Some(compiled) = record.get("compiledRelease") {
                    additional::warn(
                        schema,
                        schema,
                        compiled,
                        &format!("/records/{i}/compiledRelease"),
                        &mut report.warnings,
                    );
                }
            }
        }
        let records = package
            .get("records")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let prefix = self.ocid_prefix.as_deref();
        for (i, record) in records.iter().enumerate() {
            let releases = record
                .get("releases")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let embedded = releases
                .iter()
                .enumerate()
                .filter(|(_, r)| r.get("ocid").is_some());
            let roles = checks::party_roles(embedded.clone().map(|(_, r)| r));
            for (j, release) in embedded.clone() {
                checks::release(
                    release,
                    &format!("/records/{i}/releases/{j}"),
                    prefix,
                    roles.as_ref(),
                    &mut report.errors,
                );
            }
            checks::unique_ids(
                embedded.map(|(j, r)| (format!("/records/{i}/releases/{j}"), r)),
                &mut report.errors,
            );
            if let Some(compiled) = record.get("compiledRelease") {
                let roles = checks::party_roles(std::iter::once(compiled));
                checks::release(
                    compiled,
                    &format!("/records/{i}/compiledRelease"),
                    prefix,
                    roles.as_ref(),
                    &mut report.errors,
                );
            }
        }
        report
    }

    /// Checks any document: a release package, record package, release or record.
    pub fn check(&self, document: &Value) -> Report {
        if document.get("releases").is_some() && document.get("ocid").is_none() {
            self.check_release_package(document)
        } else if document.get("records").is_some() {
            self.check_record_package(document)
        } else if document.get("ocid").is_some() {
            self.check_release(document)
        } else {
            let message = "not an OCDS release, release package or record package (no ocid, releases or records)";
            Report {
                errors: vec![ValidationError {
                    pointer: String::new(),
                    rule: "documentType".to_owned(),
                    message: message.to_owned(),
                }],
                warnings: Vec::new(),
            }
        }
    }

    fn schemas_or_report(&self, declared: &[String], report: &mut Report) -> Option<Arc<Schemas>> {
        match self.schemas(declared, &mut report.warnings) {
            Ok(schemas) => Some(schemas),
            Err(error) => {
                report.errors.push(ValidationError {
                    pointer: String::new(),
                    rule: "schema".to_owned(),
                    message: error.to_string(),
                });
                None
            }
        }
    }

    /// The compiled schemas for the configured plus `declared` extensions (unknown ones are warned about).
    fn schemas(
        &self,
        declared: &[String],
        warnings: &mut Vec<ValidationError>,
    ) -> Result<Arc<Schemas>, SchemaError> {
        let mut ids: Vec<&'static str> = Vec::new();
        for id in self.extensions.iter() {
            ids.extend(schema::find_extension(id).map(|e| e.id));
        }
        for (i, url) in declared.iter().enumerate() {
            match schema::find_extension(url) {
                Some(extension) => ids.push(extension.id),
                None => warnings.push(ValidationError {
                    pointer: format!("/extensions/{i}"),
                    rule: "unknownExtension".to_owned(),
                    message: format!("no local copy of extension {url}: its fields are checked as core fields only"),
                }),
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let mut cache = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(schemas) = cache.get(&ids) {
            return Ok(Arc::clone(schemas));
        }
        let extensions = schema::resolve_extensions(&ids)?;
        let schemas = Arc::new(Schemas::build(&extensions)?);
        cache.insert(ids, Arc::clone(&schemas));
        Ok(schemas)
    }
}

/// Party roles per ocid (`None` for an ocid none of whose releases has `parties`).
/// What [`Validator::check_release_package`] finds in one release.
#[derive(Default)]
struct ReleaseChecks {
    schema: Vec<ValidationError>,
    warnings: Vec<ValidationError>,
    rules: Vec<ValidationError>,
}

fn by_ocid<'a>(
    releases: impl Iterator<Item = &'a Value> + Clone,
) -> HashMap<&'a str, Option<checks::PartyRoles<'a>>> {
    let mut groups: HashMap<&str, Vec<&Value>> = HashMap::new();
    for release in releases {
        groups
            .entry(
                release
                    .get("ocid")
                    .and_then(Value::as_str)
                    .unwrap_or_default(),
            )
            .or_default()
            .push(release);
    }
    groups
        .into_iter()
        .map(|(ocid, releases)| (ocid, checks::party_roles(releases.into_iter())))
        .collect()
}

/// The extension URLs a package declares.
fn declared(package: &Value) -> Vec<String> {
    let urls = package
        .get("extensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    urls.filter_map(Value::as_str).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests;
