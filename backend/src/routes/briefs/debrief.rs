//! A supplier's debrief after the decision, and its complaint in the standstill.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use marco_frontend::briefs::{DebriefPage, DebriefRow};
use marco_frontend::forms::Form;
use marco_frontend::frameworks::Fact;

use super::{NoticeQuery, parse_id, see, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::briefs::{FlowError, award, store};
use crate::buying::money_text;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{
    check_csrf, first, form_values, moment, problem_form, unprocessable,
};
use crate::state::AppState;

async fn debrief_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: i64,
    form: Form,
    notice: Option<String>,
) -> Result<DebriefPage, AppError> {
    let d = award::debrief(&state.db, viewer(user), id).await?;
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let fact = |label: &str, value: String| Fact {
        label: tr.t(label),
        value,
    };
    let mut facts = vec![
        fact(
            "debrief-result",
            tr.t(&format!(
                "brief-result-{}",
                d.own.result.as_deref().unwrap_or("unsuccessful")
            )),
        ),
        fact("brief-responses-count", d.responses.to_string()),
    ];
    if let Some(reason) = &d.own.fail_reason {
        facts.push(fact("debrief-failed", reason.clone()));
    }
    if let Some(rank) = d.own.rank {
        facts.push(fact("manage-rank", rank.to_string()));
    }
    if let Some(t) = d.own.final_total {
        facts.push(fact("debrief-your-total", t.normalize().to_string()));
    }
    if let Some(w) = &d.winner {
        if let Some(t) = w.final_total {
            facts.push(fact("debrief-winner-total", t.normalize().to_string()));
        }
        if let (Some(p), Some(c)) = (w.price, w.currency.as_deref()) {
            facts.push(fact("debrief-winner-price", money_text(p, c, lang)));
        }
    }
    if let Some(reason) = d
        .brief
        .award_reason
        .clone()
        .or(d.brief.not_awarded_reason.clone())
    {
        facts.push(fact("debrief-reason", reason));
    }
    if let Some(at) = d.brief.standstill_ends_at {
        facts.push(fact("brief-standstill-ends", moment(at)));
    }
    let mut rows = Vec::new();
    for (stage, criteria) in &d.criteria {
        let label = tr.t(&format!("brief-stage-{}", stage.as_str()));
        for (i, c) in criteria.iter().enumerate() {
            let find = |lines: &[store::ScoreLine]| {
                lines
                    .iter()
                    .find(|l| l.stage == *stage && l.criterion == i)
                    .cloned()
            };
            let own = find(&d.own_scores);
            let winner = find(&d.winner_scores);
            if own.is_none() && winner.is_none() {
                continue;
            }
            rows.push(DebriefRow {
                stage: label.clone(),
                criterion: c.clone(),
                own: own
                    .as_ref()
                    .map(|l| l.score.to_string())
                    .unwrap_or_else(|| "—".into()),
                comment: own.map(|l| l.comment).unwrap_or_default(),
                winner: winner
                    .map(|l| l.score.to_string())
                    .unwrap_or_else(|| "—".into()),
            });
        }
    }
    let now = Utc::now();
    let can_complain = d.brief.status == "standstill"
        && d.brief.standstill_ends_at.is_some_and(|e| e > now)
        && Some(d.own.id) != d.brief.awarded_response_id
        && !d.complaints.iter().any(|c| c.replied_at.is_none());
    Ok(DebriefPage {
        id,
        title: d.brief.title.clone(),
        facts,
        rows,
        can_complain,
        complaints: d
            .complaints
            .iter()
            .map(|c| (c.complaint.clone(), c.reply.clone()))
            .collect(),
        form,
        notice,
        shell,
    })
}

pub(super) async fn debrief(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<DebriefPage, AppError> {
    let notice = query
        .notice
        .filter(|n| n == "complained")
        .map(|_| shell.tr.t("brief-notice-complained"));
    debrief_page(
        &state,
        shell,
        &user,
        parse_id(&id)?,
        Form::new(csrf.0),
        notice,
    )
    .await
}

pub(super) async fn complain(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let text = first(&values, "complaint");
    match award::complain(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        id,
        text,
        Utc::now(),
    )
    .await
    {
        Ok(()) => Ok(see(format!(
            "/opportunities/{id}/debrief?notice=complained"
        ))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "complaint")?;
            form.keep("complaint", text);
            Ok(unprocessable(
                debrief_page(&state, shell, &user, id, form, None).await?,
            ))
        }
    }
}
