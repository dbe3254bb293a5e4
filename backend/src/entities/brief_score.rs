//! `brief_scores`: Scores: each panel member's, and the agreed ones the moderator records.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brief_scores")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The brief.
    pub brief_id: i64,
    /// The response.
    pub response_id: i64,
    /// `proposal` or `challenge`.
    pub stage: String,
    /// The member (the moderator for agreed scores).
    pub user_id: i64,
    /// The moderated, agreed score.
    pub agreed: bool,
    /// The criterion's position.
    pub criterion: i32,
    /// 0 to 4.
    pub score: i32,
    /// Why.
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    /// When.
    pub scored_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
