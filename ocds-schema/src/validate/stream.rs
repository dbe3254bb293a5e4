//! Validation of a stream of releases (JSON Lines), keeping ids and parties per ocid.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::schemas::Kind;
use super::{Report, ValidationError, Validator, checks};

/// State of [`Validator::stream`]: release ids and party roles seen so far, per ocid.
#[derive(Debug)]
pub struct ReleaseStream<'v> {
    pub(super) validator: &'v Validator,
    pub(super) ids: HashSet<(String, String)>,
    pub(super) parties: HashMap<String, HashMap<String, Vec<String>>>,
}

impl ReleaseStream<'_> {
    /// Errors and warnings of the next release of the stream.
    pub fn check(&mut self, release: &Value) -> Report {
        let mut report = Report::default();
        if let Some(schemas) = self.validator.schemas_or_report(&[], &mut report) {
            report
                .errors
                .extend(schemas.errors(Kind::Release, release, ""));
            super::additional::warn(
                &schemas.release_schema,
                &schemas.release_schema,
                release,
                "",
                &mut report.warnings,
            );
        }
        let ocid = release
            .get("ocid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if let Some(id) = release.get("id").and_then(Value::as_str)
            && !self.ids.insert((ocid.to_owned(), id.to_owned()))
        {
            report.errors.push(ValidationError {
                pointer: "/id".to_owned(),
                rule: "uniqueReleaseId".to_owned(),
                message: format!(
                    "release id {id:?} is used by an earlier release of ocid {ocid:?}"
                ),
            });
        }
        if let Some(roles) = checks::party_roles(std::iter::once(release)) {
            let known = self.parties.entry(ocid.to_owned()).or_default();
            for (id, party_roles) in roles {
                known
                    .entry(id.to_owned())
                    .or_default()
                    .extend(party_roles.into_iter().map(str::to_owned));
            }
        }
        let roles: Option<checks::PartyRoles<'_>> = self.parties.get(ocid).map(|known| {
            known
                .iter()
                .map(|(id, roles)| (id.as_str(), roles.iter().map(String::as_str).collect()))
                .collect()
        });
        checks::release(
            release,
            "",
            self.validator.ocid_prefix.as_deref(),
            roles.as_ref(),
            &mut report.errors,
        );
        report
    }
}
