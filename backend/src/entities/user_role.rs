//! `user_roles`: the roles a user holds inside their organisation.

use sea_orm::entity::prelude::*;

/// One role of one user.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_roles")]
pub struct Model {
    /// The user.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: i64,
    /// The role, e.g. `buyer_admin` or `framework_manager`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub role: String,
    /// For `can_approve_orders`: the largest order value they may approve.
    pub approval_limit: Option<Decimal>,
    /// ISO 4217 currency of the approval limit.
    pub approval_limit_currency: Option<String>,
}

/// Relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The user.
    #[sea_orm(
        belongs_to = "super::user::Entity",
        from = "Column::UserId",
        to = "super::user::Column::Id"
    )]
    User,
}

impl Related<super::user::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::User.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
