//! `order_items`: the lines of an order, each priced from an immutable service version.

use sea_orm::entity::prelude::*;

/// One line.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_items")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The order.
    pub order_id: i64,
    /// The service.
    pub service_id: i64,
    /// The version the price came from.
    pub service_version_id: i64,
    /// The lot of the service.
    pub lot: String,
    /// The service's name in that version.
    pub description: String,
    /// How many units.
    pub quantity: Decimal,
    /// The pricing unit.
    pub unit: String,
    /// The unit price.
    pub unit_price: Decimal,
    /// Quantity times unit price.
    pub line_total: Decimal,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
