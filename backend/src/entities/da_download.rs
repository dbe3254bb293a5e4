//! `da_downloads`: each download of a direct-award short list, for the audit trail.

use sea_orm::entity::prelude::*;

/// One download.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "da_downloads")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// `csv` or `xlsx`.
    pub format: String,
    /// Who downloaded it.
    pub downloaded_by: i64,
    /// When.
    pub downloaded_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
