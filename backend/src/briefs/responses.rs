//! Responses to briefs, and the store that keeps them sealed.
//!
//! This file is the only code that reads `brief_responses` (a test fails on any other). Before
//! a brief's closing time, the only read is a supplier reading its own response; nothing
//! counts them, lists them or shows them to the buyer or to platform staff. Saving a response
//! writes no audit entry and sends no e-mail, since either would tell platform staff that a
//! response exists: the submission time is kept on the response, and the opening records one
//! audit entry per response once the brief has closed.
//!
//! At closing the clock opens the responses ([`open_due`]): drafts never submitted stay
//! sealed for good, and a submitted response whose supplier does not meet an essential
//! criterion, or gave it no evidence, is marked as failing it.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};

use super::store::{self, status};
use super::{Actor, FlowError, Viewer};
use crate::domain::brief::BriefStatus;
pub use crate::domain::brief::response::{Answers, EVIDENCE_MAX, ResponseInput};
use crate::domain::brief::response::{check, check_links, failed_essential};
use crate::entities::{brief, brief_response};
use crate::state::AppState;

/// Read a stored response's answers.
pub fn answers(r: &brief_response::Model) -> Answers {
    serde_json::from_str(&r.answers).unwrap_or_default()
}

/// The responses are open: the brief closed and the clock opened them (which it does only
/// once the closing time has passed).
pub fn is_open(b: &brief::Model) -> bool {
    status(b).is_ok_and(|s| !s.is_sealed()) && b.opened_at.is_some()
}

/// The supplier's own response to a brief, whatever its state (theirs to read at any time).
pub async fn own<C: ConnectionTrait>(
    db: &C,
    brief_id: i64,
    supplier_org_id: i64,
) -> Result<Option<brief_response::Model>, FlowError> {
    Ok(brief_response::Entity::find()
        .filter(brief_response::Column::BriefId.eq(brief_id))
        .filter(brief_response::Column::SupplierOrgId.eq(supplier_org_id))
        .one(db)
        .await?)
}

/// The submitted responses of a brief, once opened. Refused while sealed, whoever asks.
pub async fn opened<C: ConnectionTrait>(
    db: &C,
    b: &brief::Model,
) -> Result<Vec<brief_response::Model>, FlowError> {
    if !is_open(b) {
        return Err(FlowError::Refused("responses_sealed"));
    }
    Ok(brief_response::Entity::find()
        .filter(brief_response::Column::BriefId.eq(b.id))
        .filter(brief_response::Column::SubmittedAt.is_not_null())
        .order_by_asc(brief_response::Column::Id)
        .all(db)
        .await?)
}

/// The responses a supplier organisation submitted, across briefs, for its dashboard.
pub async fn submitted_by<C: ConnectionTrait>(
    db: &C,
    supplier_org_id: i64,
) -> Result<Vec<brief_response::Model>, FlowError> {
    Ok(brief_response::Entity::find()
        .filter(brief_response::Column::SupplierOrgId.eq(supplier_org_id))
        .order_by_desc(brief_response::Column::Id)
        .all(db)
        .await?)
}

