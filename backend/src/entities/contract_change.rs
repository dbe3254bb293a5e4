//! `contract_changes`: changes to a contract: extension, variation, termination or a new module.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_changes")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The contract.
    pub contract_id: i64,
    /// `domain::contract::ChangeKind` code.
    pub kind: String,
    /// Who asked: `buyer` or `supplier`.
    pub side: String,
    /// `domain::contract::ChangeStatus` code.
    pub status: String,
    /// The rationale (published with the amendment).
    #[sea_orm(column_type = "Text")]
    pub reason: String,
    /// The contract value before.
    pub value_before: Decimal,
    /// The contract end before.
    pub end_before: DateTimeUtc,
    /// The new contract value (variation, or with a new module).
    pub new_value: Option<Decimal>,
    /// The new end date.
    pub new_end_at: Option<DateTimeUtc>,
    /// A new module's scope.
    #[sea_orm(column_type = "Text")]
    pub module_scope: Option<String>,
    /// A new module's start.
    pub module_start_at: Option<DateTimeUtc>,
    /// Who asked.
    pub requested_by: i64,
    /// When.
    pub requested_at: DateTimeUtc,
    /// The buyer who accepted a supplier's request that then needed a second approver.
    pub endorsed_by: Option<i64>,
    /// Who decided (approved or refused).
    pub decided_by: Option<i64>,
    /// When.
    pub decided_at: Option<DateTimeUtc>,
    /// Why it was refused.
    #[sea_orm(column_type = "Text")]
    pub decision_reason: Option<String>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
