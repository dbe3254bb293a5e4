//! The panel's pages: a member scores each response blind, then submits; the moderator sees
//! every member's scores and records the agreed ones, which rank the responses.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use marco_frontend::briefs::{ScorePage, ScoreResponse, ScoreRow};
use marco_frontend::forms::Form;

use super::{NoticeQuery, brief_problems, parse_id, see, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::briefs::{FlowError, evaluation, published, responses, store};
use crate::buying::money_text;
use crate::domain::brief::Stage;
use crate::domain::brief::scoring;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{check_csrf, first, form_values, unprocessable};
use crate::state::AppState;

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: i64,
    stage: Stage,
    moderating: bool,
    form: Form,
    notice: Option<String>,
) -> Result<ScorePage, AppError> {
    let b = store::own(&state.db, id, viewer(user)).await?;
    let panel = store::panel(&state.db, id).await?;
    let me = panel.iter().find(|m| m.user_id == user.id);
    if moderating {
        if b.moderator_id != Some(user.id) {
            return Err(AppError::NotFound);
        }
    } else if me.is_none() {
        return Err(AppError::NotFound);
    }
    let brief = published(&b)?;
    let criteria = evaluation::criteria(&brief, stage);
    let rows = evaluation::scorable(&state.db, &b, stage).await?;
    let scores = store::scores_for(&state.db, &b, stage, user.id).await?;
    let names: HashMap<i64, String> = store::colleagues(&state.db, user.organisation_id)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let suppliers = crate::frameworks::store::organisations_by_id(
        &state.db,
        rows.iter().map(|r| r.supplier_org_id),
    )
    .await?;
    let tr = &shell.tr;
    let submitted = me.is_some_and(|m| store::submitted(m, stage));
    let mut responses_view = Vec::new();
    for r in &rows {
        let answers = responses::answers(r);
        let member_scores = |user_id: i64, agreed: bool, i: usize| {
            scores
                .iter()
                .find(|s| {
                    s.response_id == r.id
                        && s.user_id == user_id
                        && s.agreed == agreed
                        && s.criterion as usize == i
                })
                .map(|s| (s.score.to_string(), s.comment.clone()))
        };
        let mut view_rows = Vec::new();
        for (i, c) in criteria.iter().enumerate() {
            let others: Vec<(String, String, String)> = scores
                .iter()
                .filter(|s| {
                    s.response_id == r.id
                        && !s.agreed
                        && s.criterion as usize == i
                        && (moderating || s.user_id != user.id)
                })
                .map(|s| {
                    (
                        names.get(&s.user_id).cloned().unwrap_or_default(),
                        s.score.to_string(),
                        s.comment.clone(),
                    )
                })
                .collect();
            let (score, comment) = if moderating {
                member_scores(user.id, true, i).unwrap_or_else(|| {
                    let all: Vec<u8> = others
                        .iter()
                        .filter_map(|(_, s, _)| s.parse().ok())
                        .collect();
                    (scoring::mean(&all).to_string(), String::new())
                })
            } else {
                member_scores(user.id, false, i).unwrap_or_default()
            };
            view_rows.push(ScoreRow {
                index: i,
                criterion: c.clone(),
                evidence: (stage == Stage::Proposal)
                    .then(|| answers.evidence.get(i).cloned())
                    .flatten(),
                others,
                score,
                comment,
            });
        }
        responses_view.push(ScoreResponse {
            id: r.id,
            supplier: suppliers
                .get(&r.supplier_org_id)
                .map(|o| o.name.clone())
                .unwrap_or_default(),
            price: match (r.price, r.currency.as_deref()) {
                (Some(p), Some(c)) => money_text(p, c, tr.lang.code()),
                _ => String::new(),
            },
            prototype: r.challenge_repository.clone().zip(r.challenge_demo.clone()),
            rows: view_rows,
        });
    }
    Ok(ScorePage {
        id,
        title: b.title.clone(),
        stage: stage.as_str().to_owned(),
        stage_label: tr.t(&format!("brief-stage-{}", stage.as_str())),
        moderating,
        responses: responses_view,
        submitted,
        form,
        notice,
        shell,
    })
}

