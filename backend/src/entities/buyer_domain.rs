//! `buyer_domains`: the platform's allow-list of public-sector e-mail domains.

use sea_orm::entity::prelude::*;

/// One allowed domain; its subdomains are allowed too.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "buyer_domains")]
pub struct Model {
    /// The domain, lower case, e.g. `gob.cl`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub domain: String,
    /// The manager who added it.
    pub added_by: Option<i64>,
    /// When.
    pub added_at: DateTimeUtc,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
