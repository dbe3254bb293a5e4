//! `organisations`: public bodies, suppliers and the platform operator.

use sea_orm::entity::prelude::*;

/// One organisation.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `buyer`, `supplier` or `platform`.
    pub kind: String,
    /// The name people know it by (a supplier's trading name).
    pub name: String,
    /// The registered legal name.
    pub legal_name: String,
    /// The org-id.guide scheme of its identifier, e.g. `CL-RUT`.
    pub identifier_scheme: String,
    /// The identifier in normal form, e.g. `76123456-K`.
    pub identifier_id: String,
    /// Street address.
    pub street_address: Option<String>,
    /// Town or city.
    pub locality: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country_code: String,
    /// OCDS partyScale for suppliers: micro, small, medium or large.
    pub scale: Option<String>,
    /// E-mail domains of a buyer organisation, space separated.
    pub email_domains: String,
    /// When it registered.
    pub created_at: DateTimeUtc,
    /// When a manager suspended it from the catalogue.
    pub suspended_at: Option<DateTimeUtc>,
    /// Why it was suspended (public).
    pub suspended_reason: Option<String>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Its users.
    #[sea_orm(has_many = "super::user::Entity")]
    Users,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Users.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
