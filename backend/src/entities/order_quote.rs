//! `order_quotes`: the quotes a buyer gathered before a large purchase, when the
//! large-purchase rule asks for them.

use sea_orm::entity::prelude::*;

/// One quote.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "order_quotes")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The order it was gathered for.
    pub order_id: i64,
    /// The supplier that quoted.
    pub supplier_org_id: i64,
    /// The amount quoted.
    pub amount: Decimal,
    /// Its currency (the order's).
    pub currency: String,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
