//! Evaluation: the buyer names a panel of two or more colleagues and a moderator; each member
//! scores each eligible response on each criterion (0 to 4, with a comment) without seeing
//! the others' scores until they submit their own; the moderator records the agreed scores,
//! which rank the responses. With a prototype challenge, the best responses get a paid
//! challenge order each, the panel scores the prototypes on the challenge's rubric the same
//! way, and the final ranking combines the two stages as the brief stated.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use ocds_schema::model::TenderStatus;
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::drafting::{named, publish_tender};
use super::store::{self, status};
use super::{Actor, FlowError, Viewer, need, published, responses};
use crate::domain::brief::draft::{Brief, CriterionKind};
use crate::domain::brief::scoring::{self, Ranked};
use crate::domain::brief::{BriefStatus, MIN_PANEL, Stage};
use crate::domain::roles::Role;
use crate::entities::{brief, brief_panel_member, brief_response, brief_score, contract, user};
use crate::mail::BriefEvent;
use crate::publish::{self, ocids};
use crate::state::AppState;

/// Longest comment on a score.
pub const COMMENT_MAX: usize = 2000;

/// The criteria scored in `stage`, in order.
pub fn criteria(brief: &Brief, stage: Stage) -> Vec<String> {
    match stage {
        Stage::Proposal => brief
            .criteria()
            .iter()
            .map(|(_, c)| (*c).to_owned())
            .collect(),
        Stage::Challenge => brief
            .challenge
            .as_ref()
            .map(|c| c.rubric.clone())
            .unwrap_or_default(),
    }
}

/// The responses scored in `stage`: eligible ones for the written stage, shortlisted ones for
/// the challenge.
pub async fn scorable<C: ConnectionTrait>(
    db: &C,
    b: &brief::Model,
    stage: Stage,
) -> Result<Vec<brief_response::Model>, FlowError> {
    Ok(responses::opened(db, b)
        .await?
        .into_iter()
        .filter(|r| match stage {
            Stage::Proposal => r.result.as_deref() != Some("failed_essential"),
            Stage::Challenge => r.shortlisted,
        })
        .collect())
}

fn stage_open(b: &brief::Model, stage: Stage) -> Result<(), FlowError> {
    let s = status(b)?;
    let ok = match stage {
        Stage::Proposal => s == BriefStatus::Closed && b.proposal_agreed_at.is_none(),
        Stage::Challenge => s == BriefStatus::Challenge && b.challenge_agreed_at.is_none(),
    };
    if ok {
        Ok(())
    } else {
        Err(FlowError::Refused("scoring_closed"))
    }
}

