//! `contracts`: call-off contracts, made by an accepted order or an awarded direct award.

use sea_orm::entity::prelude::*;

/// One contract.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "contracts")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The ocid of the call-off's contracting process.
    pub ocid: String,
    /// `order`, `award` or `brief`.
    pub route: String,
    /// The order that made it.
    #[sea_orm(unique)]
    pub order_id: Option<i64>,
    /// The direct-award project that made it.
    #[sea_orm(unique)]
    pub project_id: Option<i64>,
    /// The brief that made it (the contract, or a challenge order).
    pub brief_id: Option<i64>,
    /// The buyer.
    pub buyer_org_id: i64,
    /// The supplier.
    pub supplier_org_id: i64,
    /// The framework it was called off from.
    pub framework_id: i64,
    /// Lot slugs, space separated.
    pub lots: String,
    /// Title.
    pub title: String,
    /// Value.
    pub value: Decimal,
    /// ISO 4217 currency of the value.
    pub currency: String,
    /// Start of the period.
    pub start_at: DateTimeUtc,
    /// End of the period.
    pub end_at: DateTimeUtc,
    /// `active` or `terminated` (ended), as in OCDS.
    pub status: String,
    /// When it was made.
    pub signed_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
    /// The value when signed (before any change).
    pub original_value: Option<Decimal>,
    /// When it ended (completed or terminated).
    pub ended_at: Option<DateTimeUtc>,
    /// `completed` or `terminated` once ended.
    pub end_kind: Option<String>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
