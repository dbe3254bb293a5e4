//! `publication_failures`: releases that failed validation in production, for the health page.

use sea_orm::entity::prelude::*;

/// One invalid release and its validation errors.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publication_failures")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The release's sequence number.
    pub sequence: i64,
    /// The release id.
    pub release_id: String,
    /// The ocid.
    pub ocid: String,
    /// The validation errors as a JSON array.
    pub errors: String,
    /// When it was recorded.
    pub recorded_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
