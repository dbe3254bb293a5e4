//! The buyer's side: their briefs, the brief form (a draft, or a live brief's edit), and the
//! page that runs a brief from the business-case review to the contract.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use marco_frontend::briefs::{
    Colleague, ComplaintRow, EditBriefPage, ManagePage, MyBriefsPage, QuestionRow, ResponseRow,
};
use marco_frontend::forms::Form;

use super::{
    brief_problems, draft_values, facts, history, parse_id, roles, rows, see, status_label, viewer,
};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::briefs::{FlowError, award, drafting, evaluation, questions, responses, store};
use crate::buying::money_text;
use crate::domain::brief::draft::{Draft, Method};
use crate::domain::brief::{BriefStatus, ReviewStatus, Stage};
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{check_csrf, first, form_values, moment, unprocessable};
use crate::state::AppState;

/// Query of pages that show a notice.
#[derive(Debug, serde::Deserialize)]
pub(super) struct NoticeQuery {
    notice: Option<String>,
}

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

async fn list_page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    form: Form,
) -> Result<MyBriefsPage, AppError> {
    let briefs = store::briefs_of(&state.db, viewer(user)).await?;
    let rows = rows(state, &briefs, &shell.tr).await?;
    let mut lots = Vec::new();
    for fw in crate::frameworks::store::frameworks(&state.db).await? {
        if fw.status != "live" {
            continue;
        }
        if let Ok(content) = crate::frameworks::lifecycle::content_of(&fw) {
            for lot in content.lots.iter().filter(|l| l.briefs) {
                lots.push((
                    format!("{}/{}", fw.slug, lot.slug),
                    format!("{}: {}", fw.name, lot.name.get(shell.tr.lang.code())),
                ));
            }
        }
    }
    Ok(MyBriefsPage {
        rows,
        lots,
        can_create: user.has(Role::CanPublishBriefs),
        form,
        shell,
    })
}

pub(super) async fn list(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
) -> Result<MyBriefsPage, AppError> {
    list_page(&state, shell, &user, Form::new(csrf.0)).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    body: Bytes,
) -> Result<Response, AppError> {
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let (fw, lot) = first(&values, "lot").split_once('/').unwrap_or_default();
    match drafting::create(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &roles(&user),
        fw,
        lot,
        Utc::now(),
    )
    .await
    {
        Ok(id) => Ok(see(format!("/briefs/{id}/edit"))),
        Err(e) => {
            let form = brief_problems(&csrf, e, &shell.tr, "lot")?;
            Ok(unprocessable(list_page(&state, shell, &user, form).await?))
        }
    }
}

fn edit_page(
    shell: marco_frontend::Shell,
    state: &AppState,
    b: &crate::briefs::BriefRow,
    lot: String,
    form: Form,
    methods_chosen: &[String],
) -> EditBriefPage {
    let tr = &shell.tr;
    let methods = Method::ALL
        .iter()
        .map(|m| {
            (
                m.as_str().to_owned(),
                tr.t(&format!("brief-method-{}", m.as_str())),
                methods_chosen.iter().any(|c| c == m.as_str()),
            )
        })
        .collect();
    let basis = form.value("price_basis").to_owned();
    let price_bases = ["fixed", "day_rate"]
        .iter()
        .map(|b| {
            (
                (*b).to_owned(),
                tr.t(&format!("brief-basis-{b}")),
                basis == *b,
            )
        })
        .collect();
    let rules: Vec<String> = state
        .config
        .briefs
        .review_thresholds
        .iter()
        .map(|(c, a)| money_text(*a, c, tr.lang.code()))
        .collect();
    EditBriefPage {
        id: b.id,
        live: b.status == "live",
        lot,
        methods,
        price_bases,
        review_rule: tr.t1("edit-review-rule", "amounts", rules.join(", ")),
        form,
        shell,
    }
}

