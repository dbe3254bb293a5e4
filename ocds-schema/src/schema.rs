//! The embedded OCDS 1.1.5 schemas and the local copies of the extensions, patched together.
//!
//! Everything here is compiled into the binary (`include_str!`), so validation and merging never
//! touch the network. Extensions are applied as JSON Merge Patches (RFC 7386), with `null`s
//! removed from each patch first, as `ocdsextensionregistry`'s `ProfileBuilder` does.

use serde_json::{Map, Value};

/// URL prefix of the official 1.1.5 schemas (their `id`s and cross-file `$ref`s use it).
pub const SCHEMA_BASE_URL: &str = "https://standard.open-contracting.org/schema/1__1__5/";

/// The official 1.1.5 release schema.
pub const RELEASE_SCHEMA: &str = include_str!("../schema/1.1.5/release-schema.json");
/// The official 1.1.5 release package schema.
pub const RELEASE_PACKAGE_SCHEMA: &str =
    include_str!("../schema/1.1.5/release-package-schema.json");
/// The official 1.1.5 record package schema.
pub const RECORD_PACKAGE_SCHEMA: &str = include_str!("../schema/1.1.5/record-package-schema.json");
/// The official 1.1.5 versioned release validation schema.
pub const VERSIONED_RELEASE_SCHEMA: &str =
    include_str!("../schema/1.1.5/versioned-release-validation-schema.json");

/// Canonical `extension.json` URL of the bid extension.
pub const BID_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json";
/// Canonical `extension.json` URL of the lots extension.
pub const LOTS_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/master/extension.json";
/// Canonical `extension.json` URL of the techniques extension.
pub const TECHNIQUES_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json";
/// Canonical `extension.json` URL of the submission terms extension.
pub const SUBMISSION_TERMS_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_submissionTerms_extension/master/extension.json";
/// Canonical `extension.json` URL of the pagination extension.
pub const PAGINATION_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_pagination_extension/master/extension.json";
/// Canonical `extension.json` URL of the contract suppliers extension.
pub const CONTRACT_SUPPLIERS_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_contract_suppliers_extension/master/extension.json";
/// Canonical `extension.json` URL of the organization classification extension.
pub const ORGANIZATION_CLASSIFICATION_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_organizationClassification_extension/master/extension.json";
/// Canonical `extension.json` URL of the party scale extension.
pub const PARTY_SCALE_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_partyDetails_scale_extension/master/extension.json";
/// Canonical `extension.json` URL of the (superseded) competitive extension.
pub const COMPETITIVE_EXTENSION_URL: &str = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_competitive_extension/master/extension.json";

/// The path under which a Marco deployment serves its own shortlist extension; the package
/// declares it under the deployment's public URL. Any declared URL with the path segment
/// `ocds_marco_shortlist_extension` resolves to it.
pub const SHORTLIST_EXTENSION_PATH: &str =
    "/ocds/extensions/ocds_marco_shortlist_extension/extension.json";
/// The shortlist extension's `extension.json`, as served.
pub const SHORTLIST_EXTENSION_JSON: &str =
    include_str!("../schema/extensions/shortlist/extension.json");
/// The shortlist extension's release schema patch, as served.
pub const SHORTLIST_RELEASE_SCHEMA: &str =
    include_str!("../schema/extensions/shortlist/release-schema.json");

/// The path under which a Marco deployment serves its business-case extension.
pub const BUSINESS_CASE_EXTENSION_PATH: &str =
    "/ocds/extensions/ocds_marco_businessCase_extension/extension.json";
/// The business-case extension's `extension.json`, as served.
pub const BUSINESS_CASE_EXTENSION_JSON: &str =
    include_str!("../schema/extensions/businessCase/extension.json");
/// The business-case extension's release schema patch, as served.
pub const BUSINESS_CASE_RELEASE_SCHEMA: &str =
    include_str!("../schema/extensions/businessCase/release-schema.json");

/// The path under which a Marco deployment serves its milestone-delivery extension.
pub const MILESTONE_DELIVERY_EXTENSION_PATH: &str =
    "/ocds/extensions/ocds_marco_milestoneDelivery_extension/extension.json";
