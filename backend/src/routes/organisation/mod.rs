//! An organisation's admin manages its users: invite colleagues and deactivate accounts.
//! Invited people accept through a single-use link that lasts 7 days.

mod roles;

use axum::Form as AxumForm;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use chrono::Utc;
use marco_frontend::accounts::NewPasswordPage;
use marco_frontend::admin::{MemberRow, OrgUsersPage};
use marco_frontend::forms::Form;
use marco_frontend::{Shell, Tr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde::Deserialize;

use crate::auth::audit::{self, Event};
use crate::auth::csrf::CsrfToken;
use crate::auth::limits::ClientIp;
use crate::auth::tokens::{self, TokenFor, TokenKind};
use crate::auth::{CurrentUser, session};
use crate::domain::email::Email;
use crate::domain::password;
use crate::domain::roles::{OrgKind, Role};
use crate::entities::{organisation, user, user_role};
use crate::error::AppError;
use crate::http::context::PageContext;
use crate::mail::{self, MailKind, OutgoingMail};
use crate::routes::accounts::register::domain_allowed;
use crate::routes::accounts::{Fields, field, link_problem, refill};
use crate::state::AppState;

/// The organisation routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/organisation/users", get(list_users))
        .route("/organisation/invitations", post(invite_user))
        .route("/organisation/users/{id}/deactivate", post(deactivate_user))
        .route(
            "/organisation/users/{id}/roles",
            get(roles::show_member_roles).post(roles::change_member_roles),
        )
        .route(
            "/invitations/{token}",
            get(show_invitation).post(accept_invitation),
        )
}

/// Roles an admin of this kind of organisation may give, base role first.
fn grantable(kind: OrgKind) -> Vec<Role> {
    let base = if kind == OrgKind::Buyer {
        Role::BuyerUser
    } else {
        Role::SupplierUser
    };
    std::iter::once(base)
        .chain(
            Role::ALL
                .into_iter()
                .filter(|r| r.org_kind() == kind && r.grantable_by_org_admin() && *r != base),
        )
        .collect()
}

#[derive(Debug, Deserialize)]
struct Notice {
    done: Option<String>,
}