async fn lot_label(
    state: &AppState,
    b: &crate::briefs::BriefRow,
    tr: &marco_frontend::Tr,
) -> Result<String, AppError> {
    let fw = crate::frameworks::store::framework_by_id(&state.db, b.framework_id).await?;
    Ok(format!("{}: {}", fw.name, super::lot_name(&fw, &b.lot, tr)))
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<EditBriefPage, AppError> {
    let b = store::own(&state.db, parse_id(&id)?, viewer(&user)).await?;
    if !matches!(store::status(&b)?, BriefStatus::Draft | BriefStatus::Live) {
        return Err(AppError::NotFound);
    }
    let d = store::draft(&b);
    let mut form = Form::new(csrf.0);
    draft_values(&mut form, &d);
    let lot = lot_label(&state, &b, &shell.tr).await?;
    Ok(edit_page(shell, &state, &b, lot, form, &d.methods))
}

fn draft_from(values: &crate::domain::content::FormValues) -> Draft {
    let mut d = Draft::default();
    for field in crate::domain::brief::draft::TEXT_FIELDS {
        d.set(field, first(values, field).to_owned());
        if let Some(raw) = values.get(*field).and_then(|v| v.first()) {
            // Keep line breaks of lists and paragraphs; only trim the ends.
            d.set(field, raw.trim().to_owned());
        }
    }
    d.methods = values.get("methods").cloned().unwrap_or_default();
    d
}

pub(super) async fn edit(
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
    let d = draft_from(&values);
    let b = store::own(&state.db, id, viewer(&user)).await?;
    let live = b.status == "live";
    let who = viewer(&user);
    let a = actor(&user, &ip);
    let now = Utc::now();
    let result = if live {
        drafting::edit(&state, &a, who, &roles(&user), id, d.clone(), now)
            .await
            .map(|_| "saved")
    } else {
        match drafting::save(&state, &a, who, &roles(&user), id, d.clone(), now).await {
            Ok(_) if first(&values, "action") == "check" => {
                let today = now.date_naive();
                crate::domain::brief::draft::gate(
                    &d,
                    crate::domain::brief::draft::When::Publishing { today },
                )
                .map(|_| "checked")
                .map_err(FlowError::Gate)
            }
            Ok(_) => Ok("saved"),
            Err(e) => Err(e),
        }
    };
    match result {
        Ok(notice) => Ok(see(format!("/briefs/{id}?notice={notice}"))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = brief_problems(&csrf, e, &shell.tr, "title")?;
            draft_values(&mut form, &d);
            let lot = lot_label(&state, &b, &shell.tr).await?;
            Ok(unprocessable(edit_page(
                shell, &state, &b, lot, form, &d.methods,
            )))
        }
    }
}

async fn manage_page(
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

/// Runs one action of the manage page: on success back to the page with a notice, on a
/// problem the page again with it on `field`.
#[allow(clippy::too_many_arguments)]
async fn act<F, Fut>(
    state: AppState,
    shell: marco_frontend::Shell,
    csrf: CsrfToken,
    user: CurrentUser,
    id: i64,
    field: &str,
    notice: &str,
    run: F,
) -> Result<Response, AppError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(), FlowError>>,
{
    match run().await {
        Ok(()) => Ok(see(format!("/briefs/{id}?notice={notice}"))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let form = brief_problems(&csrf, e, &shell.tr, field)?;
            Ok(unprocessable(
                manage_page(&state, shell, &user, id, form, None).await?,
            ))
        }
    }
}

macro_rules! brief_action {
    ($name:ident, $field:expr, $notice:expr, |$state:ident, $a:ident, $user:ident, $id:ident, $values:ident| $body:expr) => {
        pub(super) async fn $name(
            State($state): State<AppState>,
            PageContext(shell): PageContext,
            csrf: CsrfToken,
            $user: CurrentUser,
            ip: ClientIp,
            Path(id): Path<String>,
            body: Bytes,
        ) -> Result<Response, AppError> {
            let $id = parse_id(&id)?;
            let $values = form_values(&body);
            check_csrf(&csrf, &$values)?;
            let $a = actor(&$user, &ip);
            let s = $state.clone();
            let u = $user.clone();
            act(s, shell, csrf, u, $id, $field, $notice, || async { $body }).await
        }
    };
}

brief_action!(
    request_review,
    "publish",
    "review",
    |state, a, user, id, values| {
        drafting::request_review(&state, &a, viewer(&user), &roles(&user), id, Utc::now()).await
    }
);

brief_action!(
    publish,
    "publish",
    "published",
    |state, a, user, id, values| {
        drafting::publish_brief(&state, &a, viewer(&user), &roles(&user), id, Utc::now())
            .await
            .map(|_| ())
    }
);

brief_action!(
    withdraw,
    "withdraw_reason",
    "withdrawn",
    |state, a, user, id, values| {
        drafting::withdraw(
            &state,
            &a,
            viewer(&user),
            &roles(&user),
            id,
            first(&values, "withdraw_reason"),
            Utc::now(),
        )
        .await
        .map_err(|e| rename(e, "reason", "withdraw_reason"))
    }
);

brief_action!(panel, "members", "panel", |state, a, user, id, values| {
    let members: Vec<i64> = values
        .get("members")
        .map(|v| v.iter().filter_map(|m| m.parse().ok()).collect())
        .unwrap_or_default();
    let moderator = first(&values, "moderator").parse().unwrap_or_default();
    evaluation::name_panel(
        &state,
        &a,
        viewer(&user),
        &roles(&user),
        id,
        &members,
        moderator,
        Utc::now(),
    )
    .await
});

brief_action!(
    challenge,
    "stage",
    "challenge",
    |state, a, user, id, values| {
        evaluation::start_challenge(&state, &a, viewer(&user), &roles(&user), id, Utc::now()).await
    }
);

brief_action!(
    award,
    "response",
    "awarded",
    |state, a, user, id, values| {
        let reason = first(&values, "reason").to_owned();
        let decision = match first(&values, "response") {
            "none" => award::Decision::NoAward { reason },
            raw => award::Decision::Award {
                response_id: raw.parse().unwrap_or_default(),
                reason,
            },
        };
        award::decide(
            &state,
            &a,
            viewer(&user),
            &roles(&user),
            id,
            decision,
            Utc::now(),
        )
        .await
    }
);

fn rename(e: FlowError, from: &str, to: &str) -> FlowError {
    match e {
        FlowError::Invalid(fields) => FlowError::Invalid(
            fields
                .into_iter()
                .map(|(k, v)| (if k == from { to.to_owned() } else { k }, v))
                .collect(),
        ),
        other => other,
    }
}

pub(super) async fn answer(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let question = parse_id(&id)?;
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let result = questions::answer(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &roles(&user),
        question,
        first(&values, "answer"),
        Utc::now(),
    )
    .await;
    match result {
        Ok(b) => Ok(see(format!("/briefs/{}?notice=answered", b.id))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let brief_id =
                crate::briefs::store::question_brief(&state.db, question, viewer(&user)).await?;
            let form = brief_problems(&csrf, e, &shell.tr, "answer")?;
            Ok(unprocessable(
                manage_page(&state, shell, &user, brief_id, form, None).await?,
            ))
        }
    }
}

pub(super) async fn reply(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let complaint = parse_id(&id)?;
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let brief_id =
        crate::briefs::store::complaint_brief(&state.db, complaint, viewer(&user)).await?;
    let result = award::reply(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &roles(&user),
        complaint,
        first(&values, "reply"),
        Utc::now(),
    )
    .await;
    match result {
        Ok(()) => Ok(see(format!("/briefs/{brief_id}?notice=replied"))),
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let form = brief_problems(&csrf, e, &shell.tr, "reply")?;
            Ok(unprocessable(
                manage_page(&state, shell, &user, brief_id, form, None).await?,
            ))
        }
    }
}