/// The milestone-delivery extension's `extension.json`, as served.
pub const MILESTONE_DELIVERY_EXTENSION_JSON: &str =
    include_str!("../schema/extensions/milestoneDelivery/extension.json");
/// The milestone-delivery extension's release schema patch, as served.
pub const MILESTONE_DELIVERY_RELEASE_SCHEMA: &str =
    include_str!("../schema/extensions/milestoneDelivery/release-schema.json");

/// The path under which a Marco deployment serves its supplier-ratings extension.
pub const SUPPLIER_RATINGS_EXTENSION_PATH: &str =
    "/ocds/extensions/ocds_marco_supplierRatings_extension/extension.json";
/// The supplier-ratings extension's `extension.json`, as served.
pub const SUPPLIER_RATINGS_EXTENSION_JSON: &str =
    include_str!("../schema/extensions/supplierRatings/extension.json");
/// The supplier-ratings extension's release schema patch, as served.
pub const SUPPLIER_RATINGS_RELEASE_SCHEMA: &str =
    include_str!("../schema/extensions/supplierRatings/release-schema.json");

/// The path under which a Marco deployment serves its benefit-reports extension.
pub const BENEFIT_REPORTS_EXTENSION_PATH: &str =
    "/ocds/extensions/ocds_marco_benefitReports_extension/extension.json";
/// The benefit-reports extension's `extension.json`, as served.
pub const BENEFIT_REPORTS_EXTENSION_JSON: &str =
    include_str!("../schema/extensions/benefitReports/extension.json");
/// The benefit-reports extension's release schema patch, as served.
pub const BENEFIT_REPORTS_RELEASE_SCHEMA: &str =
    include_str!("../schema/extensions/benefitReports/release-schema.json");

/// Marco's own extensions, served by every deployment under `/ocds/extensions/{repo}/`:
/// (repository name, `extension.json`, release schema patch).
pub const MARCO_OWN_EXTENSIONS: &[(&str, &str, &str)] = &[
    (
        "ocds_marco_shortlist_extension",
        SHORTLIST_EXTENSION_JSON,
        SHORTLIST_RELEASE_SCHEMA,
    ),
    (
        "ocds_marco_businessCase_extension",
        BUSINESS_CASE_EXTENSION_JSON,
        BUSINESS_CASE_RELEASE_SCHEMA,
    ),
    (
        "ocds_marco_milestoneDelivery_extension",
        MILESTONE_DELIVERY_EXTENSION_JSON,
        MILESTONE_DELIVERY_RELEASE_SCHEMA,
    ),
    (
        "ocds_marco_supplierRatings_extension",
        SUPPLIER_RATINGS_EXTENSION_JSON,
        SUPPLIER_RATINGS_RELEASE_SCHEMA,
    ),
    (
        "ocds_marco_benefitReports_extension",
        BENEFIT_REPORTS_EXTENSION_JSON,
        BENEFIT_REPORTS_RELEASE_SCHEMA,
    ),
];

/// One extension whose patches are stored in this crate.
#[derive(Debug, Clone, Copy)]
pub struct Extension {
    /// Short id used on the command line and in `Merger::for_extensions` (e.g. `"bid"`).
    pub id: &'static str,
    /// Repository name, matched against declared URLs whatever their branch or tag.
    pub repo: &'static str,
    /// Canonical URL to declare in a package's `extensions`.
    pub url: &'static str,
    /// Patch of the release schema.
    pub release_patch: &'static str,
    /// Patch of the release package schema, if any.
    pub release_package_patch: Option<&'static str>,
    /// Patch of the record package schema, if any.
    pub record_package_patch: Option<&'static str>,
}

