//! The actions of a contract's working page: each parses its form, calls one flow, and
//! returns to the page with a notice, or shows the page again with the problem on its field.

use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;

use super::{page, parse_id, roles, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::contracts::{FlowError, benefits, changes, delivery, ratings};
use crate::domain::content::FormValues;
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{check_csrf, first, form_values, problem_form, unprocessable};
use crate::state::AppState;

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

pub(super) async fn decide_change(
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

pub(super) async fn deliver(
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
