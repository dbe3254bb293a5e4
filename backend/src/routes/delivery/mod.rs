//! The working page of a contract for its two sides (`/contracts/{id}/manage`), its forms
//! (plan, deliver, decide, pay, rate, reply, change, decide a change, report) and the
//! evidence files. Each action parses its form, calls one flow in `contracts`, and returns
//! to the page with a notice, or shows the page again with the problem on its field. Anyone
//! but the contract's buyer and supplier gets 404.

pub mod views;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use marco_frontend::delivery::ManagePage;
use marco_frontend::forms::Form;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::contracts::{FlowError, Viewer, benefits, changes, delivery, ratings, store};
use crate::domain::content::FormValues;
use crate::domain::contract::Side;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{check_csrf, first, form_values, problem_form, unprocessable};
use crate::state::AppState;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/contracts/{id}/manage", get(manage))
        .route("/contracts/{id}/milestones", post(plan))
        .route(
            "/contracts/{id}/deliver",
            post(deliver).layer(DefaultBodyLimit::max(
                delivery::EVIDENCE_MAX_BYTES + 1024 * 1024,
            )),
        )
        .route("/contracts/{id}/decide", post(decide))
        .route("/contracts/{id}/pay", post(pay))
        .route("/contracts/{id}/ratings", post(rate))
        .route("/contracts/{id}/reply", post(reply))
        .route("/contracts/{id}/changes", post(request_change))
        .route(
            "/contracts/{id}/changes/{change}/decide",
            post(decide_change),
        )
        .route("/contracts/{id}/reports", post(report))
        .route("/contracts/{id}/evidence/{delivery}", get(evidence))
}

fn viewer(user: &CurrentUser) -> Viewer {
    Viewer {
        user_id: user.id,
        organisation_id: user.organisation_id,
    }
}

fn roles(user: &CurrentUser) -> Vec<Role> {
    user.roles.iter().copied().collect()
}

fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NoticeQuery {
    notice: Option<String>,
}

const NOTICES: &[&str] = &[
    "planned",
    "delivered",
    "decided",
    "paid",
    "rated",
    "replied",
    "changed",
    "requested",
    "refused",
    "reported",
];

/// The working page for `user`, with `form` (values and problems) and a notice.
async fn page(
    state: &AppState,
    shell: marco_frontend::Shell,
    user: &CurrentUser,
    id: i64,
    form: Form,
    notice: Option<&str>,
) -> Result<ManagePage, AppError> {
    let (c, side) = store::contract_for(&state.db, id, viewer(user)).await?;
    let now = Utc::now();
    let indicators = benefits::indicators_of(&state.db, &c).await?;
    let t = store::timeline(&state.db, c).await?;
    let tr = &shell.tr;
    let contract = crate::routes::buying::contracts::row_of(state, &t.contract, tr).await?;
    let timeline = views::timeline_view(&t, indicators.is_some(), tr, true, now);
    let actions = views::actions(
        &t,
        indicators.as_deref(),
        side,
        user.id,
        user.roles.contains(&Role::CanAward),
        tr,
        now,
    );
    Ok(ManagePage {
        contract,
        side: side.as_str().to_owned(),
        timeline,
        actions,
        form,
        notice: notice
            .filter(|n| NOTICES.contains(n))
            .map(|n| tr.t(&format!("delivery-notice-{n}"))),
        shell,
    })
}

async fn manage(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<NoticeQuery>,
) -> Result<ManagePage, AppError> {
    let id = parse_id(&id)?;
    page(
        &state,
        shell,
        &user,
        id,
        Form::new(csrf.0.clone()),
        q.notice.as_deref(),
    )
    .await
}

