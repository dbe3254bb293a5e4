//! OCDS package envelopes: the metadata every release and record package carries.

use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::publish::store::Release;
use crate::state::AppState;

/// The publisher block of packages.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PackagePublisher {
    /// The publishing organisation's name.
    pub name: String,
    /// Its website.
    pub uri: String,
}

/// Metadata shared by release and record packages.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PackageMeta {
    /// This package's URL.
    pub uri: String,
    /// OCDS version.
    pub version: &'static str,
    /// Extensions used.
    pub extensions: Vec<String>,
    /// Date of the newest release in the package (or now when empty).
    pub published_date: String,
    /// Who publishes.
    pub publisher: PackagePublisher,
    /// Data licence URL.
    pub license: String,
    /// Publication policy URL.
    pub publication_policy: String,
}

impl PackageMeta {
    /// Metadata for a package at `uri` whose newest release is `newest`.
    pub fn new(state: &AppState, uri: String, newest: Option<&Release>) -> PackageMeta {
        PackageMeta::dated(state, uri, newest.map(|r| r.date.as_str()))
    }

    /// Metadata for a package at `uri` whose newest release has the date `newest`.
    pub fn dated(state: &AppState, uri: String, newest: Option<&str>) -> PackageMeta {
        let config = &state.config;
        PackageMeta {
            uri,
            version: "1.1",
            extensions: state.publisher.extension_urls(&state.config.public_url),
            published_date: newest
                .map(str::to_owned)
                .unwrap_or_else(|| Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)),
            publisher: PackagePublisher {
                name: config.publisher_name.clone(),
                uri: config.public_url.clone(),
            },
            license: config.data_license.clone(),
            publication_policy: format!("{}/open-data#publication-policy", config.public_url),
        }
    }
}

/// `links` of the pagination extension.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Links {
    /// The next page, absent on the last one.
    pub next: String,
}

/// A release package; stored releases are embedded byte for byte.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReleasePackage {
    #[serde(flatten)]
    meta: PackageMeta,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Links>,
    /// OCDS releases, exactly as published and hashed.
    #[schema(value_type = Vec<Object>)]
    releases: Vec<Box<RawValue>>,
}

impl ReleasePackage {
    /// A package of `releases`, with a `links.next` when there is a next page.
    pub fn new(meta: PackageMeta, releases: Vec<Box<RawValue>>, next: Option<String>) -> Self {
        ReleasePackage {
            meta,
            links: next.map(|next| Links { next }),
            releases,
        }
    }
}

/// A release package's bytes around releases already serialized and joined by commas (as
/// [`crate::publish::store::feed_page`] reads them): the same bytes as serializing the package
/// with those releases embedded, without parsing them again.
pub fn release_package_bytes(
    meta: PackageMeta,
    next: Option<String>,
    joined_bodies: &str,
) -> serde_json::Result<Vec<u8>> {
    release_package_filled(meta, next, joined_bodies.len(), |space| {
        space.copy_from_slice(joined_bodies.as_bytes());
        Ok(())
    })
    .map_err(|e| match e {
        PackageBytesError::Json(e) => e,
        PackageBytesError::Io(e) => serde_json::Error::io(e),
    })
}

/// Why a package's bytes could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PackageBytesError {
    /// The package's metadata did not serialize.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// The releases could not be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Like [`release_package_bytes`], with `fill` writing the `len` bytes of joined releases
/// straight into the package (the feed segment reads them from its file there).
pub fn release_package_filled(
    meta: PackageMeta,
    next: Option<String>,
    len: usize,
    fill: impl FnOnce(&mut [u8]) -> std::io::Result<()>,
) -> Result<Vec<u8>, PackageBytesError> {
    let empty = ReleasePackage::new(meta, Vec::new(), next);
    let mut out = serde_json::to_vec(&empty)?;
    let tail = b"\"releases\":[]}";
    debug_assert!(out.ends_with(tail), "releases is the package's last member");
    out.truncate(out.len() - 2);
    let start = out.len();
    out.reserve_exact(len + 2);
    out.resize(start + len, 0);
    fill(&mut out[start..])?;
    out.extend_from_slice(b"]}");
    Ok(out)
}

