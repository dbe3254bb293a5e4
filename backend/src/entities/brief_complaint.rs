//! `brief_complaints`: Complaints raised in the standstill period, and the buyer's replies.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "brief_complaints")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The brief.
    pub brief_id: i64,
    /// The complaining supplier.
    pub supplier_org_id: i64,
    /// Who.
    pub raised_by: i64,
    /// The complaint.
    #[sea_orm(column_type = "Text")]
    pub complaint: String,
    /// When.
    pub raised_at: DateTimeUtc,
    /// The buyer's reply.
    #[sea_orm(column_type = "Text")]
    pub reply: Option<String>,
    /// Who replied.
    pub replied_by: Option<i64>,
    /// When.
    pub replied_at: Option<DateTimeUtc>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
