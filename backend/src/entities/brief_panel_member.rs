//! `brief_panel`: The evaluation panel of a brief.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brief_panel")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The brief.
    pub brief_id: i64,
    /// The member.
    pub user_id: i64,
    /// When they submitted their written scores.
    pub proposal_submitted_at: Option<DateTimeUtc>,
    /// When they submitted their challenge scores.
    pub challenge_submitted_at: Option<DateTimeUtc>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
