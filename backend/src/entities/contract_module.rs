//! `contract_modules`: the modules of a contract: the first, and each added by a change.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_modules")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The contract.
    pub contract_id: i64,
    /// 1 for the first module, then in order.
    pub number: i32,
    /// What the module delivers.
    #[sea_orm(column_type = "Text")]
    pub scope: String,
    /// Its price.
    pub value: Decimal,
    /// ISO 4217 currency of the price.
    pub currency: String,
    /// Start of its period.
    pub start_at: DateTimeUtc,
    /// End of its period.
    pub end_at: DateTimeUtc,
    /// The change that added it (none for the first).
    pub change_id: Option<i64>,
    /// When it was added.
    pub created_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
