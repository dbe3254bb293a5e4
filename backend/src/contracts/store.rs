//! The contract delivery store: the only code that reads or writes modules, milestones,
//! deliveries, changes, ratings and benefit reports. Access rules live here: a contract's
//! working page belongs to its two organisations only; evidence files are theirs alone;
//! ratings are public only once published.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::{Change, Contract, Delivery, FlowError, Milestone, Module, Rating, Report, Viewer};
use crate::domain::contract::{ChangeStatus, MilestoneStatus, Side};
use crate::entities::{
    benefit_report, contract, contract_change, contract_delivery, contract_milestone,
    contract_module, contract_rating,
};

/// Everything that happened on one contract, in order: what its pages and releases show.
#[derive(Clone, Debug)]
pub struct Timeline {
    /// The contract.
    pub contract: Contract,
    /// Its modules, first to last.
    pub modules: Vec<Module>,
    /// Its milestones, by number.
    pub milestones: Vec<Milestone>,
    /// Every delivery, by milestone then number.
    pub deliveries: Vec<Delivery>,
    /// Its changes, oldest first.
    pub changes: Vec<Change>,
    /// Its ratings, oldest first.
    pub ratings: Vec<Rating>,
    /// Its benefit reports, by period.
    pub reports: Vec<Report>,
}

impl Timeline {
    /// The deliveries of one milestone, first to last.
    pub fn deliveries_of(&self, milestone_id: i64) -> impl Iterator<Item = &Delivery> {
        self.deliveries
            .iter()
            .filter(move |d| d.milestone_id == milestone_id)
    }

    /// The milestone's status.
    pub fn status(m: &Milestone) -> MilestoneStatus {
        MilestoneStatus::parse(&m.status).unwrap_or(MilestoneStatus::Planned)
    }

    /// The contract's value when it was signed.
    pub fn original_value(&self) -> rust_decimal::Decimal {
        self.contract.original_value.unwrap_or_else(|| {
            self.changes
                .iter()
                .find(|c| ChangeStatus::parse(&c.status) == Some(ChangeStatus::Approved))
                .map_or(self.contract.value, |c| c.value_before)
        })
    }
}