async fn users_page(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    form: Form,
    notice: Option<String>,
) -> Result<OrgUsersPage, AppError> {
    let org = organisation::Entity::find_by_id(user.organisation_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let people = user::Entity::find()
        .filter(user::Column::OrganisationId.eq(org.id))
        .order_by_asc(user::Column::Id)
        .find_with_related(user_role::Entity)
        .all(&state.db)
        .await?;
    let members = people
        .into_iter()
        .map(|(person, roles)| MemberRow {
            id: person.id,
            is_me: person.id == user.id,
            name: person.name,
            email: person.email,
            roles: roles
                .into_iter()
                .map(|r| r.role)
                .collect::<Vec<_>>()
                .join(", "),
            active: person.active,
        })
        .collect();
    let roles = grantable(user.org_kind)
        .into_iter()
        .map(|r| {
            (
                r.as_str().to_owned(),
                shell.tr.t(&format!("role-{}", r.as_str())),
            )
        })
        .collect();
    Ok(OrgUsersPage {
        shell,
        organisation: org.name,
        members,
        roles,
        form,
        notice,
    })
}

async fn list_users(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    Query(query): Query<Notice>,
) -> Result<OrgUsersPage, AppError> {
    let notice = match query.done.as_deref() {
        Some("invited") => Some(shell.tr.t("org-users-invited")),
        Some("deactivated") => Some(shell.tr.t("org-users-deactivated")),
        Some("roles") => Some(shell.tr.t("org-users-roles-saved")),
        _ => None,
    };
    users_page(&state, shell, &user, Form::new(csrf.0), notice).await
}

async fn invite_user(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr = shell.tr;
    let mut form = refill(&csrf, &fields, &["email", "role"], "email", &tr);
    let email = Email::parse(field(&fields, "email"));
    let role = field(&fields, "role")
        .parse::<Role>()
        .ok()
        .filter(|r| grantable(user.org_kind).contains(r));
    if role.is_none() {
        form.add_error("role", tr.t("err-role"));
    }
    match &email {
        Err(_) => form.add_error("email", tr.t("err-email")),
        Ok(email) => {
            if user::Entity::find()
                .filter(user::Column::Email.eq(email.as_str()))
                .one(&state.db)
                .await?
                .is_some()
            {
                form.add_error("email", tr.t("err-email-taken"));
            } else if user.org_kind == OrgKind::Buyer && !domain_allowed(&state.db, email).await? {
                form.add_error("email", tr.t1("err-buyer-domain", "domain", email.domain()));
            }
        }
    }
    let (Ok(email), Some(role), false) = (email, role, form.has_errors()) else {
        return Ok(users_page(&state, shell, &user, form, None)
            .await?
            .into_response());
    };
    let org = organisation::Entity::find_by_id(user.organisation_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let txn = state.begin_write().await?;
    let about = TokenFor {
        organisation_id: Some(org.id),
        email: email.as_str().into(),
        role: Some(role.as_str().into()),
        created_by: Some(user.id),
        ..Default::default()
    };
    let token = tokens::issue(&txn, TokenKind::Invite, about).await?;
    let link = format!("{}/invitations/{token}", state.config.public_url);
    let kind = MailKind::Invitation {
        organisation: org.name.clone(),
        inviter: user.name.clone(),
        link,
    };
    mail::enqueue(
        &txn,
        OutgoingMail {
            to: email.as_str().into(),
            lang: tr.lang,
            kind,
        },
    )
    .await?;
    audit::record(
        &txn,
        Event {
            event: "invitation_sent",
            actor: Some(user.id),
            ip: ip.audit(),
            detail: format!("role {role}"),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/organisation/users?done=invited").into_response())
}

async fn deactivate_user(
    State(state): State<AppState>,
    csrf: CsrfToken,
    user: CurrentUser,
    ip: ClientIp,
    Path(id): Path<i64>,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    if !csrf.matches(fields.get("csrf_token").map(String::as_str)) {
        return Err(AppError::Denied("csrf_failed"));
    }
    // Another organisation's users stay invisible: 404, not 403.
    let target = user::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|t| t.organisation_id == user.organisation_id)
        .ok_or(AppError::NotFound)?;
    if target.id == user.id {
        return Err(AppError::Conflict("cannot_deactivate_self"));
    }
    let txn = state.begin_write().await?;
    let mut inactive = target.into_active_model();
    inactive.active = Set(false);
    inactive.update(&txn).await?;
    session::revoke_all(&txn, id).await?;
    audit::record(
        &txn,
        Event {
            event: "user_deactivated",
            actor: Some(user.id),
            subject: Some(id),
            ip: ip.audit(),
            ..Default::default()
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Redirect::to("/organisation/users?done=deactivated").into_response())
}

fn invitation_page(shell: Shell, form: Form, token: &str) -> NewPasswordPage {
    let title = shell.tr.t("invite-title");
    NewPasswordPage {
        shell,
        form,
        action: format!("/invitations/{token}"),
        title,
        ask_name: true,
    }
}

async fn show_invitation(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match tokens::peek(&state.db, TokenKind::Invite, &token).await {
        Ok(_) => Ok(invitation_page(shell, Form::new(csrf.0), &token).into_response()),
        Err(err) => Ok(link_problem(shell, err, ("/", "continue"))?.into_response()),
    }
}

async fn accept_invitation(
    State(state): State<AppState>,
    PageContext(shell): PageContext,
    csrf: CsrfToken,
    ip: ClientIp,
    jar: CookieJar,
    Path(token): Path<String>,
    AxumForm(fields): AxumForm<Fields>,
) -> Result<Response, AppError> {
    let tr: Tr = shell.tr;
    let invitation = match tokens::peek(&state.db, TokenKind::Invite, &token).await {
        Ok(found) => found,
        Err(err) => return Ok(link_problem(shell, err, ("/", "continue"))?.into_response()),
    };
    let mut form = refill(&csrf, &fields, &["name"], "name", &tr);
    crate::routes::accounts::require(&mut form, &fields, &["name"], 200, &tr);
    let new_password = fields
        .get("password")
        .map(String::as_str)
        .unwrap_or_default();
    if let Err(err) = password::check_policy(new_password, &invitation.email) {
        form.add_error("password", err.to_string());
    }
    if form.has_errors() {
        return Ok(invitation_page(shell, form, &token).into_response());
    }
    let txn = state.begin_write().await?;
    let used = match tokens::consume(&txn, TokenKind::Invite, &token).await {
        Ok(used) => used,
        Err(err) => return Ok(link_problem(shell, err, ("/", "continue"))?.into_response()),
    };
    let org = organisation::Entity::find_by_id(used.organisation_id.unwrap_or_default())
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound)?;
    let kind = OrgKind::parse(&org.kind).unwrap_or(OrgKind::Supplier);
    let role = used
        .role
        .as_deref()
        .and_then(|r| r.parse::<Role>().ok())
        .filter(|r| grantable(kind).contains(r));
    let person = user::ActiveModel {
        organisation_id: Set(org.id),
        email: Set(used.email.clone()),
        name: Set(field(&fields, "name").to_owned()),
        password_hash: Set(password::hash(new_password)?),
        locale: Set(tr.lang.code().into()),
        // Following the e-mailed link proves the address.
        email_verified_at: Set(Some(Utc::now())),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let mut roles = vec![grantable(kind)[0]];
    roles.extend(role.filter(|r| *r != roles[0]));
    for role in &roles {
        user_role::ActiveModel {
            user_id: Set(person.id),
            role: Set(role.as_str().into()),
            approval_limit: Set(None),
        }
        .insert(&txn)
        .await?;
    }
    audit::record(
        &txn,
        Event {
            event: "invitation_accepted",
            actor: Some(person.id),
            subject: Some(person.id),
            ip: ip.audit(),
            detail: format!("invited by {}", used.created_by.unwrap_or_default()),
        },
    )
    .await?;
    for role in &roles {
        audit::record(
            &txn,
            Event {
                event: "role_changed",
                actor: used.created_by,
                subject: Some(person.id),
                ip: ip.audit(),
                detail: format!("granted {role}"),
            },
        )
        .await?;
    }
    txn.commit().await?;
    let (session_token, ttl) = session::start(&state.db, &state, person.id, "browser", "").await?;
    Ok((
        jar.add(session::cookie(&state, session_token, ttl)),
        Redirect::to("/account"),
    )
        .into_response())
}
