//! `brief_alerts`: How a supplier user hears of new briefs: each one (`each`), a daily digest (`digest`) or not at all (`none`).

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brief_alerts")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The user.
    #[sea_orm(unique)]
    pub user_id: i64,
    /// `each`, `digest` or `none`.
    pub mode: String,
    /// When the last digest went out.
    pub last_digest_at: Option<DateTimeUtc>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