/// Every extension stored locally, in the order their patches are applied.
pub const EXTENSIONS: &[Extension] = &[
    ext(
        "shortlist",
        "ocds_marco_shortlist_extension",
        SHORTLIST_EXTENSION_PATH,
        SHORTLIST_RELEASE_SCHEMA,
    ),
    ext(
        "businessCase",
        "ocds_marco_businessCase_extension",
        BUSINESS_CASE_EXTENSION_PATH,
        BUSINESS_CASE_RELEASE_SCHEMA,
    ),
    ext(
        "milestoneDelivery",
        "ocds_marco_milestoneDelivery_extension",
        MILESTONE_DELIVERY_EXTENSION_PATH,
        MILESTONE_DELIVERY_RELEASE_SCHEMA,
    ),
    ext(
        "supplierRatings",
        "ocds_marco_supplierRatings_extension",
        SUPPLIER_RATINGS_EXTENSION_PATH,
        SUPPLIER_RATINGS_RELEASE_SCHEMA,
    ),
    ext(
        "benefitReports",
        "ocds_marco_benefitReports_extension",
        BENEFIT_REPORTS_EXTENSION_PATH,
        BENEFIT_REPORTS_RELEASE_SCHEMA,
    ),
    ext(
        "submissionTerms",
        "ocds_submissionTerms_extension",
        SUBMISSION_TERMS_EXTENSION_URL,
        include_str!("../schema/extensions/submissionTerms/release-schema.json"),
    ),
    ext(
        "lots",
        "ocds_lots_extension",
        LOTS_EXTENSION_URL,
        include_str!("../schema/extensions/lots/release-schema.json"),
    ),
    ext(
        "techniques",
        "ocds_techniques_extension",
        TECHNIQUES_EXTENSION_URL,
        include_str!("../schema/extensions/techniques/release-schema.json"),
    ),
    ext(
        "bid",
        "ocds_bid_extension",
        BID_EXTENSION_URL,
        include_str!("../schema/extensions/bid/release-schema.json"),
    ),
    ext(
        "contract_suppliers",
        "ocds_contract_suppliers_extension",
        CONTRACT_SUPPLIERS_EXTENSION_URL,
        include_str!("../schema/extensions/contract_suppliers/release-schema.json"),
    ),
    ext(
        "organizationClassification",
        "ocds_organizationClassification_extension",
        ORGANIZATION_CLASSIFICATION_EXTENSION_URL,
        include_str!("../schema/extensions/organizationClassification/release-schema.json"),
    ),
    ext(
        "partyDetails_scale",
        "ocds_partyDetails_scale_extension",
        PARTY_SCALE_EXTENSION_URL,
        include_str!("../schema/extensions/partyDetails_scale/release-schema.json"),
    ),
    ext(
        "competitive",
        "ocds_competitive_extension",
        COMPETITIVE_EXTENSION_URL,
        include_str!("../schema/extensions/competitive/release-schema.json"),
    ),
    Extension {
        id: "pagination",
        repo: "ocds_pagination_extension",
        url: PAGINATION_EXTENSION_URL,
        release_patch: "{}",
        release_package_patch: Some(include_str!(
            "../schema/extensions/pagination/release-package-schema.json"
        )),
        record_package_patch: Some(include_str!(
            "../schema/extensions/pagination/record-package-schema.json"
        )),
    },
];

/// The extensions Marco publishes with (everything stored except the superseded competitive one).
pub const MARCO_EXTENSIONS: &[&str] = &[
    "shortlist",
    "businessCase",
    "milestoneDelivery",
    "supplierRatings",
    "benefitReports",
    "submissionTerms",
    "lots",
    "techniques",
    "bid",
    "contract_suppliers",
    "organizationClassification",
    "partyDetails_scale",
    "pagination",
];

const fn ext(
    id: &'static str,
    repo: &'static str,
    url: &'static str,
    release_patch: &'static str,
) -> Extension {
    Extension {
        id,
        repo,
        url,
        release_patch,
        release_package_patch: None,
        record_package_patch: None,
    }
}

/// Finds a stored extension by short id (`"bid"`) or by a declared URL naming its repository.
pub fn find_extension(id_or_url: &str) -> Option<&'static Extension> {
    EXTENSIONS.iter().find(|e| {
        e.id == id_or_url
            || e.url == id_or_url
            || id_or_url.split('/').any(|segment| segment == e.repo)
    })
}

