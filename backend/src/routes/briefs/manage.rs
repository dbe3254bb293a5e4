//! The page that runs a brief, for its buyer: what the viewer may do next at each stage,
//! the questions, the panel, the responses once opened, the complaints and the history.

use axum::extract::{Path, Query, State};
use marco_frontend::briefs::{Colleague, ComplaintRow, ManagePage, QuestionRow, ResponseRow};
use marco_frontend::forms::Form;

use super::{facts, history, parse_id, status_label, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::briefs::{responses, store};
use crate::buying::money_text;
use crate::domain::brief::{BriefStatus, ReviewStatus, Stage};
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::moment;
use crate::state::AppState;

use super::NoticeQuery;

const NOTICES: &[&str] = &[
    "created",
    "saved",
    "review",
    "published",
    "withdrawn",
    "answered",
    "panel",
    "challenge",
    "awarded",
    "replied",
    "scored",
    "agreed",
    "checked",
];

pub(super) async fn manage_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: i64,
    form: Form,
    notice: Option<String>,
) -> Result<ManagePage, AppError> {
    let who = viewer(user);
    let b = store::own(&state.db, id, who).await?;
    let tr = &shell.tr;
    let lang = tr.lang.code();
    let status = store::status(&b)?;
    let review = store::review(&b);
    let d = store::draft(&b);
    let can_publish_briefs = user.has(Role::CanPublishBriefs);
    let can_award = user.has(Role::CanAward);
    let panel = store::panel(&state.db, id).await?;
    let me = panel.iter().find(|m| m.user_id == user.id);
    let moderator = b.moderator_id == Some(user.id);
    let has_challenge = d.methods.iter().any(|m| m == "prototype_challenge");
    let mut actions = Vec::new();
    let mut add = |a: &str, when: bool| {
        if when {
            actions.push(a.to_owned());
        }
    };
    add(
        "edit",
        can_publish_briefs && matches!(status, BriefStatus::Draft | BriefStatus::Live),
    );
    add(
        "request_review",
        can_publish_briefs
            && status == BriefStatus::Draft
            && matches!(review, ReviewStatus::NotRequested | ReviewStatus::Refused),
    );
    add(
        "publish",
        can_publish_briefs && status == BriefStatus::Draft && review != ReviewStatus::Pending,
    );
    add(
        "withdraw",
        can_publish_briefs && matches!(status, BriefStatus::Draft | BriefStatus::Live),
    );
    add(
        "panel",
        (can_publish_briefs || can_award)
            && matches!(status, BriefStatus::Live | BriefStatus::Closed)
            && !panel.iter().any(|m| m.proposal_submitted_at.is_some()),
    );
    add(
        "score",
        status == BriefStatus::Closed && me.is_some() && b.proposal_agreed_at.is_none(),
    );
    add(
        "moderate",
        status == BriefStatus::Closed
            && moderator
            && b.proposal_agreed_at.is_none()
            && store::all_submitted(&panel, Stage::Proposal),
    );
    add(
        "challenge",
        (can_award || can_publish_briefs)
            && status == BriefStatus::Closed
            && has_challenge
            && b.proposal_agreed_at.is_some(),
    );
    add(
        "score_challenge",
        status == BriefStatus::Challenge && me.is_some() && b.challenge_agreed_at.is_none(),
    );
    add(
        "moderate_challenge",
        status == BriefStatus::Challenge
            && moderator
            && b.challenge_agreed_at.is_none()
            && store::all_submitted(&panel, Stage::Challenge),
    );
    let awardable = match status {
        BriefStatus::Closed => b.proposal_agreed_at.is_some() && !has_challenge,
        BriefStatus::Challenge => b.challenge_agreed_at.is_some(),
        _ => false,
    };
    add("award", can_award && awardable);
    let sealed = !responses::is_open(&b);
    let mut response_rows = Vec::new();
    if !sealed {
        let opened = responses::opened(&state.db, &b).await?;
        let suppliers = crate::frameworks::store::organisations_by_id(
            &state.db,
            opened.iter().map(|r| r.supplier_org_id),
        )
        .await?;
        let num = |v: Option<rust_decimal::Decimal>| {
            v.map(|x| x.normalize().to_string()).unwrap_or_default()
        };
        for r in &opened {
            response_rows.push(ResponseRow {
                id: r.id,
                supplier: suppliers
                    .get(&r.supplier_org_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                submitted: r.submitted_at.map(moment).unwrap_or_default(),
                result: tr.t(&format!(
                    "brief-result-{}",
                    r.result.as_deref().unwrap_or("eligible")
                )),
                failed: r.fail_reason.clone(),
                price: match (r.price, r.currency.as_deref()) {
                    (Some(p), Some(c)) => money_text(p, c, lang),
                    _ => String::new(),
                },
                proposal: num(r.proposal_total),
                challenge: num(r.challenge_total),
                total: num(r.final_total),
                rank: r.rank.map(|n| n.to_string()).unwrap_or_default(),
                first: r.rank == Some(1),
                shortlisted: r.shortlisted,
                prototype: r.challenge_repository.clone().zip(r.challenge_demo.clone()),
            });
        }
        if status == BriefStatus::Challenge {
            response_rows.retain(|r| r.shortlisted);
        }
        response_rows.sort_by_key(|r| r.rank.parse::<i32>().unwrap_or(i32::MAX));
    }
    let colleagues_list = store::colleagues(&state.db, user.organisation_id).await?;
    let names: std::collections::HashMap<i64, String> = colleagues_list
        .iter()
        .map(|c| (c.id, c.name.clone()))
        .collect();
    let colleagues = colleagues_list
        .iter()
        .map(|c| Colleague {
            id: c.id,
            name: c.name.clone(),
            member: panel.iter().any(|m| m.user_id == c.id),
            moderator: b.moderator_id == Some(c.id),
        })
        .collect();
    let suppliers_of_complaints = store::complaints(&state.db, id).await?;
    let org_names = crate::frameworks::store::organisations_by_id(
        &state.db,
        suppliers_of_complaints.iter().map(|c| c.supplier_org_id),
    )
    .await?;
    let reviews = store::reviews(&state.db, id)
        .await?
        .into_iter()
        .map(|r| {
            (
                tr.t(&format!("review-decision-{}", r.decision)),
                r.reason.unwrap_or_default(),
                moment(r.at),
            )
        })
        .collect();
    Ok(ManagePage {
        id,
        title: if b.title.is_empty() {
            d.title.clone()
        } else {
            b.title.clone()
        },
        status: b.status.clone(),
        status_label: status_label(tr, &b.status),
        review: review.as_str().to_owned(),
        review_label: tr.t(&format!("review-status-{}", review.as_str())),
        facts: facts(state, &b, tr).await?,
        reviews,
        questions: store::questions(&state.db, id)
            .await?
            .into_iter()
            .map(|q| QuestionRow {
                id: q.id,
                question: q.question,
                asked: moment(q.asked_at),
                answer: q.answer,
            })
            .collect(),
        colleagues,
        panel: panel
            .iter()
            .map(|m| {
                (
                    names.get(&m.user_id).cloned().unwrap_or_default(),
                    m.proposal_submitted_at.is_some(),
                    m.challenge_submitted_at.is_some(),
                )
            })
            .collect(),
        responses: response_rows,
        sealed,
        complaints: suppliers_of_complaints
            .into_iter()
            .map(|c| ComplaintRow {
                id: c.id,
                supplier: org_names
                    .get(&c.supplier_org_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                complaint: c.complaint,
                raised: moment(c.raised_at),
                reply: c.reply,
            })
            .collect(),
        history: history(&store::history(&state.db, id).await?, tr),
        actions,
        has_challenge,
        form,
        notice,
        shell,
    })
}

pub(super) async fn manage(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(query): Query<NoticeQuery>,
) -> Result<ManagePage, AppError> {
    let notice = query
        .notice
        .filter(|n| NOTICES.contains(&n.as_str()))
        .map(|n| shell.tr.t(&format!("manage-notice-{n}")));
    manage_page(
        &state,
        shell,
        &user,
        parse_id(&id)?,
        Form::new(csrf.0),
        notice,
    )
    .await
}
