//! The paid prototype challenge: the best responses each get a challenge order.

use chrono::{DateTime, Duration, Utc};
use ocds_schema::model::TenderStatus;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::super::drafting::{named, publish_tender};
use super::super::store::{self, status};
use super::super::{Actor, FlowError, Viewer, need, published, responses};
use crate::domain::brief::{BriefStatus, Stage};
use crate::domain::roles::Role;
use crate::entities::{brief, brief_response, contract};
use crate::mail::BriefEvent;
use crate::publish::{self, ocids};
use crate::state::AppState;

use super::scorable;

/// Starts the prototype challenge: the best responses of the agreed ranking (as many as the
/// brief said to shortlist) each get a paid challenge order, a small contract of its own
/// published as a process related to the brief.
pub async fn start_challenge(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CanAward, Role::CanPublishBriefs])?;
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    status(&b)?
        .check_transition(BriefStatus::Challenge)
        .map_err(|_| FlowError::Refused("scoring_closed"))?;
    if b.proposal_agreed_at.is_none() {
        return Err(FlowError::Refused("scores_not_agreed"));
    }
    let brief = published(&b)?;
    let challenge = brief
        .challenge
        .clone()
        .ok_or(FlowError::Refused("no_challenge"))?;
    let mut ranked: Vec<brief_response::Model> = scorable(&txn, &b, Stage::Proposal)
        .await?
        .into_iter()
        .filter(|r| r.rank.is_some())
        .collect();
    ranked.sort_by_key(|r| r.rank);
    ranked.truncate(brief.shortlist as usize);
    if ranked.is_empty() {
        return Err(FlowError::Refused("nobody_to_shortlist"));
    }
    let claimed = brief::Entity::update_many()
        .col_expr(
            brief::Column::Status,
            Expr::value(BriefStatus::Challenge.as_str()),
        )
        .col_expr(brief::Column::ChallengeStartedAt, Expr::value(now))
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(id))
        .filter(brief::Column::Status.eq(BriefStatus::Closed.as_str()))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(FlowError::Refused("changed_concurrently"));
    }
    let ids: Vec<i64> = ranked.iter().map(|r| r.id).collect();
    responses::shortlist(&txn, &ids).await?;
    let n = named(&txn, &b).await?;
    let ctx = super::super::ocds::Context {
        buyer: &n.buyer,
        framework: &n.framework,
        framework_ocid: &n.framework.ocid,
        lot_name: &n.lot_name,
        public_url: &state.config.public_url,
    };
    let mut links = Vec::new();
    for r in &ranked {
        let supplier = crate::frameworks::store::organisation(&txn, r.supplier_org_id).await?;
        let order = contract::ActiveModel {
            ocid: Set(format!("pending-{}", uuid::Uuid::new_v4())),
            route: Set("challenge".into()),
            brief_id: Set(Some(b.id)),
            buyer_org_id: Set(b.buyer_org_id),
            supplier_org_id: Set(r.supplier_org_id),
            framework_id: Set(b.framework_id),
            lots: Set(b.lot.clone()),
            title: Set(format!("Prototype challenge: {}", brief.title)
                .chars()
                .take(300)
                .collect()),
            value: Set(challenge.stipend.amount()),
            currency: Set(challenge.stipend.code().to_owned()),
            start_at: Set(now),
            end_at: Set(now + Duration::weeks(i64::from(challenge.weeks))),
            status: Set("active".into()),
            signed_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let ocid = ocids::call_off_ocid(
            &state.config.ocid_prefix,
            ocids::CallOff::Challenge,
            order.id,
        );
        contract::Entity::update_many()
            .col_expr(contract::Column::Ocid, Expr::value(ocid.clone()))
            .filter(contract::Column::Id.eq(order.id))
            .exec(&txn)
            .await?;
        let order = contract::Model { ocid, ..order };
        let body = super::super::ocds::challenge_order(
            &order,
            &b,
            &ctx,
            &supplier,
            &challenge.deliverables,
        );
        publish::publish(
            &txn,
            &state.publisher,
            &order.ocid,
            &["award", "contract"],
            body,
        )
        .await?;
        links.push(super::super::ocds::challenge_link(&order, &supplier));
        super::super::mail_supplier(
            &txn,
            state,
            r.supplier_org_id,
            &b,
            BriefEvent::Challenge,
            crate::buying::money_text(challenge.stipend.amount(), challenge.stipend.code(), "en"),
        )
        .await?;
    }
    let b = store::brief(&txn, id).await?;
    publish_tender(
        &txn,
        state,
        &b,
        &["tenderUpdate"],
        TenderStatus::Active,
        None,
        links,
    )
    .await?;
    actor
        .audit(
            &txn,
            "brief_challenge_started",
            format!("brief {id}: {} suppliers", ranked.len()),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}