/// A contract by id.
pub async fn contract<C: ConnectionTrait>(db: &C, id: i64) -> Result<Contract, FlowError> {
    contract::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// A contract for one of its two sides, with the side `who` is on; anyone else: not found.
pub async fn contract_for<C: ConnectionTrait>(
    db: &C,
    id: i64,
    who: Viewer,
) -> Result<(Contract, Side), FlowError> {
    let c = contract(db, id).await?;
    let side = super::side_of(&c, who)?;
    Ok((c, side))
}

/// The whole timeline of a contract.
pub async fn timeline<C: ConnectionTrait>(db: &C, c: Contract) -> Result<Timeline, FlowError> {
    let modules = contract_module::Entity::find()
        .filter(contract_module::Column::ContractId.eq(c.id))
        .order_by_asc(contract_module::Column::Number)
        .all(db)
        .await?;
    let milestones = contract_milestone::Entity::find()
        .filter(contract_milestone::Column::ContractId.eq(c.id))
        .order_by_asc(contract_milestone::Column::Number)
        .all(db)
        .await?;
    let ids: Vec<i64> = milestones.iter().map(|m| m.id).collect();
    let deliveries = if ids.is_empty() {
        Vec::new()
    } else {
        contract_delivery::Entity::find()
            .filter(contract_delivery::Column::MilestoneId.is_in(ids))
            .order_by_asc(contract_delivery::Column::MilestoneId)
            .order_by_asc(contract_delivery::Column::Number)
            .all(db)
            .await?
    };
    let changes = contract_change::Entity::find()
        .filter(contract_change::Column::ContractId.eq(c.id))
        .order_by_asc(contract_change::Column::Id)
        .all(db)
        .await?;
    let ratings = contract_rating::Entity::find()
        .filter(contract_rating::Column::ContractId.eq(c.id))
        .order_by_asc(contract_rating::Column::Id)
        .all(db)
        .await?;
    let reports = benefit_report::Entity::find()
        .filter(benefit_report::Column::ContractId.eq(c.id))
        .order_by_asc(benefit_report::Column::Period)
        .all(db)
        .await?;
    Ok(Timeline {
        contract: c,
        modules,
        milestones,
        deliveries,
        changes,
        ratings,
        reports,
    })
}

/// A milestone of contract `contract_id`.
pub async fn milestone<C: ConnectionTrait>(
    db: &C,
    contract_id: i64,
    milestone_id: i64,
) -> Result<Milestone, FlowError> {
    contract_milestone::Entity::find_by_id(milestone_id)
        .filter(contract_milestone::Column::ContractId.eq(contract_id))
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// The delivery of a milestone waiting for a decision.
pub async fn pending_delivery<C: ConnectionTrait>(
    db: &C,
    milestone_id: i64,
) -> Result<Option<Delivery>, FlowError> {
    Ok(contract_delivery::Entity::find()
        .filter(contract_delivery::Column::MilestoneId.eq(milestone_id))
        .filter(contract_delivery::Column::Decision.eq("pending"))
        .one(db)
        .await?)
}

/// A delivery's evidence file, for one of the contract's two sides only.
pub async fn evidence<C: ConnectionTrait>(
    db: &C,
    contract_id: i64,
    delivery_id: i64,
    who: Viewer,
) -> Result<Delivery, FlowError> {
    let c = contract(db, contract_id).await?;
    super::side_of(&c, who)?;
    let d = contract_delivery::Entity::find_by_id(delivery_id)
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)?;
    milestone(db, contract_id, d.milestone_id).await?;
    Ok(d)
}

/// A change of contract `contract_id`.
pub async fn change<C: ConnectionTrait>(
    db: &C,
    contract_id: i64,
    change_id: i64,
) -> Result<Change, FlowError> {
    contract_change::Entity::find_by_id(change_id)
        .filter(contract_change::Column::ContractId.eq(contract_id))
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// A rating of contract `contract_id`.
pub async fn rating<C: ConnectionTrait>(
    db: &C,
    contract_id: i64,
    rating_id: i64,
) -> Result<Rating, FlowError> {
    contract_rating::Entity::find_by_id(rating_id)
        .filter(contract_rating::Column::ContractId.eq(contract_id))
        .one(db)
        .await?
        .ok_or(FlowError::NotFound)
}

/// The published ratings of a supplier: what its public profile averages.
pub async fn published_ratings_of<C: ConnectionTrait>(
    db: &C,
    supplier_org_id: i64,
) -> Result<Vec<Rating>, FlowError> {
    let contracts: Vec<i64> = contract::Entity::find()
        .filter(contract::Column::SupplierOrgId.eq(supplier_org_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    if contracts.is_empty() {
        return Ok(Vec::new());
    }
    Ok(contract_rating::Entity::find()
        .filter(contract_rating::Column::ContractId.is_in(contracts))
        .filter(contract_rating::Column::PublishedAt.is_not_null())
        .order_by_asc(contract_rating::Column::Id)
        .all(db)
        .await?)
}

/// Ratings that are public by `now` but not yet published.
pub async fn ratings_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<Vec<Rating>, FlowError> {
    Ok(contract_rating::Entity::find()
        .filter(contract_rating::Column::PublishedAt.is_null())
        .filter(contract_rating::Column::PublicAt.lte(now))
        .order_by_asc(contract_rating::Column::ContractId)
        .all(db)
        .await?)
}

/// Marks a contract's ratings public by `now` as published; returns how many.
pub async fn publish_ratings<C: ConnectionTrait>(
    db: &C,
    contract_id: i64,
    now: DateTime<Utc>,
) -> Result<u64, FlowError> {
    Ok(contract_rating::Entity::update_many()
        .col_expr(contract_rating::Column::PublishedAt, Expr::value(now))
        .filter(contract_rating::Column::ContractId.eq(contract_id))
        .filter(contract_rating::Column::PublishedAt.is_null())
        .filter(contract_rating::Column::PublicAt.lte(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Active contracts whose end date has passed.
pub async fn ending_due<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> Result<Vec<Contract>, FlowError> {
    Ok(contract::Entity::find()
        .filter(contract::Column::Status.eq("active"))
        .filter(contract::Column::Route.is_in(["brief", "award"]))
        .filter(contract::Column::EndAt.lte(now))
        .order_by_asc(contract::Column::Id)
        .all(db)
        .await?)
}

/// Contracts made by a brief (the ones that may have a business case).
pub async fn brief_contracts<C: ConnectionTrait>(db: &C) -> Result<Vec<Contract>, FlowError> {
    Ok(contract::Entity::find()
        .filter(contract::Column::Route.eq("brief"))
        .order_by_asc(contract::Column::Id)
        .all(db)
        .await?)
}

/// The contracts of an organisation on one side, newest first.
pub async fn contracts_on<C: ConnectionTrait>(
    db: &C,
    organisation_id: i64,
    side: Side,
) -> Result<Vec<Contract>, FlowError> {
    let column = match side {
        Side::Buyer => contract::Column::BuyerOrgId,
        Side::Supplier => contract::Column::SupplierOrgId,
    };
    Ok(contract::Entity::find()
        .filter(column.eq(organisation_id))
        .order_by_desc(contract::Column::Id)
        .all(db)
        .await?)
}
