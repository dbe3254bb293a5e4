//! `audit_events`: every security event, for platform admins.

use sea_orm::entity::prelude::*;

/// One security event.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// When it happened.
    pub at: DateTimeUtc,
    /// What happened, e.g. `sign_in`, `sign_in_failed`, `account_locked`, `role_changed`.
    pub event: String,
    /// Who did it, when known.
    pub actor_user_id: Option<i64>,
    /// Whom it concerned, when known.
    pub subject_user_id: Option<i64>,
    /// The client address.
    pub ip: Option<String>,
    /// A short description without secrets or personal data.
    pub detail: String,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