/// Saves a supplier's response as a draft, or submits it. Either can be done again until the
/// closing time; after it, nothing changes.
pub async fn save(
    state: &AppState,
    who: Viewer,
    brief_id: i64,
    input: &ResponseInput,
    submit: bool,
    now: DateTime<Utc>,
) -> Result<brief_response::Model, FlowError> {
    let txn = state.begin_write().await?;
    let b = store::brief(&txn, brief_id).await?;
    if status(&b)? != BriefStatus::Live || b.closing_at.is_none_or(|c| c <= now) {
        return Err(FlowError::Refused("brief_closed"));
    }
    if !store::on_lot(&txn, &b, who.organisation_id).await? {
        return Err(FlowError::Refused("not_on_lot"));
    }
    let brief = super::published(&b)?;
    let existing = own(&txn, brief_id, who.organisation_id).await?;
    // A submitted response stays submitted: a change to it must be complete too, so that
    // what is opened is always a whole response.
    let submit = submit || existing.as_ref().is_some_and(|r| r.submitted_at.is_some());
    let (price, available) = check(&brief, input, submit).map_err(FlowError::Invalid)?;
    let answers = Answers {
        evidence: input.evidence.iter().map(|e| e.trim().to_owned()).collect(),
        meets: input.meets.clone(),
    };
    let json = serde_json::to_string(&answers).map_err(anyhow::Error::from)?;
    let saved = match existing {
        Some(r) => {
            let mut active = r.into_active_model();
            active.answers = Set(json);
            active.price = Set(price);
            active.currency = Set(b.currency.clone());
            active.available_from = Set(available);
            active.updated_at = Set(now);
            if submit {
                active.status = Set("submitted".into());
                active.submitted_at = Set(Some(now));
            }
            active.update(&txn).await?
        }
        None => {
            brief_response::ActiveModel {
                brief_id: Set(brief_id),
                supplier_org_id: Set(who.organisation_id),
                created_by: Set(who.user_id),
                status: Set(if submit { "submitted" } else { "draft" }.into()),
                answers: Set(json),
                price: Set(price),
                currency: Set(b.currency.clone()),
                available_from: Set(available),
                submitted_at: Set(submit.then_some(now)),
                shortlisted: Set(false),
                created_at: Set(now),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?
        }
    };
    txn.commit().await?;
    Ok(saved)
}

/// Opens the responses of every live brief whose closing time has passed. Returns how many
/// briefs were opened.
pub async fn open_due(state: &AppState, now: DateTime<Utc>) -> Result<usize, FlowError> {
    let due = brief::Entity::find()
        .filter(brief::Column::Status.eq(BriefStatus::Live.as_str()))
        .filter(brief::Column::ClosingAt.lte(now))
        .order_by_asc(brief::Column::Id)
        .all(&state.db)
        .await?;
    let mut opened_count = 0;
    for b in due {
        if open(state, &b, now).await? {
            opened_count += 1;
        }
    }
    Ok(opened_count)
}

async fn open(state: &AppState, b: &brief::Model, now: DateTime<Utc>) -> Result<bool, FlowError> {
    let txn = state.begin_write().await?;
    let claimed = brief::Entity::update_many()
        .col_expr(
            brief::Column::Status,
            Expr::value(BriefStatus::Closed.as_str()),
        )
        .col_expr(brief::Column::OpenedAt, Expr::value(now))
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(b.id))
        .filter(brief::Column::Status.eq(BriefStatus::Live.as_str()))
        .filter(brief::Column::ClosingAt.lte(now))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Ok(false);
    }
    let brief = super::published(b)?;
    let submitted = brief_response::Entity::find()
        .filter(brief_response::Column::BriefId.eq(b.id))
        .filter(brief_response::Column::SubmittedAt.is_not_null())
        .order_by_asc(brief_response::Column::Id)
        .all(&txn)
        .await?;
    let clock = Actor::clock();
    for r in &submitted {
        let a = answers(r);
        let mut active = r.clone().into_active_model();
        match failed_essential(&brief, &a) {
            Some(criterion) => {
                active.result = Set(Some("failed_essential".into()));
                active.fail_reason = Set(Some(criterion.to_owned()));
            }
            None => active.result = Set(Some("eligible".into())),
        }
        active.update(&txn).await?;
        clock
            .audit(
                &txn,
                "brief_response_submitted",
                format!(
                    "brief {}: response {} of organisation {} submitted at {}",
                    b.id,
                    r.id,
                    r.supplier_org_id,
                    r.submitted_at.map(|t| t.to_rfc3339()).unwrap_or_default()
                ),
            )
            .await?;
    }
    clock
        .audit(
            &txn,
            "brief_opened",
            format!("brief {}: {} responses opened", b.id, submitted.len()),
        )
        .await?;
    super::mail_buyer(
        &txn,
        state,
        b,
        crate::mail::BriefEvent::Opened,
        submitted.len().to_string(),
    )
    .await?;
    txn.commit().await?;
    Ok(true)
}

/// Records the outcome on each response at the award: `awarded` or `unsuccessful`.
pub async fn mark_outcome<C: ConnectionTrait>(
    db: &C,
    brief_id: i64,
    winner: Option<i64>,
) -> Result<(), FlowError> {
    let rows = brief_response::Entity::find()
        .filter(brief_response::Column::BriefId.eq(brief_id))
        .filter(brief_response::Column::SubmittedAt.is_not_null())
        .all(db)
        .await?;
    for r in rows {
        let result = if Some(r.id) == winner {
            "awarded".to_owned()
        } else if r.result.as_deref() == Some("failed_essential") {
            continue;
        } else {
            "unsuccessful".to_owned()
        };
        let mut active = r.into_active_model();
        active.result = Set(Some(result));
        active.update(db).await?;
    }
    Ok(())
}

/// Stores the agreed totals and ranks of a stage on the responses.
pub async fn store_ranking<C: ConnectionTrait>(
    db: &C,
    ranking: &[(i64, Option<Decimal>, Option<Decimal>, Decimal)],
) -> Result<(), FlowError> {
    for (place, (id, proposal, challenge, total)) in ranking.iter().enumerate() {
        let Some(r) = brief_response::Entity::find_by_id(*id).one(db).await? else {
            continue;
        };
        let mut active = r.into_active_model();
        if let Some(p) = proposal {
            active.proposal_total = Set(Some(*p));
        }
        if let Some(c) = challenge {
            active.challenge_total = Set(Some(*c));
        }
        active.final_total = Set(Some(*total));
        active.rank = Set(Some(place as i32 + 1));
        active.update(db).await?;
    }
    Ok(())
}

/// Marks the shortlisted responses for the challenge.
pub async fn shortlist<C: ConnectionTrait>(db: &C, ids: &[i64]) -> Result<(), FlowError> {
    brief_response::Entity::update_many()
        .col_expr(brief_response::Column::Shortlisted, Expr::value(true))
        .filter(brief_response::Column::Id.is_in(ids.iter().copied()))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a shortlisted supplier's prototype: its open repository and demo links.
pub async fn submit_prototype(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    brief_id: i64,
    repository: &str,
    demo: &str,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    check_links(repository, demo).map_err(FlowError::Invalid)?;
    let txn = state.begin_write().await?;
    let b = store::brief(&txn, brief_id).await?;
    if status(&b)? != BriefStatus::Challenge {
        return Err(FlowError::Refused("not_in_challenge"));
    }
    let r = own(&txn, brief_id, who.organisation_id)
        .await?
        .filter(|r| r.shortlisted)
        .ok_or(FlowError::Refused("not_shortlisted"))?;
    let mut active = r.into_active_model();
    active.challenge_repository = Set(Some(repository.trim().to_owned()));
    active.challenge_demo = Set(Some(demo.trim().to_owned()));
    active.challenge_submitted_at = Set(Some(now));
    active.update(&txn).await?;
    actor
        .audit(
            &txn,
            "brief_prototype_submitted",
            format!("brief {brief_id}"),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}
