//! `da_searches`: every search saved into a direct-award project, with when and by whom.

use sea_orm::entity::prelude::*;

/// One saved search.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "da_searches")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The project.
    pub project_id: i64,
    /// The catalogue query string (`q=backup&lot=cloud-hosting`).
    pub query: String,
    /// How many services it found when saved.
    pub result_count: i64,
    /// Who saved it.
    pub saved_by: i64,
    /// When.
    pub saved_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
