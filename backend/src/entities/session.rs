//! `sessions`: server-side records of browser sessions and API tokens, so they can be revoked.

use sea_orm::entity::prelude::*;

/// One session or API token.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// The id carried in the JWT (`sid`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Whose session it is.
    pub user_id: i64,
    /// `browser` or `api`.
    pub kind: String,
    /// API scopes, space separated.
    pub scopes: String,
    /// When it started.
    pub created_at: DateTimeUtc,
    /// Absolute end, whatever renewals happen.
    pub expires_at: DateTimeUtc,
    /// Set on sign-out, deactivation or password change.
    pub revoked_at: Option<DateTimeUtc>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
