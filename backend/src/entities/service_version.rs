//! `service_versions`: every version of a service, kept for the public history.

use sea_orm::entity::prelude::*;

/// One version.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "service_versions")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The service.
    pub service_id: i64,
    /// 1, 2, …
    pub version: i32,
    /// Answers (JSON).
    pub answers: String,
    /// Price in this version.
    pub price: Option<Decimal>,
    /// Pricing unit in this version.
    pub pricing_unit: Option<String>,
    /// ISO 4217 currency.
    pub currency: String,
    /// Who made the edit (internal; never published).
    pub edited_by: Option<i64>,
    /// When.
    pub created_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
