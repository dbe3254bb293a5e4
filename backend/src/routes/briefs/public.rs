//! `/opportunities`: published briefs for everyone, and a brief's page with the next step of
//! whoever reads it (ask, respond, debrief, manage).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use chrono::Utc;
use marco_frontend::briefs::{AnswerView, BriefPage, OpportunitiesPage};
use marco_frontend::forms::Form;
use marco_frontend::frameworks::Fact;

use super::{NoticeQuery, facts, history, parse_id, rows, sections, status_label};
use crate::auth::MaybeUser;
use crate::auth::csrf::CsrfToken;
use crate::briefs::{responses, store};
use crate::buying::money_text;
use crate::domain::brief::BriefStatus;
use crate::domain::roles::OrgKind;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::{day, moment};
use crate::state::AppState;

pub(super) async fn list(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    MaybeUser(user): MaybeUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<OpportunitiesPage, AppError> {
    let get = |k: &str| {
        query
            .get(k)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut form = Form::new(String::new());
    for k in [
        "q",
        "lot",
        "location",
        "budget_up_to",
        "closing_by",
        "status",
    ] {
        form.keep(k, &get(k));
    }
    let budget_up_to = match get("budget_up_to").as_str() {
        "" => None,
        raw => match crate::domain::money::parse_amount(raw) {
            Ok(a) => Some(a),
            Err(_) => {
                form.add_error("budget_up_to", shell.tr.t("opp-budget-error"));
                None
            }
        },
    };
    let closing_by = match get("closing_by").as_str() {
        "" => None,
        raw => match chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => Some(crate::domain::brief::draft::end_of_day(d)),
            Err(_) => {
                form.add_error("closing_by", shell.tr.t("brief-err-date"));
                None
            }
        },
    };
    let status = match get("status").as_str() {
        s @ ("live" | "closed") => s.to_owned(),
        _ => String::new(),
    };
    let filter = store::Filter {
        q: get("q"),
        lot: get("lot"),
        location: get("location"),
        budget_up_to,
        closing_by,
        status,
    };
    let found = store::opportunities(&state.db, &filter).await?;
    let rows = rows(&state, &found, &shell.tr).await?;
    let mut lots = Vec::new();
    for fw in crate::frameworks::store::frameworks(&state.db).await? {
        if let Ok(content) = crate::frameworks::lifecycle::content_of(&fw) {
            for lot in content.lots.iter().filter(|l| l.briefs) {
                let entry = (
                    lot.slug.clone(),
                    lot.name.get(shell.tr.lang.code()).to_owned(),
                );
                if !lots.contains(&entry) {
                    lots.push(entry);
                }
            }
        }
    }
    Ok(OpportunitiesPage {
        supplier: user
            .as_ref()
            .is_some_and(|u| u.org_kind == OrgKind::Supplier),
        rows,
        form,
        lots,
        shell,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    MaybeUser(user): MaybeUser,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<BriefPage, AppError> {
    let notice = query
        .notice
        .filter(|n| ["asked", "prototype", "complained"].contains(&n.as_str()))
        .map(|n| shell.tr.t(&format!("brief-notice-{n}")));
    page(
        &state,
        shell,
        user.as_ref(),
        parse_id(&id)?,
        Form::new(csrf.0),
        notice,
    )
    .await
}

/// The brief page, with `form` (the question form) as given.
pub(super) async fn page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: Option<&crate::auth::CurrentUser>,
    id: i64,
    form: Form,
    notice: Option<String>,
) -> Result<BriefPage, AppError> {
    let who = user.map(super::viewer);
    let b = store::visible(&state.db, id, who).await?;
    let tr = &shell.tr;
    let status = store::status(&b)?;
    let d = store::draft(&b);
    let (brief_sections, business_case) = sections(&d, tr);
    let (answered, unanswered) = store::answers(&state.db, b.id).await?;
    let now = Utc::now();
    let own = who.is_some_and(|w| w.organisation_id == b.buyer_org_id);
    let supplier = user.filter(|u| u.org_kind == OrgKind::Supplier);
    let mut can_ask = false;
    let mut can_respond = false;
    let mut cannot_respond = None;
    let mut debrief = false;
    let mut prototype = false;
    let mut my_questions = Vec::new();
    if let Some(u) = supplier {
        let on_lot = store::on_lot(&state.db, &b, u.organisation_id).await?;
        let live = status == BriefStatus::Live && b.closing_at.is_some_and(|c| c > now);
        if live && !on_lot {
            cannot_respond = Some(tr.t("brief-not-on-lot"));
        }
        can_respond = live && on_lot;
        can_ask = can_respond && b.question_deadline_at.is_some_and(|d| d >= now);
        my_questions = store::questions_of(&state.db, b.id, u.organisation_id)
            .await?
            .into_iter()
            .map(|q| (q.question, q.answer.is_some()))
            .collect();
        let mine = responses::own(&state.db, b.id, u.organisation_id)
            .await?
            .filter(|r| r.submitted_at.is_some());
        debrief = mine.is_some()
            && matches!(
                status,
                BriefStatus::Standstill | BriefStatus::Contracted | BriefStatus::NotAwarded
            );
        prototype =
            status == BriefStatus::Challenge && mine.as_ref().is_some_and(|r| r.shortlisted);
    }
    let mut outcome = Vec::new();
    let fact = |label: &str, value: String| Fact {
        label: tr.t(label),
        value,
    };
    if let Some(reason) = &b.withdrawn_reason {
        outcome.push(fact("brief-withdrawn-reason", reason.clone()));
    }
    if let Some(reason) = &b.not_awarded_reason {
        outcome.push(fact("brief-not-awarded-reason", reason.clone()));
    }
    if matches!(status, BriefStatus::Standstill | BriefStatus::Contracted) {
        let opened = responses::opened(&state.db, &b).await?;
        outcome.push(fact("brief-responses-count", opened.len().to_string()));
        if let Some(w) = opened.iter().find(|r| Some(r.id) == b.awarded_response_id) {
            let supplier =
                crate::frameworks::store::organisation(&state.db, w.supplier_org_id).await?;
            outcome.push(fact("brief-awarded-to", supplier.name));
            if let (Some(p), Some(c)) = (w.price, w.currency.as_deref()) {
                outcome.push(fact("brief-price", money_text(p, c, tr.lang.code())));
            }
        }
        if let Some(at) = b.awarded_at {
            outcome.push(fact("brief-awarded-at", day(at)));
        }
        if let Some(at) = b.standstill_ends_at {
            outcome.push(fact("brief-standstill-ends", moment(at)));
        }
    }
    let edits = store::history(&state.db, b.id).await?;
    Ok(BriefPage {
        id: b.id,
        title: if b.title.is_empty() {
            d.title.clone()
        } else {
            b.title.clone()
        },
        ocid: b.ocid.clone(),
        status: b.status.clone(),
        status_label: status_label(tr, &b.status),
        facts: facts(state, &b, tr).await?,
        sections: brief_sections,
        business_case,
        answers: answered
            .into_iter()
            .map(|a| AnswerView {
                question: a.question,
                answer: a.answer,
                at: moment(a.answered_at),
            })
            .collect(),
        unanswered,
        history: history(&edits, tr),
        outcome,
        can_ask,
        can_respond,
        cannot_respond,
        own,
        debrief,
        prototype,
        my_questions,
        form,
        notice,
        shell,
    })
}