/// An error building a schema from the embedded files.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    /// An extension id or URL that has no local copy.
    #[error("unknown extension {0:?}: no local copy is stored in ocds-schema")]
    UnknownExtension(String),
    /// An embedded or user-supplied schema that is not valid JSON.
    #[error("schema is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON Schema library rejected a patched schema.
    #[error("cannot compile the schema: {0}")]
    Build(String),
}

/// Resolves extension ids or URLs to stored extensions, keeping the canonical patch order.
pub fn resolve_extensions(ids: &[impl AsRef<str>]) -> Result<Vec<&'static Extension>, SchemaError> {
    let mut wanted = Vec::new();
    for id in ids {
        let found = find_extension(id.as_ref())
            .ok_or_else(|| SchemaError::UnknownExtension(id.as_ref().to_owned()))?;
        wanted.push(found.id);
        if found.id == "lots" {
            // The lots extension's `Lot.submissionTerms` refers to the submissionTerms extension.
            wanted.push("submissionTerms");
        }
    }
    Ok(EXTENSIONS
        .iter()
        .filter(|e| wanted.contains(&e.id))
        .collect())
}

/// Which of the three schemas to patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaKind {
    /// `release-schema.json`.
    Release,
    /// `release-package-schema.json`.
    ReleasePackage,
    /// `record-package-schema.json`.
    RecordPackage,
}

/// Returns the given core schema with the extensions' patches applied.
pub fn patched_schema(kind: SchemaKind, extensions: &[&Extension]) -> Result<Value, SchemaError> {
    let (core, pick): (&str, fn(&Extension) -> Option<&'static str>) = match kind {
        SchemaKind::Release => (RELEASE_SCHEMA, |e| Some(e.release_patch)),
        SchemaKind::ReleasePackage => (RELEASE_PACKAGE_SCHEMA, |e| e.release_package_patch),
        SchemaKind::RecordPackage => (RECORD_PACKAGE_SCHEMA, |e| e.record_package_patch),
    };
    let mut schema: Value = serde_json::from_str(core)?;
    for extension in extensions {
        if let Some(patch) = pick(extension) {
            let mut patch: Value = serde_json::from_str(patch)?;
            remove_nulls(&mut patch);
            merge_patch(&mut schema, &patch);
        }
    }
    // The pagination extension patches `required` to `[]` (nothing required), which draft 4
    // forbids (`required` needs at least one item); dropping the key means the same thing.
    if let Value::Object(map) = &mut schema
        && map
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
    {
        map.remove("required");
    }
    Ok(schema)
}

/// Applies a JSON Merge Patch (RFC 7386) to `target`.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(target) = target {
        for (key, value) in patch {
            if value.is_null() {
                target.remove(key);
            } else {
                merge_patch(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// Removes `null` members of objects, recursively (nulls inside arrays, such as in `enum`, stay).
fn remove_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(remove_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_follows_rfc_7386() {
        let mut target = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut target, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(target, json!({"a": "z", "c": {"d": "e"}}));
    }

    #[test]
    fn extensions_are_found_by_id_or_by_any_url_naming_their_repository() {
        assert_eq!(find_extension("bid").map(|e| e.id), Some("bid"));
        let url = "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json";
        assert_eq!(find_extension(url).map(|e| e.id), Some("lots"));
        assert!(find_extension("https://example.com/other/extension.json").is_none());
    }

    #[test]
    fn patched_release_schema_gains_extension_fields() -> Result<(), SchemaError> {
        let exts = resolve_extensions(&["bid", "partyDetails_scale"])?;
        let schema = patched_schema(SchemaKind::Release, &exts)?;
        assert!(schema.pointer("/properties/bids").is_some());
        assert!(
            schema
                .pointer("/definitions/Organization/properties/details/properties/scale")
                .is_some()
        );
        // Core fields survive the patch.
        assert!(
            schema
                .pointer("/definitions/Organization/properties/roles")
                .is_some()
        );
        Ok(())
    }
}
