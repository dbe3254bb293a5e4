//! `benefit_reports`: benefit reports against a contract's business case, one per six-month period.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "benefit_reports")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The contract.
    pub contract_id: i64,
    /// The period reported, from 1.
    pub period: i32,
    /// When it was due.
    pub due_at: DateTimeUtc,
    /// The indicators reached, as JSON (`domain::contract::IndicatorResult`).
    #[sea_orm(column_type = "Text")]
    pub indicators: String,
    /// The buyer's notes.
    #[sea_orm(column_type = "Text")]
    pub notes: String,
    /// Who filed.
    pub filed_by: i64,
    /// When.
    pub filed_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
