//! `brief_reviews`: Business-case reviews: each request, approval and refusal with its reasons.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brief_reviews")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The brief.
    pub brief_id: i64,
    /// `requested`, `approved` or `refused`.
    pub decision: String,
    /// The reviewer's reasons.
    #[sea_orm(column_type = "Text")]
    pub reason: Option<String>,
    /// Who.
    pub user_id: i64,
    /// When.
    pub at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
