//! The buying store: the only code that reads or writes carts, orders, their items, checkouts
//! and contracts. Who may see an order is decided here: the buyer's organisation always; the
//! supplier only once the order was sent to it, so an order still inside the buyer's approval
//! (or refused there) is invisible to the supplier, and another supplier's order is "not
//! found" to everyone else.

use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use crate::domain::order::OrderStatus;
use crate::domain::roles::Role;
use crate::entities::{cart_item, contract, order, order_checkout, order_item, user, user_role};
use crate::frameworks::FlowError;

/// Who is looking at an order: the organisation they belong to.
#[derive(Clone, Copy, Debug)]
pub struct Viewer {
    /// Their user id.
    pub user_id: i64,
    /// Their organisation.
    pub organisation_id: i64,
}

/// The status of a stored order.
pub fn status(o: &order::Model) -> Result<OrderStatus, FlowError> {
    OrderStatus::parse(&o.status).ok_or_else(|| {
        FlowError::Other(anyhow::anyhow!("order {} has status {:?}", o.id, o.status))
    })
}

/// Whether people of organisation `organisation_id` may see order `o`.
pub fn can_see(o: &order::Model, organisation_id: i64) -> bool {
    if o.buyer_org_id == organisation_id {
        return true;
    }
    // The supplier sees an order from the moment it was sent, whatever happens after.
    o.supplier_org_id == organisation_id && o.sent_at.is_some()
}

/// An order that `viewer` may see, or not found.
pub async fn order_for<C: ConnectionTrait>(
    db: &C,
    id: i64,
    viewer: Viewer,
) -> Result<order::Model, FlowError> {
    let found = order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)?;
    if can_see(&found, viewer.organisation_id) {
        Ok(found)
    } else {
        Err(FlowError::NotFound)
    }
}

/// The lines of an order.
pub async fn items<C: ConnectionTrait>(
    db: &C,
    order_id: i64,
) -> Result<Vec<order_item::Model>, DbErr> {
    order_item::Entity::find()
        .filter(order_item::Column::OrderId.eq(order_id))
        .order_by_asc(order_item::Column::Id)
        .all(db)
        .await
}

/// The orders an organisation placed (as buyer) or may see (as supplier), newest first.
pub async fn orders_of<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
) -> Result<Vec<order::Model>, DbErr> {
    let found = order::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(order::Column::BuyerOrgId.eq(organisation_id))
                .add(order::Column::SupplierOrgId.eq(organisation_id)),
        )
        .order_by_desc(order::Column::Id)
        .limit(500)
        .all(db)
        .await?;
    Ok(found
        .into_iter()
        .filter(|o| can_see(o, organisation_id))
        .collect())
}

/// A user's cart, oldest line first.
pub async fn cart<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Vec<cart_item::Model>, DbErr> {
    cart_item::Entity::find()
        .filter(cart_item::Column::UserId.eq(user_id))
        .order_by_asc(cart_item::Column::Id)
        .all(db)
        .await
}

/// How many lines a user's cart has.
pub async fn cart_size<C: ConnectionTrait>(db: &C, user_id: i64) -> Result<u64, DbErr> {
    cart_item::Entity::find()
        .filter(cart_item::Column::UserId.eq(user_id))
        .count(db)
        .await
}

/// The checkout a person already made with `key`, if any.
pub async fn checkout<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
    key: &str,
) -> Result<Option<order_checkout::Model>, DbErr> {
    order_checkout::Entity::find()
        .filter(order_checkout::Column::UserId.eq(user_id))
        .filter(order_checkout::Column::IdempotencyKey.eq(key))
        .one(db)
        .await
}

/// A user with their `can_approve_orders` limit, when they hold it.
pub async fn approval_limit<C: ConnectionTrait>(
    db: &C,
    user_id: i64,
) -> Result<Option<user_role::Model>, DbErr> {
    user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(user_id))
        .filter(user_role::Column::Role.eq(Role::CanApproveOrders.as_str()))
        .one(db)
        .await
}

