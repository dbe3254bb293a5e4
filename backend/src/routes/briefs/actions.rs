//! The buyer's actions on the page that runs a brief: each parses its form, calls one flow,
//! and returns to the page with a notice, or shows the page again with the problem.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;

use super::{brief_problems, parse_id, roles, see, viewer};
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::briefs::{FlowError, award, drafting, evaluation, questions};
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::frameworks::manage::actor;
use crate::routes::frameworks::{check_csrf, first, form_values, unprocessable};
use crate::state::AppState;

use super::manage::manage_page;

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
