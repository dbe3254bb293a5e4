//! `auth_tokens`: single-use links sent by e-mail (verification, password reset, invitation).

use sea_orm::entity::prelude::*;

/// One e-mailed token; only its SHA-256 is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "auth_tokens")]
pub struct Model {
    /// Hex SHA-256 of the token in the link.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    /// `verify`, `reset` or `invite`.
    pub kind: String,
    /// The user it is for (verification and reset).
    pub user_id: Option<i64>,
    /// The organisation an invitation joins.
    pub organisation_id: Option<i64>,
    /// The address it was sent to.
    pub email: String,
    /// The role an invitation grants.
    pub role: Option<String>,
    /// Who sent an invitation.
    pub created_by: Option<i64>,
    /// When it was made.
    pub created_at: DateTimeUtc,
    /// When it stops working.
    pub expires_at: DateTimeUtc,
    /// When it was used; a used token never works again.
    pub used_at: Option<DateTimeUtc>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
