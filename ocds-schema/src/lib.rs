//! OCDS 1.1.5 for Rust, offline: typed models, the reference merge, schema validation.
//!
//! The stable API that applications (such as Marco's backend) build on:
//!
//! - [`model`]: serde types ([`model::Release`], [`model::ReleasePackage`], [`model::Record`],
//!   [`model::RecordPackage`] and every 1.1.5 object, plus the extension fields Marco publishes),
//!   with unknown fields kept and explicit `null`s preserved, for building and reading releases.
//! - [`merge::Merger`]: compiled and versioned releases from `serde_json::Value` releases, with
//!   rules from the embedded schema plus extensions ([`merge::Merger::for_extensions`]).
//! - [`validate::Validator`]: schema and extra checks of a release, release package or record
//!   package, giving [`validate::ValidationError`]s (JSON pointer, rule, message).
//! - [`schema`]: the embedded schemas and extension patches, and the canonical extension URLs
//!   ([`schema::BID_EXTENSION_URL`] and friends) to declare in packages.
//! - [`read`]: a streaming reader of packages, releases, records, JSON arrays and JSON Lines,
//!   gzipped or not, from any `Read`, in constant memory for grouped input.
//! - [`analyse`]: Cardinal's red-flag indicators and supplier and buyer figures from compiled
//!   releases, streaming, in bounded memory.
//! - [`release_log`]: JCS release hashes, the hash chain, signed heads, and [`release_log::LogVerifier`],
//!   which proves that nothing in a published release log was changed or removed.
//!
//! ```
//! use ocds_schema::{merge::Merger, schema, validate::Validator};
//! use serde_json::json;
//!
//! let releases = [json!({"ocid": "ocds-213czf-1", "id": "1", "date": "2026-01-01T00:00:00Z",
//!                        "tag": ["tender"], "initiationType": "tender", "tender": {"id": "t"}})];
//! let merger = Merger::for_extensions(schema::MARCO_EXTENSIONS)?;
//! let compiled = merger.compile(&releases)?;
//! assert_eq!(compiled["tag"], json!(["compiled"]));
//!
//! let validator = Validator::new(schema::MARCO_EXTENSIONS, Some("ocds-213czf-"))?;
//! assert_eq!(validator.validate_release(&releases[0]), []);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod analyse;
mod bytescan;
pub mod merge;
pub mod model;
pub mod read;
pub mod release_log;
pub mod schema;
pub mod validate;