/// The active, verified colleagues of `placed_by` who may approve an order of `total` in
/// `currency`: their limit covers it, in the same currency.
pub async fn approvers<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
    placed_by: i64,
    total: rust_decimal::Decimal,
    currency: &str,
) -> Result<Vec<user::Model>, DbErr> {
    let roles = user_role::Entity::find()
        .filter(user_role::Column::Role.eq(Role::CanApproveOrders.as_str()))
        .filter(user_role::Column::ApprovalLimitCurrency.eq(currency))
        .filter(user_role::Column::ApprovalLimit.gte(total))
        .filter(user_role::Column::UserId.ne(placed_by))
        .all(db)
        .await?;
    let ids: Vec<i64> = roles.into_iter().map(|r| r.user_id).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    user::Entity::find()
        .filter(user::Column::Id.is_in(ids))
        .filter(user::Column::OrganisationId.eq(organisation_id))
        .filter(user::Column::Active.eq(true))
        .filter(user::Column::EmailVerifiedAt.is_not_null())
        .order_by_asc(user::Column::Id)
        .all(db)
        .await
}

/// A user by id.
pub async fn user<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<user::Model>, DbErr> {
    user::Entity::find_by_id(id).one(db).await
}

/// What the contracts register is asked for.
#[derive(Clone, Debug, Default)]
pub struct RegisterQuery {
    /// Only this supplier.
    pub supplier: Option<i64>,
    /// Only this buyer.
    pub buyer: Option<i64>,
    /// Only this framework.
    pub framework: Option<i64>,
    /// Only this route (`order`, `award`, `brief`).
    pub route: Option<String>,
    /// Only this status.
    pub status: Option<String>,
    /// The page, from 1.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

/// A page of the contracts register, newest first, with the number of matching contracts.
pub async fn contracts<C: ConnectionTrait>(
    db: &C,
    query: &RegisterQuery,
) -> Result<(Vec<contract::Model>, u64), DbErr> {
    let mut select = contract::Entity::find();
    if let Some(id) = query.supplier {
        select = select.filter(contract::Column::SupplierOrgId.eq(id));
    }
    if let Some(id) = query.buyer {
        select = select.filter(contract::Column::BuyerOrgId.eq(id));
    }
    if let Some(id) = query.framework {
        select = select.filter(contract::Column::FrameworkId.eq(id));
    }
    if let Some(route) = &query.route {
        select = select.filter(contract::Column::Route.eq(route.as_str()));
    }
    if let Some(status) = &query.status {
        select = select.filter(contract::Column::Status.eq(status.as_str()));
    }
    let total = select.clone().count(db).await?;
    let rows = select
        .order_by_desc(contract::Column::Id)
        .offset(query.page.saturating_sub(1) * query.per_page)
        .limit(query.per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

/// A contract by id (contracts are public).
pub async fn contract<C: ConnectionTrait>(db: &C, id: i64) -> Result<contract::Model, FlowError> {
    contract::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// The contract an order made, if it has one.
pub async fn contract_of_order<C: ConnectionTrait>(
    db: &C,
    order_id: i64,
) -> Result<Option<contract::Model>, DbErr> {
    contract::Entity::find()
        .filter(contract::Column::OrderId.eq(order_id))
        .one(db)
        .await
}

/// The organisations that appear in the register as buyers and as suppliers (for filters).
pub async fn register_parties<C: ConnectionTrait>(db: &C) -> Result<(Vec<i64>, Vec<i64>), DbErr> {
    let buyers: Vec<i64> = contract::Entity::find()
        .select_only()
        .column(contract::Column::BuyerOrgId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    let suppliers: Vec<i64> = contract::Entity::find()
        .select_only()
        .column(contract::Column::SupplierOrgId)
        .distinct()
        .into_tuple()
        .all(db)
        .await?;
    Ok((buyers, suppliers))
}

/// An order by id, for the public contract page (which shows only what is published).
pub async fn order_by_id<C: ConnectionTrait>(db: &C, id: i64) -> Result<order::Model, FlowError> {
    order::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// The contracts of an organisation, as buyer or supplier, newest first (up to 200).
pub async fn contracts_of<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
) -> Result<Vec<contract::Model>, DbErr> {
    contract::Entity::find()
        .filter(
            sea_orm::Condition::any()
                .add(contract::Column::BuyerOrgId.eq(organisation_id))
                .add(contract::Column::SupplierOrgId.eq(organisation_id)),
        )
        .order_by_desc(contract::Column::Id)
        .limit(200)
        .all(db)
        .await
}
