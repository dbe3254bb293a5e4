//! OCDS 1.1.5 for Rust: typed models, the reference merge, offline schema validation.
//!
//! - [`model`]: serde types for releases, records and packages, with unknown fields kept.
//! - [`merge`]: compiled and versioned releases ([`merge::Merger`]).
//! - [`validate`]: schema and extra checks ([`validate::Validator`]).
//! - [`schema`]: the embedded schemas, extension patches and extension URLs.

pub mod merge;
pub mod model;
pub mod schema;
pub mod validate;
