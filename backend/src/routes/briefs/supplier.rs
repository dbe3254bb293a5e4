//! A supplier's side of a brief: questions, the sealed response, the prototype, the debrief
//! and complaint, the list of its responses, and how it hears of new briefs.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use marco_frontend::briefs::{
    CriterionField, DebriefPage, DebriefRow, MyResponseRow, RespondPage, ResponsesPage,
};
use marco_frontend::forms::Form;
use marco_frontend::frameworks::Fact;

use super::{parse_id, see, status_label, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::briefs::{FlowError, award, clock, published, questions, responses, store};
use crate::buying::money_text;
use crate::domain::brief::draft::{CriterionKind, PriceBasis};
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{
    check_csrf, first, form_values, moment, problem_form, unprocessable,
};
use crate::state::AppState;

/// Query of pages that show a notice.
#[derive(Debug, serde::Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

async fn respond_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: i64,
    mut form: Form,
    notice: Option<String>,
    fill: bool,
) -> Result<RespondPage, AppError> {
    let b = store::visible(&state.db, id, Some(viewer(user))).await?;
    if store::status(&b)?.is_sealed() && b.status != "live" {
        return Err(AppError::NotFound);
    }
    let brief = published(&b)?;
    let tr = &shell.tr;
    let mut essential = 0;
    let criteria = brief
        .criteria()
        .iter()
        .enumerate()
        .map(|(i, (kind, text))| {
            let e = (*kind == CriterionKind::Essential).then(|| {
                essential += 1;
                essential - 1
            });
            CriterionField {
                index: i,
                text: (*text).to_owned(),
                kind: tr.t(match kind {
                    CriterionKind::Essential => "brief-kind-essential",
                    CriterionKind::Nice => "brief-kind-nice",
                    CriterionKind::Cultural => "brief-kind-cultural",
                }),
                essential: e,
            }
        })
        .collect();
    let own = responses::own(&state.db, id, user.organisation_id).await?;
    if fill && let Some(r) = &own {
        let a = responses::answers(r);
        for (i, e) in a.evidence.iter().enumerate() {
            form.keep(&format!("evidence_{i}"), e);
        }
        for (i, m) in a.meets.iter().enumerate() {
            form.keep(&format!("meets_{i}"), m);
        }
        if let Some(p) = r.price {
            form.keep("price", &p.normalize().to_string());
        }
        if let Some(at) = r.available_from {
            form.keep("available_from", &at.date_naive().to_string());
        }
    }
    let state_text = match &own {
        Some(r) if r.submitted_at.is_some() => tr.t1(
            "respond-state-submitted",
            "at",
            r.submitted_at.map(moment).unwrap_or_default(),
        ),
        Some(_) => tr.t("respond-state-draft"),
        None => tr.t("respond-state-new"),
    };
    let basis = match brief.price_basis {
        PriceBasis::Fixed => "respond-price-fixed",
        PriceBasis::DayRate => "respond-price-day",
    };
    Ok(RespondPage {
        id,
        title: b.title.clone(),
        criteria,
        price_hint: tr.t1(basis, "currency", brief.budget_max.code()),
        state: state_text,
        closing: b.closing_at.map(moment).unwrap_or_default(),
        form,
        notice,
        shell,
    })
}

pub(super) async fn respond_form(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<RespondPage, AppError> {
    let notice = query
        .notice
        .filter(|n| ["saved", "submitted"].contains(&n.as_str()))
        .map(|n| shell.tr.t(&format!("respond-notice-{n}")));
    respond_page(
        &state,
        shell,
        &user,
        parse_id(&id)?,
        Form::new(csrf.0),
        notice,
        true,
    )
    .await
}

pub(super) async fn respond(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let mut evidence = Vec::new();
    let mut meets = Vec::new();
    for i in 0.. {
        match values.get(&format!("evidence_{i}")) {
            Some(v) => evidence.push(v.first().cloned().unwrap_or_default()),
            None => break,
        }
    }
    for i in 0..evidence.len() {
        meets.push(first(&values, &format!("meets_{i}")).to_owned());
    }
    let input = responses::ResponseInput {
        evidence,
        meets,
        price: first(&values, "price").to_owned(),
        available_from: first(&values, "available_from").to_owned(),
    };
    let submit = first(&values, "action") == "submit";
    match responses::save(&state, viewer(&user), id, &input, submit, Utc::now()).await {
        Ok(_) => Ok(see(format!(
            "/opportunities/{id}/respond?notice={}",
            if submit { "submitted" } else { "saved" }
        ))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "price")?;
            for (k, v) in &values {
                if k != "csrf_token" {
                    form.keep(k, v.first().map(String::as_str).unwrap_or_default());
                }
            }
            Ok(unprocessable(
                respond_page(&state, shell, &user, id, form, None, false).await?,
            ))
        }
    }
}

pub(super) async fn ask(
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
    let text = first(&values, "question");
    match questions::ask(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        id,
        text,
        Utc::now(),
    )
    .await
    {
        Ok(_) => Ok(see(format!("/opportunities/{id}?notice=asked#answers"))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "question")?;
            form.keep("question", text);
            Ok(unprocessable(
                super::public::page(&state, shell, Some(&user), id, form, None).await?,
            ))
        }
    }
}

pub(super) async fn prototype(
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
    let (repo, demo) = (first(&values, "repository"), first(&values, "demo"));
    match responses::submit_prototype(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        id,
        repo,
        demo,
        Utc::now(),
    )
    .await
    {
        Ok(()) => Ok(see(format!("/opportunities/{id}?notice=prototype"))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(&csrf, e, &shell.tr, "repository")?;
            form.keep("repository", repo);
            form.keep("demo", demo);
            Ok(unprocessable(
                super::public::page(&state, shell, Some(&user), id, form, None).await?,
            ))
        }
    }
}

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

pub(super) async fn responses(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(query): Query<NoticeQuery>,
) -> Result<ResponsesPage, AppError> {
    let tr = &shell.tr;
    let mut rows = Vec::new();
    for r in responses::submitted_by(&state.db, user.organisation_id).await? {
        let b = store::brief(&state.db, r.brief_id).await?;
        let decided = matches!(
            b.status.as_str(),
            "standstill" | "contracted" | "not_awarded"
        );
        let state_text = match (&r.result, r.submitted_at) {
            (Some(result), _) if decided => tr.t(&format!("brief-result-{result}")),
            (_, Some(at)) => tr.t1("respond-state-submitted", "at", moment(at)),
            _ => tr.t("respond-state-draft"),
        };
        rows.push(MyResponseRow {
            id: b.id,
            title: b.title.clone(),
            brief_status: status_label(tr, &b.status),
            state: state_text,
            closing: b.closing_at.map(moment).unwrap_or_default(),
            debrief: decided && r.submitted_at.is_some(),
        });
    }
    let mode = clock::alert_mode(&state.db, user.id).await?;
    let modes = clock::MODES
        .iter()
        .map(|m| ((*m).to_owned(), tr.t(&format!("alerts-{m}")), *m == mode))
        .collect();
    let notice = query
        .notice
        .filter(|n| n == "alerts")
        .map(|_| tr.t("alerts-saved"));
    Ok(ResponsesPage {
        rows,
        modes,
        form: Form::new(csrf.0),
        notice,
        shell,
    })
}

pub(super) async fn alerts(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    clock::set_alert_mode(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        first(&values, "mode"),
        Utc::now(),
    )
    .await?;
    Ok(see("/responses?notice=alerts#alerts".into()))
}
