//! Changing a member's roles, including `can_approve_orders` up to an amount; every change
//! is audited.

use axum::Form as AxumForm;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use marco_frontend::Tr;
use marco_frontend::admin::{MemberRolesPage, RoleChoice};
use marco_frontend::forms::Form;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use super::grantable;
use crate::auth::CurrentUser;
use crate::auth::audit::{self, Event};
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::domain::roles::{OrgKind, Role};
use crate::entities::{user, user_role};
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::routes::accounts::{Fields, field, refill};
use crate::state::AppState;

async fn member_of_my_organisation(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<user::Model, AppError> {
    // Another organisation's users stay invisible: 404, not 403.
    user::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|t| t.organisation_id == user.organisation_id)
        .ok_or(AppError::NotFound)
}

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
    let member = member_of_my_organisation(&state, &user, id).await?;
    let roles = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(id))
        .all(&state.db)
        .await?;
    let held: Vec<Role> = roles.iter().filter_map(|r| r.role.parse().ok()).collect();
    let mut form = Form::new(csrf.0);
    if let Some(limit) = roles.iter().find_map(|r| r.approval_limit) {
        form.keep("approval_limit", &limit.to_string());
    }
    let choices = role_choices(&shell.tr, user.org_kind, &held);
    Ok(MemberRolesPage {
        shell,
        name: member.name,
        action: format!("/organisation/users/{id}/roles"),
        choices,
        form,
    })
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
    let member = member_of_my_organisation(&state, &user, id).await?;
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
            form.add_error("approval_limit", tr.t("err-required"));
            None
        }
        "" => None,
        raw => match crate::domain::money::parse_amount(raw) {
            Ok(amount) => Some(amount),
            Err(_) => {
                form.add_error("approval_limit", tr.t("err-limit"));
                None
            }
        },
    };
    if form.has_errors() {
        let choices = role_choices(&tr, user.org_kind, &wanted);
        let action = format!("/organisation/users/{id}/roles");
        return Ok(MemberRolesPage {
            shell,
            name: member.name,
            action,
            choices,
            form,
        }
        .into_response());
    }
    let txn = state.begin_write().await?;
    let current = user_role::Entity::find()
        .filter(user_role::Column::UserId.eq(id))
        .all(&txn)
        .await?;
    let grantable_now = grantable(user.org_kind);
    for held in &current {
        let Ok(role) = held.role.parse::<Role>() else {
            continue;
        };
        if grantable_now.contains(&role) && !wanted.contains(&role) {
            user_role::Entity::delete_by_id((id, held.role.clone()))
                .exec(&txn)
                .await?;
            audit::record(
                &txn,
                Event {
                    event: "role_changed",
                    actor: Some(user.id),
                    subject: Some(id),
                    ip: ip.audit(),
                    detail: format!("revoked {role}"),
                },
            )
            .await?;
        }
    }
    for role in &wanted {
        let approval_limit = if *role == Role::CanApproveOrders {
            limit
        } else {
            None
        };
        match current.iter().find(|h| h.role == role.as_str()) {
            Some(held) if held.approval_limit == approval_limit => {}
            Some(_) => {
                user_role::ActiveModel {
                    user_id: Set(id),
                    role: Set(role.as_str().into()),
                    approval_limit: Set(approval_limit),
                }
                .update(&txn)
                .await?;
                audit::record(
                    &txn,
                    Event {
                        event: "role_changed",
                        actor: Some(user.id),
                        subject: Some(id),
                        ip: ip.audit(),
                        detail: format!("changed limit of {role}"),
                    },
                )
                .await?;
            }
            None => {
                user_role::ActiveModel {
                    user_id: Set(id),
                    role: Set(role.as_str().into()),
                    approval_limit: Set(approval_limit),
                }
                .insert(&txn)
                .await?;
                audit::record(
                    &txn,
                    Event {
                        event: "role_changed",
                        actor: Some(user.id),
                        subject: Some(id),
                        ip: ip.audit(),
                        detail: format!("granted {role}"),
                    },
                )
                .await?;
            }
        }
    }
    txn.commit().await?;
    Ok(Redirect::to("/organisation/users?done=roles").into_response())
}
