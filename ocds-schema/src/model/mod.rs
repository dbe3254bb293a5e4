//! Typed OCDS 1.1.5 models (serde), including the extension fields Marco publishes.
//!
//! Every object keeps the fields it does not know in `extra`, and every field is a
//! [`Field`], which tells absent, `null` and invalid values apart, so any JSON object
//! deserializes and serializes back to an equal JSON value. Build releases with `Default`:
//!
//! ```
//! use ocds_schema::model::{Field, Release, ReleaseTag, Tender};
//!
//! let release = Release {
//!     ocid: "ocds-213czf-1".to_owned().into(),
//!     id: "1".to_owned().into(),
//!     date: "2026-01-01T00:00:00Z".to_owned().into(),
//!     tag: vec![ReleaseTag::Tender].into(),
//!     tender: Tender { title: "Pens".to_owned().into(), ..Tender::default() }.into(),
//!     ..Release::default()
//! };
//! let json = serde_json::to_value(&release)?;
//! assert_eq!(json["tender"]["title"], "Pens");
//! assert!(json.get("buyer").is_none());
//! # Ok::<(), serde_json::Error>(())
//! ```

mod amount;
mod codelists;
mod extensions;
mod field;
mod objects;
mod packages;
mod process;

pub use amount::{Amount, Id};
pub use codelists::*;
pub use extensions::*;
pub use field::Field;
pub use objects::*;
pub use packages::*;
pub use process::*;

/// Defines an OCDS object: every field is a `Field<T>` skipped when absent, and unknown fields
/// are kept in `extra`.
macro_rules! ocds_object {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[serde(default, skip_serializing_if = "Field::is_absent")]
                pub $field: Field<$ty>,
            )*
            /// Fields not in the schema or its extensions, kept so that data round-trips.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }
    };
}
pub(crate) use ocds_object;
