//! `contract_deliveries`: each delivery of a milestone, its evidence (never published) and the buyer's decision.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_deliveries")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The milestone.
    pub milestone_id: i64,
    /// 1 for the first delivery, then in order.
    pub number: i32,
    /// When delivered.
    pub delivered_at: DateTimeUtc,
    /// By when the buyer must accept or reject it.
    pub decide_by: DateTimeUtc,
    /// A link to the evidence.
    pub evidence_url: Option<String>,
    /// The stored evidence file's name under the data folder.
    pub evidence_file: Option<String>,
    /// The evidence file's name as uploaded.
    pub evidence_name: Option<String>,
    /// The supplier's note.
    #[sea_orm(column_type = "Text")]
    pub note: Option<String>,
    /// Who delivered.
    pub delivered_by: i64,
    /// `pending`, `accepted` or `rejected`.
    pub decision: String,
    /// When decided.
    pub decided_at: Option<DateTimeUtc>,
    /// Who decided.
    pub decided_by: Option<i64>,
    /// Why it was rejected (internal: not published).
    #[sea_orm(column_type = "Text")]
    pub reason: Option<String>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
