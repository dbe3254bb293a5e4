//! Release packages, records and record packages.

use super::*;

ocds_object!(
    /// The publisher of a package.
    Publisher {
        /// Name.
        name: String,
        /// Register of `uid`.
        scheme: String,
        /// Identifier in the register.
        uid: String,
        /// URI.
        uri: String,
    }
);

ocds_object!(
    /// `links` (pagination extension).
    Links {
        /// Next page.
        next: String,
        /// Previous page.
        prev: String,
    }
);

ocds_object!(
    /// A release package.
    ReleasePackage {
        /// Where the package is published.
        uri: String,
        /// Schema version (`"1.1"`).
        version: String,
        /// `extension.json` URLs of the extensions used.
        extensions: Vec<String>,
        /// Publication date.
        published_date: String,
        /// Publisher.
        publisher: Publisher,
        /// Licence URL.
        license: String,
        /// Publication policy URL.
        publication_policy: String,
        /// The releases.
        releases: Vec<Release>,
        /// Pagination links (pagination extension).
        links: Links,
    }
);

ocds_object!(
    /// A record package.
    RecordPackage {
        /// Where the package is published.
        uri: String,
        /// Schema version (`"1.1"`).
        version: String,
        /// `extension.json` URLs of the extensions used.
        extensions: Vec<String>,
        /// Publication date.
        published_date: String,
        /// Publisher.
        publisher: Publisher,
        /// Licence URL.
        license: String,
        /// Publication policy URL.
        publication_policy: String,
        /// URLs of the release packages used.
        packages: Vec<String>,
        /// The records.
        records: Vec<Record>,
        /// Pagination links (pagination extension).
        links: Links,
    }
);

ocds_object!(
    /// A record: all releases of one contracting process and their merges.
    Record {
        /// Open Contracting ID.
        ocid: String,
        /// The releases, oldest first (embedded or linked).
        releases: Vec<RecordRelease>,
        /// The compiled release.
        compiled_release: Release,
        /// The versioned release (kept as JSON: every field becomes a history of values).
        versioned_release: serde_json::Value,
    }
);

/// A release in a record: linked (`url`, `date`, `tag`) or embedded in full.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum RecordRelease {
    /// A link to a release in a package.
    Linked(LinkedRelease),
    /// A whole release.
    Embedded(Box<Release>),
}

/// A linked release: where to find it, with its date and tags.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LinkedRelease {
    /// Release package URL plus `#` and the release id.
    pub url: String,
    /// Release date.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub date: Field<String>,
    /// Release tags.
    #[serde(default, skip_serializing_if = "Field::is_absent")]
    pub tag: Field<Vec<ReleaseTag>>,
    /// Other fields.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}