fn notice(query: NoticeQuery, tr: &marco_frontend::Tr) -> Option<String> {
    query
        .notice
        .filter(|n| ["scored", "submitted"].contains(&n.as_str()))
        .map(|n| tr.t(&format!("score-notice-{n}")))
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: AppState,
    shell: marco_frontend::Shell,
    csrf: CsrfToken,
    user: CurrentUser,
    id: String,
    query: NoticeQuery,
    stage: Stage,
    moderating: bool,
) -> Result<ScorePage, AppError> {
    let notice = notice(query, &shell.tr);
    page(
        &state,
        shell,
        &user,
        parse_id(&id)?,
        stage,
        moderating,
        Form::new(csrf.0),
        notice,
    )
    .await
}

macro_rules! panel_page {
    ($name:ident, $stage:expr, $moderating:expr) => {
        pub(super) async fn $name(
            State(state): State<AppState>,
            PageContext(shell): PageContext,
            csrf: CsrfToken,
            user: CurrentUser,
            Path(id): Path<String>,
            Query(query): Query<NoticeQuery>,
        ) -> Result<ScorePage, AppError> {
            show(state, shell, csrf, user, id, query, $stage, $moderating).await
        }
    };
}

panel_page!(score_proposal, Stage::Proposal, false);
panel_page!(score_challenge, Stage::Challenge, false);
panel_page!(moderate_proposal, Stage::Proposal, true);
panel_page!(moderate_challenge, Stage::Challenge, true);

fn sheet(values: &crate::domain::content::FormValues, prefix: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in 0.. {
        let key = format!("{prefix}score_{i}");
        if !values.contains_key(&key) {
            break;
        }
        out.push((
            first(values, &key).to_owned(),
            first(values, &format!("{prefix}comment_{i}")).to_owned(),
        ));
    }
    out
}

fn prefixed(e: FlowError, prefix: &str) -> FlowError {
    match e {
        FlowError::Invalid(fields) => FlowError::Invalid(
            fields
                .into_iter()
                .map(|(k, v)| (format!("{prefix}{k}"), v))
                .collect(),
        ),
        other => other,
    }
}

#[allow(clippy::too_many_arguments)]
async fn post(
    state: AppState,
    shell: marco_frontend::Shell,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    id: String,
    body: Bytes,
    stage: Stage,
    what: &str,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let a = actor(&user, &ip);
    let who = viewer(&user);
    let now = Utc::now();
    let (result, field, moderating, back) = match what {
        "score" => {
            let response: i64 = first(&values, "response").parse().unwrap_or_default();
            let prefix = format!("r{response}_");
            (
                evaluation::score(&state, &a, who, id, stage, response, &sheet(&values, ""))
                    .await
                    .map_err(|e| prefixed(e, &prefix)),
                "submit",
                false,
                format!(
                    "/briefs/{id}/score/{}?notice=scored#score-response-{response}",
                    stage.as_str()
                ),
            )
        }
        "submit" => (
            evaluation::submit_scores(&state, &a, who, id, stage, now).await,
            "submit",
            false,
            format!("/briefs/{id}/score/{}?notice=submitted", stage.as_str()),
        ),
        _ => {
            let mut agreed = HashMap::new();
            for key in values.keys() {
                if let Some(rest) = key.strip_prefix('r')
                    && let Some((rid, tail)) = rest.split_once('_')
                    && tail == "score_0"
                    && let Ok(rid) = rid.parse::<i64>()
                {
                    agreed.insert(rid, sheet(&values, &format!("r{rid}_")));
                }
            }
            (
                evaluation::agree(&state, &a, who, id, stage, &agreed, now).await,
                "agree",
                true,
                format!("/briefs/{id}?notice=agreed"),
            )
        }
    };
    match result {
        Ok(()) => Ok(see(back)),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let form = brief_problems(&csrf, e, &shell.tr, field)?;
            Ok(unprocessable(
                page(&state, shell, &user, id, stage, moderating, form, None).await?,
            ))
        }
    }
}

macro_rules! panel_post {
    ($name:ident, $stage:expr, $what:expr) => {
        pub(super) async fn $name(
            State(state): State<AppState>,
            PageContext(shell): PageContext,
            csrf: CsrfToken,
            user: CurrentUser,
            ip: ClientIp,
            Path(id): Path<String>,
            body: Bytes,
        ) -> Result<Response, AppError> {
            post(state, shell, csrf, user, ip, id, body, $stage, $what).await
        }
    };
}

panel_post!(save_proposal, Stage::Proposal, "score");
panel_post!(save_challenge, Stage::Challenge, "score");
panel_post!(submit_proposal, Stage::Proposal, "submit");
panel_post!(submit_challenge, Stage::Challenge, "submit");
panel_post!(agree_proposal, Stage::Proposal, "agree");
panel_post!(agree_challenge, Stage::Challenge, "agree");