/// Names the panel (at least two people of the buyer's organisation) and the moderator.
/// The panel can change until a member has submitted scores.
#[allow(clippy::too_many_arguments)]
pub async fn name_panel(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    roles: &[Role],
    id: i64,
    members: &[i64],
    moderator: i64,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    need(roles, &[Role::CanPublishBriefs, Role::CanAward])?;
    let mut members: Vec<i64> = members.to_vec();
    members.sort_unstable();
    members.dedup();
    if members.len() < MIN_PANEL {
        return Err(FlowError::field(
            "members",
            "panel_size",
            format!("Choose at least {MIN_PANEL} people for the panel"),
        ));
    }
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    if !matches!(status(&b)?, BriefStatus::Live | BriefStatus::Closed) {
        return Err(FlowError::Refused("scoring_closed"));
    }
    let colleagues = store::colleagues(&txn, who.organisation_id).await?;
    let known = |u: i64| colleagues.iter().any(|c| c.id == u);
    if !members.iter().all(|m| known(*m)) {
        return Err(FlowError::field(
            "members",
            "panel_member",
            "Choose people of your organisation",
        ));
    }
    if !known(moderator) {
        return Err(FlowError::field(
            "moderator",
            "panel_member",
            "Choose a moderator of your organisation",
        ));
    }
    let current = store::panel(&txn, id).await?;
    if current.iter().any(|m| m.proposal_submitted_at.is_some()) {
        return Err(FlowError::Refused("panel_scoring_started"));
    }
    brief_panel_member::Entity::delete_many()
        .filter(brief_panel_member::Column::BriefId.eq(id))
        .exec(&txn)
        .await?;
    for m in &members {
        brief_panel_member::ActiveModel {
            brief_id: Set(id),
            user_id: Set(*m),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    brief::Entity::update_many()
        .col_expr(brief::Column::ModeratorId, Expr::value(moderator))
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    let mut told: Vec<user::Model> = colleagues
        .into_iter()
        .filter(|c| members.contains(&c.id) || c.id == moderator)
        .filter(|c| !current.iter().any(|m| m.user_id == c.id))
        .collect();
    told.dedup_by_key(|u| u.id);
    super::mail_people(&txn, state, &told, &b, BriefEvent::Panel, String::new()).await?;
    actor
        .audit(
            &txn,
            "brief_panel_named",
            format!("brief {id}: {} members", members.len()),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

fn parse_sheet(
    entries: &[(String, String)],
    count: usize,
    comments_required: bool,
) -> Result<Vec<(u8, String)>, FlowError> {
    let mut errors = crate::domain::errors::FieldErrors::new();
    let mut parsed = Vec::new();
    for i in 0..count {
        let (score, comment) = entries.get(i).cloned().unwrap_or_default();
        let comment = comment.trim().to_owned();
        match scoring::parse_score(&score) {
            Some(s) => parsed.push((s, comment.clone())),
            None => {
                errors.insert(
                    format!("score_{i}"),
                    crate::domain::errors::FieldError {
                        code: "score".into(),
                        message: "Score from 0 to 4".into(),
                    },
                );
            }
        }
        if comments_required && comment.is_empty() {
            errors.insert(
                format!("comment_{i}"),
                crate::domain::errors::FieldError {
                    code: "score_comment".into(),
                    message: "Say why you gave this score".into(),
                },
            );
        } else if comment.chars().count() > COMMENT_MAX {
            errors.insert(
                format!("comment_{i}"),
                crate::domain::errors::FieldError {
                    code: "too_long".into(),
                    message: format!("Write at most {COMMENT_MAX} characters"),
                },
            );
        }
    }
    if errors.is_empty() {
        Ok(parsed)
    } else {
        Err(FlowError::Invalid(errors))
    }
}

async fn write_scores<C: ConnectionTrait>(
    txn: &C,
    b: &brief::Model,
    response_id: i64,
    stage: Stage,
    user_id: i64,
    agreed: bool,
    sheet: &[(u8, String)],
) -> Result<(), FlowError> {
    brief_score::Entity::delete_many()
        .filter(brief_score::Column::ResponseId.eq(response_id))
        .filter(brief_score::Column::Stage.eq(stage.as_str()))
        .filter(brief_score::Column::UserId.eq(user_id))
        .filter(brief_score::Column::Agreed.eq(agreed))
        .exec(txn)
        .await?;
    let now = Utc::now();
    for (i, (score, comment)) in sheet.iter().enumerate() {
        brief_score::ActiveModel {
            brief_id: Set(b.id),
            response_id: Set(response_id),
            stage: Set(stage.as_str().into()),
            user_id: Set(user_id),
            agreed: Set(agreed),
            criterion: Set(i as i32),
            score: Set(i32::from(*score)),
            comment: Set(comment.clone()),
            scored_at: Set(now),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// A panel member scores one response in `stage`. Refused to anyone not on the panel, and
/// to a member who already submitted their scores for the stage.
pub async fn score(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    stage: Stage,
    response_id: i64,
    entries: &[(String, String)],
) -> Result<(), FlowError> {
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    let panel = store::panel(&txn, id).await?;
    let me = panel
        .iter()
        .find(|m| m.user_id == who.user_id)
        .ok_or(FlowError::Refused("not_on_panel"))?;
    stage_open(&b, stage)?;
    if store::submitted(me, stage) {
        return Err(FlowError::Refused("scores_submitted"));
    }
    let brief = published(&b)?;
    let r = scorable(&txn, &b, stage)
        .await?
        .into_iter()
        .find(|r| r.id == response_id)
        .ok_or(FlowError::NotFound)?;
    let sheet = parse_sheet(entries, criteria(&brief, stage).len(), true)?;
    write_scores(&txn, &b, r.id, stage, who.user_id, false, &sheet).await?;
    actor
        .audit(
            &txn,
            "brief_scored",
            format!("brief {id}: response {response_id}, {}", stage.as_str()),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

/// A panel member submits their scores for `stage`: every response scored on every
/// criterion. Only then do they see the others' scores.
pub async fn submit_scores(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    stage: Stage,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    let panel = store::panel(&txn, id).await?;
    let me = panel
        .iter()
        .find(|m| m.user_id == who.user_id)
        .ok_or(FlowError::Refused("not_on_panel"))?;
    stage_open(&b, stage)?;
    if store::submitted(me, stage) {
        return Err(FlowError::Refused("scores_submitted"));
    }
    let brief = published(&b)?;
    let needed = criteria(&brief, stage).len();
    let mine: Vec<brief_score::Model> = store::scores_for(&txn, &b, stage, who.user_id)
        .await?
        .into_iter()
        .filter(|s| s.user_id == who.user_id && !s.agreed)
        .collect();
    for r in scorable(&txn, &b, stage).await? {
        if mine.iter().filter(|s| s.response_id == r.id).count() < needed {
            return Err(FlowError::Refused("scores_incomplete"));
        }
    }
    let column = match stage {
        Stage::Proposal => brief_panel_member::Column::ProposalSubmittedAt,
        Stage::Challenge => brief_panel_member::Column::ChallengeSubmittedAt,
    };
    brief_panel_member::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .filter(brief_panel_member::Column::Id.eq(me.id))
        .exec(&txn)
        .await?;
    actor
        .audit(
            &txn,
            "brief_scores_submitted",
            format!("brief {id}: {}", stage.as_str()),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

/// The moderator records the agreed scores of `stage` once every member has submitted, and
/// the responses are ranked. `agreed` holds, per response, its sheet (score, comment).
pub async fn agree(
    state: &AppState,
    actor: &Actor,
    who: Viewer,
    id: i64,
    stage: Stage,
    agreed: &HashMap<i64, Vec<(String, String)>>,
    now: DateTime<Utc>,
) -> Result<(), FlowError> {
    let txn = state.begin_write().await?;
    let b = store::own(&txn, id, who).await?;
    if b.moderator_id != Some(who.user_id) {
        return Err(FlowError::Refused("not_moderator"));
    }
    stage_open(&b, stage)?;
    let panel = store::panel(&txn, id).await?;
    if !store::all_submitted(&panel, stage) {
        return Err(FlowError::Refused("panel_not_submitted"));
    }
    let brief = published(&b)?;
    let count = criteria(&brief, stage).len();
    let rows = scorable(&txn, &b, stage).await?;
    let mut sheets = HashMap::new();
    for r in &rows {
        let entries = agreed.get(&r.id).cloned().unwrap_or_default();
        let sheet = parse_sheet(&entries, count, false).map_err(|e| match e {
            FlowError::Invalid(fields) => FlowError::Invalid(
                fields
                    .into_iter()
                    .map(|(k, v)| (format!("r{}_{k}", r.id), v))
                    .collect(),
            ),
            other => other,
        })?;
        write_scores(&txn, &b, r.id, stage, who.user_id, true, &sheet).await?;
        sheets.insert(r.id, sheet);
    }
    let ranking = match stage {
        Stage::Proposal => proposal_ranking(&brief, &rows, &sheets),
        Stage::Challenge => challenge_ranking(&brief, &rows, &sheets),
    };
    responses::store_ranking(&txn, &ranking).await?;
    let column = match stage {
        Stage::Proposal => brief::Column::ProposalAgreedAt,
        Stage::Challenge => brief::Column::ChallengeAgreedAt,
    };
    brief::Entity::update_many()
        .col_expr(column, Expr::value(now))
        .col_expr(brief::Column::UpdatedAt, Expr::value(now))
        .filter(brief::Column::Id.eq(id))
        .exec(&txn)
        .await?;
    actor
        .audit(
            &txn,
            "brief_scores_agreed",
            format!(
                "brief {id}: {}, {} responses ranked",
                stage.as_str(),
                rows.len()
            ),
        )
        .await?;
    txn.commit().await?;
    Ok(())
}

type Ranking = Vec<(i64, Option<Decimal>, Option<Decimal>, Decimal)>;

fn proposal_ranking(
    brief: &Brief,
    rows: &[brief_response::Model],
    sheets: &HashMap<i64, Vec<(u8, String)>>,
) -> Ranking {
    let kinds: Vec<CriterionKind> = brief.criteria().iter().map(|(k, _)| *k).collect();
    let lowest = rows
        .iter()
        .filter_map(|r| r.price)
        .min()
        .unwrap_or_default();
    let ranked = scoring::rank(
        rows.iter()
            .map(|r| {
                let sheet = sheets.get(&r.id).cloned().unwrap_or_default();
                let pick = |want: &[CriterionKind]| -> Vec<u8> {
                    sheet
                        .iter()
                        .zip(&kinds)
                        .filter(|(_, k)| want.contains(k))
                        .map(|((s, _), _)| *s)
                        .collect()
                };
                let technical = pick(&[CriterionKind::Essential, CriterionKind::Nice]);
                let cultural = pick(&[CriterionKind::Cultural]);
                let price = r.price.unwrap_or_default();
                Ranked {
                    id: r.id,
                    total: scoring::proposal_total(
                        brief.weights,
                        &technical,
                        &cultural,
                        price,
                        lowest,
                    ),
                    price,
                }
            })
            .collect(),
    );
    ranked
        .into_iter()
        .map(|r| (r.id, Some(r.total), None, r.total))
        .collect()
}

fn challenge_ranking(
    brief: &Brief,
    rows: &[brief_response::Model],
    sheets: &HashMap<i64, Vec<(u8, String)>>,
) -> Ranking {
    let weight = brief.challenge.as_ref().map_or(0, |c| c.weight);
    let scored: Vec<(Ranked, Decimal)> = rows
        .iter()
        .map(|r| {
            let scores: Vec<u8> = sheets
                .get(&r.id)
                .map(|s| s.iter().map(|(v, _)| *v).collect())
                .unwrap_or_default();
            let challenge = scoring::percent(&scores);
            let proposal = r.proposal_total.unwrap_or_default();
            (
                Ranked {
                    id: r.id,
                    total: scoring::combined(proposal, challenge, weight),
                    price: r.price.unwrap_or_default(),
                },
                challenge,
            )
        })
        .collect();
    let challenge_of: HashMap<i64, Decimal> = scored.iter().map(|(r, c)| (r.id, *c)).collect();
    scoring::rank(scored.into_iter().map(|(r, _)| r).collect())
        .into_iter()
        .map(|r| (r.id, None, challenge_of.get(&r.id).copied(), r.total))
        .collect()
}

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
    let ctx = super::ocds::Context {
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
        let body =
            super::ocds::challenge_order(&order, &b, &ctx, &supplier, &challenge.deliverables);
        publish::publish(
            &txn,
            &state.publisher,
            &order.ocid,
            &["award", "contract"],
            body,
        )
        .await?;
        links.push(super::ocds::challenge_link(&order, &supplier));
        super::mail_supplier(
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
