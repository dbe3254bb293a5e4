//! `services`: a published catalogue listing. Its answers live in `service_versions`.

use sea_orm::entity::prelude::*;

/// One service.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "services")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Public id used in URLs and the search index.
    #[sea_orm(unique)]
    pub public_id: String,
    /// The framework it is listed on.
    pub framework_id: i64,
    /// The supplier.
    pub organisation_id: i64,
    /// Lot slug.
    pub lot: String,
    /// live, removed, suspended or expired.
    pub status: String,
    /// Why it was suspended or removed.
    pub status_reason: Option<String>,
    /// The current version number.
    pub current_version: i32,
    /// Current name (denormalised for lists).
    pub name: String,
    /// Current price.
    pub price: Option<Decimal>,
    /// ISO 4217 currency of the current price.
    pub currency: Option<String>,
    /// Current pricing unit.
    pub pricing_unit: Option<String>,
    /// Created (went live).
    pub created_at: DateTimeUtc,
    /// Last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
