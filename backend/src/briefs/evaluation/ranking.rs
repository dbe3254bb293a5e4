//! The moderator's agreed scores and the ranking they make.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::super::store;
use super::super::{Actor, FlowError, Viewer, published, responses};
use crate::domain::brief::Stage;
use crate::domain::brief::draft::{Brief, CriterionKind};
use crate::domain::brief::scoring::{self, Ranked};
use crate::entities::{brief, brief_response};
use crate::state::AppState;

use super::sheets::{parse_sheet, write_scores};
use super::{criteria, scorable, stage_open};

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
