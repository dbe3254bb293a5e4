//! A supplier's sealed response: the form, saved as a draft or submitted until closing.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use marco_frontend::briefs::{CriterionField, RespondPage};
use marco_frontend::forms::Form;

use super::{NoticeQuery, parse_id, see, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::briefs::{FlowError, published, responses, store};
use crate::domain::brief::draft::{CriterionKind, PriceBasis};
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::{
    check_csrf, first, form_values, moment, problem_form, unprocessable,
};
use crate::state::AppState;

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
