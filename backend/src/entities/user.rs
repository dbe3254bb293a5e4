//! `users`: people who sign in, each in one organisation.

use sea_orm::entity::prelude::*;

/// One user.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Internal id.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The organisation they act for.
    pub organisation_id: i64,
    /// Sign-in e-mail, lower case.
    #[sea_orm(unique)]
    pub email: String,
    /// Full name (personal data: never published).
    pub name: String,
    /// Phone (personal data: never published).
    pub phone: Option<String>,
    /// argon2id PHC hash.
    pub password_hash: String,
    /// Preferred language code.
    pub locale: String,
    /// When the e-mail address was verified.
    pub email_verified_at: Option<DateTimeUtc>,
    /// False once deactivated.
    pub active: bool,
    /// When the account was made.
    pub created_at: DateTimeUtc,
    /// Failed sign-ins since the last success.
    pub failed_sign_ins: i32,
    /// Sign-in is refused until then, after too many failures.
    pub locked_until: Option<DateTimeUtc>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The user's organisation.
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
    /// The user's roles.
    #[sea_orm(has_many = "super::user_role::Entity")]
    Roles,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl Related<super::user_role::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Roles.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
