//! `contract_ratings`: the buyer's ratings of the supplier, and the supplier's reply.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_ratings")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The contract.
    pub contract_id: i64,
    /// The milestone rated (none for the final rating).
    pub milestone_id: Option<i64>,
    /// `milestone-{number}` or `final`: one rating each.
    pub stage: String,
    /// 1 to 5.
    pub quality: i32,
    /// 1 to 5.
    pub timeliness: i32,
    /// 1 to 5.
    pub communication: i32,
    /// The buyer's comment.
    #[sea_orm(column_type = "Text")]
    pub comment: String,
    /// Who rated.
    pub rated_by: i64,
    /// When.
    pub rated_at: DateTimeUtc,
    /// When it becomes public (90 days after, or when the contract ends).
    pub public_at: DateTimeUtc,
    /// When it was published.
    pub published_at: Option<DateTimeUtc>,
    /// The supplier's one reply.
    #[sea_orm(column_type = "Text")]
    pub reply: Option<String>,
    /// When.
    pub replied_at: Option<DateTimeUtc>,
    /// Who replied.
    pub replied_by: Option<i64>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