/// Field names each flow reports, renamed to the page's own where two forms share one.
fn rename(e: FlowError, pairs: &[(&str, &str)]) -> FlowError {
    match e {
        FlowError::Invalid(fields) => FlowError::Invalid(
            fields
                .into_iter()
                .map(|(k, v)| {
                    let to = pairs
                        .iter()
                        .find(|(from, _)| *from == k)
                        .map(|(_, to)| (*to).to_owned());
                    (to.unwrap_or(k), v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// After an action: back to the page with a notice, or the page again with the problem (on
/// `field` for a refusal) and the values sent.
#[allow(clippy::too_many_arguments)]
async fn done(
    state: &AppState,
    shell: marco_frontend::Shell,
    csrf: &CsrfToken,
    user: &CurrentUser,
    id: i64,
    values: &FormValues,
    field: &str,
    notice: &str,
    result: Result<(), FlowError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => {
            Ok(Redirect::to(&format!("/contracts/{id}/manage?notice={notice}")).into_response())
        }
        Err(FlowError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            let mut form = problem_form(csrf, e, &shell.tr, field)?;
            for (name, list) in values {
                if name != "csrf_token"
                    && let Some(v) = list.first()
                {
                    form.keep(name, v);
                }
            }
            Ok(unprocessable(
                page(state, shell, user, id, form, None).await?,
            ))
        }
    }
}

macro_rules! action {
    ($name:ident, $field:expr, $notice:expr, |$state:ident, $a:ident, $user:ident, $id:ident, $values:ident| $body:expr) => {
        async fn $name(
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
            let result: Result<(), FlowError> = async { $body }.await;
            done(
                &$state, shell, &csrf, &$user, $id, &$values, $field, $notice, result,
            )
            .await
        }
    };
}

fn id_of(values: &FormValues, name: &str) -> i64 {
    first(values, name).parse().unwrap_or_default()
}

action!(plan, "module", "planned", |state, a, user, id, values| {
    let input = delivery::MilestoneInput {
        module: first(&values, "module").into(),
        title: first(&values, "title").into(),
        due: first(&values, "due").into(),
        amount: first(&values, "amount").into(),
    };
    delivery::plan(&state, &a, viewer(&user), id, &input, Utc::now())
        .await
        .map(|_| ())
});

action!(
    decide,
    "decide_milestone",
    "decided",
    |state, a, user, id, values| {
        let accept = first(&values, "decision") != "reject";
        delivery::decide(
            &state,
            &a,
            viewer(&user),
            id,
            id_of(&values, "decide_milestone"),
            accept,
            first(&values, "decide_reason"),
            Utc::now(),
        )
        .await
        .map_err(|e| rename(e, &[("reason", "decide_reason")]))
    }
);

action!(
    pay,
    "pay_milestone",
    "paid",
    |state, a, user, id, values| {
        let input = delivery::PaymentInput {
            invoice_date: first(&values, "invoice_date").into(),
            due_date: first(&values, "due_date").into(),
            paid_on: first(&values, "paid_on").into(),
        };
        delivery::pay(
            &state,
            &a,
            viewer(&user),
            id,
            id_of(&values, "pay_milestone"),
            &input,
            Utc::now(),
        )
        .await
    }
);

action!(rate, "rate_stage", "rated", |state, a, user, id, values| {
    let input = ratings::RatingInput {
        milestone: first(&values, "rate_stage").into(),
        quality: first(&values, "quality").into(),
        timeliness: first(&values, "timeliness").into(),
        communication: first(&values, "communication").into(),
        comment: first(&values, "comment").into(),
    };
    ratings::rate(&state, &a, viewer(&user), id, &input, Utc::now())
        .await
        .map(|_| ())
});

action!(reply, "rating", "replied", |state, a, user, id, values| {
    ratings::reply(
        &state,
        &a,
        viewer(&user),
        id,
        id_of(&values, "rating"),
        first(&values, "reply"),
        Utc::now(),
    )
    .await
});

action!(
    request_change,
    "kind",
    "requested",
    |state, a, user, id, values| {
        let input = changes::ChangeInput {
            kind: first(&values, "kind").into(),
            reason: first(&values, "reason").into(),
            new_value: first(&values, "new_value").into(),
            new_end: first(&values, "new_end").into(),
            scope: first(&values, "scope").into(),
            module_value: first(&values, "module_value").into(),
            module_start: first(&values, "module_start").into(),
        };
        changes::request(
            &state,
            &a,
            viewer(&user),
            &roles(&user),
            id,
            &input,
            Utc::now(),
        )
        .await
        .map(|_| ())
    }
);

action!(
    report,
    "period",
    "reported",
    |state, a, user, id, values| {
        let count = values
            .keys()
            .filter(|k| k.starts_with("value_"))
            .count()
            .max(values.keys().filter(|k| k.starts_with("met_")).count());
        let input = benefits::ReportInput {
            period: first(&values, "period").into(),
            values: (1..=count.max(1))
                .map(|i| first(&values, &format!("value_{i}")).to_owned())
                .collect(),
            met: (1..=count.max(1))
                .map(|i| first(&values, &format!("met_{i}")).to_owned())
                .collect(),
            notes: first(&values, "notes").into(),
        };
        benefits::file(&state, &a, viewer(&user), id, &input, Utc::now()).await
    }
);

async fn decide_change(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path((id, change)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let change = parse_id(&change)?;
    let values = form_values(&body);
    check_csrf(&csrf, &values)?;
    let approve = first(&values, "decision") != "refuse";
    let result = changes::decide(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        &roles(&user),
        id,
        change,
        approve,
        first(&values, "decision_reason"),
        Utc::now(),
    )
    .await;
    let notice = if approve { "changed" } else { "refused" };
    done(
        &state,
        shell,
        &csrf,
        &user,
        id,
        &values,
        "decision_reason",
        notice,
        result,
    )
    .await
}

async fn deliver(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut values = FormValues::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::bad_request(e.status(), "bad_request", Some(e.body_text()))
    };
    while let Some(part) = multipart.next_field().await.map_err(bad)? {
        let name = part.name().unwrap_or_default().to_owned();
        if name == "evidence_file" {
            let file_name = part.file_name().unwrap_or("evidence.pdf").to_owned();
            let data = part.bytes().await.map_err(bad)?;
            file = Some((file_name, data.to_vec()));
        } else {
            let data = part.bytes().await.map_err(bad)?;
            values
                .entry(name)
                .or_default()
                .push(String::from_utf8_lossy(&data).into_owned());
        }
    }
    check_csrf(&csrf, &values)?;
    let evidence = delivery::Evidence {
        url: first(&values, "evidence_url").into(),
        file,
        note: first(&values, "note").into(),
    };
    let result = delivery::deliver(
        &state,
        &actor(&user, &ip),
        viewer(&user),
        id,
        id_of(&values, "deliver_milestone"),
        &evidence,
        Utc::now(),
    )
    .await;
    done(
        &state,
        shell,
        &csrf,
        &user,
        id,
        &values,
        "deliver_milestone",
        "delivered",
        result,
    )
    .await
}

async fn evidence(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, delivery_id)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let d = store::evidence(
        &state.db,
        parse_id(&id)?,
        parse_id(&delivery_id)?,
        viewer(&user),
    )
    .await?;
    let (Some(file), Some(name)) = (d.evidence_file, d.evidence_name) else {
        return Err(AppError::NotFound);
    };
    let bytes = tokio::fs::read(delivery::evidence_dir(&state).join(&file))
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .collect();
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from(bytes),
    )
        .into_response())
}

/// Whether `user` is on one of the contract's two sides (for the public page's link).
pub async fn side_of(state: &AppState, id: i64, user: Option<&CurrentUser>) -> Option<Side> {
    let user = user?;
    store::contract_for(&state.db, id, viewer(user))
        .await
        .ok()
        .map(|(_, side)| side)
}
