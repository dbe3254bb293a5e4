//! Changing a member's roles, including `can_approve_orders` up to an amount; every change
//! is audited.

use axum::Form as AxumForm;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::Tr;
use marco_frontend::admin::{MemberRolesPage, RoleChoice};
use marco_frontend::forms::Form;

use crate::accounts::members;
use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::domain::money::Money;
use crate::domain::roles::{OrgKind, Role, grantable};
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::accounts::{Fields, field, refill};
use crate::state::AppState;

fn role_choices(tr: &Tr, kind: OrgKind, held: &[Role]) -> Vec<RoleChoice> {
    grantable(kind)
        .into_iter()
        .map(|r| RoleChoice {
            value: r.as_str().into(),
            label: tr.t(&format!("role-{}", r.as_str())),
            checked: held.contains(&r),
        })
        .collect()
}

pub(super) async fn show_member_roles(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<MemberRolesPage, AppError> {
    let member = members::member_of(&state.db, user.organisation_id, id).await?;
    let roles = members::roles_of(&state.db, id).await?;
    let held: Vec<Role> = roles.iter().filter_map(|r| r.role.parse().ok()).collect();
    let mut form = Form::new(csrf.0);
    if let Some(limit) = roles.iter().find_map(members::limit_of) {
        form.keep("approval_limit", &limit.amount().to_string());
    }
    let currency = currency_code(&state, &user).await?;
    let choices = role_choices(&shell.tr, user.org_kind, &held);
    Ok(MemberRolesPage {
        shell,
        name: member.name,
        action: format!("/organisation/users/{id}/roles"),
        choices,
        form,
        currency,
    })
}

/// The code of the organisation's currency, or "" when its country has none.
async fn currency_code(state: &AppState, user: &CurrentUser) -> Result<String, AppError> {
    Ok(members::currency_of(&state.db, user.organisation_id)
        .await?
        .map(|c| c.code().to_owned())
        .unwrap_or_default())
}

pub(super) async fn change_member_roles(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    let member = members::member_of(&state.db, user.organisation_id, id).await?;
    let mut form = refill(&csrf, &fields, &["approval_limit"], "roles", &tr);
    let wanted: Vec<Role> = grantable(user.org_kind)
        .into_iter()
        .filter(|r| {
            fields
                .get(&format!("grant_{}", r.as_str()))
                .is_some_and(|v| v == "on")
        })
        .collect();
    let limit = match field(&fields, "approval_limit") {
        "" if wanted.contains(&Role::CanApproveOrders) => {
            form.add_error(
                "approval_limit",
                crate::routes::accounts::required_message(&tr, "approval_limit", None),
            );
            None
        }
        "" => None,
        raw => match (
            crate::domain::money::parse_amount(raw),
            members::currency_of(&state.db, user.organisation_id).await?,
        ) {
            (Err(_), _) => {
                form.add_error("approval_limit", tr.t("err-limit"));
                None
            }
            (Ok(_), None) => {
                form.add_error("approval_limit", tr.t("err-limit-currency"));
                None
            }
            (Ok(amount), Some(currency)) => Money::new(amount, currency).ok(),
        },
    };
    if form.has_errors() {
        let choices = role_choices(&tr, user.org_kind, &wanted);
        let action = format!("/organisation/users/{id}/roles");
        let currency = currency_code(&state, &user).await?;
        return Ok(MemberRolesPage {
            shell,
            name: member.name,
            action,
            choices,
            form,
            currency,
        }
        .into_response());
    }
    members::change_roles(&state, &super::admin(&user, &ip), id, &wanted, limit).await?;
    Ok(Redirect::to("/organisation/users?done=roles").into_response())
}