/// A linked release inside a record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LinkedRelease {
    url: String,
    date: String,
    tag: Vec<String>,
}

/// One record.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordEntry {
    ocid: String,
    releases: Vec<LinkedRelease>,
    /// The compiled release: the latest value of every field.
    #[schema(value_type = Object)]
    compiled_release: Value,
    /// Every field's history, with `versioned=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    versioned_release: Option<Value>,
}

impl RecordEntry {
    /// A record of `ocid` linking its `rows`, with the merged releases.
    pub fn new(
        public_url: &str,
        ocid: &str,
        rows: &[Release],
        compiled: Value,
        versioned: Option<Value>,
    ) -> Self {
        let releases = rows
            .iter()
            .map(|r| LinkedRelease {
                url: format!(
                    "{public_url}/ocds/releases/{}#{}",
                    encode(&r.release_id),
                    r.release_id
                ),
                date: r.date.clone(),
                tag: r.tags.split_whitespace().map(str::to_owned).collect(),
            })
            .collect();
        RecordEntry {
            ocid: ocid.to_owned(),
            releases,
            compiled_release: compiled,
            versioned_release: versioned,
        }
    }
}

/// A record package.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordPackage {
    #[serde(flatten)]
    meta: PackageMeta,
    packages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    links: Option<Links>,
    records: Vec<RecordEntry>,
}

impl RecordPackage {
    /// A package of `records`, naming the releases feed as its source.
    pub fn new(
        meta: PackageMeta,
        public_url: &str,
        records: Vec<RecordEntry>,
        next: Option<String>,
    ) -> Self {
        RecordPackage {
            meta,
            packages: vec![format!("{public_url}/ocds/releases")],
            links: next.map(|next| Links { next }),
            records,
        }
    }
}

/// Percent-encodes a path segment.
pub fn encode(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The absolute URL of a feed with its query.
pub fn feed_url(public_url: &str, path: &str, query: &impl Serialize) -> String {
    let query = serde_urlencoded::to_string(query).unwrap_or_default();
    if query.is_empty() {
        format!("{public_url}{path}")
    } else {
        format!("{public_url}{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> PackageMeta {
        PackageMeta {
            uri: "https://marco.example/ocds/releases?limit=2".into(),
            version: "1.1",
            extensions: vec!["https://marco.example/ext/a/extension.json".into()],
            published_date: "2026-01-01T00:00:00.000Z".into(),
            publisher: PackagePublisher {
                name: "Marco \"demo\" ñ".into(),
                uri: "https://marco.example".into(),
            },
            license: "https://creativecommons.org/licenses/by/4.0/".into(),
            publication_policy: "https://marco.example/open-data#publication-policy".into(),
        }
    }

    #[test]
    fn spliced_packages_are_the_bytes_serde_writes() {
        let bodies = [
            r#"{"id":"1","ocid":"ocds-a","tag":["tender"]}"#,
            r#"{"id":"2","ocid":"ocds-a","tender":{"title":"\"releases\":[]}"}}"#,
        ];
        for (next, count) in [(None, 0), (None, 1), (Some("https://x/next".to_owned()), 2)] {
            let raws: Vec<Box<RawValue>> = bodies[..count]
                .iter()
                .map(|b| RawValue::from_string((*b).to_owned()).unwrap())
                .collect();
            let expected =
                serde_json::to_vec(&ReleasePackage::new(meta(), raws, next.clone())).unwrap();
            let spliced = release_package_bytes(meta(), next, &bodies[..count].join(",")).unwrap();
            assert_eq!(
                String::from_utf8(spliced).unwrap(),
                String::from_utf8(expected).unwrap()
            );
        }
    }
}
