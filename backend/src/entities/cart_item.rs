//! `cart_items`: what a buyer has put in their cart, priced from a service version.

use sea_orm::entity::prelude::*;

/// One line of a cart.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "cart_items")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The buyer whose cart it is.
    pub user_id: i64,
    /// The service.
    pub service_id: i64,
    /// The version whose price was taken.
    pub service_version_id: i64,
    /// How many units.
    pub quantity: Decimal,
    /// The pricing unit.
    pub unit: String,
    /// The unit price from that version.
    pub unit_price: Decimal,
    /// ISO 4217 currency of the price.
    pub currency: String,
    /// When it was added.
    pub added_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
