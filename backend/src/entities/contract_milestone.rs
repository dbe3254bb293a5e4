//! `contract_milestones`: milestones of a contract's modules, with their payment and its state.

use sea_orm::entity::prelude::*;

/// One row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contract_milestones")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The contract.
    pub contract_id: i64,
    /// The module.
    pub module_id: i64,
    /// Its number within the contract.
    pub number: i32,
    /// What is delivered.
    pub title: String,
    /// When it is due.
    pub due_at: DateTimeUtc,
    /// The payment on acceptance.
    pub amount: Decimal,
    /// ISO 4217 currency of the payment.
    pub currency: String,
    /// `domain::contract::MilestoneStatus` code.
    pub status: String,
    /// When the buyer accepted a delivery.
    pub accepted_at: Option<DateTimeUtc>,
    /// The invoice date recorded with the payment.
    pub invoice_date: Option<DateTimeUtc>,
    /// When the payment fell due.
    pub payment_due_at: Option<DateTimeUtc>,
    /// When it was paid.
    pub paid_at: Option<DateTimeUtc>,
    /// When the contract ended without it being met.
    pub ended_unmet_at: Option<DateTimeUtc>,
    /// When it was planned.
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
